//! The command-line tools, driven as a user would drive them.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"))
}

fn starter_file(name: &str) -> std::path::PathBuf {
    let dir = common::scratch(name);
    let out = cli()
        .args(["new", "help-starter", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("help-starter.ron")
}

fn play(file: &std::path::Path, seed: &str, input: &str) -> String {
    let mut child = cli()
        .args(["play"])
        .arg(file)
        .args(["--seed", seed])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn new_writes_a_scenario_that_lints_and_solves_and_refuses_to_overwrite() {
    let file = starter_file("new");
    let lint = cli().arg("lint").arg(&file).output().unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stdout)
    );
    let solve = cli().arg("solve").arg(&file).output().unwrap();
    assert!(solve.status.success());
    let text = String::from_utf8_lossy(&solve.stdout);
    assert_eq!(text.matches(": winnable").count(), 2, "{text}");
    let again = cli()
        .args(["new", "help-starter", "--out"])
        .arg(file.parent().unwrap())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn play_replays_exactly_from_a_file_of_choices_and_ends_when_input_ends() {
    let file = starter_file("play");
    // Opening reply 1, then the first listed action, and so on; input ends mid-ticket.
    let input = "1\n1\n";
    let a = play(&file, "42", input);
    let b = play(&file, "42", input);
    assert_eq!(a, b, "same seed and choices give the same transcript");
    assert!(a.contains("input ended"), "{a}");
    assert!(a.contains("== Debrief"), "{a}");
    let c = play(&file, "43", input);
    assert_ne!(a, c, "another seed gives another caller or variant");
}

#[test]
fn a_full_play_by_numbers_reaches_the_debrief() {
    let file = starter_file("full");
    let text = play(&file, "7", &"1\n".repeat(3));
    // Reply 1, then menu item 1 twice: the ask and the first test.
    assert!(text.contains("You: Ask what exactly is missing"), "{text}");
    assert!(text.contains("$ Run `net use`"), "{text}");
}

#[test]
fn solve_fails_on_an_unwinnable_scenario() {
    let dir = common::scratch("unwinnable");
    let text = helpdesk_core::cli::template("stuck").replace("effects: [Set(\"drive_mapped\", true)],", "effects: [],").replace(
        "effects: [Set(\"on_network\", true), Set(\"drive_mapped\", true), Score(4, \"Fixed the cause, not the symptom\")],",
        "effects: [Set(\"on_network\", true), Score(4, \"Fixed the cause, not the symptom\")],",
    );
    // Keep one setter so the loader's quick check passes: a remote fix gated behind an impossible fact.
    let text = text.replace("requires: [Fact(\"on_network\", true)],", "requires: [Fact(\"on_network\", true)],\n            // unreachable setter\n").replace(
        "            id: \"confirm\",",
        "            id: \"impossible\",\n            label: \"Never offered\",\n            kind: RemoteFix, step: Fix,\n            requires: [Fact(\"on_network\", false), Fact(\"on_network\", true)],\n            effects: [Set(\"drive_mapped\", true)],\n        ),\n        (\n            id: \"confirm\",",
    );
    let file = dir.join("stuck.ron");
    std::fs::write(&file, text).unwrap();
    let lint = cli().arg("lint").arg(&file).output().unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stdout)
    );
    let out = cli().arg("solve").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("NOT WINNABLE"));
}

#[test]
fn lint_watch_lints_again_on_every_save() {
    use std::io::BufRead;
    let file = starter_file("watch");
    let good = std::fs::read_to_string(&file).unwrap();
    let mut child = cli()
        .args(["lint", "--watch"])
        .arg(&file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    // Reads lines until one satisfies `want`, returning everything read.
    let wait_for = |want: &dyn Fn(&str) -> bool| -> String {
        let mut seen = String::new();
        loop {
            match rx.recv_timeout(std::time::Duration::from_secs(30)) {
                Ok(line) => {
                    seen.push_str(&line);
                    seen.push('\n');
                    if want(&line) {
                        return seen;
                    }
                }
                Err(_) => panic!("no such line came; output so far:\n{seen}"),
            }
        }
    };
    let first = wait_for(&|l| l.starts_with("watching"));
    assert!(first.contains("1 clean"), "{first}");

    // A broken save is reported with the file and its position.
    let at = good.find("kind: Tool,").unwrap() + "kind: ".len();
    let line = good[..at].matches('\n').count() + 1;
    let col = at - good[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    std::fs::write(&file, good.replace("kind: Tool,", "kind: Tol,")).unwrap();
    wait_for(&|l| l.contains("change seen"));
    let broken = wait_for(&|l| l.contains("file(s) checked"));
    assert!(
        broken.contains(&format!("help-starter.ron:{line}:{col}: error")),
        "{broken}"
    );
    assert!(broken.contains("did you mean `Tool`"), "{broken}");

    // Mending it lints clean again.
    std::fs::write(&file, &good).unwrap();
    wait_for(&|l| l.contains("change seen"));
    let mended = wait_for(&|l| l.contains("file(s) checked"));
    child.kill().unwrap();
    let _ = child.wait();
    assert!(mended.contains("1 clean"), "{mended}");
}
