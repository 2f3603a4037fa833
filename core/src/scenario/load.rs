//! Reading a scenario file: size and encoding checks, RON parsing with positions, then validation.

use super::Compiled;
use super::model::Scenario;
use super::validate::compile;
use crate::diag::{Diagnostic, did_you_mean, line_col};
use crate::objectives::Catalogue;
use ron::extensions::Extensions;
use std::path::Path;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// How deeply brackets may nest before the parser refuses the file.
pub const MAX_NESTING: usize = 64;

/// The RON options every scenario file is read with. `implicit_some` lets authors leave out `Some(…)`.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
}

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

/// Turns a RON error into a diagnostic with a position and, where we can, a hint.
pub fn ron_diagnostic(path: &Path, text: &str, e: &ron::error::SpannedError) -> Diagnostic {
    use ron::Error as E;
    let (line, col) = (e.span.start.line.max(1), e.span.start.col.max(1));
    let mut d = Diagnostic::new(path, e.code.to_string()).at(line, col);
    let hint = match &e.code {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let where_ = outer
                .as_deref()
                .map(|o| format!(" in {o}"))
                .unwrap_or_default();
            d.message = format!("unknown field `{found}`{where_}");
            Some(match did_you_mean(found, expected.iter().copied()) {
                Some(m) => format!("did you mean `{m}`?"),
                None => format!("expected one of: {}", expected.join(", ")),
            })
        }
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let where_ = outer
                .as_deref()
                .map(|o| format!(" for {o}"))
                .unwrap_or_default();
            d.message = format!("unknown name `{found}`{where_}");
            Some(match did_you_mean(found, expected.iter().copied()) {
                Some(m) => format!("did you mean `{m}`?"),
                None => format!("expected one of: {}", expected.join(", ")),
            })
        }
        E::MissingStructField { field, outer } => {
            let where_ = outer
                .as_deref()
                .map(|o| format!(" in {o}"))
                .unwrap_or_default();
            d.message = format!("missing field `{field}`{where_}");
            Some(format!("add `{field}: …` before the closing bracket"))
        }
        E::DuplicateStructField { field, .. } => {
            Some(format!("`{field}` is written twice; keep one"))
        }
        E::ExceededRecursionLimit => {
            d.message = format!("brackets are nested more than {MAX_NESTING} deep");
            Some(
                "conditions this deep are unreadable; split them with All([...]) or Any([...])"
                    .into(),
            )
        }
        E::Eof => Some("the file ends too early: a bracket or quote is probably not closed".into()),
        E::ExpectedStructName(_) | E::ExpectedNamedStructLike(_) => {
            Some("a scenario file starts with `Scenario(`".into())
        }
        E::ExpectedString | E::ExpectedStringEnd => {
            Some("text goes in double quotes: \"like this\"".into())
        }
        E::TrailingCharacters => Some("there is text after the scenario's closing bracket".into()),
        _ => None,
    };
    if let Some(h) = hint {
        d = d.hint(h);
    }
    // A JSON file parses as a map and fails on the first key; say what it is.
    if text.trim_start().starts_with('{') {
        d = d.hint("this looks like JSON; scenario files use RON (`Scenario(id: \"…\", …)`)");
    }
    d
}
