//! helpdesk-sim, the desktop app: a thin Bevy shell over `helpdesk-core`.
//!
//! Each feature is one plugin in its own file; [`plugin`] wires them in the order a reader meets them:
//!
//! | module | what it does |
//! |---|---|
//! | [`scenarios`] | scenario files as Bevy assets, validated by the core, hot-reloaded |
//! | [`session`] | the ticket being worked, changed only through [`session::Intent`] messages; records and exams |
//! | [`delivery`] | sends the records' xAPI statements to an LRS in the background |
//! | [`screens`] | one app state and one plugin per screen: home, picker, briefing, ticket, debrief, progress, exam |
//! | [`theme`] | colours, fonts, UI scale and the small widgets the screens share |
//! | [`script`] | `--play-script` and `--screenshot`: drive the app and capture the real window |
//! | [`a11y`] | screen-reader live regions, keyboard input for scripts, `--accessibility-tree` |
//!
//! The UI calls the core for every rule; no scoring or game logic lives here.

pub mod a11y;
pub mod delivery;
pub mod scenarios;
pub mod screens;
pub mod script;
pub mod session;
pub mod theme;

use bevy::prelude::*;
use std::path::PathBuf;

/// How the app was started.
#[derive(Resource, Debug, Clone)]
pub struct AppOptions {
    /// The scenario library folder.
    pub scenarios: PathBuf,
    /// Save a PNG of the window here once the script has run, then exit.
    pub screenshot: Option<PathBuf>,
    /// Steps to drive the app through before the screenshot.
    pub play_script: Option<PathBuf>,
    pub trainee: Option<String>,
    pub data_dir: Option<PathBuf>,
    /// Write the accessibility tree of the screen at the end of the script here, as JSON.
    pub accessibility_tree: Option<PathBuf>,
}

impl AppOptions {
    /// The options the app was built with (defaults when none were inserted).
    pub fn of(app: &App) -> AppOptions {
        app.world()
            .get_resource::<AppOptions>()
            .cloned()
            .unwrap_or_default()
    }
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            scenarios: PathBuf::from("scenarios"),
            screenshot: None,
            play_script: None,
            trainee: None,
            data_dir: None,
            accessibility_tree: None,
        }
    }
}

/// Everything but the window and the egui screens: what headless tests run.
pub fn core_plugin(app: &mut App) {
    app.add_plugins((
        scenarios::plugin,
        session::plugin,
        screens::state_plugin,
        script::plugin,
    ));
}

/// The whole app on top of Bevy's default plugins.
pub fn plugin(app: &mut App) {
    core_plugin(app);
    app.add_plugins((theme::plugin, screens::plugin, delivery::plugin));
}

/// The desktop app with a real window.
pub fn window_app(options: AppOptions) -> App {
    use bevy::winit::{UpdateMode, WinitSettings};
    use std::time::Duration;
    let mut app = App::new();
    let capturing = options.screenshot.is_some() || options.play_script.is_some();
    scenarios::register_scenario_source(&mut app, &options.scenarios);
    app.insert_resource(options.clone())
        .insert_resource(ClearColor(Color::srgb(0.086, 0.098, 0.118)))
        // Idle costs nothing: redraw on input, or once a second to notice reloads.
        .insert_resource(if capturing {
            WinitSettings::continuous()
        } else {
            WinitSettings {
                // Raw device events (mouse motion anywhere on the screen) would wake an idle window
                // all the time; window and input events still do.
                focused_mode: UpdateMode::Reactive {
                    wait: Duration::from_secs(1),
                    react_to_device_events: false,
                    react_to_user_events: true,
                    react_to_window_events: true,
                },
                unfocused_mode: UpdateMode::reactive_low_power(Duration::from_secs(5)),
            }
        })
        .add_plugins(
            DefaultPlugins
                .set(WindowPlugin {
                    primary_window: Some(Window {
                        title: "helpdesk-sim".into(),
                        resolution: (1280, 800).into(),
                        ..default()
                    }),
                    ..default()
                })
                .set(AssetPlugin {
                    meta_check: bevy::asset::AssetMetaCheck::Never,
                    ..default()
                }),
        )
        .add_plugins(bevy_egui::EguiPlugin::default())
        .add_systems(Startup, |mut commands: Commands| {
            commands.spawn(Camera2d);
        });
    if std::env::var_os("HELPDESK_FRAME_STATS").is_some() {
        app.add_systems(Last, frame_stats);
    }
    app.add_plugins((plugin, a11y::plugin));
    if let Some(name) = &options.trainee {
        app.world_mut()
            .write_message(session::Intent::SetTrainee(name.clone()));
    }
    app
}

/// The app without a window or renderer: assets, states, sessions and scripts. Tests use it.
pub fn headless_app(options: AppOptions) -> App {
    let mut app = App::new();
    scenarios::register_scenario_source(&mut app, &options.scenarios);
    app.insert_resource(options)
        .add_plugins((
            MinimalPlugins,
            AssetPlugin {
                meta_check: bevy::asset::AssetMetaCheck::Never,
                watch_for_changes_override: Some(true),
                ..default()
            },
            bevy::state::app::StatesPlugin,
        ))
        .add_plugins(core_plugin);
    app
}

/// With `HELPDESK_FRAME_STATS` set, prints how many frames ran in each two-second window: the way to
/// check that an idle window really stops drawing.
fn frame_stats(
    mut state: Local<Option<(std::time::Instant, u64, u64)>>,
    mut redraws: MessageReader<bevy::window::RequestRedraw>,
) {
    let (since, frames, requests) = state.get_or_insert((std::time::Instant::now(), 0, 0));
    *frames += 1;
    *requests += redraws.read().count() as u64;
    if since.elapsed().as_secs_f64() >= 2.0 {
        println!(
            "frames in the last {:.1} s: {frames} ({requests} redraw requests)",
            since.elapsed().as_secs_f64()
        );
        *state = Some((std::time::Instant::now(), 0, 0));
    }
}
