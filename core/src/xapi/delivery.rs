//! The outbox and its delivery: export, sending in batches with back-off, and the LRS settings.

use crate::store::{Result, Store, StoreError};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use std::path::Path;
use std::time::Duration;

/// Statements per POST.
pub const BATCH: usize = 50;

/// Statements in the outbox stored at or after `since` (ms), oldest first, sent or not.
pub fn export(store: &Store, since: Option<i64>) -> Result<Vec<Value>> {
    let mut q = store
        .conn()
        .prepare("SELECT statement FROM outbox WHERE stored >= ?1 ORDER BY stored, rowid")?;
    let rows = q.query_map([since.unwrap_or(i64::MIN)], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for text in rows {
        let text = text?;
        out.push(
            serde_json::from_str(&text)
                .map_err(|e| StoreError::new(format!("outbox holds a broken statement: {e}")))?,
        );
    }
    Ok(out)
}

/// Where statements go. The password is never printed: `Debug` and `Display` hide it.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LrsConfig {
    /// The xAPI base, e.g. `https://lrs.example.org/xAPI`; statements go to `{endpoint}/statements`.
    pub endpoint: String,
    pub username: String,
    pub password: String,
}

impl fmt::Debug for LrsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LrsConfig")
            .field("endpoint", &self.endpoint)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

impl fmt::Display for LrsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as {}", self.endpoint, self.username)
    }
}

/// The config file's name inside the data folder.
pub const CONFIG_FILE: &str = "lrs.ron";

impl LrsConfig {
    /// From `HELPDESK_LRS_ENDPOINT`, `HELPDESK_LRS_USERNAME` and `HELPDESK_LRS_PASSWORD`, or else from
    /// `lrs.ron` in the data folder. `None` when neither is set.
    pub fn find(data_dir: &Path) -> std::result::Result<Option<LrsConfig>, String> {
        if let Ok(endpoint) = std::env::var("HELPDESK_LRS_ENDPOINT") {
            return Ok(Some(LrsConfig {
                endpoint,
                username: std::env::var("HELPDESK_LRS_USERNAME").unwrap_or_default(),
                password: std::env::var("HELPDESK_LRS_PASSWORD").unwrap_or_default(),
            }));
        }
        let path = data_dir.join(CONFIG_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        ron::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{}:{}: {}", path.display(), e.span.start, e.code))
    }
    pub(crate) fn authorization(&self) -> String {
        use base64::Engine;
        let raw = format!("{}:{}", self.username, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

/// What one round of sending did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    /// Statements the LRS refused as invalid; they stay in the outbox with the reason.
    pub rejected: usize,
    /// Statements kept for a later try because the LRS could not be reached or failed.
    pub deferred: usize,
    pub errors: Vec<String>,
}

/// The wait before try `tries + 1`: 2, 4, 8 … seconds, at most ten minutes.
pub fn backoff_ms(tries: u32) -> i64 {
    (2_000i64 << tries.min(16)).min(600_000)
}

enum Answer {
    Stored,
    Rejected(String),
    Failed(String),
}

fn post(agent: &ureq::Agent, cfg: &LrsConfig, body: &str) -> Answer {
    let url = format!("{}/statements", cfg.endpoint.trim_end_matches('/'));
    let res = agent
        .post(&url)
        .header("Authorization", cfg.authorization())
        .header("X-Experience-API-Version", "1.0.3")
        .header("Content-Type", "application/json")
        .send(body);
    match res {
        Ok(mut r) => {
            let status = r.status().as_u16();
            let text = r
                .body_mut()
                .read_to_string()
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect::<String>();
            match status {
                200..=299 => Answer::Stored,
                400 | 409 | 413 => Answer::Rejected(format!("HTTP {status}: {text}")),
                _ => Answer::Failed(format!("HTTP {status}: {text}")),
            }
        }
        Err(e) => Answer::Failed(e.to_string()),
    }
}

/// Sends what is due in the outbox, in batches of [`BATCH`], oldest first. A batch the LRS refuses is
/// split to find the statements it objects to; those stay in the outbox marked rejected, the rest are
/// sent. When the LRS cannot be reached the batch waits, with a growing delay. Nothing is deleted.
pub fn send(store: &mut Store, cfg: &LrsConfig, now: i64) -> Result<SendReport> {
    send_some(store, cfg, now, usize::MAX)
}

/// Like [`send`], stopping after `max_posts` requests.
pub fn send_some(
    store: &mut Store,
    cfg: &LrsConfig,
    now: i64,
    max_posts: usize,
) -> Result<SendReport> {
    let mut posts = 0;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let mut report = SendReport::default();
    loop {
        let due: Vec<(String, String, u32)> = {
            let mut q = store.conn().prepare(
                "SELECT id, statement, tries FROM outbox WHERE sent IS NULL AND next_try <= ?1
                 ORDER BY stored, rowid LIMIT ?2",
            )?;
            q.query_map(rusqlite::params![now, BATCH as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<std::result::Result<_, _>>()?
        };
        if due.is_empty() {
            return Ok(report);
        }
        let mut stop = false;
        let mut queue = vec![due];
        while let Some(batch) = queue.pop() {
            if posts >= max_posts {
                return Ok(report);
            }
            posts += 1;
            let body = format!(
                "[{}]",
                batch
                    .iter()
                    .map(|b| b.1.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let answer = post(&agent, cfg, &body);
            let tx = store.conn_mut().transaction()?;
            match answer {
                Answer::Stored => {
                    for (id, _, _) in &batch {
                        tx.execute(
                            "UPDATE outbox SET sent = ?1, tries = tries + 1, last_error = NULL WHERE id = ?2",
                            rusqlite::params![now, id],
                        )?;
                    }
                    report.sent += batch.len();
                }
                Answer::Rejected(why) if batch.len() > 1 => {
                    let mut b = batch;
                    let rest = b.split_off(b.len() / 2);
                    queue.push(rest);
                    queue.push(b);
                    report.errors.push(why);
                }
                Answer::Rejected(why) => {
                    tx.execute(
                        "UPDATE outbox SET tries = tries + 1, next_try = ?1, last_error = ?2 WHERE id = ?3",
                        rusqlite::params![i64::MAX, format!("rejected: {why}"), batch[0].0],
                    )?;
                    report.rejected += 1;
                    report.errors.push(why);
                }
                Answer::Failed(why) => {
                    for (id, _, tries) in &batch {
                        tx.execute(
                            "UPDATE outbox SET tries = tries + 1, next_try = ?1, last_error = ?2 WHERE id = ?3",
                            rusqlite::params![now + backoff_ms(*tries), why, id],
                        )?;
                    }
                    report.deferred += batch.len() + queue.iter().map(Vec::len).sum::<usize>();
                    report.errors.push(why);
                    stop = true;
                }
            }
            tx.commit()?;
            if stop {
                return Ok(report);
            }
        }
    }
}

/// How many statements wait in the outbox, and how many of those were rejected.
pub fn pending(store: &Store) -> Result<(usize, usize)> {
    let (waiting, rejected): (i64, i64) = store.conn().query_row(
        "SELECT COUNT(*), COUNT(CASE WHEN next_try = ?1 THEN 1 END) FROM outbox WHERE sent IS NULL",
        [i64::MAX],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((waiting as usize, rejected as usize))
}

/// Makes every deferred statement due now (after the LRS is back, or for `xapi send --now`).
pub fn retry_now(store: &mut Store) -> Result<()> {
    store.conn().execute(
        "UPDATE outbox SET next_try = 0 WHERE sent IS NULL AND next_try <> ?1",
        [i64::MAX],
    )?;
    Ok(())
}

/// Queues every statement again, sent or not: for a new LRS, or one that lost its data. Ids are stable,
/// so an LRS that already holds a statement keeps one copy.
pub fn resend_all(store: &mut Store) -> Result<()> {
    store.conn().execute(
        "UPDATE outbox SET sent = NULL, next_try = 0, last_error = NULL",
        [],
    )?;
    Ok(())
}
