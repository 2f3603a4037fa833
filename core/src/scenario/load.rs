//! Reading a scenario file: size and encoding checks, RON parsing with positions, then validation.

use super::Compiled;
use super::model::Scenario;
use super::validate::compile;
use crate::diag::{Diagnostic, line_col};
use crate::objectives::Catalogue;
use crate::ronfile::{ron_diagnostic, ron_options};
use std::path::Path;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Loads and validates one file from disk.
pub fn load_file(path: &Path, catalogue: &Catalogue) -> Result<Compiled, Vec<Diagnostic>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| vec![Diagnostic::new(path, format!("cannot read: {e}"))])?;
    if meta.len() as usize > MAX_FILE_BYTES {
        return Err(vec![too_big(path, meta.len() as usize)]);
    }
    let bytes = std::fs::read(path)
        .map_err(|e| vec![Diagnostic::new(path, format!("cannot read: {e}"))])?;
    load_bytes(path, &bytes, catalogue)
}

fn too_big(path: &Path, len: usize) -> Diagnostic {
    Diagnostic::new(
        path,
        format!(
            "file is {} KiB; scenario files may be at most {} KiB",
            len / 1024,
            MAX_FILE_BYTES / 1024
        ),
    )
    .at(1, 1)
    .hint("split the ticket into smaller scenarios, or check that this is really a scenario file")
}

/// Parses bytes that came from `path` (used for errors only) and validates them.
pub fn load_bytes(
    path: &Path,
    bytes: &[u8],
    catalogue: &Catalogue,
) -> Result<Compiled, Vec<Diagnostic>> {
    let scenario = parse_bytes(path, bytes)?;
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    compile(scenario, path, text, catalogue)
}

/// Parses without validating references: syntax and type errors only.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<Scenario, Vec<Diagnostic>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![too_big(path, bytes.len())]);
    }
    if bytes.contains(&0) {
        let at = bytes.iter().position(|b| *b == 0).unwrap_or(0);
        let (l, c) = line_col(&String::from_utf8_lossy(&bytes[..at]), at);
        return Err(vec![
            Diagnostic::new(path, "this is a binary file, not RON text")
                .at(l, c)
                .hint("scenario files are plain text ending in .ron"),
        ]);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or_default();
            let (l, c) = line_col(good, good.len());
            return Err(vec![
                Diagnostic::new(path, "the file is not valid UTF-8 text")
                    .at(l, c)
                    .hint("save the file as UTF-8"),
            ]);
        }
    };
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::new(path, "the file is empty")
            .at(1, 1)
            .hint("a scenario starts with `Scenario(` and names its id, title, caller, facts, variants and actions")]);
    }
    ron_options()
        .from_str::<Scenario>(text)
        .map_err(|e| vec![ron_diagnostic(path, text, &e)])
}
