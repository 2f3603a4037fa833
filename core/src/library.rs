//! A scenario library: every `.ron` file under one or more folders, loaded and checked together.

use crate::diag::Diagnostic;
use crate::objectives::Catalogue;
use crate::scenario::{Compiled, load_file};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Scenario files under `paths` (files are taken as given, folders are walked), sorted.
pub fn scenario_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out, 0);
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out, depth + 1);
        } else if p.extension().is_some_and(|x| x == "ron") {
            out.push(p);
        }
    }
}

/// The result of loading a library.
#[derive(Debug, Default)]
pub struct Library {
    pub scenarios: Vec<Arc<Compiled>>,
    /// Problems, grouped by file in load order.
    pub errors: Vec<(PathBuf, Vec<Diagnostic>)>,
    /// Files that are not scenarios but another of this program's data files, and what each is.
    pub skipped: Vec<(PathBuf, &'static str)>,
}

impl Library {
    pub fn error_count(&self) -> usize {
        self.errors.iter().map(|(_, e)| e.len()).sum()
    }
    pub fn get(&self, id: &str) -> Option<&Arc<Compiled>> {
        self.scenarios.iter().find(|s| s.id() == id)
    }
}

/// Loads every scenario under `paths`. A broken file never stops the others from loading; two files
/// with the same id are both reported.
pub fn load(paths: &[PathBuf], cat: &Catalogue) -> Library {
    let mut lib = Library::default();
    let mut ids: HashMap<String, PathBuf> = HashMap::new();
    for file in scenario_files(paths) {
        match load_file(&file, cat) {
            Ok(sc) => {
                if let Some(first) = ids.get(sc.id()) {
                    let d = Diagnostic::new(
                        &file,
                        format!(
                            "scenario id `{}` is already used by {}",
                            sc.id(),
                            first.display()
                        ),
                    )
                    .path("id")
                    .hint("every scenario in a library needs its own id");
                    lib.errors.push((file, vec![d]));
                } else {
                    ids.insert(sc.id().to_string(), file.clone());
                    lib.scenarios.push(Arc::new(sc));
                }
            }
            Err(e) => match std::fs::read(&file)
                .ok()
                .and_then(|b| other_data_file(&file, &b))
            {
                Some(what) => lib.skipped.push((file, what)),
                None => lib.errors.push((file, e)),
            },
        }
    }
    lib
}

/// What a `.ron` file that failed to load as a scenario is, when it is one of this program's other
/// data files (the A+ objective catalogue); such a file beside the scenarios is skipped with a note,
/// not reported as a broken scenario.
pub fn other_data_file(path: &Path, bytes: &[u8]) -> Option<&'static str> {
    let text = std::str::from_utf8(bytes).ok()?;
    Catalogue::parse(path, text)
        .ok()
        .map(|_| "an A+ objective catalogue")
}
