//! Players that know nothing about IT support and read only what the trainee's screen shows: where an
//! option stands, how long a reply is, which actions are on offer and in what order, which words a
//! finding shares with a theory. What they score is what a ticket gives away; a score that measures
//! skill keeps them far below the expert (see [`crate::quality`]).
//!
//! Each player sees the practice screen: actions grouped by the step of the method, in the file's order
//! within a step; theories after step 2's actions; the replies in the order drawn for the session; the
//! ticket's category and priority as the briefing shows them.

use crate::engine::{Command, Handoff, Session, TicketNotes, flag};
use crate::scenario::{Compiled, Idx, Step, Team, TicketCategory};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A cue player.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CuePlayer {
    /// Always the first option shown: the first reply, then the first entry of the menu.
    First,
    /// The longest reply; every action in the order listed; every finding ticked; then close, or
    /// escalate when no fix was offered.
    Longest,
    /// The longest reply; the identify and test actions in order; the theory whose words best match
    /// the findings; the fixes whose words best match that theory; every finding ticked; close.
    Keywords,
}

impl CuePlayer {
    pub const ALL: [CuePlayer; 3] = [CuePlayer::First, CuePlayer::Longest, CuePlayer::Keywords];

    pub fn name(self) -> &'static str {
        match self {
            CuePlayer::First => "first option",
            CuePlayer::Longest => "longest + every action",
            CuePlayer::Keywords => "matching words",
        }
    }

    /// Plays one session of `variant` with `seed`.
    pub fn play(self, sc: Arc<Compiled>, seed: u64, variant: usize) -> Session {
        let mut s = Session::with_variant(sc, seed, Some(variant));
        let mut guard = 0;
        while !s.is_over() && guard < 400 {
            guard += 1;
            let Some(cmd) = self.next(&s) else { break };
            if s.apply(cmd).is_err() {
                break;
            }
        }
        s
    }

    fn next(self, s: &Session) -> Option<Command> {
        if let Some(m) = s.state.current_moment() {
            let shown = s.world.draw.shown_replies(m);
            return Some(Command::Reply(match self {
                CuePlayer::First => *shown.first()?,
                _ => longest_reply(s, m, shown)?,
            }));
        }
        let menu = menu(s);
        match self {
            CuePlayer::First => Some(match menu.first()? {
                Entry::Act(a) => Command::Act(*a),
                Entry::Theory(t) => Command::Theorise(*t),
                Entry::Document => Command::Document(TicketNotes {
                    category: TicketCategory::ALL[0],
                    priority: 1,
                    findings: Vec::new(),
                    summary: "".into(),
                    resolution: "".into(),
                }),
                Entry::Escalate => Command::Escalate(Handoff {
                    team: Team::ALL[0],
                    clues: Vec::new(),
                    note: "".into(),
                }),
                Entry::Close => Command::Close,
            }),
            CuePlayer::Longest => {
                if let Some(a) = menu.iter().find_map(|e| match e {
                    Entry::Act(a) => Some(*a),
                    _ => None,
                }) {
                    return Some(Command::Act(a));
                }
                Some(finish(s))
            }
            CuePlayer::Keywords => keywords(s, &menu),
        }
    }
}

/// One entry of the practice menu, in the order the screen lists them.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Act(Idx),
    Theory(Idx),
    Document,
    Escalate,
    Close,
}

fn menu(s: &Session) -> Vec<Entry> {
    let sc = s.scenario();
    let mut out = Vec::new();
    for step in Step::ALL {
        for a in 0..sc.actions.len() {
            if sc.actions[a].step == step && s.world.action_ready(&s.state, a) {
                out.push(Entry::Act(a as Idx));
            }
        }
        if step == Step::Theory {
            for t in 0..sc.src.theories.len() {
                if s.state.stated & (1 << t) == 0 {
                    out.push(Entry::Theory(t as Idx));
                }
            }
        }
    }
    if !s.state.has(flag::DOCUMENTED) {
        out.push(Entry::Document);
    }
    out.push(Entry::Escalate);
    out.push(Entry::Close);
    out
}

fn longest_reply(s: &Session, m: usize, shown: &[u8]) -> Option<u8> {
    let replies = &s.scenario().src.moments[m].replies;
    shown.iter().copied().max_by_key(|&r| {
        s.world
            .render_with(&replies[r as usize].text, Some(&s.state))
            .len()
    })
}

fn known(s: &Session) -> Vec<Idx> {
    (0..s.scenario().clue_ids.len() as Idx)
        .filter(|k| s.state.knows(*k))
        .collect()
}

/// Notes with every known finding ticked and the category and priority the briefing shows.
fn notes(s: &Session) -> TicketNotes {
    let src = &s.scenario().src;
    TicketNotes {
        category: src.category,
        priority: src.priority,
        findings: known(s),
        summary: s.world.render_with(&src.title, Some(&s.state)).into(),
        resolution: "Fixed the issue and confirmed with the user.".into(),
    }
}

/// Documents, then closes if a fix was taken, or escalates (to the generic Tier 2) if none was.
fn finish(s: &Session) -> Command {
    if !s.state.has(flag::DOCUMENTED) {
        return Command::Document(notes(s));
    }
    let sc = s.scenario();
    let fixed_something =
        (0..sc.actions.len()).any(|a| sc.actions[a].step == Step::Fix && s.state.did(a as Idx));
    if fixed_something {
        Command::Close
    } else {
        Command::Escalate(Handoff {
            team: Team::DesktopTier2,
            clues: known(s),
            note: "Escalating with everything found so far.".into(),
        })
    }
}

/// Lower-case words of four letters or more, the ones that carry meaning.
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .map(str::to_lowercase)
        .collect()
}

fn overlap(a: &BTreeSet<String>, b: &BTreeSet<String>) -> usize {
    a.intersection(b).count()
}

fn keywords(s: &Session, menu: &[Entry]) -> Option<Command> {
    let sc = s.scenario();
    // Identify and test first, as listed.
    if let Some(a) = menu.iter().find_map(|e| match e {
        Entry::Act(a) if matches!(sc.actions[*a as usize].step, Step::Identify | Step::Test) => {
            Some(*a)
        }
        _ => None,
    }) {
        return Some(Command::Act(a));
    }
    let findings: BTreeSet<String> = known(s)
        .iter()
        .flat_map(|k| {
            words(
                &s.world
                    .render_with(&sc.clue_texts[*k as usize], Some(&s.state)),
            )
        })
        .collect();
    // The theory that shares the most words with what was found.
    if s.state.theory.is_none() {
        let best = (0..sc.src.theories.len())
            .filter(|t| s.state.stated & (1 << t) == 0)
            .max_by_key(|&t| overlap(&words(&sc.src.theories[t].text), &findings));
        if let Some(t) = best {
            return Some(Command::Theorise(t as Idx));
        }
    }
    // The fix that best matches the theory and the findings, once.
    let theory = s
        .state
        .theory
        .map(|t| words(&sc.src.theories[t as usize].text))
        .unwrap_or_default();
    let fixed_something =
        (0..sc.actions.len()).any(|a| sc.actions[a].step == Step::Fix && s.state.did(a as Idx));
    if !fixed_something {
        let fix = menu
            .iter()
            .filter_map(|e| match e {
                Entry::Act(a) if sc.actions[*a as usize].step == Step::Fix => Some(*a),
                _ => None,
            })
            .max_by_key(|a| {
                let label = words(&sc.src.actions[*a as usize].label);
                2 * overlap(&label, &theory) + overlap(&label, &findings)
            });
        if let Some(a) = fix {
            return Some(Command::Act(a));
        }
    }
    // Verify if the screen offers it, then finish.
    if let Some(a) = menu.iter().find_map(|e| match e {
        Entry::Act(a) if sc.actions[*a as usize].step == Step::Verify => Some(*a),
        _ => None,
    }) {
        return Some(Command::Act(a));
    }
    Some(finish(s))
}
