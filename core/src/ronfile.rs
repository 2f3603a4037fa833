//! Reading RON the same way everywhere: the options every data file is parsed with, and RON's errors
//! turned into diagnostics with a position and a hint. Scenario files and the objective catalogue both
//! read through here.

use crate::diag::{Diagnostic, did_you_mean};
use ron::extensions::Extensions;
use std::path::Path;

/// How deeply brackets may nest before the parser refuses the file.
pub const MAX_NESTING: usize = 64;

/// The RON options every scenario file is read with. `implicit_some` lets authors leave out `Some(…)`.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
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
        } => Some(unknown(
            &mut d,
            "field",
            found,
            outer.as_deref().map(|o| format!(" in {o}")),
            expected,
        )),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => Some(unknown(
            &mut d,
            "name",
            found,
            outer.as_deref().map(|o| format!(" for {o}")),
            expected,
        )),
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
    if let Some((q, at)) = typographic_quote_at(text, line, col) {
        d = d.at(line, at);
        d.message = format!(
            "typographic quotation mark `{q}` where a straight quote `\"` belongs ({})",
            e.code
        );
        d = d.hint(
            "write text as \"like this\" with straight quotes; word processors and some editors turn \
             them into curly ones (inside the text, curly quotes are fine)",
        );
    }
    // A JSON file parses as a map and fails on the first key; say what it is.
    if text.trim_start().starts_with('{') {
        d = d.hint("this looks like JSON; scenario files use RON (`Scenario(id: \"…\", …)`)");
    }
    d
}

/// Names an unknown field or variant in the message, and suggests the nearest name RON expected.
fn unknown(
    d: &mut Diagnostic,
    what: &str,
    found: &str,
    place: Option<String>,
    expected: &[&str],
) -> String {
    d.message = format!("unknown {what} `{found}`{}", place.unwrap_or_default());
    match did_you_mean(found, expected.iter().copied()) {
        Some(m) => format!("did you mean `{m}`?"),
        None => format!("expected one of: {}", expected.join(", ")),
    }
}

/// Quotation marks that word processors put in place of `"` and `'`.
const TYPOGRAPHIC_QUOTES: [char; 10] = ['“', '”', '„', '‟', '‘', '’', '‚', '‛', '«', '»'];

/// The typographic quotation mark at 1-based `line:col`, or just after it past blanks, if any, with
/// its own column.
fn typographic_quote_at(text: &str, line: usize, col: usize) -> Option<(char, usize)> {
    text.lines()
        .nth(line - 1)?
        .chars()
        .enumerate()
        .skip(col - 1)
        .find(|(_, c)| !c.is_whitespace())
        .filter(|(_, c)| TYPOGRAPHIC_QUOTES.contains(c))
        .map(|(i, c)| (c, i + 1))
}
