//! Objective coverage: which scenarios exercise which A+ objectives, and where the library falls short
//! of the rules a certification-ready library must meet.

use crate::engine::COMMUNICATION_OBJECTIVE;
use crate::objectives::Catalogue;
use crate::scenario::Compiled;
use serde::Serialize;
use std::sync::Arc;

/// How many scenarios an objective needs.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub objective: String,
    pub min: usize,
}

/// The library rules: every troubleshooting objective twice, the listed others once.
pub fn requirements() -> Vec<Requirement> {
    let mut r = Vec::new();
    for n in 1..=6 {
        r.push(Requirement {
            objective: format!("1201-5.{n}"),
            min: 2,
        });
    }
    for n in 1..=4 {
        r.push(Requirement {
            objective: format!("1202-3.{n}"),
            min: 2,
        });
    }
    for id in [
        "1202-2.2", "1202-2.4", "1202-2.5", "1202-2.6", "1202-4.1", "1202-1.5", "1202-1.7",
    ] {
        r.push(Requirement {
            objective: id.into(),
            min: 1,
        });
    }
    for n in 1..=8 {
        r.push(Requirement {
            objective: format!("1201-2.{n}"),
            min: 1,
        });
    }
    r
}

/// Escalation mix the library must have.
pub const MIN_ESCALATE_SCENARIOS: usize = 8;
pub const MIN_NO_ESCALATE_SCENARIOS: usize = 5;

/// One row of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub objective: String,
    pub title: String,
    pub scenarios: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub rows: Vec<Row>,
    pub gaps: Vec<String>,
    pub escalate_scenarios: usize,
    pub no_escalate_scenarios: usize,
    /// Scenarios per ticket category.
    pub mix: Vec<(String, usize)>,
    pub channels: Vec<(String, usize)>,
}

/// Whether a scenario scores 4.7 somewhere: a reply with points towards it.
pub fn scores_communication(sc: &Compiled) -> bool {
    sc.moments
        .iter()
        .flat_map(|m| m.replies.iter())
        .any(|r| r.points > 0 && r.objectives.iter().any(|o| &**o == COMMUNICATION_OBJECTIVE))
}

/// Builds the matrix and checks the rules.
pub fn coverage(lib: &[Arc<Compiled>], cat: &Catalogue) -> Coverage {
    let rows: Vec<Row> = cat
        .all()
        .map(|o| {
            let id = o.id();
            let scenarios = lib
                .iter()
                .filter(|s| s.objectives().contains(&id))
                .map(|s| s.id().to_string())
                .collect();
            Row {
                objective: id,
                title: o.objective.title.clone(),
                scenarios,
            }
        })
        .collect();
    let mut gaps = Vec::new();
    for req in requirements() {
        let n = rows
            .iter()
            .find(|r| r.objective == req.objective)
            .map_or(0, |r| r.scenarios.len());
        if n < req.min {
            gaps.push(format!(
                "{} has {n} scenario(s); needs {}",
                req.objective, req.min
            ));
        }
    }
    for s in lib {
        if !scores_communication(s) {
            gaps.push(format!(
                "{} never scores {COMMUNICATION_OBJECTIVE} (no reply earns points for it)",
                s.id()
            ));
        }
        if s.variants.len() < 2 {
            gaps.push(format!(
                "{} has {} variant(s); needs 2 or more",
                s.id(),
                s.variants.len()
            ));
        }
    }
    let escalate = lib
        .iter()
        .filter(|s| s.variants.iter().any(|v| v.escalate.is_some()))
        .count();
    let no_escalate = lib
        .iter()
        .filter(|s| s.variants.iter().all(|v| v.escalate.is_none()))
        .count();
    if escalate < MIN_ESCALATE_SCENARIOS {
        gaps.push(format!(
            "{escalate} scenario(s) where escalating is right; needs {MIN_ESCALATE_SCENARIOS}"
        ));
    }
    if no_escalate < MIN_NO_ESCALATE_SCENARIOS {
        gaps.push(format!(
            "{no_escalate} scenario(s) where escalating is wrong; needs {MIN_NO_ESCALATE_SCENARIOS}"
        ));
    }
    let mut mix = std::collections::BTreeMap::new();
    let mut channels = std::collections::BTreeMap::new();
    for s in lib {
        *mix.entry(format!("{:?}", s.src.category)).or_insert(0) += 1;
        *channels.entry(format!("{:?}", s.src.channel)).or_insert(0) += 1;
    }
    Coverage {
        rows,
        gaps,
        escalate_scenarios: escalate,
        no_escalate_scenarios: no_escalate,
        mix: mix.into_iter().collect(),
        channels: channels.into_iter().collect(),
    }
}
