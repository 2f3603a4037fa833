//! The subcommands. Both `helpdesk-sim` (with the app) and the lean `helpdesk-sim-cli` parse [`Cmd`]
//! and call [`run`], so a supervisor's CI gets the same lint and solver without building a game engine.

mod bench;
mod items;
mod play;
mod records;
mod report;
mod scaffold;

pub use play::play;
pub use scaffold::{scaffold, template};

use crate::coverage;
use crate::diag::Diagnostic;
use crate::library;
use crate::objectives::Catalogue;
use crate::scenario::{self, Compiled};
use crate::solver;
use clap::{Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Where the bundled library lives, relative to the working directory.
pub const DEFAULT_SCENARIOS: &str = "scenarios";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Cmd {
    /// Check scenario files and report every error with file, line:column and a hint.
    Lint {
        /// Files or folders (default: the bundled `scenarios/`).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Re-check whenever a file changes (Ctrl-C to stop).
        #[arg(long)]
        watch: bool,
    },
    /// Prove each variant winnable and show its best score and path.
    Solve {
        /// A scenario file, or the id of a scenario in `scenarios/`.
        file: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Print the best paths as a `walkthroughs:` block to paste into the file.
        #[arg(long)]
        walkthrough: bool,
    },
    /// Work a ticket in the terminal: type a menu number or a command key (an action id, `theory:ID`,
    /// `reply:N`, `document`, `escalate:TEAM`, `close`) on each line of standard input.
    Play {
        /// A scenario file, or the id of a scenario in `scenarios/`.
        file: String,
        /// The replay code: the same seed and choices give the same session.
        #[arg(long)]
        seed: Option<u64>,
        /// Force a variant by id instead of letting the seed pick.
        #[arg(long)]
        variant: Option<String>,
        /// Record the attempt for this trainee.
        #[arg(long)]
        trainee: Option<String>,
        /// The trainee's class (training group), recorded with the attempt.
        #[arg(long, requires = "trainee")]
        class: Option<String>,
        /// Print the transcript of the file's walkthrough for this variant instead of reading choices.
        #[arg(long, value_name = "VARIANT", conflicts_with_all = ["trainee", "variant"])]
        walkthrough: Option<String>,
    },
    /// Check scenarios against the quality bar: expert walkthroughs ≥ 90 %, careless play ≤ 50 %,
    /// random play median ≤ 35 %, every variant winnable.
    Check {
        /// Files or folders (default: the bundled `scenarios/`).
        paths: Vec<PathBuf>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Fail a scenario on which a cue player (first option, longest reply, matching words)
        /// scores a median above 40 %; without it those are warnings.
        #[arg(long)]
        strict_cues: bool,
    },
    /// Score distribution of random play over many seeds.
    Stats {
        file: String,
        #[arg(long, default_value_t = 1000)]
        runs: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The objective × scenario matrix and the gaps in it.
    Coverage {
        paths: Vec<PathBuf>,
        /// Exit non-zero on any gap.
        #[arg(long)]
        strict: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write a new scenario file that lints clean and can be won.
    New {
        /// The scenario id, e.g. `net-proxy-settings`.
        id: String,
        /// Folder to write into.
        #[arg(long, default_value = DEFAULT_SCENARIOS)]
        out: PathBuf,
    },
    /// Trainee records for supervisors: per trainee, per objective, first against last attempt, and the
    /// cohort's weakest objectives.
    Report {
        /// Only this trainee.
        #[arg(long)]
        trainee: Option<String>,
        /// Only attempts and exams made in this class.
        #[arg(long)]
        class: Option<String>,
        /// First take in what the Learning Record Store holds from every machine (the LRS set in the
        /// environment or in `lrs.ron`), then report on it all; only what is new is asked for.
        #[arg(long)]
        lrs: bool,
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
        /// Write to this file instead of standard output (an HTML report opens in any browser).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Item analysis: how hard each scored decision is and whether it tells stronger trainees from
    /// weaker ones, over the recorded attempts, or over a simulated cohort with `--simulate`.
    Items {
        /// Scenario files or folders (default: the bundled `scenarios/`).
        paths: Vec<PathBuf>,
        /// Before any trainee has played: expert walkthroughs, random and careless play over this many
        /// seeds per variant.
        #[arg(long, value_name = "SEEDS", num_args = 0..=1, default_missing_value = "20")]
        simulate: Option<u64>,
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Draw an exam: the tickets a code stands for, or a new code.
    Exam {
        /// `1201` (Core 1) or `1202` (Core 2).
        #[arg(long, default_value = "1201")]
        exam: String,
        /// How many tickets.
        #[arg(long, default_value_t = 6)]
        tickets: usize,
        #[arg(long)]
        seed: Option<u64>,
        /// Replay an exam code such as `1201-6-48213` (overrides the three above).
        #[arg(long)]
        code: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// xAPI statements: export them, or send the outbox to a Learning Record Store.
    Xapi {
        #[command(subcommand)]
        action: XapiCmd,
    },
    /// Records synthetic attempts until killed, printing each committed one (for the durability test).
    #[command(hide = true)]
    StoreStress {
        #[arg(long, default_value = "stress")]
        trainee: String,
    },
    /// Measure loading, solving and engine speed on this machine.
    Bench {
        paths: Vec<PathBuf>,
        /// How many files the loading benchmark reads.
        #[arg(long, default_value_t = 1000)]
        files: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    #[default]
    Table,
    Csv,
    Html,
}

#[derive(Debug, Clone, Subcommand)]
pub enum XapiCmd {
    /// Write every recorded statement as one JSON array to standard output.
    Export {
        /// Only statements recorded since then: a time (`2026-11-01T00:00:00Z`) or an age (`3days`).
        #[arg(long)]
        since: Option<String>,
    },
    /// Send waiting statements to the LRS set in the environment or in `lrs.ron` in the data folder.
    Send {
        /// Also send statements that are waiting out a retry delay.
        #[arg(long)]
        now: bool,
        /// Send every statement again, including those already sent (for a new LRS).
        #[arg(long)]
        all: bool,
    },
    /// How many statements wait in the outbox.
    Status,
}

fn default_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(DEFAULT_SCENARIOS)]
    } else {
        paths.to_vec()
    }
}

/// Finds a scenario by path, or by id in the bundled library.
pub fn resolve(arg: &str, cat: &Catalogue) -> Result<Arc<Compiled>, Vec<Diagnostic>> {
    let p = Path::new(arg);
    if p.exists() {
        return scenario::load_file(p, cat).map(Arc::new);
    }
    let lib = library::load(&[PathBuf::from(DEFAULT_SCENARIOS)], cat);
    match lib.get(arg) {
        Some(s) => Ok(s.clone()),
        None => Err(vec![
            Diagnostic::new(
                p,
                "no such file, and no scenario with that id in scenarios/",
            )
            .hint("give a path to a .ron file or a scenario id"),
        ]),
    }
}

fn print_diags(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

/// Lets a closed pipe end the process quietly, as command-line tools do: `check | head -1` stops
/// `check` when `head` has read its line. Rust ignores SIGPIPE, so every print to a closed pipe
/// would fail, and `println!` panics with a backtrace; the default action ends the process at once.
/// Records are written in transactions, so stopping mid-write loses nothing already committed.
fn end_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default has no preconditions; it runs once, before
    // any other thread of this process exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The name this program was started as (`helpdesk-sim` or `helpdesk-sim-cli`), for hints that show a
/// command to type next.
pub fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|a| {
            Path::new(&a)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "helpdesk-sim".to_string())
}

/// Runs a subcommand and returns the process exit code.
pub fn run(cmd: Cmd, data_dir: Option<PathBuf>) -> ExitCode {
    end_quietly_on_closed_pipe();
    let cat = Catalogue::bundled();
    let data_dir = data_dir.unwrap_or_else(crate::store::default_dir);
    match cmd {
        Cmd::Lint {
            paths,
            format,
            watch,
        } => {
            let paths = default_paths(&paths);
            if watch {
                watch_lint(&paths, format, &cat)
            } else {
                lint(&paths, format, &cat)
            }
        }
        Cmd::Solve {
            file,
            seed,
            format,
            walkthrough,
        } => {
            let sc = match resolve(&file, &cat) {
                Ok(s) => s,
                Err(d) => {
                    print_diags(&d);
                    return ExitCode::from(2);
                }
            };
            let r = solver::solve(&sc, seed);
            if format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
            } else if walkthrough {
                println!("    walkthroughs: {{");
                for v in &r.variants {
                    let keys: Vec<String> = v
                        .best_path
                        .iter()
                        .filter(|k| !k.starts_with("reply:"))
                        .map(|k| format!("\"{k}\""))
                        .collect();
                    println!("        \"{}\": [{}],", v.variant, keys.join(", "));
                }
                println!("    }},");
            } else {
                print!("{}", render_solve(&r));
            }
            if r.all_winnable() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Cmd::Play {
            file,
            seed,
            variant,
            trainee,
            class,
            walkthrough,
        } => {
            let sc = match resolve(&file, &cat) {
                Ok(s) => s,
                Err(d) => {
                    print_diags(&d);
                    return ExitCode::from(2);
                }
            };
            if let Some(v) = walkthrough {
                return play::walkthrough(sc, &v, seed.unwrap_or(1));
            }
            let variant = match variant.as_deref().map(|v| sc.variant(v).ok_or(v)) {
                Some(Err(v)) => {
                    eprintln!("error: scenario {} has no variant `{v}`", sc.id());
                    return ExitCode::from(2);
                }
                Some(Ok(i)) => Some(i),
                None => None,
            };
            let seed = seed.unwrap_or_else(fresh_seed);
            let stdin = std::io::stdin();
            let mut out = std::io::stdout();
            let started = crate::store::now_ms();
            let session = play(sc, seed, variant, &mut stdin.lock(), &mut out);
            let report = crate::scoring::report(&session);
            let _ = write!(out, "{}", crate::scoring::render_text(&report));
            match trainee {
                Some(name) => records::record_play(
                    &data_dir,
                    &name,
                    class.as_deref(),
                    &session,
                    report,
                    started,
                ),
                None => ExitCode::SUCCESS,
            }
        }
        Cmd::Report {
            trainee,
            class,
            lrs,
            format,
            out,
        } => report::run(
            &data_dir,
            &report::Filter { trainee, class },
            lrs,
            format,
            out.as_deref(),
            &cat,
        ),
        Cmd::Items {
            paths,
            simulate,
            format,
            out,
        } => items::run(&data_dir, &paths, simulate, format, out.as_deref(), &cat),
        Cmd::Exam {
            exam,
            tickets,
            seed,
            code,
            format,
        } => records::exam(&exam, tickets, seed, code.as_deref(), format, &cat),
        Cmd::Xapi { action } => records::xapi(&data_dir, action),
        Cmd::StoreStress { trainee } => records::store_stress(&data_dir, &trainee),
        Cmd::Stats {
            file,
            runs,
            seed,
            format,
        } => {
            let sc = match resolve(&file, &cat) {
                Ok(s) => s,
                Err(d) => {
                    print_diags(&d);
                    return ExitCode::from(2);
                }
            };
            let s = solver::stats(&sc, runs.max(1), seed);
            if format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            } else {
                println!("{}: {} random runs", sc.id(), s.runs);
                println!(
                    "  median {:.1} %  mean {:.1} %  p10 {:.1} %  p90 {:.1} %  min {:.1} %  max {:.1} %",
                    s.median, s.mean, s.p10, s.p90, s.min, s.max
                );
                for (o, n) in &s.outcomes {
                    println!("  {o:<26} {n}");
                }
            }
            ExitCode::SUCCESS
        }
        Cmd::Check {
            paths,
            seed,
            strict_cues,
        } => {
            let lib = library::load(&default_paths(&paths), &cat);
            for (_, d) in &lib.errors {
                print_diags(d);
            }
            let mut failed = lib.errors.len();
            for sc in &lib.scenarios {
                let bar = if strict_cues {
                    crate::quality::check_strict(sc, seed)
                } else {
                    crate::quality::check(sc, seed)
                };
                let vs: Vec<String> = bar
                    .variants
                    .iter()
                    .map(|v| {
                        format!(
                            "{}: expert {} careless {:.0}% ({} states)",
                            v.variant,
                            v.expert.map_or("—".into(), |e| format!("{e:.0}%")),
                            v.careless,
                            v.states
                        )
                    })
                    .collect();
                println!(
                    "{} {}  random median {:.0}%  {}",
                    if bar.passes() { "PASS" } else { "FAIL" },
                    sc.id(),
                    bar.random_median,
                    vs.join("; ")
                );
                let cues: Vec<String> = bar
                    .cues
                    .iter()
                    .map(|c| format!("{} {:.0}%", c.player, c.median))
                    .collect();
                println!("    cue players: {}", cues.join("; "));
                for p in &bar.problems {
                    println!("    - {p}");
                }
                for l in &bar.leaks {
                    println!("    ! {l}");
                }
                failed += usize::from(!bar.passes());
            }
            println!(
                "{} scenario(s) checked, {failed} failing",
                lib.scenarios.len() + lib.errors.len()
            );
            if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Cmd::Coverage {
            paths,
            strict,
            format,
        } => {
            let lib = library::load(&default_paths(&paths), &cat);
            for (_, d) in &lib.errors {
                print_diags(d);
            }
            let c = coverage::coverage(&lib.scenarios, &cat);
            if format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&c).unwrap_or_default());
            } else {
                print!("{}", render_coverage(&c, lib.scenarios.len()));
            }
            if strict && (!c.gaps.is_empty() || !lib.errors.is_empty()) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Cmd::New { id, out } => match scaffold(&id, &out, &cat) {
            Ok(path) => {
                println!("wrote {}", path.display());
                println!(
                    "next: edit it, then `{1} lint {0}` and `{1} solve {0}`",
                    path.display(),
                    program_name()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Cmd::Bench { paths, files } => bench::run(&default_paths(&paths), files, &cat),
    }
}

/// A seed from the clock, for sessions the user did not give one.
pub fn fresh_seed() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64 % 1_000_000)
}

fn lint(paths: &[PathBuf], format: Format, cat: &Catalogue) -> ExitCode {
    let lib = library::load(paths, cat);
    let checked = lib.scenarios.len() + lib.errors.len();
    let warnings: Vec<Diagnostic> = lib
        .scenarios
        .iter()
        .flat_map(|sc| {
            let text = std::fs::read_to_string(&sc.path).unwrap_or_default();
            scenario::cues::warnings(sc, &text)
        })
        .collect();
    let diags: Vec<&Diagnostic> = lib.errors.iter().flat_map(|(_, d)| d).collect();
    for (file, what) in &lib.skipped {
        eprintln!("note: {}: skipped: {what}, not a scenario", file.display());
    }
    if format == Format::Json {
        let all: Vec<&Diagnostic> = diags.iter().copied().chain(&warnings).collect();
        println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
    } else {
        for d in diags.iter().copied().chain(&warnings) {
            println!("{d}");
        }
        let skipped = match lib.skipped.len() {
            0 => String::new(),
            n => format!(" ({n} other data file(s) skipped)"),
        };
        let cues = match warnings.len() {
            0 => String::new(),
            n => format!("; {n} warning(s) about cues that give answers away"),
        };
        println!(
            "{checked} file(s) checked: {} clean, {} error(s) in {} file(s){skipped}{cues}",
            lib.scenarios.len(),
            diags.len(),
            lib.errors.len()
        );
    }
    if checked == 0 {
        eprintln!(
            "error: no scenario files found under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return ExitCode::FAILURE;
    }
    if diags.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn watch_lint(paths: &[PathBuf], format: Format, cat: &Catalogue) -> ExitCode {
    // Time and size: a save that keeps the time (a coarse clock) usually changes the size.
    let stamp = |paths: &[PathBuf]| -> Vec<(PathBuf, Option<(SystemTime, u64)>)> {
        library::scenario_files(paths)
            .into_iter()
            .map(|f| {
                let m = std::fs::metadata(&f)
                    .and_then(|m| Ok((m.modified()?, m.len())))
                    .ok();
                (f, m)
            })
            .collect()
    };
    let mut last = stamp(paths);
    let _ = lint(paths, format, cat);
    println!("watching for changes (Ctrl-C to stop)…");
    loop {
        std::thread::sleep(Duration::from_millis(400));
        let now = stamp(paths);
        if now != last {
            last = now;
            println!("\n--- change seen; linting again ---");
            let _ = lint(paths, format, cat);
        }
    }
}

/// The solver's findings as text.
pub fn render_solve(r: &solver::SolveReport) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "{} (seed {})", r.scenario, r.seed);
    for v in &r.variants {
        let _ = writeln!(
            o,
            "\nvariant {}: {}  max score {}  ({} states{})",
            v.variant,
            if v.winnable {
                "winnable"
            } else {
                "NOT WINNABLE"
            },
            v.max_score,
            v.states,
            if v.complete {
                ""
            } else {
                ", search incomplete"
            }
        );
        if let Some(out) = v.outcome {
            let _ = writeln!(o, "  best path ends: {}", out.label());
        }
        for (i, (k, l)) in v.best_path.iter().zip(&v.best_path_labels).enumerate() {
            let _ = writeln!(o, "  {:>2}. {l}  [{k}]", i + 1);
        }
        let _ = writeln!(
            o,
            "  dead ends (moves after which the ticket can no longer be won): {}",
            v.dead_ends + v.losing_moves
        );
        let _ = writeln!(
            o,
            "    {} end the ticket unwon at once, such as closing before the fix",
            v.losing_moves
        );
        if let Some(ex) = &v.losing_example {
            let _ = writeln!(o, "      e.g. {}", ex.join(" → "));
        }
        let _ = writeln!(
            o,
            "    {} leave it open with no way left to win (traps)",
            v.dead_ends
        );
        for ex in &v.dead_end_examples {
            let _ = writeln!(o, "      e.g. {}", ex.join(" → "));
        }
    }
    if r.unreachable.is_empty() {
        let _ = writeln!(o, "\nall content is reachable");
    } else {
        let _ = writeln!(o, "\nunreachable: {}", r.unreachable.join(", "));
    }
    o
}

fn render_coverage(c: &coverage::Coverage, n: usize) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "{n} scenario(s)\n");
    let _ = writeln!(
        o,
        "{:<10} {:>3}  {:<58} scenarios",
        "objective", "n", "topic"
    );
    for r in &c.rows {
        let title: String = r.title.chars().take(58).collect();
        let _ = writeln!(
            o,
            "{:<10} {:>3}  {:<58} {}",
            r.objective,
            r.scenarios.len(),
            title,
            r.scenarios.join(" ")
        );
    }
    let _ = writeln!(
        o,
        "\nescalating is right in {} scenario(s), wrong in {}",
        c.escalate_scenarios, c.no_escalate_scenarios
    );
    let _ = writeln!(
        o,
        "ticket mix: {}",
        c.mix
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        o,
        "channels: {}",
        c.channels
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if c.gaps.is_empty() {
        let _ = writeln!(o, "\nno gaps");
    } else {
        let _ = writeln!(o, "\ngaps:");
        for g in &c.gaps {
            let _ = writeln!(o, "  - {g}");
        }
    }
    o
}
