//! Scenarios: the file format ([`model`]), reading it ([`load`]), and checking it into a [`Compiled`]
//! scenario ([`validate`]) that the engine runs.
//!
//! The compiled form replaces every name with an index so that the engine and the solver never look up a
//! string while they run.

pub mod cues;
pub mod load;
pub mod locate;
pub mod model;
pub mod validate;

pub use load::{load_bytes, load_file, parse_bytes};
pub use model::*;

use std::path::PathBuf;
use std::sync::Arc;

/// Index of a fact, clue, action, moment or theory in a compiled scenario.
pub type Idx = u16;

/// Most actions, clues, moments and theories one scenario may have: state sets are 64-bit masks.
pub const MAX_ITEMS: usize = 64;

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The file as written, for its texts and metadata.
    pub src: Scenario,
    /// Where it was loaded from.
    pub path: PathBuf,
    pub fact_names: Vec<String>,
    pub fact_defaults: Vec<Value>,
    pub clue_ids: Vec<String>,
    pub clue_texts: Vec<String>,
    pub variables: Vec<(String, Variable)>,
    pub variants: Vec<CVariant>,
    pub actions: Vec<CAction>,
    pub moments: Vec<CMoment>,
    /// The caller's patience and drift, in tenths of a frustration point.
    pub patience_tenths: i32,
    pub drift_tenths: i32,
}

impl Compiled {
    pub fn id(&self) -> &str {
        &self.src.id
    }
    pub fn fact(&self, name: &str) -> Option<Idx> {
        self.fact_names
            .iter()
            .position(|n| n == name)
            .map(|i| i as Idx)
    }
    pub fn clue(&self, id: &str) -> Option<Idx> {
        self.clue_ids.iter().position(|n| n == id).map(|i| i as Idx)
    }
    pub fn action(&self, id: &str) -> Option<Idx> {
        self.src
            .actions
            .iter()
            .position(|a| a.id == id)
            .map(|i| i as Idx)
    }
    pub fn variant(&self, id: &str) -> Option<usize> {
        self.src.variants.iter().position(|v| v.id == id)
    }
    /// The objective ids this scenario is tagged with.
    pub fn objectives(&self) -> &[String] {
        &self.src.objectives
    }
}

/// A variant with its full fact vector.
#[derive(Debug, Clone)]
pub struct CVariant {
    pub facts: Vec<Value>,
    pub cause: Idx,
    pub fixed_when: Vec<CCond>,
    pub escalate: Option<(Team, Vec<Idx>)>,
    /// Other acceptable teams and the percent of the escalation points each earns.
    pub also: Vec<(Team, u8)>,
    pub key_clues: Vec<Idx>,
    pub priority: u8,
    pub weight: u32,
}

#[derive(Debug, Clone)]
pub struct CAction {
    pub kind: ActionKind,
    pub step: Step,
    pub minutes: u32,
    pub requires: Vec<CCond>,
    pub effects: Vec<CEffect>,
    pub caller: Vec<CLine>,
    pub console: Vec<CLine>,
    pub objectives: Arc<[Arc<str>]>,
}

#[derive(Debug, Clone)]
pub enum CCond {
    Fact(Idx, Value),
    Above(Idx, i64),
    Below(Idx, i64),
    Known(Idx),
    Done(Idx),
    Theory(Idx),
    Happened(Idx),
    Fixed,
    MoodAtLeast(i32),
    Variant(Idx),
    Not(Box<CCond>),
    All(Vec<CCond>),
    Any(Vec<CCond>),
}

#[derive(Debug, Clone)]
pub enum CEffect {
    Set(Idx, Value),
    Reveal(Idx),
    Mood(i32),
    Score(Option<Category>, i32, Arc<str>),
    Harm(i32, Arc<str>),
    If(CCond, Vec<CEffect>, Vec<CEffect>),
}

#[derive(Debug, Clone)]
pub enum CLine {
    Text(Arc<str>),
    If(CCond, Vec<CLine>, Vec<CLine>),
}

#[derive(Debug, Clone)]
pub struct CMoment {
    pub trigger: CTrigger,
    pub requires: Vec<CCond>,
    pub replies: Vec<CReply>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CTrigger {
    Start,
    After(Idx),
    MoodAtLeast(i32),
    Silence(u32),
    Escalated,
    Closing,
}

#[derive(Debug, Clone)]
pub struct CReply {
    pub mood: i32,
    pub points: i32,
    pub reason: Arc<str>,
    pub tones: Vec<Tone>,
    pub effects: Vec<CEffect>,
    pub objectives: Arc<[Arc<str>]>,
}
