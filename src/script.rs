//! `--play-script FILE` and `--screenshot PATH`: drive the app through its own intents, then save a PNG
//! of the real window and exit.
//!
//! A script has one step per line (`#` starts a comment):
//!
//! ```text
//! trainee Ada          sign in
//! practice             open the picker
//! pick net-no-internet-dhcp
//! seed 42
//! coach on
//! begin                take the call
//! exam 1202 4          sit a Core 2 exam of four tickets (or `exam 1202-4-77` to replay a code)
//! submit               hand the exam in
//! do ask_symptom       any command key: an action id, theory:ID, reply:N, reply:best,
//! do reply:best        document, escalate:TEAM, close
//! go debrief           show a screen
//! author starter       open a scenario in the author screen, by id or by path in the library
//! preview 1 3          preview variant 1 (from 0) after the first 3 steps of its best path
//! key Tab              press a key as the trainee would (Enter, Space, Tab, Shift+Tab, 1, F1, …)
//! type Kim Lee         type text into the focused field
//! focus Practice       press Tab until the focused control's accessible name contains the text
//! contrast on          the high-contrast theme on (or off)
//! wait 10              let 10 frames pass
//! pad 300              benchmark: add 300 caller lines to the transcript
//! measure 120          benchmark: print the mean and p95 frame time over 120 frames
//! ```

use crate::AppOptions;
use crate::scenarios::{Library, ScenarioAsset};
use crate::screens::{AuthorView, Screen};
use crate::session::Intent;
use bevy::prelude::*;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

pub fn plugin(app: &mut App) {
    let options = AppOptions::of(app);
    let mut script = Script {
        screenshot: options.screenshot.clone(),
        ..default()
    };
    if let Some(path) = &options.play_script {
        match parse_file(path) {
            Ok(steps) => script.steps = steps.into(),
            Err(e) => {
                error!("{e}");
                script.failed = Some(e);
            }
        }
    }
    script.active = options.play_script.is_some() || options.screenshot.is_some();
    app.insert_resource(script)
        .init_resource::<InputQueue>()
        .add_systems(Update, run_script.after(crate::session::apply_intents));
}

/// One scripted step.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptStep {
    Intent(Intent),
    Wait(u32),
    /// Adds filler lines to the running session's transcript (for the frame-time benchmark).
    Pad(u32),
    /// Measures frame times over this many frames and prints them.
    Measure(u32),
    /// Opens a scenario, by id or file path, in the author screen.
    Author(String),
    /// Previews a variant of the open file after the first steps of its best path.
    Preview {
        variant: usize,
        steps: usize,
    },
    /// Keyboard input, given to the window's UI as a trainee's keys would be (the real window only).
    Input(InputStep),
}

/// A scripted key press, typing, or Tab-until-focused.
#[derive(Debug, Clone, PartialEq)]
pub enum InputStep {
    Key(String),
    Type(String),
    Focus(String),
    HighContrast(bool),
}

/// Keyboard steps waiting for the window's input driver (see `a11y`); the script waits while one is
/// under way. `driver` is set where a window can take keys.
#[derive(Resource, Debug, Default)]
pub struct InputQueue {
    pub step: Option<InputStep>,
    pub driver: bool,
    /// Why the last step could not be done, for the script to stop on.
    pub failed: Option<String>,
}

/// The script's progress.
#[derive(Resource, Debug, Default)]
pub struct Script {
    pub steps: VecDeque<ScriptStep>,
    pub screenshot: Option<PathBuf>,
    pub active: bool,
    pub failed: Option<String>,
    /// Frames to wait before the next step.
    pub wait: u32,
    /// Set once the screenshot has been requested.
    pub captured: bool,
    /// Frames still to measure, and the frame times so far (seconds).
    pub measuring: u32,
    /// Set once the frames before the screenshot have been waited.
    pub settling_done: bool,
    pub frame_times: Vec<f64>,
}

/// Frames to let egui lay out and the renderer settle before capturing.
pub const SETTLE_FRAMES: u32 = 20;

/// Parses a script file.
pub fn parse_file(path: &Path) -> Result<Vec<ScriptStep>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the script: {e}", path.display()))?;
    parse(&text).map_err(|(line, e)| format!("{}:{line}: {e}", path.display()))
}

/// Parses script text; errors carry the 1-based line.
pub fn parse(text: &str) -> Result<Vec<ScriptStep>, (usize, String)> {
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (verb, arg) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(v, a)| (v, a.trim()));
        let need = |what: &str| {
            if arg.is_empty() {
                Err((i + 1, format!("`{verb}` needs {what}")))
            } else {
                Ok(arg.to_string())
            }
        };
        let step = match verb {
            "trainee" => ScriptStep::Intent(Intent::SetTrainee(need("a name")?)),
            "class" => ScriptStep::Intent(Intent::SetClass(need("a class name")?)),
            "practice" => ScriptStep::Intent(Intent::Practice),
            "pick" => ScriptStep::Intent(Intent::Choose(need("a scenario id")?)),
            "seed" => ScriptStep::Intent(Intent::SetSeed(
                need("a number")?
                    .parse()
                    .map_err(|_| (i + 1, "seed needs a whole number".to_string()))?,
            )),
            "coach" => ScriptStep::Intent(Intent::SetCoach(need("on or off")? == "on")),
            "begin" => ScriptStep::Intent(Intent::Begin),
            "exam" => {
                let code = need("an exam code, or `1201 N` / `1202 N`")?;
                ScriptStep::Intent(match code.split_once(' ') {
                    Some((exam, n)) => Intent::StartExam {
                        exam: exam.to_string(),
                        tickets: n
                            .trim()
                            .parse()
                            .map_err(|_| (i + 1, "exam needs a number of tickets".to_string()))?,
                        code: None,
                    },
                    None => Intent::StartExam {
                        exam: String::new(),
                        tickets: 0,
                        code: Some(code),
                    },
                })
            }
            "submit" => ScriptStep::Intent(Intent::SubmitExam),
            "do" => ScriptStep::Intent(Intent::DoKey(need("a command key")?)),
            "retry" => ScriptStep::Intent(Intent::Retry {
                new_seed: arg == "new",
            }),
            "go" => ScriptStep::Intent(Intent::Go(
                Screen::parse(arg).ok_or((i + 1, format!("unknown screen `{arg}`")))?,
            )),
            "wait" => ScriptStep::Wait(
                need("a number of frames")?
                    .parse()
                    .map_err(|_| (i + 1, "wait needs a whole number".to_string()))?,
            ),
            "pad" => ScriptStep::Pad(
                need("a number of lines")?
                    .parse()
                    .map_err(|_| (i + 1, "pad needs a whole number".to_string()))?,
            ),
            "measure" => ScriptStep::Measure(
                need("a number of frames")?
                    .parse()
                    .map_err(|_| (i + 1, "measure needs a whole number".to_string()))?,
            ),
            "author" => ScriptStep::Author(need("a scenario id or file")?),
            "key" => ScriptStep::Input(InputStep::Key(need("a key, e.g. Tab or Shift+Tab")?)),
            "type" => ScriptStep::Input(InputStep::Type(need("text")?)),
            "focus" => ScriptStep::Input(InputStep::Focus(need("part of a control's name")?)),
            "contrast" => ScriptStep::Input(InputStep::HighContrast(need("on or off")? == "on")),
            "preview" => {
                let nums: Vec<usize> = need("a variant and a number of steps")?
                    .split_whitespace()
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .map_err(|_| (i + 1, "preview needs two whole numbers".to_string()))?;
                match nums[..] {
                    [variant, steps] => ScriptStep::Preview { variant, steps },
                    _ => {
                        return Err((
                            i + 1,
                            "preview needs a variant and a number of steps".into(),
                        ));
                    }
                }
            }
            other => {
                return Err((
                    i + 1,
                    format!(
                        "unknown step `{other}`; steps: trainee, class, practice, pick, seed, coach, begin, exam, submit, do, retry, go, author, preview, key, type, focus, contrast, wait, pad, measure"
                    ),
                ));
            }
        };
        steps.push(step);
    }
    Ok(steps)
}

fn run_script(
    mut script: ResMut<Script>,
    lib: Res<Library>,
    server: Res<AssetServer>,
    mut intents: MessageWriter<Intent>,
    mut commands: Commands,
    mut exit: MessageWriter<AppExit>,
    mut active: ResMut<crate::session::Active>,
    time: Res<Time<Real>>,
    mut author: ResMut<AuthorView>,
    assets: Res<Assets<ScenarioAsset>>,
    mut input: ResMut<InputQueue>,
) {
    if !script.active || script.captured {
        return;
    }
    if let Some(why) = input.failed.take() {
        script.failed = Some(why);
    }
    if input.step.is_some() && script.failed.is_none() {
        return;
    }
    if script.measuring > 0 {
        script.frame_times.push(time.delta_secs_f64());
        script.measuring -= 1;
        if script.measuring == 0 {
            let mut t = std::mem::take(&mut script.frame_times);
            t.sort_by(f64::total_cmp);
            let mean = t.iter().sum::<f64>() / t.len().max(1) as f64;
            let p95 = t
                .get((t.len() as f64 * 0.95) as usize)
                .copied()
                .unwrap_or(mean);
            println!(
                "frame time over {} frames: mean {:.1} ms, p95 {:.1} ms",
                t.len(),
                mean * 1000.0,
                p95 * 1000.0
            );
        }
        return;
    }
    if let Some(why) = &script.failed {
        error!("the script stopped: {why}");
        exit.write(AppExit::from_code(2));
        script.active = false;
        return;
    }
    if !lib.settled(&server) {
        return;
    }
    if script.wait > 0 {
        script.wait -= 1;
        return;
    }
    match script.steps.pop_front() {
        Some(ScriptStep::Intent(i)) => {
            intents.write(i);
            // One frame for the intent to apply and the screen to change.
            script.wait = 1;
        }
        Some(ScriptStep::Wait(n)) => script.wait = n,
        Some(ScriptStep::Pad(n)) => {
            if let Some(session) = active.session.as_mut() {
                let events = (0..n)
                    .map(|i| {
                        helpdesk_core::Event::CallerSays(format!(
                            "Filler line {i} of {n}, so the transcript is long."
                        ))
                    })
                    .collect();
                session.log.push(helpdesk_core::engine::Entry {
                    command: None,
                    minute: session.state.minute,
                    events,
                });
            }
        }
        Some(ScriptStep::Author(what)) => {
            let file = lib
                .files
                .iter()
                .find(|(_, h)| assets.get(h).is_some_and(|a| a.0.id() == what))
                .map_or_else(|| PathBuf::from(&what), |(p, _)| p.clone());
            author.open(file);
            intents.write(Intent::Go(Screen::Author));
            script.wait = 2;
        }
        Some(ScriptStep::Preview { variant, steps }) => {
            let Some(report) = author.check.as_ref().and_then(|c| c.solve.as_ref()) else {
                script.failed =
                    Some("preview needs a file open with `author` that compiles".into());
                return;
            };
            let Some(v) = report.variants.get(variant) else {
                script.failed = Some(format!(
                    "preview: the file has {} variant(s)",
                    report.variants.len()
                ));
                return;
            };
            intents.write(Intent::Preview {
                scenario: report.scenario.clone(),
                variant,
                seed: report.seed,
                path: v.best_path.clone(),
                steps,
            });
            script.wait = 1;
        }
        Some(ScriptStep::Input(step)) => {
            if input.driver {
                input.step = Some(step);
            } else {
                script.failed = Some(format!(
                    "{step:?} needs the real window (keys go to its UI); run without a headless app"
                ));
            }
        }
        Some(ScriptStep::Measure(n)) => {
            // Skip the first frame, whose delta includes the script's own work.
            script.measuring = n;
            script.wait = 1;
        }
        None => match script.screenshot.clone() {
            // Let egui lay out and the renderer present a few frames before capturing.
            Some(_) if !script.settling_done => {
                script.settling_done = true;
                script.wait = SETTLE_FRAMES;
            }
            Some(path) => {
                script.captured = true;
                commands
                    .spawn(bevy::render::view::screenshot::Screenshot::primary_window())
                    .observe(save_and_exit(path));
            }
            None => script.active = false,
        },
    }
}

/// Saves the captured frame as PNG and ends the app.
fn save_and_exit(
    path: PathBuf,
) -> impl FnMut(On<bevy::render::view::screenshot::ScreenshotCaptured>, MessageWriter<AppExit>) {
    move |shot, mut exit| {
        let result = shot
            .image
            .clone()
            .try_into_dynamic()
            .map_err(|e| e.to_string())
            .and_then(|img| img.to_rgb8().save(&path).map_err(|e| e.to_string()));
        match result {
            Ok(()) => {
                info!("screenshot saved to {}", path.display());
                exit.write(AppExit::Success);
            }
            Err(e) => {
                error!("cannot save the screenshot to {}: {e}", path.display());
                exit.write(AppExit::from_code(1));
            }
        }
    }
}
