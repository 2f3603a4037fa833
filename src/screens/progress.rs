//! My progress: mastery per A+ objective as bars grouped by domain, what to practise next, first against
//! last attempt per scenario, and the attempt and exam history. Read from the records on entry.

use super::{Screen, ScreenUi};
use crate::scenarios::{Library, Objectives, ScenarioAsset};
use crate::session::{Intent, Progress, Records};
use crate::theme::{palette, widgets};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use helpdesk_core::progress::{self, FirstLast, Mastery, Recommendation};
use helpdesk_core::store::{AttemptRow, ExamRow, rfc3339};
use std::collections::BTreeMap;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ProgressView>()
        .add_systems(OnEnter(Screen::Progress), refresh)
        .add_systems(
            EguiPrimaryContextPass,
            ui.in_set(ScreenUi).run_if(in_state(Screen::Progress)),
        );
}

/// What the screen shows, computed by the core from the records.
#[derive(Resource, Default)]
pub struct ProgressView {
    pub mastery: BTreeMap<String, Mastery>,
    pub next: Vec<Recommendation>,
    pub first_last: Vec<FirstLast>,
    pub attempts: Vec<AttemptRow>,
    pub exams: Vec<ExamRow>,
}

/// Reads the signed-in trainee's records.
pub fn refresh(
    mut view: ResMut<ProgressView>,
    progress: Res<Progress>,
    records: Res<Records>,
    objectives: Res<Objectives>,
    lib: Res<Library>,
    assets: Res<Assets<ScenarioAsset>>,
) {
    *view = ProgressView::default();
    let Some(t) = progress.trainee.as_deref() else {
        return;
    };
    let read = records.with(|s| -> helpdesk_core::store::Result<_> {
        Ok((
            s.attempts(Some(t))?,
            s.objective_scores(Some(t))?,
            s.exams(Some(t))?,
        ))
    });
    let Some(Ok((attempts, scores, exams))) = read else {
        return;
    };
    view.mastery = progress::mastery(&scores);
    view.next = progress::next_up(
        &view.mastery,
        &lib.scenarios(&assets),
        &attempts,
        &objectives.0,
        5,
    );
    view.first_last = progress::first_vs_last(&attempts);
    view.attempts = attempts;
    view.exams = exams;
}

fn ui(
    mut contexts: EguiContexts,
    view: Res<ProgressView>,
    progress: Res<Progress>,
    objectives: Res<Objectives>,
    mut intents: MessageWriter<Intent>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    widgets::root(&ctx, |root| {
        egui::Panel::top("progress_top").show(root, |ui| {
            ui.horizontal(|ui| {
                if ui.button("Back home").clicked() {
                    intents.write(Intent::Go(Screen::Home));
                }
                ui.label(
                    egui::RichText::new(format!(
                        "Progress of {}",
                        progress.trainee.as_deref().unwrap_or("nobody signed in")
                    ))
                    .size(20.0),
                );
                ui.label(
                    egui::RichText::new(format!(
                        "{} attempt(s), {} exam(s)",
                        view.attempts.len(),
                        view.exams.len()
                    ))
                    .color(palette::muted()),
                );
            });
        });
        egui::Panel::right("progress_side")
            .default_size(460.0)
            .show(root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    widgets::heading(ui, "Next up");
                    if view.next.is_empty() {
                        ui.label(
                            egui::RichText::new("Nothing to suggest yet.").color(palette::muted()),
                        );
                    }
                    for r in &view.next {
                        ui.horizontal(|ui| {
                            if ui.button("Practise").clicked() {
                                intents.write(Intent::Choose(r.scenario.clone()));
                            }
                            ui.vertical(|ui| {
                                ui.label(&r.scenario_title);
                                ui.label(
                                    egui::RichText::new(&r.reason)
                                        .small()
                                        .color(palette::muted()),
                                );
                            });
                        });
                    }
                    widgets::heading(ui, "First against last attempt");
                    for f in &view.first_last {
                        ui.label(format!(
                            "{}: first {:.0} %, last {:.0} % ({:+.0}) over {} attempt(s)",
                            f.title,
                            f.first,
                            f.last,
                            f.change(),
                            f.attempts
                        ));
                    }
                    widgets::heading(ui, "Exams");
                    if view.exams.is_empty() {
                        ui.label(egui::RichText::new("No exams yet.").color(palette::muted()));
                    }
                    for e in view.exams.iter().rev() {
                        let r = &e.record;
                        ui.label(
                            egui::RichText::new(format!(
                                "{} · {} · {} ({} to pass) · code {}",
                                &rfc3339(r.finished)[..10],
                                r.exam,
                                r.scaled,
                                r.pass,
                                r.code
                            ))
                            .color(if r.passed {
                                palette::good()
                            } else {
                                palette::bad()
                            }),
                        );
                    }
                    widgets::heading(ui, "Attempts");
                    for a in view.attempts.iter().rev().take(40) {
                        ui.label(format!(
                            "{} · {} · {:.0} % · {}{}",
                            &rfc3339(a.finished)[..16].replace('T', " "),
                            a.title,
                            a.percent,
                            a.outcome_label(),
                            if a.exam.is_some() { " · exam" } else { "" }
                        ));
                    }
                });
            });
        egui::CentralPanel::default().show(root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                widgets::heading(ui, "Mastery by objective");
                ui.label(
                    egui::RichText::new(
                        "A decayed average of your attempts: the newest counts 40 %, the ones before share the rest.",
                    )
                    .small()
                    .color(palette::muted()),
                );
                for ex in &objectives.0.exams {
                    ui.label(egui::RichText::new(&ex.name).strong());
                    for d in &ex.domains {
                        let ids: Vec<String> = d
                            .objectives
                            .iter()
                            .map(|o| format!("{}-{}", ex.code, o.number))
                            .filter(|id| view.mastery.contains_key(id))
                            .collect();
                        if ids.is_empty() {
                            continue;
                        }
                        ui.label(egui::RichText::new(format!("{}. {}", d.number, d.name)).color(palette::accent()));
                        for id in ids {
                            let m = &view.mastery[&id];
                            let title = objectives
                                .0
                                .objective(&id)
                                .map(|o| o.objective.title.clone())
                                .unwrap_or_default();
                            widgets::score_bar(
                                ui,
                                &id,
                                m.value,
                                &format!("{title} · {} attempt(s)", m.attempts),
                            );
                        }
                    }
                }
                if view.mastery.is_empty() {
                    ui.label(egui::RichText::new("Work a ticket to see your mastery here.").color(palette::muted()));
                }
            });
        });
    });
    Ok(())
}
