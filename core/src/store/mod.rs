//! The progress store: trainees, attempts, every decision, scores per category and objective, exams, and
//! the xAPI outbox, in one SQLite file in the user's data folder.
//!
//! - Every write is one transaction, so a process killed at any moment loses at most the attempt it was
//!   writing. The journal is a write-ahead log with full syncs.
//! - A file that is not a healthy progress database, or that a newer version of the program wrote, is
//!   renamed aside (never overwritten) and a fresh store is started; [`Opened::set_aside`] says so.
//! - The schema is versioned with `PRAGMA user_version`; [`MIGRATIONS`] brings any older file up to date.

pub use crate::record::{
    AttemptRecord, Decision, ExamDomainRow, ExamLink, ExamRecord, Mode, new_uuid, now_ms, rfc3339,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

mod keep;
pub use keep::{KEPT_DIR, Kept, Patience, Saved, save_attempt};

/// The database's file name inside the data folder.
pub const FILE_NAME: &str = "progress.sqlite3";
/// Marks the file as ours (`HDSM`), so another program's SQLite file is never mistaken for a store.
const APPLICATION_ID: i32 = 0x4844_534d;

/// Schema migrations, in order; migration `i` brings the file to version `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: trainee records.
    "
    CREATE TABLE trainee (
        id       INTEGER PRIMARY KEY,
        name     TEXT NOT NULL UNIQUE,
        created  INTEGER NOT NULL
    );
    CREATE TABLE exam (
        id          INTEGER PRIMARY KEY,
        uuid        TEXT NOT NULL UNIQUE,
        trainee_id  INTEGER NOT NULL REFERENCES trainee(id),
        exam        TEXT NOT NULL,
        code        TEXT NOT NULL,
        started     INTEGER NOT NULL,
        finished    INTEGER NOT NULL,
        time_limit  INTEGER NOT NULL,
        timed_out   INTEGER NOT NULL,
        raw         REAL NOT NULL,
        scaled      INTEGER NOT NULL,
        pass        INTEGER NOT NULL,
        passed      INTEGER NOT NULL
    );
    CREATE TABLE exam_domain (
        exam_id  INTEGER NOT NULL REFERENCES exam(id),
        domain   TEXT NOT NULL,
        name     TEXT NOT NULL,
        weight   INTEGER NOT NULL,
        items    INTEGER NOT NULL,
        raw      REAL NOT NULL,
        scaled   INTEGER NOT NULL,
        PRIMARY KEY (exam_id, domain)
    );
    CREATE TABLE attempt (
        id          INTEGER PRIMARY KEY,
        uuid        TEXT NOT NULL UNIQUE,
        trainee_id  INTEGER NOT NULL REFERENCES trainee(id),
        scenario    TEXT NOT NULL,
        title       TEXT NOT NULL,
        variant     TEXT NOT NULL,
        seed        INTEGER NOT NULL,
        mode        TEXT NOT NULL,
        exam_id     INTEGER REFERENCES exam(id),
        hints       INTEGER NOT NULL,
        started     INTEGER NOT NULL,
        finished    INTEGER NOT NULL,
        outcome     TEXT,
        total       INTEGER NOT NULL,
        best        INTEGER NOT NULL,
        percent     REAL NOT NULL,
        minutes     INTEGER NOT NULL
    );
    CREATE INDEX attempt_by_trainee ON attempt(trainee_id, finished);
    CREATE TABLE decision (
        attempt_id  INTEGER NOT NULL REFERENCES attempt(id),
        seq         INTEGER NOT NULL,
        key         TEXT NOT NULL,
        label       TEXT NOT NULL,
        points      INTEGER NOT NULL,
        minute      INTEGER NOT NULL,
        PRIMARY KEY (attempt_id, seq)
    );
    CREATE TABLE category_score (
        attempt_id  INTEGER NOT NULL REFERENCES attempt(id),
        category    TEXT NOT NULL,
        earned      INTEGER NOT NULL,
        best        INTEGER NOT NULL,
        PRIMARY KEY (attempt_id, category)
    );
    CREATE TABLE objective_score (
        attempt_id  INTEGER NOT NULL REFERENCES attempt(id),
        objective   TEXT NOT NULL,
        earned      INTEGER NOT NULL,
        best        INTEGER NOT NULL,
        PRIMARY KEY (attempt_id, objective)
    );
    ",
    // 2: the xAPI outbox. Statements are queued in the same transaction as the attempt they describe.
    "
    CREATE TABLE outbox (
        id          TEXT PRIMARY KEY,
        attempt_id  INTEGER REFERENCES attempt(id),
        stored      INTEGER NOT NULL,
        statement   TEXT NOT NULL,
        sent        INTEGER,
        tries       INTEGER NOT NULL DEFAULT 0,
        next_try    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT
    );
    CREATE INDEX outbox_unsent ON outbox(sent, next_try);
    ",
    // 3: classes, and statements pulled from a Learning Record Store for reports across machines.
    // `origin` says whether an attempt was made here or taken in from the LRS (never sent again).
    "
    ALTER TABLE attempt ADD COLUMN class TEXT;
    ALTER TABLE attempt ADD COLUMN origin TEXT NOT NULL DEFAULT 'local';
    ALTER TABLE exam ADD COLUMN class TEXT;
    ALTER TABLE exam ADD COLUMN origin TEXT NOT NULL DEFAULT 'local';
    CREATE TABLE lrs_statement (
        id            TEXT PRIMARY KEY,
        registration  TEXT,
        stored        TEXT NOT NULL,
        statement     TEXT NOT NULL
    );
    CREATE INDEX lrs_statement_by_registration ON lrs_statement(registration);
    CREATE TABLE lrs_pull (
        endpoint  TEXT PRIMARY KEY,
        since     TEXT NOT NULL,
        pulled    INTEGER NOT NULL
    );
    ",
];

/// The schema version this program writes.
pub fn schema_version() -> i32 {
    MIGRATIONS.len() as i32
}

/// The default data folder: the platform's per-user data directory.
pub fn default_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("helpdesk-sim")
}

/// A store problem: the file could not be opened, read or written.
#[derive(Debug)]
pub struct StoreError {
    pub message: String,
    /// Another process held the database's lock for longer than this one would wait: trying again
    /// later can succeed, so the record is kept rather than dropped.
    pub busy: bool,
}

impl StoreError {
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
            busy: false,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError {
            busy: keep::is_busy(&e),
            message: format!("progress database: {e}"),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::new(format!("progress folder: {e}"))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A file that was moved out of the way instead of being opened.
#[derive(Debug, Clone)]
pub struct SetAside {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for SetAside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the progress database {}; it was kept as {} and a new one was started",
            self.reason,
            self.path.display()
        )
    }
}

/// An open store, what had to be set aside to open it, and the kept records it took in.
pub struct Opened {
    pub store: Store,
    pub set_aside: Option<SetAside>,
    /// Records that an earlier run could not write at the time and kept beside the database (see
    /// [`Store::save`]); opening imported them.
    pub imported: usize,
    /// Kept files that could not be read; they stay where they are, renamed `….unreadable`.
    pub unreadable: Vec<PathBuf>,
}

/// The open progress database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    patience: Patience,
}

/// An attempt as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptRow {
    pub id: i64,
    pub uuid: String,
    pub trainee: String,
    pub scenario: String,
    pub title: String,
    pub variant: String,
    pub seed: u64,
    pub mode: Mode,
    pub exam: Option<i64>,
    pub class: Option<String>,
    pub hints: bool,
    pub started: i64,
    pub finished: i64,
    pub outcome: Option<String>,
    pub total: i32,
    pub best: i32,
    pub percent: f64,
    pub minutes: u32,
}

impl AttemptRow {
    /// How the attempt ended, in words: "Closed unresolved", or "Unfinished".
    pub fn outcome_label(&self) -> &str {
        match self.outcome.as_deref() {
            None => "Unfinished",
            Some(name) => crate::engine::Outcome::from_name(name).map_or(name, |o| o.label()),
        }
    }
}

/// One objective's points in one attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow {
    pub attempt: i64,
    pub trainee: String,
    pub finished: i64,
    pub name: String,
    pub earned: i32,
    pub best: i32,
}

/// An exam as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ExamRow {
    pub id: i64,
    pub record: ExamRecord,
}

impl Store {
    /// Opens the store in `dir`, creating the folder and the file as needed. A damaged file, a file that
    /// is not ours, or one from a newer version is renamed aside and reported, never overwritten.
    ///
    /// Any number of processes may open one folder at once, also for the first time: opening takes a
    /// lock file in the folder, and creating or migrating the schema is one transaction that holds the
    /// database's write lock before it reads the schema version. Records kept by an earlier run (see
    /// [`Store::save`]) are imported.
    pub fn open(dir: &Path) -> Result<Opened> {
        Store::open_with(dir, Patience::default())
    }

    /// [`Store::open`] with a chosen patience for locks held by other processes.
    pub fn open_with(dir: &Path, patience: Patience) -> Result<Opened> {
        std::fs::create_dir_all(dir)?;
        let _lock = keep::OpenLock::take(dir);
        let path = dir.join(FILE_NAME);
        let mut set_aside = None;
        if path.exists() {
            match check(&path, patience) {
                Ok(()) => {}
                // A lock held for a long time is not damage: open normally and wait in `prepare`.
                Err(Problem::Busy) => {}
                Err(Problem::Bad(reason)) => set_aside = Some(move_aside(&path, &reason)?),
            }
        }
        let conn = Connection::open(&path)?;
        let mut store = Store {
            conn,
            path,
            patience,
        };
        store.prepare()?;
        let (imported, unreadable) = store.import_kept();
        Ok(Opened {
            store,
            set_aside,
            imported,
            unreadable,
        })
    }

    /// A second connection to a store this process has already opened with [`Store::open`] (for a
    /// background sender): no checks, no migrations.
    pub fn connect(dir: &Path) -> Result<Store> {
        let path = dir.join(FILE_NAME);
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let patience = Patience::default();
        conn.busy_timeout(patience.busy_timeout)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Store {
            conn,
            path,
            patience,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder the database lives in.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    fn prepare(&mut self) -> Result<()> {
        let p = self.patience;
        self.conn.busy_timeout(p.busy_timeout)?;
        // Turning on the write-ahead log needs a moment alone with the file; another process opening it
        // at the same time makes this fail at once rather than wait, so it is retried.
        keep::retry(p, || {
            Ok(self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?)
        })?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        keep::retry(p, || migrate(&mut self.conn))
    }

    /// The schema version of the open file.
    pub fn version(&self) -> Result<i32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Adds a trainee if new; returns their id.
    pub fn trainee(&mut self, name: &str) -> Result<i64> {
        trainee_id(&self.conn, name)
    }

    /// Every trainee's name, sorted.
    pub fn trainees(&self) -> Result<Vec<String>> {
        let mut q = self
            .conn
            .prepare("SELECT name FROM trainee ORDER BY name COLLATE NOCASE")?;
        let rows = q.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Writes an attempt with its decisions and scores, and queues its xAPI statements, in one
    /// transaction, waiting and retrying while another process holds the lock. Returns the attempt's
    /// row id. An attempt already stored (by its UUID) is not written twice.
    pub fn record(&mut self, a: &AttemptRecord) -> Result<i64> {
        let p = self.patience;
        keep::retry(p, || record_attempt(&mut self.conn, a, Origin::Local))
    }

    /// Writes an exam result, as [`Store::record`] does an attempt. Its tickets are recorded
    /// separately with [`Mode::Exam`]; `attempts` names them by UUID and they are linked to the exam.
    pub fn record_exam(&mut self, e: &ExamRecord, attempts: &[String]) -> Result<i64> {
        let p = self.patience;
        keep::retry(p, || {
            record_exam(&mut self.conn, e, attempts, Origin::Local)
        })
    }

    /// Attempts, oldest first; one trainee's or everyone's.
    pub fn attempts(&self, trainee: Option<&str>) -> Result<Vec<AttemptRow>> {
        let mut q = self.conn.prepare(
            "SELECT a.id, a.uuid, t.name, a.scenario, a.title, a.variant, a.seed, a.mode, a.exam_id,
                    a.hints, a.started, a.finished, a.outcome, a.total, a.best, a.percent, a.minutes,
                    a.class
             FROM attempt a JOIN trainee t ON t.id = a.trainee_id
             WHERE ?1 IS NULL OR t.name = ?1
             ORDER BY a.finished, a.id",
        )?;
        let rows = q.query_map(params![trainee], |r| {
            Ok(AttemptRow {
                id: r.get(0)?,
                uuid: r.get(1)?,
                trainee: r.get(2)?,
                scenario: r.get(3)?,
                title: r.get(4)?,
                variant: r.get(5)?,
                seed: r.get::<_, i64>(6)? as u64,
                mode: Mode::parse(&r.get::<_, String>(7)?),
                exam: r.get(8)?,
                hints: r.get(9)?,
                started: r.get(10)?,
                finished: r.get(11)?,
                outcome: r.get(12)?,
                total: r.get(13)?,
                best: r.get(14)?,
                percent: r.get(15)?,
                minutes: r.get(16)?,
                class: r.get(17)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Objective scores of every attempt, oldest first; one trainee's or everyone's.
    pub fn objective_scores(&self, trainee: Option<&str>) -> Result<Vec<ScoreRow>> {
        self.scores("objective_score", "objective", trainee)
    }

    /// Category scores of every attempt, oldest first.
    pub fn category_scores(&self, trainee: Option<&str>) -> Result<Vec<ScoreRow>> {
        self.scores("category_score", "category", trainee)
    }

    fn scores(&self, table: &str, column: &str, trainee: Option<&str>) -> Result<Vec<ScoreRow>> {
        let mut q = self.conn.prepare(&format!(
            "SELECT s.attempt_id, t.name, a.finished, s.{column}, s.earned, s.best
             FROM {table} s JOIN attempt a ON a.id = s.attempt_id JOIN trainee t ON t.id = a.trainee_id
             WHERE ?1 IS NULL OR t.name = ?1
             ORDER BY a.finished, a.id, s.{column}"
        ))?;
        let rows = q.query_map(params![trainee], |r| {
            Ok(ScoreRow {
                attempt: r.get(0)?,
                trainee: r.get(1)?,
                finished: r.get(2)?,
                name: r.get(3)?,
                earned: r.get(4)?,
                best: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// One attempt's decisions, in order.
    pub fn decisions(&self, attempt: i64) -> Result<Vec<Decision>> {
        let mut q = self.conn.prepare(
            "SELECT seq, key, label, points, minute FROM decision WHERE attempt_id = ?1 ORDER BY seq",
        )?;
        let rows = q.query_map(params![attempt], |r| {
            Ok(Decision {
                seq: r.get(0)?,
                key: r.get(1)?,
                label: r.get(2)?,
                points: r.get(3)?,
                minute: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// An attempt by its UUID.
    pub fn attempt(&self, uuid: &str) -> Result<Option<AttemptRow>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM attempt WHERE uuid = ?1",
                params![uuid],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match id {
            Some(id) => self.attempts(None)?.into_iter().find(|a| a.id == id),
            None => None,
        })
    }

    /// Exams, oldest first; one trainee's or everyone's.
    pub fn exams(&self, trainee: Option<&str>) -> Result<Vec<ExamRow>> {
        let mut q = self.conn.prepare(
            "SELECT e.id, e.uuid, t.name, e.exam, e.code, e.started, e.finished, e.time_limit,
                    e.timed_out, e.raw, e.scaled, e.pass, e.passed, e.class
             FROM exam e JOIN trainee t ON t.id = e.trainee_id
             WHERE ?1 IS NULL OR t.name = ?1
             ORDER BY e.finished, e.id",
        )?;
        let mut exams: Vec<ExamRow> = q
            .query_map(params![trainee], |r| {
                Ok(ExamRow {
                    id: r.get(0)?,
                    record: ExamRecord {
                        uuid: r.get(1)?,
                        trainee: r.get(2)?,
                        exam: r.get(3)?,
                        code: r.get(4)?,
                        started: r.get(5)?,
                        finished: r.get(6)?,
                        time_limit: r.get(7)?,
                        timed_out: r.get(8)?,
                        raw: r.get(9)?,
                        scaled: r.get(10)?,
                        pass: r.get(11)?,
                        passed: r.get(12)?,
                        class: r.get(13)?,
                        domains: Vec::new(),
                    },
                })
            })?
            .collect::<std::result::Result<_, _>>()?;
        let mut d = self.conn.prepare(
            "SELECT domain, name, weight, items, raw, scaled FROM exam_domain WHERE exam_id = ?1
             ORDER BY domain",
        )?;
        for e in &mut exams {
            e.record.domains = d
                .query_map(params![e.id], |r| {
                    Ok(ExamDomainRow {
                        domain: r.get(0)?,
                        name: r.get(1)?,
                        weight: r.get(2)?,
                        items: r.get(3)?,
                        raw: r.get(4)?,
                        scaled: r.get(5)?,
                    })
                })?
                .collect::<std::result::Result<_, _>>()?;
        }
        Ok(exams)
    }
}

/// Creates or brings the schema up to date in one transaction that holds the write lock before it
/// reads the version, so two processes never both see version 0 and both create the tables.
fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > schema_version() {
        return Err(StoreError::new(format!(
            "progress database: written by a newer version of helpdesk-sim (schema {version}; this one reads up to {})",
            schema_version()
        )));
    }
    if version == schema_version() {
        return Ok(());
    }
    if version <= 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    for sql in MIGRATIONS.iter().skip(version.max(0) as usize) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", schema_version())?;
    tx.commit()?;
    Ok(())
}

/// One attempt in one transaction that takes the write lock at once (no read-to-write upgrade that a
/// busy handler cannot wait out). Returns the existing row if this UUID is already stored.
pub(crate) fn record_attempt(
    conn: &mut Connection,
    a: &AttemptRecord,
    origin: Origin,
) -> Result<i64> {
    // What came from the LRS is there already: it is not queued to be sent again.
    let statements = match origin {
        Origin::Local => crate::xapi::statement::attempt_statements(a),
        Origin::Lrs => Vec::new(),
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(id) = tx
        .query_row(
            "SELECT id FROM attempt WHERE uuid = ?1",
            params![a.uuid],
            |r| r.get(0),
        )
        .optional()?
    {
        return Ok(id);
    }
    let tid = trainee_id(&tx, &a.trainee)?;
    let r = &a.report;
    tx.execute(
        "INSERT INTO attempt (uuid, trainee_id, scenario, title, variant, seed, mode, exam_id, hints,
            started, finished, outcome, total, best, percent, minutes, class, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            a.uuid,
            tid,
            r.scenario,
            r.title,
            r.variant,
            r.seed as i64,
            a.mode.as_str(),
            Option::<i64>::None,
            a.hints,
            a.started,
            a.finished,
            r.outcome.map(|o| format!("{o:?}")),
            r.total,
            r.best,
            r.percent,
            r.minutes,
            a.class,
            origin.as_str(),
        ],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut d = tx.prepare(
            "INSERT INTO decision (attempt_id, seq, key, label, points, minute)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for x in &a.decisions {
            d.execute(params![id, x.seq, x.key, x.label, x.points, x.minute])?;
        }
        let mut c = tx.prepare(
            "INSERT INTO category_score (attempt_id, category, earned, best) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for l in &r.categories {
            c.execute(params![id, l.name, l.earned, l.best])?;
        }
        let mut o = tx.prepare(
            "INSERT INTO objective_score (attempt_id, objective, earned, best) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for l in &r.objectives {
            o.execute(params![id, l.name, l.earned, l.best])?;
        }
        let mut q = tx.prepare(
            "INSERT OR IGNORE INTO outbox (id, attempt_id, stored, statement) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for s in &statements {
            q.execute(params![
                s["id"].as_str().unwrap_or_default(),
                id,
                a.finished,
                s.to_string()
            ])?;
        }
    }
    tx.commit()?;
    Ok(id)
}

/// One exam result in one transaction; `attempts` are the UUIDs of its tickets, linked to it.
pub(crate) fn record_exam(
    conn: &mut Connection,
    e: &ExamRecord,
    attempts: &[String],
    origin: Origin,
) -> Result<i64> {
    let statements = match origin {
        Origin::Local => crate::xapi::statement::exam_statements(e),
        Origin::Lrs => Vec::new(),
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(id) = tx
        .query_row(
            "SELECT id FROM exam WHERE uuid = ?1",
            params![e.uuid],
            |r| r.get(0),
        )
        .optional()?
    {
        return Ok(id);
    }
    let tid = trainee_id(&tx, &e.trainee)?;
    tx.execute(
        "INSERT INTO exam (uuid, trainee_id, exam, code, started, finished, time_limit, timed_out,
            raw, scaled, pass, passed, class, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            e.uuid,
            tid,
            e.exam,
            e.code,
            e.started,
            e.finished,
            e.time_limit,
            e.timed_out,
            e.raw,
            e.scaled,
            e.pass,
            e.passed,
            e.class,
            origin.as_str()
        ],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut d = tx.prepare(
            "INSERT INTO exam_domain (exam_id, domain, name, weight, items, raw, scaled)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for x in &e.domains {
            d.execute(params![
                id, x.domain, x.name, x.weight, x.items, x.raw, x.scaled
            ])?;
        }
        let mut l = tx.prepare("UPDATE attempt SET exam_id = ?1 WHERE uuid = ?2")?;
        for a in attempts {
            l.execute(params![id, a])?;
        }
        let mut q = tx.prepare(
            "INSERT OR IGNORE INTO outbox (id, attempt_id, stored, statement) VALUES (?1, NULL, ?2, ?3)",
        )?;
        for s in &statements {
            q.execute(params![
                s["id"].as_str().unwrap_or_default(),
                e.finished,
                s.to_string()
            ])?;
        }
    }
    tx.commit()?;
    Ok(id)
}

fn trainee_id(conn: &Connection, name: &str) -> Result<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::new("a trainee needs a name"));
    }
    conn.execute(
        "INSERT OR IGNORE INTO trainee (name, created) VALUES (?1, ?2)",
        params![name, now_ms()],
    )?;
    Ok(conn.query_row(
        "SELECT id FROM trainee WHERE name = ?1",
        params![name],
        |r| r.get(0),
    )?)
}

/// Where a record was made: on this machine, or taken in from the Learning Record Store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Local,
    Lrs,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Local => "local",
            Origin::Lrs => "lrs",
        }
    }
}

/// Why an existing file was not opened as it is.
enum Problem {
    /// Another process held a lock for longer than we waited: the file is in use, not damaged.
    Busy,
    /// The file is not a healthy progress database of ours; the reason, in words.
    Bad(String),
}

/// Checks an existing file without changing it: a SQLite database, ours, healthy, not newer than us.
/// A lock held by another process is never taken for damage.
fn check(path: &Path, patience: Patience) -> std::result::Result<(), Problem> {
    let bad = |what: &'static str| {
        move |e: rusqlite::Error| {
            if keep::is_busy(&e) {
                Problem::Busy
            } else {
                Problem::Bad(format!("{what} ({e})"))
            }
        }
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(bad("could not be opened"))?;
    let _ = conn.busy_timeout(patience.busy_timeout);
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(bad("is damaged or not a database"))?;
    let app: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(bad("is damaged"))?;
    if version > schema_version() {
        return Err(Problem::Bad(format!(
            "was written by a newer version of helpdesk-sim (schema {version}; this one reads up to {})",
            schema_version()
        )));
    }
    if version > 0 && app != APPLICATION_ID {
        return Err(Problem::Bad("belongs to another program".into()));
    }
    let ok: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(bad("is damaged"))?;
    if ok != "ok" {
        return Err(Problem::Bad(format!("failed its integrity check ({ok})")));
    }
    Ok(())
}

/// Renames the file and its journal aside, keeping everything.
fn move_aside(path: &Path, reason: &str) -> Result<SetAside> {
    let stamp = now_ms();
    let aside = path.with_file_name(format!("{FILE_NAME}.set-aside-{stamp}"));
    std::fs::rename(path, &aside)?;
    for ext in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{ext}", path.display()));
        if side.exists() {
            std::fs::rename(&side, PathBuf::from(format!("{}{ext}", aside.display())))?;
        }
    }
    Ok(SetAside {
        path: aside,
        reason: reason.to_string(),
    })
}
