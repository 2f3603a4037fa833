//! The progress store, mastery, exams and reports.

mod common;

use common::{library_dir, scratch, starter};
use helpdesk_core::engine::{Session, parse_key};
use helpdesk_core::exam::{self, CUT_PERCENT};
use helpdesk_core::store::{AttemptRecord, Mode, Store, schema_version};
use helpdesk_core::{Catalogue, library, progress, scoring};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A finished attempt at the starter scenario following `keys`, at a fixed time and id.
fn attempt(trainee: &str, keys: &[&str], seed: u64, at: i64, n: u32) -> AttemptRecord {
    let mut s = Session::new(starter(), seed);
    for k in keys {
        let cmd = parse_key(&s.world, &s.state, k)
            .or_else(|| helpdesk_core::solver::best_reply(&s.world, &s.state));
        if let Some(c) = cmd {
            let _ = s.apply(c);
        }
        while let Some(c) = helpdesk_core::solver::best_reply(&s.world, &s.state) {
            if s.apply(c).is_err() {
                break;
            }
        }
    }
    let report = scoring::report(&s);
    let mut a = AttemptRecord::new(trainee, &s, report, at);
    a.finished = at + 300_000;
    a.uuid = format!("00000000-0000-4000-8000-{n:012}");
    a
}

fn expert() -> Vec<String> {
    let sc = starter();
    let s = Session::new(sc.clone(), 1);
    let v = &sc.src.variants[s.world.draw.variant].id;
    sc.src.walkthroughs[v].clone()
}

#[test]
fn attempts_round_trip_with_decisions_and_scores() {
    let dir = scratch("store-roundtrip");
    let mut store = Store::open(&dir).unwrap().store;
    assert_eq!(store.version().unwrap(), schema_version());
    let keys = expert();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let a = attempt("Ana", &keys, 1, 1_700_000_000_000, 1);
    let id = store.record(&a).unwrap();
    let rows = store.attempts(Some("Ana")).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, id);
    assert_eq!(rows[0].percent, a.report.percent);
    assert_eq!(rows[0].mode, Mode::Practice);
    assert_eq!(store.decisions(id).unwrap(), a.decisions);
    assert!(!a.decisions.is_empty());
    let scores = store.objective_scores(None).unwrap();
    assert_eq!(scores.len(), a.report.objectives.len());
    assert!(store.attempts(Some("Nobody")).unwrap().is_empty());
    // Reopening keeps everything and does not migrate again.
    drop(store);
    let again = Store::open(&dir).unwrap();
    assert!(again.set_aside.is_none());
    assert_eq!(again.store.attempts(None).unwrap().len(), 1);
}

#[test]
fn a_damaged_or_newer_database_is_set_aside_not_overwritten() {
    let dir = scratch("store-aside");
    let path = dir.join(helpdesk_core::store::FILE_NAME);
    std::fs::write(&path, b"this is not a database, but it is someone's data").unwrap();
    let opened = Store::open(&dir).unwrap();
    let aside = opened
        .set_aside
        .clone()
        .expect("the junk file is set aside");
    assert_eq!(
        std::fs::read(&aside.path).unwrap(),
        b"this is not a database, but it is someone's data"
    );
    assert!(opened.store.attempts(None).unwrap().is_empty());
    drop(opened);

    // A file from a newer version: keep it byte for byte.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", schema_version() + 5)
        .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let opened = Store::open(&dir).unwrap();
    let aside = opened.set_aside.expect("the newer file is set aside");
    assert!(aside.reason.contains("newer"), "{}", aside.reason);
    assert_eq!(std::fs::read(&aside.path).unwrap(), before);
}

#[test]
fn migrations_bring_a_version_one_file_up_to_date() {
    let dir = scratch("store-migrate");
    let conn = rusqlite::Connection::open(dir.join(helpdesk_core::store::FILE_NAME)).unwrap();
    conn.execute_batch(helpdesk_core::store::MIGRATIONS[0])
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.pragma_update(None, "application_id", 0x4844_534d)
        .unwrap();
    conn.execute("INSERT INTO trainee (name, created) VALUES ('Old', 1)", [])
        .unwrap();
    drop(conn);
    let o = Store::open(&dir).unwrap();
    assert!(o.set_aside.is_none());
    assert_eq!(o.store.version().unwrap(), schema_version());
    assert_eq!(o.store.trainees().unwrap(), vec!["Old".to_string()]);
}

/// Kills a writer again and again in the middle of its writes: every attempt it reported committed must
/// be there, whole, and the file must stay healthy.
#[test]
fn killing_the_writer_never_loses_a_committed_attempt() {
    let dir = scratch("store-kill");
    let mut committed: Vec<(String, usize)> = Vec::new();
    for round in 0..12u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"))
            .args(["store-stress", "--trainee", "stress", "--data-dir"])
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(out)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| {
                    let mut p = l.split_whitespace();
                    if p.next() != Some("committed") {
                        return None;
                    }
                    Some((p.next()?.to_string(), p.next()?.parse().ok()?))
                })
                .collect::<Vec<(String, usize)>>()
        });
        std::thread::sleep(Duration::from_millis(150 + round * 37 % 200));
        child.kill().unwrap();
        child.wait().unwrap();
        committed.extend(reader.join().unwrap());
    }
    assert!(
        committed.len() > 12,
        "the writer committed {}",
        committed.len()
    );
    let opened = Store::open(&dir).unwrap();
    assert!(opened.set_aside.is_none(), "the store was damaged");
    let store = opened.store;
    for (uuid, decisions) in &committed {
        let row = store
            .attempt(uuid)
            .unwrap()
            .unwrap_or_else(|| panic!("{uuid} was committed but is gone"));
        assert_eq!(store.decisions(row.id).unwrap().len(), *decisions, "{uuid}");
    }
    // Nothing half-written: every stored attempt has its statements queued.
    let n = store.attempts(None).unwrap().len();
    assert!(n >= committed.len());
    let statements = helpdesk_core::xapi::export(&store, None).unwrap();
    let terminated = statements
        .iter()
        .filter(|s| s["verb"]["id"].as_str().unwrap().ends_with("terminated"))
        .count();
    assert_eq!(terminated, n);
}

#[test]
fn scaled_scores_are_monotonic_and_meet_the_pass_line_at_the_cut() {
    let cat = Catalogue::bundled();
    for (code, pass) in [("1201", 675), ("1202", 700)] {
        assert_eq!(cat.exam(code).unwrap().pass, pass);
        assert_eq!(exam::scale(0.0, pass), 100);
        assert_eq!(exam::scale(100.0, pass), 900);
        assert_eq!(exam::scale(CUT_PERCENT, pass), pass);
        assert!(exam::scale(CUT_PERCENT - 0.5, pass) < pass);
        let mut last = 0;
        for tenth in 0..=1000 {
            let s = exam::scale(tenth as f64 / 10.0, pass);
            assert!(s >= last, "{code}: {s} after {last} at {tenth}");
            assert!((100..=900).contains(&s));
            last = s;
        }
    }
    assert_eq!(exam::scale(-5.0, 700), 100);
    assert_eq!(exam::scale(f64::NAN, 700), 100);
}

#[test]
fn exam_draws_follow_the_domain_weights() {
    let cat = Catalogue::bundled();
    let lib = library::load(&[library_dir()], &cat);
    for code in ["1201", "1202"] {
        let ex = cat.exam(code).unwrap();
        let pools = exam::pools(&lib.scenarios, ex);
        let total: u32 = pools.iter().filter(|p| !p.2.is_empty()).map(|p| p.1).sum();
        let mut counts = std::collections::BTreeMap::<u32, usize>::new();
        let mut slots = 0;
        for seed in 0..2000 {
            let paper = exam::draw(&lib.scenarios, &cat, code, 6, seed).unwrap();
            // The same seed draws the same exam; the code replays it.
            assert_eq!(
                paper,
                exam::draw(&lib.scenarios, &cat, code, 6, seed).unwrap()
            );
            let (e, n, s) = exam::parse_code(&paper.code()).unwrap();
            assert_eq!((e.as_str(), n, s), (code, 6, seed));
            for it in &paper.items {
                let sc = lib.get(&it.scenario).unwrap();
                let prefix = format!("{code}-{}.", it.domain);
                assert!(sc.objectives().iter().any(|o| o.starts_with(&prefix)));
                *counts.entry(it.domain).or_default() += 1;
                slots += 1;
            }
            // A scenario repeats only once its domain has no fresh one left.
            for (i, it) in paper.items.iter().enumerate() {
                let before: Vec<&str> = paper.items[..i]
                    .iter()
                    .map(|x| x.scenario.as_str())
                    .collect();
                if before.contains(&it.scenario.as_str()) {
                    let pool = &pools.iter().find(|p| p.0 == it.domain).unwrap().2;
                    assert!(
                        pool.iter().all(|s| before.contains(&s.id())),
                        "{code} seed {seed}: {} repeated while its domain had fresh scenarios",
                        it.scenario
                    );
                }
            }
        }
        for (number, weight, pool) in &pools {
            if pool.is_empty() {
                continue;
            }
            let expected = *weight as f64 / total as f64;
            let got = counts.get(number).copied().unwrap_or(0) as f64 / slots as f64;
            assert!(
                (got - expected).abs() < 0.02,
                "{code} domain {number}: drawn {got:.3}, weight {expected:.3}"
            );
        }
    }
    assert!(exam::draw(&lib.scenarios, &cat, "1299", 6, 1).is_err());
    assert!(exam::draw(&lib.scenarios, &cat, "1201", 1, 1).is_err());
}

#[test]
fn grading_weights_domains_and_applies_the_pass_mark() {
    let cat = Catalogue::bundled();
    let lib = library::load(&[library_dir()], &cat);
    let paper = exam::draw(&lib.scenarios, &cat, "1202", 8, 11).unwrap();
    let all = exam::grade(&paper, &cat, &[Some(100.0); 8]).unwrap();
    assert_eq!((all.scaled, all.passed), (900, true));
    let none = exam::grade(&paper, &cat, &[]).unwrap();
    assert_eq!((none.scaled, none.passed), (100, false));
    let cut = exam::grade(&paper, &cat, &[Some(CUT_PERCENT); 8]).unwrap();
    assert_eq!((cut.scaled, cut.passed), (700, true));
    // One domain perfect, the rest zero: the raw score is that domain's weight share.
    let d = paper.items[0].domain;
    let p: Vec<Option<f64>> = paper
        .items
        .iter()
        .map(|i| (i.domain == d).then_some(100.0))
        .collect();
    let g = exam::grade(&paper, &cat, &p).unwrap();
    let w: u32 = g.domains.iter().map(|x| x.weight).sum();
    let mine = g.domains.iter().find(|x| x.number == d).unwrap();
    assert!((g.raw - 100.0 * mine.weight as f64 / w as f64).abs() < 1e-9);
    assert_eq!(mine.scaled, 900);
}

#[test]
fn mastery_decays_toward_recent_attempts_and_next_up_targets_the_weakest() {
    use helpdesk_core::store::ScoreRow;
    let row = |o: &str, e, at| ScoreRow {
        attempt: at,
        trainee: "t".into(),
        finished: at,
        name: o.into(),
        earned: e,
        best: 10,
    };
    let m = progress::mastery(&[
        row("1201-5.5", 0, 1),
        row("1201-5.5", 10, 2),
        row("1202-4.7", 10, 1),
    ]);
    assert!((m["1201-5.5"].value - 40.0).abs() < 1e-9);
    assert_eq!(m["1201-5.5"].history.len(), 2);
    assert_eq!(m["1202-4.7"].value, 100.0);
    let cat = Catalogue::bundled();
    let lib = library::load(&[library_dir()], &cat);
    let next = progress::next_up(&m, &lib.scenarios, &[], &cat, 3);
    assert_eq!(next[0].objective, "1201-5.5");
    let sc = lib.get(&next[0].scenario).unwrap();
    assert!(sc.objectives().iter().any(|o| o == "1201-5.5"));
    assert!(next.iter().all(|r| r.objective != "1202-4.7"));
}

fn fixture_store(dir: &Path) {
    let mut store = Store::open(dir).unwrap().store;
    let keys = expert();
    let good: Vec<&str> = keys.iter().map(String::as_str).collect();
    let base = 1_767_225_600_000; // 2026-01-01
    store
        .record(&attempt("Ana Silva", &["close"], 1, base, 1))
        .unwrap();
    store
        .record(&attempt("Ana Silva", &good, 1, base + 86_400_000, 2))
        .unwrap();
    store
        .record(&attempt("Ben, Jr.", &good[..2], 1, base + 3_600_000, 3))
        .unwrap();
}

fn check_expected(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with BLESS=1", path.display()));
    assert_eq!(got, want, "{name} differs from the fixture");
}

#[test]
fn reports_from_a_fixture_database_match_the_expected_tables() {
    let dir = scratch("report-fixture");
    fixture_store(&dir);
    let bin = env!("CARGO_BIN_EXE_helpdesk-sim-cli");
    for (format, file) in [("table", "report.txt"), ("csv", "report.csv")] {
        let out = Command::new(bin)
            .args(["report", "--format", format, "--data-dir"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success());
        check_expected(file, &String::from_utf8(out.stdout).unwrap());
    }
    let out = Command::new(bin)
        .args([
            "report",
            "--trainee",
            "Ana Silva",
            "--format",
            "html",
            "--data-dir",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("<svg"));
    assert!(html.contains("Ana Silva") && !html.contains("Ben"));
}

/// Many `play` processes record their first attempts on a new, empty data folder at the same moment,
/// while supervisors run `report` on it: every attempt is stored exactly once and every process
/// succeeds. (Before the schema was created in one locked transaction, 10 of 24 failed with "table
/// trainee already exists" and their attempts were lost.)
#[test]
fn many_processes_on_a_new_folder_store_every_attempt_exactly_once() {
    let dir = scratch("store-concurrent").join("fresh");
    assert!(!dir.exists());
    let bin = env!("CARGO_BIN_EXE_helpdesk-sim-cli");
    let file = library_dir().join("network/net-no-internet-dhcp.ron");
    const PLAYERS: usize = 32;
    let mut players: Vec<std::process::Child> = (0..PLAYERS)
        .map(|i| {
            Command::new(bin)
                .arg("play")
                .arg(&file)
                .args(["--seed", &i.to_string(), "--trainee", &format!("t{i:02}")])
                .arg("--data-dir")
                .arg(&dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Every player waits on its input; release them all at once so they reach the store together.
    for p in &mut players {
        let mut stdin = p.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, b"1\n1\n").unwrap();
    }
    let readers: Vec<std::process::Child> = (0..4)
        .map(|_| {
            Command::new(bin)
                .args(["report", "--format", "csv", "--data-dir"])
                .arg(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, p) in players.into_iter().enumerate() {
        let out = p.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "player {i} failed: {err}");
        assert!(!err.contains("error"), "player {i}: {err}");
    }
    for r in readers {
        let out = r.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a report failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let opened = Store::open(&dir).unwrap();
    assert!(opened.set_aside.is_none());
    let rows = opened.store.attempts(None).unwrap();
    let mut trainees: Vec<&str> = rows.iter().map(|r| r.trainee.as_str()).collect();
    trainees.sort();
    let want: Vec<String> = (0..PLAYERS).map(|i| format!("t{i:02}")).collect();
    assert_eq!(trainees, want, "each player's attempt, once");
    assert_eq!(opened.store.version().unwrap(), schema_version());
    // Nothing was left waiting beside the database.
    let kept = dir.join(helpdesk_core::store::KEPT_DIR);
    assert!(!kept.exists() || std::fs::read_dir(&kept).unwrap().next().is_none());
}

/// While another process holds the write lock past our patience, an attempt is kept in a file beside
/// the database, not lost; the next open imports it exactly once and removes the file. A kept file
/// that cannot be read is left in place under a new name.
#[test]
fn an_attempt_the_database_cannot_take_is_kept_and_imported_once() {
    use helpdesk_core::store::{FILE_NAME, KEPT_DIR, Patience, Saved};
    let dir = scratch("store-kept");
    let impatient = Patience {
        busy_timeout: Duration::from_millis(50),
        tries: 2,
        first_pause: Duration::from_millis(10),
    };
    let mut store = Store::open_with(&dir, impatient).unwrap().store;
    let keys = expert();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let a = attempt("Kim", &keys, 1, 1_767_225_600_000, 7);

    let blocker = rusqlite::Connection::open(dir.join(FILE_NAME)).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let saved = store.save(&a).unwrap();
    let Saved::Kept(path, why) = saved else {
        panic!("a locked database took the attempt: {saved:?}")
    };
    assert!(why.contains("locked") || why.contains("busy"), "{why}");
    assert!(path.starts_with(dir.join(KEPT_DIR)) && path.exists());
    blocker.execute_batch("COMMIT").unwrap();
    drop(blocker);
    assert!(store.attempts(None).unwrap().is_empty());
    drop(store);

    std::fs::write(
        dir.join(KEPT_DIR).join("1-attempt-junk.json"),
        b"{ half a rec",
    )
    .unwrap();
    let opened = Store::open(&dir).unwrap();
    assert_eq!(opened.imported, 1);
    assert_eq!(opened.unreadable.len(), 1);
    assert!(opened.unreadable[0].exists());
    assert!(!path.exists(), "the imported file is removed");
    let rows = opened.store.attempts(None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].uuid, a.uuid);
    assert_eq!(opened.store.decisions(rows[0].id).unwrap(), a.decisions);
    drop(opened);

    // Keeping the same attempt again (a crash between import and removal) does not store it twice.
    helpdesk_core::store::Store::open(&dir)
        .unwrap()
        .store
        .save(&a)
        .unwrap();
    std::fs::create_dir_all(dir.join(KEPT_DIR)).unwrap();
    std::fs::write(
        dir.join(KEPT_DIR)
            .join(format!("1-attempt-{}.json", a.uuid)),
        serde_json::to_vec(&helpdesk_core::store::Kept::Attempt(Box::new(a.clone()))).unwrap(),
    )
    .unwrap();
    let again = Store::open(&dir).unwrap();
    assert_eq!(again.store.attempts(None).unwrap().len(), 1);
}
