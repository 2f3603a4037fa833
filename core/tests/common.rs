//! Helpers shared by the core's integration tests.
#![allow(dead_code)]

use helpdesk_core::Catalogue;
use helpdesk_core::scenario::{Compiled, load_bytes};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The starter scenario `new` writes: small, complete, and kept valid by its own test.
pub fn starter() -> Arc<Compiled> {
    let text = helpdesk_core::cli::template("starter");
    Arc::new(
        load_bytes(
            Path::new("starter.ron"),
            text.as_bytes(),
            &Catalogue::bundled(),
        )
        .expect("the starter lints"),
    )
}

/// Compiles scenario text, returning the diagnostics on failure.
pub fn compile(text: &str) -> Result<Compiled, Vec<helpdesk_core::Diagnostic>> {
    load_bytes(
        Path::new("test.ron"),
        text.as_bytes(),
        &Catalogue::bundled(),
    )
}

/// The bundled library folder.
pub fn library_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// A fresh empty folder of its own: tests in one binary run in parallel, so every call gets a new
/// name even when two tests ask for the same one.
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("helpdesk-test-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
