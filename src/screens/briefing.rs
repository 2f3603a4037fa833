//! Briefing: what the ticket is about, who is calling, the SLA, and the replay code.

use super::{Screen, ScreenUi};
use crate::scenarios::{Library, Objectives, ScenarioAsset};
use crate::session::{Intent, Selection};
use crate::theme::{palette, widgets};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use helpdesk_core::engine::World;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        ui.in_set(ScreenUi).run_if(in_state(Screen::Briefing)),
    );
}

fn ui(
    mut contexts: EguiContexts,
    sel: Res<Selection>,
    lib: Res<Library>,
    assets: Res<Assets<ScenarioAsset>>,
    objectives: Res<Objectives>,
    mut intents: MessageWriter<Intent>,
    mut seed_text: Local<(u64, String)>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let Some(sc) = sel.scenario.as_deref().and_then(|id| lib.get(&assets, id)) else {
        widgets::root(&ctx, |root| {
            egui::CentralPanel::default().show(root, |ui| {
                ui.label("That scenario is not loaded.");
                if ui.button("Back").clicked() {
                    intents.write(Intent::Go(Screen::Picker));
                }
            });
        });
        return Ok(());
    };
    let world = World::new(sc.clone(), sel.seed, None);
    let draw = &world.draw;
    // Follow seed changes made elsewhere (retry with a new code); keep what the trainee is typing.
    if seed_text.0 != sel.seed || seed_text.1.is_empty() {
        *seed_text = (sel.seed, sel.seed.to_string());
    }
    let text = &mut seed_text.1;
    widgets::root(&ctx, |root| {
        egui::CentralPanel::default().show(root, |ui| {
            if ui.button("Back to the ticket list").clicked() {
                intents.write(Intent::Go(Screen::Picker));
            }
            ui.add_space(8.0);
            ui.label(
                egui::RichText::new(format!("Ticket {}", draw.ticket)).color(palette::muted()),
            );
            ui.label(egui::RichText::new(&sc.src.title).size(30.0));
            ui.label(egui::RichText::new(world.render_with(&sc.src.summary, None)).size(18.0));
            ui.add_space(10.0);
            egui::Grid::new("brief")
                .num_columns(2)
                .spacing([24.0, 8.0])
                .show(ui, |ui| {
                    ui.label("Caller");
                    ui.label(format!("{}, {}", draw.caller, draw.role));
                    ui.end_row();
                    ui.label("Channel");
                    ui.label(format!("{:?}", sc.src.channel));
                    ui.end_row();
                    ui.label("Service level");
                    ui.label(format!(
                        "resolve or hand off within {} minutes (a good technician needs about {})",
                        sc.src.sla_minutes, sc.src.minutes
                    ));
                    ui.end_row();
                    ui.label("Category / priority");
                    ui.label(format!("{:?}, P{}", sc.src.category, sc.src.priority));
                    ui.end_row();
                    ui.label("A+ objectives");
                    ui.vertical(|ui| {
                        for o in sc.objectives() {
                            let title = objectives
                                .0
                                .objective(o)
                                .map(|r| r.objective.title.clone())
                                .unwrap_or_default();
                            ui.label(format!("{o}  {title}"));
                        }
                    });
                    ui.end_row();
                });
            ui.add_space(14.0);
            ui.horizontal(|ui| {
                ui.label("Replay code (seed):");
                let edit = ui.add(egui::TextEdit::singleline(text).desired_width(120.0));
                widgets::named(&edit, "Replay code (seed)");
                if edit.changed()
                    && let Ok(n) = text.trim().parse::<u64>()
                {
                    intents.write(Intent::SetSeed(n));
                }
                if ui.button("New code").clicked() {
                    intents.write(Intent::SetSeed(helpdesk_core::cli::fresh_seed()));
                }
                ui.label(
                    egui::RichText::new("The same code gives the same caller and fault.")
                        .small()
                        .color(palette::muted()),
                );
            });
            let mut coach = sel.coach;
            if ui
                .checkbox(
                    &mut coach,
                    "Coach hints (which step you are on, what is still unknown)",
                )
                .changed()
            {
                intents.write(Intent::SetCoach(coach));
            }
            ui.add_space(14.0);
            if ui
                .add(
                    egui::Button::new(egui::RichText::new("Take the call  ▶").size(20.0))
                        .min_size(egui::vec2(220.0, 44.0)),
                )
                .clicked()
            {
                intents.write(Intent::Begin);
            }
        });
    });
    Ok(())
}
