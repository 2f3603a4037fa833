//! The simulation engine: a seeded, deterministic ticket.
//!
//! A [`Session`] holds a compiled scenario, the values drawn from the seed, the world [`State`] and the
//! log. [`step`] is the one rule book: given a state and a [`Command`] it changes the state and reports
//! what happened as [`Event`]s. The session, the solver and random play all call it; the solver passes no
//! event buffer so that it never formats text, and only counts points.
//!
//! Built-in rules (the troubleshooting method, escalation, documentation, resolution and time) live in
//! the engine too, next to the scenario's own effects, so that every point has one origin: a `Points`
//! event.
//!
//! | file | what is there |
//! |---|---|
//! | `mod.rs` | commands, state, events, [`step`] and the scenario's own actions, replies and effects |
//! | `world.rs` | [`World`]: the compiled scenario with what the seed drew ([`Draw`]); what may be done now |
//! | `ticket.rs` | the built-in ticket rules: documenting, escalating, closing and finishing a ticket |
//! | `session.rs` | [`Session`]: a ticket being worked, its log, and command keys for replay |

use crate::scenario::*;
use crate::text;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

mod session;
mod ticket;
mod world;

pub use session::*;
use ticket::{close, document, escalate, finish_ticket};
pub use world::*;

/// Frustration is kept in tenths of a point so drift per minute can be fractional.
pub const TENTHS: i32 = 10;

/// Points for the built-in rules. Scenario authors add their own on top.
pub mod rules {
    pub const IDENTIFY_FIRST: i32 = 5;
    pub const SKIPPED_IDENTIFY: i32 = -5;
    pub const TESTED_BEFORE_FIX: i32 = 5;
    pub const FIXED_UNTESTED: i32 = -8;
    pub const THEORY_BEFORE_FIX: i32 = 3;
    pub const FIX_WITHOUT_THEORY: i32 = -3;
    pub const RIGHT_THEORY: i32 = 5;
    pub const WRONG_THEORY: i32 = -2;
    pub const VERIFIED: i32 = 8;
    pub const UNVERIFIED: i32 = -8;
    pub const UNDOCUMENTED: i32 = -10;
    pub const TESTED_BEFORE_ESCALATING: i32 = 3;
    pub const ESCALATED_UNTESTED: i32 = -5;
    pub const FIXED: i32 = 20;
    pub const NOT_FIXED: i32 = -20;
    pub const KEPT_AT_TIER1: i32 = 10;
    pub const RIGHT_TEAM: i32 = 15;
    pub const ROUTED: i32 = 20;
    pub const WRONG_TEAM: i32 = -10;
    pub const NEEDLESS_ESCALATION: i32 = -20;
    pub const MISSED_ESCALATION: i32 = -20;
    pub const HANDOFF_ITEM: i32 = 2;
    pub const EMPTY_HANDOFF_NOTE: i32 = -3;
    pub const DOC_CATEGORY: i32 = 3;
    pub const DOC_PRIORITY: i32 = 2;
    pub const DOC_KEY_CLUE: i32 = 2;
    /// Each recorded finding that does not bear on this fault: notes that tick everything read worse
    /// than notes that record what matters.
    pub const DOC_NOISE: i32 = -1;
    /// Each finding passed on that the receiving team does not need.
    pub const HANDOFF_NOISE: i32 = -1;
    pub const DOC_TEXT: i32 = 1;
    pub const ON_TIME: i32 = 5;
    pub const WITHIN_SLA: i32 = 2;
    pub const MISSED_SLA: i32 = -5;
    pub const CALLER_LEFT: i32 = -15;
    /// Minutes documenting takes.
    pub const DOCUMENT_MINUTES: u32 = 2;
}

/// The objective documentation, hand-offs and service levels count towards.
pub const TICKETING_OBJECTIVE: &str = "1202-4.1";
/// The objective replies count towards.
pub const COMMUNICATION_OBJECTIVE: &str = crate::scenario::validate::COMMUNICATION_OBJECTIVE;

/// What the trainee does next.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Command {
    /// One of the scenario's actions, by index.
    Act(Idx),
    /// A reply to the caller's current line, by index.
    Reply(u8),
    /// State a theory of probable cause.
    Theorise(Idx),
    /// Fill in the ticket record.
    Document(TicketNotes),
    /// Hand the ticket to another team.
    Escalate(Handoff),
    /// Close the ticket.
    Close,
}

/// The ticket record the trainee fills in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TicketNotes {
    pub category: TicketCategory,
    pub priority: u8,
    /// Clues recorded as findings; each must be known.
    pub findings: Vec<Idx>,
    pub summary: Arc<str>,
    pub resolution: Arc<str>,
}

/// What goes to the next team.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Handoff {
    pub team: Team,
    /// Clues passed on; each must be known.
    pub clues: Vec<Idx>,
    pub note: Arc<str>,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// Closed with the fault fixed.
    Resolved,
    /// Closed with the fault still present.
    ClosedUnresolved,
    /// Handed to the team that can fix it.
    EscalatedCorrectly,
    /// Handed off when it should not have been, or to the wrong team.
    EscalatedWrongly,
    CallerHungUp,
    CallerDemandedManager,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Resolved,
        Outcome::ClosedUnresolved,
        Outcome::EscalatedCorrectly,
        Outcome::EscalatedWrongly,
        Outcome::CallerHungUp,
        Outcome::CallerDemandedManager,
    ];

    /// The outcome stored under this name (its variant name, as the records keep it).
    pub fn from_name(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| format!("{o:?}") == name)
    }

    /// Whether the ticket was handled: the solver proves a variant can end this way.
    pub fn is_win(self) -> bool {
        matches!(self, Outcome::Resolved | Outcome::EscalatedCorrectly)
    }
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Resolved => "Resolved",
            Outcome::ClosedUnresolved => "Closed unresolved",
            Outcome::EscalatedCorrectly => "Escalated correctly",
            Outcome::EscalatedWrongly => "Escalated wrongly",
            Outcome::CallerHungUp => "Caller hung up",
            Outcome::CallerDemandedManager => "Caller demanded a manager",
        }
    }
}

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Open,
    /// Closed or escalated; the caller may still have something to say.
    WrappingUp(Outcome),
    Over(Outcome),
}

/// Method-order flags.
pub mod flag {
    pub const IDENTIFIED: u16 = 1;
    pub const TESTED: u16 = 1 << 1;
    pub const THEORISED: u16 = 1 << 2;
    pub const PAST_IDENTIFY: u16 = 1 << 3;
    pub const FIX_TRIED: u16 = 1 << 4;
    pub const VERIFIED: u16 = 1 << 5;
    pub const DOCUMENTED: u16 = 1 << 6;
    pub const RIGHT_THEORY: u16 = 1 << 7;
}

/// The simulated world at one moment. Small and hashable: the solver memoises on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    pub variant: u8,
    /// Shared until an effect changes a fact, so copying a state is cheap.
    pub facts: Arc<Vec<Value>>,
    pub known: u64,
    pub done: u64,
    pub stated: u64,
    pub fired: u64,
    pub pending: u64,
    pub theory: Option<Idx>,
    /// Tenths of a frustration point, 0–1000.
    pub frustration: i32,
    pub minute: u32,
    pub last_contact: u32,
    pub flags: u16,
    pub phase: Phase,
}

impl State {
    pub fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
    pub fn is_over(&self) -> bool {
        matches!(self.phase, Phase::Over(_))
    }
    pub fn outcome(&self) -> Option<Outcome> {
        match self.phase {
            Phase::Over(o) | Phase::WrappingUp(o) => Some(o),
            Phase::Open => None,
        }
    }
    /// The moment waiting for a reply, if any.
    pub fn current_moment(&self) -> Option<usize> {
        (self.pending != 0).then(|| self.pending.trailing_zeros() as usize)
    }
    pub fn knows(&self, clue: Idx) -> bool {
        self.known & (1 << clue) != 0
    }
    pub fn did(&self, action: Idx) -> bool {
        self.done & (1 << action) != 0
    }
    /// Frustration on the 0–100 scale.
    pub fn mood(&self) -> i32 {
        self.frustration / TENTHS
    }
}

/// Points awarded or taken, with where they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Points {
    pub category: Category,
    pub points: i32,
    /// The rule that fired: `method.test-before-fix`, `action:ipconfig`, `reply:greeting/2`, …
    pub rule: String,
    pub reason: String,
    pub objectives: Vec<String>,
    pub harmful: bool,
    /// Simulated minute and command number (1-based) when it happened.
    pub minute: u32,
    pub turn: u32,
}

/// Something that happened, for the transcript, the console, the inspector and scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// The trainee did something; `text` is what they said or ran.
    Trainee {
        step: Option<Step>,
        text: String,
    },
    CallerSays(String),
    Console {
        title: String,
        output: String,
    },
    /// The caller raises something and waits for a reply.
    Moment {
        moment: String,
        line: String,
    },
    ClueFound {
        clue: String,
        text: String,
    },
    FactChanged {
        fact: String,
        value: String,
    },
    Mood {
        delta: i32,
        now: i32,
    },
    Points(Points),
    Ended(Outcome),
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    Over,
    AwaitingReply,
    NoMoment,
    Unavailable(String),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Over => f.write_str("the session is over"),
            CommandError::AwaitingReply => f.write_str("the caller is waiting for a reply"),
            CommandError::NoMoment => f.write_str("there is nothing to reply to"),
            CommandError::Unavailable(why) => write!(f, "not available: {why}"),
        }
    }
}

impl std::error::Error for CommandError {}

/// Collects points always, and events only when asked: the solver runs with `events: None`.
pub struct Out<'a> {
    pub events: Option<&'a mut Vec<Event>>,
    pub total: i32,
    pub turn: u32,
}

impl<'a> Out<'a> {
    pub fn new(events: Option<&'a mut Vec<Event>>, turn: u32) -> Self {
        Out {
            events,
            total: 0,
            turn,
        }
    }
    fn logging(&self) -> bool {
        self.events.is_some()
    }
    fn emit(&mut self, f: impl FnOnce() -> Event) {
        if let Some(ev) = self.events.as_deref_mut() {
            ev.push(f());
        }
    }
    #[allow(clippy::too_many_arguments)]
    fn score(
        &mut self,
        st: &State,
        category: Category,
        points: i32,
        rule: impl FnOnce() -> String,
        reason: impl FnOnce() -> String,
        objectives: &[Arc<str>],
        harmful: bool,
    ) {
        self.total += points;
        let turn = self.turn;
        self.emit(|| {
            Event::Points(Points {
                category,
                points,
                rule: rule(),
                reason: reason(),
                objectives: objectives.iter().map(|o| o.to_string()).collect(),
                harmful,
                minute: st.minute,
                turn,
            })
        });
    }
}

/// Applies `cmd` to `st`. The caller has checked it with [`World::check`].
pub fn step(w: &World, st: &mut State, cmd: &Command, out: &mut Out) {
    let sc = &*w.sc;
    match cmd {
        Command::Reply(r) => reply(w, st, *r as usize, out),
        Command::Act(a) => act(w, st, *a as usize, out),
        Command::Theorise(t) => {
            let t = *t as usize;
            out.emit(|| Event::Trainee {
                step: Some(Step::Theory),
                text: format!(
                    "Theory: {}",
                    w.render_with(&sc.src.theories[t].text, Some(st))
                ),
            });
            method_entry(w, st, Step::Theory, out);
            st.stated |= 1 << t;
            st.theory = Some(t as Idx);
            st.flags |= flag::THEORISED;
            let right = w.variant().cause as usize == t;
            if right && !st.has(flag::RIGHT_THEORY) {
                st.flags |= flag::RIGHT_THEORY;
                out.score(
                    st,
                    Category::Diagnosis,
                    rules::RIGHT_THEORY,
                    || "method.right-theory".into(),
                    || "Named the probable cause that the evidence supports".into(),
                    &w.method_objectives,
                    false,
                );
            } else if !right {
                out.score(
                    st,
                    Category::Diagnosis,
                    rules::WRONG_THEORY,
                    || "method.wrong-theory".into(),
                    || format!("Theory \"{}\" was not the cause", sc.src.theories[t].text),
                    &w.method_objectives,
                    false,
                );
            }
        }
        Command::Document(notes) => {
            out.emit(|| Event::Trainee {
                step: Some(Step::Document),
                text: "Documented the ticket".into(),
            });
            method_entry(w, st, Step::Document, out);
            pass_time(w, st, rules::DOCUMENT_MINUTES, out);
            st.flags |= flag::DOCUMENTED;
            document(w, st, notes, out);
            after_command(w, st, None, out);
        }
        Command::Escalate(h) => {
            out.emit(|| Event::Trainee {
                step: Some(Step::Test),
                text: format!("Escalated to {}", h.team.label()),
            });
            escalate(w, st, h, out);
            finish_ticket(w, st, out);
            after_command(w, st, None, out);
            settle(st, out);
        }
        Command::Close => {
            out.emit(|| Event::Trainee {
                step: Some(Step::Document),
                text: "Closed the ticket".into(),
            });
            close(w, st, out);
            finish_ticket(w, st, out);
            after_command(w, st, None, out);
            settle(st, out);
        }
    }
}

/// Opens a session: fires the opening moments.
pub fn start(w: &World, st: &mut State, out: &mut Out) {
    fire(w, st, |t| t == CTrigger::Start, out);
}

fn act(w: &World, st: &mut State, a: usize, out: &mut Out) {
    let sc = &*w.sc;
    let action = &sc.actions[a];
    let src = &sc.src.actions[a];
    out.emit(|| Event::Trainee {
        step: Some(action.step),
        text: w.render_with(&src.label, Some(st)),
    });
    method_entry(w, st, action.step, out);
    match action.step {
        Step::Identify => st.flags |= flag::IDENTIFIED,
        Step::Test => st.flags |= flag::TESTED,
        Step::Fix if !st.has(flag::FIX_TRIED) => {
            st.flags |= flag::FIX_TRIED;
            // Good order earns points only where Tier 1 is meant to fix; bad order always costs them, so a
            // harmless "fix" on a ticket that needs escalating is never a way to collect points.
            let fixable = w.variant().escalate.is_none();
            let tested = st.has(flag::TESTED);
            if fixable || !tested {
                out.score(
                    st,
                    Category::Diagnosis,
                    if tested {
                        rules::TESTED_BEFORE_FIX
                    } else {
                        rules::FIXED_UNTESTED
                    },
                    || "method.test-before-fix".into(),
                    || {
                        if tested {
                            "Tested the theory before changing anything".into()
                        } else {
                            "Changed the system before testing a theory".into()
                        }
                    },
                    &w.method_objectives,
                    false,
                );
            }
            let theorised = st.has(flag::THEORISED);
            if fixable || !theorised {
                out.score(
                    st,
                    Category::Diagnosis,
                    if theorised {
                        rules::THEORY_BEFORE_FIX
                    } else {
                        rules::FIX_WITHOUT_THEORY
                    },
                    || "method.theory-before-fix".into(),
                    || {
                        if theorised {
                            "Had a stated theory before fixing".into()
                        } else {
                            "Fixed without stating a theory of the cause".into()
                        }
                    },
                    &w.method_objectives,
                    false,
                );
            }
        }
        _ => {}
    }
    st.done |= 1 << a;
    let mut minutes = action.minutes;
    if action.kind.is_contact() && sc.src.caller.traits.contains(&Trait::BadLine) {
        minutes += 1;
    }
    pass_time(w, st, minutes, out);
    if action.kind.is_contact() {
        st.last_contact = st.minute;
    }
    let rule = || format!("action:{}", src.id);
    let category = match action.step {
        Step::Identify | Step::Theory | Step::Test => Category::Diagnosis,
        Step::Fix | Step::Verify => Category::Resolution,
        Step::Document => Category::Documentation,
    };
    let objectives = if action.objectives.is_empty() {
        w.method_objectives.clone()
    } else {
        action.objectives.clone()
    };
    effects(w, st, &action.effects, category, &rule, &objectives, out);
    if action.step == Step::Verify && w.is_fixed(st) {
        st.flags |= flag::VERIFIED;
    }
    if out.logging() {
        let said = lines(w, st, &action.caller);
        if !said.is_empty() {
            out.emit(|| Event::CallerSays(said));
        }
        let printed = lines(w, st, &action.console);
        if !printed.is_empty() {
            out.emit(|| Event::Console {
                title: w.render_with(&src.label, Some(st)),
                output: printed,
            });
        }
    }
    after_command(w, st, Some(a as Idx), out);
}

/// Method rule that fires once: the first step past "identify" should come after identifying.
fn method_entry(w: &World, st: &mut State, step: Step, out: &mut Out) {
    if step != Step::Identify && !st.has(flag::PAST_IDENTIFY) {
        st.flags |= flag::PAST_IDENTIFY;
        let ok = st.has(flag::IDENTIFIED);
        out.score(
            st,
            Category::Diagnosis,
            if ok {
                rules::IDENTIFY_FIRST
            } else {
                rules::SKIPPED_IDENTIFY
            },
            || "method.identify-first".into(),
            || {
                if ok {
                    "Identified the problem before moving on".into()
                } else {
                    "Moved on before identifying the problem with the user".into()
                }
            },
            &w.method_objectives,
            false,
        );
    }
}

fn reply(w: &World, st: &mut State, r: usize, out: &mut Out) {
    let sc = &*w.sc;
    let Some(m) = st.current_moment() else { return };
    let reply = &sc.moments[m].replies[r];
    let src = &sc.src.moments[m].replies[r];
    out.emit(|| Event::Trainee {
        step: None,
        text: w.render_with(&src.text, Some(st)),
    });
    st.pending &= !(1 << m);
    st.last_contact = st.minute;
    let delta = reply.mood + tone_modifier(&sc.src.caller.traits, &reply.tones);
    change_mood(st, delta * TENTHS, out);
    if reply.points != 0 {
        out.score(
            st,
            Category::Communication,
            reply.points,
            || format!("reply:{}/{}", sc.src.moments[m].id, r + 1),
            || w.render_with(&src.reason, Some(st)),
            &reply.objectives,
            false,
        );
    }
    let rule = || format!("reply:{}/{}", sc.src.moments[m].id, r + 1);
    effects(
        w,
        st,
        &reply.effects,
        Category::Communication,
        &rule,
        &reply.objectives,
        out,
    );
    if let Some(answer) = &src.answer {
        out.emit(|| Event::CallerSays(w.render_with(answer, Some(st))));
    }
    // A moment already queued speaks now; `fire` announces any that the reply itself sets off.
    let queued = st.pending != 0;
    if queued && let Some(next) = st.current_moment() {
        announce(w, st, next, out);
    }
    after_command(w, st, None, out);
    settle(st, out);
}

/// How the caller's traits change the effect of a reply's tones, in frustration points.
pub fn tone_modifier(traits: &[Trait], tones: &[Tone]) -> i32 {
    let mut m = 0;
    for t in traits {
        for tone in tones {
            m += match (t, tone) {
                (
                    Trait::Anxious,
                    Tone::Dismissive | Tone::Blaming | Tone::Jargon | Tone::Curt | Tone::Judgmental,
                ) => 4,
                (Trait::Anxious, Tone::Empathetic | Tone::Reassuring) => -3,
                (Trait::NonNativeSpeaker, Tone::Jargon) => 5,
                (Trait::NonNativeSpeaker, Tone::Plain) => -2,
                (Trait::AngryRepeatCaller, Tone::Ownership) => -4,
                (Trait::AngryRepeatCaller, Tone::Dismissive | Tone::OverPromising) => 5,
                (Trait::Executive, Tone::SetsExpectations) => -3,
                (Trait::Executive, Tone::Jargon) => 2,
                (Trait::Rushed, Tone::Curt) => -1,
                _ => 0,
            };
        }
    }
    m
}

fn pass_time(w: &World, st: &mut State, minutes: u32, out: &mut Out) {
    if minutes == 0 {
        return;
    }
    st.minute += minutes;
    let mut drift = w.sc.drift_tenths * minutes as i32;
    if w.sc.src.caller.traits.contains(&Trait::Rushed) {
        drift += drift / 2;
    }
    if drift != 0 {
        change_mood(st, drift, out);
    }
}

fn change_mood(st: &mut State, tenths: i32, out: &mut Out) {
    let before = st.frustration;
    st.frustration = (st.frustration + tenths).clamp(0, 100 * TENTHS);
    if st.frustration != before {
        let (d, now) = (
            st.frustration / TENTHS - before / TENTHS,
            st.frustration / TENTHS,
        );
        if d != 0 {
            out.emit(|| Event::Mood { delta: d, now });
        }
    }
}

fn effects(
    w: &World,
    st: &mut State,
    es: &[CEffect],
    category: Category,
    rule: &dyn Fn() -> String,
    objectives: &Arc<[Arc<str>]>,
    out: &mut Out,
) {
    for e in es {
        match e {
            CEffect::Set(f, v) => {
                let v = w.render_value(v);
                let i = *f as usize;
                if st.facts[i] != v {
                    out.emit(|| Event::FactChanged {
                        fact: w.sc.fact_names[i].clone(),
                        value: v.to_string(),
                    });
                    Arc::make_mut(&mut st.facts)[i] = v;
                }
            }
            CEffect::Reveal(k) => {
                if !st.knows(*k) {
                    st.known |= 1 << k;
                    let k = *k as usize;
                    out.emit(|| Event::ClueFound {
                        clue: w.sc.clue_ids[k].clone(),
                        text: w.render_with(&w.sc.clue_texts[k], Some(st)),
                    });
                }
            }
            CEffect::Mood(n) => change_mood(st, n * TENTHS, out),
            CEffect::Score(cat, p, reason) => {
                out.score(
                    st,
                    cat.unwrap_or(category),
                    *p,
                    rule,
                    || w.render_with(reason, Some(st)),
                    objectives,
                    false,
                );
            }
            CEffect::Harm(p, reason) => {
                out.score(
                    st,
                    Category::Resolution,
                    *p,
                    rule,
                    || w.render_with(reason, Some(st)),
                    objectives,
                    true,
                );
            }
            CEffect::If(c, then, other) => {
                let branch = if w.holds(c, st) { then } else { other };
                effects(w, st, branch, category, rule, objectives, out);
            }
        }
    }
}

fn lines(w: &World, st: &State, ls: &[CLine]) -> String {
    fn walk(w: &World, st: &State, ls: &[CLine], buf: &mut Vec<String>) {
        for l in ls {
            match l {
                CLine::Text(t) => buf.push(w.render_with(t, Some(st))),
                CLine::If(c, a, b) => walk(w, st, if w.holds(c, st) { a } else { b }, buf),
            }
        }
    }
    let mut buf = Vec::new();
    walk(w, st, ls, &mut buf);
    buf.join("\n")
}

/// After any command: the caller may give up, and moments may fire.
fn after_command(w: &World, st: &mut State, action: Option<Idx>, out: &mut Out) {
    if st.is_over() {
        return;
    }
    if st.frustration >= w.sc.patience_tenths && !matches!(st.phase, Phase::Over(_)) {
        let outcome = match w.sc.src.caller.at_limit {
            AtLimit::HangUp => Outcome::CallerHungUp,
            AtLimit::DemandManager => Outcome::CallerDemandedManager,
        };
        if st.phase == Phase::Open {
            out.score(
                st,
                Category::Communication,
                rules::CALLER_LEFT,
                || "caller.left".into(),
                || format!("{} at frustration {}", outcome.label(), st.mood()),
                &w.communication,
                false,
            );
            st.phase = Phase::Over(outcome);
            st.pending = 0;
            out.emit(|| Event::Ended(outcome));
            return;
        }
    }
    let phase = st.phase;
    let silent = st.minute.saturating_sub(st.last_contact);
    fire(
        w,
        st,
        |t| match t {
            CTrigger::After(a) => Some(a) == action,
            CTrigger::MoodAtLeast(_) => true,
            CTrigger::Silence(n) => phase == Phase::Open && silent >= n,
            CTrigger::Escalated => {
                matches!(phase, Phase::WrappingUp(o) if matches!(o, Outcome::EscalatedCorrectly | Outcome::EscalatedWrongly))
            }
            CTrigger::Closing => {
                matches!(phase, Phase::WrappingUp(o) if matches!(o, Outcome::Resolved | Outcome::ClosedUnresolved))
            }
            CTrigger::Start => false,
        },
        out,
    );
}

fn fire(w: &World, st: &mut State, matches: impl Fn(CTrigger) -> bool, out: &mut Out) {
    let was_idle = st.pending == 0;
    for (i, m) in w.sc.moments.iter().enumerate() {
        if st.fired & (1 << i) != 0 || !matches(m.trigger) {
            continue;
        }
        if let CTrigger::MoodAtLeast(n) = m.trigger
            && st.frustration < n * TENTHS
        {
            continue;
        }
        if m.requires.iter().all(|c| w.holds(c, st)) {
            st.fired |= 1 << i;
            st.pending |= 1 << i;
        }
    }
    if was_idle && let Some(m) = st.current_moment() {
        announce(w, st, m, out);
    }
}

fn announce(w: &World, st: &State, m: usize, out: &mut Out) {
    out.emit(|| Event::Moment {
        moment: w.sc.src.moments[m].id.clone(),
        line: w.render_with(&w.sc.src.moments[m].line, Some(st)),
    });
}

/// A closed or escalated ticket is over once the caller has nothing left to say.
fn settle(st: &mut State, out: &mut Out) {
    if let Phase::WrappingUp(o) = st.phase
        && st.pending == 0
    {
        st.phase = Phase::Over(o);
        out.emit(|| Event::Ended(o));
    }
}
