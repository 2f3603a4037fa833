//! Diagnostics: what is wrong with an input file, where, and how to mend it.
//!
//! Every loader in the core reports through [`Diagnostic`], so the CLI, the app and the author screen show
//! errors the same way: `file:line:col: error: message` followed by the path inside the document and a
//! hint.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: an error stops the file from loading; a warning is a weakness an
/// author should look at (a cue that gives answers away), and the file still loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub severity: Severity,
    /// 1-based line and column, when known.
    pub line: Option<usize>,
    pub col: Option<usize>,
    /// Where inside the document, e.g. `actions[3].effects[0]`.
    pub path: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            severity: Severity::Error,
            line: None,
            col: None,
            path: None,
            message: message.into(),
            hint: None,
        }
    }
    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = Some(line);
        self.col = Some(col);
        self
    }
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// `file:line:col`, or `file` alone when the position is unknown.
    pub fn location(&self) -> String {
        match (self.line, self.col) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file.display()),
            _ => self.file.display().to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {level}: {}", self.location(), self.message)?;
        if let Some(p) = &self.path {
            write!(f, "\n  at: {p}")?;
            if let Some(n) = first_ordinal(p) {
                write!(f, " ({n})")?;
            }
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// The closest candidate to `found`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(found: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&found.to_lowercase(), &c.to_lowercase());
        if score > 0.75 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Turns a byte offset into a 1-based line and column (columns count characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Paths count from 0 like the file formats they index; for a reader counting the entries in the
/// file, the first index in words: `actions[10].id` → "the 11th of `actions`".
fn first_ordinal(path: &str) -> Option<String> {
    let open = path.find('[')?;
    let close = open + path[open..].find(']')?;
    let n: usize = path[open + 1..close].parse().ok()?;
    let list = path[..open].rsplit('.').next().filter(|l| !l.is_empty())?;
    let n = n + 1;
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    Some(format!("the {n}{suffix} of `{list}`"))
}

#[cfg(test)]
mod tests {
    use super::first_ordinal;

    #[test]
    fn the_first_index_is_also_said_counting_from_one() {
        assert_eq!(
            first_ordinal("actions[10].id").as_deref(),
            Some("the 11th of `actions`")
        );
        assert_eq!(
            first_ordinal("moments[0].replies[2]").as_deref(),
            Some("the 1st of `moments`")
        );
        assert_eq!(
            first_ordinal("actions[11]").as_deref(),
            Some("the 12th of `actions`")
        );
        assert_eq!(
            first_ordinal("actions[21]").as_deref(),
            Some("the 22nd of `actions`")
        );
        assert_eq!(first_ordinal("variables[\"pc\"]"), None);
        assert_eq!(first_ordinal("caller.patience"), None);
    }
}
