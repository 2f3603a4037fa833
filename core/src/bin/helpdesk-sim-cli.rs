//! The lean command-line program: every subcommand of `helpdesk-sim` without the app, for CI.

use clap::Parser;
use helpdesk_core::cli::{Cmd, run};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "helpdesk-sim-cli",
    version,
    about = "helpdesk-sim's scenario tools without the app: lint, solve, play, stats, coverage, new, bench"
)]
struct Args {
    #[command(subcommand)]
    command: Cmd,
}

fn main() -> ExitCode {
    run(Args::parse().command)
}
