//! Reports across machines: this program's statements read back from the Learning Record Store with the
//! xAPI query API, kept in the local store, and turned into the same attempt and exam records a local
//! `record` writes, so every report works on them unchanged.
//!
//! - One query finds every statement of this program: `activity` = [`app_iri`] with
//!   `related_activities`, since every statement carries that activity in its context.
//! - Pages are followed through `more` until it is empty.
//! - The newest `stored` time seen is kept per endpoint, so the next pull asks only for what is new
//!   (`since`).
//! - Statements are kept as they came (`lrs_statement`); an attempt is taken in once all of it has
//!   arrived (its `terminated`), and never twice: by its registration, which is the attempt's UUID, so
//!   attempts made on this machine are not doubled either.

use super::delivery::{LrsConfig, backoff_ms};
use super::statement::{BASE, app_iri, ext};
use crate::engine::Outcome;
use crate::record::{AttemptRecord, Decision, ExamDomainRow, ExamLink, ExamRecord, Mode};
use crate::scoring::{Line, Report};
use crate::store::{Origin, Store, StoreError, record_attempt, record_exam};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// Statements asked for per page.
pub const PAGE: usize = 500;
/// Tries of one page before the pull gives up (waiting 2, 4, 8, 16 s between them).
const TRIES: u32 = 5;

/// What one pull did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PullReport {
    /// Pages asked for.
    pub requests: usize,
    /// Statements that were new to this store.
    pub statements: usize,
    /// Attempts and exams taken in.
    pub attempts: usize,
    pub exams: usize,
    /// The `since` the first request sent, if this endpoint was pulled before.
    pub since: Option<String>,
}

/// Pulls what is new from the LRS into `store` and takes in every attempt and exam that is complete.
pub fn pull(store: &mut Store, cfg: &LrsConfig) -> Result<PullReport, StoreError> {
    pull_with(store, cfg, &|tries| {
        std::thread::sleep(Duration::from_millis(backoff_ms(tries) as u64))
    })
}

/// [`pull`] with the pause between failed tries given (tests pass one that does not sleep).
pub fn pull_with(
    store: &mut Store,
    cfg: &LrsConfig,
    pause: &dyn Fn(u32),
) -> Result<PullReport, StoreError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let endpoint = cfg.endpoint.trim_end_matches('/').to_string();
    let since: Option<String> = store
        .conn()
        .query_row(
            "SELECT since FROM lrs_pull WHERE endpoint = ?1",
            [&endpoint],
            |r| r.get(0),
        )
        .ok();
    let mut report = PullReport {
        since: since.clone(),
        ..PullReport::default()
    };
    let mut url = format!(
        "{endpoint}/statements?activity={}&related_activities=true&ascending=true&limit={PAGE}",
        super::statement::encode(&app_iri())
    );
    if let Some(s) = &since {
        url += &format!("&since={}", super::statement::encode(s));
    }
    let mut newest = since;
    loop {
        let page = get(&agent, cfg, &url, pause)?;
        report.requests += 1;
        let statements = page["statements"].as_array().cloned().unwrap_or_default();
        let tx = store.conn_mut().transaction()?;
        report.statements += keep(&tx, &statements)?;
        for s in &statements {
            let stored = s["stored"].as_str().unwrap_or_default();
            if newest.as_deref().is_none_or(|n| later(stored, n)) {
                newest = Some(stored.to_string());
            }
        }
        if let Some(n) = &newest {
            tx.execute(
                "INSERT INTO lrs_pull (endpoint, since, pulled) VALUES (?1, ?2, ?3)
                 ON CONFLICT(endpoint) DO UPDATE SET since = ?2, pulled = ?3",
                rusqlite::params![endpoint, n, crate::record::now_ms()],
            )?;
        }
        tx.commit()?;
        match page["more"].as_str().filter(|m| !m.is_empty()) {
            Some(more) => url = resolve(&endpoint, more),
            None => break,
        }
    }
    let (attempts, exams) = take_in(store)?;
    report.attempts = attempts;
    report.exams = exams;
    Ok(report)
}

/// Whether one `stored` time is later than another. LRSs write them in one format, RFC 3339 in UTC, so
/// text order is time order once the fractions are the same length; pad them to compare.
fn later(a: &str, b: &str) -> bool {
    fn key(s: &str) -> String {
        let (main, zone) = s.split_at(s.find(['Z', '+']).unwrap_or(s.len()));
        let (secs, frac) = main.split_once('.').unwrap_or((main, ""));
        format!("{secs}.{frac:0<9}{zone}")
    }
    key(a) > key(b)
}

/// One page, tried up to [`TRIES`] times with the sender's back-off.
fn get(
    agent: &ureq::Agent,
    cfg: &LrsConfig,
    url: &str,
    pause: &dyn Fn(u32),
) -> Result<Value, StoreError> {
    let mut last = String::new();
    for tries in 0..TRIES {
        if tries > 0 {
            pause(tries - 1);
        }
        let res = agent
            .get(url)
            .header("Authorization", cfg.authorization())
            .header("X-Experience-API-Version", "1.0.3")
            .call();
        match res {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let text = r.body_mut().read_to_string().unwrap_or_default();
                match status {
                    200..=299 => {
                        return serde_json::from_str(&text).map_err(|e| {
                            StoreError::new(format!("the LRS answered with no statement list: {e}"))
                        });
                    }
                    // Wrong credentials or a bad query do not get better by waiting.
                    400..=499 => {
                        return Err(StoreError::new(format!(
                            "the LRS refused the query: HTTP {status}: {}",
                            text.chars().take(300).collect::<String>()
                        )));
                    }
                    _ => last = format!("HTTP {status}"),
                }
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(StoreError::new(format!(
        "the LRS could not be read after {TRIES} tries: {last}"
    )))
}

/// A `more` link is a path on the LRS's own host (or, rarely, a whole URL).
fn resolve(endpoint: &str, more: &str) -> String {
    if more.starts_with("http://") || more.starts_with("https://") {
        return more.to_string();
    }
    let after_scheme = endpoint.find("://").map_or(0, |i| i + 3);
    let host_end = endpoint[after_scheme..]
        .find('/')
        .map_or(endpoint.len(), |i| after_scheme + i);
    format!("{}{more}", &endpoint[..host_end])
}

/// Keeps `statements` (as an LRS returned them, or as `xapi export` wrote them) and takes in every
/// attempt and exam that is complete and new: what a pull does with each page, without the network.
/// Returns the attempts and exams taken in.
pub fn import(store: &mut Store, statements: &[Value]) -> Result<(usize, usize), StoreError> {
    let tx = store.conn_mut().transaction()?;
    keep(&tx, statements)?;
    tx.commit()?;
    take_in(store)
}

/// Keeps statements by id (a statement seen before is kept once); returns how many were new.
fn keep(tx: &rusqlite::Transaction, statements: &[Value]) -> Result<usize, StoreError> {
    let mut new = 0;
    for s in statements {
        let Some(id) = s["id"].as_str() else { continue };
        new += tx.execute(
            "INSERT OR IGNORE INTO lrs_statement (id, registration, stored, statement)
             VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                id,
                s["context"]["registration"].as_str(),
                s["stored"].as_str().unwrap_or_default(),
                s.to_string()
            ],
        )?;
    }
    Ok(new)
}

/// Takes in every attempt and exam whose statements have all arrived and that the store lacks.
fn take_in(store: &mut Store) -> Result<(usize, usize), StoreError> {
    let known: Vec<String> = {
        let mut q = store.conn().prepare(
            "SELECT DISTINCT registration FROM lrs_statement
             WHERE registration IS NOT NULL
               AND registration NOT IN (SELECT uuid FROM attempt)
               AND registration NOT IN (SELECT uuid FROM exam)",
        )?;
        q.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    {
        let mut q = store
            .conn()
            .prepare("SELECT statement FROM lrs_statement WHERE registration = ?1")?;
        for reg in &known {
            let rows = q.query_map([reg], |r| r.get::<_, String>(0))?;
            let list = groups.entry(reg.clone()).or_default();
            for text in rows {
                if let Ok(v) = serde_json::from_str::<Value>(&text?) {
                    list.push(v);
                }
            }
        }
    }
    let mut attempts = Vec::new();
    let mut exams = Vec::new();
    for (reg, list) in &groups {
        if !list.iter().any(|s| verb(s) == "terminated") {
            continue;
        }
        if let Some(a) = attempt_from(reg, list) {
            attempts.push(a);
        } else if let Some(e) = exam_from(reg, list) {
            exams.push(e);
        }
    }
    let conn = store.conn_mut();
    for a in &attempts {
        record_attempt(conn, a, Origin::Lrs)?;
    }
    for e in &exams {
        let tickets: Vec<String> = {
            let mut q = conn.prepare(
                "SELECT registration FROM lrs_statement
                 WHERE json_extract(statement, '$.context.extensions.\"' || ?1 || '\"') = ?2
                 GROUP BY registration",
            )?;
            q.query_map(rusqlite::params![ext("exam-registration"), e.uuid], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?
        };
        record_exam(conn, e, &tickets, Origin::Lrs)?;
    }
    Ok((attempts.len(), exams.len()))
}

fn verb(s: &Value) -> &str {
    s["verb"]["id"]
        .as_str()
        .and_then(|v| v.rsplit('/').next())
        .unwrap_or_default()
}

fn trainee(s: &Value) -> Option<String> {
    s["actor"]["account"]["name"]
        .as_str()
        .or(s["actor"]["name"].as_str())
        .map(str::to_string)
}

/// The class named in a statement's context, if any.
fn class(s: &Value) -> Option<String> {
    let prefix = format!("{BASE}classes/");
    s["context"]["contextActivities"]["grouping"]
        .as_array()?
        .iter()
        .find(|a| a["id"].as_str().is_some_and(|id| id.starts_with(&prefix)))
        .and_then(|a| a["definition"]["name"].as_object())
        .and_then(|names| names.values().next())
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn extension<'a>(v: &'a Value, name: &str) -> &'a Value {
    &v["extensions"][ext(name)]
}

fn int(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_f64().map(|f| f as i64))
        .unwrap_or(0)
}

fn lines(v: &Value) -> Vec<Line> {
    v.as_array()
        .map(|ls| {
            ls.iter()
                .map(|l| Line {
                    name: l["name"].as_str().unwrap_or_default().to_string(),
                    earned: int(&l["earned"]) as i32,
                    best: int(&l["best"]) as i32,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An attempt from its statements: the result statement (passed, failed or completed) on a scenario
/// carries the record; the decisions come from the answered and interacted ones, in their order.
fn attempt_from(reg: &str, list: &[Value]) -> Option<AttemptRecord> {
    let scenarios = format!("{BASE}scenarios/");
    let result = list.iter().find(|s| {
        matches!(verb(s), "passed" | "failed" | "completed")
            && s["object"]["id"]
                .as_str()
                .is_some_and(|id| id.starts_with(&scenarios))
    })?;
    let r = &result["result"];
    let ctx = &result["context"];
    let scenario = extension(r, "scenario").as_str()?.to_string();
    let mode = if extension(ctx, "mode").as_str() == Some("exam") {
        Mode::Exam
    } else {
        Mode::Practice
    };
    let exam = extension(ctx, "exam-registration").as_str().map(|reg| {
        let exams = format!("{BASE}exams/");
        let exam = ctx["contextActivities"]["parent"]
            .as_array()
            .and_then(|ps| {
                ps.iter()
                    .find_map(|p| p["id"].as_str().and_then(|id| id.strip_prefix(&exams)))
            })
            .unwrap_or_default();
        ExamLink {
            exam: exam.to_string(),
            registration: reg.to_string(),
        }
    });
    let mut decisions: Vec<Decision> = list
        .iter()
        .filter(|s| matches!(verb(s), "answered" | "interacted"))
        .map(|s| {
            let r = &s["result"];
            Decision {
                seq: int(extension(r, "seq")) as u32,
                key: extension(r, "command")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                label: r["response"].as_str().unwrap_or_default().to_string(),
                points: int(&r["score"]["raw"]) as i32,
                minute: int(extension(r, "minute")) as u32,
            }
        })
        .collect();
    decisions.sort_by_key(|d| d.seq);
    let report = Report {
        scenario,
        title: result["object"]["definition"]["name"]
            .as_object()
            .and_then(|n| n.values().next())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        variant: extension(ctx, "variant")
            .as_str()
            .unwrap_or_default()
            .to_string(),
        seed: extension(ctx, "seed").as_u64().unwrap_or(0),
        outcome: extension(r, "outcome")
            .as_str()
            .and_then(Outcome::from_name),
        total: int(&r["score"]["raw"]) as i32,
        best: int(extension(r, "best")) as i32,
        percent: extension(r, "percent").as_f64().unwrap_or(0.0),
        minutes: int(extension(r, "minutes")) as u32,
        categories: lines(extension(r, "categories")),
        objectives: lines(extension(r, "objectives")),
        went_well: Vec::new(),
        cost_points: Vec::new(),
        your_path: Vec::new(),
        best_path: Vec::new(),
        best_keys: Vec::new(),
    };
    Some(AttemptRecord {
        uuid: reg.to_string(),
        trainee: trainee(result)?,
        class: class(result),
        mode,
        exam,
        hints: extension(ctx, "hints").as_bool().unwrap_or(false),
        started: int(extension(r, "started-ms")),
        finished: int(extension(r, "finished-ms")),
        report,
        decisions,
    })
}

/// An exam from its statements: the passed or failed one on an exam activity carries the result.
fn exam_from(reg: &str, list: &[Value]) -> Option<ExamRecord> {
    let exams = format!("{BASE}exams/");
    let result = list.iter().find(|s| {
        matches!(verb(s), "passed" | "failed")
            && s["object"]["id"]
                .as_str()
                .is_some_and(|id| id.starts_with(&exams))
    })?;
    let r = &result["result"];
    let ctx = &result["context"];
    let domains = extension(r, "domains")
        .as_array()
        .map(|ds| {
            ds.iter()
                .map(|d| ExamDomainRow {
                    domain: d["domain"].as_str().unwrap_or_default().to_string(),
                    name: d["name"].as_str().unwrap_or_default().to_string(),
                    weight: int(&d["weight"]) as u32,
                    items: int(&d["items"]) as u32,
                    raw: d["raw"].as_f64().unwrap_or(0.0),
                    scaled: int(&d["scaled"]) as u32,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(ExamRecord {
        uuid: reg.to_string(),
        trainee: trainee(result)?,
        class: class(result),
        exam: result["object"]["id"]
            .as_str()?
            .strip_prefix(&exams)?
            .to_string(),
        code: extension(ctx, "exam-code")
            .as_str()
            .unwrap_or_default()
            .to_string(),
        started: int(extension(r, "started-ms")),
        finished: int(extension(r, "finished-ms")),
        time_limit: int(extension(ctx, "time-limit-seconds")) as u32,
        timed_out: extension(r, "timed-out").as_bool().unwrap_or(false),
        raw: extension(r, "raw-percent").as_f64().unwrap_or(0.0),
        scaled: int(&r["score"]["raw"]) as u32,
        pass: int(extension(r, "pass-mark")) as u32,
        passed: r["success"].as_bool().unwrap_or(false),
        domains,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_compare_as_times() {
        assert!(later("2026-12-01T10:00:00.5Z", "2026-12-01T10:00:00.123Z"));
        assert!(!later("2026-12-01T10:00:00.123Z", "2026-12-01T10:00:00.5Z"));
        assert!(later("2026-12-01T10:00:01Z", "2026-12-01T10:00:00.999Z"));
        assert!(!later("2026-12-01T10:00:00.100Z", "2026-12-01T10:00:00.1Z"));
    }

    #[test]
    fn more_links_resolve_against_the_lrs_host() {
        assert_eq!(
            resolve("http://127.0.0.1:8080/xAPI", "/xAPI/statements?cursor=2"),
            "http://127.0.0.1:8080/xAPI/statements?cursor=2"
        );
        assert_eq!(
            resolve("https://lrs.example.org/data/xAPI", "https://other/x"),
            "https://other/x"
        );
    }
}
