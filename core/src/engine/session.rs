//! A ticket being worked: the world, its state and the log that scoring and replay read, and the
//! command keys (`ipconfig`, `reply:2`, `escalate:Network`) that scripts and records use.

use super::*;

/// One entry of a session's log: the command and what followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// `None` for the opening events.
    pub command: Option<Command>,
    pub minute: u32,
    pub events: Vec<Event>,
}

/// A ticket being worked: the world, its state and the log that scoring and replay read.
#[derive(Debug, Clone)]
pub struct Session {
    pub world: World,
    pub state: State,
    pub log: Vec<Entry>,
}

impl Session {
    /// Starts a session; the seed picks the variant.
    pub fn new(sc: Arc<Compiled>, seed: u64) -> Session {
        Self::with_variant(sc, seed, None)
    }

    /// Starts a session on a chosen variant (author preview, solver replays).
    pub fn with_variant(sc: Arc<Compiled>, seed: u64, variant: Option<usize>) -> Session {
        let world = World::new(sc, seed, variant);
        let mut state = world.initial_state();
        let mut events = Vec::new();
        start(&world, &mut state, &mut Out::new(Some(&mut events), 0));
        Session {
            world,
            state,
            log: vec![Entry {
                command: None,
                minute: 0,
                events,
            }],
        }
    }

    pub fn scenario(&self) -> &Compiled {
        &self.world.sc
    }

    /// Applies a command and returns the events it caused.
    pub fn apply(&mut self, cmd: Command) -> Result<&[Event], CommandError> {
        self.world.check(&self.state, &cmd)?;
        let mut events = Vec::new();
        let turn = self.log.len() as u32;
        step(
            &self.world,
            &mut self.state,
            &cmd,
            &mut Out::new(Some(&mut events), turn),
        );
        self.log.push(Entry {
            command: Some(cmd),
            minute: self.state.minute,
            events,
        });
        Ok(self
            .log
            .last()
            .map(|e| e.events.as_slice())
            .unwrap_or_default())
    }

    pub fn is_over(&self) -> bool {
        self.state.is_over()
    }

    pub fn outcome(&self) -> Option<Outcome> {
        match self.state.phase {
            Phase::Over(o) => Some(o),
            _ => None,
        }
    }

    /// Every command possible now (complete notes and hand-offs stand in for the trainee's own).
    pub fn commands(&self) -> Vec<Command> {
        self.world.commands(&self.state)
    }

    /// All events so far, in order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.log.iter().flat_map(|e| e.events.iter())
    }

    /// The points total so far.
    pub fn total(&self) -> i32 {
        self.events()
            .filter_map(|e| {
                if let Event::Points(p) = e {
                    Some(p.points)
                } else {
                    None
                }
            })
            .sum()
    }

    /// The commands issued, in order: with the scenario and seed, this replays the session exactly.
    pub fn commands_issued(&self) -> Vec<Command> {
        self.log.iter().filter_map(|e| e.command.clone()).collect()
    }

    /// A short human label for a command.
    pub fn describe(&self, cmd: &Command) -> String {
        describe(&self.world, &self.state, cmd)
    }

    /// The step of the method the trainee has reached, for coach hints.
    pub fn method_step(&self) -> Step {
        let st = &self.state;
        if st.has(flag::DOCUMENTED) || st.has(flag::VERIFIED) {
            Step::Document
        } else if st.has(flag::FIX_TRIED) {
            Step::Verify
        } else if st.has(flag::TESTED) {
            Step::Fix
        } else if st.has(flag::THEORISED) {
            Step::Test
        } else if st.has(flag::IDENTIFIED) {
            Step::Theory
        } else {
            Step::Identify
        }
    }

    /// Key clues of this variant not found yet, for coach hints.
    pub fn unknown_key_clues(&self) -> Vec<String> {
        let w = &self.world;
        w.variant()
            .key_clues
            .iter()
            .filter(|k| !self.state.knows(**k))
            .map(|k| w.render_with(&w.sc.clue_texts[*k as usize], Some(&self.state)))
            .collect()
    }
}

/// A short human label for a command in a given state.
pub fn describe(w: &World, st: &State, cmd: &Command) -> String {
    let sc = &*w.sc;
    match cmd {
        Command::Act(a) => w.render_with(&sc.src.actions[*a as usize].label, Some(st)),
        Command::Reply(r) => match st.current_moment() {
            Some(m) => format!(
                "Reply: \"{}\"",
                w.render_with(&sc.src.moments[m].replies[*r as usize].text, Some(st))
            ),
            None => format!("Reply {}", r + 1),
        },
        Command::Theorise(t) => format!("Theory: {}", sc.src.theories[*t as usize].text),
        Command::Document(_) => "Document the ticket".into(),
        Command::Escalate(h) => format!("Escalate to the {}", h.team.label()),
        Command::Close => "Close the ticket".into(),
    }
}

/// A stable text key for a command, for walkthroughs and replay files: `ipconfig`, `theory:dhcp`,
/// `reply:2`, `document`, `escalate:Network`, `close`.
pub fn command_key(sc: &Compiled, cmd: &Command) -> String {
    match cmd {
        Command::Act(a) => sc.src.actions[*a as usize].id.clone(),
        Command::Reply(r) => format!("reply:{}", r + 1),
        Command::Theorise(t) => format!("theory:{}", sc.src.theories[*t as usize].id),
        Command::Document(_) => "document".into(),
        Command::Escalate(h) => format!("escalate:{:?}", h.team),
        Command::Close => "close".into(),
    }
}

/// Parses a key written by [`command_key`]. `document` and `escalate:` produce complete notes and
/// hand-offs from what the state knows.
pub fn parse_key(w: &World, st: &State, key: &str) -> Option<Command> {
    let sc = &*w.sc;
    let key = key.trim();
    if let Some(r) = key.strip_prefix("reply:") {
        return r
            .parse::<u8>()
            .ok()
            .filter(|r| *r >= 1)
            .map(|r| Command::Reply(r - 1));
    }
    if let Some(t) = key.strip_prefix("theory:") {
        return sc
            .src
            .theories
            .iter()
            .position(|x| x.id == t)
            .map(|i| Command::Theorise(i as Idx));
    }
    if let Some(team) = key.strip_prefix("escalate:") {
        let team = Team::ALL
            .into_iter()
            .find(|x| format!("{x:?}").eq_ignore_ascii_case(team))?;
        return Some(Command::Escalate(w.full_handoff(st, team)));
    }
    match key {
        "document" => Some(Command::Document(w.best_notes(st))),
        "close" => Some(Command::Close),
        id => sc.action(id).map(Command::Act),
    }
}
