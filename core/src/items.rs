//! Item analysis: how hard each scored decision is and whether it tells stronger trainees from weaker
//! ones, over the attempts in a report (or a simulated cohort, before any trainee has played).
//!
//! An **item** is one scored decision of a scenario: a reply moment (`moment:ID`, whichever reply was
//! picked), the theory statement (`theory`), or a key action (`action:ID`, an action on the solver's best
//! path for the attempt's world). Per attempt an item has a score (the points the attempt earned on it,
//! floored at 0) and a maximum (a moment's best reply; for the theory and actions, the points the best
//! path earns on them).
//!
//! - **Difficulty** p: the share of the maximum earned, summed over the attempts given the item (0–1).
//! - **Discrimination** r: the correlation of the item's score with the rest of the ticket's score
//!   (the attempt's total less the item), over the same attempts: for an item scored right or wrong this
//!   is the point-biserial correlation.
//! - Flags: too easy (p > 0.90), poor (r < 0.20), key probably wrong (r < 0).
//!
//! Scenarios inside exams get the same two figures against the rest of the exam, and an exam form (one
//! exam code, so the same tickets) its reliability, Cronbach's alpha over its tickets.

use crate::engine::Session;
use crate::record::Decision;
use crate::scenario::Compiled;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const TOO_EASY: f64 = 0.90;
pub const POOR: f64 = 0.20;
/// Fewer observations than this give no correlation: it would mean nothing.
pub const MIN_FOR_R: usize = 3;

/// One attempt as item analysis sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub scenario: String,
    /// The attempt's total points.
    pub total: f64,
    /// item → (score, maximum), for the items this attempt was given.
    pub items: BTreeMap<String, (f64, f64)>,
}

/// Why an item needs a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Flag {
    TooEasy,
    Poor,
    KeyProbablyWrong,
}

impl Flag {
    pub fn label(self) -> &'static str {
        match self {
            Flag::TooEasy => "too easy",
            Flag::Poor => "poor discrimination",
            Flag::KeyProbablyWrong => "key probably wrong",
        }
    }
}

/// The figures for one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStats {
    pub scenario: String,
    pub item: String,
    /// Attempts that were given the item.
    pub n: usize,
    pub difficulty: f64,
    /// `None` with fewer than [`MIN_FOR_R`] attempts, or when the item or the rest never varies.
    pub discrimination: Option<f64>,
    pub flags: Vec<Flag>,
    /// Where the item is written: file and line, when the scenario is in the library.
    pub at: Option<(String, usize)>,
}

impl ItemStats {
    /// The figures of one item; its flags follow from them.
    fn new(
        scenario: &str,
        item: &str,
        n: usize,
        difficulty: f64,
        discrimination: Option<f64>,
    ) -> Self {
        ItemStats {
            scenario: scenario.to_string(),
            item: item.to_string(),
            n,
            difficulty,
            discrimination,
            flags: flags(difficulty, discrimination),
            at: None,
        }
    }
}

/// Pearson's correlation of two equally long series; `None` when either does not vary.
pub fn correlation(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= f64::EPSILON || syy <= f64::EPSILON {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// The correlation of item scores with the rest, over (item, rest) pairs; `None` with fewer than
/// [`MIN_FOR_R`] of them.
fn discrimination(pairs: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.unzip();
    if xs.len() < MIN_FOR_R {
        return None;
    }
    correlation(&xs, &ys)
}

/// The flags that difficulty `p` and discrimination `r` call for.
pub fn flags(p: f64, r: Option<f64>) -> Vec<Flag> {
    let mut f = Vec::new();
    if p > TOO_EASY {
        f.push(Flag::TooEasy);
    }
    match r {
        Some(r) if r < 0.0 => f.push(Flag::KeyProbablyWrong),
        Some(r) if r < POOR => f.push(Flag::Poor),
        _ => {}
    }
    f
}

/// Difficulty and discrimination of every item over `attempts`, sorted by scenario and item.
pub fn analyse(attempts: &[Scored]) -> Vec<ItemStats> {
    /// One attempt's (score, maximum, rest of the ticket) on an item.
    type Obs = (f64, f64, f64);
    let mut by_item: BTreeMap<(&str, &str), Vec<Obs>> = BTreeMap::new();
    for a in attempts {
        for (item, (score, max)) in &a.items {
            by_item
                .entry((a.scenario.as_str(), item.as_str()))
                .or_default()
                .push((*score, *max, a.total - score));
        }
    }
    by_item
        .into_iter()
        .map(|((scenario, item), obs)| {
            let earned: f64 = obs.iter().map(|o| o.0.clamp(0.0, o.1.max(0.0))).sum();
            let max: f64 = obs.iter().map(|o| o.1.max(0.0)).sum();
            let difficulty = if max > 0.0 { earned / max } else { 0.0 };
            let r = discrimination(obs.iter().map(|o| (o.0, o.2)));
            ItemStats::new(scenario, item, obs.len(), difficulty, r)
        })
        .collect()
}

/// One ticket of one exam sitting: which scenario, and its percent.
#[derive(Debug, Clone, PartialEq)]
pub struct Sitting {
    /// The exam code: sittings with one code had the same tickets.
    pub form: String,
    pub tickets: Vec<(String, f64)>,
}

/// A scenario's figures inside exams: difficulty (mean percent / 100) and its correlation with the
/// mean of the other tickets of each sitting.
pub fn scenarios_in_exams(sittings: &[Sitting]) -> Vec<ItemStats> {
    let mut by: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for s in sittings {
        if s.tickets.len() < 2 {
            continue;
        }
        let sum: f64 = s.tickets.iter().map(|t| t.1).sum();
        for (scenario, p) in &s.tickets {
            let rest = (sum - p) / (s.tickets.len() - 1) as f64;
            by.entry(scenario).or_default().push((*p, rest));
        }
    }
    by.into_iter()
        .map(|(scenario, obs)| {
            let difficulty = obs.iter().map(|o| o.0).sum::<f64>() / obs.len() as f64 / 100.0;
            let r = discrimination(obs.iter().copied());
            ItemStats::new(scenario, "scenario in exams", obs.len(), difficulty, r)
        })
        .collect()
}

/// Cronbach's alpha of a test form: `k / (k − 1) · (1 − Σ var(itemᵢ) / var(total))`, over sittings
/// (rows) of `k` item scores each. `None` with fewer than two sittings or items, or no total variance.
pub fn cronbach_alpha(rows: &[Vec<f64>]) -> Option<f64> {
    let k = rows.first()?.len();
    if rows.len() < 2 || k < 2 || rows.iter().any(|r| r.len() != k) {
        return None;
    }
    let var = |xs: &[f64]| {
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64
    };
    let items: f64 = (0..k)
        .map(|i| var(&rows.iter().map(|r| r[i]).collect::<Vec<_>>()))
        .sum();
    let total = var(&rows.iter().map(|r| r.iter().sum()).collect::<Vec<f64>>());
    if total <= f64::EPSILON {
        return None;
    }
    Some(k as f64 / (k - 1) as f64 * (1.0 - items / total))
}

/// The reliability of each exam form with at least two sittings: (form, sittings, alpha).
pub fn form_reliability(sittings: &[Sitting]) -> Vec<(String, usize, Option<f64>)> {
    let mut by: BTreeMap<&str, Vec<Vec<f64>>> = BTreeMap::new();
    for s in sittings {
        by.entry(&s.form)
            .or_default()
            .push(s.tickets.iter().map(|t| t.1).collect());
    }
    by.into_iter()
        .filter(|(_, rows)| rows.len() >= 2)
        .map(|(form, rows)| (form.to_string(), rows.len(), cronbach_alpha(&rows)))
        .collect()
}

/// The item a decision key belongs to: `reply:opening/2` → `moment:opening`; `theory:dhcp` →
/// `theory`; an action id → `action:ID`; ticket commands (document, escalate, close) are not items.
pub fn item_of(key: &str) -> Option<String> {
    if let Some(r) = key.strip_prefix("reply:") {
        let moment = r.split_once('/')?.0;
        return Some(format!("moment:{moment}"));
    }
    if key.starts_with("theory:") {
        return Some("theory".into());
    }
    if key == "document" || key == "close" || key.starts_with("escalate:") {
        return None;
    }
    Some(format!("action:{key}"))
}

/// An attempt's items from its decisions. With the scenario and the points its world's best path
/// earns on each item (see [`best_path_items`]), a moment's maximum is its best reply and the theory's
/// and each key action's are the best path's (actions off that path are not items here); without
/// them, only reply moments count, each with the points earned as its own maximum.
pub fn scored(
    scenario: &str,
    sc: Option<&Compiled>,
    total: i32,
    decisions: &[Decision],
    best: Option<&BTreeMap<String, f64>>,
) -> Scored {
    let mut earned: BTreeMap<String, f64> = BTreeMap::new();
    for d in decisions {
        if let Some(item) = item_of(&d.key) {
            *earned.entry(item).or_default() += d.points as f64;
        }
    }
    let mut items = BTreeMap::new();
    match (sc, best) {
        (Some(sc), Some(best)) => {
            for (item, score) in &earned {
                if let Some(m) = item.strip_prefix("moment:")
                    && let Some(moment) = sc.src.moments.iter().position(|x| x.id == m)
                {
                    let top = sc.moments[moment]
                        .replies
                        .iter()
                        .map(|r| r.points)
                        .max()
                        .unwrap_or(0);
                    items.insert(item.clone(), (*score, top as f64));
                }
            }
            for (item, top) in best {
                if *top > 0.0 {
                    let score = earned.get(item).copied().unwrap_or(0.0);
                    items.insert(item.clone(), (score, *top));
                }
            }
        }
        _ => {
            for (item, score) in earned {
                if item.starts_with("moment:") {
                    items.insert(item, (score, score.max(0.0)));
                }
            }
        }
    }
    Scored {
        scenario: scenario.to_string(),
        total: total as f64,
        items,
    }
}

/// The points the best path of one world (scenario, variant, seed) earns on each item other than the
/// reply moments.
pub fn best_path_items(sc: &Arc<Compiled>, variant: usize, seed: u64) -> BTreeMap<String, f64> {
    let mut s = Session::with_variant(sc.clone(), seed, Some(variant));
    let (_, path, _) = crate::solver::best_for(&s.world);
    for cmd in path {
        if s.apply(cmd).is_err() {
            break;
        }
    }
    let mut out = BTreeMap::new();
    for d in Decision::from_session(&s) {
        if !d.key.starts_with("reply:")
            && let Some(item) = item_of(&d.key)
        {
            *out.entry(item).or_default() += d.points as f64;
        }
    }
    out
}

/// Where an item is written in its file: (path, line).
pub fn locate(sc: &Compiled, item: &str) -> Option<(String, usize)> {
    let at = if let Some(m) = item.strip_prefix("moment:") {
        format!(
            "moments[{}]",
            sc.src.moments.iter().position(|x| x.id == m)?
        )
    } else if let Some(a) = item.strip_prefix("action:") {
        format!("actions[{}]", sc.action(a)?)
    } else if item == "theory" {
        "theories".to_string()
    } else {
        "id".to_string()
    };
    let text = std::fs::read_to_string(&sc.path).ok()?;
    let (start, _) = crate::scenario::locate::span(&text, &at)?;
    Some((
        sc.path.display().to_string(),
        crate::diag::line_col(&text, start).0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Five trainees, two items, figures worked out by hand.
    ///
    /// | trainee | item a (max 2) | item b (max 1) | total |
    /// | 1 | 2 | 1 | 10 |
    /// | 2 | 2 | 0 | 8 |
    /// | 3 | 1 | 1 | 6 |
    /// | 4 | 0 | 1 | 4 |
    /// | 5 | 0 | 0 | 2 |
    ///
    /// a: p = 5/10 = 0.5; rest = 8, 6, 5, 4, 2 (mean 5); a mean 1;
    ///    Σdxdy = 1·3 + 1·1 + 0·0 + (−1)(−1) + (−1)(−3) = 8; Σdx² = 4; Σdy² = 9+1+0+1+9 = 20;
    ///    r = 8 / √80 = 0.894427…
    /// b: p = 3/5 = 0.6; rest = 9, 8, 5, 3, 2 (mean 5.4); b mean 0.6;
    ///    dx = .4, −.6, .4, .4, −.6; dy = 3.6, 2.6, −.4, −2.4, −3.4;
    ///    Σdxdy = 1.44 − 1.56 − 0.16 − 0.96 + 2.04 = 0.8; Σdx² = 1.2; Σdy² = 12.96+6.76+.16+5.76+11.56 = 37.2;
    ///    r = 0.8 / √44.64 = 0.119737…  (poor)
    #[test]
    fn difficulty_and_discrimination_match_figures_worked_by_hand() {
        let rows = [
            (2., 1., 10.),
            (2., 0., 8.),
            (1., 1., 6.),
            (0., 1., 4.),
            (0., 0., 2.),
        ];
        let attempts: Vec<Scored> = rows
            .iter()
            .map(|(a, b, t)| Scored {
                scenario: "s".into(),
                total: *t,
                items: BTreeMap::from([("a".into(), (*a, 2.0)), ("b".into(), (*b, 1.0))]),
            })
            .collect();
        let st = analyse(&attempts);
        assert_eq!(st.len(), 2);
        assert_eq!((st[0].item.as_str(), st[0].n), ("a", 5));
        assert!(close(st[0].difficulty, 0.5));
        assert!(close(st[0].discrimination.unwrap(), 8.0 / 80f64.sqrt()));
        assert!(st[0].flags.is_empty());
        assert!(close(st[1].difficulty, 0.6));
        assert!(close(st[1].discrimination.unwrap(), 0.8 / 44.64f64.sqrt()));
        assert_eq!(st[1].flags, vec![Flag::Poor]);
    }

    #[test]
    fn flags_follow_the_thresholds() {
        assert_eq!(flags(0.95, Some(0.5)), vec![Flag::TooEasy]);
        assert_eq!(flags(0.5, Some(-0.1)), vec![Flag::KeyProbablyWrong]);
        assert_eq!(flags(0.91, Some(0.1)), vec![Flag::TooEasy, Flag::Poor]);
        assert_eq!(flags(0.9, Some(0.2)), Vec::<Flag>::new());
        assert_eq!(flags(0.5, None), Vec::<Flag>::new());
    }
    /// Three sittings of one form with three tickets, worked by hand:
    /// rows (60, 70, 80), (40, 50, 50), (80, 90, 100); sample item variances 400, 400 and 1900/3, so
    /// 4300/3 in all; totals 210, 140, 270 have variance 12700/3;
    /// alpha = 3/2 · (1 − 4300/12700) = 126/127 = 0.992126…
    #[test]
    fn cronbachs_alpha_matches_a_form_worked_by_hand() {
        let rows = vec![
            vec![60.0, 70.0, 80.0],
            vec![40.0, 50.0, 50.0],
            vec![80.0, 90.0, 100.0],
        ];
        let a = cronbach_alpha(&rows).unwrap();
        assert!(close(a, 126.0 / 127.0), "{a}");
        assert!(cronbach_alpha(&rows[..1]).is_none());
        assert!(cronbach_alpha(&[vec![50.0, 50.0], vec![50.0, 50.0]]).is_none());
        let sittings: Vec<Sitting> = rows
            .iter()
            .map(|r| Sitting {
                form: "1201-3-7".into(),
                tickets: vec![("x".into(), r[0]), ("y".into(), r[1]), ("z".into(), r[2])],
            })
            .collect();
        let rel = form_reliability(&sittings);
        assert_eq!(rel.len(), 1);
        assert_eq!(rel[0].1, 3);
        assert!(close(rel[0].2.unwrap(), a));
        // Scenario x against the mean of the other two: (60, 75), (40, 50), (80, 95).
        let sc = scenarios_in_exams(&sittings);
        let x = sc.iter().find(|s| s.scenario == "x").unwrap();
        assert!(close(x.difficulty, 0.6));
        let r = correlation(&[60.0, 40.0, 80.0], &[75.0, 50.0, 95.0]).unwrap();
        assert!(close(x.discrimination.unwrap(), r));
    }

    #[test]
    fn decision_keys_map_to_items() {
        assert_eq!(
            item_of("reply:opening/2").as_deref(),
            Some("moment:opening")
        );
        assert_eq!(item_of("theory:dhcp").as_deref(), Some("theory"));
        assert_eq!(item_of("ipconfig").as_deref(), Some("action:ipconfig"));
        assert_eq!(item_of("escalate:Network"), None);
        assert_eq!(item_of("document"), None);
        // An old key without the moment names no item.
        assert_eq!(item_of("reply:2"), None);
    }
}
