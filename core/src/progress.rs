//! What the records say about a trainee: mastery per objective, what to practise next, and whether
//! they improved on each scenario. Pure functions over rows from the [`crate::store`].

use crate::objectives::Catalogue;
use crate::scenario::Compiled;
use crate::store::{AttemptRow, ScoreRow};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How much the newest attempt counts in mastery; older ones fade by `1 - RECENT_WEIGHT` per attempt.
pub const RECENT_WEIGHT: f64 = 0.4;
/// Below this, an objective that has been tried is worth practising before untried ones.
pub const WEAK: f64 = 70.0;

/// Mastery of one objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mastery {
    pub objective: String,
    /// 0–100: a decayed average of the attempts' shares of the best points for this objective.
    pub value: f64,
    pub attempts: u32,
    /// (finished, mastery after that attempt), oldest first.
    pub history: Vec<(i64, f64)>,
}

/// Mastery per objective from one trainee's objective scores (oldest first). Each attempt's share is
/// earned / best for that objective, 0–100; the newest attempt counts [`RECENT_WEIGHT`], the mastery
/// before it the rest.
pub fn mastery(rows: &[ScoreRow]) -> BTreeMap<String, Mastery> {
    let mut out: BTreeMap<String, Mastery> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.best > 0) {
        let share = (r.earned as f64 / r.best as f64 * 100.0).clamp(0.0, 100.0);
        let m = out.entry(r.name.clone()).or_insert_with(|| Mastery {
            objective: r.name.clone(),
            value: share,
            attempts: 0,
            history: Vec::new(),
        });
        if m.attempts > 0 {
            m.value = m.value * (1.0 - RECENT_WEIGHT) + share * RECENT_WEIGHT;
        }
        m.attempts += 1;
        m.history.push((r.finished, m.value));
    }
    out
}

/// A scenario to practise next, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub objective: String,
    pub objective_title: String,
    pub mastery: Option<f64>,
    pub scenario: String,
    pub scenario_title: String,
    pub reason: String,
}

/// Up to `n` scenarios that work the weakest objectives: first objectives tried and below [`WEAK`],
/// weakest first; then objectives never tried; then the rest. Each objective gets a scenario that covers
/// it, preferring one the trainee has not done, then the one they scored lowest on; no scenario twice.
pub fn next_up(
    mastery: &BTreeMap<String, Mastery>,
    lib: &[Arc<Compiled>],
    attempts: &[AttemptRow],
    cat: &Catalogue,
    n: usize,
) -> Vec<Recommendation> {
    let mut objectives: Vec<&str> = lib
        .iter()
        .flat_map(|s| s.objectives().iter().map(String::as_str))
        .collect();
    objectives.sort();
    objectives.dedup();
    let rank = |o: &&str| match mastery.get(*o) {
        Some(m) if m.value < WEAK => (0, m.value),
        None => (1, 0.0),
        Some(m) => (2, m.value),
    };
    objectives.sort_by(|a, b| {
        rank(a)
            .partial_cmp(&rank(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let last: BTreeMap<&str, f64> = attempts
        .iter()
        .map(|a| (a.scenario.as_str(), a.percent))
        .collect();
    let mut out: Vec<Recommendation> = Vec::new();
    for o in objectives {
        if out.len() >= n {
            break;
        }
        let mut options: Vec<&Arc<Compiled>> = lib
            .iter()
            .filter(|s| s.objectives().iter().any(|x| x == o))
            .filter(|s| !out.iter().any(|r| r.scenario == s.id()))
            .collect();
        options.sort_by(|a, b| {
            let ka = last.get(a.id()).copied().unwrap_or(-1.0);
            let kb = last.get(b.id()).copied().unwrap_or(-1.0);
            ka.partial_cmp(&kb)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.id().cmp(b.id()))
        });
        let Some(sc) = options.first() else {
            continue;
        };
        let m = mastery.get(o).map(|m| m.value);
        let title = cat
            .objective(o)
            .map(|r| r.objective.title.clone())
            .unwrap_or_default();
        let reason = match (m, last.get(sc.id())) {
            (Some(v), Some(p)) => {
                format!("{o} mastery is {v:.0} %; your last try at this ticket scored {p:.0} %")
            }
            (Some(v), None) => format!("{o} mastery is {v:.0} %; you have not tried this ticket"),
            (None, _) => format!("you have not practised {o} yet"),
        };
        out.push(Recommendation {
            objective: o.to_string(),
            objective_title: title,
            mastery: m,
            scenario: sc.id().to_string(),
            scenario_title: sc.src.title.clone(),
            reason,
        });
    }
    out
}

/// A trainee's first and last attempt at one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstLast {
    pub trainee: String,
    pub scenario: String,
    pub title: String,
    pub attempts: u32,
    pub first: f64,
    pub last: f64,
    pub best: f64,
}

impl FirstLast {
    pub fn change(&self) -> f64 {
        self.last - self.first
    }
}

/// First against last attempt per trainee and scenario, from attempts oldest first.
pub fn first_vs_last(attempts: &[AttemptRow]) -> Vec<FirstLast> {
    let mut map: BTreeMap<(String, String), FirstLast> = BTreeMap::new();
    for a in attempts {
        let e = map
            .entry((a.trainee.clone(), a.scenario.clone()))
            .or_insert_with(|| FirstLast {
                trainee: a.trainee.clone(),
                scenario: a.scenario.clone(),
                title: a.title.clone(),
                attempts: 0,
                first: a.percent,
                last: a.percent,
                best: a.percent,
            });
        e.attempts += 1;
        e.last = a.percent;
        e.best = e.best.max(a.percent);
    }
    map.into_values().collect()
}

/// One objective across a cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortLine {
    pub objective: String,
    /// Trainees with at least one attempt on it.
    pub trainees: u32,
    /// The mean of their masteries.
    pub mean: f64,
    pub lowest: f64,
}

/// Objectives across every trainee, weakest mean mastery first.
pub fn cohort(rows: &[ScoreRow]) -> Vec<CohortLine> {
    let mut by_trainee: BTreeMap<&str, Vec<ScoreRow>> = BTreeMap::new();
    for r in rows {
        by_trainee.entry(&r.trainee).or_default().push(r.clone());
    }
    let mut per: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for rows in by_trainee.values() {
        for (o, m) in mastery(rows) {
            per.entry(o).or_default().push(m.value);
        }
    }
    let mut out: Vec<CohortLine> = per
        .into_iter()
        .map(|(objective, v)| CohortLine {
            objective,
            trainees: v.len() as u32,
            mean: v.iter().sum::<f64>() / v.len() as f64,
            lowest: v.iter().copied().fold(f64::INFINITY, f64::min),
        })
        .collect();
    out.sort_by(|a, b| {
        a.mean
            .partial_cmp(&b.mean)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.objective.cmp(&b.objective))
    });
    out
}
