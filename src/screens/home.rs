//! Home: who is training, the library's health, and the way in to practice.

use super::{Screen, ScreenUi};
use crate::scenarios::{Library, ScenarioAsset, ScenarioErrors};
use crate::session::{Intent, Progress, Records};
use crate::theme::{palette, widgets};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        ui.in_set(ScreenUi).run_if(in_state(Screen::Home)),
    );
}

fn ui(
    mut contexts: EguiContexts,
    progress: Res<Progress>,
    records: Res<Records>,
    lib: Res<Library>,
    assets: Res<Assets<ScenarioAsset>>,
    server: Res<AssetServer>,
    errors: Res<ScenarioErrors>,
    mut intents: MessageWriter<Intent>,
    mut new_name: Local<String>,
    mut class: Local<ClassField>,
    mut settings: ResMut<crate::theme::Settings>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let loaded = lib.scenarios(&assets).len();
    widgets::root(&ctx, |root| {
        egui::CentralPanel::default().show(root, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(30.0);
                ui.label(egui::RichText::new("helpdesk-sim").size(40.0).color(palette::accent()));
                ui.label("Work real-feeling help-desk tickets. Get scored on method, communication, escalation and notes.");
                ui.add_space(24.0);
            });
            ui.columns(2, |cols| {
                let ui = &mut cols[0];
                widgets::heading(ui, "Who is training?");
                match &progress.trainee {
                    Some(t) => ui.label(
                        egui::RichText::new(match &progress.class {
                            Some(c) => format!("Signed in as {t}, class {c}"),
                            None => format!("Signed in as {t}"),
                        })
                        .color(palette::good()),
                    ),
                    None => ui.label(egui::RichText::new("Pick your name or add it below.").color(palette::muted())),
                };
                for name in &progress.trainees {
                    let selected = progress.trainee.as_deref() == Some(name);
                    if ui.selectable_label(selected, name).clicked() {
                        intents.write(Intent::SetTrainee(name.clone()));
                    }
                }                ui.horizontal(|ui| {
                    let edit = ui.add(egui::TextEdit::singleline(&mut *new_name).hint_text("New trainee name").desired_width(200.0));
                    widgets::named(&edit, "New trainee name");
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (ui.button("Add and sign in").clicked() || enter) && !new_name.trim().is_empty() {
                        intents.write(Intent::SetTrainee(new_name.trim().to_string()));
                        new_name.clear();
                    }
                });
                // The class goes with every attempt, so a supervisor's report can be filtered by it.
                if class.seen != progress.class {
                    class.seen = progress.class.clone();
                    class.text = progress.class.clone().unwrap_or_default();
                }
                ui.horizontal(|ui| {
                    ui.label("Class (optional):");
                    let edit = ui.add(egui::TextEdit::singleline(&mut class.text).hint_text("e.g. Room 1, March intake").desired_width(180.0));
                    widgets::named(&edit, "Class (optional)");
                    if edit.changed() {
                        let text = class.text.trim();
                        class.seen = (!text.is_empty()).then(|| text.to_string());
                        intents.write(Intent::SetClass(class.text.clone()));
                    }
                });

                let ui = &mut cols[1];
                widgets::heading(ui, "Train");
                let ready = progress.trainee.is_some() && loaded > 0;
                let practice = ui.add_enabled(ready, egui::Button::new(egui::RichText::new("▶  Practice a ticket").size(20.0)).min_size(egui::vec2(260.0, 44.0)));
                if practice.clicked() {
                    intents.write(Intent::Practice);
                }
                let exam = ui.add_enabled(ready, egui::Button::new(egui::RichText::new("⏱  Exam mode").size(20.0)).min_size(egui::vec2(260.0, 44.0)));
                if exam.clicked() {
                    intents.write(Intent::Go(Screen::ExamSetup));
                }
                let mine = ui.add_enabled(progress.trainee.is_some(), egui::Button::new(egui::RichText::new("📈  My progress").size(20.0)).min_size(egui::vec2(260.0, 44.0)));
                if mine.clicked() {
                    intents.write(Intent::Go(Screen::Progress));
                }
                if ui.add(egui::Button::new(egui::RichText::new("✏  Author scenarios").size(20.0)).min_size(egui::vec2(260.0, 44.0))).clicked() {
                    intents.write(Intent::Go(Screen::Author));
                }
                if progress.trainee.is_none() {
                    ui.label(egui::RichText::new("Sign in to practise or sit an exam.").small().color(palette::muted()));
                }
                let contrast = if settings.high_contrast {
                    "◐  High contrast: on (F2)"
                } else {
                    "◐  High contrast: off (F2)"
                };
                if ui.button(contrast).clicked() {
                    let on = !settings.high_contrast;
                    crate::theme::set_high_contrast(&mut settings, Some(&records), on);
                }
                ui.label(egui::RichText::new("Keyboard help: F1").small().color(palette::muted()));
                if let Some(n) = &records.notice {
                    ui.label(egui::RichText::new(n).small().color(palette::warn()));
                }
                ui.add_space(12.0);
                widgets::heading(ui, "Scenario library");
                if !lib.settled(&server) {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Loading scenarios…");
                    });
                } else {
                    ui.label(format!("{loaded} scenario(s) ready from {} file(s)", lib.files.len()));
                }
                if lib.files.is_empty() && lib.settled(&server) {
                    ui.label(egui::RichText::new("No scenario files found. Start the app from the project folder, or pass --scenarios DIR.").color(palette::warn()));
                }
                widgets::error_list(ui, &errors);
            });
        });
    });
    Ok(())
}

/// The class text box: what it shows, and the class it last showed, so a class set elsewhere (a
/// script, another screen) replaces the text while typing does not get overwritten.
#[derive(Default)]
struct ClassField {
    text: String,
    seen: Option<String>,
}
