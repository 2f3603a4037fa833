//! Records are never lost to a lock: waiting and retrying while another process writes, and, as a last
//! resort, a file per record in a folder beside the database that the next open imports.
//!
//! A training room shares one data folder between the app, the command line and a supervisor's
//! report, sometimes on a network drive, so another process may hold the database's write lock at
//! any moment. SQLite waits for it (the busy timeout); some operations fail at once instead, so they
//! are retried with growing pauses. If the database still cannot take an attempt, the attempt is
//! written to `kept/` as JSON (atomically: a temporary file, synced, then renamed) and the next
//! [`Store::open`] of the folder imports it exactly once, keyed by its UUID.

use super::{AttemptRecord, ExamRecord, Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The folder beside the database that holds kept records.
pub const KEPT_DIR: &str = "kept";
/// The lock file that serialises opening (checking, setting aside, migrating, importing) a folder.
const OPEN_LOCK: &str = "progress.lock";

/// How long to wait for other processes.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// How long one statement waits for a lock before it fails as busy.
    pub busy_timeout: Duration,
    /// How many times a failed write is tried in all.
    pub tries: u32,
    /// The pause after the first failed try; it doubles after each.
    pub first_pause: Duration,
}

impl Default for Patience {
    /// Up to about a minute and a half in all: long enough for any write of ours to finish.
    fn default() -> Self {
        Patience {
            busy_timeout: Duration::from_secs(15),
            tries: 6,
            first_pause: Duration::from_millis(100),
        }
    }
}

/// A record that could not be written when it was made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Kept {
    Attempt(Box<AttemptRecord>),
    /// An exam result and the UUIDs of its tickets.
    Exam {
        record: ExamRecord,
        attempts: Vec<String>,
    },
}

impl Kept {
    fn uuid(&self) -> &str {
        match self {
            Kept::Attempt(a) => &a.uuid,
            Kept::Exam { record, .. } => &record.uuid,
        }
    }
    /// Attempts sort before exams, so an exam's tickets are there to link when it is imported.
    fn file_name(&self) -> String {
        match self {
            Kept::Attempt(_) => format!("1-attempt-{}.json", self.uuid()),
            Kept::Exam { .. } => format!("2-exam-{}.json", self.uuid()),
        }
    }
}

/// Where a record went.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    /// In the database, with this row id.
    Stored(i64),
    /// In this file beside the database, because the database could not take it now; the next
    /// start imports it.
    Kept(PathBuf, String),
}

/// Whether an error means "another process holds the lock", which waiting can cure.
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Runs `f` until it succeeds, fails for a reason other than a lock, or has been tried `p.tries`
/// times, pausing between tries.
pub(crate) fn retry<T>(p: Patience, mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let mut pause = p.first_pause;
    let mut tries = 1;
    loop {
        match f() {
            Err(e) if e.busy && tries < p.tries.max(1) => {
                std::thread::sleep(pause);
                pause = pause.saturating_mul(2);
                tries += 1;
            }
            other => return other,
        }
    }
}

/// An exclusive lock on the folder's lock file, held while a process opens the store. Where the file
/// system cannot lock (some network shares), or another process holds it for longer than any open
/// takes (it hangs), opening goes on without it: the schema transaction alone still keeps two
/// processes from creating the tables twice.
pub(crate) struct OpenLock(Option<std::fs::File>);

/// How long to wait for the open lock before going on without it.
const OPEN_LOCK_WAIT: Duration = Duration::from_secs(30);

impl OpenLock {
    pub(crate) fn take(dir: &Path) -> OpenLock {
        let Ok(file) = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(OPEN_LOCK))
        else {
            return OpenLock(None);
        };
        let start = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return OpenLock(Some(file)),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < OPEN_LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => return OpenLock(None),
            }
        }
    }
}

impl Drop for OpenLock {
    fn drop(&mut self) {
        if let Some(f) = &self.0 {
            let _ = f.unlock();
        }
    }
}

/// Writes `record` into `dir/kept/` atomically. Returns the file's path.
pub fn keep(dir: &Path, record: &Kept) -> Result<PathBuf> {
    let folder = dir.join(KEPT_DIR);
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(record.file_name());
    let tmp = folder.join(format!(".{}.tmp", record.file_name()));
    let json = serde_json::to_vec_pretty(record)
        .map_err(|e| StoreError::new(format!("could not keep the record: {e}")))?;
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    // The rename is durable once the folder itself is synced (not possible on every platform).
    if let Ok(d) = std::fs::File::open(&folder) {
        let _ = d.sync_all();
    }
    Ok(path)
}

/// Records an attempt in the store in `dir`, or keeps it beside the database if the store cannot be
/// opened or written now. Fails only if neither is possible. Also returns what opening set aside.
pub fn save_attempt(dir: &Path, a: &AttemptRecord) -> Result<(Saved, Option<super::Opened>)> {
    match Store::open(dir) {
        Ok(mut opened) => {
            let saved = opened.store.save(a)?;
            Ok((saved, Some(opened)))
        }
        Err(e) => {
            let path = keep(dir, &Kept::Attempt(Box::new(a.clone())))?;
            Ok((Saved::Kept(path, e.to_string()), None))
        }
    }
}

impl Store {
    /// Records an attempt; if the database cannot take it even after waiting (another process holds
    /// the lock, the disk is full), keeps it in a file beside the database for the next start.
    pub fn save(&mut self, a: &AttemptRecord) -> Result<Saved> {
        if a.trainee.trim().is_empty() {
            return Err(StoreError::new("a trainee needs a name"));
        }
        match self.record(a) {
            Ok(id) => Ok(Saved::Stored(id)),
            Err(e) => {
                let path = keep(self.dir(), &Kept::Attempt(Box::new(a.clone())))?;
                Ok(Saved::Kept(path, e.to_string()))
            }
        }
    }

    /// Records an exam result, or keeps it, as [`Store::save`] does an attempt.
    pub fn save_exam(&mut self, e: &ExamRecord, attempts: &[String]) -> Result<Saved> {
        match self.record_exam(e, attempts) {
            Ok(id) => Ok(Saved::Stored(id)),
            Err(err) => {
                let kept = Kept::Exam {
                    record: e.clone(),
                    attempts: attempts.to_vec(),
                };
                let path = keep(self.dir(), &kept)?;
                Ok(Saved::Kept(path, err.to_string()))
            }
        }
    }

    /// Imports every kept record, oldest kind first; each file is removed once its record is in the
    /// database (or was already). A file that cannot be parsed is renamed `….unreadable` and left.
    /// A record the database still cannot take stays for the next time.
    pub(super) fn import_kept(&mut self) -> (usize, Vec<PathBuf>) {
        let folder = self.dir().join(KEPT_DIR);
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return (0, Vec::new());
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let mut imported = 0;
        let mut unreadable = Vec::new();
        for file in files {
            let parsed = std::fs::read(&file)
                .ok()
                .and_then(|b| serde_json::from_slice::<Kept>(&b).ok());
            let Some(kept) = parsed else {
                let aside = file.with_extension("json.unreadable");
                if std::fs::rename(&file, &aside).is_ok() {
                    unreadable.push(aside);
                }
                continue;
            };
            let done = match &kept {
                Kept::Attempt(a) => self.record(a).is_ok(),
                Kept::Exam { record, attempts } => self.record_exam(record, attempts).is_ok(),
            };
            if done && std::fs::remove_file(&file).is_ok() {
                imported += 1;
            }
        }
        (imported, unreadable)
    }
}
