//! Finds where in a RON file a value is, by its path inside the document (`actions[3].requires[0]`),
//! so a diagnostic points at the use that is wrong, not at the first place the same name appears.
//!
//! The file has already been parsed by serde when this runs; this reads it again as a plain tree of
//! spans (structs, tuples, lists, maps and atoms), which is all a path needs. It never fails on odd
//! input: a path that cannot be followed to the end stops at the deepest value it reached.

/// One value of the file, by byte offsets.
#[derive(Debug)]
struct Node {
    start: usize,
    end: usize,
    /// The identifier before a bracket: `Fact` in `Fact("x", true)`, `Scenario` in `Scenario(…)`.
    name: Option<String>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Atom,
    /// `( a: …, b: … )`, named or not.
    Struct(Vec<(String, Node)>),
    /// `( …, … )`, named or not (enum variants with values, tuples).
    Tuple(Vec<Node>),
    List(Vec<Node>),
    /// `{ key: value, … }`; the key as text without quotes.
    Map(Vec<(String, Node)>),
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

/// Deeper than the loader allows, so a file that loaded always fits.
const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    fn skip_ws(&mut self) {
        loop {
            while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            if self.b[self.i..].starts_with(b"//") {
                while self.i < self.b.len() && self.b[self.i] != b'\n' {
                    self.i += 1;
                }
            } else if self.b[self.i..].starts_with(b"/*") {
                let mut depth = 0;
                while self.i < self.b.len() {
                    if self.b[self.i..].starts_with(b"/*") {
                        depth += 1;
                        self.i += 2;
                    } else if self.b[self.i..].starts_with(b"*/") {
                        depth -= 1;
                        self.i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        self.i += 1;
                    }
                }
            } else if self.b[self.i..].starts_with(b"#!") {
                while self.i < self.b.len() && self.b[self.i] != b']' {
                    self.i += 1;
                }
                self.i = (self.i + 1).min(self.b.len());
            } else {
                return;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.b[start..self.i]).into_owned())
    }

    /// A quoted string (or char), returning its text with escapes left as written.
    fn string(&mut self) -> String {
        let quote = self.b[self.i];
        self.i += 1;
        let start = self.i;
        while self.i < self.b.len() && self.b[self.i] != quote {
            if self.b[self.i] == b'\\' {
                self.i += 1;
            }
            self.i += 1;
        }
        let text = String::from_utf8_lossy(&self.b[start..self.i.min(self.b.len())]).into_owned();
        self.i = (self.i + 1).min(self.b.len());
        text
    }

    /// `r"…"` or `r#"…"#`.
    fn raw_string(&mut self) -> String {
        self.i += 1;
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.i += 1;
        }
        self.i += 1;
        let start = self.i;
        let mut close = vec![b'"'];
        close.extend(std::iter::repeat_n(b'#', hashes));
        while self.i < self.b.len() && !self.b[self.i..].starts_with(&close) {
            self.i += 1;
        }
        let text = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
        self.i = (self.i + close.len()).min(self.b.len());
        text
    }

    fn value(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        let start = self.i;
        let c = self.peek()?;
        let node = match c {
            b'"' | b'\'' => {
                self.string();
                self.atom(start)
            }
            b'r' if matches!(self.b.get(self.i + 1), Some(b'"' | b'#')) => {
                self.raw_string();
                self.atom(start)
            }
            b'[' => {
                self.i += 1;
                let items = self.items(b']')?;
                Node {
                    start,
                    end: self.i,
                    name: None,
                    kind: Kind::List(items),
                }
            }
            b'{' => {
                self.i += 1;
                let mut entries = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b'}' => {
                            self.i += 1;
                            break;
                        }
                        b',' => self.i += 1,
                        _ => {
                            let key = self.value()?;
                            let text = key_text(&self.b[key.start..key.end]);
                            self.skip_ws();
                            if self.peek() == Some(b':') {
                                self.i += 1;
                            }
                            entries.push((text, self.value()?));
                        }
                    }
                }
                Node {
                    start,
                    end: self.i,
                    name: None,
                    kind: Kind::Map(entries),
                }
            }
            b'(' => self.bracketed(start, None)?,
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.ident()?;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.bracketed(start, Some(name))?
                } else {
                    self.atom(start)
                }
            }
            _ => {
                // A number or another bare token: up to the next delimiter.
                while self
                    .peek()
                    .is_some_and(|c| !b",)]}:".contains(&c) && !c.is_ascii_whitespace())
                {
                    self.i += 1;
                }
                if self.i == start {
                    self.i += 1;
                }
                self.atom(start)
            }
        };
        self.depth -= 1;
        Some(node)
    }

    fn atom(&self, start: usize) -> Node {
        Node {
            start,
            end: self.i,
            name: None,
            kind: Kind::Atom,
        }
    }

    /// `( … )` after an optional name: a struct when it starts with `field:`, a tuple otherwise.
    fn bracketed(&mut self, start: usize, name: Option<String>) -> Option<Node> {
        self.i += 1;
        self.skip_ws();
        let save = self.i;
        let is_struct = self.ident().is_some() && {
            self.skip_ws();
            self.peek() == Some(b':')
        };
        self.i = save;
        let kind = if is_struct {
            let mut fields = Vec::new();
            loop {
                self.skip_ws();
                match self.peek()? {
                    b')' => {
                        self.i += 1;
                        break;
                    }
                    b',' => self.i += 1,
                    _ => {
                        let field = self.ident()?;
                        self.skip_ws();
                        if self.peek() == Some(b':') {
                            self.i += 1;
                        }
                        fields.push((field, self.value()?));
                    }
                }
            }
            Kind::Struct(fields)
        } else {
            Kind::Tuple(self.items(b')')?)
        };
        Some(Node {
            start,
            end: self.i,
            name,
            kind,
        })
    }

    /// Comma-separated values up to `close`.
    fn items(&mut self, close: u8) -> Option<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek()? {
                c if c == close => {
                    self.i += 1;
                    return Some(items);
                }
                b',' => self.i += 1,
                _ => items.push(self.value()?),
            }
        }
    }
}

/// A map key as the path writes it: a string without its quotes, or the token itself.
fn key_text(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    s.trim_matches('"').to_string()
}

/// One step of a path: a field or variant name, an index, or a map key.
#[derive(Debug, PartialEq)]
enum Seg {
    Name(String),
    Index(usize),
    Key(String),
}

fn segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => i += 1,
            b'[' if b.get(i + 1) == Some(&b'"') => {
                let end = path[i + 2..].find("\"]").map_or(path.len(), |e| i + 2 + e);
                out.push(Seg::Key(path[i + 2..end].to_string()));
                i = end + 2;
            }
            b'[' => {
                let end = path[i..].find(']').map_or(path.len(), |e| i + e);
                if let Ok(n) = path[i + 1..end].parse() {
                    out.push(Seg::Index(n));
                }
                i = end + 1;
            }
            _ => {
                let end = path[i..].find(['.', '[']).map_or(path.len(), |e| i + e);
                out.push(Seg::Name(path[i..end].to_string()));
                i = end;
            }
        }
    }
    out
}

impl Node {
    /// The value one path step below this one.
    ///
    /// Besides fields, indices and keys, validation names the parts of conditional effects and lines:
    /// `When`, `If` and `Not` step to the condition (the variant's first value), `then` and `else` to
    /// its second and third, and an index on a variant (`All([…])`, `When(cond, […])`) counts inside
    /// its first list.
    fn step(&self, seg: &Seg, next: Option<&Seg>) -> Option<&Node> {
        match (&self.kind, seg) {
            (Kind::Struct(fields), Seg::Name(n)) => fields.iter().find(|f| &f.0 == n).map(|f| &f.1),
            (Kind::Tuple(items), Seg::Name(n)) => {
                if self.name.as_deref() == Some(n.as_str()) {
                    match next {
                        Some(Seg::Index(_)) => Some(self),
                        _ => items.first(),
                    }
                } else {
                    match n.as_str() {
                        "then" => items.get(1),
                        "else" => items.get(2),
                        _ => None,
                    }
                }
            }
            (Kind::List(items), Seg::Index(i)) => items.get(*i),
            (Kind::Tuple(items), Seg::Index(i)) => {
                match items.iter().find(|n| matches!(n.kind, Kind::List(_))) {
                    Some(Node {
                        kind: Kind::List(list),
                        ..
                    }) => list.get(*i),
                    _ => items.get(*i),
                }
            }
            (Kind::Map(entries), Seg::Key(k)) => entries.iter().find(|e| &e.0 == k).map(|e| &e.1),
            _ => None,
        }
    }
}

/// The byte range of the value at `path` in `text`, or of the deepest value on the way to it.
pub fn span(text: &str, path: &str) -> Option<(usize, usize)> {
    let mut p = Parser {
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    let root = p.value()?;
    let segs = segments(path);
    let mut node = &root;
    for (i, seg) in segs.iter().enumerate() {
        match node.step(seg, segs.get(i + 1)) {
            Some(n) => node = n,
            None => break,
        }
    }
    Some((node.start, node.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r##"// a comment with actions: [ "decoy" ]
Scenario(
    id: "x",
    facts: { "ready": false, "mode": "a" },
    actions: [
        (id: "one", requires: [Known("k")], effects: [When(Fact("ready", true), [Set("mode", "b")])]),
        (id: "two", /* "ready" */ requires: [All([Done("one"), Fact("ready", "yes")])]),
    ],
    walkthroughs: { "v": ["one", r#"two"#] },
)"##;

    fn at<'a>(path: &str) -> &'a str {
        let (a, b) = span(TEXT, path).unwrap();
        &TEXT[a..b]
    }

    #[test]
    fn paths_lead_to_the_value_they_name() {
        assert_eq!(at("id"), "\"x\"");
        assert_eq!(at("facts[\"mode\"]"), "\"a\"");
        assert_eq!(at("actions[1].id"), "\"two\"");
        assert_eq!(at("actions[0].requires[0]"), "Known(\"k\")");
        assert_eq!(at("actions[0].effects[0].When"), "Fact(\"ready\", true)");
        assert_eq!(at("actions[0].effects[0].When[0]"), "Set(\"mode\", \"b\")");
        assert_eq!(at("actions[1].requires[0][1]"), "Fact(\"ready\", \"yes\")");
        assert_eq!(at("walkthroughs[\"v\"][1]"), "r#\"two\"#");
    }

    #[test]
    fn a_path_that_goes_nowhere_stops_at_the_deepest_value_found() {
        let action = at("actions[1].nothing[3]");
        assert!(
            action.starts_with("(id: \"two\"") && action.ends_with("\")])])"),
            "{action}"
        );
        assert!(at("zzz").starts_with("Scenario("));
    }
}
