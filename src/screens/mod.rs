//! One app state per screen, one plugin per screen file.

mod author;
mod briefing;
mod debrief;
mod exam;
mod home;
mod picker;
mod progress;
mod ticket;

use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

/// The screen on show.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// Who is training, and the way in to each mode.
    #[default]
    Home,
    /// Choose a scenario by domain, objective, channel and difficulty.
    Picker,
    /// The ticket summary and the replay code before starting.
    Briefing,
    /// Working the ticket.
    Ticket,
    /// Scores, findings and the best path after the ticket ends.
    Debrief,
    /// Mastery per objective, what to practise next, attempt and exam history.
    Progress,
    /// Choose Core 1 or Core 2 and the number of tickets, or enter an exam code.
    ExamSetup,
    /// The 100–900 result, per domain, and how it is computed.
    ExamResult,
    /// For supervisors: one scenario file's errors, solver report and outline, live on every save.
    Author,
}

impl Screen {
    pub fn parse(s: &str) -> Option<Screen> {
        Some(match s.to_ascii_lowercase().as_str() {
            "home" => Screen::Home,
            "picker" => Screen::Picker,
            "briefing" => Screen::Briefing,
            "ticket" => Screen::Ticket,
            "debrief" => Screen::Debrief,
            "progress" => Screen::Progress,
            "exam" | "examsetup" => Screen::ExamSetup,
            "examresult" | "result" => Screen::ExamResult,
            "author" => Screen::Author,
            _ => return None,
        })
    }
}

/// The egui systems that draw screens; the theme runs before them.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScreenUi;

/// The screen state alone, for headless apps.
pub fn state_plugin(app: &mut App) {
    app.init_state::<Screen>();
    author::data_plugin(app);
}

pub use author::AuthorView;

/// Every screen's UI.
pub fn plugin(app: &mut App) {
    app.configure_sets(EguiPrimaryContextPass, ScreenUi);
    app.add_plugins((
        home::plugin,
        picker::plugin,
        briefing::plugin,
        ticket::plugin,
        debrief::plugin,
        progress::plugin,
        exam::plugin,
    ));
    app.add_plugins(author::plugin);
}
