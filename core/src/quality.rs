//! The quality bar a scenario must meet to ship: it can be won, and its score tells good work from bad.
//!
//! - the author's expert walkthrough of every variant scores at least [`EXPERT_MIN`] %;
//! - the careless policy (no questions, jargon, fix before testing, wrong escalation) at most
//!   [`CARELESS_MAX`] %;
//! - the median of random play at most [`RANDOM_MEDIAN_MAX`] %;
//! - each cue player of [`crate::players`] (first option, longest reply with every action, matching
//!   words) at most [`CUE_MEDIAN_MAX`] % as a median over seeds and variants. This is reported on every
//!   scenario and enforced by [`check_strict`] (`check --strict-cues`); the bundled library does not
//!   meet it yet.

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
/// The most a cue player (see [`crate::players`]) may score, as a median over seeds and variants.
pub const CUE_MEDIAN_MAX: f64 = 40.0;
/// Seeds per variant for each cue player: the reply order changes with the seed.
pub const CUE_SEEDS: u64 = 5;

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
    /// Each cue player's median over [`CUE_SEEDS`] seeds of every variant, and its worst variant.
    pub cues: Vec<CueFigure>,
    pub problems: Vec<String>,
    /// Cue players above [`CUE_MEDIAN_MAX`]: problems under [`check_strict`], warnings otherwise.
    pub leaks: Vec<String>,
}

/// What one cue player scores on a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct CueFigure {
    pub player: &'static str,
    pub median: f64,
    /// The variant where it does best, and its median there.
    pub worst_variant: String,
    pub worst: f64,
}

impl Bar {
    pub fn passes(&self) -> bool {
        self.problems.is_empty()
    }
}

/// [`check`], with the cue players' limit enforced: a leak is a problem.
pub fn check_strict(sc: &Arc<Compiled>, seed: u64) -> Bar {
    let mut bar = check(sc, seed);
    bar.problems.append(&mut bar.leaks);
    bar
}

/// Each cue player's median on every variant over [`CUE_SEEDS`] seeds from `seed`.
pub fn cue_figures(sc: &Arc<Compiled>, seed: u64) -> Vec<CueFigure> {
    let mut best = solver::BestCache::default();
    let mut worlds: Vec<Vec<(u64, usize)>> = Vec::new();
    for vi in 0..sc.variants.len() {
        worlds.push((0..CUE_SEEDS).map(|i| (seed + i, vi)).collect());
    }
    crate::players::CuePlayer::ALL
        .iter()
        .map(|p| {
            let mut all = Vec::new();
            let mut worst = (String::new(), f64::MIN);
            for (vi, seeds) in worlds.iter().enumerate() {
                let mut per: Vec<f64> = seeds
                    .iter()
                    .map(|&(s, v)| {
                        let session = p.play(sc.clone(), s, v);
                        solver::percent(session.total(), best.best(&session.world))
                    })
                    .collect();
                all.extend(per.iter().copied());
                let m = median(&mut per);
                if m > worst.1 {
                    worst = (sc.src.variants[vi].id.clone(), m);
                }
            }
            CueFigure {
                player: p.name(),
                median: median(&mut all),
                worst_variant: worst.0,
                worst: worst.1,
            }
        })
        .collect()
}

fn median(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
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
    let cues = cue_figures(sc, seed);
    let leaks = cues
        .iter()
        .filter(|c| c.median > CUE_MEDIAN_MAX)
        .map(|c| {
            format!(
                "cue player `{}` scores a median {:.0} % (needs ≤ {CUE_MEDIAN_MAX:.0} %; most on variant {}: {:.0} %)",
                c.player, c.median, c.worst_variant, c.worst
            )
        })
        .collect();
    Bar {
        scenario: sc.src.id.clone(),
        variants,
        random_median,
        cues,
        problems,
        leaks,
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
