//! Look and feel: colours and the high-contrast theme (F2, remembered), readable fonts, UI scale (Ctrl+= /
//! Ctrl+- / Ctrl+0), the keyboard help (F1) and the small widgets the screens share.

pub mod palette;
pub mod widgets;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiInput, EguiPreUpdateSet, EguiPrimaryContextPass, egui};

pub fn plugin(app: &mut App) {
    let dir = app
        .world()
        .get_resource::<crate::session::Records>()
        .map(|r| r.dir.clone());
    let settings = dir.as_deref().map(Settings::load).unwrap_or_default();
    palette::set_high_contrast(settings.high_contrast);
    app.init_resource::<UiScale>()
        .insert_resource(settings)
        .init_resource::<Help>()
        .add_systems(
            EguiPrimaryContextPass,
            (theme_keys, apply_style, zoom_keys, help_overlay)
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

/// What the trainee chose that outlives the session: kept as `settings.ron` in the data folder.
#[derive(
    Resource, Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(default)]
pub struct Settings {
    pub high_contrast: bool,
}

/// The settings file's name inside the data folder.
pub const SETTINGS_FILE: &str = "settings.ron";

impl Settings {
    /// The saved settings; defaults when there are none or the file cannot be read (it is then left
    /// alone, not overwritten, until the trainee changes a setting).
    pub fn load(dir: &std::path::Path) -> Settings {
        std::fs::read_to_string(dir.join(SETTINGS_FILE))
            .ok()
            .and_then(|t| ron::from_str(&t).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, dir: &std::path::Path) {
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default());
        if let Ok(text) = text {
            let _ = std::fs::create_dir_all(dir);
            let tmp = dir.join(format!(".{SETTINGS_FILE}.tmp"));
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, dir.join(SETTINGS_FILE));
            }
        }
    }
}

/// Turns the high-contrast theme on or off, and remembers the choice in the data folder.
pub fn set_high_contrast(
    settings: &mut Settings,
    records: Option<&crate::session::Records>,
    on: bool,
) {
    settings.high_contrast = on;
    palette::set_high_contrast(on);
    if let Some(r) = records {
        settings.save(&r.dir);
    }
}

/// F2 switches the theme on every screen.
fn theme_keys(
    mut contexts: EguiContexts,
    mut settings: ResMut<Settings>,
    records: Option<Res<crate::session::Records>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if ctx.input(|i| i.key_pressed(egui::Key::F2)) {
        let on = !settings.high_contrast;
        set_high_contrast(&mut settings, records.as_deref(), on);
    }
    Ok(())
}

/// Whether the keyboard help is showing.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Help(pub bool);

/// The keys of every screen, for the help overlay (F1 or `?`).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("F1 or ?", "show or hide this help"),
    ("Tab / Shift+Tab", "move to the next / previous control"),
    (
        "Enter or Space",
        "press the focused button, tick the focused box",
    ),
    ("Arrow keys", "change the focused slider or list choice"),
    (
        "1 – 9",
        "on a ticket: pick that reply while the caller waits",
    ),
    ("Ctrl+C / Ctrl+V", "copy and paste in any text field"),
    ("F2", "high-contrast theme on or off (remembered)"),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "bigger, smaller, normal text"),
    ("Esc", "close this help, or a drop-down"),
];

fn help_overlay(mut contexts: EguiContexts, mut help: ResMut<Help>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let typing = ctx.egui_wants_keyboard_input();
    let (f1, question, esc) = ctx.input(|i| {
        (
            i.key_pressed(egui::Key::F1),
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::Text(t) if t == "?")),
            i.key_pressed(egui::Key::Escape),
        )
    });
    if f1 || (question && !typing) {
        help.0 = !help.0;
    } else if esc {
        help.0 = false;
    }
    if help.0 {
        let mut open = true;
        egui::Window::new("Keyboard help")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.label(egui::RichText::new(*keys).strong());
                        ui.label(*what);
                        ui.end_row();
                    }
                });
            });
        help.0 = open;
    }
    Ok(())
}

fn apply_style(mut contexts: EguiContexts, mut applied: Local<Option<bool>>) -> Result {
    let high = palette::high_contrast();
    if *applied == Some(high) {
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
    *applied = Some(high);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_remembered_and_a_bad_file_is_left_alone() {
        let dir = std::env::temp_dir().join(format!("helpdesk-settings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(Settings::load(&dir), Settings::default());
        let on = Settings {
            high_contrast: true,
        };
        on.save(&dir);
        assert_eq!(Settings::load(&dir), on);
        std::fs::write(dir.join(SETTINGS_FILE), "(high_contrast: maybe").unwrap();
        assert_eq!(Settings::load(&dir), Settings::default());
        assert_eq!(
            std::fs::read_to_string(dir.join(SETTINGS_FILE)).unwrap(),
            "(high_contrast: maybe",
            "loading never rewrites the file"
        );
    }
}
