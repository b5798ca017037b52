//! Renders diagnostics like rustc, with miette: severity and message, `file:line:column`, the source line with
//! the spot underlined, and the JSON pointer. Colored for a terminal, plain otherwise.
//!
//! Each diagnostic carries only its own source line to miette, so rendering thousands of warnings for a large spec
//! reads each file once and never rescans it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
        let line = diagnostic.line_col.and_then(|(line, column)| self.source_line(&diagnostic.file, line, column));
        let report = match line {
            Some(source) => {
                report = report.with_label(LabeledSpan::new_with_span(None, source.label));
                Report::new(report).with_source_code(source)
            }
            None => {
                report = report.with_help(format!("in {} at {at}", diagnostic.file.display()));
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

    /// The source line of `file` at `line` with the label from `column` to the end of the key there. A long line
    /// (minified JSON is one line) is cut to a window around the column, marked with `…` on the cut sides.
    fn source_line(&mut self, file: &Path, line: usize, column: usize) -> Option<LineSource> {
        let source = self
            .files
            .entry(file.to_path_buf())
            .or_insert_with(|| {
                let text = crate::load::read_text(file).ok()?;
                let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
                Some(SourceFile { text, line_starts })
            })
            .as_ref()?;
        let start = *source.line_starts.get(line.checked_sub(1)?)?;
        let end = source.line_starts.get(line).map_or(source.text.len(), |next| next - 1);
        let whole = source.text.get(start..end)?.trim_end_matches('\r');
        let (text, from) = window(whole, column.saturating_sub(1));
        let key_length =
            text[from..].find(':').map_or(text.len() - from, |colon| text[from..from + colon].trim_end().len()).max(1);
        let label = SourceSpan::from((
            from,
            key_length.min(text.len().saturating_sub(from)).max(usize::from(text.len() > from)),
        ));
        Some(LineSource {
            name: file.display().to_string(),
            text,
            line: line - 1,
            column: column.saturating_sub(1),
            label,
        })
    }
}

/// Characters of a source line shown before the spot when the line is too long to show whole.
const WINDOW_BEFORE: usize = 40;
/// Characters shown from the spot on.
const WINDOW_AFTER: usize = 80;

/// The part of `line` to show for the spot at character `column`, and the byte offset of the spot in it. Short
/// lines are shown whole; a longer one is cut to a window around the spot, with `…` where it was cut.
fn window(line: &str, column: usize) -> (String, usize) {
    let chars = line.chars().count();
    let column = column.min(chars);
    if chars <= WINDOW_BEFORE + WINDOW_AFTER {
        let from = line.char_indices().nth(column).map_or(line.len(), |(at, _)| at);
        return (line.to_string(), from);
    }
    let first = column.saturating_sub(WINDOW_BEFORE);
    let last = (column + WINDOW_AFTER).min(chars);
    let byte = |index: usize| line.char_indices().nth(index).map_or(line.len(), |(at, _)| at);
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
        assert_eq!(window("  get: 1", 2), ("  get: 1".to_string(), 2));
        let long = "é".repeat(500);
        let (text, from) = window(&long, 250);
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(&text[from..from + 'é'.len_utf8()], "é");
        assert_eq!(text.chars().count(), WINDOW_BEFORE + WINDOW_AFTER + 2);
    }

    #[test]
    fn a_diagnostic_without_a_line_still_names_the_file() {
        let diagnostic = Diagnostic::warning(Path::new("missing.yaml"), "#/x", "odd");
        let text = Renderer::new(false).render(&diagnostic);
        assert!(text.contains("missing.yaml") && text.contains("#/x") && text.contains("odd"), "{text}");
    }
}
