//! Exam mode: the set-up (Core 1 or Core 2, how many tickets, or an exam code to replay) and the result
//! on the 100–900 scale with its per-domain breakdown and how it was computed.

use super::{Screen, ScreenUi};
use crate::session::{Active, ExamRun, Intent};
use crate::theme::{palette, widgets};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use helpdesk_core::exam;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        (
            setup.run_if(in_state(Screen::ExamSetup)),
            result.run_if(in_state(Screen::ExamResult)),
        )
            .in_set(ScreenUi),
    );
}

/// What the set-up form holds.
struct Form {
    exam: String,
    tickets: usize,
    code: String,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            exam: "1201".into(),
            tickets: 6,
            code: String::new(),
        }
    }
}

fn setup(
    mut contexts: EguiContexts,
    active: Res<Active>,
    mut intents: MessageWriter<Intent>,
    mut form: Local<Form>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    widgets::root(&ctx, |root| {
        egui::CentralPanel::default().show(root, |ui| {
            if ui.button("Back home").clicked() {
                intents.write(Intent::Go(Screen::Home));
            }
            widgets::heading(ui, "Exam mode");
            ui.label("A timed self-test: tickets drawn by the exam's domain weights, one clock for the whole exam, no hints and no feedback until you hand it in.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                ui.radio_value(&mut form.exam, "1201".to_string(), "Core 1 (220-1201)");
                ui.radio_value(&mut form.exam, "1202".to_string(), "Core 2 (220-1202)");
            });
            ui.add(egui::Slider::new(&mut form.tickets, exam::MIN_ITEMS..=12).text("tickets"));
            ui.horizontal(|ui| {
                ui.label("or replay an exam code:");
                let code = ui.add(egui::TextEdit::singleline(&mut form.code).hint_text("1201-6-48213").desired_width(160.0));
                widgets::named(&code, "Exam code to replay");
            });
            ui.add_space(8.0);
            if ui.add(egui::Button::new(egui::RichText::new("Start the exam").size(18.0))).clicked() {
                let code = form.code.trim();
                intents.write(Intent::StartExam {
                    exam: form.exam.clone(),
                    tickets: form.tickets,
                    code: (!code.is_empty()).then(|| code.to_string()),
                });
            }
            if let Some(why) = &active.refusal {
                ui.label(egui::RichText::new(why).color(palette::warn()));
            }
        });
    });
    Ok(())
}

fn result(
    mut contexts: EguiContexts,
    run: Res<ExamRun>,
    mut intents: MessageWriter<Intent>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let (Some((r, timed_out)), Some(paper)) = (run.result.as_ref(), run.paper.as_ref()) else {
        return Ok(());
    };
    widgets::root(&ctx, |root| {
        egui::CentralPanel::default().show(root, |ui| {
            ui.horizontal(|ui| {
                let colour = if r.passed {
                    palette::good()
                } else {
                    palette::bad()
                };
                ui.label(
                    egui::RichText::new(r.scaled.to_string())
                        .size(52.0)
                        .color(colour),
                );
                ui.vertical(|ui| {
                    ui.label(
                        egui::RichText::new(format!(
                            "{} — {}",
                            r.name,
                            if r.passed { "PASS" } else { "NOT YET" }
                        ))
                        .size(22.0)
                        .color(colour),
                    );
                    ui.label(format!(
                        "Pass mark {} on a 100–900 scale · raw {:.0} % · exam code {}{}",
                        r.pass,
                        r.raw,
                        paper.code(),
                        if *timed_out { " · time ran out" } else { "" }
                    ));
                });
            });
            ui.add_space(10.0);
            widgets::heading(ui, "By domain");
            for d in &r.domains {
                widgets::score_bar(
                    ui,
                    &format!("{}. {} ({} %)", d.number, d.name, d.weight),
                    d.raw,
                    &format!("scaled {} · {} ticket(s)", d.scaled, d.items),
                );
            }
            ui.add_space(10.0);
            widgets::heading(ui, "Tickets");
            for (i, it) in paper.items.iter().enumerate() {
                let p = run.percents.get(i).copied().flatten();
                ui.label(format!(
                    "{}. {} (domain {}) — {}",
                    i + 1,
                    it.scenario,
                    it.domain,
                    p.map_or("not reached".to_string(), |p| format!("{p:.0} %"))
                ));
            }
            ui.add_space(10.0);
            widgets::heading(ui, "How this score is computed");
            ui.label(egui::RichText::new(exam::explanation(r.pass)).color(palette::muted()));
            ui.add_space(10.0);
            ui.horizontal(|ui| {
                if ui.button("My progress").clicked() {
                    intents.write(Intent::Go(Screen::Progress));
                }
                if ui.button("Home").clicked() {
                    intents.write(Intent::Go(Screen::Home));
                }
            });
        });
    });
    Ok(())
}
