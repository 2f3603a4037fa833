//! The lean command-line program: every subcommand of `helpdesk-sim` without the app, for CI.

use clap::Parser;
use helpdesk_core::cli::{Cmd, run};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "helpdesk-sim-cli",
    version,
    about = "helpdesk-sim's tools without the app: lint, solve, play, stats, coverage, new, report, exam, xapi, bench"
)]
struct Args {
    #[command(subcommand)]
    command: Cmd,
    /// Where trainee records live (default: the user's data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    run(args.command, args.data_dir)
}
