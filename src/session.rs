//! The ticket being worked.
//!
//! Screens never change the session directly: they write an [`Intent`], and [`apply_intents`] carries it
//! out through the core and moves between screens. That keeps every change in one place, lets tests drive
//! the app exactly as the UI does, and lets `--play-script` replay a session.

use crate::AppOptions;
use crate::scenarios::{Library, Objectives, ScenarioAsset};
use crate::screens::Screen;
use bevy::prelude::*;
use helpdesk_core::Session;
use helpdesk_core::engine::Command;
use helpdesk_core::exam::{self, ExamResult, Paper};
use helpdesk_core::scoring::{self, Report};
use helpdesk_core::solver;
use helpdesk_core::store::{self, AttemptRecord, ExamLink, Mode, Saved, Store};
use std::sync::Mutex;

pub fn plugin(app: &mut App) {
    let options = AppOptions::of(app);
    let records = Records::open(options.data_dir.clone());
    let mut progress = Progress::default();
    if let Some(names) = records.with(|s| s.trainees()).and_then(Result::ok) {
        progress.trainees = names;
    }
    app.add_message::<Intent>()
        .init_resource::<Selection>()
        .init_resource::<Active>()
        .init_resource::<ExamRun>()
        .insert_resource(progress)
        .insert_resource(records)
        .add_systems(Update, (apply_intents, exam_clock).chain());
}

/// The trainee records on disk. The app keeps working without them (with a notice) if the folder
/// cannot be used.
#[derive(Resource)]
pub struct Records {
    store: Option<Mutex<Store>>,
    pub dir: std::path::PathBuf,
    /// Something the trainee should know: a file set aside, or why records are off.
    pub notice: Option<String>,
}

impl Records {
    pub fn open(dir: Option<std::path::PathBuf>) -> Records {
        let dir = dir.unwrap_or_else(store::default_dir);
        match Store::open(&dir) {
            Ok(o) => Records {
                store: Some(Mutex::new(o.store)),
                notice: o.set_aside.map(|a| a.to_string()),
                dir,
            },
            Err(e) => {
                warn!("records are off: {e}");
                Records {
                    store: None,
                    notice: Some(format!("Records are off: {e}")),
                    dir,
                }
            }
        }
    }

    /// Runs `f` on the store, if it is open.
    pub fn with<R>(&self, f: impl FnOnce(&mut Store) -> R) -> Option<R> {
        let m = self.store.as_ref()?;
        let mut guard = m.lock().unwrap_or_else(|p| p.into_inner());
        Some(f(&mut guard))
    }
}

/// The exam being sat, if any: its paper, the ticket on now, the clock and the results so far.
#[derive(Resource, Default)]
pub struct ExamRun {
    pub paper: Option<Paper>,
    pub index: usize,
    pub registration: String,
    pub started: i64,
    /// Milliseconds since 1970 at which the exam submits itself.
    pub deadline: i64,
    pub percents: Vec<Option<f64>>,
    /// The UUIDs of the exam's tickets recorded so far.
    pub attempts: Vec<String>,
    /// The graded result, once submitted; and whether time ran out.
    pub result: Option<(ExamResult, bool)>,
}

impl ExamRun {
    pub fn running(&self) -> bool {
        self.paper.is_some() && self.result.is_none()
    }
    /// Seconds left on the clock.
    pub fn remaining(&self, now: i64) -> i64 {
        ((self.deadline - now) / 1000).max(0)
    }
}

/// What the trainee asks the app to do.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum Intent {
    /// Sign in as this trainee.
    SetTrainee(String),
    /// Set the class the trainee is in (empty: none).
    SetClass(String),
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
    /// Sit an exam: `1201` or `1202`, this many tickets; or replay an exam code.
    StartExam {
        exam: String,
        tickets: usize,
        code: Option<String>,
    },
    /// Hand the exam in now; unfinished tickets count as they stand.
    SubmitExam,
    /// Author preview: play `scenario` on `variant` with `seed`, after replaying the first `steps`
    /// commands of `path` (a best path's keys). Preview attempts are not recorded.
    Preview {
        scenario: String,
        variant: usize,
        seed: u64,
        path: Vec<String>,
        steps: usize,
    },
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
    /// When the session began (ms since 1970).
    pub started: i64,
    /// Where the finished attempt was recorded, or why it was not.
    pub recorded: Option<Result<String, String>>,
    /// An author's preview: shows the state inspector, records nothing.
    pub preview: bool,
}

/// Who is training and their last score per scenario.
#[derive(Resource, Debug, Default, Clone)]
pub struct Progress {
    pub trainee: Option<String>,
    /// The trainee's class (training group), recorded with every attempt and exam.
    pub class: Option<String>,
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
    mut run: ResMut<ExamRun>,
    records: Res<Records>,
    objectives: Res<Objectives>,
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
                    records.with(|s| s.trainee(&name));
                    progress.trainee = Some(name);
                }
            }
            Intent::SetClass(class) => {
                let class = class.trim();
                progress.class = (!class.is_empty()).then(|| class.to_string());
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
                start(&mut active, Session::new(sc, sel.seed));
                next.set(Screen::Ticket);
            }
            Intent::Do(_) | Intent::DoKey(_) if run.running() || active.session.is_some() => {
                let (cmd, key) = match intent.clone() {
                    Intent::Do(c) => (Some(c), None),
                    Intent::DoKey(k) => (None, Some(k)),
                    _ => (None, None),
                };
                if apply(&mut active, cmd, key) {
                    finish_ticket(
                        &mut active,
                        &mut progress,
                        &mut run,
                        &records,
                        &objectives,
                        &lib,
                        &assets,
                        &mut next,
                        sel.coach,
                    );
                }
            }
            Intent::Do(_) | Intent::DoKey(_) => {}
            Intent::Preview {
                scenario,
                variant,
                seed,
                path,
                steps,
            } => {
                let Some(sc) = lib.get(&assets, &scenario) else {
                    active.refusal = Some(format!("{scenario} is not loaded"));
                    continue;
                };
                let mut s = Session::with_variant(sc, seed, Some(variant));
                for key in path.iter().take(steps) {
                    let cmd = solver::command_for_key(&s.world, &s.state, key);
                    match cmd.map(|c| s.apply(c)) {
                        Ok(Ok(_)) => {}
                        _ => {
                            active.refusal = Some(format!("the path stops at `{key}`"));
                            break;
                        }
                    }
                }
                start(&mut active, s);
                active.preview = true;
                next.set(Screen::Ticket);
            }
            Intent::StartExam {
                exam: which,
                tickets,
                code,
            } => {
                let (which, tickets, seed) = match code.as_deref().map(exam::parse_code) {
                    Some(Ok(x)) => x,
                    Some(Err(e)) => {
                        active.refusal = Some(e);
                        continue;
                    }
                    None => (which, tickets, helpdesk_core::cli::fresh_seed()),
                };
                let scenarios = lib.scenarios(&assets);
                match exam::draw(&scenarios, &objectives.0, &which, tickets, seed) {
                    Ok(paper) => {
                        let now = store::now_ms();
                        sel.coach = false;
                        *run = ExamRun {
                            deadline: now + paper.minutes as i64 * 60_000,
                            percents: vec![None; paper.items.len()],
                            paper: Some(paper),
                            index: 0,
                            registration: store::new_uuid(),
                            started: now,
                            attempts: Vec::new(),
                            result: None,
                        };
                        active.refusal = None;
                        start_exam_item(&mut active, &run, &lib, &assets);
                        next.set(Screen::Ticket);
                    }
                    Err(e) => active.refusal = Some(e),
                }
            }
            Intent::SubmitExam => {
                if run.running() {
                    submit_exam(
                        &mut active,
                        &mut run,
                        &records,
                        &objectives,
                        &progress,
                        &mut next,
                        false,
                    );
                }
            }
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

fn start(active: &mut Active, session: Session) {
    active.session = Some(session);
    active.preview = false;
    active.report = None;
    active.refusal = None;
    active.recorded = None;
    active.started = store::now_ms();
}

/// Opens the exam's current ticket.
fn start_exam_item(
    active: &mut Active,
    run: &ExamRun,
    lib: &Library,
    assets: &Assets<ScenarioAsset>,
) {
    let Some(item) = run.paper.as_ref().and_then(|p| p.items.get(run.index)) else {
        return;
    };
    match lib.get(assets, &item.scenario) {
        Some(sc) => start(active, Session::new(sc, item.seed)),
        None => active.refusal = Some(format!("{} is no longer loaded", item.scenario)),
    }
}

/// Applies a command; true when the ticket has just ended.
fn apply(active: &mut Active, cmd: Option<Command>, key: Option<String>) -> bool {
    let Some(session) = active.session.as_mut() else {
        return false;
    };
    if session.is_over() {
        return false;
    }
    let cmd = match (cmd, key) {
        (Some(c), _) => c,
        (None, Some(k)) => match solver::command_for_key(&session.world, &session.state, &k) {
            Ok(c) => c,
            Err(why) => {
                active.refusal = Some(why);
                return false;
            }
        },
        (None, None) => return false,
    };
    match session.apply(cmd) {
        Ok(_) => active.refusal = None,
        Err(e) => active.refusal = Some(e.to_string()),
    }
    session.is_over()
}

/// Scores the ended ticket, records it, and moves on: to the debrief in practice, to the next ticket
/// (or the result) in an exam.
fn finish_ticket(
    active: &mut Active,
    progress: &mut Progress,
    run: &mut ExamRun,
    records: &Records,
    objectives: &Objectives,
    lib: &Library,
    assets: &Assets<ScenarioAsset>,
    next: &mut NextState<Screen>,
    hints: bool,
) {
    let id = record_active(active, progress, run, records, hints);
    if run.running() {
        if let Some(p) = run.percents.get_mut(run.index) {
            *p = active.report.as_ref().map(|r| r.percent);
        }
        run.attempts.extend(id);
        run.index += 1;
        if run
            .paper
            .as_ref()
            .is_some_and(|p| run.index < p.items.len())
        {
            start_exam_item(active, run, lib, assets);
        } else {
            submit_exam(active, run, records, objectives, progress, next, false);
        }
    } else {
        next.set(Screen::Debrief);
    }
}

/// Scores the active session and records it for the signed-in trainee; returns the attempt's UUID.
fn record_active(
    active: &mut Active,
    progress: &mut Progress,
    run: &ExamRun,
    records: &Records,
    hints: bool,
) -> Option<String> {
    let session = active.session.as_ref()?;
    let report = scoring::report(session);
    active.report = Some(report.clone());
    if active.preview {
        return None;
    }
    let trainee = progress.trainee.clone()?;
    progress
        .last
        .insert((trainee.clone(), report.scenario.clone()), report.percent);
    let mut a = AttemptRecord::new(&trainee, session, report, active.started);
    a.hints = hints;
    a.class = progress.class.clone();
    if let Some(p) = run.paper.as_ref().filter(|_| run.running()) {
        a.mode = Mode::Exam;
        a.hints = false;
        a.exam = Some(ExamLink {
            exam: p.exam.clone(),
            registration: run.registration.clone(),
        });
    }
    let result = records.with(|s| s.save(&a));
    match result {
        Some(Ok(Saved::Stored(_))) => {
            active.recorded = Some(Ok(a.uuid.clone()));
            Some(a.uuid)
        }
        Some(Ok(Saved::Kept(path, why))) => {
            warn!(
                "the database could not take the attempt now ({why}); kept in {}",
                path.display()
            );
            active.recorded = Some(Ok(a.uuid.clone()));
            Some(a.uuid)
        }
        Some(Err(e)) => {
            warn!("attempt not recorded: {e}");
            active.recorded = Some(Err(e.to_string()));
            None
        }
        None => None,
    }
}

/// Grades and records the exam and shows the result. Tickets not finished count as they stand.
fn submit_exam(
    active: &mut Active,
    run: &mut ExamRun,
    records: &Records,
    objectives: &Objectives,
    progress: &Progress,
    next: &mut NextState<Screen>,
    timed_out: bool,
) {
    let Some(paper) = run.paper.clone() else {
        return;
    };
    // A ticket still open when the exam is handed in counts with the points it has.
    if run.index < paper.items.len()
        && let Some(s) = active.session.as_ref()
    {
        let r = scoring::report(s);
        run.percents[run.index] = Some(r.percent);
        let mut progress = progress.clone();
        if let Some(id) = record_active(active, &mut progress, run, records, false) {
            run.attempts.push(id);
        }
    }
    let Ok(result) = exam::grade(&paper, &objectives.0, &run.percents) else {
        return;
    };
    if let Some(t) = &progress.trainee {
        let mut rec = result.record(
            t,
            &run.registration,
            &paper,
            run.started,
            store::now_ms(),
            timed_out,
        );
        rec.class = progress.class.clone();
        if let Some(Err(e)) = records.with(|s| s.save_exam(&rec, &run.attempts)) {
            warn!("exam not recorded: {e}");
        }
    }
    run.result = Some((result, timed_out));
    active.session = None;
    next.set(Screen::ExamResult);
}

/// Submits the exam when its time is up.
fn exam_clock(
    mut active: ResMut<Active>,
    mut run: ResMut<ExamRun>,
    records: Res<Records>,
    objectives: Res<Objectives>,
    progress: Res<Progress>,
    mut next: ResMut<NextState<Screen>>,
) {
    if run.running() && store::now_ms() >= run.deadline {
        submit_exam(
            &mut active,
            &mut run,
            &records,
            &objectives,
            &progress,
            &mut next,
            true,
        );
    }
}
