//! The quality bar a scenario must meet to ship: it can be won, and its score tells good work from bad.
//!
//! - the author's expert walkthrough of every variant scores at least [`EXPERT_MIN`] %;
//! - the careless policy (no questions, jargon, fix before testing, wrong escalation) at most
//!   [`CARELESS_MAX`] %;
//! - the median of random play at most [`RANDOM_MEDIAN_MAX`] %.

use crate::scenario::Compiled;
use crate::scoring;
use crate::solver;
use serde::Serialize;
use std::sync::Arc;

pub const EXPERT_MIN: f64 = 90.0;
pub const CARELESS_MAX: f64 = 50.0;
pub const RANDOM_MEDIAN_MAX: f64 = 35.0;
/// Random runs used for the median.
pub const RANDOM_RUNS: usize = 400;

#[derive(Debug, Clone, Serialize)]
pub struct VariantBar {
    pub variant: String,
    pub winnable: bool,
    /// `None` when the scenario has no walkthrough for this variant.
    pub expert: Option<f64>,
    pub expert_error: Option<String>,
    pub careless: f64,
    pub states: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub scenario: String,
    pub variants: Vec<VariantBar>,
    pub random_median: f64,
    pub problems: Vec<String>,
}

impl Bar {
    pub fn passes(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks one scenario against the bar with the given seed.
pub fn check(sc: &Arc<Compiled>, seed: u64) -> Bar {
    let mut problems = Vec::new();
    let solved = solver::solve(sc, seed);
    let mut variants = Vec::new();
    for (vi, v) in solved.variants.iter().enumerate() {
        if !v.winnable {
            problems.push(format!("variant {} cannot be won", v.variant));
        }
        if !v.complete {
            problems.push(format!(
                "variant {}: the solver ran out of budget; gate actions with `requires`",
                v.variant
            ));
        }
        let (expert, expert_error) = match sc.src.walkthroughs.get(&v.variant) {
            None => {
                problems.push(format!("variant {} has no walkthrough", v.variant));
                (None, None)
            }
            Some(keys) => match solver::play_walkthrough(sc.clone(), seed, vi, keys) {
                Ok(s) => {
                    let r = scoring::report(&s);
                    if !s.is_over() {
                        problems.push(format!(
                            "variant {}: the walkthrough does not end the ticket",
                            v.variant
                        ));
                    }
                    if r.percent < EXPERT_MIN {
                        problems.push(format!(
                            "variant {}: walkthrough scores {:.0} % (needs ≥ {EXPERT_MIN:.0} %){}",
                            v.variant,
                            r.percent,
                            shortfall(sc, &s, &r)
                        ));
                    }
                    (Some(r.percent), None)
                }
                Err(e) => {
                    problems.push(format!("variant {}: walkthrough fails: {e}", v.variant));
                    (None, Some(e))
                }
            },
        };
        let careless = scoring::report(&solver::careless_play(sc.clone(), seed, vi)).percent;
        if careless > CARELESS_MAX {
            problems.push(format!(
                "variant {}: careless play scores {careless:.0} % (needs ≤ {CARELESS_MAX:.0} %)",
                v.variant
            ));
        }
        variants.push(VariantBar {
            variant: v.variant.clone(),
            winnable: v.winnable,
            expert,
            expert_error,
            careless,
            states: v.states,
        });
    }
    let random_median = solver::stats(sc, RANDOM_RUNS, seed).median;
    if random_median > RANDOM_MEDIAN_MAX {
        problems.push(format!(
            "random play median {random_median:.0} % (needs ≤ {RANDOM_MEDIAN_MAX:.0} %)"
        ));
    }
    Bar {
        scenario: sc.src.id.clone(),
        variants,
        random_median,
        problems,
    }
}

/// What a walkthrough misses against the solver's best path: the best path's steps it never takes
/// (with their method step) and the points it lost, so an author sees what to add.
fn shortfall(sc: &Compiled, s: &crate::engine::Session, r: &scoring::Report) -> String {
    let taken: Vec<String> = s
        .commands_issued()
        .iter()
        .map(|c| crate::engine::command_key(sc, c))
        .collect();
    let missed: Vec<String> = r
        .best_keys
        .iter()
        .filter(|k| !k.starts_with("reply:") && !taken.contains(k))
        .map(|k| match sc.action(k) {
            Some(a) => format!("`{k}` (step {})", sc.actions[a as usize].step.label()),
            None => format!("`{k}`"),
        })
        .collect();
    let lost: Vec<String> = r
        .cost_points
        .iter()
        .take(3)
        .map(|p| format!("{} ({:+})", p.reason, p.points))
        .collect();
    let short: Vec<String> = r
        .categories
        .iter()
        .filter(|l| l.earned < l.best)
        .map(|l| format!("{} {} of {}", l.name, l.earned, l.best))
        .collect();
    let mut out = String::new();
    if !short.is_empty() {
        out += &format!(" — short in {}", short.join(", "));
    }
    if !missed.is_empty() {
        out += &format!("; it misses {} from the best path", missed.join(", "));
    }
    if !lost.is_empty() {
        out += &format!("; it loses points for: {}", lost.join("; "));
    }
    out
}
