//! The scenario file format, exactly as a supervisor writes it in RON.
//!
//! Names are plain strings here; [`super::validate`] checks every reference and turns the file into a
//! [`super::Compiled`] scenario whose references are indices. Every struct denies unknown fields so a typo
//! in a field name is an error with a suggestion, never a silently ignored line.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// One ticket: a caller with a mood, a faulty system with hidden facts, and what the trainee can do.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable identifier, lowercase words joined by `-`, unique across the library.
    pub id: String,
    pub title: String,
    /// One line shown in the picker and the briefing.
    pub summary: String,
    pub channel: Channel,
    #[serde(default = "default_tier")]
    pub tier: u8,
    /// 1 (easy) to 5 (hard).
    pub difficulty: u8,
    /// How long a good technician needs, in simulated minutes.
    pub minutes: u32,
    /// The service-level target for this ticket, in simulated minutes.
    pub sla_minutes: u32,
    /// The ticket category the notes should record.
    pub category: TicketCategory,
    /// The priority the notes should record, 1 (critical) to 5 (planning).
    pub priority: u8,
    /// A+ objective ids such as `1201-5.5` or `1202-4.7`.
    pub objectives: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub caller: Caller,
    /// Values drawn from the session seed, usable as `{name}` in any text.
    #[serde(default)]
    pub variables: BTreeMap<String, Variable>,
    /// The system's facts and their values before any variant changes them.
    pub facts: BTreeMap<String, Value>,
    /// Things the trainee can find out, by id, with the wording used in notes and hand-offs.
    pub clues: BTreeMap<String, String>,
    /// Probable causes the trainee can state (step 2 of the method).
    pub theories: Vec<Theory>,
    /// The ways this ticket can be broken; the seed picks one.
    pub variants: Vec<Variant>,
    pub actions: Vec<Action>,
    #[serde(default)]
    pub moments: Vec<Moment>,
    /// Whether the fix must be confirmed with the user before closing.
    #[serde(default = "default_true")]
    pub must_verify: bool,
    /// The author's expert path per variant id, as command keys (`ask_when`, `theory:dhcp`, `document`,
    /// `escalate:Network`, `close`). Replies are picked by the best points. Tests replay these.
    #[serde(default)]
    pub walkthroughs: BTreeMap<String, Vec<String>>,
}

fn default_tier() -> u8 {
    1
}
fn default_true() -> bool {
    true
}
fn default_one() -> u32 {
    1
}

/// How the caller reached the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
pub enum Channel {
    Phone,
    Chat,
    Email,
    WalkUp,
}

/// Ticket categories as a service desk records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
pub enum TicketCategory {
    Account,
    Software,
    Hardware,
    Network,
    Printer,
    Email,
    Security,
    Mobile,
    Request,
}

impl TicketCategory {
    pub const ALL: [TicketCategory; 9] = [
        TicketCategory::Account,
        TicketCategory::Software,
        TicketCategory::Hardware,
        TicketCategory::Network,
        TicketCategory::Printer,
        TicketCategory::Email,
        TicketCategory::Security,
        TicketCategory::Mobile,
        TicketCategory::Request,
    ];
}

/// The caller: who they may be, how they feel, and how long they will put up with it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caller {
    pub names: Vec<String>,
    pub roles: Vec<String>,
    pub tech_level: TechLevel,
    #[serde(default)]
    pub traits: Vec<Trait>,
    /// Starting frustration, drawn between the two numbers (0 calm … 100 furious).
    pub frustration: (i32, i32),
    /// At this frustration the caller hangs up or demands a manager.
    pub patience: i32,
    /// Frustration added per simulated minute.
    #[serde(default)]
    pub drift: f32,
    #[serde(default)]
    pub at_limit: AtLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum TechLevel {
    Novice,
    Average,
    Savvy,
}

/// Personality traits. Some change the rules: see [`crate::engine`] for their mood modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Trait {
    /// Frustration drifts half as fast again.
    Rushed,
    /// Dismissive, blaming and jargon replies hurt more; empathy helps more.
    Anxious,
    /// Ownership matters: replies without it cost more.
    AngryRepeatCaller,
    Vague,
    /// Says "I didn't change anything" when they did.
    Misleading,
    /// Jargon costs more, plain language helps more.
    NonNativeSpeaker,
    /// A poor line: talking costs time.
    BadLine,
    Executive,
    Polite,
}

/// What the caller does when frustration reaches patience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum AtLimit {
    #[default]
    HangUp,
    DemandManager,
}

/// A value drawn from the session seed.
#[derive(Debug, Clone, Deserialize)]
pub enum Variable {
    /// A whole number between the two bounds, both included.
    Number(i64, i64),
    /// One of the listed texts.
    Pick(Vec<String>),
    /// A host address inside a network written as `a.b.c.d/len`.
    Ip(String),
}

/// A fact's value: `true`/`false`, a whole number, or text in quotes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Text(Arc<str>),
}

impl Value {
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "true/false",
            Value::Int(_) => "a number",
            Value::Text(_) => "text",
        }
    }
    pub fn same_kind(&self, other: &Value) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{}", if *b { "yes" } else { "no" }),
            Value::Int(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a fact value: true or false, a whole number, or text in quotes")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                i64::try_from(v)
                    .map(Value::Int)
                    .map_err(|_| E::custom("number too large for a fact"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.into()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(n) => s.serialize_i64(*n),
            Value::Text(t) => s.serialize_str(t),
        }
    }
}

/// A probable cause the trainee may state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theory {
    pub id: String,
    pub text: String,
}

/// One way the system can be broken.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: String,
    /// Relative chance of being drawn.
    #[serde(default = "default_one")]
    pub weight: u32,
    /// For authors: what is really wrong.
    pub description: String,
    /// The theory id that is right for this variant.
    pub cause: String,
    /// Facts that differ from the scenario's defaults.
    #[serde(default)]
    pub facts: BTreeMap<String, Value>,
    /// The system counts as fixed when all of these hold.
    pub fixed_when: Vec<Cond>,
    /// Present when the right call is to escalate.
    #[serde(default)]
    pub escalate: Option<Escalation>,
    /// Clues a good technician finds and writes down in this variant.
    #[serde(default)]
    pub key_clues: Vec<String>,
    /// Overrides the scenario's expected priority.
    #[serde(default)]
    pub priority: Option<u8>,
}

/// The escalation a variant needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    pub team: Team,
    /// Clue ids the hand-off must include.
    #[serde(default)]
    pub handoff: Vec<String>,
    /// Other teams that are a reasonable choice where practice differs, each with the share (1–99 %)
    /// of the right team's escalation points it earns: `also: [(team: DesktopTier2, credit: 50)]`.
    #[serde(default)]
    pub also: Vec<AlsoTeam>,
}

/// A second reasonable team for an escalation, and its partial credit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlsoTeam {
    pub team: Team,
    /// Percent of the right team's escalation points, 1–99.
    pub credit: u8,
}

/// Groups a Tier 1 technician can hand a ticket to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
pub enum Team {
    Network,
    DesktopTier2,
    Security,
    Server,
    Identity,
    Application,
    Messaging,
    Mobile,
    Vendor,
    Facilities,
    Manager,
}

impl Team {
    pub const ALL: [Team; 11] = [
        Team::Network,
        Team::DesktopTier2,
        Team::Security,
        Team::Server,
        Team::Identity,
        Team::Application,
        Team::Messaging,
        Team::Mobile,
        Team::Vendor,
        Team::Facilities,
        Team::Manager,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Team::Network => "Network team",
            Team::DesktopTier2 => "Desktop support (Tier 2)",
            Team::Security => "Security operations",
            Team::Server => "Server and storage team",
            Team::Identity => "Identity and access team",
            Team::Application => "Application support",
            Team::Messaging => "Email and collaboration team",
            Team::Mobile => "Mobile device team",
            Team::Vendor => "Vendor / manufacturer",
            Team::Facilities => "Facilities",
            Team::Manager => "Duty manager",
        }
    }
}

/// Kinds of action; the kind decides where the result is shown and whether it counts as talking to the
/// caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum ActionKind {
    /// Ask the caller something.
    Ask,
    /// Tell the caller to do something on their side.
    Instruct,
    /// Run a diagnostic tool.
    Tool,
    /// Change the system remotely.
    RemoteFix,
    /// Check with the user or the system that it works.
    Verify,
    /// Look something up: knowledge base, asset records, the ticket history.
    Research,
}

impl ActionKind {
    /// Whether this kind of action talks with the caller.
    pub fn is_contact(self) -> bool {
        matches!(
            self,
            ActionKind::Ask | ActionKind::Instruct | ActionKind::Verify
        )
    }
}

/// The steps of the troubleshooting method, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Step {
    Identify,
    Theory,
    Test,
    Fix,
    Verify,
    Document,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Identify,
        Step::Theory,
        Step::Test,
        Step::Fix,
        Step::Verify,
        Step::Document,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Step::Identify => "1 Identify the problem",
            Step::Theory => "2 Establish a theory",
            Step::Test => "3 Test the theory",
            Step::Fix => "4 Plan and fix",
            Step::Verify => "5 Verify",
            Step::Document => "6 Document",
        }
    }
}

/// Something the trainee can do.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    /// What the trainee sees on the button or menu.
    pub label: String,
    pub kind: ActionKind,
    pub step: Step,
    /// Simulated minutes it takes.
    #[serde(default = "default_one")]
    pub minutes: u32,
    /// All must hold for the action to be offered.
    #[serde(default)]
    pub requires: Vec<Cond>,
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// What the caller says back, computed from the state at that moment.
    #[serde(default)]
    pub caller: Vec<Line>,
    /// What the tool prints, computed from the state at that moment.
    #[serde(default)]
    pub console: Vec<Line>,
    #[serde(default)]
    pub objectives: Vec<String>,
}

/// A typed condition on the simulated world.
#[derive(Debug, Clone, Deserialize)]
pub enum Cond {
    /// The fact has this value.
    Fact(String, Value),
    /// The number fact is greater than this.
    Above(String, i64),
    /// The number fact is less than this.
    Below(String, i64),
    /// The trainee has found this clue.
    Known(String),
    /// The action has been done.
    Done(String),
    /// The trainee's current theory is this one.
    Theory(String),
    /// The conversation moment has happened.
    Happened(String),
    /// The variant's `fixed_when` conditions all hold.
    Fixed,
    /// The caller's frustration is at least this.
    MoodAtLeast(i32),
    /// The session's variant is this one: for a line or a reply that must fit what is really wrong
    /// (the explanation when closing), never for what may be done (that would give the fault away).
    Variant(String),
    Not(Box<Cond>),
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

/// A change to the world.
#[derive(Debug, Clone, Deserialize)]
pub enum Effect {
    /// Set a fact.
    Set(String, Value),
    /// The trainee learns a clue.
    Reveal(String),
    /// Change the caller's frustration (negative calms).
    Mood(i32),
    /// Points in the action's own category, with the reason shown in the debrief.
    Score(i32, String),
    /// Points in a named category.
    ScoreIn(Category, i32, String),
    /// A harmful act: negative points, flagged in the debrief.
    Harm(i32, String),
    /// Effects that apply only when the condition holds.
    When(Cond, Vec<Effect>),
    /// Effects for when the condition holds, and for when it does not.
    If(Cond, Vec<Effect>, Vec<Effect>),
}

/// A line of caller speech or tool output, possibly depending on the state.
#[derive(Debug, Clone, Deserialize)]
pub enum Line {
    Line(String),
    When(Cond, Vec<Line>),
    Unless(Cond, Vec<Line>),
    If(Cond, Vec<Line>, Vec<Line>),
}

/// Score categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Category {
    Diagnosis,
    Communication,
    Escalation,
    Resolution,
    Documentation,
    Time,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Diagnosis,
        Category::Communication,
        Category::Escalation,
        Category::Resolution,
        Category::Documentation,
        Category::Time,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Category::Diagnosis => "Diagnosis",
            Category::Communication => "Communication",
            Category::Escalation => "Escalation",
            Category::Resolution => "Resolution",
            Category::Documentation => "Documentation",
            Category::Time => "Time",
        }
    }
}

/// A moment when the caller speaks and the trainee must pick a reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Moment {
    pub id: String,
    pub trigger: Trigger,
    #[serde(default)]
    pub requires: Vec<Cond>,
    /// What the caller says.
    pub line: String,
    pub replies: Vec<Reply>,
}

/// When a moment happens.
#[derive(Debug, Clone, Deserialize)]
pub enum Trigger {
    /// As the ticket opens.
    Start,
    /// Right after the named action.
    After(String),
    /// When frustration first reaches this level.
    MoodAtLeast(i32),
    /// When this many simulated minutes pass without talking to the caller.
    Silence(u32),
    /// Right after the trainee escalates.
    Escalated,
    /// Right after the trainee closes the ticket.
    Closing,
}

/// One reply the trainee can pick.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    pub text: String,
    #[serde(default)]
    pub tones: Vec<Tone>,
    /// Change to the caller's frustration.
    #[serde(default)]
    pub mood: i32,
    #[serde(default)]
    pub points: i32,
    /// Why the reply scores as it does; shown in the debrief.
    pub reason: String,
    /// What the caller says back.
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Defaults to `1202-4.7`.
    #[serde(default)]
    pub objectives: Vec<String>,
}

/// Tone tags for replies (220-1202 4.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Tone {
    Empathetic,
    Plain,
    Jargon,
    Dismissive,
    Blaming,
    OverPromising,
    Ownership,
    SetsExpectations,
    ActiveListening,
    Reassuring,
    Professional,
    Curt,
    Judgmental,
    Discreet,
}

impl Tone {
    /// Whether the tone is one the communication objective asks a technician to avoid.
    pub fn is_poor(self) -> bool {
        matches!(
            self,
            Tone::Jargon
                | Tone::Dismissive
                | Tone::Blaming
                | Tone::OverPromising
                | Tone::Curt
                | Tone::Judgmental
        )
    }
}
