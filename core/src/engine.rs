//! The simulation engine: a seeded, deterministic ticket.
//!
//! A [`Session`] holds a compiled scenario, the values drawn from the seed, the world [`State`] and the
//! log. [`step`] is the one rule book: given a state and a [`Command`] it changes the state and reports
//! what happened as [`Event`]s. The session, the solver and random play all call it; the solver passes no
//! event buffer so that it never formats text, and only counts points.
//!
//! Built-in rules (the troubleshooting method, escalation, documentation, resolution and time) live here
//! too, next to the scenario's own effects, so that every point has one origin: a `Points` event.

use crate::scenario::*;
use crate::text;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

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

/// Values drawn from the seed that never change during a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    pub seed: u64,
    pub variant: usize,
    pub caller: String,
    pub role: String,
    pub ticket: String,
    pub start_frustration: i32,
    /// Variables in name order, rendered as text.
    pub vars: Vec<(String, String)>,
}

impl Draw {
    /// Draws everything a session needs from the seed. `force` picks the variant instead of the seed
    /// (the solver and the author preview use it); the random stream is the same either way.
    pub fn new(sc: &Compiled, seed: u64, force: Option<usize>) -> Draw {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let total: u32 = sc.variants.iter().map(|v| v.weight).sum();
        let mut roll = rng.random_range(0..total.max(1));
        let mut variant = 0;
        for (i, v) in sc.variants.iter().enumerate() {
            if roll < v.weight {
                variant = i;
                break;
            }
            roll -= v.weight;
        }
        let caller = pick(&mut rng, &sc.src.caller.names);
        let role = pick(&mut rng, &sc.src.caller.roles);
        let (lo, hi) = sc.src.caller.frustration;
        let start_frustration = rng.random_range(lo..=hi.max(lo));
        let ticket = format!("INC{:06}", rng.random_range(100_000..1_000_000));
        let vars = sc
            .variables
            .iter()
            .map(|(name, v)| {
                let value = match v {
                    Variable::Number(a, b) => rng.random_range(*a..=*b).to_string(),
                    Variable::Pick(items) => pick(&mut rng, items),
                    Variable::Ip(cidr) => {
                        let (net, len) =
                            text::parse_cidr(cidr).unwrap_or(([10, 0, 0, 0].into(), 24));
                        let n = rng.random_range(1..=text::host_count(len));
                        text::host_in(net, len, n).to_string()
                    }
                };
                (name.clone(), value)
            })
            .collect();
        Draw {
            seed,
            variant: force
                .unwrap_or(variant)
                .min(sc.variants.len().saturating_sub(1)),
            caller,
            role,
            ticket,
            start_frustration,
            vars,
        }
    }

    fn lookup(&self, name: &str) -> Option<String> {
        match name {
            "caller" => Some(self.caller.clone()),
            "first_name" => Some(
                self.caller
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            ),
            "role" => Some(self.role.clone()),
            "ticket" => Some(self.ticket.clone()),
            _ => self
                .vars
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
        }
    }
}

fn pick(rng: &mut ChaCha8Rng, items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        items[rng.random_range(0..items.len())].clone()
    }
}

/// The fixed part of a running ticket: scenario and draw. [`step`] reads it.
#[derive(Debug, Clone)]
pub struct World {
    pub sc: Arc<Compiled>,
    pub draw: Draw,
    /// The scenario's own objectives minus communication and ticketing: where method points count.
    pub method_objectives: Arc<[Arc<str>]>,
    pub ticketing: Arc<[Arc<str>]>,
    pub communication: Arc<[Arc<str>]>,
    /// Texts of the complete notes and hand-off the solver offers, shared so listing commands is cheap.
    canned: [Arc<str>; 3],
}

impl World {
    pub fn new(sc: Arc<Compiled>, seed: u64, force_variant: Option<usize>) -> World {
        let draw = Draw::new(&sc, seed, force_variant);
        let mut method: Vec<Arc<str>> = sc
            .objectives()
            .iter()
            .filter(|o| *o != COMMUNICATION_OBJECTIVE && *o != TICKETING_OBJECTIVE)
            .map(|o| Arc::from(o.as_str()))
            .collect();
        if method.is_empty() {
            method = sc
                .objectives()
                .iter()
                .map(|o| Arc::from(o.as_str()))
                .collect();
        }
        World {
            draw,
            method_objectives: method.into(),
            ticketing: vec![Arc::from(TICKETING_OBJECTIVE)].into(),
            communication: vec![Arc::from(COMMUNICATION_OBJECTIVE)].into(),
            canned: [
                Arc::from(sc.src.title.as_str()),
                Arc::from("Recorded findings and actions."),
                Arc::from("Findings attached; steps tried are in the ticket."),
            ],
            sc,
        }
    }

    /// The state a session starts in, before the opening moments fire.
    pub fn initial_state(&self) -> State {
        let v = &self.sc.variants[self.draw.variant];
        let facts = v.facts.iter().map(|f| self.render_value(f)).collect();
        State {
            variant: self.draw.variant as u8,
            facts: Arc::new(facts),
            known: 0,
            done: 0,
            stated: 0,
            fired: 0,
            pending: 0,
            theory: None,
            frustration: (self.draw.start_frustration * TENTHS).clamp(0, 100 * TENTHS),
            minute: 0,
            last_contact: 0,
            flags: 0,
            phase: Phase::Open,
        }
    }

    /// The state once the ticket has opened (opening moments fired), without recording events.
    pub fn opening_state(&self) -> State {
        let mut st = self.initial_state();
        start(self, &mut st, &mut Out::new(None, 0));
        st
    }

    /// Replays `cmds` from the opening state: a label for each command, and the state they lead to.
    pub fn replay_labels<'c>(
        &self,
        cmds: impl IntoIterator<Item = &'c Command>,
    ) -> (Vec<String>, State) {
        let mut st = self.opening_state();
        let mut labels = Vec::new();
        for cmd in cmds {
            labels.push(describe(self, &st, cmd));
            step(self, &mut st, cmd, &mut Out::new(None, 0));
        }
        (labels, st)
    }

    fn render_value(&self, v: &Value) -> Value {
        match v {
            Value::Text(t) if t.contains('{') => Value::Text(self.render_with(t, None).into()),
            other => other.clone(),
        }
    }

    /// Fills `{name}` placeholders from the draw and, when given, the current facts.
    pub fn render_with(&self, s: &str, st: Option<&State>) -> String {
        text::render(s, |name| {
            self.draw.lookup(name).or_else(|| {
                let st = st?;
                let i = self.sc.fact(name)?;
                Some(st.facts[i as usize].to_string())
            })
        })
    }

    pub fn variant(&self) -> &CVariant {
        &self.sc.variants[self.draw.variant]
    }

    /// Whether the variant's fix conditions all hold.
    pub fn is_fixed(&self, st: &State) -> bool {
        let v = &self.sc.variants[st.variant as usize];
        !v.fixed_when.is_empty() && v.fixed_when.iter().all(|c| self.holds(c, st))
    }

    pub fn holds(&self, c: &CCond, st: &State) -> bool {
        match c {
            CCond::Fact(f, v) => st.facts[*f as usize] == *v,
            CCond::Above(f, n) => matches!(st.facts[*f as usize], Value::Int(x) if x > *n),
            CCond::Below(f, n) => matches!(st.facts[*f as usize], Value::Int(x) if x < *n),
            CCond::Known(k) => st.knows(*k),
            CCond::Done(a) => st.did(*a),
            CCond::Theory(t) => st.theory == Some(*t),
            CCond::Happened(m) => st.fired & (1 << m) != 0 && st.pending & (1 << m) == 0,
            CCond::Fixed => self.is_fixed(st),
            CCond::MoodAtLeast(n) => st.frustration >= n * TENTHS,
            CCond::Not(c) => !self.holds(c, st),
            CCond::All(cs) => cs.iter().all(|c| self.holds(c, st)),
            CCond::Any(cs) => cs.iter().any(|c| self.holds(c, st)),
        }
    }

    /// Whether the trainee may take this action now (ignoring pending replies).
    pub fn action_ready(&self, st: &State, a: usize) -> bool {
        !st.did(a as Idx)
            && self.sc.actions[a]
                .requires
                .iter()
                .all(|c| self.holds(c, st))
    }

    /// The expected notes for this variant: used to score documentation and by the solver.
    pub fn best_notes(&self, st: &State) -> TicketNotes {
        let v = self.variant();
        TicketNotes {
            category: self.sc.src.category,
            priority: v.priority,
            findings: (0..self.sc.clue_ids.len() as Idx)
                .filter(|k| st.knows(*k))
                .collect(),
            summary: self.canned[0].clone(),
            resolution: self.canned[1].clone(),
        }
    }

    /// A hand-off to `team` carrying every clue found so far.
    pub fn full_handoff(&self, st: &State, team: Team) -> Handoff {
        Handoff {
            team,
            clues: (0..self.sc.clue_ids.len() as Idx)
                .filter(|k| st.knows(*k))
                .collect(),
            note: self.canned[2].clone(),
        }
    }

    /// Every command a trainee could issue now. Notes and hand-offs are the complete ones; the UI builds
    /// its own from the trainee's input.
    pub fn commands(&self, st: &State) -> Vec<Command> {
        self.commands_with_teams(st, &Team::ALL)
    }

    /// Like [`World::commands`], offering escalation only to `teams`.
    pub fn commands_with_teams(&self, st: &State, teams: &[Team]) -> Vec<Command> {
        let mut out = Vec::new();
        if st.is_over() {
            return out;
        }
        if let Some(m) = st.current_moment() {
            for r in 0..self.sc.moments[m].replies.len() {
                out.push(Command::Reply(r as u8));
            }
            return out;
        }
        if st.phase != Phase::Open {
            return out;
        }
        for a in 0..self.sc.actions.len() {
            if self.action_ready(st, a) {
                out.push(Command::Act(a as Idx));
            }
        }
        for t in 0..self.sc.src.theories.len() {
            if st.stated & (1 << t) == 0 {
                out.push(Command::Theorise(t as Idx));
            }
        }
        if !st.has(flag::DOCUMENTED) {
            out.push(Command::Document(self.best_notes(st)));
        }
        let handoff = self.full_handoff(st, Team::Network);
        for &team in teams {
            out.push(Command::Escalate(Handoff {
                team,
                ..handoff.clone()
            }));
        }
        out.push(Command::Close);
        out
    }

    /// Checks that `cmd` may be applied now.
    pub fn check(&self, st: &State, cmd: &Command) -> Result<(), CommandError> {
        if st.is_over() {
            return Err(CommandError::Over);
        }
        let pending = st.current_moment();
        match cmd {
            Command::Reply(r) => {
                let m = pending.ok_or(CommandError::NoMoment)?;
                if *r as usize >= self.sc.moments[m].replies.len() {
                    return Err(CommandError::Unavailable(format!(
                        "reply {} does not exist",
                        r + 1
                    )));
                }
                return Ok(());
            }
            _ if pending.is_some() => return Err(CommandError::AwaitingReply),
            _ if st.phase != Phase::Open => return Err(CommandError::Over),
            _ => {}
        }
        let known = |ks: &[Idx]| {
            ks.iter()
                .all(|k| (*k as usize) < self.sc.clue_ids.len() && st.knows(*k))
        };
        match cmd {
            Command::Act(a) if (*a as usize) >= self.sc.actions.len() => {
                Err(CommandError::Unavailable("no such action".into()))
            }
            Command::Act(a) if st.did(*a) => Err(CommandError::Unavailable("already done".into())),
            Command::Act(a) if !self.action_ready(st, *a as usize) => Err(
                CommandError::Unavailable("its preconditions do not hold yet".into()),
            ),
            Command::Theorise(t) if (*t as usize) >= self.sc.src.theories.len() => {
                Err(CommandError::Unavailable("no such theory".into()))
            }
            Command::Theorise(t) if st.stated & (1 << t) != 0 => Err(CommandError::Unavailable(
                "that theory was already stated".into(),
            )),
            Command::Document(_) if st.has(flag::DOCUMENTED) => Err(CommandError::Unavailable(
                "the ticket is already documented".into(),
            )),
            Command::Document(n) if !known(&n.findings) => Err(CommandError::Unavailable(
                "notes can only record clues you have found".into(),
            )),
            Command::Escalate(h) if !known(&h.clues) => Err(CommandError::Unavailable(
                "a hand-off can only pass on clues you have found".into(),
            )),
            _ => Ok(()),
        }
    }
}

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

fn document(w: &World, st: &mut State, n: &TicketNotes, out: &mut Out) {
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

fn escalate(w: &World, st: &mut State, h: &Handoff, out: &mut Out) {
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
    let outcome = match &v.escalate {
        Some((team, needed)) if *team == h.team => {
            out.score(
                st,
                Category::Escalation,
                rules::RIGHT_TEAM,
                || "escalation.right-team".into(),
                || format!("Escalated to the {}, who can fix this", team.label()),
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
        Some((team, _)) => {
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
        None => {
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

fn close(w: &World, st: &mut State, out: &mut Out) {
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
fn finish_ticket(w: &World, st: &mut State, out: &mut Out) {
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

/// One entry of a session's log: the command and what followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// `None` for the opening events.
    pub command: Option<Command>,
    pub minute: u32,
    pub events: Vec<Event>,
}

/// A ticket being worked: the world, its state and the log that scoring and replay read.
#[derive(Debug, Clone)]
pub struct Session {
    pub world: World,
    pub state: State,
    pub log: Vec<Entry>,
}

impl Session {
    /// Starts a session; the seed picks the variant.
    pub fn new(sc: Arc<Compiled>, seed: u64) -> Session {
        Self::with_variant(sc, seed, None)
    }

    /// Starts a session on a chosen variant (author preview, solver replays).
    pub fn with_variant(sc: Arc<Compiled>, seed: u64, variant: Option<usize>) -> Session {
        let world = World::new(sc, seed, variant);
        let mut state = world.initial_state();
        let mut events = Vec::new();
        start(&world, &mut state, &mut Out::new(Some(&mut events), 0));
        Session {
            world,
            state,
            log: vec![Entry {
                command: None,
                minute: 0,
                events,
            }],
        }
    }

    pub fn scenario(&self) -> &Compiled {
        &self.world.sc
    }

    /// Applies a command and returns the events it caused.
    pub fn apply(&mut self, cmd: Command) -> Result<&[Event], CommandError> {
        self.world.check(&self.state, &cmd)?;
        let mut events = Vec::new();
        let turn = self.log.len() as u32;
        step(
            &self.world,
            &mut self.state,
            &cmd,
            &mut Out::new(Some(&mut events), turn),
        );
        self.log.push(Entry {
            command: Some(cmd),
            minute: self.state.minute,
            events,
        });
        Ok(self
            .log
            .last()
            .map(|e| e.events.as_slice())
            .unwrap_or_default())
    }

    pub fn is_over(&self) -> bool {
        self.state.is_over()
    }

    pub fn outcome(&self) -> Option<Outcome> {
        match self.state.phase {
            Phase::Over(o) => Some(o),
            _ => None,
        }
    }

    /// Every command possible now (complete notes and hand-offs stand in for the trainee's own).
    pub fn commands(&self) -> Vec<Command> {
        self.world.commands(&self.state)
    }

    /// All events so far, in order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.log.iter().flat_map(|e| e.events.iter())
    }

    /// The points total so far.
    pub fn total(&self) -> i32 {
        self.events()
            .filter_map(|e| {
                if let Event::Points(p) = e {
                    Some(p.points)
                } else {
                    None
                }
            })
            .sum()
    }

    /// The commands issued, in order: with the scenario and seed, this replays the session exactly.
    pub fn commands_issued(&self) -> Vec<Command> {
        self.log.iter().filter_map(|e| e.command.clone()).collect()
    }

    /// A short human label for a command.
    pub fn describe(&self, cmd: &Command) -> String {
        describe(&self.world, &self.state, cmd)
    }

    /// The step of the method the trainee has reached, for coach hints.
    pub fn method_step(&self) -> Step {
        let st = &self.state;
        if st.has(flag::DOCUMENTED) || st.has(flag::VERIFIED) {
            Step::Document
        } else if st.has(flag::FIX_TRIED) {
            Step::Verify
        } else if st.has(flag::TESTED) {
            Step::Fix
        } else if st.has(flag::THEORISED) {
            Step::Test
        } else if st.has(flag::IDENTIFIED) {
            Step::Theory
        } else {
            Step::Identify
        }
    }

    /// Key clues of this variant not found yet, for coach hints.
    pub fn unknown_key_clues(&self) -> Vec<String> {
        let w = &self.world;
        w.variant()
            .key_clues
            .iter()
            .filter(|k| !self.state.knows(**k))
            .map(|k| w.render_with(&w.sc.clue_texts[*k as usize], Some(&self.state)))
            .collect()
    }
}

/// A short human label for a command in a given state.
pub fn describe(w: &World, st: &State, cmd: &Command) -> String {
    let sc = &*w.sc;
    match cmd {
        Command::Act(a) => w.render_with(&sc.src.actions[*a as usize].label, Some(st)),
        Command::Reply(r) => match st.current_moment() {
            Some(m) => format!(
                "Reply: \"{}\"",
                w.render_with(&sc.src.moments[m].replies[*r as usize].text, Some(st))
            ),
            None => format!("Reply {}", r + 1),
        },
        Command::Theorise(t) => format!("Theory: {}", sc.src.theories[*t as usize].text),
        Command::Document(_) => "Document the ticket".into(),
        Command::Escalate(h) => format!("Escalate to the {}", h.team.label()),
        Command::Close => "Close the ticket".into(),
    }
}

/// A stable text key for a command, for walkthroughs and replay files: `ipconfig`, `theory:dhcp`,
/// `reply:2`, `document`, `escalate:Network`, `close`.
pub fn command_key(sc: &Compiled, cmd: &Command) -> String {
    match cmd {
        Command::Act(a) => sc.src.actions[*a as usize].id.clone(),
        Command::Reply(r) => format!("reply:{}", r + 1),
        Command::Theorise(t) => format!("theory:{}", sc.src.theories[*t as usize].id),
        Command::Document(_) => "document".into(),
        Command::Escalate(h) => format!("escalate:{:?}", h.team),
        Command::Close => "close".into(),
    }
}

/// Parses a key written by [`command_key`]. `document` and `escalate:` produce complete notes and
/// hand-offs from what the state knows.
pub fn parse_key(w: &World, st: &State, key: &str) -> Option<Command> {
    let sc = &*w.sc;
    let key = key.trim();
    if let Some(r) = key.strip_prefix("reply:") {
        return r
            .parse::<u8>()
            .ok()
            .filter(|r| *r >= 1)
            .map(|r| Command::Reply(r - 1));
    }
    if let Some(t) = key.strip_prefix("theory:") {
        return sc
            .src
            .theories
            .iter()
            .position(|x| x.id == t)
            .map(|i| Command::Theorise(i as Idx));
    }
    if let Some(team) = key.strip_prefix("escalate:") {
        let team = Team::ALL
            .into_iter()
            .find(|x| format!("{x:?}").eq_ignore_ascii_case(team))?;
        return Some(Command::Escalate(w.full_handoff(st, team)));
    }
    match key {
        "document" => Some(Command::Document(w.best_notes(st))),
        "close" => Some(Command::Close),
        id => sc.action(id).map(Command::Act),
    }
}
