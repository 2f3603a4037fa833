//! Warnings for cues an author leaves in a ticket that loads fine: ways a trainee who knows nothing of
//! IT support could find the scored answer by reading the screen. `lint` prints them with file,
//! line:column and a hint; they do not stop the file from loading.
//!
//! - **Length.** A moment's best reply is the longest by far (half as long again as the others'
//!   mean): picking the longest reply then pays.
//! - **One right answer.** Only one reply of a moment earns points: there is no partial credit, so
//!   the one good reply stands out against plainly bad ones.
//! - **One tone.** Every reply that earns points carries the same tone tag: scoring then rewards one
//!   register, not judgement.
//! - **Railroad.** A fix is offered only once a key finding of the variant it fixes is known: the menu
//!   then hands the trainee the next right step.

use super::model::{Cond, Effect, Step, Tone};
use super::{Compiled, locate};
use crate::diag::{Diagnostic, line_col};
use std::collections::BTreeSet;

/// How much longer than the others' mean the best reply may be before it is a cue.
pub const LENGTH_RATIO: f64 = 1.5;

/// The cue warnings of a compiled scenario; `text` is its file's text, for positions.
pub fn warnings(sc: &Compiled, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |path: &str, anchor: Option<&str>| {
        let (start, end) = locate::span(text, path).unwrap_or((0, 0));
        let inside = &text[start..end.max(start)];
        let off = anchor.and_then(|a| inside.find(a)).unwrap_or(0);
        line_col(text, start + off)
    };
    let warn = |path: String, msg: String, hint: &str, anchor: Option<&str>| {
        let (l, c) = at(&path, anchor);
        Diagnostic::new(&sc.path, msg)
            .warning()
            .at(l, c)
            .path(path)
            .hint(hint)
    };
    let mut good_tones: Option<BTreeSet<Tone>> = None;
    for (mi, m) in sc.src.moments.iter().enumerate() {
        let replies = &m.replies;
        if replies.len() < 2 {
            continue;
        }
        let best = (0..replies.len())
            .max_by_key(|&r| (replies[r].points, std::cmp::Reverse(r)))
            .unwrap_or(0);
        let len = |r: usize| replies[r].text.chars().count() as f64;
        let others: Vec<f64> = (0..replies.len()).filter(|&r| r != best).map(len).collect();
        let mean = others.iter().sum::<f64>() / others.len().max(1) as f64;
        if others.iter().all(|o| len(best) > *o) && len(best) > LENGTH_RATIO * mean {
            out.push(warn(
                format!("moments[{mi}].replies[{best}]"),
                format!(
                    "moment `{}`: the best reply is the longest ({:.0} characters against a mean of {:.0}): picking the longest reply pays",
                    m.id,
                    len(best),
                    mean
                ),
                "make the replies about equal in length: shorten this one, or give the others the same detail with a flaw a technician would notice",
                Some("text"),
            ));
        }
        let positive: Vec<usize> = (0..replies.len())
            .filter(|&r| replies[r].points > 0)
            .collect();
        if positive.len() == 1 {
            out.push(warn(
                format!("moments[{mi}].replies"),
                format!(
                    "moment `{}`: only one reply earns points, so the one right answer stands out",
                    m.id
                ),
                "add a second defensible reply with partial credit (brief but reassuring, say), and make the wrong ones sound professional but break a rule",
                None,
            ));
        }
        for r in positive {
            let tones: BTreeSet<Tone> = replies[r].tones.iter().copied().collect();
            good_tones = Some(match good_tones {
                None => tones,
                Some(g) => g.intersection(&tones).copied().collect(),
            });
        }
    }
    if sc.src.moments.len() >= 2
        && let Some(tone) = good_tones.and_then(|g| g.into_iter().next())
    {
        out.push(warn(
            "moments".to_string(),
            format!(
                "every reply that earns points is tagged {tone:?}: scoring rewards one register, not judgement"
            ),
            "let a good reply be good for another reason (plain words, setting expectations, ownership), and tag a poor one with that tone too where it fits",
            None,
        ));
    }
    // Railroads: a fix gated on a key finding of a variant it fixes.
    for (ai, a) in sc.src.actions.iter().enumerate() {
        if a.step != Step::Fix {
            continue;
        }
        let sets: BTreeSet<&str> = sets_of(&a.effects);
        for r in &a.requires {
            let Cond::Known(clue) = r else { continue };
            for (vi, v) in sc.src.variants.iter().enumerate() {
                let fixes = sc.variants[vi].fixed_when.iter().any(|c| match c {
                    super::CCond::Fact(f, _) => sets.contains(sc.fact_names[*f as usize].as_str()),
                    _ => false,
                });
                if fixes && v.key_clues.contains(clue) {
                    out.push(warn(
                        format!("actions[{ai}].requires"),
                        format!(
                            "the fix `{}` is offered only once `{clue}` is known, a key finding of variant `{}`: the menu hands the trainee the next step",
                            a.id, v.id
                        ),
                        "gate it on what the world needs (admin rights, a remote session, the user at the desk), and let a wrong fix cost time or do harm instead",
                        Some("Known"),
                    ));
                    break;
                }
            }
        }
    }
    out
}

/// The facts an effect list can set, through every branch.
fn sets_of(es: &[Effect]) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    for e in es {
        match e {
            Effect::Set(f, _) => {
                out.insert(f.as_str());
            }
            Effect::When(_, then) => out.extend(sets_of(then)),
            Effect::If(_, then, other) => {
                out.extend(sets_of(then));
                out.extend(sets_of(other));
            }
            _ => {}
        }
    }
    out
}
