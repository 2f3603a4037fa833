//! Colours, in two themes: a calm dark one with one accent, and a high-contrast one (black, white and
//! saturated signal colours). Green, amber and red carry meaning (good, warning, bad) and are never the
//! only sign of it: texts, shapes and faces say the same thing. Every text colour meets a contrast of at
//! least 4.5:1 (WCAG AA) against the backgrounds it is drawn on, in both themes (tested below).

use bevy_egui::egui::{self, Color32};
use std::sync::atomic::{AtomicBool, Ordering};

/// One theme's colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub accent: Color32,
    pub good: Color32,
    pub warn: Color32,
    pub bad: Color32,
    pub text: Color32,
    pub muted: Color32,
    pub caller: Color32,
    pub console_bg: Color32,
    pub console_text: Color32,
    pub panel: Color32,
    pub background: Color32,
    /// Inside text fields and behind progress bars.
    pub field: Color32,
}

pub const DARK: Palette = Palette {
    accent: Color32::from_rgb(64, 170, 190),
    good: Color32::from_rgb(96, 190, 110),
    warn: Color32::from_rgb(230, 170, 60),
    bad: Color32::from_rgb(240, 110, 100),
    text: Color32::from_rgb(225, 228, 232),
    muted: Color32::from_rgb(150, 156, 165),
    caller: Color32::from_rgb(240, 214, 150),
    console_bg: Color32::from_rgb(14, 17, 20),
    console_text: Color32::from_rgb(170, 230, 170),
    panel: Color32::from_rgb(30, 34, 40),
    background: Color32::from_rgb(22, 25, 30),
    field: Color32::from_rgb(22, 25, 30),
};

pub const HIGH_CONTRAST: Palette = Palette {
    accent: Color32::from_rgb(0, 230, 255),
    good: Color32::from_rgb(80, 255, 120),
    warn: Color32::from_rgb(255, 215, 0),
    bad: Color32::from_rgb(255, 150, 150),
    text: Color32::WHITE,
    muted: Color32::from_rgb(215, 215, 215),
    caller: Color32::from_rgb(255, 235, 160),
    console_bg: Color32::BLACK,
    console_text: Color32::from_rgb(150, 255, 150),
    panel: Color32::BLACK,
    background: Color32::BLACK,
    field: Color32::from_rgb(35, 35, 35),
};

static HIGH: AtomicBool = AtomicBool::new(false);

/// Switches the theme every colour below reads.
pub fn set_high_contrast(on: bool) {
    HIGH.store(on, Ordering::Relaxed);
}

pub fn high_contrast() -> bool {
    HIGH.load(Ordering::Relaxed)
}

/// The theme in use.
pub fn current() -> &'static Palette {
    if high_contrast() {
        &HIGH_CONTRAST
    } else {
        &DARK
    }
}

pub fn accent() -> Color32 {
    current().accent
}
pub fn good() -> Color32 {
    current().good
}
pub fn warn() -> Color32 {
    current().warn
}
pub fn bad() -> Color32 {
    current().bad
}
pub fn muted() -> Color32 {
    current().muted
}
pub fn caller() -> Color32 {
    current().caller
}
pub fn console_bg() -> Color32 {
    current().console_bg
}
pub fn console_text() -> Color32 {
    current().console_text
}

/// egui's visuals for the theme in use.
pub fn visuals() -> egui::Visuals {
    let p = current();
    let mut v = egui::Visuals::dark();
    v.panel_fill = p.panel;
    v.window_fill = p.panel;
    v.extreme_bg_color = p.field;
    v.override_text_color = Some(p.text);
    v.hyperlink_color = p.accent;
    if high_contrast() {
        // Solid outlines on every widget and a bright focus ring, so a control is found without colour.
        v.selection.bg_fill = Color32::from_rgb(0, 90, 110);
        v.selection.stroke = egui::Stroke::new(2.0, Color32::WHITE);
        for w in [
            &mut v.widgets.noninteractive,
            &mut v.widgets.inactive,
            &mut v.widgets.hovered,
            &mut v.widgets.active,
            &mut v.widgets.open,
        ] {
            w.bg_stroke = egui::Stroke::new(1.5, Color32::WHITE);
            w.fg_stroke = egui::Stroke::new(1.5, Color32::WHITE);
        }
        v.widgets.inactive.bg_fill = Color32::from_rgb(20, 20, 20);
        v.widgets.inactive.weak_bg_fill = Color32::from_rgb(20, 20, 20);
        v.widgets.hovered.bg_fill = Color32::from_rgb(0, 70, 90);
        v.widgets.hovered.weak_bg_fill = Color32::from_rgb(0, 70, 90);
        v.widgets.hovered.bg_stroke = egui::Stroke::new(2.5, p.warn);
        v.widgets.active.bg_stroke = egui::Stroke::new(2.5, p.warn);
    } else {
        v.selection.bg_fill = p.accent.linear_multiply(0.6);
    }
    v
}

/// Green to red as a value goes from good to bad (0.0 good … 1.0 bad).
pub fn severity(x: f32) -> Color32 {
    if x < 0.5 {
        good()
    } else if x < 0.8 {
        warn()
    } else {
        bad()
    }
}

/// WCAG 2 relative luminance of an sRGB colour.
pub fn luminance(c: Color32) -> f64 {
    let lin = |v: u8| {
        let s = v as f64 / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: Color32, b: Color32) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Every pair of text colour and background the screens draw, by name, for the contrast check.
pub fn text_pairs(p: &Palette) -> Vec<(&'static str, Color32, &'static str, Color32)> {
    let texts = [
        ("text", p.text),
        ("muted", p.muted),
        ("accent", p.accent),
        ("good", p.good),
        ("warn", p.warn),
        ("bad", p.bad),
        ("caller", p.caller),
    ];
    let mut out = Vec::new();
    for (tn, t) in texts {
        for (bn, b) in [
            ("panel", p.panel),
            ("background", p.background),
            ("field", p.field),
        ] {
            out.push((tn, t, bn, b));
        }
    }
    for (tn, t) in [
        ("console text", p.console_text),
        ("accent", p.accent),
        ("muted", p.muted),
    ] {
        out.push((tn, t, "console", p.console_bg));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_ratios_follow_the_wcag_formula() {
        assert!((contrast(Color32::WHITE, Color32::BLACK) - 21.0).abs() < 1e-9);
        assert!((contrast(Color32::BLACK, Color32::BLACK) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        let grey = Color32::from_rgb(0x76, 0x76, 0x76);
        assert!((contrast(grey, Color32::WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn every_text_colour_meets_4_5_to_1_in_both_themes() {
        for (name, p, floor) in [("dark", &DARK, 4.5), ("high contrast", &HIGH_CONTRAST, 7.0)] {
            for (tn, t, bn, b) in text_pairs(p) {
                let r = contrast(t, b);
                assert!(r >= floor, "{name}: {tn} on {bn} is {r:.2}:1");
            }
        }
    }
}
