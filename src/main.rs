//! `helpdesk-sim`: with no subcommand it opens the app on the scenario library; with one it runs the
//! same tools as `helpdesk-sim-cli` (lint, solve, play, …).

use bevy::prelude::*;
use clap::Parser;
use helpdesk_core::cli::{Cmd, run};
use helpdesk_sim::AppOptions;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "helpdesk-sim",
    version,
    about = "Practise, author and self-test help-desk tickets"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Cmd>,
    /// The scenario library folder.
    #[arg(long, default_value = "scenarios")]
    scenarios: PathBuf,
    /// Save a PNG of the window (after --play-script, if given) and exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Drive the app through the steps in this file first.
    #[arg(long)]
    play_script: Option<PathBuf>,
    /// Sign in as this trainee.
    #[arg(long)]
    trainee: Option<String>,
    /// Where trainee records live (default: the user's data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// After --play-script, write the screen's accessibility tree (what a screen reader gets) as JSON.
    #[arg(long, value_name = "FILE")]
    accessibility_tree: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(cmd) = args.command {
        return run(cmd, args.data_dir);
    }
    let options = AppOptions {
        scenarios: args.scenarios,
        screenshot: args.screenshot,
        play_script: args.play_script,
        trainee: args.trainee,
        data_dir: args.data_dir,
        accessibility_tree: args.accessibility_tree,
    };
    match helpdesk_sim::window_app(options).run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
