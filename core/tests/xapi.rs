//! xAPI against real peers: Learning Locker's validator and its statements service (an LRS), both from
//! npm, installed by `.ci/run` into `tests/xapi/node_modules`. Without them the tests say so and pass,
//! except under CI, where they must run.

mod common;

use common::{scratch, starter};
use helpdesk_core::engine::Session;
use helpdesk_core::store::{AttemptRecord, ExamLink, Mode, Store};
use helpdesk_core::xapi::{self, LrsConfig};
use helpdesk_core::{Catalogue, exam, library, scoring, solver};
use rand::SeedableRng;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn peers() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/xapi");
    if dir.join("node_modules").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install the xAPI peers: cd tests/xapi && npm ci"
    );
    eprintln!("skipped: the xAPI peers are not installed (cd tests/xapi && npm ci)");
    None
}

/// A store with `n` random attempts, one exam with two of its tickets, and their statements.
fn filled(name: &str, n: u64) -> (PathBuf, Store) {
    let dir = scratch(name);
    let mut store = Store::open(&dir).unwrap().store;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    for seed in 0..n {
        let s: Session = solver::random_play(starter(), seed, &mut rng);
        let r = scoring::report(&s);
        store
            .record(&AttemptRecord::new(
                if seed % 2 == 0 { "Ana" } else { "Ben" },
                &s,
                r,
                1_767_225_600_000 + seed as i64 * 60_000,
            ))
            .unwrap();
    }
    // An exam of two tickets.
    let cat = Catalogue::bundled();
    let lib = library::load(&[common::library_dir()], &cat);
    let paper = exam::draw(&lib.scenarios, &cat, "1201", 2, 3).unwrap();
    let reg = helpdesk_core::store::new_uuid();
    let mut ids = Vec::new();
    let mut percents = Vec::new();
    for it in &paper.items {
        let sc = lib.get(&it.scenario).unwrap().clone();
        let s = solver::random_play(sc, it.seed, &mut rng);
        let r = scoring::report(&s);
        percents.push(Some(r.percent));
        let mut a = AttemptRecord::new("Ana", &s, r, 1_767_225_600_000);
        a.mode = Mode::Exam;
        a.exam = Some(ExamLink {
            exam: "1201".into(),
            registration: reg.clone(),
        });
        store.record(&a).unwrap();
        ids.push(a.uuid.clone());
    }
    let g = exam::grade(&paper, &cat, &percents).unwrap();
    let rec = g.record(
        "Ana",
        &reg,
        &paper,
        1_767_225_600_000,
        1_767_226_000_000,
        false,
    );
    store.record_exam(&rec, &ids).unwrap();
    (dir, store)
}

#[test]
fn every_exported_statement_passes_learning_lockers_validator() {
    let Some(peers) = peers() else { return };
    let (dir, _store) = filled("xapi-validate", 6);
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"))
        .args(["xapi", "export", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    // Per attempt: initialized first, terminated last, one answered or interacted per decision.
    let verbs: Vec<&str> = list
        .iter()
        .map(|s| {
            s["verb"]["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(verbs[0], "initialized");
    assert_eq!(
        verbs.iter().filter(|v| **v == "initialized").count(),
        6 + 2 + 1
    );
    assert_eq!(
        verbs.iter().filter(|v| **v == "terminated").count(),
        6 + 2 + 1
    );
    assert!(verbs.contains(&"answered") && verbs.contains(&"interacted"));
    assert!(verbs.contains(&"completed"), "exam tickets are completed");
    let file = dir.join("statements.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let v = Command::new("node")
        .arg(peers.join("validate.js"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    // `--since` filters by when the statements were recorded.
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"))
        .args([
            "xapi",
            "export",
            "--since",
            "2100-01-01T00:00:00Z",
            "--data-dir",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Vec<Value>>(&out.stdout)
            .unwrap()
            .len(),
        0
    );
}

/// The LRS as a child process, killed when dropped.
struct Lrs {
    child: Child,
    base: String,
}

impl Lrs {
    fn start(peers: &Path, port: u16) -> Lrs {
        Self::start_dying_after(peers, port, 0)
    }

    /// An LRS on a free port that writes every statements request it gets to `log`.
    fn start_logging(peers: &Path, log: &Path) -> Lrs {
        Self::spawn(peers, 0, 0, Some(log))
    }

    /// An LRS that answers `writes` statement requests and then drops every later one unanswered,
    /// as a server going down mid-send does (0: never).
    fn start_dying_after(peers: &Path, port: u16, writes: usize) -> Lrs {
        Self::spawn(peers, port, writes, None)
    }

    fn spawn(peers: &Path, port: u16, writes: usize, log: Option<&Path>) -> Lrs {
        let mut cmd = Command::new("node");
        cmd.arg(peers.join("lrs.js"))
            .arg(port.to_string())
            .env("LRS_DIE_AFTER", writes.to_string());
        if let Some(l) = log {
            cmd.env("LRS_REQUEST_LOG", l);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("the LRS did not start: {line:?}"))
            .to_string();
        Lrs { child, base }
    }

    fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Every statement id the LRS holds, following `more` links.
    fn ids(&self) -> Vec<String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(true)
            .build()
            .into();
        let root = self.base.trim_end_matches("/xAPI").to_string();
        let mut url = format!("{}/statements?limit=100", self.base);
        let mut ids = Vec::new();
        loop {
            let body: Value = serde_json::from_str(
                &agent
                    .get(&url)
                    .header("Authorization", "Basic dGVzdGtleTp0ZXN0c2VjcmV0")
                    .header("X-Experience-API-Version", "1.0.3")
                    .call()
                    .unwrap()
                    .body_mut()
                    .read_to_string()
                    .unwrap(),
            )
            .unwrap();
            for s in body["statements"].as_array().unwrap() {
                ids.push(s["id"].as_str().unwrap().to_string());
            }
            match body["more"].as_str() {
                Some(m) if !m.is_empty() => url = format!("{root}{m}"),
                _ => return ids,
            }
        }
    }
}

impl Drop for Lrs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cfg(base: &str, password: &str) -> LrsConfig {
    LrsConfig {
        endpoint: base.to_string(),
        username: "testkey".into(),
        password: password.into(),
    }
}

fn outbox_ids(store: &Store) -> Vec<String> {
    xapi::export(store, None)
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn delivery_survives_the_lrs_restarting_mid_send_without_loss_or_duplicates() {
    let Some(peers) = peers() else { return };
    let (_dir, mut store) = filled("xapi-send", 30);
    let all = outbox_ids(&store);
    assert!(all.len() > 3 * xapi::BATCH, "{} statements", all.len());
    // The first LRS goes down while the third batch of the send is in flight.
    let a = Lrs::start_dying_after(&peers, 0, 2);
    let port = a.port();

    // Wrong password: nothing is lost, everything waits, and the password is never shown.
    let wrong = cfg(&a.base, "hunter2-secret");
    assert!(!format!("{wrong:?} {wrong}").contains("hunter2"));
    let r = xapi::send(&mut store, &wrong, 0).unwrap();
    assert_eq!(r.sent, 0);
    assert!(r.errors.iter().all(|e| !e.contains("hunter2")));
    assert_eq!(xapi::pending(&store).unwrap().0, all.len());
    xapi::retry_now(&mut store).unwrap();
    let good = cfg(&a.base, "testsecret");

    // One send: two batches are stored, the third gets no answer, and the send stops there.
    let r = xapi::send(&mut store, &good, 0).unwrap();
    assert_eq!(r.sent, 2 * xapi::BATCH);
    assert!(r.deferred > 0);
    assert!(!r.errors.is_empty());
    let in_a = a.ids();
    assert_eq!(in_a.len(), 2 * xapi::BATCH);
    assert_eq!(
        xapi::pending(&store).unwrap().0,
        all.len() - 2 * xapi::BATCH,
        "only what the LRS acknowledged is marked as sent"
    );
    drop(a);
    // With the LRS gone, a send fails and marks nothing.
    xapi::retry_now(&mut store).unwrap();
    let r = xapi::send(&mut store, &good, 0).unwrap();
    assert_eq!(r.sent, 0);
    assert_eq!(
        xapi::pending(&store).unwrap().0,
        all.len() - 2 * xapi::BATCH,
        "a failed send marks nothing as sent"
    );
    // Not due again until the back-off has passed.
    assert_eq!(xapi::send(&mut store, &good, 1).unwrap().sent, 0);

    // The LRS comes back on the same port; the rest goes through after the back-off.
    let b = Lrs::start(&peers, port);
    let later = xapi::backoff_ms(10) + 1;
    let r = xapi::send(&mut store, &good, later).unwrap();
    assert_eq!(r.sent, all.len() - 2 * xapi::BATCH);
    assert_eq!(xapi::pending(&store).unwrap().0, 0);

    // Sending everything again (as after a crash between POST and commit) duplicates nothing.
    xapi::resend_all(&mut store).unwrap();
    let r = xapi::send(&mut store, &good, later + 1).unwrap();
    assert_eq!(r.sent, all.len());
    let in_b = b.ids();
    let set_b: BTreeSet<&String> = in_b.iter().collect();
    assert_eq!(set_b.len(), in_b.len(), "the LRS holds a duplicate");
    let everything: BTreeSet<&String> = in_a.iter().chain(in_b.iter()).collect();
    let expected: BTreeSet<&String> = all.iter().collect();
    assert_eq!(everything, expected, "a statement was lost");
    assert_eq!(in_b.len(), all.len());
}

/// What `xapi export` of a store writes, as statements.
fn exported(dir: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"))
        .args(["xapi", "export", "--data-dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Statements taken into another store rebuild the same attempts, decisions, scores and exams, once.
#[test]
fn statements_rebuild_the_records_they_describe() {
    let (dir, store) = filled("xapi-rebuild", 5);
    let statements = exported(&dir);
    let other = scratch("xapi-rebuilt");
    let mut copy = Store::open(&other).unwrap().store;
    let (attempts, exams) = xapi::import(&mut copy, &statements).unwrap();
    assert_eq!((attempts, exams), (5 + 2, 1));
    // Taking the same statements in again adds nothing.
    assert_eq!(xapi::import(&mut copy, &statements).unwrap(), (0, 0));
    let strip = |mut rows: Vec<helpdesk_core::store::AttemptRow>| {
        for r in &mut rows {
            r.id = 0;
            r.exam = r.exam.map(|_| 0);
        }
        rows
    };
    let a = store.attempts(None).unwrap();
    let b = copy.attempts(None).unwrap();
    assert_eq!(strip(a.clone()), strip(b.clone()));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            store.decisions(x.id).unwrap(),
            copy.decisions(y.id).unwrap()
        );
    }
    let scores = |s: &Store| {
        s.objective_scores(None)
            .unwrap()
            .into_iter()
            .map(|r| (r.trainee, r.finished, r.name, r.earned, r.best))
            .collect::<Vec<_>>()
    };
    assert_eq!(scores(&store), scores(&copy));
    let exams = |s: &Store| {
        s.exams(None)
            .unwrap()
            .into_iter()
            .map(|e| serde_json::to_value(e.record).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(exams(&store), exams(&copy));
    assert!(
        b.iter().filter(|r| r.exam.is_some()).count() == 2,
        "exam tickets linked"
    );
    // What came from the LRS is not queued to be sent back to it.
    assert_eq!(xapi::pending(&copy).unwrap(), (0, 0));
}

/// Plays a ticket in the terminal for `trainee` in `data_dir`, optionally in a class.
fn play_for(data_dir: &Path, trainee: &str, class: Option<&str>, file: &str, seed: u64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"));
    cmd.arg("play").arg(common::library_dir().join(file)).args([
        "--seed",
        &seed.to_string(),
        "--trainee",
        trainee,
    ]);
    if let Some(c) = class {
        cmd.args(["--class", c]);
    }
    let mut child = cmd
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"1\n1\n2\n1\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `report` in `data_dir` with `args`, talking to `lrs`; returns (stdout, stderr).
fn report_with(data_dir: &Path, lrs: &Lrs, args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"))
        .arg("report")
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .current_dir(common::library_dir().parent().unwrap())
        .env("HELPDESK_LRS_ENDPOINT", &lrs.base)
        .env("HELPDESK_LRS_USERNAME", "testkey")
        .env("HELPDESK_LRS_PASSWORD", "testsecret")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), err)
}

/// Two machines, two trainees (one in a class), one LRS: a report from a third, empty folder lists both
/// with the same figures as their own machines' reports, and a second report asks only for what is new.
#[test]
fn a_report_from_the_lrs_shows_every_machine_as_its_own_report_does() {
    let Some(peers) = peers() else { return };
    let log = scratch("lrs-requests").join("requests.log");
    let lrs = Lrs::start_logging(&peers, &log);
    let (a, b, supervisor) = (
        scratch("machine-a"),
        scratch("machine-b"),
        scratch("supervisor"),
    );
    play_for(
        &a,
        "Ana Silva",
        Some("Room 1"),
        "network/net-no-internet-dhcp.ron",
        3,
    );
    play_for(
        &a,
        "Ana Silva",
        Some("Room 1"),
        "printers/prn-printer-offline.ron",
        4,
    );
    play_for(&b, "Ben Okoro", None, "accounts/acct-locked-out.ron", 5);
    let cfg = LrsConfig {
        endpoint: lrs.base.clone(),
        username: "testkey".into(),
        password: "testsecret".into(),
    };
    for dir in [&a, &b] {
        let mut s = Store::open(dir).unwrap().store;
        let r = xapi::send(&mut s, &cfg, helpdesk_core::store::now_ms()).unwrap();
        assert!(r.sent > 0 && r.deferred == 0 && r.rejected == 0, "{r:?}");
    }
    let rows =
        |csv: &str| -> BTreeSet<String> { csv.lines().skip(1).map(str::to_string).collect() };
    let (local_a, _) = report_with(&a, &lrs, &["--format", "csv"]);
    let (local_b, _) = report_with(&b, &lrs, &["--format", "csv"]);
    let (all, err) = report_with(&supervisor, &lrs, &["--lrs", "--format", "csv"]);
    assert!(err.contains("3 attempt(s) and 0 exam(s) taken in"), "{err}");
    let want: BTreeSet<String> = rows(&local_a).union(&rows(&local_b)).cloned().collect();
    assert_eq!(
        rows(&all),
        want,
        "the LRS report holds every attempt, figure for figure"
    );
    assert!(
        all.contains("Ana Silva,Room 1,") && all.contains("Ben Okoro,,"),
        "{all}"
    );

    // The text report: each trainee's line and mastery as on their own machine.
    let (table_a, _) = report_with(&a, &lrs, &[]);
    let (table_all, _) = report_with(&supervisor, &lrs, &[]);
    let line = |t: &str, who: &str| {
        t.lines()
            .find(|l| l.starts_with(who))
            .unwrap_or_else(|| panic!("{who} missing in\n{t}"))
            .to_string()
    };
    assert_eq!(line(&table_all, "Ana Silva"), line(&table_a, "Ana Silva"));

    // A class filter keeps only that class.
    let (room, _) = report_with(&supervisor, &lrs, &["--class", "Room 1", "--format", "csv"]);
    assert_eq!(rows(&room), rows(&local_a));

    // The second pull asks only for statements stored since the first, and finds none.
    let before = std::fs::read_to_string(&log).unwrap();
    let (_, err) = report_with(&supervisor, &lrs, &["--lrs", "--format", "csv"]);
    assert!(err.contains("0 new statement(s)"), "{err}");
    let after = std::fs::read_to_string(&log).unwrap();
    let asked: Vec<&str> = after[before.len()..]
        .lines()
        .filter(|l| l.starts_with("GET "))
        .collect();
    assert!(!asked.is_empty());
    assert!(asked[0].contains("&since="), "{asked:?}");
    assert!(
        before
            .lines()
            .filter(|l| l.starts_with("GET "))
            .all(|l| !l.contains("since=")),
        "the first pull asked for everything: {before}"
    );
}
