//! Debrief: the total, each category and objective against the best possible, what went well and what
//! cost points (each with its moment), your path beside the solver's best, and a way to try again.

use super::{Screen, ScreenUi};
use crate::scenarios::Objectives;
use crate::session::{Active, Intent};
use crate::theme::{palette, widgets};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use helpdesk_core::scoring::Finding;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        ui.in_set(ScreenUi).run_if(in_state(Screen::Debrief)),
    );
}

fn ui(
    mut contexts: EguiContexts,
    active: Res<Active>,
    objectives: Res<Objectives>,
    mut intents: MessageWriter<Intent>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let Some(r) = active.report.as_ref() else {
        return Ok(());
    };
    widgets::root(&ctx, |root| {
        egui::Panel::top("debrief_top").show(root, |ui| {
            ui.horizontal(|ui| {
                let colour = palette::severity(1.0 - (r.percent / 100.0) as f32);
                ui.label(
                    egui::RichText::new(format!("{:.0} %", r.percent))
                        .size(44.0)
                        .color(colour),
                );
                ui.vertical(|ui| {
                    ui.label(egui::RichText::new(&r.title).size(20.0));
                    ui.label(format!(
                        "{} · {} of {} points possible · {} min · variant {} · replay code {}",
                        r.outcome.map_or("Unfinished", |o| o.label()),
                        r.total,
                        r.best,
                        r.minutes,
                        r.variant,
                        r.seed
                    ));
                });
            });
            ui.horizontal(|ui| {
                if ui.button("↻ Retry with the same code").clicked() {
                    intents.write(Intent::Retry { new_seed: false });
                }
                if ui.button("🎲 Try another variant").clicked() {
                    intents.write(Intent::Retry { new_seed: true });
                }
                if ui.button("Choose another ticket").clicked() {
                    intents.write(Intent::Go(Screen::Picker));
                }
                if ui.button("Home").clicked() {
                    intents.write(Intent::Go(Screen::Home));
                }
            });
        });
        egui::CentralPanel::default().show(root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.columns(2, |cols| {
                    let ui = &mut cols[0];
                    widgets::heading(ui, "By category");
                    for c in &r.categories {
                        widgets::score_bar(
                            ui,
                            &c.name,
                            c.percent(),
                            &format!("{} of {}", c.earned, c.best),
                        );
                    }
                    widgets::heading(ui, "By A+ objective");
                    for o in &r.objectives {
                        let title = objectives
                            .0
                            .objective(&o.name)
                            .map(|x| x.objective.title.clone())
                            .unwrap_or_default();
                        widgets::score_bar(
                            ui,
                            &o.name,
                            o.percent(),
                            &format!("{} of {} · {title}", o.earned, o.best),
                        );
                    }
                    let ui = &mut cols[1];
                    widgets::heading(ui, "What went well");
                    findings(ui, &r.went_well, palette::good());
                    widgets::heading(ui, "What cost points");
                    if r.cost_points.is_empty() {
                        ui.label("Nothing. Well done.");
                    }
                    findings(ui, &r.cost_points, palette::bad());
                });
                ui.separator();
                ui.columns(2, |cols| {
                    widgets::heading(&mut cols[0], "Your path");
                    for (i, p) in r.your_path.iter().enumerate() {
                        cols[0].add(egui::Label::new(format!("{:>2}. {p}", i + 1)).wrap());
                    }
                    widgets::heading(&mut cols[1], "Best path");
                    for (i, p) in r.best_path.iter().enumerate() {
                        cols[1].add(egui::Label::new(format!("{:>2}. {p}", i + 1)).wrap());
                    }
                });
            });
        });
    });
    Ok(())
}

fn findings(ui: &mut egui::Ui, list: &[Finding], colour: egui::Color32) {
    for f in list {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(format!("{:+}", f.points))
                    .strong()
                    .color(colour),
            );
            let harm = if f.harmful { " ⚠ harmful" } else { "" };
            ui.add(egui::Label::new(format!("{}{harm}", f.reason)).wrap());
            ui.label(
                egui::RichText::new(format!(
                    "minute {}, step {} · {}",
                    f.minute,
                    f.turn,
                    f.objectives.join(" ")
                ))
                .small()
                .color(palette::muted()),
            );
        });
    }
}
