//! Colours. A calm dark theme with one accent; green, amber and red carry meaning (good, warning, bad)
//! and are never the only sign of it: texts and faces say the same thing.

use bevy_egui::egui::{self, Color32};

pub const ACCENT: Color32 = Color32::from_rgb(64, 170, 190);
pub const GOOD: Color32 = Color32::from_rgb(96, 190, 110);
pub const WARN: Color32 = Color32::from_rgb(230, 170, 60);
pub const BAD: Color32 = Color32::from_rgb(225, 90, 80);
pub const TEXT: Color32 = Color32::from_rgb(225, 228, 232);
pub const MUTED: Color32 = Color32::from_rgb(150, 156, 165);
pub const CALLER: Color32 = Color32::from_rgb(240, 214, 150);
pub const CONSOLE_BG: Color32 = Color32::from_rgb(14, 17, 20);
pub const CONSOLE_TEXT: Color32 = Color32::from_rgb(170, 230, 170);
pub const PANEL: Color32 = Color32::from_rgb(30, 34, 40);
pub const BACKGROUND: Color32 = Color32::from_rgb(22, 25, 30);

pub fn visuals() -> egui::Visuals {
    let mut v = egui::Visuals::dark();
    v.panel_fill = PANEL;
    v.window_fill = PANEL;
    v.extreme_bg_color = BACKGROUND;
    v.override_text_color = Some(TEXT);
    v.selection.bg_fill = ACCENT.linear_multiply(0.6);
    v.hyperlink_color = ACCENT;
    v
}

/// Green to red as a value goes from good to bad (0.0 good … 1.0 bad).
pub fn severity(x: f32) -> Color32 {
    if x < 0.5 {
        GOOD
    } else if x < 0.8 {
        WARN
    } else {
        BAD
    }
}
