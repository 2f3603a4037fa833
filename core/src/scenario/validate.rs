//! Semantic checks: every reference, range and text placeholder, reported all at once.
//!
//! Validation and compilation are one pass: a reference that resolves becomes an index, one that does not
//! becomes a diagnostic with the path inside the file, the line where the name appears, and a suggestion.

use super::model::*;
use super::*;
use crate::diag::{Diagnostic, did_you_mean, line_col};
use crate::objectives::Catalogue;
use crate::text;
use std::collections::HashSet;
use std::path::Path;

/// Names every text may use besides variables and facts.
pub const BUILTIN_NAMES: [&str; 4] = ["caller", "first_name", "role", "ticket"];

/// The objective every reply counts towards unless it names others.
pub const COMMUNICATION_OBJECTIVE: &str = "1202-4.7";

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
    errors: Vec<Diagnostic>,
    cat: &'a Catalogue,
    facts: Vec<String>,
    fact_defaults: Vec<Value>,
    clues: Vec<String>,
    actions: Vec<String>,
    moments: Vec<String>,
    theories: Vec<String>,
    variant_ids: Vec<String>,
    text_names: Vec<String>,
}

impl Ctx<'_> {
    /// Records an error at `path`. The position is that of `anchor` (a name or value) inside the value
    /// the path leads to, so two uses of one name get two positions; without an anchor there, the
    /// value's own start.
    fn err(&mut self, path: &str, anchor: &str, msg: String, hint: Option<String>) {
        let mut d = Diagnostic::new(self.file, msg).path(path.to_string());
        if let Some((l, c)) = self.find(path, anchor) {
            d = d.at(l, c);
        }
        if let Some(h) = hint {
            d = d.hint(h);
        }
        self.errors.push(d);
    }

    fn find(&self, path: &str, anchor: &str) -> Option<(usize, usize)> {
        let (start, end) = super::locate::span(self.text, path).unwrap_or((0, self.text.len()));
        let inside = &self.text[start..end];
        let found = if anchor.is_empty() {
            None
        } else {
            inside
                .find(&format!("\"{anchor}\""))
                .or_else(|| inside.find(&format!("{anchor}:")))
                .or_else(|| inside.find(anchor))
        };
        Some(line_col(self.text, start + found.unwrap_or(0)))
    }

    fn lookup(
        &mut self,
        kind: &str,
        list_of: fn(&Self) -> &Vec<String>,
        name: &str,
        path: &str,
    ) -> Option<Idx> {
        let list = list_of(self);
        if let Some(i) = list.iter().position(|n| n == name) {
            return Some(i as Idx);
        }
        let hint = match did_you_mean(name, list.iter().map(String::as_str)) {
            Some(m) => Some(format!("did you mean `{m}`?")),
            None if list.is_empty() => Some(format!("this scenario declares no {kind}s")),
            None => {
                let mut known: Vec<&str> = Vec::new();
                for n in list {
                    if !known.contains(&n.as_str()) {
                        known.push(n);
                    }
                }
                Some(format!("known {kind}s: {}", known.join(", ")))
            }
        };
        self.err(path, name, format!("unknown {kind} `{name}`"), hint);
        None
    }

    fn objectives(&mut self, ids: &[String], path: &str) -> Arc<[Arc<str>]> {
        let mut out = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            if self.cat.objective(id).is_some() {
                out.push(Arc::from(id.as_str()));
            } else {
                let hint = match did_you_mean(id, self.cat.ids()) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => "objective ids look like `1201-5.5` or `1202-4.7`".to_string(),
                };
                self.err(
                    &format!("{path}[{i}]"),
                    id,
                    format!("unknown A+ objective `{id}`"),
                    Some(hint),
                );
            }
        }
        out.into()
    }

    fn text(&mut self, s: &str, path: &str) {
        for name in text::placeholders(s) {
            if !self.text_names.iter().any(|n| n == name) {
                let hint = match did_you_mean(name, self.text_names.iter().map(String::as_str)) {
                    Some(m) => format!("did you mean `{{{m}}}`?"),
                    None => "placeholders name a variable, a fact, or one of caller, first_name, role, ticket; write {{ for a brace".into(),
                };
                self.err(
                    path,
                    &format!("{{{name}}}"),
                    format!("unknown placeholder `{{{name}}}`"),
                    Some(hint),
                );
            }
        }
    }

    fn cond(&mut self, c: &Cond, path: &str) -> Option<CCond> {
        Some(match c {
            Cond::Fact(f, v) => {
                let i = self.lookup("fact", |c| &c.facts, f, path)?;
                self.same_kind(i, v, path)?;
                CCond::Fact(i, v.clone())
            }
            Cond::Above(f, n) | Cond::Below(f, n) => {
                let i = self.lookup("fact", |c| &c.facts, f, path)?;
                self.same_kind(i, &Value::Int(0), path)?;
                if matches!(c, Cond::Above(..)) {
                    CCond::Above(i, *n)
                } else {
                    CCond::Below(i, *n)
                }
            }
            Cond::Known(k) => CCond::Known(self.lookup("clue", |c| &c.clues, k, path)?),
            Cond::Done(a) => CCond::Done(self.lookup("action", |c| &c.actions, a, path)?),
            Cond::Theory(t) => CCond::Theory(self.lookup("theory", |c| &c.theories, t, path)?),
            Cond::Happened(m) => CCond::Happened(self.lookup("moment", |c| &c.moments, m, path)?),
            Cond::Fixed => CCond::Fixed,
            Cond::MoodAtLeast(n) => {
                if !(0..=100).contains(n) {
                    self.err(
                        path,
                        "MoodAtLeast",
                        format!("frustration {n} is outside 0–100"),
                        None,
                    );
                }
                CCond::MoodAtLeast(*n)
            }
            Cond::Variant(v) => {
                CCond::Variant(self.lookup("variant", |c| &c.variant_ids, v, path)?)
            }
            Cond::Not(inner) => CCond::Not(Box::new(self.cond(inner, &format!("{path}.Not"))?)),
            Cond::All(cs) | Cond::Any(cs) => {
                let inner = self.conds(cs, path);
                if matches!(c, Cond::All(_)) {
                    CCond::All(inner)
                } else {
                    CCond::Any(inner)
                }
            }
        })
    }

    fn conds(&mut self, cs: &[Cond], path: &str) -> Vec<CCond> {
        cs.iter()
            .enumerate()
            .filter_map(|(i, c)| self.cond(c, &format!("{path}[{i}]")))
            .collect()
    }

    fn same_kind(&mut self, fact: Idx, v: &Value, path: &str) -> Option<()> {
        let d = &self.fact_defaults[fact as usize];
        if d.same_kind(v) {
            Some(())
        } else {
            let name = self.facts[fact as usize].clone();
            let msg = format!(
                "fact `{name}` holds {} but is compared with {}",
                d.kind(),
                v.kind()
            );
            self.err(
                path,
                &name,
                msg,
                Some(format!("use {} like the fact's default", d.kind())),
            );
            None
        }
    }

    fn effects(&mut self, es: &[Effect], path: &str) -> Vec<CEffect> {
        es.iter()
            .enumerate()
            .filter_map(|(i, e)| self.effect(e, &format!("{path}[{i}]")))
            .collect()
    }

    fn effect(&mut self, e: &Effect, path: &str) -> Option<CEffect> {
        Some(match e {
            Effect::Set(f, v) => {
                let i = self.lookup("fact", |c| &c.facts, f, path)?;
                self.same_kind(i, v, path)?;
                if let Value::Text(t) = v {
                    self.text(t, path);
                }
                CEffect::Set(i, v.clone())
            }
            Effect::Reveal(k) => CEffect::Reveal(self.lookup("clue", |c| &c.clues, k, path)?),
            Effect::Mood(n) => {
                if !(-100..=100).contains(n) {
                    self.err(
                        path,
                        "Mood",
                        format!("mood change {n} is outside -100–100"),
                        None,
                    );
                }
                CEffect::Mood(*n)
            }
            Effect::Score(p, r) | Effect::ScoreIn(_, p, r) => {
                self.reason(r, path);
                if p.abs() > 100 {
                    self.err(path, r, format!("{p} points is outside -100–100"), None);
                }
                let cat = if let Effect::ScoreIn(c, ..) = e {
                    Some(*c)
                } else {
                    None
                };
                CEffect::Score(cat, *p, r.as_str().into())
            }
            Effect::Harm(p, r) => {
                self.reason(r, path);
                if *p >= 0 {
                    self.err(
                        path,
                        r,
                        "a harmful act must cost points".into(),
                        Some(format!("write Harm(-{}, …)", p.abs().max(1))),
                    );
                }
                CEffect::Harm(*p, r.as_str().into())
            }
            Effect::When(c, then) => {
                let c = self.cond(c, &format!("{path}.When"))?;
                CEffect::If(c, self.effects(then, &format!("{path}.When")), Vec::new())
            }
            Effect::If(c, then, other) => {
                let c = self.cond(c, &format!("{path}.If"))?;
                CEffect::If(
                    c,
                    self.effects(then, &format!("{path}.then")),
                    self.effects(other, &format!("{path}.else")),
                )
            }
        })
    }

    fn reason(&mut self, r: &str, path: &str) {
        if r.trim().is_empty() {
            self.err(
                path,
                "",
                "points need a reason the trainee can read".into(),
                None,
            );
        }
        self.text(r, path);
    }

    fn lines(&mut self, ls: &[Line], path: &str) -> Vec<CLine> {
        ls.iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let p = format!("{path}[{i}]");
                Some(match l {
                    Line::Line(t) => {
                        self.text(t, &p);
                        CLine::Text(t.as_str().into())
                    }
                    Line::When(c, ls) => {
                        CLine::If(self.cond(c, &p)?, self.lines(ls, &p), Vec::new())
                    }
                    Line::Unless(c, ls) => {
                        CLine::If(self.cond(c, &p)?, Vec::new(), self.lines(ls, &p))
                    }
                    Line::If(c, a, b) => {
                        CLine::If(self.cond(c, &p)?, self.lines(a, &p), self.lines(b, &p))
                    }
                })
            })
            .collect()
    }

    fn unique(&mut self, what: &str, ids: &[&str], path: &str) {
        let mut seen = HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !is_ident(id, true) {
                self.err(
                    &format!("{path}[{i}].id"),
                    id,
                    format!("{what} id `{id}` is not a plain name"),
                    Some("use lowercase letters, digits, `_` and `-`".into()),
                );
            }
            if !seen.insert(*id) {
                self.err(
                    &format!("{path}[{i}].id"),
                    id,
                    format!("{what} id `{id}` is used twice"),
                    Some("every id must be unique within the scenario".into()),
                );
            }
        }
    }

    fn range(&mut self, path: &str, anchor: &str, v: i64, lo: i64, hi: i64) {
        if !(lo..=hi).contains(&v) {
            self.err(path, anchor, format!("{v} is outside {lo}–{hi}"), None);
        }
    }
}

/// Whether a condition looks at the variant: allowed in what is said and shown, not in what may be
/// done.
fn mentions_variant(c: &Cond) -> bool {
    match c {
        Cond::Variant(_) => true,
        Cond::Not(inner) => mentions_variant(inner),
        Cond::All(cs) | Cond::Any(cs) => cs.iter().any(mentions_variant),
        _ => false,
    }
}

impl Ctx<'_> {
    /// `requires` may not depend on the variant: the menu would then show which fault it is.
    fn requires(&mut self, cs: &[Cond], path: &str) -> Vec<CCond> {
        for (i, c) in cs.iter().enumerate() {
            if mentions_variant(c) {
                self.err(
                    &format!("{path}[{i}]"),
                    "Variant",
                    "`requires` cannot depend on the variant: what is on offer would give the fault away".into(),
                    Some("gate on what the world needs (a fact such as an open remote session); use Variant(…) only in lines and effects".into()),
                );
            }
        }
        self.conds(cs, path)
    }
}

/// Whether `s` is a plain identifier (lowercase, digits, `_`, and `-` when allowed).
pub fn is_ident(s: &str, dash: bool) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (dash && c == '-'))
}

/// Checks a parsed scenario and compiles it. All problems are returned together.
pub fn compile(
    s: Scenario,
    file: &Path,
    text: &str,
    cat: &Catalogue,
) -> Result<Compiled, Vec<Diagnostic>> {
    let mut c = Ctx {
        file,
        text,
        errors: Vec::new(),
        cat,
        facts: s.facts.keys().cloned().collect(),
        fact_defaults: s.facts.values().cloned().collect(),
        clues: s.clues.keys().cloned().collect(),
        actions: s.actions.iter().map(|a| a.id.clone()).collect(),
        moments: s.moments.iter().map(|m| m.id.clone()).collect(),
        theories: s.theories.iter().map(|t| t.id.clone()).collect(),
        variant_ids: s.variants.iter().map(|v| v.id.clone()).collect(),
        text_names: Vec::new(),
    };
    c.text_names = s
        .variables
        .keys()
        .chain(s.facts.keys())
        .cloned()
        .chain(BUILTIN_NAMES.iter().map(|s| s.to_string()))
        .collect();

    // Metadata.
    if !is_ident(&s.id, true) {
        c.err(
            "id",
            &s.id,
            format!("scenario id `{}` is not a plain name", s.id),
            Some("use lowercase words joined by `-`, e.g. `net-dhcp-lease`".into()),
        );
    }
    for (field, v) in [("title", &s.title), ("summary", &s.summary)] {
        if v.trim().is_empty() {
            c.err(field, field, format!("`{field}` is empty"), None);
        }
    }
    c.text(&s.title, "title");
    c.text(&s.summary, "summary");
    c.range("tier", "tier", s.tier.into(), 1, 3);
    c.range("difficulty", "difficulty", s.difficulty.into(), 1, 5);
    c.range("priority", "priority", s.priority.into(), 1, 5);
    c.range("minutes", "minutes", s.minutes.into(), 1, 240);
    c.range(
        "sla_minutes",
        "sla_minutes",
        s.sla_minutes.into(),
        1,
        24 * 60,
    );
    if s.objectives.is_empty() {
        c.err(
            "objectives",
            "objectives",
            "a scenario must name at least one A+ objective".into(),
            None,
        );
    }
    c.objectives(&s.objectives, "objectives");

    // Caller.
    let cl = &s.caller;
    if cl.names.is_empty() || cl.roles.is_empty() {
        c.err(
            "caller",
            "names",
            "the caller needs at least one name and one role".into(),
            None,
        );
    }
    let (lo, hi) = cl.frustration;
    if !(0..=100).contains(&lo) || !(0..=100).contains(&hi) || lo > hi {
        c.err(
            "caller.frustration",
            "frustration",
            format!("frustration range ({lo}, {hi}) must be two numbers from 0 to 100, low first"),
            None,
        );
    }
    if cl.patience <= hi || cl.patience > 100 {
        c.err(
            "caller.patience",
            "patience",
            format!(
                "patience {} must be above the starting frustration ({hi}) and at most 100",
                cl.patience
            ),
            Some("patience is the frustration at which the caller gives up".into()),
        );
    }
    if !(0.0..=10.0).contains(&cl.drift) {
        c.err(
            "caller.drift",
            "drift",
            format!("drift {} per minute is outside 0–10", cl.drift),
            None,
        );
    }

    // Variables and facts.
    for (name, v) in &s.variables {
        let p = format!("variables[\"{name}\"]");
        if !is_ident(name, false) {
            c.err(
                &p,
                name,
                format!("variable name `{name}` is not a plain name"),
                Some("use lowercase letters, digits and `_`".into()),
            );
        }
        if s.facts.contains_key(name) || BUILTIN_NAMES.contains(&name.as_str()) {
            c.err(
                &p,
                name,
                format!("`{name}` is both a variable and a fact or built-in name"),
                Some("rename one of them".into()),
            );
        }
        match v {
            Variable::Number(a, b) if a > b => c.err(
                &p,
                name,
                format!("Number({a}, {b}): the low bound comes first"),
                None,
            ),
            Variable::Pick(items) if items.is_empty() => {
                c.err(&p, name, "Pick([]) has nothing to pick".into(), None)
            }
            Variable::Ip(cidr) if text::parse_cidr(cidr).is_none() => c.err(
                &p,
                cidr,
                format!("`{cidr}` is not a network like `10.20.0.0/16` (prefix 8–30)"),
                None,
            ),
            _ => {}
        }
    }
    for (name, v) in &s.facts {
        if !is_ident(name, false) {
            c.err(
                &format!("facts[\"{name}\"]"),
                name,
                format!("fact name `{name}` is not a plain name"),
                Some("use lowercase letters, digits and `_`".into()),
            );
        }
        if let Value::Text(t) = v {
            c.text(t, &format!("facts[\"{name}\"]"));
        }
    }
    for (id, t) in &s.clues {
        let p = format!("clues[\"{id}\"]");
        if !is_ident(id, false) {
            c.err(
                &p,
                id,
                format!("clue id `{id}` is not a plain name"),
                Some("use lowercase letters, digits and `_`".into()),
            );
        }
        c.text(t, &p);
    }
    for (what, n) in [
        ("actions", s.actions.len()),
        ("clues", s.clues.len()),
        ("moments", s.moments.len()),
        ("theories", s.theories.len()),
    ] {
        if n > MAX_ITEMS {
            c.err(
                what,
                what,
                format!("{n} {what}; a scenario may have at most {MAX_ITEMS}"),
                Some("split the ticket into two scenarios".into()),
            );
        }
    }
    if s.facts.len() > u16::MAX as usize {
        c.err("facts", "facts", "too many facts".into(), None);
    }
    if s.actions.is_empty() {
        c.err(
            "actions",
            "actions",
            "a scenario needs at least one action".into(),
            None,
        );
    }
    let ids: Vec<&str> = s.actions.iter().map(|a| a.id.as_str()).collect();
    c.unique("action", &ids, "actions");
    let ids: Vec<&str> = s.moments.iter().map(|m| m.id.as_str()).collect();
    c.unique("moment", &ids, "moments");
    let ids: Vec<&str> = s.theories.iter().map(|t| t.id.as_str()).collect();
    c.unique("theory", &ids, "theories");
    let ids: Vec<&str> = s.variants.iter().map(|v| v.id.as_str()).collect();
    c.unique("variant", &ids, "variants");
    if s.theories.len() < 2 {
        c.err(
            "theories",
            "theories",
            "give at least two theories, so stating the right one is a choice".into(),
            None,
        );
    }
    for (i, t) in s.theories.iter().enumerate() {
        c.text(&t.text, &format!("theories[{i}].text"));
    }

    // Variants.
    if s.variants.is_empty() {
        c.err(
            "variants",
            "variants",
            "a scenario needs at least one variant".into(),
            None,
        );
    }
    let mut variants = Vec::new();
    for (vi, v) in s.variants.iter().enumerate() {
        let p = format!("variants[{vi}]");
        c.text(&v.description, &format!("{p}.description"));
        if v.weight == 0 {
            c.err(
                &format!("{p}.weight"),
                &v.id,
                "weight 0 means the variant is never drawn".into(),
                None,
            );
        }
        let cause = c
            .lookup("theory", |c| &c.theories, &v.cause, &format!("{p}.cause"))
            .unwrap_or(0);
        let mut facts = c.fact_defaults.clone();
        for (name, val) in &v.facts {
            let fp = format!("{p}.facts[\"{name}\"]");
            if let Some(i) = c.lookup("fact", |c| &c.facts, name, &fp)
                && c.same_kind(i, val, &fp).is_some()
            {
                if let Value::Text(t) = val {
                    c.text(t, &fp);
                }
                facts[i as usize] = val.clone();
            }
        }
        let fixed_when = c.conds(&v.fixed_when, &format!("{p}.fixed_when"));
        if v.fixed_when.is_empty() && v.escalate.is_none() {
            c.err(
                &format!("{p}.fixed_when"),
                &v.id,
                format!("variant `{}` can neither be fixed nor escalated", v.id),
                Some("list the facts that mean fixed, or add `escalate: (team: …)`".into()),
            );
        }
        let escalate = v.escalate.as_ref().map(|e| {
            let clues = e
                .handoff
                .iter()
                .enumerate()
                .filter_map(|(i, k)| {
                    c.lookup(
                        "clue",
                        |c| &c.clues,
                        k,
                        &format!("{p}.escalate.handoff[{i}]"),
                    )
                })
                .collect();
            (e.team, clues)
        });
        let key_clues = v
            .key_clues
            .iter()
            .enumerate()
            .filter_map(|(i, k)| c.lookup("clue", |c| &c.clues, k, &format!("{p}.key_clues[{i}]")))
            .collect();
        if let Some(pr) = v.priority {
            c.range(&format!("{p}.priority"), &v.id, pr.into(), 1, 5);
        }
        let mut also = Vec::new();
        if let Some(e) = &v.escalate {
            for (i, a) in e.also.iter().enumerate() {
                let ap = format!("{p}.escalate.also[{i}]");
                c.range(&ap, "credit", a.credit.into(), 1, 99);
                if a.team == e.team || also.iter().any(|(t, _)| *t == a.team) {
                    c.err(
                        &ap,
                        "team",
                        format!("team {:?} is listed twice for this escalation", a.team),
                        Some("name each acceptable team once; the right one goes in `team`".into()),
                    );
                }
                also.push((a.team, a.credit));
            }
        }
        variants.push(CVariant {
            facts,
            cause,
            fixed_when,
            escalate,
            also,
            key_clues,
            priority: v.priority.unwrap_or(s.priority),
            weight: v.weight,
        });
    }

    // Actions.
    let mut actions = Vec::new();
    for (ai, a) in s.actions.iter().enumerate() {
        let p = format!("actions[{ai}]");
        if a.label.trim().is_empty() {
            c.err(
                &format!("{p}.label"),
                &a.id,
                format!("action `{}` has no label", a.id),
                None,
            );
        }
        c.text(&a.label, &format!("{p}.label"));
        c.range(&format!("{p}.minutes"), &a.id, a.minutes.into(), 0, 240);
        let objectives = c.objectives(&a.objectives, &format!("{p}.objectives"));
        actions.push(CAction {
            kind: a.kind,
            step: a.step,
            minutes: a.minutes,
            requires: c.requires(&a.requires, &format!("{p}.requires")),
            effects: c.effects(&a.effects, &format!("{p}.effects")),
            caller: c.lines(&a.caller, &format!("{p}.caller")),
            console: c.lines(&a.console, &format!("{p}.console")),
            objectives,
        });
    }

    // Moments.
    let mut moments = Vec::new();
    for (mi, m) in s.moments.iter().enumerate() {
        let p = format!("moments[{mi}]");
        let trigger = match &m.trigger {
            Trigger::Start => Some(CTrigger::Start),
            Trigger::After(a) => c
                .lookup("action", |c| &c.actions, a, &format!("{p}.trigger"))
                .map(CTrigger::After),
            Trigger::MoodAtLeast(n) => {
                c.range(&format!("{p}.trigger"), &m.id, (*n).into(), 1, 100);
                Some(CTrigger::MoodAtLeast(*n))
            }
            Trigger::Silence(n) => {
                c.range(&format!("{p}.trigger"), &m.id, (*n).into(), 1, 240);
                Some(CTrigger::Silence(*n))
            }
            Trigger::Escalated => Some(CTrigger::Escalated),
            Trigger::Closing => Some(CTrigger::Closing),
        };
        c.text(&m.line, &format!("{p}.line"));
        if m.replies.len() < 2 {
            c.err(
                &format!("{p}.replies"),
                &m.id,
                format!(
                    "moment `{}` needs at least two replies to choose from",
                    m.id
                ),
                None,
            );
        }
        let mut replies = Vec::new();
        for (ri, r) in m.replies.iter().enumerate() {
            let rp = format!("{p}.replies[{ri}]");
            c.text(&r.text, &format!("{rp}.text"));
            c.reason(&r.reason, &format!("{rp}.reason"));
            if let Some(a) = &r.answer {
                c.text(a, &format!("{rp}.answer"));
            }
            if r.tones.is_empty() {
                c.err(
                    &format!("{rp}.tones"),
                    &r.text,
                    "a reply needs at least one tone tag".into(),
                    Some("e.g. tones: [Empathetic, Plain]".into()),
                );
            }
            c.range(&format!("{rp}.mood"), &r.text, r.mood.into(), -100, 100);
            c.range(&format!("{rp}.points"), &r.text, r.points.into(), -100, 100);
            let objectives = if r.objectives.is_empty() {
                Arc::from(vec![Arc::<str>::from(COMMUNICATION_OBJECTIVE)])
            } else {
                c.objectives(&r.objectives, &format!("{rp}.objectives"))
            };
            replies.push(CReply {
                mood: r.mood,
                points: r.points,
                reason: r.reason.as_str().into(),
                tones: r.tones.clone(),
                effects: c.effects(&r.effects, &format!("{rp}.effects")),
                objectives,
            });
        }
        let requires = c.requires(&m.requires, &format!("{p}.requires"));
        if let Some(trigger) = trigger {
            moments.push(CMoment {
                trigger,
                requires,
                replies,
            });
        }
    }

    // Walkthroughs name variants and commands that exist.
    for (vid, keys) in &s.walkthroughs {
        let p = format!("walkthroughs[\"{vid}\"]");
        c.lookup("variant", |c| &c.variant_ids, vid, &p);
        for (i, key) in keys.iter().enumerate() {
            let kp = format!("{p}[{i}]");
            let key = key.trim();
            if let Some(t) = key.strip_prefix("theory:") {
                c.lookup("theory", |c| &c.theories, t, &kp);
            } else if let Some(team) = key.strip_prefix("escalate:") {
                if !Team::ALL.iter().any(|x| format!("{x:?}") == team) {
                    let names: Vec<String> = Team::ALL.iter().map(|x| format!("{x:?}")).collect();
                    let hint = did_you_mean(team, names.iter().map(String::as_str))
                        .map(|m| format!("did you mean `escalate:{m}`?"));
                    c.err(
                        &kp,
                        key,
                        format!("unknown team `{team}`"),
                        hint.or(Some(format!("teams: {}", names.join(", ")))),
                    );
                }
            } else if key
                .strip_prefix("reply:")
                .is_some_and(|n| n.parse::<u8>().is_ok_and(|n| n >= 1))
                || key == "document"
                || key == "close"
            {
            } else {
                c.lookup("action", |c| &c.actions, key, &kp);
            }
        }
    }

    // A cheap reachability check: every fact a fix needs must start right or be set somewhere.
    if c.errors.is_empty() {
        let setters = collect_sets(&actions, &moments);
        for (vi, v) in variants.iter().enumerate() {
            for cond in &v.fixed_when {
                if let CCond::Fact(f, val) = cond
                    && v.facts[*f as usize] != *val
                    && !setters.contains(&(*f, val.clone()))
                {
                    let name = c.facts[*f as usize].clone();
                    let id = s.variants[vi].id.clone();
                    c.err(
                        &format!("variants[{vi}].fixed_when"),
                        &id,
                        format!(
                            "variant `{id}` can never be fixed: nothing sets `{name}` to {val}"
                        ),
                        Some(format!(
                            "add an action with Set(\"{name}\", …) or change fixed_when"
                        )),
                    );
                }
            }
        }
    }

    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let patience_tenths = s.caller.patience * 10;
    let drift_tenths = (s.caller.drift * 10.0).round() as i32;
    Ok(Compiled {
        fact_names: c.facts,
        fact_defaults: c.fact_defaults,
        clue_ids: c.clues,
        clue_texts: s.clues.values().cloned().collect(),
        variables: s
            .variables
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        variants,
        actions,
        moments,
        patience_tenths,
        drift_tenths,
        path: file.to_path_buf(),
        src: s,
    })
}

fn collect_sets(actions: &[CAction], moments: &[CMoment]) -> HashSet<(Idx, Value)> {
    fn walk(es: &[CEffect], out: &mut HashSet<(Idx, Value)>) {
        for e in es {
            match e {
                CEffect::Set(f, v) => {
                    out.insert((*f, v.clone()));
                }
                CEffect::If(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                _ => {}
            }
        }
    }
    let mut out = HashSet::new();
    for a in actions {
        walk(&a.effects, &mut out);
    }
    for m in moments {
        for r in &m.replies {
            walk(&r.effects, &mut out);
        }
    }
    out
}
