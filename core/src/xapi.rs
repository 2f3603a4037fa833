//! xAPI 1.0.3 statements for attempts and exams, and their delivery to a Learning Record Store.
//!
//! Statements are built when an attempt is recorded and queued in the store's outbox in the same
//! transaction, so a record never exists without its statements. Their ids are UUIDs derived from the
//! attempt's registration, so the same statement always has the same id and an LRS stores it once,
//! however many times it is sent.
//!
//! The IRIs (all under [`BASE`]) are listed in the README; they are stable.

use crate::store::{AttemptRecord, ExamRecord, Mode, Result, Store, StoreError, rfc3339};
use serde::Deserialize;
use serde_json::{Value, json};
use std::fmt;
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

/// The root of every activity, extension and account IRI this program mints.
pub const BASE: &str = "https://helpdesk-sim.org/xapi/";
/// ADL's verb prefix.
const VERBS: &str = "http://adlnet.gov/expapi/verbs/";
/// ADL's activity-type prefix.
const TYPES: &str = "http://adlnet.gov/expapi/activities/";
/// The language of the statements' display texts.
pub const LANGUAGE: &str = "en";
/// A scenario counts as passed when the ticket ends well and scores at least this share of the best.
pub const PASS_PERCENT: f64 = 70.0;
/// Statements per POST.
pub const BATCH: usize = 50;

/// Namespace for statement ids: UUID v5 of the registration and the statement's place in it.
const NAMESPACE: Uuid = Uuid::from_u128(0x6a1d_3c2e_9b7f_4e0a_8c55_1f2b_3d4e_5f60);

pub fn platform() -> String {
    format!("helpdesk-sim {}", env!("CARGO_PKG_VERSION"))
}

fn statement_id(registration: &str, n: usize, verb: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{registration}/{n}/{verb}").as_bytes()).to_string()
}

fn actor(trainee: &str) -> Value {
    json!({
        "objectType": "Agent",
        "name": trainee,
        "account": { "homePage": format!("{BASE}trainees"), "name": trainee },
    })
}

fn verb(name: &str) -> Value {
    json!({ "id": format!("{VERBS}{name}"), "display": { "en-US": name } })
}

fn activity(id: String, kind: &str, name: &str) -> Value {
    json!({
        "objectType": "Activity",
        "id": id,
        "definition": { "name": { LANGUAGE: name }, "type": format!("{TYPES}{kind}") },
    })
}

/// The activity IRI of a scenario.
pub fn scenario_iri(id: &str) -> String {
    format!("{BASE}scenarios/{}", encode(id))
}

/// The activity IRI of an A+ objective, e.g. `…/objectives/1201-5.5`.
pub fn objective_iri(id: &str) -> String {
    format!("{BASE}objectives/{}", encode(id))
}

/// The activity IRI of an exam (`1201` or `1202`).
pub fn exam_iri(exam: &str) -> String {
    format!("{BASE}exams/{}", encode(exam))
}

fn ext(name: &str) -> String {
    format!("{BASE}extensions/{name}")
}

/// Percent-encodes what an IRI path segment must not hold.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An ISO 8601 duration such as `PT7M32.25S`.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    let (h, m, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let mut out = String::from("PT");
    if h > 0 {
        out += &format!("{h}H");
    }
    if m > 0 {
        out += &format!("{m}M");
    }
    if frac > 0 {
        out += &format!("{s}.{:02}S", frac / 10);
    } else {
        out += &format!("{s}S");
    }
    out
}

/// Whether an attempt counts as passed: a good ending and at least [`PASS_PERCENT`].
pub fn attempt_passed(a: &AttemptRecord) -> bool {
    a.report.outcome.is_some_and(|o| o.is_win()) && a.report.percent >= PASS_PERCENT
}

/// The statements of one attempt, in order: initialized, one per decision, passed / failed (or
/// completed, for a ticket inside an exam, which is judged as a whole), terminated.
pub fn attempt_statements(a: &AttemptRecord) -> Vec<Value> {
    let r = &a.report;
    let reg = &a.uuid;
    let object = activity(scenario_iri(&r.scenario), "simulation", &r.title);
    let mut parent = Vec::new();
    if let Some(link) = &a.exam {
        parent.push(activity(
            exam_iri(&link.exam),
            "assessment",
            &format!("A+ {} self-test", link.exam),
        ));
    }
    let grouping: Vec<Value> = r
        .objectives
        .iter()
        .map(|o| activity(objective_iri(&o.name), "objective", &o.name))
        .collect();
    let context = |parent: &Vec<Value>| {
        let mut c = json!({
            "registration": reg,
            "platform": platform(),
            "language": LANGUAGE,
            "contextActivities": { "parent": parent, "grouping": grouping },
            "extensions": {
                ext("seed"): r.seed,
                ext("variant"): r.variant,
                ext("mode"): if a.mode == Mode::Exam { "exam" } else { "practice" },
                ext("hints"): a.hints,
            },
        });
        if let Some(l) = &a.exam {
            c["extensions"][ext("exam-registration")] = json!(l.registration);
        }
        c
    };
    let elapsed = a.finished - a.started;
    let score = json!({
        "scaled": (r.percent / 100.0).clamp(-1.0, 1.0),
        "raw": r.total,
        "min": r.total.min(0),
        "max": r.best.max(r.total),
    });
    let passed = attempt_passed(a);
    let mut out = Vec::new();
    let mut push = |verb_name: &str, object: Value, result: Option<Value>, ctx: Value, at: i64| {
        let n = out.len();
        let mut s = json!({
            "id": statement_id(reg, n, verb_name),
            "actor": actor(&a.trainee),
            "verb": verb(verb_name),
            "object": object,
            "context": ctx,
            "timestamp": rfc3339(at),
            "version": "1.0.3",
        });
        if let Some(res) = result {
            s["result"] = res;
        }
        out.push(s);
    };
    push(
        "initialized",
        object.clone(),
        None,
        context(&parent),
        a.started,
    );
    // The engine keeps simulated minutes, not wall-clock times, for each decision: their timestamps are
    // spread evenly over the attempt's real duration, and the simulated minute goes in an extension.
    let n = a.decisions.len() as i64;
    let scenario_parent = vec![object.clone()];
    for d in &a.decisions {
        let at = a.started + elapsed * d.seq as i64 / (n + 1);
        let is_reply = d.key.starts_with("reply:");
        let mut obj = activity(
            format!("{}/decisions/{}", scenario_iri(&r.scenario), encode(&d.key)),
            "interaction",
            &d.label,
        );
        obj["definition"]["interactionType"] = json!(if is_reply { "choice" } else { "other" });
        push(
            if is_reply { "answered" } else { "interacted" },
            obj,
            Some(json!({
                "response": d.label,
                "score": { "raw": d.points, "min": d.points.min(0), "max": d.points.max(0) },
                "success": d.points >= 0,
                "extensions": { ext("minute"): d.minute, ext("command"): d.key },
            })),
            context(&scenario_parent),
            at,
        );
    }
    let outcome = match (a.mode, passed) {
        (Mode::Exam, _) => "completed",
        (_, true) => "passed",
        (_, false) => "failed",
    };
    let result = json!({
        "score": score,
        "success": passed,
        "completion": r.outcome.is_some(),
        "duration": duration(elapsed),
        "extensions": {
            ext("outcome"): r.outcome.map_or("Unfinished".to_string(), |o| format!("{o:?}")),
            ext("percent"): r.percent,
        },
    });
    push(
        outcome,
        object.clone(),
        Some(result.clone()),
        context(&parent),
        a.finished,
    );
    push(
        "terminated",
        object,
        Some(json!({ "duration": duration(elapsed) })),
        context(&parent),
        a.finished,
    );
    out
}

/// The statements of an exam: initialized, passed or failed with the 100–900 result, terminated.
pub fn exam_statements(e: &ExamRecord) -> Vec<Value> {
    let reg = &e.uuid;
    let object = activity(
        exam_iri(&e.exam),
        "assessment",
        &format!("A+ {} self-test", e.exam),
    );
    let context = json!({
        "registration": reg,
        "platform": platform(),
        "language": LANGUAGE,
        "extensions": { ext("exam-code"): e.code, ext("time-limit-seconds"): e.time_limit },
    });
    let elapsed = e.finished - e.started;
    let domains: Vec<Value> = e
        .domains
        .iter()
        .map(
            |d| json!({ "domain": d.domain, "name": d.name, "scaled": d.scaled, "items": d.items }),
        )
        .collect();
    let verdict = if e.passed { "passed" } else { "failed" };
    let statements = [
        ("initialized", None, e.started),
        (
            verdict,
            Some(json!({
                "score": {
                    "scaled": (e.scaled as f64 - 100.0) / 800.0,
                    "raw": e.scaled,
                    "min": 100,
                    "max": 900,
                },
                "success": e.passed,
                "completion": true,
                "duration": duration(elapsed),
                "extensions": {
                    ext("pass-mark"): e.pass,
                    ext("timed-out"): e.timed_out,
                    ext("domains"): domains,
                },
            })),
            e.finished,
        ),
        (
            "terminated",
            Some(json!({ "duration": duration(elapsed) })),
            e.finished,
        ),
    ];
    statements
        .into_iter()
        .enumerate()
        .map(|(n, (v, result, at))| {
            let mut s = json!({
                "id": statement_id(reg, n, v),
                "actor": actor(&e.trainee),
                "verb": verb(v),
                "object": object,
                "context": context,
                "timestamp": rfc3339(at),
                "version": "1.0.3",
            });
            if let Some(r) = result {
                s["result"] = r;
            }
            s
        })
        .collect()
}

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
                .map_err(|e| StoreError(format!("outbox holds a broken statement: {e}")))?,
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

    fn authorization(&self) -> String {
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
