//! helpdesk-core: the rules of helpdesk-sim, with no game engine.
//!
//! | module | role |
//! |---|---|
//! | [`scenario`] | the RON file format, loading with positions, validation into a compiled scenario |
//! | [`engine`] | the seeded, deterministic ticket: state, commands, events, built-in rules |
//! | [`scoring`] | the debrief, read from the event log |
//! | [`solver`] | proves variants winnable, best paths, dead ends; random and scripted play |
//! | [`objectives`] | the A+ objective catalogue |
//! | [`ronfile`] | the RON options every data file is read with; RON errors as diagnostics with hints |
//! | [`library`] | loading a folder tree of scenarios |
//! | [`quality`] | the bar a scenario must meet: expert, careless, random and cue players |
//! | [`players`] | players that read only the screen's cues: first option, longest reply, matching words |
//! | [`coverage`] | which scenarios cover which objectives, and the gaps |
//! | [`record`] | a finished attempt or exam as plain data |
//! | [`store`] | the progress database: trainees, attempts, decisions, scores, exams, the xAPI outbox |
//! | [`progress`] | mastery per objective, next-up, first against last attempt, cohort |
//! | [`exam`] | exam mode: the domain-weighted draw and the 100–900 result |
//! | [`items`] | item analysis: difficulty and discrimination of each scored decision, exam reliability |
//! | [`xapi`] | xAPI statements, export, delivery to a Learning Record Store, reading them back |
//! | [`authoring`] | an author's view of one file: errors, the solver's report, the outline of actions, clues and moments |
//! | [`cli`] | the subcommands shared by `helpdesk-sim` and `helpdesk-sim-cli` |

pub mod authoring;
pub mod cli;
pub mod coverage;
pub mod diag;
pub mod engine;
pub mod exam;
pub mod items;
pub mod library;
pub mod objectives;
pub mod players;
pub mod progress;
pub mod quality;
pub mod record;
pub mod ronfile;
pub mod scenario;
pub mod scoring;
pub mod solver;
pub mod store;
pub mod text;
pub mod xapi;

pub use diag::Diagnostic;
pub use engine::{Command, Event, Outcome, Session};
pub use objectives::Catalogue;
pub use scenario::Compiled;
