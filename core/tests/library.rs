//! The bundled library: it loads clean, every variant can be won, every scenario tells good work from
//! bad, and the objective coverage has no gaps.

mod common;

use helpdesk_core::{Catalogue, coverage, library, quality};
use std::process::Command;

fn load() -> library::Library {
    library::load(&[common::library_dir()], &Catalogue::bundled())
}

#[test]
fn every_bundled_scenario_lints_clean() {
    let lib = load();
    let errors: Vec<String> = lib
        .errors
        .iter()
        .flat_map(|(_, d)| d.iter().map(|d| d.to_string()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(
        lib.scenarios.len() >= 40,
        "the library has {} scenarios",
        lib.scenarios.len()
    );
}

#[test]
fn every_scenario_meets_the_quality_bar() {
    let lib = load();
    let chunks: Vec<_> = lib
        .scenarios
        .chunks(lib.scenarios.len().div_ceil(2).max(1))
        .collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    for sc in chunk.iter() {
                        assert!(
                            sc.variants.len() >= 2,
                            "{} has fewer than two variants",
                            sc.id()
                        );
                        let bar = quality::check(sc, 1);
                        for v in &bar.variants {
                            assert!(
                                v.winnable,
                                "{} variant {} cannot be won",
                                sc.id(),
                                v.variant
                            );
                        }
                        if !bar.passes() {
                            out.push(format!("{}: {}", sc.id(), bar.problems.join("; ")));
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn coverage_has_no_gaps() {
    let lib = load();
    let c = coverage::coverage(&lib.scenarios, &Catalogue::bundled());
    assert!(c.gaps.is_empty(), "{}", c.gaps.join("\n"));
    // And the command a supervisor's CI runs agrees.
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"))
        .args(["coverage", "--strict"])
        .arg(common::library_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_ticket_mix_looks_like_a_real_desk() {
    let lib = load();
    let n = lib.scenarios.len() as f64;
    let accounts = lib
        .scenarios
        .iter()
        .filter(|s| s.src.category == helpdesk_core::scenario::TicketCategory::Account)
        .count() as f64;
    assert!(
        (0.15..=0.30).contains(&(accounts / n)),
        "accounts are {:.0} % of the library",
        accounts / n * 100.0
    );
    for ch in [
        helpdesk_core::scenario::Channel::Phone,
        helpdesk_core::scenario::Channel::Chat,
        helpdesk_core::scenario::Channel::Email,
        helpdesk_core::scenario::Channel::WalkUp,
    ] {
        assert!(
            lib.scenarios.iter().any(|s| s.src.channel == ch),
            "no {ch:?} scenario"
        );
    }
    // Password and account changes always come with identity verification.
    for s in lib
        .scenarios
        .iter()
        .filter(|s| s.src.category == helpdesk_core::scenario::TicketCategory::Account)
    {
        assert!(
            s.src.actions.iter().any(|a| a.id.contains("verif")
                || a.label.to_lowercase().contains("verif")
                || a.label.to_lowercase().contains("identity")),
            "{} has no identity verification step",
            s.id()
        );
    }
}
