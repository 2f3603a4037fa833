//! Building statements: pure functions from a finished attempt or exam to xAPI 1.0.3 JSON, with
//! stable ids. No database and no network here; the store calls these inside its own transaction.

use crate::record::{AttemptRecord, ExamRecord, Mode, rfc3339};
use serde_json::{Value, json};
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

/// One statement: the `n`-th of registration `reg`, by `trainee`, at `at` (ms). Its id follows from
/// the registration, the place and the verb, so it is the same every time it is built.
#[allow(clippy::too_many_arguments)]
fn statement(
    reg: &str,
    n: usize,
    trainee: &str,
    verb_name: &str,
    object: Value,
    context: Value,
    result: Option<Value>,
    at: i64,
) -> Value {
    let mut s = json!({
        "id": statement_id(reg, n, verb_name),
        "actor": actor(trainee),
        "verb": verb(verb_name),
        "object": object,
        "context": context,
        "timestamp": rfc3339(at),
        "version": "1.0.3",
    });
    if let Some(r) = result {
        s["result"] = r;
    }
    s
}

fn verb(name: &str) -> Value {
    json!({ "id": format!("{VERBS}{name}"), "display": { "en-US": name } })
}

/// An activity of one of ADL's types (`simulation`, `objective`, …).
fn activity(id: String, kind: &str, name: &str) -> Value {
    typed_activity(id, format!("{TYPES}{kind}"), name)
}

fn typed_activity(id: String, type_iri: String, name: &str) -> Value {
    json!({
        "objectType": "Activity",
        "id": id,
        "definition": { "name": { LANGUAGE: name }, "type": type_iri },
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

/// The activity every statement of this program carries in its context (`grouping`), so one query
/// (`activity` with `related_activities`) finds them all.
pub fn app_iri() -> String {
    format!("{BASE}app")
}

/// The activity IRI of a class (training group).
pub fn class_iri(class: &str) -> String {
    format!("{BASE}classes/{}", encode(class))
}

/// The context activities that place a statement: this program, and the trainee's class if any.
fn placing(class: Option<&str>) -> Vec<Value> {
    let mut out = vec![typed_activity(
        app_iri(),
        format!("{BASE}activity-types/application"),
        "helpdesk-sim",
    )];
    if let Some(c) = class {
        out.push(typed_activity(
            class_iri(c),
            format!("{BASE}activity-types/class"),
            c,
        ));
    }
    out
}

/// The name of one of this program's extensions (`…/extensions/seed`).
pub fn ext(name: &str) -> String {
    format!("{BASE}extensions/{name}")
}

/// Percent-encodes what an IRI path segment or a query value must not hold.
pub(crate) fn encode(s: &str) -> String {
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
    let mut grouping: Vec<Value> = r
        .objectives
        .iter()
        .map(|o| activity(objective_iri(&o.name), "objective", &o.name))
        .collect();
    grouping.extend(placing(a.class.as_deref()));
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
        out.push(statement(
            reg, n, &a.trainee, verb_name, object, ctx, result, at,
        ));
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
                "extensions": {
                    ext("minute"): d.minute,
                    ext("command"): d.key,
                    ext("seq"): d.seq,
                },
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
            // The rest of the record, so a report built from the LRS shows what a local one does.
            ext("scenario"): r.scenario,
            ext("best"): r.best,
            ext("minutes"): r.minutes,
            ext("started-ms"): a.started,
            ext("finished-ms"): a.finished,
            ext("categories"): lines(&r.categories),
            ext("objectives"): lines(&r.objectives),
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

fn lines(ls: &[crate::scoring::Line]) -> Value {
    ls.iter()
        .map(|l| json!({ "name": l.name, "earned": l.earned, "best": l.best }))
        .collect()
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
        "contextActivities": { "grouping": placing(e.class.as_deref()) },
        "extensions": { ext("exam-code"): e.code, ext("time-limit-seconds"): e.time_limit },
    });
    let elapsed = e.finished - e.started;
    let domains: Vec<Value> = e
        .domains
        .iter()
        .map(|d| {
            json!({
                "domain": d.domain,
                "name": d.name,
                "scaled": d.scaled,
                "items": d.items,
                "weight": d.weight,
                "raw": d.raw,
            })
        })
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
                    ext("raw-percent"): e.raw,
                    ext("started-ms"): e.started,
                    ext("finished-ms"): e.finished,
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
            statement(
                reg,
                n,
                &e.trainee,
                v,
                object.clone(),
                context.clone(),
                result,
                at,
            )
        })
        .collect()
}
