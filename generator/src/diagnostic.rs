//! Diagnostics: what specforge reports about an input document.
//!
//! Every problem found while loading or lowering a spec becomes a [`Diagnostic`] that names the file, the JSON
//! pointer into the document and, where it can be found, the line. Lowering collects them instead of stopping at
//! the first, so `specforge check` can list every problem at once.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation goes on; the output degrades gracefully (for example to `serde_json::Value`).
    Warning,
    /// The document cannot be turned into code; nothing is written.
    Error,
}

/// One problem in an input document, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file the problem is in.
    pub file: PathBuf,
    /// JSON pointer (RFC 6901) to the offending node, e.g. `#/paths/~1pets/get`; empty for the whole document.
    pub pointer: String,
    /// 1-based line and column in `file`, where known.
    pub line_col: Option<(usize, usize)>,
}

impl Diagnostic {
    /// An error at `pointer` in `file`.
    pub fn error(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, pointer, message)
    }

    /// A warning at `pointer` in `file`.
    pub fn warning(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, pointer, message)
    }

    fn new(severity: Severity, file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity, message: message.into(), file: file.to_path_buf(), pointer: pointer.into(), line_col: None }
    }

    /// Sets the line and column.
    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.line_col = Some((line, column));
        self
    }

    /// The same problem as an error (what `--deny-warnings` makes of every warning).
    pub fn denied(mut self) -> Self {
        self.severity = Severity::Error;
        self
    }

    /// Whether this diagnostic stops generation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file's name as shown to a user: `<stdin>` for a document read from standard input (the path `-`).
    pub fn file_name(&self) -> std::borrow::Cow<'_, str> {
        shown_path(&self.file)
    }
}

/// A file's name as shown to a user: `<stdin>` for a document read from standard input (the path `-`).
pub(crate) fn shown_path(path: &Path) -> std::borrow::Cow<'_, str> {
    match path.to_str() {
        Some(crate::load::STDIN_PATH) => "<stdin>".into(),
        _ => path.to_string_lossy(),
    }
}

impl fmt::Display for Diagnostic {
    /// Renders like rustc: `error: message`, then `  --> file:line:col`, then the JSON pointer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        writeln!(f, "{label}: {}", self.message)?;
        match self.line_col {
            Some((line, column)) => writeln!(f, "  --> {}:{line}:{column}", self.file_name())?,
            None => writeln!(f, "  --> {}", self.file_name())?,
        }
        if self.pointer.is_empty() {
            write!(f, "   = at the document root")
        } else {
            write!(f, "   = at {}", self.pointer)
        }
    }
}

/// Escapes one JSON pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Whether the place `site` is `place` or inside it (both JSON pointers of the same document).
pub(crate) fn is_within(site: &str, place: &str) -> bool {
    site.strip_prefix(place).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Unescapes one JSON pointer reference token (RFC 6901: `~1` → `/`, then `~0` → `~`).
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends `/` and one escaped token to `out`. Pointers are built for every node lowered, so this avoids
/// formatting and copies the token as it is when it needs no escape (nearly always).
pub(crate) fn push_token(out: &mut String, token: &str) {
    out.push('/');
    if token.contains(['~', '/']) {
        out.push_str(&escape_pointer_token(token));
    } else {
        out.push_str(token);
    }
}

/// Builds a JSON pointer `#/a/b` from unescaped tokens.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("#");
    for token in tokens {
        push_token(&mut out, token);
    }
    out
}

/// Appends one unescaped token to a JSON pointer.
pub fn child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1 + token.len());
    out.push_str(pointer);
    push_token(&mut out, token);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(pointer(["paths", "/pets/{id}", "get"]), "#/paths/~1pets~1{id}/get");
        assert_eq!(child("#/components", "a~b"), "#/components/a~0b");
        for token in ["a/b", "~1", "~0/~", "plain"] {
            assert_eq!(unescape_pointer_token(&escape_pointer_token(token)), token);
        }
    }

    #[test]
    fn display_names_file_line_and_pointer() {
        let d = Diagnostic::error(Path::new("api.yaml"), "#/paths", "bad").at_line(3, 5);
        assert_eq!(d.to_string(), "error: bad\n  --> api.yaml:3:5\n   = at #/paths");
    }
}
