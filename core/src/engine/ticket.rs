//! The built-in ticket rules every scenario shares: documenting, escalating, closing and finishing a
//! ticket. The scenario declares only what differs (the team a variant needs, its key findings); the
//! scoring is here, once.

use super::*;

pub(super) fn document(w: &World, st: &mut State, n: &TicketNotes, out: &mut Out) {
    let sc = &*w.sc;
    let v = w.variant();
    let t = &w.ticketing;
    let cat_ok = n.category == sc.src.category;
    out.score(
        st,
        Category::Documentation,
        if cat_ok {
            rules::DOC_CATEGORY
        } else {
            -rules::DOC_CATEGORY
        },
        || "doc.category".into(),
        || {
            if cat_ok {
                "Recorded the right ticket category".into()
            } else {
                format!(
                    "Category {:?}; this ticket is {:?}",
                    n.category, sc.src.category
                )
            }
        },
        t,
        false,
    );
    let off = (n.priority as i32 - v.priority as i32).abs();
    let pr = match off {
        0 => rules::DOC_PRIORITY,
        1 => 0,
        _ => -rules::DOC_PRIORITY,
    };
    if pr != 0 {
        out.score(
            st,
            Category::Documentation,
            pr,
            || "doc.priority".into(),
            || {
                if pr > 0 {
                    "Set the priority that impact and urgency call for".into()
                } else {
                    format!(
                        "Priority {} is far from the expected {}",
                        n.priority, v.priority
                    )
                }
            },
            t,
            false,
        );
    }
    for k in &v.key_clues {
        let has = n.findings.contains(k);
        out.score(
            st,
            Category::Documentation,
            if has {
                rules::DOC_KEY_CLUE
            } else {
                -rules::DOC_KEY_CLUE
            },
            || format!("doc.finding:{}", sc.clue_ids[*k as usize]),
            || {
                if has {
                    format!(
                        "Notes record: {}",
                        w.render_with(&sc.clue_texts[*k as usize], Some(st))
                    )
                } else {
                    format!(
                        "Notes do not record: {}",
                        w.render_with(&sc.clue_texts[*k as usize], Some(st))
                    )
                }
            },
            t,
            false,
        );
    }
    for k in n.findings.iter().filter(|k| !v.key_clues.contains(k)) {
        out.score(
            st,
            Category::Documentation,
            rules::DOC_NOISE,
            || format!("doc.noise:{}", sc.clue_ids[*k as usize]),
            || {
                format!(
                    "Notes record what does not bear on this fault: {}",
                    w.render_with(&sc.clue_texts[*k as usize], Some(st))
                )
            },
            t,
            false,
        );
    }
    for (field, text) in [("summary", &n.summary), ("resolution", &n.resolution)] {
        let ok = !text.trim().is_empty();
        out.score(
            st,
            Category::Documentation,
            if ok {
                rules::DOC_TEXT
            } else {
                -rules::DOC_TEXT
            },
            || format!("doc.{field}"),
            || {
                if ok {
                    format!("Wrote the {field}")
                } else {
                    format!("Left the {field} empty")
                }
            },
            t,
            false,
        );
    }
}

pub(super) fn escalate(w: &World, st: &mut State, h: &Handoff, out: &mut Out) {
    let sc = &*w.sc;
    let v = w.variant();
    method_entry(w, st, Step::Test, out);
    let tested = st.has(flag::TESTED);
    out.score(
        st,
        Category::Diagnosis,
        if tested {
            rules::TESTED_BEFORE_ESCALATING
        } else {
            rules::ESCALATED_UNTESTED
        },
        || "method.test-before-escalate".into(),
        || {
            if tested {
                "Tested before escalating".into()
            } else {
                "Escalated without testing anything".into()
            }
        },
        &w.method_objectives,
        false,
    );
    let obj = &w.method_objectives;
    // The right team earns full credit; a second reasonable one (`also`) its share.
    let credit = match &v.escalate {
        Some((team, _)) if *team == h.team => Some(100),
        Some(_) => v.also.iter().find(|(t, _)| *t == h.team).map(|(_, c)| *c),
        None => None,
    };
    let outcome = match (&v.escalate, credit) {
        (Some((team, needed)), Some(credit)) => {
            let partial = credit < 100;
            out.score(
                st,
                Category::Escalation,
                (rules::RIGHT_TEAM * credit as i32 + 50) / 100,
                || {
                    if partial {
                        "escalation.second-choice".into()
                    } else {
                        "escalation.right-team".into()
                    }
                },
                || {
                    if partial {
                        format!(
                            "Escalated to the {}, a reasonable choice; the {} would have been better",
                            h.team.label(),
                            team.label()
                        )
                    } else {
                        format!("Escalated to the {}, who can fix this", team.label())
                    }
                },
                obj,
                false,
            );
            out.score(
                st,
                Category::Resolution,
                rules::ROUTED,
                || "resolution.routed".into(),
                || "The ticket reached the team that can resolve it".into(),
                obj,
                false,
            );
            for k in needed {
                let has = h.clues.contains(k);
                out.score(
                    st,
                    Category::Escalation,
                    if has {
                        rules::HANDOFF_ITEM
                    } else {
                        -rules::HANDOFF_ITEM
                    },
                    || format!("handoff:{}", sc.clue_ids[*k as usize]),
                    || {
                        if has {
                            format!(
                                "Hand-off included: {}",
                                w.render_with(&sc.clue_texts[*k as usize], Some(st))
                            )
                        } else {
                            format!(
                                "Hand-off left out: {}",
                                w.render_with(&sc.clue_texts[*k as usize], Some(st))
                            )
                        }
                    },
                    &w.ticketing,
                    false,
                );
            }
            for k in h.clues.iter().filter(|k| !needed.contains(k)) {
                out.score(
                    st,
                    Category::Escalation,
                    rules::HANDOFF_NOISE,
                    || format!("handoff.noise:{}", sc.clue_ids[*k as usize]),
                    || {
                        format!(
                            "Hand-off passes on what the team does not need: {}",
                            w.render_with(&sc.clue_texts[*k as usize], Some(st))
                        )
                    },
                    &w.ticketing,
                    false,
                );
            }
            if h.note.trim().is_empty() {
                out.score(
                    st,
                    Category::Escalation,
                    rules::EMPTY_HANDOFF_NOTE,
                    || "handoff.note".into(),
                    || "The hand-off note was empty".into(),
                    &w.ticketing,
                    false,
                );
            }
            Outcome::EscalatedCorrectly
        }
        (Some((team, _)), None) => {
            out.score(
                st,
                Category::Escalation,
                rules::WRONG_TEAM,
                || "escalation.wrong-team".into(),
                || {
                    format!(
                        "The {} cannot fix this; it needed the {}",
                        h.team.label(),
                        team.label()
                    )
                },
                obj,
                false,
            );
            Outcome::EscalatedWrongly
        }
        (None, _) => {
            out.score(
                st,
                Category::Escalation,
                rules::NEEDLESS_ESCALATION,
                || "escalation.needless".into(),
                || "Escalated a ticket Tier 1 should resolve".into(),
                obj,
                false,
            );
            Outcome::EscalatedWrongly
        }
    };
    st.phase = Phase::WrappingUp(outcome);
}

pub(super) fn close(w: &World, st: &mut State, out: &mut Out) {
    let v = w.variant();
    let obj = &w.method_objectives;
    let fixed = w.is_fixed(st);
    if fixed {
        out.score(
            st,
            Category::Resolution,
            rules::FIXED,
            || "resolution.fixed".into(),
            || "The fault is fixed".into(),
            obj,
            false,
        );
        if w.sc.src.must_verify {
            let ok = st.has(flag::VERIFIED);
            out.score(
                st,
                Category::Diagnosis,
                if ok {
                    rules::VERIFIED
                } else {
                    rules::UNVERIFIED
                },
                || "method.verify-before-close".into(),
                || {
                    if ok {
                        "Confirmed with the user that it works before closing".into()
                    } else {
                        "Closed without confirming the fix with the user".into()
                    }
                },
                obj,
                false,
            );
        }
    }
    match (&v.escalate, fixed) {
        (None, true) => out.score(
            st,
            Category::Escalation,
            rules::KEPT_AT_TIER1,
            || "escalation.kept".into(),
            || "Resolved at Tier 1 without needless escalation".into(),
            obj,
            false,
        ),
        (Some((team, _)), false) => out.score(
            st,
            Category::Escalation,
            rules::MISSED_ESCALATION,
            || "escalation.missed".into(),
            || format!("Closed a ticket that needed the {}", team.label()),
            obj,
            false,
        ),
        (None, false) => out.score(
            st,
            Category::Resolution,
            rules::NOT_FIXED,
            || "resolution.not-fixed".into(),
            || "Closed with the fault still present".into(),
            obj,
            false,
        ),
        (Some(_), true) => {}
    }
    st.phase = Phase::WrappingUp(if fixed {
        Outcome::Resolved
    } else {
        Outcome::ClosedUnresolved
    });
}

/// Rules that apply however the ticket leaves the desk: documentation and time.
pub(super) fn finish_ticket(w: &World, st: &mut State, out: &mut Out) {
    if !st.has(flag::DOCUMENTED) {
        out.score(
            st,
            Category::Documentation,
            rules::UNDOCUMENTED,
            || "doc.missing".into(),
            || "The ticket left the desk without notes".into(),
            &w.ticketing,
            false,
        );
    }
    let (target, sla) = (w.sc.src.minutes, w.sc.src.sla_minutes);
    let (p, why) = if st.minute <= target {
        (
            rules::ON_TIME,
            format!(
                "Finished in {} minutes, within the expected {target}",
                st.minute
            ),
        )
    } else if st.minute <= sla {
        (
            rules::WITHIN_SLA,
            format!(
                "Finished in {} minutes, within the {sla}-minute SLA",
                st.minute
            ),
        )
    } else {
        (
            rules::MISSED_SLA,
            format!("Took {} minutes; the SLA was {sla}", st.minute),
        )
    };
    out.score(
        st,
        Category::Time,
        p,
        || "time.sla".into(),
        || why,
        &w.ticketing,
        false,
    );
}
