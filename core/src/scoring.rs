//! Scoring: reads a session's event log and final state and builds the debrief.
//!
//! Every point is a `Points` event from the engine, so the report is a fold over the log. It is normalised
//! against the best score the solver finds for the same world (variant, caller and seed), and compared
//! with that best path category by category and objective by objective.

use crate::engine::{Event, Outcome, Points, Session, command_key};
use crate::scenario::Category;
use crate::solver;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Points earned against the best path's points, for a category or an objective.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Line {
    pub name: String,
    pub earned: i32,
    pub best: i32,
}

impl Line {
    /// Earned as a share of the best path's points, 0–100.
    pub fn percent(&self) -> f64 {
        solver::percent(self.earned, self.best)
    }
}

/// A rule that fired, for "what went well" and "what cost points": the points event itself, which
/// already carries its rule, reason, objectives and moment.
pub type Finding = Points;

/// The debrief of one attempt.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub scenario: String,
    pub title: String,
    pub variant: String,
    pub seed: u64,
    pub outcome: Option<Outcome>,
    pub total: i32,
    pub best: i32,
    /// Total as a share of the best possible, 0–100.
    pub percent: f64,
    pub minutes: u32,
    pub categories: Vec<Line>,
    pub objectives: Vec<Line>,
    pub went_well: Vec<Finding>,
    pub cost_points: Vec<Finding>,
    /// What the trainee did, as labels.
    pub your_path: Vec<String>,
    /// The solver's best path for this world, as labels.
    pub best_path: Vec<String>,
    /// The same best path as command keys.
    pub best_keys: Vec<String>,
}

fn points(events: &[Event]) -> impl Iterator<Item = &Points> {
    events.iter().filter_map(|e| {
        if let Event::Points(p) = e {
            Some(p)
        } else {
            None
        }
    })
}

/// Builds the debrief of a session (finished or not).
pub fn report(s: &Session) -> Report {
    let (best, best_cmds, best_events) = solver::best_for(&s.world);
    let events: Vec<Event> = s.events().cloned().collect();
    let total: i32 = points(&events).map(|p| p.points).sum();

    let mut cats: BTreeMap<Category, (i32, i32)> =
        Category::ALL.iter().map(|c| (*c, (0, 0))).collect();
    let mut objs: BTreeMap<String, (i32, i32)> = BTreeMap::new();
    for o in s.scenario().objectives() {
        objs.insert(o.clone(), (0, 0));
    }
    for p in points(&events) {
        cats.entry(p.category).or_default().0 += p.points;
        for o in &p.objectives {
            objs.entry(o.clone()).or_default().0 += p.points;
        }
    }
    for p in points(&best_events) {
        cats.entry(p.category).or_default().1 += p.points;
        for o in &p.objectives {
            objs.entry(o.clone()).or_default().1 += p.points;
        }
    }
    let mut went_well = Vec::new();
    let mut cost = Vec::new();
    for p in points(&events) {
        if p.points > 0 {
            went_well.push(p.clone());
        } else if p.points < 0 {
            cost.push(p.clone());
        }
    }
    // Most costly first, then in the order they happened.
    cost.sort_by_key(|f| (f.points, f.turn));

    let (best_labels, _) = s.world.replay_labels(&best_cmds);
    let (your_path, _) = s.world.replay_labels(&s.commands_issued());

    Report {
        scenario: s.scenario().src.id.clone(),
        title: s.scenario().src.title.clone(),
        variant: s.scenario().src.variants[s.world.draw.variant].id.clone(),
        seed: s.world.draw.seed,
        outcome: s.outcome(),
        total,
        best,
        percent: solver::percent(total, best),
        minutes: s.state.minute,
        categories: cats
            .into_iter()
            .map(|(c, (earned, best))| Line {
                name: c.label().to_string(),
                earned,
                best,
            })
            .collect(),
        objectives: objs
            .into_iter()
            .map(|(name, (earned, best))| Line { name, earned, best })
            .collect(),
        went_well,
        cost_points: cost,
        your_path,
        best_path: best_labels,
        best_keys: best_cmds
            .iter()
            .map(|c| command_key(s.scenario(), c))
            .collect(),
    }
}

/// The debrief as plain text, for the terminal.
pub fn render_text(r: &Report) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "== Debrief: {} (variant {}, seed {}) ==",
        r.title, r.variant, r.seed
    );
    let _ = writeln!(
        o,
        "Outcome: {}   Score: {} of {} best ({:.0} %)   Time: {} min",
        r.outcome.map_or("Unfinished", Outcome::label),
        r.total,
        r.best,
        r.percent,
        r.minutes
    );
    let _ = writeln!(o, "\nBy category:");
    for c in &r.categories {
        let _ = writeln!(o, "  {:<14} {:>4} of {:>4}", c.name, c.earned, c.best);
    }
    let _ = writeln!(o, "\nBy A+ objective:");
    for c in &r.objectives {
        let _ = writeln!(o, "  {:<14} {:>4} of {:>4}", c.name, c.earned, c.best);
    }
    let _ = writeln!(o, "\nWhat went well:");
    for f in &r.went_well {
        let _ = writeln!(
            o,
            "  +{:<3} {} (minute {}, {})",
            f.points, f.reason, f.minute, f.rule
        );
    }
    let _ = writeln!(o, "\nWhat cost points:");
    if r.cost_points.is_empty() {
        let _ = writeln!(o, "  nothing");
    }
    for f in &r.cost_points {
        let harm = if f.harmful { " [harmful]" } else { "" };
        let _ = writeln!(
            o,
            "  {:<4} {}{harm} (minute {}, {})",
            f.points, f.reason, f.minute, f.rule
        );
    }
    let _ = writeln!(o, "\nYour path:");
    for (i, p) in r.your_path.iter().enumerate() {
        let _ = writeln!(o, "  {:>2}. {p}", i + 1);
    }
    let _ = writeln!(o, "\nBest path:");
    for (i, p) in r.best_path.iter().enumerate() {
        let _ = writeln!(o, "  {:>2}. {p}", i + 1);
    }
    o
}
