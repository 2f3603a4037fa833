//! Subcommands on the progress store: recording a `play`, drawing exams, xAPI export and sending, and
//! the hidden writer the durability test kills.

use super::{DEFAULT_SCENARIOS, Format, XapiCmd, fresh_seed};
use crate::engine::Session;
use crate::exam;
use crate::library;
use crate::objectives::Catalogue;
use crate::scoring::Report;
use crate::store::{self, AttemptRecord, Saved, Store};
use crate::xapi;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Opens the store, telling the user about anything set aside or imported.
pub fn open(data_dir: &Path) -> Result<Store, ExitCode> {
    match Store::open(data_dir) {
        Ok(o) => {
            tell(&o);
            Ok(o.store)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// What opening the store did besides opening it, on standard error.
fn tell(o: &store::Opened) {
    if let Some(a) = &o.set_aside {
        eprintln!("warning: {a}");
    }
    if o.imported > 0 {
        eprintln!(
            "note: {} record(s) kept by an earlier run while the database was busy are now stored",
            o.imported
        );
    }
    for f in &o.unreadable {
        eprintln!(
            "warning: a kept record could not be read and was left as {}",
            f.display()
        );
    }
}

pub fn record_play(
    data_dir: &Path,
    trainee: &str,
    class: Option<&str>,
    session: &Session,
    report: Report,
    started: i64,
) -> ExitCode {
    let mut record = AttemptRecord::new(trainee, session, report, started);
    record.class = class.map(str::to_string);
    match store::save_attempt(data_dir, &record) {
        Ok((Saved::Stored(_), opened)) => {
            if let Some(o) = &opened {
                tell(o);
            }
            println!(
                "\nRecorded for {trainee} in {} (attempt {}).",
                data_dir.join(store::FILE_NAME).display(),
                record.uuid
            );
            ExitCode::SUCCESS
        }
        Ok((Saved::Kept(path, why), _)) => {
            eprintln!(
                "note: the progress database could not take the attempt now ({why}); it is kept in {} and will be stored the next time the folder is opened",
                path.display()
            );
            println!("\nKept for {trainee} (attempt {}).", record.uuid);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: the attempt was not recorded: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn exam(
    which: &str,
    tickets: usize,
    seed: Option<u64>,
    code: Option<&str>,
    format: Format,
    cat: &Catalogue,
) -> ExitCode {
    let (which, tickets, seed) = match code {
        Some(c) => match exam::parse_code(c) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        None => (which.to_string(), tickets, seed.unwrap_or_else(fresh_seed)),
    };
    let lib = library::load(&[PathBuf::from(DEFAULT_SCENARIOS)], cat);
    let paper = match exam::draw(&lib.scenarios, cat, &which, tickets, seed) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&paper).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    let ex = cat.exam(&paper.exam);
    println!(
        "Exam code {}: {} tickets, {} minutes",
        paper.code(),
        paper.items.len(),
        paper.minutes
    );
    for (i, it) in paper.items.iter().enumerate() {
        let domain = ex
            .and_then(|e| e.domains.iter().find(|d| d.number == it.domain))
            .map_or(String::new(), |d| d.name.clone());
        println!(
            "  {:>2}. {:<28} seed {:<7} domain {} {}",
            i + 1,
            it.scenario,
            it.seed,
            it.domain,
            domain
        );
    }
    ExitCode::SUCCESS
}

/// `--since`: an RFC 3339 time, or an age such as `3days` or `2h`.
fn parse_since(s: &str) -> Result<i64, String> {
    if let Ok(t) = humantime::parse_rfc3339_weak(s) {
        return Ok(t
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64));
    }
    match humantime::parse_duration(s) {
        Ok(d) => Ok(SystemTime::now()
            .checked_sub(d)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis() as i64)),
        Err(_) => Err(format!(
            "`{s}` is neither a time (2026-11-01T00:00:00Z) nor an age (3days, 12h)"
        )),
    }
}

pub fn xapi(data_dir: &Path, action: XapiCmd) -> ExitCode {
    let mut store = match open(data_dir) {
        Ok(s) => s,
        Err(c) => return c,
    };
    match action {
        XapiCmd::Export { since } => {
            let since = match since.as_deref().map(parse_since).transpose() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            match xapi::export(&store, since) {
                Ok(list) => {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(
                        out,
                        "{}",
                        serde_json::to_string_pretty(&list).unwrap_or_default()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        XapiCmd::Send { now, all } => {
            let cfg = match xapi::LrsConfig::find(data_dir) {
                Ok(Some(c)) => c,
                Ok(None) => {
                    eprintln!(
                        "error: no LRS configured: set HELPDESK_LRS_ENDPOINT, HELPDESK_LRS_USERNAME and \
                         HELPDESK_LRS_PASSWORD, or write {}",
                        data_dir.join(xapi::CONFIG_FILE).display()
                    );
                    return ExitCode::from(2);
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let reset = if all {
                xapi::resend_all(&mut store)
            } else if now {
                xapi::retry_now(&mut store)
            } else {
                Ok(())
            };
            if let Err(e) = reset {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
            match xapi::send(&mut store, &cfg, store::now_ms()) {
                Ok(r) => {
                    println!(
                        "{}: {} sent, {} rejected, {} waiting to retry",
                        cfg, r.sent, r.rejected, r.deferred
                    );
                    for e in &r.errors {
                        eprintln!("  {e}");
                    }
                    if r.deferred > 0 || r.rejected > 0 {
                        ExitCode::FAILURE
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        XapiCmd::Status => match xapi::pending(&store) {
            Ok((waiting, rejected)) => {
                println!("{waiting} statement(s) waiting, {rejected} of them rejected by the LRS");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Plays random sessions of the scaffold's scenario and records each, printing
/// `committed UUID DECISIONS` after every commit, until killed.
pub fn store_stress(data_dir: &Path, trainee: &str) -> ExitCode {
    let cat = Catalogue::bundled();
    let text = super::template("stress-ticket");
    let sc =
        match crate::scenario::load_bytes(Path::new("stress-ticket.ron"), text.as_bytes(), &cat) {
            Ok(s) => std::sync::Arc::new(s),
            Err(_) => return ExitCode::from(2),
        };
    let mut rng =
        <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(store::now_ms() as u64);
    let mut store = match open(data_dir) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let mut out = std::io::stdout().lock();
    for seed in 1u64.. {
        let session = crate::solver::random_play(sc.clone(), seed, &mut rng);
        let report = crate::scoring::report(&session);
        let record = AttemptRecord::new(trainee, &session, report, store::now_ms());
        if let Err(e) = store.record(&record) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        let _ = writeln!(out, "committed {} {}", record.uuid, record.decisions.len());
        let _ = out.flush();
        std::thread::sleep(Duration::from_millis(1));
    }
    ExitCode::SUCCESS
}
