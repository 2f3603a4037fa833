//! The ticket being worked.
//!
//! Screens never change the session directly: they write an [`Intent`], and [`apply_intents`] carries it
//! out through the core and moves between screens. That keeps every change in one place, lets tests drive
//! the app exactly as the UI does, and lets `--play-script` replay a session.

use crate::scenarios::{Library, ScenarioAsset};
use crate::screens::Screen;
use bevy::prelude::*;
use helpdesk_core::Session;
use helpdesk_core::engine::{Command, parse_key};
use helpdesk_core::scoring::{self, Report};
use helpdesk_core::solver;

pub fn plugin(app: &mut App) {
    app.add_message::<Intent>()
        .init_resource::<Selection>()
        .init_resource::<Active>()
        .init_resource::<Progress>()
        .add_systems(Update, apply_intents);
}

/// What the trainee asks the app to do.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum Intent {
    /// Sign in as this trainee.
    SetTrainee(String),
    /// Open the scenario picker.
    Practice,
    /// Choose a scenario and show its briefing.
    Choose(String),
    /// Set the replay code.
    SetSeed(u64),
    /// Show or hide coach hints.
    SetCoach(bool),
    /// Start the chosen scenario with the chosen seed.
    Begin,
    /// A command for the running session.
    Do(Command),
    /// A command by its key (`ipconfig`, `theory:dhcp`, `reply:2`, `reply:best`, `document`,
    /// `escalate:Network`, `close`): scripts use these.
    DoKey(String),
    /// Start again: the same seed, or a new one (likely another variant).
    Retry { new_seed: bool },
    /// Go to a screen.
    Go(Screen),
}

/// The scenario and seed chosen for the next attempt.
#[derive(Resource, Debug, Clone)]
pub struct Selection {
    pub scenario: Option<String>,
    pub seed: u64,
    pub coach: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            scenario: None,
            seed: helpdesk_core::cli::fresh_seed(),
            coach: true,
        }
    }
}

/// The running or finished session and its debrief.
#[derive(Resource, Default)]
pub struct Active {
    pub session: Option<Session>,
    pub report: Option<Report>,
    /// The last refused command, to show the trainee why.
    pub refusal: Option<String>,
}

/// Who is training and their last score per scenario.
#[derive(Resource, Debug, Default, Clone)]
pub struct Progress {
    pub trainee: Option<String>,
    pub trainees: Vec<String>,
    /// (trainee, scenario id) → last percentage.
    pub last: std::collections::BTreeMap<(String, String), f64>,
}

impl Progress {
    pub fn last_score(&self, scenario: &str) -> Option<f64> {
        let t = self.trainee.as_ref()?;
        self.last.get(&(t.clone(), scenario.to_string())).copied()
    }
}

/// Carries out intents in order.
pub fn apply_intents(
    mut intents: MessageReader<Intent>,
    mut sel: ResMut<Selection>,
    mut active: ResMut<Active>,
    mut progress: ResMut<Progress>,
    lib: Res<Library>,
    assets: Res<Assets<ScenarioAsset>>,
    mut next: ResMut<NextState<Screen>>,
) {
    for intent in intents.read() {
        match intent.clone() {
            Intent::SetTrainee(name) => {
                let name = name.trim().to_string();
                if !name.is_empty() {
                    if !progress.trainees.contains(&name) {
                        progress.trainees.push(name.clone());
                        progress.trainees.sort();
                    }
                    progress.trainee = Some(name);
                }
            }
            Intent::Practice => next.set(Screen::Picker),
            Intent::Choose(id) => {
                sel.scenario = Some(id);
                next.set(Screen::Briefing);
            }
            Intent::SetSeed(s) => sel.seed = s,
            Intent::SetCoach(c) => sel.coach = c,
            Intent::Begin => {
                let Some(sc) = sel.scenario.as_deref().and_then(|id| lib.get(&assets, id)) else {
                    active.refusal = Some("that scenario is not loaded".into());
                    continue;
                };
                active.session = Some(Session::new(sc, sel.seed));
                active.report = None;
                active.refusal = None;
                next.set(Screen::Ticket);
            }
            Intent::Do(cmd) => apply(&mut active, &mut progress, &mut next, Some(cmd), None),
            Intent::DoKey(key) => apply(&mut active, &mut progress, &mut next, None, Some(key)),
            Intent::Retry { new_seed } => {
                if new_seed {
                    sel.seed = sel
                        .seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407)
                        % 1_000_000;
                }
                if let Some(s) = &active.session {
                    sel.scenario = Some(s.scenario().id().to_string());
                }
                active.session = None;
                active.report = None;
                next.set(Screen::Briefing);
            }
            Intent::Go(screen) => next.set(screen),
        }
    }
}

fn apply(
    active: &mut Active,
    progress: &mut Progress,
    next: &mut NextState<Screen>,
    cmd: Option<Command>,
    key: Option<String>,
) {
    let Some(session) = active.session.as_mut() else {
        return;
    };
    let cmd = match (cmd, key) {
        (Some(c), _) => c,
        (None, Some(k)) if k.trim() == "reply:best" => {
            match solver::best_reply(&session.world, &session.state) {
                Some(c) => c,
                None => {
                    active.refusal = Some("there is nothing to reply to".into());
                    return;
                }
            }
        }
        (None, Some(k)) => match parse_key(&session.world, &session.state, &k) {
            Some(c) => c,
            None => {
                active.refusal = Some(format!("`{k}` is not a command of this scenario"));
                return;
            }
        },
        (None, None) => return,
    };
    match session.apply(cmd) {
        Ok(_) => active.refusal = None,
        Err(e) => active.refusal = Some(e.to_string()),
    }
    if session.is_over() {
        let report = scoring::report(session);
        if let Some(t) = &progress.trainee {
            progress
                .last
                .insert((t.clone(), report.scenario.clone()), report.percent);
        }
        active.report = Some(report);
        next.set(Screen::Debrief);
    }
}
