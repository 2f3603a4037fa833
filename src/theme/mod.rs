//! Look and feel: colours, readable fonts, UI scale (Ctrl+= / Ctrl+- / Ctrl+0) and the small widgets the
//! screens share.

pub mod palette;
pub mod widgets;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiInput, EguiPreUpdateSet, EguiPrimaryContextPass, egui};

pub fn plugin(app: &mut App) {
    app.init_resource::<UiScale>().add_systems(
        EguiPrimaryContextPass,
        (apply_style, zoom_keys)
            .chain()
            .before(crate::screens::ScreenUi),
    );
    app.add_systems(
        PreUpdate,
        drop_unchanged_modifiers
            .after(EguiPreUpdateSet::ProcessInput)
            .before(EguiPreUpdateSet::BeginPass),
    );
}

/// The UI scale the trainee chose.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct UiScale(pub f32);

impl Default for UiScale {
    fn default() -> Self {
        UiScale(1.0)
    }
}

/// Smallest and largest UI scale.
pub const SCALE_RANGE: (f32, f32) = (0.6, 2.5);
/// How much one Ctrl+= or Ctrl+- changes the scale.
pub const SCALE_STEP: f32 = 1.1;

fn apply_style(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    ctx.options_mut(|o| o.zoom_with_keyboard = false);
    ctx.set_visuals(palette::visuals());
    ctx.all_styles_mut(|style| {
        use egui::{FontFamily, FontId, TextStyle};
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(24.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(16.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(16.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(14.5, FontFamily::Monospace),
            ),
            (
                TextStyle::Small,
                FontId::new(13.0, FontFamily::Proportional),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
    });
    *done = true;
    Ok(())
}

fn zoom_keys(
    mut contexts: EguiContexts,
    mut scale: ResMut<UiScale>,
    mut applied: Local<Option<f32>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let (bigger, smaller, reset) = ctx.input(|i| {
        let cmd = i.modifiers.command;
        (
            cmd && (i.key_pressed(egui::Key::Equals) || i.key_pressed(egui::Key::Plus)),
            cmd && i.key_pressed(egui::Key::Minus),
            cmd && i.key_pressed(egui::Key::Num0),
        )
    });
    let before = scale.0;
    if bigger {
        scale.0 *= SCALE_STEP;
    }
    if smaller {
        scale.0 /= SCALE_STEP;
    }
    if reset {
        scale.0 = 1.0;
    }
    scale.0 = scale.0.clamp(SCALE_RANGE.0, SCALE_RANGE.1);
    // Apply only on change: setting the zoom asks egui for a repaint, which would keep an idle window
    // drawing every frame.
    if scale.0 != before || *applied != Some(scale.0) {
        ctx.set_zoom_factor(scale.0);
        *applied = Some(scale.0);
    }
    Ok(())
}

/// bevy_egui hands egui the keyboard modifiers as an event on every frame, and egui repaints whenever it
/// has input, so an idle window would redraw forever. Pass the modifiers on only when they change.
fn drop_unchanged_modifiers(
    mut inputs: Query<&mut EguiInput>,
    mut last: Local<Option<egui::Modifiers>>,
) {
    for mut input in &mut inputs {
        input.0.events.retain(|e| match e {
            egui::Event::ModifiersChanged(m) if *last == Some(*m) => false,
            egui::Event::ModifiersChanged(m) => {
                *last = Some(*m);
                true
            }
            _ => true,
        });
    }
}
