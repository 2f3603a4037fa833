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

/// A fresh empty folder under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("helpdesk-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
