//! The world of one session: the compiled scenario and everything the seed drew, and the questions
//! asked of it (what holds, what may be done now, the best notes and hand-off).

use super::*;

/// Values drawn from the seed that never change during a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    pub seed: u64,
    pub variant: usize,
    pub caller: String,
    pub role: String,
    pub ticket: String,
    pub start_frustration: i32,
    /// Variables in name order, rendered as text.
    pub vars: Vec<(String, String)>,
    /// Per moment, the order its replies are shown in (indices into the file's list): drawn, so the
    /// best reply is not always in the same place and the same replay code shows the same order.
    pub reply_order: Vec<Vec<u8>>,
    /// The order actions are listed in exam mode, where the method steps are not shown as groups.
    pub action_order: Vec<u8>,
}

impl Draw {
    /// Draws everything a session needs from the seed. `force` picks the variant instead of the seed
    /// (the solver and the author preview use it); the random stream is the same either way.
    pub fn new(sc: &Compiled, seed: u64, force: Option<usize>) -> Draw {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let total: u32 = sc.variants.iter().map(|v| v.weight).sum();
        let mut roll = rng.random_range(0..total.max(1));
        let mut variant = 0;
        for (i, v) in sc.variants.iter().enumerate() {
            if roll < v.weight {
                variant = i;
                break;
            }
            roll -= v.weight;
        }
        let caller = pick(&mut rng, &sc.src.caller.names);
        let role = pick(&mut rng, &sc.src.caller.roles);
        let (lo, hi) = sc.src.caller.frustration;
        let start_frustration = rng.random_range(lo..=hi.max(lo));
        let ticket = format!("INC{:06}", rng.random_range(100_000..1_000_000));
        let vars = sc
            .variables
            .iter()
            .map(|(name, v)| {
                let value = match v {
                    Variable::Number(a, b) => rng.random_range(*a..=*b).to_string(),
                    Variable::Pick(items) => pick(&mut rng, items),
                    Variable::Ip(cidr) => {
                        let (net, len) =
                            text::parse_cidr(cidr).unwrap_or(([10, 0, 0, 0].into(), 24));
                        let n = rng.random_range(1..=text::host_count(len));
                        text::host_in(net, len, n).to_string()
                    }
                };
                (name.clone(), value)
            })
            .collect();
        // Drawn last, so the draws above stay what they were for every seed.
        let reply_order = sc
            .moments
            .iter()
            .map(|m| shuffled(&mut rng, m.replies.len()))
            .collect();
        let action_order = shuffled(&mut rng, sc.actions.len());
        Draw {
            seed,
            variant: force
                .unwrap_or(variant)
                .min(sc.variants.len().saturating_sub(1)),
            caller,
            role,
            ticket,
            start_frustration,
            vars,
            reply_order,
            action_order,
        }
    }

    /// The replies of moment `m` in the order shown: indices into the file's list.
    pub fn shown_replies(&self, m: usize) -> &[u8] {
        self.reply_order.get(m).map_or(&[], Vec::as_slice)
    }

    fn lookup(&self, name: &str) -> Option<String> {
        match name {
            "caller" => Some(self.caller.clone()),
            "first_name" => Some(
                self.caller
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            ),
            "role" => Some(self.role.clone()),
            "ticket" => Some(self.ticket.clone()),
            _ => self
                .vars
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
        }
    }
}

fn pick(rng: &mut ChaCha8Rng, items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        items[rng.random_range(0..items.len())].clone()
    }
}

/// The fixed part of a running ticket: scenario and draw. [`step`] reads it.
#[derive(Debug, Clone)]
pub struct World {
    pub sc: Arc<Compiled>,
    pub draw: Draw,
    /// The scenario's own objectives minus communication and ticketing: where method points count.
    pub method_objectives: Arc<[Arc<str>]>,
    pub ticketing: Arc<[Arc<str>]>,
    pub communication: Arc<[Arc<str>]>,
    /// Texts of the complete notes and hand-off the solver offers, shared so listing commands is cheap.
    canned: [Arc<str>; 3],
}

impl World {
    pub fn new(sc: Arc<Compiled>, seed: u64, force_variant: Option<usize>) -> World {
        let draw = Draw::new(&sc, seed, force_variant);
        let mut method: Vec<Arc<str>> = sc
            .objectives()
            .iter()
            .filter(|o| *o != COMMUNICATION_OBJECTIVE && *o != TICKETING_OBJECTIVE)
            .map(|o| Arc::from(o.as_str()))
            .collect();
        if method.is_empty() {
            method = sc
                .objectives()
                .iter()
                .map(|o| Arc::from(o.as_str()))
                .collect();
        }
        World {
            draw,
            method_objectives: method.into(),
            ticketing: vec![Arc::from(TICKETING_OBJECTIVE)].into(),
            communication: vec![Arc::from(COMMUNICATION_OBJECTIVE)].into(),
            canned: [
                Arc::from(sc.src.title.as_str()),
                Arc::from("Recorded findings and actions."),
                Arc::from("Findings attached; steps tried are in the ticket."),
            ],
            sc,
        }
    }

    /// The state a session starts in, before the opening moments fire.
    pub fn initial_state(&self) -> State {
        let v = &self.sc.variants[self.draw.variant];
        let facts = v.facts.iter().map(|f| self.render_value(f)).collect();
        State {
            variant: self.draw.variant as u8,
            facts: Arc::new(facts),
            known: 0,
            done: 0,
            stated: 0,
            fired: 0,
            pending: 0,
            theory: None,
            frustration: (self.draw.start_frustration * TENTHS).clamp(0, 100 * TENTHS),
            minute: 0,
            last_contact: 0,
            flags: 0,
            phase: Phase::Open,
        }
    }

    /// The state once the ticket has opened (opening moments fired), without recording events.
    pub fn opening_state(&self) -> State {
        let mut st = self.initial_state();
        start(self, &mut st, &mut Out::new(None, 0));
        st
    }

    /// Replays `cmds` from the opening state: a label for each command, and the state they lead to.
    pub fn replay_labels<'c>(
        &self,
        cmds: impl IntoIterator<Item = &'c Command>,
    ) -> (Vec<String>, State) {
        let mut st = self.opening_state();
        let mut labels = Vec::new();
        for cmd in cmds {
            labels.push(describe(self, &st, cmd));
            step(self, &mut st, cmd, &mut Out::new(None, 0));
        }
        (labels, st)
    }

    pub(super) fn render_value(&self, v: &Value) -> Value {
        match v {
            Value::Text(t) if t.contains('{') => Value::Text(self.render_with(t, None).into()),
            other => other.clone(),
        }
    }

    /// Fills `{name}` placeholders from the draw and, when given, the current facts.
    pub fn render_with(&self, s: &str, st: Option<&State>) -> String {
        text::render(s, |name| {
            self.draw.lookup(name).or_else(|| {
                let st = st?;
                let i = self.sc.fact(name)?;
                Some(st.facts[i as usize].to_string())
            })
        })
    }

    pub fn variant(&self) -> &CVariant {
        &self.sc.variants[self.draw.variant]
    }

    /// Whether the variant's fix conditions all hold.
    pub fn is_fixed(&self, st: &State) -> bool {
        let v = &self.sc.variants[st.variant as usize];
        !v.fixed_when.is_empty() && v.fixed_when.iter().all(|c| self.holds(c, st))
    }

    pub fn holds(&self, c: &CCond, st: &State) -> bool {
        match c {
            CCond::Fact(f, v) => st.facts[*f as usize] == *v,
            CCond::Above(f, n) => matches!(st.facts[*f as usize], Value::Int(x) if x > *n),
            CCond::Below(f, n) => matches!(st.facts[*f as usize], Value::Int(x) if x < *n),
            CCond::Known(k) => st.knows(*k),
            CCond::Done(a) => st.did(*a),
            CCond::Theory(t) => st.theory == Some(*t),
            CCond::Happened(m) => st.fired & (1 << m) != 0 && st.pending & (1 << m) == 0,
            CCond::Fixed => self.is_fixed(st),
            CCond::MoodAtLeast(n) => st.frustration >= n * TENTHS,
            CCond::Variant(v) => self.draw.variant == *v as usize,
            CCond::Not(c) => !self.holds(c, st),
            CCond::All(cs) => cs.iter().all(|c| self.holds(c, st)),
            CCond::Any(cs) => cs.iter().any(|c| self.holds(c, st)),
        }
    }

    /// Whether the trainee may take this action now (ignoring pending replies).
    pub fn action_ready(&self, st: &State, a: usize) -> bool {
        !st.did(a as Idx)
            && self.sc.actions[a]
                .requires
                .iter()
                .all(|c| self.holds(c, st))
    }

    /// The first of an action's `requires` conditions that does not hold now, as the file writes it,
    /// with what holds instead: `Known("no_link_light") (that clue is not found yet)`.
    pub fn unmet(&self, st: &State, a: usize) -> Option<String> {
        let c = self.sc.actions[a]
            .requires
            .iter()
            .find(|c| !self.holds(c, st))?;
        Some(self.explain(c, st))
    }

    fn explain(&self, c: &CCond, st: &State) -> String {
        let why = match c {
            CCond::Fact(f, _) | CCond::Above(f, _) | CCond::Below(f, _) => {
                format!("it is {} now", ron_value(&st.facts[*f as usize]))
            }
            CCond::Known(_) => "that clue is not found yet".into(),
            CCond::Done(_) => "that action is not done yet".into(),
            CCond::Theory(_) => match st.theory {
                Some(t) => format!(
                    "the theory stated is `{}`",
                    self.sc.src.theories[t as usize].id
                ),
                None => "no theory is stated yet".into(),
            },
            CCond::Happened(_) => "that moment has not happened yet".into(),
            CCond::Fixed => "the fault is not fixed yet".into(),
            CCond::MoodAtLeast(_) => format!("frustration is {} now", st.frustration / TENTHS),
            CCond::Variant(_) => "this is another variant".into(),
            CCond::All(cs) => {
                if let Some(inner) = cs.iter().find(|c| !self.holds(c, st)) {
                    return self.explain(inner, st);
                }
                String::new()
            }
            CCond::Any(_) => "none of them holds".into(),
            CCond::Not(_) => "it holds".into(),
        };
        format!("{} ({why})", self.cond_text(c))
    }

    /// A compiled condition written back in the file's own form.
    pub fn cond_text(&self, c: &CCond) -> String {
        let sc = &self.sc;
        let list = |cs: &[CCond]| {
            cs.iter()
                .map(|c| self.cond_text(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match c {
            CCond::Fact(f, v) => {
                format!("Fact({:?}, {})", sc.fact_names[*f as usize], ron_value(v))
            }
            CCond::Above(f, n) => format!("Above({:?}, {n})", sc.fact_names[*f as usize]),
            CCond::Below(f, n) => format!("Below({:?}, {n})", sc.fact_names[*f as usize]),
            CCond::Known(k) => format!("Known({:?})", sc.clue_ids[*k as usize]),
            CCond::Done(a) => format!("Done({:?})", sc.src.actions[*a as usize].id),
            CCond::Theory(t) => format!("Theory({:?})", sc.src.theories[*t as usize].id),
            CCond::Happened(m) => format!("Happened({:?})", sc.src.moments[*m as usize].id),
            CCond::Fixed => "Fixed".into(),
            CCond::MoodAtLeast(n) => format!("MoodAtLeast({n})"),
            CCond::Variant(v) => format!("Variant({:?})", sc.src.variants[*v as usize].id),
            CCond::Not(c) => format!("Not({})", self.cond_text(c)),
            CCond::All(cs) => format!("All([{}])", list(cs)),
            CCond::Any(cs) => format!("Any([{}])", list(cs)),
        }
    }

    /// The expected notes for this variant: used to score documentation and by the solver. They
    /// record the variant's key findings that are known, and nothing that does not bear on the fault.
    pub fn best_notes(&self, st: &State) -> TicketNotes {
        let v = self.variant();
        TicketNotes {
            category: self.sc.src.category,
            priority: v.priority,
            findings: v
                .key_clues
                .iter()
                .copied()
                .filter(|k| st.knows(*k))
                .collect(),
            summary: self.canned[0].clone(),
            resolution: self.canned[1].clone(),
        }
    }

    /// A hand-off to `team` carrying every clue found so far.
    pub fn full_handoff(&self, st: &State, team: Team) -> Handoff {
        // What the receiving team needs, of what is known; for another team, everything known.
        let v = self.variant();
        let needed = match &v.escalate {
            Some((t, needed)) if *t == team || v.also.iter().any(|(a, _)| *a == team) => {
                Some(needed)
            }
            _ => None,
        };
        Handoff {
            team,
            clues: (0..self.sc.clue_ids.len() as Idx)
                .filter(|k| st.knows(*k) && needed.is_none_or(|n| n.contains(k)))
                .collect(),
            note: self.canned[2].clone(),
        }
    }

    /// Every command a trainee could issue now. Notes and hand-offs are the complete ones; the UI builds
    /// its own from the trainee's input.
    pub fn commands(&self, st: &State) -> Vec<Command> {
        self.commands_with_teams(st, &Team::ALL)
    }

    /// Like [`World::commands`], offering escalation only to `teams`.
    pub fn commands_with_teams(&self, st: &State, teams: &[Team]) -> Vec<Command> {
        let mut out = Vec::new();
        if st.is_over() {
            return out;
        }
        if let Some(m) = st.current_moment() {
            for r in 0..self.sc.moments[m].replies.len() {
                out.push(Command::Reply(r as u8));
            }
            return out;
        }
        if st.phase != Phase::Open {
            return out;
        }
        for a in 0..self.sc.actions.len() {
            if self.action_ready(st, a) {
                out.push(Command::Act(a as Idx));
            }
        }
        for t in 0..self.sc.src.theories.len() {
            if st.stated & (1 << t) == 0 {
                out.push(Command::Theorise(t as Idx));
            }
        }
        if !st.has(flag::DOCUMENTED) {
            out.push(Command::Document(self.best_notes(st)));
        }
        let handoff = self.full_handoff(st, Team::Network);
        for &team in teams {
            out.push(Command::Escalate(Handoff {
                team,
                ..handoff.clone()
            }));
        }
        out.push(Command::Close);
        out
    }

    /// Checks that `cmd` may be applied now.
    pub fn check(&self, st: &State, cmd: &Command) -> Result<(), CommandError> {
        if st.is_over() {
            return Err(CommandError::Over);
        }
        let pending = st.current_moment();
        match cmd {
            Command::Reply(r) => {
                let m = pending.ok_or(CommandError::NoMoment)?;
                if *r as usize >= self.sc.moments[m].replies.len() {
                    return Err(CommandError::Unavailable(format!(
                        "reply {} does not exist",
                        r + 1
                    )));
                }
                return Ok(());
            }
            _ if pending.is_some() => return Err(CommandError::AwaitingReply),
            _ if st.phase != Phase::Open => return Err(CommandError::Over),
            _ => {}
        }
        let known = |ks: &[Idx]| {
            ks.iter()
                .all(|k| (*k as usize) < self.sc.clue_ids.len() && st.knows(*k))
        };
        match cmd {
            Command::Act(a) if (*a as usize) >= self.sc.actions.len() => {
                Err(CommandError::Unavailable("no such action".into()))
            }
            Command::Act(a) if st.did(*a) => Err(CommandError::Unavailable("already done".into())),
            Command::Act(a) if !self.action_ready(st, *a as usize) => Err(
                CommandError::Unavailable(match self.unmet(st, *a as usize) {
                    Some(c) => format!("it requires {c}"),
                    None => "its preconditions do not hold yet".into(),
                }),
            ),
            Command::Theorise(t) if (*t as usize) >= self.sc.src.theories.len() => {
                Err(CommandError::Unavailable("no such theory".into()))
            }
            Command::Theorise(t) if st.stated & (1 << t) != 0 => Err(CommandError::Unavailable(
                "that theory was already stated".into(),
            )),
            Command::Document(_) if st.has(flag::DOCUMENTED) => Err(CommandError::Unavailable(
                "the ticket is already documented".into(),
            )),
            Command::Document(n) if !known(&n.findings) => Err(CommandError::Unavailable(
                "notes can only record clues you have found".into(),
            )),
            Command::Escalate(h) if !known(&h.clues) => Err(CommandError::Unavailable(
                "a hand-off can only pass on clues you have found".into(),
            )),
            _ => Ok(()),
        }
    }
}

/// A value as a scenario file writes it: `true`, `3`, `"online"`.
fn ron_value(v: &Value) -> String {
    match v {
        Value::Text(t) => format!("{t:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
    }
}

/// `0..n` in an order drawn from `rng` (Fisher–Yates).
fn shuffled(rng: &mut ChaCha8Rng, n: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..n as u8).collect();
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
    v
}
