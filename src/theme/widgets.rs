//! Widgets the screens share.

use super::palette;
use bevy_egui::egui::{self, RichText, Ui};

/// A root `Ui` covering the window, for panels to be laid out in.
pub fn root(ctx: &egui::Context, add: impl FnOnce(&mut Ui)) {
    let mut ui = Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    add(&mut ui);
}

/// Draws a face for a frustration level: it smiles when calm and frowns more as frustration nears
/// the caller's patience, in the same colour as the meter. Drawn, so it needs no emoji font.
pub fn face(ui: &mut Ui, mood: i32, patience: i32) {
    let frac = (mood as f32 / patience.max(1) as f32).clamp(0.0, 1.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(28.0, 28.0), egui::Sense::hover());
    let p = ui.painter();
    let c = rect.center();
    let r = rect.width() / 2.0 - 1.0;
    p.circle_filled(c, r, palette::severity(frac));
    let ink = egui::Color32::from_gray(20);
    for dx in [-0.35, 0.35] {
        p.circle_filled(c + egui::vec2(dx * r, -0.25 * r), 0.12 * r, ink);
    }
    // The mouth: a curve from a smile (calm) through flat to a frown (at the limit).
    let bend = 0.35 - 0.7 * frac;
    let points: Vec<egui::Pos2> = (0..=8)
        .map(|i| {
            let t = i as f32 / 8.0 * 2.0 - 1.0;
            c + egui::vec2(0.45 * r * t, r * (0.35 + bend * (1.0 - t * t) - bend))
        })
        .collect();
    p.add(egui::Shape::line(points, egui::Stroke::new(2.0, ink)));
}

/// A word for a frustration level, so colour is never the only sign.
pub fn mood_word(mood: i32) -> &'static str {
    match mood {
        i32::MIN..=19 => "calm",
        20..=39 => "uneasy",
        40..=59 => "frustrated",
        60..=79 => "angry",
        _ => "furious",
    }
}

/// The caller's mood: a face, a word and a meter that fills towards their patience.
pub fn mood_meter(ui: &mut Ui, mood: i32, patience: i32) {
    let frac = (mood as f32 / patience.max(1) as f32).clamp(0.0, 1.0);
    ui.horizontal(|ui| {
        face(ui, mood, patience);
        ui.vertical(|ui| {
            ui.label(
                RichText::new(format!("Caller is {} ({mood}/{patience})", mood_word(mood))).small(),
            );
            ui.add(
                egui::ProgressBar::new(frac)
                    .desired_width(170.0)
                    .fill(palette::severity(frac)),
            );
        });
    });
}

/// A labelled bar for a score share (0–100).
pub fn score_bar(ui: &mut Ui, label: &str, percent: f64, detail: &str) {
    ui.horizontal(|ui| {
        ui.add_sized([150.0, 20.0], egui::Label::new(label));
        let frac = (percent / 100.0).clamp(0.0, 1.0) as f32;
        ui.add(
            egui::ProgressBar::new(frac)
                .desired_width(220.0)
                .fill(palette::severity(1.0 - frac))
                .text(format!("{percent:.0} %")),
        );
        ui.add(egui::Label::new(RichText::new(detail).small().color(palette::muted())).truncate())
            .on_hover_text(detail);
    });
}

/// A heading with a little space above it.
pub fn heading(ui: &mut Ui, text: &str) {
    ui.add_space(6.0);
    ui.label(RichText::new(text).heading());
    ui.add_space(2.0);
}

/// One diagnostic: `file:line:col`, the message, where in the document, and the hint.
pub fn diagnostic(ui: &mut Ui, d: &helpdesk_core::Diagnostic) {
    ui.label(
        RichText::new(d.location())
            .monospace()
            .color(palette::warn()),
    );
    ui.label(format!("    {}", d.message));
    if let Some(p) = &d.path {
        ui.label(
            RichText::new(format!("    at {p}"))
                .small()
                .color(palette::muted()),
        );
    }
    if let Some(h) = &d.hint {
        ui.label(
            RichText::new(format!("    hint: {h}"))
                .small()
                .color(palette::accent()),
        );
    }
}

/// The library's load errors, with file, line:column and hint.
pub fn error_list(ui: &mut Ui, errors: &crate::scenarios::ScenarioErrors) {
    let snapshot = errors.snapshot();
    if snapshot.is_empty() {
        return;
    }
    let n: usize = snapshot.values().map(Vec::len).sum();
    egui::CollapsingHeader::new(
        RichText::new(format!("⚠ {n} error(s) in {} file(s)", snapshot.len()))
            .color(palette::warn()),
    )
    .default_open(true)
    .show(ui, |ui| {
        egui::ScrollArea::vertical()
            .max_height(260.0)
            .show(ui, |ui| {
                for d in snapshot.values().flatten() {
                    diagnostic(ui, d);
                }
            });
    });
}

/// Gives a control its accessible name, for controls whose visible label stands beside them (a text
/// field, a drop-down, a number box) and so is not part of the widget: a screen reader reads the name
/// when the control gets focus.
pub fn named(r: &egui::Response, name: &str) {
    r.ctx
        .accesskit_node_builder(r.id, |node| node.set_label(name));
}
