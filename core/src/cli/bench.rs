//! `bench`: the speed figures the project promises, measured on this machine. Timings live here and
//! never in tests, where a slow machine would turn them into false failures.

use crate::engine::{Out, World, step};
use crate::library;
use crate::objectives::Catalogue;
use crate::solver;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(paths: &[PathBuf], files: usize, cat: &Catalogue) -> ExitCode {
    let lib = library::load(paths, cat);
    if lib.scenarios.is_empty() {
        eprintln!("error: no valid scenarios to measure");
        return ExitCode::FAILURE;
    }

    // 1. Loading and validating many files: copies of the library with fresh ids.
    let dir = std::env::temp_dir().join(format!("helpdesk-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let sources: Vec<(String, String)> = lib
        .scenarios
        .iter()
        .filter_map(|s| {
            std::fs::read_to_string(&s.path)
                .ok()
                .map(|t| (s.id().to_string(), t))
        })
        .collect();
    for i in 0..files {
        let (id, text) = &sources[i % sources.len()];
        let text = text.replacen(&format!("id: \"{id}\""), &format!("id: \"{id}-{i}\""), 1);
        let _ = std::fs::write(dir.join(format!("s{i:05}.ron")), text);
    }
    let t = Instant::now();
    let loaded = library::load(std::slice::from_ref(&dir), cat);
    let load_s = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "load+validate: {files} files in {:.3} s ({} ok, {} failed)",
        load_s,
        loaded.scenarios.len(),
        loaded.errors.len()
    );

    // 2. The solver on every bundled scenario.
    let mut times = Vec::new();
    for s in &lib.scenarios {
        let t = Instant::now();
        let r = solver::solve(s, 1);
        times.push((
            t.elapsed().as_secs_f64() * 1000.0,
            s.id().to_string(),
            r.variants.iter().map(|v| v.states).sum::<usize>(),
        ));
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mean = times.iter().map(|t| t.0).sum::<f64>() / times.len() as f64;
    let over = times.iter().filter(|t| t.0 > 50.0).count();
    let slow: Vec<String> = times
        .iter()
        .filter(|t| t.0 > 50.0)
        .map(|t| format!("{} {:.0} ms", t.1, t.0))
        .collect();
    if slow.is_empty() {
        println!("solver: every one of {} scenarios under 50 ms", times.len());
    } else {
        println!(
            "solver: {over} of {} scenarios over 50 ms: {}",
            times.len(),
            slow.join(", ")
        );
    }
    let worst = times.last().cloned().unwrap_or_default();
    println!(
        "solver: {} scenarios, mean {:.1} ms, median {:.1} ms, worst {:.1} ms ({}, {} states)",
        times.len(),
        mean,
        times[times.len() / 2].0,
        worst.0,
        worst.1,
        worst.2
    );

    // 3. Engine steps: random commands applied without formatting text, as the solver runs them.
    let mut steps = 0u64;
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let t = Instant::now();
    let mut round = 0u64;
    while t.elapsed().as_secs_f64() < 2.0 {
        for s in &lib.scenarios {
            let w = World::new(s.clone(), round, None);
            let mut st = w.opening_state();
            while !st.is_over() {
                let cmds = w.commands(&st);
                if cmds.is_empty() {
                    break;
                }
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Bias away from ending at once, so sessions run long like real play.
                let pick = (x % cmds.len() as u64) as usize;
                let cmd = if pick >= cmds.len().saturating_sub(12) && !x.is_multiple_of(4) {
                    &cmds[pick % cmds.len().saturating_sub(12).max(1)]
                } else {
                    &cmds[pick]
                };
                step(&w, &mut st, cmd, &mut Out::new(None, 0));
                steps += 1;
            }
        }
        round += 1;
    }
    let el = t.elapsed().as_secs_f64();
    println!(
        "engine: {steps} steps in {el:.2} s = {:.2} M steps/s (listing the choices included)",
        steps as f64 / el / 1e6
    );
    ExitCode::SUCCESS
}
