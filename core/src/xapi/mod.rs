//! xAPI 1.0.3 statements for attempts and exams, and their delivery to a Learning Record Store.
//!
//! Statements are built when an attempt is recorded and queued in the store's outbox in the same
//! transaction, so a record never exists without its statements. Their ids are UUIDs derived from the
//! attempt's registration, so the same statement always has the same id and an LRS stores it once,
//! however many times it is sent.
//!
//! The IRIs (all under [`BASE`]) are listed in the README; they are stable.
//!
//! [`statement`] builds the statements (pure); [`delivery`] keeps the outbox and sends it; [`pull`]
//! reads them back from the LRS for reports across machines.

pub mod delivery;
pub mod pull;
pub mod statement;

pub use delivery::{
    BATCH, CONFIG_FILE, LrsConfig, SendReport, backoff_ms, export, pending, resend_all, retry_now,
    send, send_some,
};
pub use pull::{PullReport, import, pull};
pub use statement::{
    BASE, LANGUAGE, PASS_PERCENT, attempt_passed, attempt_statements, duration, exam_iri,
    exam_statements, objective_iri, platform, scenario_iri,
};
