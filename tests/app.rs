//! Headless app tests: the library as assets, a session driven through the app's own systems, scripts,
//! and hot reload. No window and no renderer: MinimalPlugins, assets and states.

use bevy::prelude::*;
use helpdesk_sim::scenarios::{Library, ScenarioAsset, ScenarioErrors};
use helpdesk_sim::screens::Screen;
use helpdesk_sim::session::{Active, ExamRun, Intent, Progress, Records};
use helpdesk_sim::{AppOptions, headless_app};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A fresh library folder holding the starter scenario.
fn starter_library(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("helpdesk-app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(dir.with_extension("data"));
    std::fs::create_dir_all(dir.join("basics")).unwrap();
    std::fs::write(
        dir.join("basics/starter.ron"),
        helpdesk_core::cli::template("starter"),
    )
    .unwrap();
    dir
}

/// A headless app on `dir`, updated until every scenario file has loaded or failed.
fn app_on(dir: &Path) -> App {
    let mut app = headless_app(AppOptions {
        scenarios: dir.to_path_buf(),
        data_dir: Some(dir.with_extension("data")),
        ..default()
    });
    update_until(
        &mut app,
        Duration::from_secs(60),
        "the library to load",
        settled,
    );
    app
}

/// Updates until `done` holds, or fails after `limit`.
fn update_until(
    app: &mut App,
    limit: Duration,
    what: &str,
    mut done: impl FnMut(&mut App) -> bool,
) {
    let start = Instant::now();
    loop {
        app.update();
        if done(app) {
            return;
        }
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn settled(app: &mut App) -> bool {
    let world = app.world();
    world
        .resource::<Library>()
        .settled(world.resource::<AssetServer>())
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

fn send(app: &mut App, intent: Intent) {
    app.world_mut().write_message(intent);
    app.update();
    app.update();
}

fn title(app: &App, id: &str) -> Option<String> {
    let world = app.world();
    world
        .resource::<Library>()
        .get(world.resource::<Assets<ScenarioAsset>>(), id)
        .map(|s| s.src.title.clone())
}

#[test]
fn the_bundled_library_loads_as_assets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files = helpdesk_core::library::scenario_files(std::slice::from_ref(&root));
    let app = app_on(&root);
    let world = app.world();
    let loaded = world
        .resource::<Library>()
        .scenarios(world.resource::<Assets<ScenarioAsset>>());
    assert_eq!(
        loaded.len(),
        files.len(),
        "every file loads: {:?}",
        world.resource::<ScenarioErrors>().snapshot()
    );
    assert!(loaded.len() >= 8);
    assert_eq!(world.resource::<ScenarioErrors>().count(), 0);
}

#[test]
fn a_session_runs_from_the_picker_to_the_debrief_through_intents() {
    let dir = starter_library("session");
    let mut app = app_on(&dir);
    assert_eq!(screen(&app), Screen::Home);
    send(&mut app, Intent::SetTrainee("Ada".into()));
    send(&mut app, Intent::Practice);
    assert_eq!(screen(&app), Screen::Picker);
    send(&mut app, Intent::Choose("starter".into()));
    assert_eq!(screen(&app), Screen::Briefing);
    send(&mut app, Intent::SetSeed(7));
    send(&mut app, Intent::Begin);
    assert_eq!(screen(&app), Screen::Ticket);
    let variant = {
        let active = app.world().resource::<Active>();
        let s = active.session.as_ref().unwrap();
        s.scenario().src.variants[s.world.draw.variant].id.clone()
    };
    let keys = helpdesk_core::cli::template("starter");
    let sc = helpdesk_core::scenario::load_bytes(
        Path::new("s.ron"),
        keys.as_bytes(),
        &helpdesk_core::Catalogue::bundled(),
    )
    .unwrap();
    for key in &sc.src.walkthroughs[&variant] {
        send(&mut app, Intent::DoKey("reply:best".into()));
        send(&mut app, Intent::DoKey(key.clone()));
    }
    send(&mut app, Intent::DoKey("reply:best".into()));
    assert_eq!(screen(&app), Screen::Debrief);
    let report = app.world().resource::<Active>().report.clone().unwrap();
    assert!(
        report.percent >= 90.0,
        "the walkthrough scored {:.1} %",
        report.percent
    );
    assert_eq!(
        app.world().resource::<Progress>().last_score("starter"),
        Some(report.percent)
    );
    // The attempt is in the trainee records, with every decision.
    let attempts = app
        .world()
        .resource::<Records>()
        .with(|s| s.attempts(Some("Ada")).unwrap())
        .unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].percent, report.percent);
    assert!(
        !attempts[0].hints
            || app
                .world()
                .resource::<helpdesk_sim::session::Selection>()
                .coach
    );

    // Retry with the same code goes back to the briefing with the same seed.
    send(&mut app, Intent::Retry { new_seed: false });
    assert_eq!(screen(&app), Screen::Briefing);
    assert_eq!(
        app.world()
            .resource::<helpdesk_sim::session::Selection>()
            .seed,
        7
    );
}

/// A headless app on `dir` that runs `script`, updated until it shows the debrief.
fn scripted_to_debrief(dir: &Path, script: &str) -> App {
    let file = dir.join("run.script");
    std::fs::write(&file, script).unwrap();
    let mut app = headless_app(AppOptions {
        scenarios: dir.to_path_buf(),
        play_script: Some(file),
        data_dir: Some(dir.with_extension("data")),
        ..default()
    });
    update_until(&mut app, Duration::from_secs(20), "the debrief", |app| {
        screen(app) == Screen::Debrief
    });
    app
}

#[test]
fn a_play_script_drives_the_app_to_the_debrief() {
    let dir = starter_library("script");
    let app = scripted_to_debrief(
        &dir,
        "trainee Bo\npractice\npick starter\nseed 3\nbegin\ndo reply:1\ndo ask_symptom\ndo net_use\ndo close\n",
    );
    let report = app.world().resource::<Active>().report.clone().unwrap();
    assert_eq!(report.your_path.len(), 4);
    assert!(
        report.percent < 50.0,
        "closing unfixed scores low: {:.1}",
        report.percent
    );
}

#[test]
fn a_missing_scenario_folder_leaves_an_empty_library_not_a_stuck_one() {
    let mut app = headless_app(AppOptions {
        scenarios: PathBuf::from("/nonexistent/helpdesk-scenarios"),
        data_dir: Some(
            std::env::temp_dir().join(format!("helpdesk-app-none-{}", std::process::id())),
        ),
        ..default()
    });
    update_until(
        &mut app,
        Duration::from_secs(5),
        "an empty, settled library",
        settled,
    );
    assert!(app.world().resource::<Library>().files.is_empty());
    assert_eq!(screen(&app), Screen::Home);
}

#[test]
fn a_bad_script_line_is_reported_with_its_line() {
    let err = helpdesk_sim::script::parse("trainee A\nfly away\n").unwrap_err();
    assert_eq!(err.0, 2);
    assert!(err.1.contains("unknown step `fly`"));
    assert!(helpdesk_sim::script::parse("seed soon").is_err());
    let steps = helpdesk_sim::script::parse("pad 300\nmeasure 60 # frames\n").unwrap();
    assert_eq!(
        steps,
        vec![
            helpdesk_sim::script::ScriptStep::Pad(300),
            helpdesk_sim::script::ScriptStep::Measure(60)
        ]
    );
}

#[test]
fn hot_reload_replaces_a_saved_file_and_keeps_the_last_good_version_of_a_broken_one() {
    let dir = starter_library("reload");
    let file = dir.join("basics/starter.ron");
    let mut app = app_on(&dir);
    assert_eq!(
        title(&app, "starter").as_deref(),
        Some("Shared drive letter missing")
    );

    // A good save replaces the asset.
    let good = helpdesk_core::cli::template("starter").replace(
        "Shared drive letter missing",
        "Mapped drive gone after update",
    );
    std::fs::write(&file, &good).unwrap();
    update_until(
        &mut app,
        Duration::from_secs(30),
        "the edited title",
        |app| title(app, "starter").as_deref() == Some("Mapped drive gone after update"),
    );
    update_until(
        &mut app,
        Duration::from_secs(5),
        "the library to count the reload",
        |app| app.world().resource::<Library>().generation >= 2,
    );

    // A broken save keeps the last good version and exposes the error with its position.
    std::fs::write(&file, good.replace("kind: Tool,", "kind: Tol,")).unwrap();
    update_until(
        &mut app,
        Duration::from_secs(30),
        "the error to show",
        |app| app.world().resource::<ScenarioErrors>().count() > 0,
    );
    assert_eq!(
        title(&app, "starter").as_deref(),
        Some("Mapped drive gone after update")
    );
    let errors = app.world().resource::<ScenarioErrors>().snapshot();
    let (path, diags) = errors.iter().next().unwrap();
    // The real file, so the author can open it from the message.
    assert_eq!(path, &file);
    assert!(diags[0].line.is_some() && diags[0].col.is_some());
    assert!(
        diags[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `Tool`"),
        "{:?}",
        diags[0]
    );

    // Mending it clears the error.
    std::fs::write(&file, &good).unwrap();
    update_until(
        &mut app,
        Duration::from_secs(30),
        "the error to clear",
        |app| app.world().resource::<ScenarioErrors>().count() == 0,
    );
}

#[test]
fn an_exam_runs_on_one_clock_and_submits_itself_when_time_is_up() {
    let dir = starter_library("exam");
    let mut app = app_on(&dir);
    send(&mut app, Intent::SetTrainee("Cy".into()));
    send(
        &mut app,
        Intent::StartExam {
            exam: "1202".into(),
            tickets: 3,
            code: None,
        },
    );
    assert_eq!(screen(&app), Screen::Ticket);
    {
        let run = app.world().resource::<ExamRun>();
        assert!(run.running());
        assert_eq!(run.paper.as_ref().unwrap().items.len(), 3);
        assert!(run.deadline > run.started);
    }
    assert!(
        !app.world()
            .resource::<helpdesk_sim::session::Selection>()
            .coach,
        "no hints in an exam"
    );
    // Finish the first ticket badly: the exam moves straight on to the next, with no debrief.
    send(&mut app, Intent::DoKey("reply:best".into()));
    send(&mut app, Intent::DoKey("escalate:Security".into()));
    send(&mut app, Intent::DoKey("reply:best".into()));
    assert_eq!(screen(&app), Screen::Ticket);
    assert_eq!(app.world().resource::<ExamRun>().index, 1);
    // Time runs out during the second ticket.
    app.world_mut().resource_mut::<ExamRun>().deadline = 0;
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::ExamResult);
    let run = app.world().resource::<ExamRun>();
    let (result, timed_out) = run.result.clone().unwrap();
    assert!(timed_out);
    assert!(
        run.percents[2].is_none(),
        "the third ticket was never reached"
    );
    assert!((100..=900).contains(&result.scaled));
    assert_eq!(result.pass, 700);
    let exams = app
        .world()
        .resource::<Records>()
        .with(|s| s.exams(Some("Cy")).unwrap())
        .unwrap();
    assert_eq!(exams.len(), 1);
    assert_eq!(exams[0].record.scaled, result.scaled);
    assert!(exams[0].record.timed_out);
    let attempts = app
        .world()
        .resource::<Records>()
        .with(|s| s.attempts(Some("Cy")).unwrap())
        .unwrap();
    assert_eq!(
        attempts.len(),
        2,
        "the finished ticket and the one open at the bell"
    );
    assert!(
        attempts
            .iter()
            .all(|a| a.exam == Some(exams[0].id) && !a.hints)
    );
}

/// Updates until the author view has checked its file `n` times, and returns that check.
fn nth_check(app: &mut App, n: u64) -> helpdesk_core::authoring::Check {
    update_until(app, Duration::from_secs(30), &format!("check {n}"), |app| {
        app.world()
            .resource::<helpdesk_sim::screens::AuthorView>()
            .checks
            >= n
    });
    let view = app.world().resource::<helpdesk_sim::screens::AuthorView>();
    view.check.clone().unwrap()
}

/// The author screen's data: every save re-checks the file, errors carry their position, and the
/// solver's per-variant results follow the edit.
#[test]
fn the_author_view_rechecks_a_file_on_every_save() {
    use helpdesk_sim::screens::AuthorView;
    let dir = starter_library("author");
    let file = dir.join("basics/starter.ron");
    let good = std::fs::read_to_string(&file).unwrap();
    let mut app = app_on(&dir);
    // As the file list does: a path relative to the library folder.
    app.world_mut()
        .resource_mut::<AuthorView>()
        .open(PathBuf::from("basics/starter.ron"));
    let first = nth_check(&mut app, 1);
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    let solve = first.solve.clone().unwrap();
    assert_eq!(solve.variants.len(), 2);
    assert!(solve.all_winnable());
    assert!(solve.unreachable.is_empty());
    assert!(solve.variants.iter().all(|v| !v.best_path.is_empty()));
    let outline = first.outline.clone().unwrap();
    assert!(
        outline
            .links
            .iter()
            .any(|l| l.from == "action:net_use" && l.to == "clue:no_network"),
        "{:?}",
        outline.links
    );

    // Updating without a save does not check again.
    for _ in 0..5 {
        app.update();
    }
    std::thread::sleep(Duration::from_millis(600));
    app.update();
    assert_eq!(app.world().resource::<AuthorView>().checks, 1);

    // A kinder reply worth more points raises every variant's best score by the difference.
    let richer = good.replacen("mood: -5, points: 4,", "mood: -5, points: 9,", 1);
    assert_ne!(richer, good, "the starter's opening reply changed");
    std::fs::write(&file, &richer).unwrap();
    let second = nth_check(&mut app, 2);
    for (before, after) in solve.variants.iter().zip(&second.solve.unwrap().variants) {
        assert_eq!(after.max_score, before.max_score + 5, "{}", after.variant);
    }

    // Saving the same bytes again is not an edit.
    std::fs::write(&file, &richer).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    app.update();
    assert_eq!(app.world().resource::<AuthorView>().checks, 2);

    // A broken save shows the error with its line and column and drops the solver's report.
    std::fs::write(&file, richer.replace("kind: Tool,", "kind: Tol,")).unwrap();
    let third = nth_check(&mut app, 3);
    assert!(third.solve.is_none());
    let e = &third.errors[0];
    let at = richer.find("kind: Tool,").unwrap();
    assert_eq!(e.line, Some(richer[..at].matches('\n').count() + 1));
    assert!(e.col.is_some());
    assert!(
        e.hint
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `Tool`")
    );

    // Mending it brings the solver back.
    std::fs::write(&file, &good).unwrap();
    let fourth = nth_check(&mut app, 4);
    assert!(fourth.errors.is_empty());
    assert_eq!(
        fourth.solve.unwrap().variants[0].max_score,
        solve.variants[0].max_score
    );
}

/// A preview replays the first steps of a best path on the chosen variant, lands on the ticket with
/// the state advanced, and records nothing.
#[test]
fn a_preview_starts_from_a_step_of_the_best_path_and_is_not_recorded() {
    let dir = starter_library("preview");
    let mut app = app_on(&dir);
    send(&mut app, Intent::SetTrainee("Di".into()));
    let sc = helpdesk_core::scenario::load_file(
        &dir.join("basics/starter.ron"),
        &helpdesk_core::Catalogue::bundled(),
    )
    .unwrap();
    let report = helpdesk_core::solver::solve(&std::sync::Arc::new(sc), 11);
    let v = &report.variants[1];
    send(
        &mut app,
        Intent::Preview {
            scenario: "starter".into(),
            variant: 1,
            seed: 11,
            path: v.best_path.clone(),
            steps: 4,
        },
    );
    assert_eq!(screen(&app), Screen::Ticket);
    {
        let active = app.world().resource::<Active>();
        assert!(active.preview);
        assert_eq!(active.refusal, None);
        let s = active.session.as_ref().unwrap();
        assert_eq!(s.world.draw.variant, 1);
        assert_eq!(s.world.draw.seed, 11);
        assert!(s.state.minute > 0);
        assert!(!s.state.is_over());
    }
    // Continue along the best path to the end.
    for key in &v.best_path[4..] {
        send(&mut app, Intent::DoKey(key.clone()));
    }
    assert_eq!(screen(&app), Screen::Debrief);
    let active = app.world().resource::<Active>();
    assert_eq!(active.report.as_ref().unwrap().total, v.max_score);
    let attempts = app
        .world()
        .resource::<Records>()
        .with(|s| s.attempts(None).unwrap())
        .unwrap();
    assert!(attempts.is_empty(), "a preview was recorded");
}

/// An author edits in another window, so this one is unfocused: on the author screen an idle window
/// still wakes twice a second to show a save, and leaving the screen restores the quiet modes.
#[test]
fn the_author_screen_keeps_an_unfocused_window_awake_and_restores_it_on_leaving() {
    use bevy::winit::{UpdateMode, WinitSettings};
    let dir = starter_library("author-wake");
    let mut app = app_on(&dir);
    let quiet = WinitSettings {
        focused_mode: UpdateMode::reactive(Duration::from_secs(1)),
        unfocused_mode: UpdateMode::reactive_low_power(Duration::from_secs(5)),
    };
    app.insert_resource(quiet.clone());
    let wait = |app: &App| match app.world().resource::<WinitSettings>().unfocused_mode {
        UpdateMode::Reactive { wait, .. } => wait,
        UpdateMode::Continuous => Duration::ZERO,
    };
    send(&mut app, Intent::Go(Screen::Author));
    assert_eq!(screen(&app), Screen::Author);
    assert!(wait(&app) <= Duration::from_millis(500), "{:?}", wait(&app));
    send(&mut app, Intent::Go(Screen::Home));
    assert_eq!(wait(&app), Duration::from_secs(5));
    assert_eq!(
        app.world().resource::<WinitSettings>().focused_mode,
        quiet.focused_mode
    );
}

/// A scenario file created while the app runs (as `helpdesk-sim new` does) joins the library without a
/// restart, and the author view can open it.
#[test]
fn a_file_created_while_the_app_runs_joins_the_library() {
    let dir = starter_library("discover");
    let mut app = app_on(&dir);
    assert_eq!(title(&app, "fresh-ticket"), None);
    let text = helpdesk_core::cli::template("starter")
        .replace("id: \"starter\"", "id: \"fresh-ticket\"")
        .replace("Shared drive letter missing", "A ticket written just now");
    std::fs::create_dir_all(dir.join("new")).unwrap();
    std::fs::write(dir.join("new/fresh-ticket.ron"), text).unwrap();
    update_until(
        &mut app,
        Duration::from_secs(30),
        "the new file to load",
        |app| title(app, "fresh-ticket").as_deref() == Some("A ticket written just now"),
    );
    let lib = app.world().resource::<Library>();
    assert_eq!(lib.files.len(), 2);
    assert!(
        lib.files
            .iter()
            .any(|(p, _)| p == Path::new("new/fresh-ticket.ron"))
    );
}

#[test]
fn the_class_set_at_sign_in_is_recorded_with_the_attempt() {
    let dir = starter_library("class");
    let app = scripted_to_debrief(
        &dir,
        "trainee Bo\nclass Room 2\npractice\npick starter\nseed 3\nbegin\ndo reply:1\ndo close\n",
    );
    assert_eq!(
        app.world().resource::<Progress>().class.as_deref(),
        Some("Room 2")
    );
    let rows = app
        .world()
        .resource::<Records>()
        .with(|s| s.attempts(Some("Bo")).unwrap())
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].class.as_deref(), Some("Room 2"));
}
