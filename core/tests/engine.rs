//! The engine's rules, on the starter scenario.

mod common;

use helpdesk_core::engine::{Command, CommandError, Event, Outcome, Session, flag, parse_key};
use helpdesk_core::scenario::Team;
use helpdesk_core::{scoring, solver};

fn play(s: &mut Session, keys: &[&str]) {
    for k in keys {
        if let Some(r) = solver::best_reply(&s.world, &s.state) {
            s.apply(r).unwrap();
        }
        let cmd = parse_key(&s.world, &s.state, k).unwrap_or_else(|| panic!("no command `{k}`"));
        s.apply(cmd).unwrap_or_else(|e| panic!("`{k}`: {e}"));
    }
    while let Some(r) = solver::best_reply(&s.world, &s.state) {
        s.apply(r).unwrap();
    }
}

fn points(s: &Session, rule: &str) -> Vec<i32> {
    s.events()
        .filter_map(|e| match e {
            Event::Points(p) if p.rule == rule => Some(p.points),
            _ => None,
        })
        .collect()
}

fn variant(id: &str) -> Option<usize> {
    common::starter().variant(id)
}

#[test]
fn same_seed_and_commands_give_identical_logs() {
    let sc = common::starter();
    let keys = [
        "ask_symptom",
        "theory:mapping",
        "net_use",
        "remap",
        "confirm",
        "document",
        "close",
    ];
    let v = variant("lost_mapping");
    let mut a = Session::with_variant(sc.clone(), 1234, v);
    let mut b = Session::with_variant(sc.clone(), 1234, v);
    play(&mut a, &keys);
    play(&mut b, &keys);
    assert_eq!(a.log, b.log);
    assert_eq!(a.world.draw, b.world.draw);
    // Replaying the recorded commands reproduces the log exactly.
    let mut c = Session::with_variant(sc, 1234, v);
    for cmd in a.commands_issued() {
        c.apply(cmd).unwrap();
    }
    assert_eq!(a.log, c.log);
}

#[test]
fn the_seed_picks_the_variant_and_the_caller() {
    let sc = common::starter();
    let draws: Vec<_> = (0..64)
        .map(|seed| Session::new(sc.clone(), seed).world.draw)
        .collect();
    let variants: std::collections::HashSet<_> = draws.iter().map(|d| d.variant).collect();
    let callers: std::collections::HashSet<_> = draws.iter().map(|d| d.caller.clone()).collect();
    assert_eq!(variants.len(), 2, "both variants are drawn over 64 seeds");
    assert_eq!(callers.len(), 2, "both caller names are drawn");
    for d in &draws {
        assert!((20..=35).contains(&d.start_frustration));
    }
}

#[test]
fn tool_output_is_computed_from_the_variant_facts() {
    let sc = common::starter();
    let output = |v: &str| {
        let mut s = Session::with_variant(sc.clone(), 5, variant(v));
        play(&mut s, &["ask_symptom", "net_use"]);
        s.events()
            .find_map(|e| {
                if let Event::Console { output, .. } = e {
                    Some(output.clone())
                } else {
                    None
                }
            })
            .unwrap()
    };
    assert!(output("lost_mapping").contains("no entries"));
    assert!(output("offline").contains("network path was not found"));
}

#[test]
fn the_expert_path_wins_and_follows_the_method() {
    let sc = common::starter();
    let mut s = Session::with_variant(sc, 9, variant("offline"));
    play(
        &mut s,
        &[
            "ask_symptom",
            "theory:network",
            "net_use",
            "reseat_cable",
            "confirm",
            "document",
            "close",
        ],
    );
    assert_eq!(s.outcome(), Some(Outcome::Resolved));
    assert_eq!(points(&s, "method.identify-first"), vec![5]);
    assert_eq!(points(&s, "method.test-before-fix"), vec![5]);
    assert_eq!(points(&s, "method.right-theory"), vec![5]);
    assert_eq!(points(&s, "method.verify-before-close"), vec![8]);
    assert!(s.state.has(flag::VERIFIED) && s.state.has(flag::DOCUMENTED));
    let r = scoring::report(&s);
    assert!(r.percent >= 90.0, "expert scored {:.1} %", r.percent);
    assert!(
        r.cost_points.is_empty(),
        "unexpected costs: {:?}",
        r.cost_points
    );
}

#[test]
fn fixing_before_testing_and_closing_unverified_cost_points() {
    let sc = common::starter();
    let mut s = Session::with_variant(sc, 9, variant("lost_mapping"));
    // The worst reply to the opening, then straight to the fix.
    s.apply(Command::Reply(1)).unwrap();
    s.apply(parse_key(&s.world, &s.state, "remap").unwrap())
        .unwrap();
    s.apply(Command::Close).unwrap();
    assert_eq!(points(&s, "method.identify-first"), vec![-5]);
    assert_eq!(points(&s, "method.test-before-fix"), vec![-8]);
    assert_eq!(points(&s, "method.theory-before-fix"), vec![-3]);
    assert_eq!(points(&s, "method.verify-before-close"), vec![-8]);
    assert_eq!(points(&s, "doc.missing"), vec![-10]);
    assert_eq!(s.outcome(), Some(Outcome::Resolved));
    let r = scoring::report(&s);
    assert!(r.percent < 50.0, "careless scored {:.1} %", r.percent);
    assert!(r.cost_points.iter().any(|f| f.rule == "reply:opening/2"));
}

#[test]
fn escalating_what_tier1_should_fix_is_penalised() {
    let sc = common::starter();
    let mut s = Session::with_variant(sc, 3, variant("lost_mapping"));
    play(&mut s, &["ask_symptom", "net_use", "escalate:DesktopTier2"]);
    assert_eq!(s.outcome(), Some(Outcome::EscalatedWrongly));
    assert_eq!(points(&s, "escalation.needless"), vec![-20]);
}

#[test]
fn commands_are_refused_when_not_available() {
    let sc = common::starter();
    let mut s = Session::new(sc.clone(), 1);
    // The opening moment waits for a reply.
    assert_eq!(
        s.apply(Command::Close).unwrap_err(),
        CommandError::AwaitingReply
    );
    s.apply(Command::Reply(0)).unwrap();
    assert_eq!(
        s.apply(Command::Reply(0)).unwrap_err(),
        CommandError::NoMoment
    );
    // `reseat_cable` needs a clue nobody has found yet.
    let a = sc.action("reseat_cable").unwrap();
    assert!(matches!(
        s.apply(Command::Act(a)),
        Err(CommandError::Unavailable(_))
    ));
    // Notes may only record what is known.
    let mut notes = s.world.best_notes(&s.state);
    notes.findings.push(0);
    assert!(matches!(
        s.apply(Command::Document(notes)),
        Err(CommandError::Unavailable(_))
    ));
    s.apply(Command::Close).unwrap();
    assert!(s.is_over());
    assert_eq!(s.apply(Command::Close).unwrap_err(), CommandError::Over);
}

#[test]
fn the_caller_hangs_up_at_their_patience() {
    let mut text = helpdesk_core::cli::template("impatient");
    text = text
        .replace("frustration: (20, 35)", "frustration: (80, 84)")
        .replace("drift: 0.5", "drift: 3.0");
    let sc = std::sync::Arc::new(common::compile(&text).unwrap());
    let mut s = Session::new(sc, 2);
    s.apply(Command::Reply(1)).unwrap(); // jargon to an anxious caller: +8 and +4
    assert_eq!(s.outcome(), Some(Outcome::CallerHungUp));
    assert_eq!(points(&s, "caller.left"), vec![-15]);
    assert!(s.commands().is_empty());
}

#[test]
fn a_handoff_without_the_needed_findings_loses_points() {
    let text = helpdesk_core::cli::template("handoff").replace(
        "fixed_when: [Fact(\"on_network\", true), Fact(\"drive_mapped\", true)],",
        "fixed_when: [],\n            escalate: (team: Network, handoff: [\"no_network\", \"drive_gone\"]),",
    );
    let sc = std::sync::Arc::new(common::compile(&text).unwrap());
    let v = sc.variant("offline");
    let mut s = Session::with_variant(sc.clone(), 4, v);
    s.apply(Command::Reply(0)).unwrap();
    s.apply(parse_key(&s.world, &s.state, "ask_symptom").unwrap())
        .unwrap();
    s.apply(parse_key(&s.world, &s.state, "net_use").unwrap())
        .unwrap();
    let drive_gone = sc.clue("drive_gone").unwrap();
    s.apply(Command::Escalate(helpdesk_core::engine::Handoff {
        team: Team::Network,
        clues: vec![drive_gone],
        note: "".into(),
    }))
    .unwrap();
    assert_eq!(s.outcome(), Some(Outcome::EscalatedCorrectly));
    assert_eq!(points(&s, "escalation.right-team"), vec![15]);
    assert_eq!(points(&s, "handoff:drive_gone"), vec![2]);
    assert_eq!(points(&s, "handoff:no_network"), vec![-2]);
    assert_eq!(points(&s, "handoff.note"), vec![-3]);
}

#[test]
fn the_solver_proves_both_starter_variants_and_its_path_replays() {
    let sc = common::starter();
    let r = solver::solve(&sc, 1);
    assert!(r.all_winnable());
    assert!(r.unreachable.is_empty(), "{:?}", r.unreachable);
    for (vi, v) in r.variants.iter().enumerate() {
        assert!(v.complete);
        let keys: Vec<String> = v.best_path.clone();
        let mut s = Session::with_variant(sc.clone(), 1, Some(vi));
        for k in &keys {
            let cmd = parse_key(&s.world, &s.state, k).unwrap();
            s.apply(cmd).unwrap();
        }
        assert!(s.is_over());
        assert!(s.outcome().unwrap().is_win());
        assert_eq!(
            s.total(),
            v.max_score,
            "replaying the best path scores the solver's maximum"
        );
    }
}

#[test]
fn the_solver_finds_dead_ends_and_unreachable_content() {
    // A fix that destroys the data makes winning impossible; an action nothing enables is unreachable.
    let text = helpdesk_core::cli::template("dead")
        .replace("\"on_network\": true,\n    },", "\"on_network\": true,\n        \"data_intact\": true,\n    },")
        .replace("fixed_when: [", "fixed_when: [Fact(\"data_intact\", true), ")
        .replace(
        "        (\n            id: \"confirm\",",
        "        (\n            id: \"wipe_profile\",\n            label: \"Delete the user's profile\",\n            kind: RemoteFix, step: Fix,\n            effects: [Set(\"data_intact\", false), Harm(-20, \"Deleted the user's data\")],\n            requires: [Done(\"ask_symptom\")],\n        ),\n        (\n            id: \"never\",\n            label: \"Unreachable\",\n            kind: Tool, step: Test,\n            requires: [Fact(\"drive_mapped\", true), Fact(\"on_network\", false)],\n        ),\n        (\n            id: \"confirm\",",
    );
    let sc = std::sync::Arc::new(common::compile(&text).expect("lints"));
    let r = solver::solve(&sc, 1);
    assert!(r.all_winnable());
    assert!(
        r.variants.iter().all(|v| v.dead_ends > 0),
        "wiping the profile is a dead end in both variants"
    );
    assert!(
        r.variants[0]
            .dead_end_examples
            .iter()
            .any(|p| p.last().map(String::as_str) == Some("wipe_profile"))
    );
    assert!(
        r.unreachable.contains(&"action `never`".to_string()),
        "{:?}",
        r.unreachable
    );
}

#[test]
fn random_play_scores_low_and_careless_play_below_half() {
    let sc = common::starter();
    let stats = solver::stats(&sc, 300, 7);
    assert!(stats.median <= 35.0, "median {:.1}", stats.median);
    assert!(stats.max >= stats.median);
    for v in 0..sc.variants.len() {
        let r = scoring::report(&solver::careless_play(sc.clone(), 7, v));
        assert!(r.percent <= 50.0, "careless {:.1}", r.percent);
    }
}

#[test]
fn placeholders_render_from_the_draw_and_facts() {
    let sc = common::starter();
    let s = Session::new(sc, 11);
    let summary = s.world.render_with(&s.scenario().src.summary, None);
    assert!(summary.starts_with(&s.world.draw.caller), "{summary}");
    assert!(!summary.contains('{'));
}

#[test]
fn every_outcome_reads_back_from_the_name_the_records_store() {
    use helpdesk_core::engine::Outcome;
    for o in Outcome::ALL {
        assert_eq!(Outcome::from_name(&format!("{o:?}")), Some(o));
    }
    assert_eq!(Outcome::from_name("Resolvedd"), None);
}

/// The order replies are shown in comes from the seed: the same replay code shows the same order,
/// other codes put the best reply in every place, and exam mode's action order is drawn the same way.
#[test]
fn reply_and_exam_action_orders_are_drawn_from_the_seed() {
    use helpdesk_core::engine::Draw;
    let cat = helpdesk_core::Catalogue::bundled();
    let lib = helpdesk_core::library::load(&[common::library_dir()], &cat);
    let sc = lib.get("net-no-internet-dhcp").unwrap();
    let m = 0;
    let n = sc.moments[m].replies.len();
    let best = (0..n)
        .max_by_key(|&r| sc.moments[m].replies[r].points)
        .unwrap() as u8;
    let mut places = std::collections::BTreeSet::new();
    for seed in 0..200 {
        let a = Draw::new(sc, seed, None);
        assert_eq!(a, Draw::new(sc, seed, None), "seed {seed} draws the same");
        let shown = a.shown_replies(m).to_vec();
        let mut sorted = shown.clone();
        sorted.sort();
        assert_eq!(sorted, (0..n as u8).collect::<Vec<_>>(), "a permutation");
        places.insert(shown.iter().position(|&r| r == best).unwrap());
        let mut actions = a.action_order.clone();
        actions.sort();
        assert_eq!(actions, (0..sc.actions.len() as u8).collect::<Vec<_>>());
    }
    assert_eq!(
        places.len(),
        n,
        "the best reply is shown in every place for some seed"
    );
    // Forcing a variant keeps the order: the author preview shows what the trainee saw.
    assert_eq!(
        Draw::new(sc, 7, Some(1)).reply_order,
        Draw::new(sc, 7, None).reply_order
    );
}

/// The walkthrough of net-no-internet-dhcp's `scope_exhausted` up to the hand-off: every step that
/// finds something, and the renew that fails.
const SCOPE_FULL_DIAGNOSIS: &[&str] = &[
    "ask_symptom",
    "ask_others",
    "ipconfig",
    "theory:scope",
    "check_scope",
    "renew",
];

/// Points of the events a command brings, applied to a copy of the session.
fn points_of(s: &Session, cmd: Command) -> i32 {
    let mut s = s.clone();
    s.apply(cmd)
        .unwrap()
        .iter()
        .map(|e| match e {
            Event::Points(p) => p.points,
            _ => 0,
        })
        .sum()
}

/// Notes that tick every known finding score below notes that record the key ones, a point for each
/// finding that does not bear on the fault; the same for a hand-off and what the team needs.
#[test]
fn recording_everything_scores_below_recording_what_matters() {
    use helpdesk_core::engine::{Handoff, TicketNotes};
    let cat = helpdesk_core::Catalogue::bundled();
    let lib = helpdesk_core::library::load(&[common::library_dir()], &cat);
    let sc = lib.get("net-no-internet-dhcp").unwrap().clone();
    let v = sc.variant("scope_exhausted").unwrap();
    let mut s = Session::with_variant(sc.clone(), 1, Some(v));
    play(&mut s, SCOPE_FULL_DIAGNOSIS);
    let known: Vec<helpdesk_core::scenario::Idx> = (0..sc.clue_ids.len()
        as helpdesk_core::scenario::Idx)
        .filter(|k| s.state.knows(*k))
        .collect();
    let best = s.world.best_notes(&s.state);
    let noise = known.len() - best.findings.len();
    assert!(
        noise >= 2,
        "the test needs findings that do not matter here"
    );
    let everything = TicketNotes {
        findings: known.clone(),
        ..best.clone()
    };
    assert_eq!(
        points_of(&s, Command::Document(everything)),
        points_of(&s, Command::Document(best.clone())) - noise as i32
    );
    s.apply(Command::Document(best)).unwrap();
    let needed = s.world.full_handoff(&s.state, Team::Network);
    let all = Handoff {
        clues: known.clone(),
        ..needed.clone()
    };
    let extra = known.len() - needed.clues.len();
    assert!(extra >= 1);
    assert_eq!(
        points_of(&s, Command::Escalate(all)),
        points_of(&s, Command::Escalate(needed)) - extra as i32
    );
}

/// A variant may accept a second team with partial credit: it routes the ticket (a win) and earns its
/// share of the escalation points; any other team is still wrong.
#[test]
fn a_second_reasonable_team_earns_partial_credit() {
    let cat = helpdesk_core::Catalogue::bundled();
    let path = common::library_dir().join("network/net-no-internet-dhcp.ron");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "escalate: (team: Network, handoff: [",
        "escalate: (team: Network, also: [(team: Server, credit: 60)], handoff: [",
    );
    let sc = std::sync::Arc::new(
        helpdesk_core::scenario::load_bytes(&path, text.as_bytes(), &cat).unwrap(),
    );
    let v = sc.variant("scope_exhausted").unwrap();
    let ending = |team: &str| {
        let mut s = Session::with_variant(sc.clone(), 1, Some(v));
        play(&mut s, SCOPE_FULL_DIAGNOSIS);
        play(&mut s, &["document", &format!("escalate:{team}")]);
        (s.outcome(), scoring::report(&s))
    };
    let (right, r) = ending("Network");
    let (second, s2) = ending("Server");
    let (wrong, w) = ending("Mobile");
    assert_eq!(right, Some(Outcome::EscalatedCorrectly));
    assert_eq!(second, Some(Outcome::EscalatedCorrectly));
    assert_eq!(wrong, Some(Outcome::EscalatedWrongly));
    let esc = |r: &scoring::Report| {
        r.categories
            .iter()
            .find(|l| l.name == "Escalation")
            .unwrap()
            .earned
    };
    // 60 % of the right team's 15 points: 9, so 6 fewer.
    assert_eq!(esc(&r) - esc(&s2), 6);
    assert!(r.total > s2.total && s2.total > w.total);
    // A team listed twice is an error.
    let twice = text.replace(
        "also: [(team: Server, credit: 60)]",
        "also: [(team: Network, credit: 60)]",
    );
    let errors = helpdesk_core::scenario::load_bytes(&path, twice.as_bytes(), &cat).unwrap_err();
    assert!(
        errors.iter().any(|d| d.message.contains("listed twice")),
        "{errors:?}"
    );
}
