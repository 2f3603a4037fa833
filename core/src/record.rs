//! What one finished attempt or exam is: the values the store writes and the xAPI statements
//! describe. Plain data built from a session and its debrief; no database here.

use crate::engine::{Command, Event, Session, command_key};
use crate::scoring::Report;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since 1970, the store's timestamps.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A timestamp as RFC 3339 in UTC, to the millisecond.
pub fn rfc3339(ms: i64) -> String {
    let t = UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(t).to_string()
}

/// Practice (hints allowed, debrief after each ticket) or part of an exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    Practice,
    Exam,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Exam => "exam",
        }
    }
    pub(crate) fn parse(s: &str) -> Mode {
        if s == "exam" {
            Mode::Exam
        } else {
            Mode::Practice
        }
    }
}

/// One decision of an attempt: a command, with the points it earned or cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub seq: u32,
    /// The command key (`ipconfig`, `reply:2`, `escalate:Network`, …).
    pub key: String,
    /// What the trainee did or said.
    pub label: String,
    pub points: i32,
    pub minute: u32,
}

impl Decision {
    /// The decisions of a session, from its log. A reply is named by its identity in the file
    /// (`reply:opening/2`: the moment and the reply's place in it), never by where it was shown.
    pub fn from_session(s: &Session) -> Vec<Decision> {
        // Which moment a reply answered is a matter of the state at the time: replay to know it.
        let mut replay = Session::with_variant(
            s.world.sc.clone(),
            s.world.draw.seed,
            Some(s.world.draw.variant),
        );
        s.log
            .iter()
            .filter_map(|e| e.command.as_ref().map(|c| (e, c)))
            .enumerate()
            .map(|(i, (e, c))| {
                let key = match (c, replay.state.current_moment()) {
                    (Command::Reply(r), Some(m)) => {
                        format!("reply:{}/{}", s.scenario().src.moments[m].id, r + 1)
                    }
                    _ => command_key(s.scenario(), c),
                };
                let _ = replay.apply(c.clone());
                Decision {
                    seq: i as u32 + 1,
                    label: e
                        .events
                        .iter()
                        .find_map(|ev| match ev {
                            Event::Trainee { text, .. } => Some(text.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(|| key.clone()),
                    key,
                    points: e
                        .events
                        .iter()
                        .map(|ev| match ev {
                            Event::Points(p) => p.points,
                            _ => 0,
                        })
                        .sum(),
                    minute: e.minute,
                }
            })
            .collect()
    }
}

/// A finished attempt, ready to be written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttemptRecord {
    /// The attempt's registration: a UUID that names it everywhere, including xAPI.
    pub uuid: String,
    pub trainee: String,
    /// The class (training group) the trainee works in, if any: reports can be filtered by it.
    #[serde(default)]
    pub class: Option<String>,
    pub mode: Mode,
    /// The exam this ticket belongs to, in exam mode.
    pub exam: Option<ExamLink>,
    pub hints: bool,
    pub started: i64,
    pub finished: i64,
    pub report: Report,
    pub decisions: Vec<Decision>,
}

impl AttemptRecord {
    /// An attempt from a session and its debrief, finished now.
    pub fn new(trainee: &str, session: &Session, report: Report, started: i64) -> AttemptRecord {
        AttemptRecord {
            uuid: new_uuid(),
            trainee: trainee.to_string(),
            class: None,
            mode: Mode::Practice,
            exam: None,
            hints: false,
            started,
            finished: now_ms().max(started),
            decisions: Decision::from_session(session),
            report,
        }
    }
}

/// The exam an attempt is part of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamLink {
    /// `1201` or `1202`.
    pub exam: String,
    /// The exam's own registration UUID.
    pub registration: String,
}

/// A fresh random UUID (version 4).
pub fn new_uuid() -> String {
    let bytes: [u8; 16] = rand::random();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A finished exam, ready to be written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExamRecord {
    pub uuid: String,
    pub trainee: String,
    #[serde(default)]
    pub class: Option<String>,
    /// `1201` or `1202`.
    pub exam: String,
    /// The exam code that replays the same draw.
    pub code: String,
    pub started: i64,
    pub finished: i64,
    /// Seconds allowed.
    pub time_limit: u32,
    pub timed_out: bool,
    pub raw: f64,
    pub scaled: u32,
    pub pass: u32,
    pub passed: bool,
    pub domains: Vec<ExamDomainRow>,
}

/// One domain's result in an exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamDomainRow {
    /// `1201-5`.
    pub domain: String,
    pub name: String,
    pub weight: u32,
    pub items: u32,
    pub raw: f64,
    pub scaled: u32,
}
