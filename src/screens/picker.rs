//! Scenario picker: filter by A+ domain and objective, channel and difficulty; see the last score.

use super::{Screen, ScreenUi};
use crate::scenarios::{Library, Objectives, ScenarioAsset, ScenarioErrors};
use crate::session::{Intent, Progress};
use crate::theme::{palette, widgets};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use helpdesk_core::scenario::Channel;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Filters>().add_systems(
        EguiPrimaryContextPass,
        ui.in_set(ScreenUi).run_if(in_state(Screen::Picker)),
    );
}

/// What the trainee filters the list by.
#[derive(Resource, Default, Debug, Clone)]
pub struct Filters {
    /// A domain such as `1201-5`.
    pub domain: Option<String>,
    pub objective: Option<String>,
    pub channel: Option<Channel>,
    pub difficulty: Option<u8>,
}

fn ui(
    mut contexts: EguiContexts,
    lib: Res<Library>,
    assets: Res<Assets<ScenarioAsset>>,
    objectives: Res<Objectives>,
    progress: Res<Progress>,
    errors: Res<ScenarioErrors>,
    mut filters: ResMut<Filters>,
    mut intents: MessageWriter<Intent>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let cat = &objectives.0;
    let all = lib.scenarios(&assets);
    let shown: Vec<_> = all
        .iter()
        .filter(|s| {
            let objs = s.objectives();
            filters.domain.as_ref().is_none_or(|d| {
                objs.iter()
                    .any(|o| cat.objective(o).is_some_and(|r| &r.domain_id() == d))
            }) && filters.objective.as_ref().is_none_or(|o| objs.contains(o))
                && filters.channel.is_none_or(|c| s.src.channel == c)
                && filters.difficulty.is_none_or(|d| s.src.difficulty == d)
        })
        .collect();
    widgets::root(&ctx, |root| {
        egui::Panel::top("picker_top").show(root, |ui| {
            ui.horizontal(|ui| {
                if ui.button("Back to home").clicked() {
                    intents.write(Intent::Go(Screen::Home));
                }
                ui.heading("Choose a ticket");
                ui.label(
                    egui::RichText::new(format!("{} of {} shown", shown.len(), all.len()))
                        .color(palette::muted()),
                );
            });
            ui.horizontal_wrapped(|ui| {
                let domain_label = filters
                    .domain
                    .clone()
                    .unwrap_or_else(|| "All domains".into());
                ui.label("Domain");
                let combo = egui::ComboBox::from_id_salt("Domain")
                    .selected_text(domain_label)
                    .width(260.0)
                    .show_ui(ui, |ui| {
                        if ui
                            .selectable_label(filters.domain.is_none(), "All domains")
                            .clicked()
                        {
                            filters.domain = None;
                            filters.objective = None;
                        }
                        for exam in &cat.exams {
                            for d in &exam.domains {
                                let id = format!("{}-{}", exam.code, d.number);
                                if ui
                                    .selectable_label(
                                        filters.domain.as_ref() == Some(&id),
                                        format!("{id} {}", d.name),
                                    )
                                    .clicked()
                                {
                                    filters.domain = Some(id);
                                    filters.objective = None;
                                }
                            }
                        }
                    });
                crate::theme::widgets::named(&combo.response, "Domain");
                let obj_label = filters
                    .objective
                    .clone()
                    .unwrap_or_else(|| "All objectives".into());
                ui.label("Objective");
                let combo = egui::ComboBox::from_id_salt("Objective")
                    .selected_text(obj_label)
                    .width(120.0)
                    .show_ui(ui, |ui| {
                        if ui
                            .selectable_label(filters.objective.is_none(), "All objectives")
                            .clicked()
                        {
                            filters.objective = None;
                        }
                        for o in cat.all() {
                            if filters.domain.as_ref().is_some_and(|d| &o.domain_id() != d) {
                                continue;
                            }
                            let id = o.id();
                            if ui
                                .selectable_label(
                                    filters.objective.as_ref() == Some(&id),
                                    format!("{id} {}", o.objective.title),
                                )
                                .clicked()
                            {
                                filters.objective = Some(id);
                            }
                        }
                    });
                crate::theme::widgets::named(&combo.response, "Objective");
                ui.label("Channel");
                let combo = egui::ComboBox::from_id_salt("Channel")
                    .selected_text(filters.channel.map_or("Any".into(), |c| format!("{c:?}")))
                    .show_ui(ui, |ui| {
                        if ui
                            .selectable_label(filters.channel.is_none(), "Any")
                            .clicked()
                        {
                            filters.channel = None;
                        }
                        for c in [
                            Channel::Phone,
                            Channel::Chat,
                            Channel::Email,
                            Channel::WalkUp,
                        ] {
                            if ui
                                .selectable_label(filters.channel == Some(c), format!("{c:?}"))
                                .clicked()
                            {
                                filters.channel = Some(c);
                            }
                        }
                    });
                crate::theme::widgets::named(&combo.response, "Channel");
                ui.label("Difficulty");
                let combo = egui::ComboBox::from_id_salt("Difficulty")
                    .selected_text(filters.difficulty.map_or("Any".into(), stars))
                    .show_ui(ui, |ui| {
                        if ui
                            .selectable_label(filters.difficulty.is_none(), "Any")
                            .clicked()
                        {
                            filters.difficulty = None;
                        }
                        for d in 1..=5 {
                            if ui
                                .selectable_label(filters.difficulty == Some(d), stars(d))
                                .clicked()
                            {
                                filters.difficulty = Some(d);
                            }
                        }
                    });
                crate::theme::widgets::named(&combo.response, "Difficulty");
            });
        });
        egui::CentralPanel::default().show(root, |ui| {
            widgets::error_list(ui, &errors);
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::Grid::new("scenario_table")
                    .striped(true)
                    .num_columns(5)
                    .spacing([16.0, 8.0])
                    .show(ui, |ui| {
                        for h in [
                            "Ticket",
                            "Channel",
                            "Difficulty",
                            "Objectives",
                            "Last score",
                        ] {
                            ui.label(egui::RichText::new(h).strong());
                        }
                        ui.end_row();
                        for s in &shown {
                            ui.vertical(|ui| {
                                ui.set_width(520.0);
                                if ui
                                    .link(egui::RichText::new(&s.src.title).strong())
                                    .clicked()
                                {
                                    intents.write(Intent::Choose(s.id().to_string()));
                                }
                                ui.add(
                                    egui::Label::new(
                                        egui::RichText::new(neutral(&s.src.summary))
                                            .small()
                                            .color(palette::muted()),
                                    )
                                    .wrap(),
                                );
                            });
                            ui.label(format!("{:?}", s.src.channel));
                            ui.label(stars(s.src.difficulty));
                            ui.label(egui::RichText::new(s.objectives().join(" ")).small());
                            match progress.last_score(s.id()) {
                                Some(p) => ui.label(
                                    egui::RichText::new(format!("{p:.0} %"))
                                        .color(palette::severity(1.0 - p as f32 / 100.0)),
                                ),
                                None => ui.label(egui::RichText::new("—").color(palette::muted())),
                            };
                            ui.end_row();
                        }
                    });
            });
        });
    });
    Ok(())
}

fn stars(d: u8) -> String {
    "★".repeat(d as usize) + &"☆".repeat(5usize.saturating_sub(d as usize))
}

/// A summary with its placeholders in neutral words: the caller and the values depend on the seed.
fn neutral(text: &str) -> String {
    helpdesk_core::text::render(text, |name| {
        Some(
            match name {
                "caller" | "first_name" => "The caller",
                "role" => "a member of staff",
                "ticket" => "the ticket",
                _ => "…",
            }
            .to_string(),
        )
    })
}
