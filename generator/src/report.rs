//! Renders diagnostics like rustc, with miette: severity and message, `file:line:column`, the source line with
//! the spot underlined, and the JSON pointer. Colored for a terminal, plain otherwise.
//!
//! Each diagnostic carries only its own source line to miette, so rendering thousands of warnings for a large spec
//! reads each file once and never rescans it.

use std::collections::HashMap;
use std::path::PathBuf;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError, MietteSpanContents, Report,
    SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Diagnostic, Severity};

/// Renders diagnostics, reading each source file at most once.
pub struct Renderer {
    handler: GraphicalReportHandler,
    files: HashMap<PathBuf, Option<SourceFile>>,
}

struct SourceFile {
    text: String,
    line_starts: Vec<usize>,
    /// Character positions of the lines shown so far (a minified spec's one line is shown many times).
    lines: HashMap<usize, CharIndex>,
}

/// Characters per checkpoint of a [`CharIndex`].
const CHECKPOINT: usize = 256;

/// Where the characters of one line are: the byte offset of every [`CHECKPOINT`]-th character and the count, so a
/// character's byte offset is found without scanning the line from its start.
struct CharIndex {
    checkpoints: Vec<usize>,
    chars: usize,
}

impl CharIndex {
    fn new(line: &str) -> Self {
        let mut checkpoints = Vec::new();
        let mut chars = 0;
        for (index, (at, _)) in line.char_indices().enumerate() {
            if index % CHECKPOINT == 0 {
                checkpoints.push(at);
            }
            chars = index + 1;
        }
        Self { checkpoints, chars }
    }

    /// The byte offset of character `index` in `line` (the line's length past its end).
    fn byte(&self, line: &str, index: usize) -> usize {
        let Some(&from) = self.checkpoints.get(index / CHECKPOINT) else { return line.len() };
        line[from..].char_indices().nth(index % CHECKPOINT).map_or(line.len(), |(at, _)| from + at)
    }
}

impl Renderer {
    /// A renderer with colors (for a terminal) or without (for pipes and files).
    pub fn new(color: bool) -> Self {
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        Self { handler: GraphicalReportHandler::new_themed(theme).with_width(110), files: HashMap::new() }
    }

    /// One diagnostic, rendered.
    pub fn render(&mut self, diagnostic: &Diagnostic) -> String {
        let severity = match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let at =
            if diagnostic.pointer.is_empty() { "the document root".to_string() } else { diagnostic.pointer.clone() };
        let mut report =
            MietteDiagnostic::new(diagnostic.message.clone()).with_severity(severity).with_help(format!("at {at}"));
        let line = diagnostic.line_col.and_then(|(line, column)| self.source_line(diagnostic, line, column));
        let report = match line {
            Some(source) => {
                report = report.with_label(LabeledSpan::new_with_span(None, source.label));
                Report::new(report).with_source_code(source)
            }
            None => {
                report = report.with_help(format!("in {} at {at}", diagnostic.file_name()));
                Report::new(report)
            }
        };
        // Rendering is presentation only: should miette fail or panic on some input, the plain form still says it all.
        let mut out = String::new();
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.handler.render_report(&mut out, report.as_ref())
        }));
        match rendered {
            Ok(Ok(())) => out,
            _ => diagnostic.to_string(),
        }
    }

    /// The source line of the diagnostic's file at `line` with the label from `column` to the end of the key there. A long line
    /// (minified JSON is one line) is cut to a window around the column, marked with `…` on the cut sides.
    fn source_line(&mut self, diagnostic: &Diagnostic, line: usize, column: usize) -> Option<LineSource> {
        let file = &diagnostic.file;
        let source = self
            .files
            .entry(file.to_path_buf())
            .or_insert_with(|| {
                let text = crate::load::read_text(file).ok()?;
                let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
                Some(SourceFile { text, line_starts, lines: HashMap::new() })
            })
            .as_mut()?;
        let start = *source.line_starts.get(line.checked_sub(1)?)?;
        let end = source.line_starts.get(line).map_or(source.text.len(), |next| next - 1);
        let whole = source.text.get(start..end)?.trim_end_matches('\r');
        let index = source.lines.entry(line).or_insert_with(|| CharIndex::new(whole));
        let (text, from) = window(whole, index, column.saturating_sub(1));
        let key_length =
            text[from..].find(':').map_or(text.len() - from, |colon| text[from..from + colon].trim_end().len()).max(1);
        let label = SourceSpan::from((
            from,
            key_length.min(text.len().saturating_sub(from)).max(usize::from(text.len() > from)),
        ));
        Some(LineSource {
            name: diagnostic.file_name().into_owned(),
            text,
            line: line - 1,
            column: column.saturating_sub(1),
            label,
        })
    }
}

/// How much a diagnostic changes the generated API. Reports show the most first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Nothing is generated.
    Error,
    /// An operation (or a whole path) is not generated.
    Skipped,
    /// Something is generated with less than the document says: a type read as any JSON value, a parameter or
    /// response left out, a keyword ignored.
    Degraded,
    /// A name differs from the one the document gives.
    Renamed,
    /// Anything else.
    Note,
}

impl Impact {
    /// The impact of `diagnostic`, from its severity and the words its message uses for each outcome.
    pub fn of(diagnostic: &Diagnostic) -> Self {
        let message = diagnostic.message.as_str();
        let says = |words: &[&str]| words.iter().any(|word| message.contains(word));
        if diagnostic.is_error() {
            Impact::Error
        } else if says(&["is skipped", "are skipped"]) {
            Impact::Skipped
        } else if says(&[
            "serde_json::Value",
            "any JSON value",
            "any value",
            "left out",
            "ignored",
            "dropped",
            "untagged",
        ]) {
            Impact::Degraded
        } else if says(&[" becomes ", " is named "]) {
            Impact::Renamed
        } else {
            Impact::Note
        }
    }
}

/// How many diagnostics of one kind a report shows before it only counts the rest.
pub const SHOWN_PER_KIND: usize = 3;

/// Diagnostics arranged for a report: most impact first (in document order within each impact), and of each kind
/// of message (the same words, whatever names it quotes) only the first [`SHOWN_PER_KIND`] unless `verbose`.
#[derive(Debug)]
pub struct Arranged<'d> {
    /// What to render, in order.
    pub shown: Vec<&'d Diagnostic>,
    /// Kinds with diagnostics not shown: the message with its quoted names left out, and how many were not shown.
    pub hidden: Vec<(String, usize)>,
    /// How many diagnostics say an operation or path is skipped.
    pub skipped: usize,
}

/// Arranges `diagnostics` for a report (see [`Arranged`]).
pub fn arrange(diagnostics: &[Diagnostic], verbose: bool) -> Arranged<'_> {
    let mut ordered: Vec<(Impact, &Diagnostic)> = diagnostics.iter().map(|d| (Impact::of(d), d)).collect();
    ordered.sort_by_key(|(impact, _)| *impact);
    let skipped = ordered.iter().filter(|(impact, _)| *impact == Impact::Skipped).count();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut hidden: Vec<(String, usize)> = Vec::new();
    let mut shown = Vec::new();
    for (impact, diagnostic) in ordered {
        let kind = message_kind(&diagnostic.message);
        let count = seen.entry(kind.clone()).or_insert(0);
        *count += 1;
        if verbose || impact == Impact::Error || *count <= SHOWN_PER_KIND {
            shown.push(diagnostic);
        } else if let Some(entry) = hidden.iter_mut().find(|(k, _)| *k == kind) {
            entry.1 += 1;
        } else {
            hidden.push((kind, 1));
        }
    }
    Arranged { shown, hidden, skipped }
}

/// A message with what it quotes (in backticks or double quotes) replaced by `…`: the same kind of problem at
/// different names gives the same text.
fn message_kind(message: &str) -> String {
    let mut kind = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(open) if c == open => {
                kind.push('…');
                kind.push(c);
                quote = None;
            }
            Some(_) => {}
            None if c == '`' || c == '"' => {
                kind.push(c);
                quote = Some(c);
            }
            None => kind.push(c),
        }
    }
    kind
}

/// Characters of a source line shown before the spot when the line is too long to show whole.
const WINDOW_BEFORE: usize = 40;
/// Characters shown from the spot on.
const WINDOW_AFTER: usize = 80;

/// The part of `line` to show for the spot at character `column`, and the byte offset of the spot in it. Short
/// lines are shown whole; a longer one is cut to a window around the spot, with `…` where it was cut.
fn window(line: &str, index: &CharIndex, column: usize) -> (String, usize) {
    let chars = index.chars;
    let column = column.min(chars);
    let byte = |at: usize| index.byte(line, at);
    if chars <= WINDOW_BEFORE + WINDOW_AFTER {
        return (line.to_string(), byte(column));
    }
    let first = column.saturating_sub(WINDOW_BEFORE);
    let last = (column + WINDOW_AFTER).min(chars);
    let mut text = String::new();
    if first > 0 {
        text.push('…');
    }
    let from = text.len() + byte(column) - byte(first);
    text.push_str(&line[byte(first)..byte(last)]);
    if last < chars {
        text.push('…');
    }
    (text, from)
}

/// One line of a source file, standing in for the whole file.
struct LineSource {
    name: String,
    text: String,
    /// 0-based line number.
    line: usize,
    /// 0-based column of the spot (miette shows it in the `file:line:column` header).
    column: usize,
    label: SourceSpan,
}

impl SourceCode for LineSource {
    fn read_span<'a>(
        &'a self,
        _span: &SourceSpan,
        _before: usize,
        _after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let whole = SourceSpan::from((0, self.text.len()));
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            whole,
            self.line,
            self.column,
            1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn renders_file_line_source_and_pointer() {
        let dir = std::env::temp_dir().join(format!("specforge-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("api.yaml");
        std::fs::write(&file, "openapi: 3.0.3\npaths:\n  /a:\n    get: 1\n").unwrap();
        let diagnostic = Diagnostic::error(&file, "#/paths/~1a/get", "bad operation").at_line(4, 5);
        let text = Renderer::new(false).render(&diagnostic);
        assert!(text.contains("bad operation"), "{text}");
        assert!(text.contains("api.yaml:4:5"), "{text}");
        assert!(text.contains("    get: 1"), "{text}");
        assert!(text.contains("at #/paths/~1a/get"), "{text}");
        assert!(!text.contains('\u{1b}'), "plain output has no escape codes: {text}");
        let colored = Renderer::new(true).render(&diagnostic);
        assert!(colored.contains('\u{1b}'), "{colored}");
    }

    #[test]
    fn a_spot_far_along_a_minified_line_is_shown_in_a_window() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("api.json");
        let padding = "x".repeat(100_000);
        std::fs::write(
            &file,
            format!("{{\"openapi\":\"3.0.3\",\"info\":{{\"description\":\"{padding}\",\"title\":\"T\"}}}}"),
        )
        .unwrap();
        let column = 100_050;
        let diagnostic = Diagnostic::warning(&file, "#/info/title", "odd title").at_line(1, column);
        for color in [false, true] {
            let text = Renderer::new(color).render(&diagnostic);
            assert!(text.contains(&format!("api.json:1:{column}")), "{text}");
            assert!(text.contains("…") && text.contains("\"title\""), "{text}");
            assert!(text.len() < 2_000, "the whole line was printed: {} bytes", text.len());
        }
    }

    #[test]
    fn windows_keep_short_lines_whole_and_cut_long_ones_on_char_boundaries() {
        let window = |line: &str, column: usize| window(line, &CharIndex::new(line), column);
        assert_eq!(window("  get: 1", 2), ("  get: 1".to_string(), 2));
        let long = "é".repeat(1000);
        let (text, from) = window(&long, 700);
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(&text[from..from + 'é'.len_utf8()], "é");
        assert_eq!(text.chars().count(), WINDOW_BEFORE + WINDOW_AFTER + 2);
    }

    #[test]
    fn reports_put_what_changes_the_api_first_and_count_repeated_kinds() {
        let file = Path::new("api.yaml");
        let mut diagnostics = Vec::new();
        for n in 0..10 {
            diagnostics.push(Diagnostic::warning(
                file,
                format!("#/{n}"),
                format!("the type name `T{n}` is already taken; `T{n}` becomes `T{n}2`"),
            ));
        }
        diagnostics.push(Diagnostic::warning(file, "#/a", "an odd note"));
        diagnostics.push(Diagnostic::warning(file, "#/b", "this GET operation cannot be read; it is skipped"));
        diagnostics.push(Diagnostic::warning(file, "#/c", "`$ref: x` points to no schema; using `serde_json::Value`"));
        diagnostics.push(Diagnostic::error(file, "#/d", "invalid JSON"));
        let arranged = arrange(&diagnostics, false);
        let order: Vec<&str> = arranged.shown.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(order, ["#/d", "#/b", "#/c", "#/0", "#/1", "#/2", "#/a"]);
        assert_eq!(arranged.hidden, [("the type name `…` is already taken; `…` becomes `…`".to_string(), 7)]);
        assert_eq!(arranged.skipped, 1);
        assert_eq!(arrange(&diagnostics, true).shown.len(), diagnostics.len());
    }

    #[test]
    fn a_diagnostic_without_a_line_still_names_the_file() {
        let diagnostic = Diagnostic::warning(Path::new("missing.yaml"), "#/x", "odd");
        let text = Renderer::new(false).render(&diagnostic);
        assert!(text.contains("missing.yaml") && text.contains("#/x") && text.contains("odd"), "{text}");
    }
}
