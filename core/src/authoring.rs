//! What an author sees while editing one scenario file: every error, the solver's report per variant, and
//! an outline of how actions, clues and conversation moments connect.

use crate::diag::Diagnostic;
use crate::objectives::Catalogue;
use crate::scenario::{Cond, Effect, Scenario, Trigger, load_file};
use crate::solver::{self, SolveReport};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One node of the outline: an action, a clue, a fact, a theory, a variant or a moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// `action:ipconfig`, `clue:apipa`, `fact:link_up`, `theory:dhcp`, `variant:no_lease`,
    /// `moment:greeting`.
    pub key: String,
    pub label: String,
    /// The method step, for actions.
    pub step: Option<String>,
}

/// A connection between two nodes, read as "`from` `how` `to`".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
    /// One of the `HOW_*` words below.
    pub how: &'static str,
}

/// An action or reply reveals a clue whatever the state.
pub const HOW_REVEALS: &str = "reveals";
/// An action or reply reveals a clue only in some states (inside `When` or `If`).
pub const HOW_MAY_REVEAL: &str = "may reveal";
/// An action or reply sets a fact.
pub const HOW_SETS: &str = "sets";
/// A clue, fact, action or moment is named in another's `requires`.
pub const HOW_NEEDED_BY: &str = "needed by";
/// A trigger: an action, the start, frustration or silence sets off a moment.
pub const HOW_SETS_OFF: &str = "sets off";
/// A variant's fault is fixed when this fact holds.
pub const HOW_FIXES: &str = "fixes";
/// A clue a variant expects in the notes.
pub const HOW_KEY_CLUE: &str = "is a key clue of";
/// The right theory of a variant.
pub const HOW_CAUSE: &str = "is the cause in";

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outline {
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
}

impl Outline {
    /// Links into `key`.
    pub fn into_node<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Link> + 'a {
        self.links.iter().filter(move |l| l.to == key)
    }
    /// Links out of `key`.
    pub fn out_of<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Link> + 'a {
        self.links.iter().filter(move |l| l.from == key)
    }

    fn link(&mut self, from: impl Into<String>, how: &'static str, to: impl Into<String>) {
        let link = Link {
            from: from.into(),
            to: to.into(),
            how,
        };
        if !self.links.contains(&link) {
            self.links.push(link);
        }
    }

    fn node(&mut self, key: String, label: &str, step: Option<String>) {
        self.nodes.push(Node {
            key,
            label: label.to_string(),
            step,
        });
    }

    /// The nodes a condition names, each linked as needed by `to`.
    fn requires(&mut self, c: &Cond, to: &str) {
        match c {
            Cond::Not(x) => self.requires(x, to),
            Cond::All(v) | Cond::Any(v) => v.iter().for_each(|x| self.requires(x, to)),
            Cond::Known(k) => self.link(format!("clue:{k}"), HOW_NEEDED_BY, to),
            Cond::Done(a) => self.link(format!("action:{a}"), HOW_NEEDED_BY, to),
            Cond::Happened(m) => self.link(format!("moment:{m}"), HOW_NEEDED_BY, to),
            Cond::Theory(t) => self.link(format!("theory:{t}"), HOW_NEEDED_BY, to),
            Cond::Fact(f, _) | Cond::Above(f, _) | Cond::Below(f, _) => {
                self.link(format!("fact:{f}"), HOW_NEEDED_BY, to)
            }
            Cond::Fixed | Cond::MoodAtLeast(_) | Cond::Variant(_) => {}
        }
    }

    /// What `effects` reveal and set, linked from `from`; under a condition a reveal is only possible.
    fn effects(&mut self, effects: &[Effect], from: &str, sure: bool) {
        for e in effects {
            match e {
                Effect::Reveal(c) => {
                    let how = if sure { HOW_REVEALS } else { HOW_MAY_REVEAL };
                    self.link(from, how, format!("clue:{c}"));
                }
                Effect::Set(f, _) => self.link(from, HOW_SETS, format!("fact:{f}")),
                Effect::When(_, then) => self.effects(then, from, false),
                Effect::If(_, then, otherwise) => {
                    self.effects(then, from, false);
                    self.effects(otherwise, from, false);
                }
                Effect::Mood(_) | Effect::Score(..) | Effect::ScoreIn(..) | Effect::Harm(..) => {}
            }
        }
    }
}

/// The scenario as nodes and links: which actions and replies reveal which clues and set which facts,
/// what each action and moment needs, what sets moments off, and what fixes each variant.
pub fn outline(s: &Scenario) -> Outline {
    let mut o = Outline::default();
    for (id, text) in &s.clues {
        o.node(format!("clue:{id}"), text, None);
    }
    for (id, value) in &s.facts {
        o.node(format!("fact:{id}"), &format!("starts as {value}"), None);
    }
    for t in &s.theories {
        o.node(format!("theory:{}", t.id), &t.text, None);
    }
    for v in &s.variants {
        let key = format!("variant:{}", v.id);
        o.node(key.clone(), &v.description, None);
        o.link(format!("theory:{}", v.cause), HOW_CAUSE, key.clone());
        for c in &v.key_clues {
            o.link(format!("clue:{c}"), HOW_KEY_CLUE, key.clone());
        }
        let mut fixes = Outline::default();
        v.fixed_when.iter().for_each(|c| fixes.requires(c, &key));
        for l in fixes.links {
            o.link(l.from, HOW_FIXES, l.to);
        }
    }
    for a in &s.actions {
        let key = format!("action:{}", a.id);
        o.node(key.clone(), &a.label, Some(format!("{:?}", a.step)));
        a.requires.iter().for_each(|c| o.requires(c, &key));
        o.effects(&a.effects, &key, true);
    }
    for m in &s.moments {
        let key = format!("moment:{}", m.id);
        o.node(key.clone(), &m.line, None);
        m.requires.iter().for_each(|c| o.requires(c, &key));
        for r in &m.replies {
            o.effects(&r.effects, &key, true);
        }
        let from = match &m.trigger {
            Trigger::After(a) => format!("action:{a}"),
            Trigger::Start => "the start".into(),
            Trigger::Escalated => "an escalation".into(),
            Trigger::Closing => "closing".into(),
            Trigger::MoodAtLeast(n) => format!("frustration ≥ {n}"),
            Trigger::Silence(n) => format!("{n} min of silence"),
        };
        o.link(from, HOW_SETS_OFF, key);
    }
    o
}

/// An author's view of one file.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub path: PathBuf,
    pub errors: Vec<Diagnostic>,
    /// Present when the file compiles.
    pub solve: Option<SolveReport>,
    pub outline: Option<Outline>,
}

impl Check {
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.solve.as_ref().is_some_and(|s| s.all_winnable())
    }
}

/// Loads, validates and solves `path` with `seed`.
pub fn check(path: &Path, seed: u64, cat: &Catalogue) -> Check {
    match load_file(path, cat) {
        Ok(sc) => {
            let outline = outline(&sc.src);
            let sc = Arc::new(sc);
            Check {
                path: path.to_path_buf(),
                errors: Vec::new(),
                solve: Some(solver::solve(&sc, seed)),
                outline: Some(outline),
            }
        }
        Err(errors) => Check {
            path: path.to_path_buf(),
            errors,
            solve: None,
            outline: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_bytes;

    fn starter_outline() -> Outline {
        let text = crate::cli::template("starter");
        let sc = load_bytes(
            Path::new("starter.ron"),
            text.as_bytes(),
            &Catalogue::bundled(),
        )
        .unwrap();
        outline(&sc.src)
    }

    fn has(o: &Outline, from: &str, how: &str, to: &str) -> bool {
        o.links
            .iter()
            .any(|l| l.from == from && l.how == how && l.to == to)
    }

    #[test]
    fn the_outline_follows_conditional_reveals_facts_fixes_and_causes() {
        let o = starter_outline();
        assert!(has(
            &o,
            "action:net_use",
            HOW_MAY_REVEAL,
            "clue:map_missing"
        ));
        assert!(has(&o, "action:net_use", HOW_MAY_REVEAL, "clue:no_network"));
        assert!(has(
            &o,
            "action:ask_symptom",
            HOW_REVEALS,
            "clue:drive_gone"
        ));
        assert!(has(
            &o,
            "clue:no_network",
            HOW_NEEDED_BY,
            "action:reseat_cable"
        ));
        assert!(has(&o, "action:reseat_cable", HOW_SETS, "fact:on_network"));
        assert!(has(&o, "fact:on_network", HOW_NEEDED_BY, "action:remap"));
        assert!(has(&o, "fact:on_network", HOW_FIXES, "variant:offline"));
        assert!(has(&o, "theory:network", HOW_CAUSE, "variant:offline"));
        assert!(has(
            &o,
            "clue:map_missing",
            HOW_KEY_CLUE,
            "variant:lost_mapping"
        ));
        assert!(has(&o, "the start", HOW_SETS_OFF, "moment:opening"));
    }

    #[test]
    fn every_link_joins_nodes_that_exist_except_triggers() {
        let o = starter_outline();
        let known: std::collections::HashSet<&str> =
            o.nodes.iter().map(|n| n.key.as_str()).collect();
        for l in &o.links {
            assert!(known.contains(l.to.as_str()), "{l:?}");
            assert!(
                known.contains(l.from.as_str()) || l.how == HOW_SETS_OFF,
                "{l:?}"
            );
        }
        let unique: std::collections::HashSet<_> =
            o.links.iter().map(|l| (&l.from, l.how, &l.to)).collect();
        assert_eq!(unique.len(), o.links.len(), "no link is listed twice");
    }
}
