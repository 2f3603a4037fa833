//! Author mode for supervisors: pick a scenario file and see, on every save, its errors with line and
//! column, the solver's report per variant (winnable, best score and path, dead ends, unreachable
//! content) and an outline of how actions, clues and moments connect. Any step of a best path opens a
//! preview from that point, with a state inspector on the ticket screen.

use super::{Screen, ScreenUi};
use crate::scenarios::{Library, Objectives, ScenarioRoot};
use crate::session::Intent;
use crate::theme::{palette, widgets};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use helpdesk_core::Session;
use helpdesk_core::authoring::{self, Check};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The checking, without any UI: headless tests use it.
pub(super) fn data_plugin(app: &mut App) {
    app.init_resource::<AuthorView>()
        .add_systems(Update, refresh)
        .add_systems(OnEnter(Screen::Author), wake_often)
        .add_systems(OnExit(Screen::Author), sleep_again);
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        ui.in_set(ScreenUi).run_if(in_state(Screen::Author)),
    );
}

/// While an author edits in another window this one is unfocused, and an idle unfocused window
/// updates only every few seconds. On this screen it wakes twice a second, so a save shows at once.
const AUTHOR_WAKE: Duration = Duration::from_millis(500);

/// The update modes to restore when leaving the screen.
#[derive(Resource)]
struct SavedModes(bevy::winit::WinitSettings);

fn wake_often(mut commands: Commands, settings: Option<ResMut<bevy::winit::WinitSettings>>) {
    let Some(mut settings) = settings else {
        return;
    };
    commands.insert_resource(SavedModes(settings.clone()));
    let often = |mode: bevy::winit::UpdateMode| match mode {
        bevy::winit::UpdateMode::Reactive {
            wait,
            react_to_device_events,
            react_to_user_events,
            react_to_window_events,
        } => bevy::winit::UpdateMode::Reactive {
            wait: wait.min(AUTHOR_WAKE),
            react_to_device_events,
            react_to_user_events,
            react_to_window_events,
        },
        continuous => continuous,
    };
    settings.focused_mode = often(settings.focused_mode);
    settings.unfocused_mode = often(settings.unfocused_mode);
}

fn sleep_again(
    mut commands: Commands,
    saved: Option<Res<SavedModes>>,
    settings: Option<ResMut<bevy::winit::WinitSettings>>,
) {
    if let (Some(saved), Some(mut settings)) = (saved, settings) {
        *settings = saved.0.clone();
        commands.remove_resource::<SavedModes>();
    }
}

/// The file being authored and what the core says about it.
#[derive(Resource, Default)]
pub struct AuthorView {
    pub file: Option<PathBuf>,
    /// The seed the solver and previews use.
    pub seed: u64,
    pub check: Option<Check>,
    /// How many times the file has been checked (each save counts once).
    pub checks: u64,
    /// The file and a fingerprint of its bytes when it was last checked.
    seen: Option<(PathBuf, u64)>,
    last_look: Option<Instant>,
}

impl AuthorView {
    /// Switches to `file` (absolute, or relative to the library folder); the next update checks it.
    pub fn open(&mut self, file: PathBuf) {
        self.file = Some(file);
        self.seen = None;
    }

    /// Changes the seed the solver and previews use; the next update checks again.
    pub fn set_seed(&mut self, seed: u64) {
        if seed != self.seed.max(1) {
            self.seed = seed;
            self.seen = None;
        }
    }
}

/// Re-checks the file whenever its content changes, looking twice a second. The bytes are compared, not
/// the modification time: on a network share or a FAT stick two saves within a second can carry the
/// same time, and an editor that saves without changes should not count as an edit.
fn refresh(mut view: ResMut<AuthorView>, objectives: Res<Objectives>, root: Res<ScenarioRoot>) {
    let Some(file) = view.file.clone() else {
        return;
    };
    // The library lists files relative to its folder.
    let file = root.0.join(file);
    if view
        .last_look
        .is_some_and(|t| t.elapsed() < Duration::from_millis(500))
        && view.seen.is_some()
    {
        return;
    }
    view.last_look = Some(Instant::now());
    let now = Some((file.clone(), fingerprint(&file)));
    if view.seen == now {
        return;
    }
    view.seen = now;
    let seed = view.seed.max(1);
    view.check = Some(authoring::check(&file, seed, &objectives.0));
    view.checks += 1;
}

/// A hash of the file's bytes (or of the read error), cheap for files the loader accepts (≤ 1 MiB).
fn fingerprint(file: &std::path::Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match std::fs::metadata(file) {
        // Too big to load anyway: its size and time are enough to notice it shrinking.
        Ok(m) if m.len() > helpdesk_core::scenario::load::MAX_FILE_BYTES as u64 => {
            (m.len(), m.modified().ok()).hash(&mut h)
        }
        _ => match std::fs::read(file) {
            Ok(bytes) => bytes.hash(&mut h),
            Err(e) => e.kind().hash(&mut h),
        },
    }
    h.finish()
}

fn ui(
    mut contexts: EguiContexts,
    mut view: ResMut<AuthorView>,
    lib: Res<Library>,
    mut intents: MessageWriter<Intent>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    widgets::root(&ctx, |root| {
        egui::Panel::left("author_files")
            .default_size(280.0)
            .show(root, |ui| {
                if ui.button("Back home").clicked() {
                    intents.write(Intent::Go(Screen::Home));
                }
                widgets::heading(ui, "Scenario files");
                let mut files: Vec<PathBuf> = lib.files.iter().map(|(p, _)| p.clone()).collect();
                files.sort();
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for f in files {
                        let name = f
                            .file_name()
                            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                        let on = view.file.as_ref() == Some(&f);
                        if ui.selectable_label(on, name).clicked() {
                            view.open(f);
                        }
                    }
                });
            });
        let Some(check) = view.check.clone() else {
            egui::CentralPanel::default().show(root, |ui| {
                ui.label("Pick a file. Edit it in any editor: every save is checked here at once.");
            });
            return;
        };
        if let Some(o) = &check.outline {
            egui::Panel::right("author_outline")
                .default_size(420.0)
                .show(root, |ui| {
                    widgets::heading(ui, "How it connects");
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        for n in &o.nodes {
                            let head = match &n.step {
                                Some(step) => format!("{} ({step})", n.key),
                                None => n.key.clone(),
                            };
                            egui::CollapsingHeader::new(head)
                                .id_salt(&n.key)
                                .show(ui, |ui| {
                                    ui.label(
                                        egui::RichText::new(&n.label)
                                            .small()
                                            .color(palette::muted()),
                                    );
                                    for l in o.into_node(&n.key) {
                                        ui.label(format!("from {} ({})", l.from, l.how));
                                    }
                                    for l in o.out_of(&n.key) {
                                        ui.label(format!("{} {}", l.how, l.to));
                                    }
                                });
                        }
                    });
                });
        }
        egui::CentralPanel::default().show(root, |ui| {
            ui.label(egui::RichText::new(check.path.display().to_string()).size(18.0));
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(format!("checked {} time(s)", view.checks))
                        .small()
                        .color(palette::muted()),
                );
                ui.label("Seed");
                let mut seed = view.seed.max(1);
                let field = ui.add(egui::DragValue::new(&mut seed).range(1..=u64::MAX));
                crate::theme::widgets::named(&field, "Seed");
                if ui.button("New seed").clicked() {
                    seed = helpdesk_core::cli::fresh_seed();
                }
                view.set_seed(seed);
            });
            egui::ScrollArea::vertical().show(ui, |ui| {
                if !check.errors.is_empty() {
                    widgets::heading(ui, &format!("{} error(s)", check.errors.len()));
                    for d in &check.errors {
                        widgets::diagnostic(ui, d);
                    }
                }
                let Some(r) = &check.solve else {
                    return;
                };
                widgets::heading(ui, "Solver");
                for (vi, v) in r.variants.iter().enumerate() {
                    let colour = if v.winnable {
                        palette::good()
                    } else {
                        palette::bad()
                    };
                    ui.label(
                        egui::RichText::new(format!(
                            "{}: {} · best {} points · {} trap(s), {} losing move(s) · {} states{}",
                            v.variant,
                            if v.winnable {
                                "winnable"
                            } else {
                                "NOT winnable"
                            },
                            v.max_score,
                            v.dead_ends,
                            v.losing_moves,
                            v.states,
                            if v.complete {
                                ""
                            } else {
                                " (search cut short)"
                            }
                        ))
                        .color(colour),
                    );
                    for (i, label) in v.best_path_labels.iter().enumerate() {
                        ui.horizontal(|ui| {
                            if ui.small_button("Preview from here").clicked() {
                                intents.write(Intent::Preview {
                                    scenario: r.scenario.clone(),
                                    variant: vi,
                                    seed: r.seed,
                                    path: v.best_path.clone(),
                                    steps: i,
                                });
                            }
                            ui.label(format!("{:>2}. {label}", i + 1));
                        });
                    }
                    if ui.small_button("Preview from the start").clicked() {
                        intents.write(Intent::Preview {
                            scenario: r.scenario.clone(),
                            variant: vi,
                            seed: r.seed,
                            path: Vec::new(),
                            steps: 0,
                        });
                    }
                    for ex in &v.dead_end_examples {
                        ui.label(
                            egui::RichText::new(format!("    dead end: {}", ex.join(", then ")))
                                .small()
                                .color(palette::warn()),
                        );
                    }
                    ui.add_space(6.0);
                }
                if r.unreachable.is_empty() {
                    ui.label(
                        egui::RichText::new("All content is reachable.").color(palette::good()),
                    );
                } else {
                    ui.label(
                        egui::RichText::new(format!("Never reached: {}", r.unreachable.join(", ")))
                            .color(palette::warn()),
                    );
                }
            });
        });
    });
    Ok(())
}

/// The state inspector shown on the ticket screen in a preview: the hidden world as the engine sees it.
pub fn inspector(ui: &mut egui::Ui, s: &Session) {
    let sc = s.scenario();
    egui::CollapsingHeader::new(
        egui::RichText::new("State inspector (preview)").color(palette::accent()),
    )
    .default_open(true)
    .show(ui, |ui| {
        let v = &sc.src.variants[s.world.draw.variant];
        ui.label(format!(
            "fault: {} · frustration {}/{} · minute {} · score so far {}",
            v.id,
            s.state.mood(),
            sc.src.caller.patience,
            s.state.minute,
            s.total()
        ));
        let facts: Vec<String> = sc
            .fact_names
            .iter()
            .zip(s.state.facts.iter())
            .map(|(n, v)| format!("{n} = {v}"))
            .collect();
        ui.label(
            egui::RichText::new(format!("facts: {}", facts.join(" · ")))
                .small()
                .monospace(),
        );
        let known: Vec<&str> = sc
            .clue_ids
            .iter()
            .enumerate()
            .filter(|(i, _)| s.state.knows(*i as helpdesk_core::scenario::Idx))
            .map(|(_, c)| c.as_str())
            .collect();
        ui.label(
            egui::RichText::new(format!(
                "known: {}",
                if known.is_empty() {
                    "nothing yet".into()
                } else {
                    known.join(", ")
                }
            ))
            .small(),
        );
    });
}
