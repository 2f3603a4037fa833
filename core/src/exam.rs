//! Exam mode: a seeded, domain-weighted draw of tickets for Core 1 or Core 2, and a result on the
//! 100–900 scale with a breakdown per domain.
//!
//! How the result is computed (shown on the result screen, in the README and in the HTML report):
//! 1. each ticket's raw score is its share of the best possible score for that ticket, 0–100 %; a ticket
//!    left unfinished when time runs out scores what it had, an unopened one 0 %;
//! 2. each ticket was drawn for one domain; a domain's raw score is the mean of its tickets;
//! 3. the exam's raw score is the mean of the domains' raw scores, weighted by the official domain weights
//!    (renormalised over the domains drawn);
//! 4. raw scores are mapped to 100–900 in two straight lines: 0 % → 100, [`CUT_PERCENT`] → the pass mark
//!    (675 for Core 1, 700 for Core 2), 100 % → 900.
//!
//! This is the program's own estimate. CompTIA does not publish how it scales, and a ticket here is not
//! an exam question.

use crate::objectives::{Catalogue, Exam};
use crate::scenario::Compiled;
use crate::store::{ExamDomainRow, ExamRecord};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::sync::Arc;

/// The raw score that maps to the pass mark.
pub const CUT_PERCENT: f64 = 75.0;
/// The fewest and most tickets an exam may have.
pub const MIN_ITEMS: usize = 2;
pub const MAX_ITEMS: usize = 20;

/// One ticket of an exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub scenario: String,
    /// The domain number it was drawn for.
    pub domain: u32,
    /// The session seed, which picks the variant and the caller.
    pub seed: u64,
}

/// A drawn exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paper {
    /// `1201` or `1202`.
    pub exam: String,
    pub seed: u64,
    pub items: Vec<Item>,
    /// The time allowed for the whole exam.
    pub minutes: u32,
}

impl Paper {
    /// The exam code: the same code on the same library draws the same exam.
    pub fn code(&self) -> String {
        format!("{}-{}-{}", self.exam, self.items.len(), self.seed)
    }
}

/// Splits an exam code such as `1201-6-48213` into exam, number of tickets and seed.
pub fn parse_code(code: &str) -> Result<(String, usize, u64), String> {
    let parts: Vec<&str> = code.trim().split('-').collect();
    let bad =
        || format!("`{code}` is not an exam code: expected EXAM-TICKETS-SEED, e.g. 1201-6-48213");
    let [exam, n, seed] = parts.as_slice() else {
        return Err(bad());
    };
    let n: usize = n.parse().map_err(|_| bad())?;
    let seed: u64 = seed.parse().map_err(|_| bad())?;
    Ok((exam.to_string(), n, seed))
}

/// The scenarios that can stand for each domain of `exam`: those tagged with one of its objectives,
/// sorted by id so the draw does not depend on load order.
pub fn pools<'a>(lib: &'a [Arc<Compiled>], exam: &Exam) -> Vec<(u32, u32, Vec<&'a Arc<Compiled>>)> {
    exam.domains
        .iter()
        .map(|d| {
            let prefix = format!("{}-{}.", exam.code, d.number);
            let mut pool: Vec<&Arc<Compiled>> = lib
                .iter()
                .filter(|s| s.objectives().iter().any(|o| o.starts_with(&prefix)))
                .collect();
            pool.sort_by(|a, b| a.id().cmp(b.id()));
            (d.number, d.weight, pool)
        })
        .collect()
}

/// Draws `count` tickets for `exam` (`1201` or `1202`): each slot picks a domain by its weight, then a
/// scenario for that domain not drawn yet (a repeat, with another seed, only when the domain has run out).
pub fn draw(
    lib: &[Arc<Compiled>],
    cat: &Catalogue,
    exam: &str,
    count: usize,
    seed: u64,
) -> Result<Paper, String> {
    let Some(ex) = cat.exams.iter().find(|e| e.code == exam) else {
        return Err(format!(
            "no exam `{exam}`: choose 1201 (Core 1) or 1202 (Core 2)"
        ));
    };
    if !(MIN_ITEMS..=MAX_ITEMS).contains(&count) {
        return Err(format!(
            "an exam has {MIN_ITEMS} to {MAX_ITEMS} tickets, not {count}"
        ));
    }
    let pools: Vec<_> = pools(lib, ex)
        .into_iter()
        .filter(|p| !p.2.is_empty())
        .collect();
    let total: u32 = pools.iter().map(|p| p.1).sum();
    if total == 0 {
        return Err(format!(
            "the library has no scenario for any {} objective",
            ex.name
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut items: Vec<Item> = Vec::with_capacity(count);
    let mut minutes = 0;
    for _ in 0..count {
        let mut pick = rng.random_range(0..total);
        let (domain, _, pool) = pools
            .iter()
            .find(|p| {
                if pick < p.1 {
                    true
                } else {
                    pick -= p.1;
                    false
                }
            })
            .unwrap_or(&pools[0]);
        let fresh: Vec<&&Arc<Compiled>> = pool
            .iter()
            .filter(|s| !items.iter().any(|i| i.scenario == s.id()))
            .collect();
        let sc = if fresh.is_empty() {
            pool[rng.random_range(0..pool.len())]
        } else {
            fresh[rng.random_range(0..fresh.len())]
        };
        minutes += item_minutes(sc);
        items.push(Item {
            scenario: sc.id().to_string(),
            domain: *domain,
            seed: rng.random_range(1..1_000_000),
        });
    }
    Ok(Paper {
        exam: exam.to_string(),
        seed,
        items,
        minutes,
    })
}

/// Real minutes allowed for one ticket: four, plus one per difficulty level.
pub fn item_minutes(sc: &Compiled) -> u32 {
    4 + sc.src.difficulty as u32
}

/// Maps a raw score (0–100 %) to the 100–900 scale: 0 → 100, [`CUT_PERCENT`] → `pass`, 100 → 900.
pub fn scale(raw_percent: f64, pass: u32) -> u32 {
    let r = if raw_percent.is_nan() {
        0.0
    } else {
        raw_percent.clamp(0.0, 100.0)
    };
    let pass = pass as f64;
    let s = if r <= CUT_PERCENT {
        100.0 + (pass - 100.0) * r / CUT_PERCENT
    } else {
        pass + (900.0 - pass) * (r - CUT_PERCENT) / (100.0 - CUT_PERCENT)
    };
    s.round() as u32
}

/// One domain's part of a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainResult {
    pub number: u32,
    pub name: String,
    pub weight: u32,
    pub items: u32,
    pub raw: f64,
    pub scaled: u32,
}

/// A graded exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExamResult {
    pub exam: String,
    pub name: String,
    pub raw: f64,
    pub scaled: u32,
    pub pass: u32,
    pub passed: bool,
    /// Only the domains that had tickets.
    pub domains: Vec<DomainResult>,
}

/// Grades a paper from each ticket's percent (`None` for one never finished or never opened).
pub fn grade(
    paper: &Paper,
    cat: &Catalogue,
    percents: &[Option<f64>],
) -> Result<ExamResult, String> {
    let Some(ex) = cat.exams.iter().find(|e| e.code == paper.exam) else {
        return Err(format!("no exam `{}`", paper.exam));
    };
    let mut domains = Vec::new();
    for d in &ex.domains {
        let scores: Vec<f64> = paper
            .items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.domain == d.number)
            .map(|(i, _)| {
                percents
                    .get(i)
                    .copied()
                    .flatten()
                    .unwrap_or(0.0)
                    .clamp(0.0, 100.0)
            })
            .collect();
        if scores.is_empty() {
            continue;
        }
        let raw = scores.iter().sum::<f64>() / scores.len() as f64;
        domains.push(DomainResult {
            number: d.number,
            name: d.name.clone(),
            weight: d.weight,
            items: scores.len() as u32,
            raw,
            scaled: scale(raw, ex.pass),
        });
    }
    let weights: u32 = domains.iter().map(|d| d.weight).sum();
    let raw = if weights == 0 {
        0.0
    } else {
        domains.iter().map(|d| d.raw * d.weight as f64).sum::<f64>() / weights as f64
    };
    let scaled = scale(raw, ex.pass);
    Ok(ExamResult {
        exam: paper.exam.clone(),
        name: ex.name.clone(),
        raw,
        scaled,
        pass: ex.pass,
        passed: scaled >= ex.pass,
        domains,
    })
}

impl ExamResult {
    /// The record the store keeps.
    pub fn record(
        &self,
        trainee: &str,
        uuid: &str,
        paper: &Paper,
        started: i64,
        finished: i64,
        timed_out: bool,
    ) -> ExamRecord {
        ExamRecord {
            uuid: uuid.to_string(),
            trainee: trainee.to_string(),
            class: None,
            exam: self.exam.clone(),
            code: paper.code(),
            started,
            finished,
            time_limit: paper.minutes * 60,
            timed_out,
            raw: self.raw,
            scaled: self.scaled,
            pass: self.pass,
            passed: self.passed,
            domains: self
                .domains
                .iter()
                .map(|d| ExamDomainRow {
                    domain: format!("{}-{}", self.exam, d.number),
                    name: d.name.clone(),
                    weight: d.weight,
                    items: d.items,
                    raw: d.raw,
                    scaled: d.scaled,
                })
                .collect(),
        }
    }
}

/// How the scaled score is computed, in plain words, for the result screen and reports.
pub fn explanation(pass: u32) -> String {
    format!(
        "Each ticket scores its share of the best possible result for that ticket. A domain's score is \
         the mean of its tickets, and the exam's raw score is the mean of the domains, weighted as in \
         the official exam outline. The raw score is mapped to 100–900 in two straight lines: 0 % is \
         100, {CUT_PERCENT:.0} % is the pass mark of {pass}, and 100 % is 900. This is helpdesk-sim's \
         own estimate to help you practise; it is not CompTIA's scoring, which is not published."
    )
}
