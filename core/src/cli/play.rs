//! `play`: a ticket in the terminal. A choice is a menu number or a command key on its own line (the
//! keys walkthroughs and the app's scripts use: an action id, `theory:ID`, `reply:N`, `document`,
//! `escalate:TEAM`, `close`), so a file of choices replays a session exactly; the session ends
//! cleanly when the input does.

use crate::engine::{Command, Event, Handoff, Session, TicketNotes, parse_key};
use crate::scenario::{Compiled, Idx, Step, Team, TicketCategory};
use std::io::{BufRead, Write};
use std::sync::Arc;

/// What a prompt accepts besides a number, for the message after a line it could not read.
/// (`reply:N` is the file's N-th reply, whatever order the menu shows.)
const KEYS_HELP: &str = "an action id, theory:ID, reply:N, document, escalate:TEAM or close";

/// Plays a session reading choices from `input` and writing the transcript to `out`.
pub fn play(
    sc: Arc<Compiled>,
    seed: u64,
    variant: Option<usize>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Session {
    let mut s = Session::with_variant(sc, seed, variant);
    print_opening(&s, seed, out);
    while !s.is_over() {
        let menu = menu(&s);
        let _ = writeln!(out);
        for (i, (label, _)) in menu.iter().enumerate() {
            let _ = writeln!(out, "  {:>2}) {label}", i + 1);
        }
        let _ = write!(out, "choice> ");
        let _ = out.flush();
        let Some(line) = read_line(input) else {
            let _ = writeln!(out, "\ninput ended: the ticket is left as it is");
            break;
        };
        let Some(pick) = choose(&s, &menu, line.trim()) else {
            let _ = writeln!(
                out,
                "type the number of a choice (1–{}) or a command key: {KEYS_HELP}",
                menu.len()
            );
            continue;
        };
        let cmd = match pick {
            Pick::Cmd(c) => c,
            Pick::Document => match ask_notes(&s, input, out) {
                Some(n) => Command::Document(n),
                None => break,
            },
            Pick::Escalate(team) => match ask_handoff(&s, team, input, out) {
                Some(h) => Command::Escalate(h),
                None => break,
            },
        };
        match s.apply(cmd) {
            Ok(events) => {
                let events = events.to_vec();
                print_events(&s, &events, out);
            }
            Err(e) => {
                let _ = writeln!(out, "not now: {e}");
            }
        }
    }
    s
}

/// The ticket's header, the caller's report and the opening events.
fn print_opening(s: &Session, seed: u64, out: &mut dyn Write) {
    let d = &s.world.draw;
    let src = &s.scenario().src;
    let _ = writeln!(
        out,
        "Ticket {} — {} ({:?}, SLA {} min)",
        d.ticket, src.title, src.channel, src.sla_minutes
    );
    let _ = writeln!(
        out,
        "Caller: {}, {}   Replay code: seed {seed}",
        d.caller, d.role
    );
    let _ = writeln!(out, "{}\n", s.world.render_with(&src.summary, None));
    print_events(s, &s.log[0].events, out);
}

/// The transcript of a finished session (a walkthrough played by the solver), as `play` shows it.
pub fn print_transcript(s: &Session, seed: u64, out: &mut dyn Write) {
    print_opening(s, seed, out);
    for entry in &s.log[1..] {
        print_events(s, &entry.events, out);
    }
}

/// `play --walkthrough VARIANT`: plays the file's walkthrough for that variant and prints the
/// transcript and the debrief.
pub fn walkthrough(sc: Arc<Compiled>, variant: &str, seed: u64) -> std::process::ExitCode {
    use std::process::ExitCode;
    let Some(vi) = sc.variant(variant) else {
        let ids: Vec<&str> = sc.src.variants.iter().map(|v| v.id.as_str()).collect();
        eprintln!(
            "error: scenario {} has no variant `{variant}` (its variants: {})",
            sc.id(),
            ids.join(", ")
        );
        return ExitCode::from(2);
    };
    let Some(keys) = sc.src.walkthroughs.get(variant) else {
        eprintln!("error: the file has no walkthrough for variant `{variant}`");
        return ExitCode::from(2);
    };
    let mut out = std::io::stdout().lock();
    match crate::solver::play_walkthrough(sc.clone(), seed, vi, keys) {
        Ok(s) => {
            print_transcript(&s, seed, &mut out);
            let report = crate::scoring::report(&s);
            let _ = write!(out, "{}", crate::scoring::render_text(&report));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: the walkthrough of `{variant}` fails: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What a line typed at the prompt picks: a menu number, or a command key. A document or escalate key
/// opens its form, so the notes and the hand-off are still the trainee's own.
fn choose(s: &Session, menu: &[(String, Pick)], line: &str) -> Option<Pick> {
    if let Ok(n) = line.parse::<usize>() {
        return n
            .checked_sub(1)
            .and_then(|i| menu.get(i))
            .map(|m| m.1.clone());
    }
    let key = line.to_ascii_lowercase();
    if key == "document" {
        return Some(Pick::Document);
    }
    if key == "escalate" {
        return Some(Pick::Escalate(None));
    }
    if let Some(team) = key.strip_prefix("escalate:") {
        let team = Team::ALL
            .into_iter()
            .find(|t| format!("{t:?}").eq_ignore_ascii_case(team.trim()))?;
        return Some(Pick::Escalate(Some(team)));
    }
    parse_key(&s.world, &s.state, line).map(Pick::Cmd)
}

#[derive(Clone)]
enum Pick {
    Cmd(Command),
    Document,
    /// The hand-off form, with the team already chosen when the key named one.
    Escalate(Option<Team>),
}

fn menu(s: &Session) -> Vec<(String, Pick)> {
    let mut m = Vec::new();
    let cmds = s.commands();
    if let Some(moment) = s.state.current_moment() {
        // In the order drawn for this session, not the file's.
        for &r in s.world.draw.shown_replies(moment) {
            let c = Command::Reply(r);
            if cmds.contains(&c) {
                m.push((s.describe(&c), Pick::Cmd(c)));
            }
        }
        return m;
    }
    for step in Step::ALL {
        for c in &cmds {
            if let Command::Act(a) = c
                && s.scenario().actions[*a as usize].step == step
            {
                m.push((
                    format!("[{}] {}", short(step), s.describe(c)),
                    Pick::Cmd(c.clone()),
                ));
            }
        }
    }
    for c in &cmds {
        if let Command::Theorise(_) = c {
            m.push((format!("[theory] {}", s.describe(c)), Pick::Cmd(c.clone())));
        }
    }
    if cmds.iter().any(|c| matches!(c, Command::Document(_))) {
        m.push(("Document the ticket…".into(), Pick::Document));
    }
    m.push(("Escalate…".into(), Pick::Escalate(None)));
    m.push(("Close the ticket".into(), Pick::Cmd(Command::Close)));
    m
}

fn short(step: Step) -> &'static str {
    match step {
        Step::Identify => "identify",
        Step::Theory => "theory",
        Step::Test => "test",
        Step::Fix => "fix",
        Step::Verify => "verify",
        Step::Document => "document",
    }
}

fn read_line(input: &mut dyn BufRead) -> Option<String> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
    }
}

fn known_clues(s: &Session) -> Vec<Idx> {
    (0..s.scenario().clue_ids.len() as Idx)
        .filter(|k| s.state.knows(*k))
        .collect()
}

fn pick_clues(
    s: &Session,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    what: &str,
) -> Option<Vec<Idx>> {
    let known = known_clues(s);
    if known.is_empty() {
        let _ = writeln!(out, "(no findings yet to include)");
        return Some(Vec::new());
    }
    let _ = writeln!(out, "{what} (numbers separated by commas, blank for none):");
    for (i, k) in known.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}) {}",
            i + 1,
            s.world
                .render_with(&s.scenario().clue_texts[*k as usize], Some(&s.state))
        );
    }
    let line = read_line(input)?;
    Some(
        line.split(',')
            .filter_map(|x| x.trim().parse::<usize>().ok())
            .filter_map(|n| n.checked_sub(1).and_then(|i| known.get(i).copied()))
            .collect(),
    )
}

fn ask_notes(s: &Session, input: &mut dyn BufRead, out: &mut dyn Write) -> Option<TicketNotes> {
    let _ = writeln!(out, "Category:");
    for (i, c) in TicketCategory::ALL.iter().enumerate() {
        let _ = writeln!(out, "  {:>2}) {c:?}", i + 1);
    }
    let category = read_line(input)?
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| TicketCategory::ALL.get(n.wrapping_sub(1)).copied())
        .unwrap_or(TicketCategory::Request);
    let _ = writeln!(out, "Priority (1 critical … 5 planning):");
    let priority = read_line(input)?
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|p| (1..=5).contains(p))
        .unwrap_or(3);
    let findings = pick_clues(s, input, out, "Findings to record")?;
    let _ = writeln!(out, "Summary (one line):");
    let summary = read_line(input)?;
    let _ = writeln!(out, "Resolution or next steps (one line):");
    let resolution = read_line(input)?;
    Some(TicketNotes {
        category,
        priority,
        findings,
        summary: summary.into(),
        resolution: resolution.into(),
    })
}

fn ask_handoff(
    s: &Session,
    team: Option<Team>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Option<Handoff> {
    let team = match team {
        Some(t) => {
            let _ = writeln!(out, "Escalate to: {}", t.label());
            t
        }
        None => {
            let _ = writeln!(out, "Escalate to:");
            for (i, t) in Team::ALL.iter().enumerate() {
                let _ = writeln!(out, "  {:>2}) {}", i + 1, t.label());
            }
            read_line(input)?
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| Team::ALL.get(n.wrapping_sub(1)).copied())
                .unwrap_or(Team::DesktopTier2)
        }
    };
    let clues = pick_clues(s, input, out, "Findings to pass on")?;
    let _ = writeln!(out, "Hand-off note (one line):");
    let note = read_line(input)?;
    Some(Handoff {
        team,
        clues,
        note: note.into(),
    })
}

/// Prints events as a transcript. Hidden facts and points stay hidden until the debrief.
pub fn print_events(s: &Session, events: &[Event], out: &mut dyn Write) {
    let caller = &s.world.draw.caller;
    let patience = s.scenario().src.caller.patience;
    for e in events {
        let _ = match e {
            Event::Trainee { text, .. } => writeln!(out, "You: {text}"),
            Event::CallerSays(t) => writeln!(out, "{caller}: {t}"),
            Event::Moment { line, .. } => writeln!(out, "{caller}: {line}"),
            Event::Console { title, output } => {
                let body: Vec<String> = output.lines().map(|l| format!("    {l}")).collect();
                writeln!(out, "  $ {title}\n{}", body.join("\n"))
            }
            Event::ClueFound { text, .. } => writeln!(out, "  [finding] {text}"),
            Event::Mood { delta, now } => {
                writeln!(out, "  (frustration {now} of {patience}, {delta:+})")
            }
            Event::Ended(o) => writeln!(out, "\n== Ticket over: {} ==\n", o.label()),
            Event::FactChanged { .. } | Event::Points(_) => Ok(()),
        };
    }
}
