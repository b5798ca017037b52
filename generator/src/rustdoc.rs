//! Rustdoc from descriptions: every rule that turns an API description's Markdown into doc comments, in two steps.
//! [`rustdoc_safe`] runs in lowering (the IR holds safe text) and [`lines`] when the text is printed.
//!
//! Descriptions are Markdown written for other renderers (Swagger UI, Redoc, a vendor's docs site). Rustdoc reads
//! some of what they contain differently and warns, which `cargo doc` with warnings denied (as docs.rs and many CI
//! setups build) turns into a failure. [`rustdoc_safe`] escapes exactly those constructs, outside code:
//! - HTML-like tags (`Basic <encoded-value>`, `<details>`): rustdoc checks them as HTML and rejects unclosed ones;
//!   they are shown as text (`\<`), as most renderers of an API's reference would show a placeholder;
//! - bare URLs (`https://…`): wrapped as autolinks (`<https://…>`);
//! - brackets that are not a Markdown link (`[text]`, `[1]`): rustdoc would try them as links to Rust items.

/// `markdown` with the constructs rustdoc misreads escaped (see the module docs). Fenced code blocks and inline
/// code are left as they are.
pub fn rustdoc_safe(markdown: &str) -> String {
    // Most descriptions hold nothing to escape: they are copied as they are.
    let bytes = markdown.as_bytes();
    if memchr::memchr3(b'<', b'[', b']', bytes).is_none() && memchr::memmem::find(bytes, b"http").is_none() {
        return markdown.to_string();
    }
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut fence = Fence::default();
    for (index, line) in markdown.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        if fence.step(line.trim()).is_some() || fence.is_open() {
            out.push_str(line);
        } else {
            escape_line(line, &mut out);
        }
    }
    out
}

/// Fenced code blocks as CommonMark reads them: opened by ```` ``` ```` or `~~~` and closed only by the same marker
/// (a ```` ``` ```` line inside a `~~~` block is code). Both rules that rewrite descriptions read fences this way.
#[derive(Default)]
struct Fence(Option<&'static str>);

impl Fence {
    /// Reads one line (trimmed): the marker and whether it opened a block, when the line opens or closes one.
    fn step(&mut self, trimmed: &str) -> Option<(&'static str, bool)> {
        let marker = ["```", "~~~"].into_iter().find(|marker| trimmed.starts_with(marker))?;
        match self.0 {
            None => {
                self.0 = Some(marker);
                Some((marker, true))
            }
            Some(open) if open == marker => {
                self.0 = None;
                Some((marker, false))
            }
            Some(_) => None,
        }
    }

    /// Whether the lines read so far leave a block open.
    fn is_open(&self) -> bool {
        self.0.is_some()
    }
}

/// Spec text made safe for rustdoc: code fences (```` ``` ```` or `~~~`) become `text` blocks and indentation is dropped, so no
/// description turns into a doctest that `cargo test` would try to compile; a line that continues a list item or a
/// quote lazily (without the item's indentation or the `>`) gets them, and one indented past the item's text is
/// brought back to it, which renders the same and is what clippy's `doc_lazy_continuation` and
/// `doc_overindented_list_items` ask for.
pub fn lines(doc: &str) -> Vec<String> {
    let doc = compilable(doc);
    let mut fence = Fence::default();
    let mut after_blank = true;
    // The columns where the texts of the list items open at the previous line start, outermost first.
    let mut open_items: Vec<usize> = Vec::new();
    let mut open_quote = false;
    // How much indentation the lines of the current block lose (see below).
    let mut block_shift = 0;
    doc.trim()
        .lines()
        .map(|line| {
            // Tabs first, so that the columns measured below are the columns printed (`*\t` is a list marker).
            let line = untab(line);
            let line = line.as_ref();
            let trimmed = line.trim();
            if let Some((marker, opened)) = fence.step(trimmed) {
                (open_items, open_quote) = (Vec::new(), false);
                return if opened { format!(" {marker}text") } else { format!(" {marker}") };
            }
            if fence.is_open() {
                return format!(" {}", line.trim_end());
            }
            // Indentation is kept where it continues a list item or a paragraph (a code block cannot interrupt
            // one); after a blank line it is cut to three spaces, as four would start an indented code block (a
            // doctest), and the lines after it up to the next blank one lose as much, so a block indented as a
            // whole keeps its shape.
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            let mut indent = if after_blank {
                block_shift = indent.saturating_sub(3);
                indent - block_shift
            } else {
                indent.saturating_sub(block_shift)
            };
            let mut quote = "";
            if trimmed.is_empty() {
                open_quote = false;
            } else if starts_block(trimmed) {
                (open_items, open_quote) = (Vec::new(), false);
            } else if let Some(width) = list_marker_width(trimmed).filter(|_| {
                // Where a new list would start inside the paragraph above (in the open item's text, or with no list
                // open), only a bullet or `1.` starts one: CommonMark reads `2.` there as more of the paragraph.
                let new_list = open_items.last().is_none_or(|&column| indent >= column);
                after_blank || !new_list || may_interrupt_paragraph(trimmed)
            }) {
                if let Some(&column) = open_items.last().filter(|&&column| !after_blank && indent > column + 3) {
                    // Four spaces or more past the open item's text would make this line a lazy part of that
                    // item's text (clippy's `doc_overindented_list_items`): it becomes a nested item.
                    indent = column;
                }
                close_beyond(&mut open_items, indent);
                open_items.push(indent + width);
                open_quote = false;
            } else if let Some(quoted) = trimmed.strip_prefix('>') {
                (open_items, open_quote) = (Vec::new(), !quoted.trim().is_empty());
            } else if after_blank {
                // A paragraph after a blank line is inside the innermost list item it is indented to the text of.
                close_beyond(&mut open_items, indent);
            } else if open_quote {
                quote = "> ";
            } else if let Some(&column) = open_items.last() {
                // Exactly the item's text column: less is lazy, more is over-indented (clippy warns of both; the
                // paragraph renders the same).
                indent = column;
            }
            after_blank = trimmed.is_empty();
            format!(" {quote}{}{trimmed}", " ".repeat(indent))
        })
        .collect()
}

/// The Unicode controls that change the direction text flows in, which rustc refuses in comments
/// (`text_direction_codepoint_in_comment`, an error unless allowed).
const TEXT_DIRECTION_CONTROLS: [char; 9] =
    ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'];

/// `doc` as a doc comment may hold it: a carriage return not before a line feed (which rustc refuses in a doc
/// comment) ends a line, as old Mac text meant, and text-direction controls are spelled out (`U+202E`).
fn compilable(doc: &str) -> std::borrow::Cow<'_, str> {
    // Every text-direction control is encoded starting with the byte 0xE2: a byte scan passes over most texts
    // without decoding them (descriptions are most of a large API's text).
    let suspect = |byte: &u8| *byte == b'\r' || *byte == 0xE2;
    if !doc.as_bytes().iter().any(suspect) || !doc.contains(|c| c == '\r' || TEXT_DIRECTION_CONTROLS.contains(&c)) {
        return doc.into();
    }
    let mut out = String::with_capacity(doc.len() + 8);
    let mut chars = doc.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push('\n'),
            c if TEXT_DIRECTION_CONTROLS.contains(&c) => out.push_str(&format!("U+{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.into()
}

/// Closes the open list items (text columns, outermost first) that a line at `indent` is not inside.
fn close_beyond(open_items: &mut Vec<usize>, indent: usize) {
    while open_items.last().is_some_and(|&column| column > indent) {
        open_items.pop();
    }
}

/// `text` with each tab as four spaces, as clippy's `tabs_in_doc_comments` asks (a tab lines up differently in
/// every editor and renderer).
fn untab(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\t') { text.replace('\t', "    ").into() } else { text.into() }
}

/// The width of the list item marker that starts `line` (`- `, `* `, `+ `, `1. `, `2) `) with the spaces after
/// it, up to where the item's text starts; `None` when `line` does not start a list item.
fn list_marker_width(line: &str) -> Option<usize> {
    let digits = leading_digits(line);
    let marker = match line.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        _ => return None,
    };
    let rest = &line[marker..];
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    match spaces {
        0 if rest.is_empty() => Some(marker + 1),
        0 => None,
        // Five spaces or more after the marker start an indented code block inside the item.
        1..=4 if spaces < rest.len() => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// How many ASCII digits `line` starts with.
fn leading_digits(line: &str) -> usize {
    line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len()
}

/// Whether the list item marker starting `line` may start a list right after a paragraph line: a bullet, or a
/// number 1 (CommonMark, so that a line of prose starting `2. ` does not become a list).
fn may_interrupt_paragraph(line: &str) -> bool {
    let digits = leading_digits(line);
    digits == 0 || line[..digits].parse::<u32>() == Ok(1)
}

/// Whether `line` (trimmed) is not to be made part of the paragraph before it: an ATX heading, a thematic break
/// (`* * *`), or a line of `=` or `-` alone, which indented under a paragraph would underline it as a heading.
fn starts_block(line: &str) -> bool {
    let heading = line.trim_start_matches('#');
    let hashes = line.len() - heading.len();
    if (1..=6).contains(&hashes) && (heading.is_empty() || heading.starts_with(' ')) {
        return true;
    }
    let Some(first) = line.chars().next().filter(|c| matches!(c, '-' | '*' | '_' | '=')) else { return false };
    let rule = line.chars().filter(|c| *c != ' ');
    rule.clone().all(|c| c == first) && (matches!(first, '-' | '=') || rule.count() >= 3)
}

/// Escapes one line outside a fenced block, leaving inline code spans alone.
fn escape_line(line: &str, out: &mut String) {
    let mut rest = line;
    while !rest.is_empty() {
        // A link may hold code (``[`item`](url)``), so links are found before code spans.
        let Some(open) = rest.find(['`', '[']) else {
            escape_text(rest, out);
            return;
        };
        if rest[..open].ends_with('\\') {
            // An escaped bracket or backtick is text, kept with its escape.
            escape_text(&rest[..=open], out);
            rest = &rest[open + 1..];
            continue;
        }
        escape_text(&rest[..open], out);
        rest = &rest[open..];
        if rest.starts_with('[') {
            match inline_link(rest) {
                // A link to what rustdoc takes for an item (`[Pet](Pet)`): its text only.
                Some((split, len, destination)) if is_item_path(destination) => {
                    escape_line(&rest[1..split], out);
                    rest = &rest[len..];
                }
                Some((split, len, _)) => {
                    out.push('[');
                    escape_line(&rest[1..split], out);
                    out.push_str(&rest[split..len]);
                    rest = &rest[len..];
                }
                None => {
                    out.push_str("\\[");
                    rest = &rest[1..];
                }
            }
            continue;
        }
        let ticks = rest.len() - rest.trim_start_matches('`').len();
        let fence = &rest[..ticks];
        match rest[ticks..].find(fence) {
            Some(close) => {
                let end = ticks + close + ticks;
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            None => {
                // An unmatched backtick is literal text.
                out.push_str(fence);
                rest = &rest[ticks..];
            }
        }
    }
}

/// Escapes text that holds no code span.
fn escape_text(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < text.len() {
        // Copy the run up to the next character that may need escaping.
        let run =
            bytes[at..].iter().position(|b| matches!(b, b'\\' | b'<' | b'[' | b']' | b'h')).unwrap_or(text.len() - at);
        out.push_str(&text[at..at + run]);
        at += run;
        let rest = &text[at..];
        let Some(c) = rest.chars().next() else { break };
        match c {
            '\\' => {
                // An existing escape stays as it is, with the character it escapes.
                let next = rest[1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&rest[..1 + next]);
                at += 1 + next;
            }
            '<' => {
                let len = autolink_len(rest).unwrap_or(1);
                if len > 1 {
                    out.push_str(&rest[..len]);
                } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
                    out.push_str("\\<");
                } else {
                    out.push('<');
                }
                at += len;
            }
            // Links were taken out by the caller: a bracket here is text.
            '[' => {
                out.push_str("\\[");
                at += 1;
            }
            ']' => {
                out.push_str("\\]");
                at += 1;
            }
            'h' if (rest.starts_with("http://") || rest.starts_with("https://"))
                && (at == 0 || !bytes[at - 1].is_ascii_alphanumeric()) =>
            {
                let len = url_len(rest);
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                at += len;
            }
            _ => {
                out.push(c);
                at += c.len_utf8();
            }
        }
    }
}

/// The length of an autolink (`<https://…>`, `<mailto:…>`) at the start of `text`, if there is one.
fn autolink_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('<')?;
    let close = inner.find('>')?;
    let target = &inner[..close];
    let scheme = target.split_once(':')?.0;
    let is_link = scheme.len() >= 2
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        && !target.contains(char::is_whitespace);
    is_link.then_some(close + 2)
}

/// A Markdown inline link `[text](target)` at the start of `text`, if there is one: where its text ends (the
/// closing bracket), its whole length and its destination.
fn inline_link(text: &str) -> Option<(usize, usize, &str)> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    let (len, destination) = target(&text[at + 1..])?;
                    return Some((at, at + 1 + len, destination));
                }
            }
            _ => {}
        }
    }
    None
}

/// The length and destination of an inline link's target at the start of `text`, `(destination "title")`, as
/// CommonMark reads it: a destination in `<…>` or without spaces and with balanced parentheses, then, after a space,
/// an optional title in `"…"`, `'…'` or `(…)`. Anything else after the brackets (`({{< relref "x" >}})`, a Hugo
/// shortcode) is no link: the brackets are text, which rustdoc would otherwise read as a link to an item.
fn target(text: &str) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let spaces = |from: usize| {
        from + bytes.get(from..).unwrap_or_default().iter().take_while(|b| matches!(b, b' ' | b'\t')).count()
    };
    let mut at = spaces(text.strip_prefix('(').map(|_| 1)?);
    let destination;
    if bytes.get(at) == Some(&b'<') {
        let start = at + 1;
        at = start + unescaped(&bytes[start..], |b| matches!(b, b'>' | b'<'))?;
        if bytes[at] != b'>' {
            return None;
        }
        destination = start..at;
        at += 1;
    } else {
        let start = at;
        let mut depth = 0usize;
        while let Some(&byte) = bytes.get(at) {
            match byte {
                b'\\' => at += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                byte if byte <= b' ' => break,
                _ => {}
            }
            at += 1;
        }
        if depth > 0 {
            return None;
        }
        destination = start..at.min(text.len());
    }
    let after_destination = at;
    at = spaces(at);
    if at > after_destination
        && let Some(close) = bytes.get(at).and_then(|open| match open {
            b'"' | b'\'' => Some(*open),
            b'(' => Some(b')'),
            _ => None,
        })
    {
        at += 1 + unescaped(&bytes[at + 1..], |b| b == close)? + 1;
        at = spaces(at);
    }
    (bytes.get(at) == Some(&b')')).then(|| (at + 1, text.get(destination).unwrap_or_default()))
}

/// Whether rustdoc reads a link's `destination` as the path of a Rust item (`Pet`, `crate::Pet`, `Pet#fields`),
/// which it reports as broken when no such item is in scope, as rustdoc decides it: no `/`, and only the
/// characters of a path once backticks and the fragment are dropped.
fn is_item_path(destination: &str) -> bool {
    let unticked = destination.replace('`', "");
    let path = unticked.split('#').next().unwrap_or_default().trim();
    !unticked.contains('/')
        && !path.is_empty()
        && path.chars().all(|c| c.is_alphanumeric() || ":_<>,!*&;@()".contains(c))
}

/// Where the first byte of `bytes` that `stops` is, skipping backslash escapes.
fn unescaped(bytes: &[u8], stops: impl Fn(u8) -> bool) -> Option<usize> {
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'\\' {
            at += 2;
            continue;
        }
        if stops(byte) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The length of a bare URL at the start of `text`: up to whitespace or a closing bracket, without the punctuation
/// that ends a sentence.
fn url_len(text: &str) -> usize {
    let end = text.find(|c: char| c.is_whitespace() || "<>\"'`".contains(c)).unwrap_or(text.len());
    let mut url = &text[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_']);
        // A closing parenthesis belongs to the URL only when the URL opened one.
        let trimmed = if trimmed.ends_with(')') && trimmed.matches('(').count() < trimmed.matches(')').count() {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        let trimmed = trimmed.strip_suffix(']').unwrap_or(trimmed);
        if trimmed.len() == url.len() {
            return url.len();
        }
        url = trimmed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_after_a_list_marker_makes_an_item_whose_lines_line_up_with_its_text() {
        // DocuSign: `*\t` items whose second line is indented by two spaces.
        assert_eq!(
            lines("Valid values:\n\n*\t`view`<br>\n  The recipient views it."),
            [" Valid values:", " ", " *    `view`<br>", "      The recipient views it."]
        );
    }

    #[test]
    fn a_bare_carriage_return_ends_a_line_and_text_direction_controls_are_spelled_out() {
        // VTEX's Orders API: a bare CR before a code sample's `{`; rustc refuses both in a doc comment.
        assert_eq!(lines("format:\r{\r\n  a\r\n}"), [" format:", " {", "   a", " }"]);
        assert_eq!(lines("a \u{202E}b\u{2066}"), [" a U+202EbU+2066"]);
        assert!(matches!(compilable("plain text"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn doc_lines_keep_list_continuations_and_never_start_code_blocks() {
        let lines = lines("Tools:\n- **Built-in**: provided by\n  the API.\n\n        not code\n```\n    code\n```");
        assert_eq!(
            lines,
            [
                " Tools:",
                " - **Built-in**: provided by",
                "   the API.",
                " ",
                "    not code",
                " ```text",
                "     code",
                " ```"
            ]
        );
    }

    #[test]
    fn both_steps_read_a_fence_of_the_other_kind_as_code() {
        let doc = "~~~\n```\n<T> [x]\n~~~\n<T>";
        assert_eq!(rustdoc_safe(doc), "~~~\n```\n<T> [x]\n~~~\n\\<T>", "escaped only after the block");
        assert_eq!(lines(doc), [" ~~~text", " ```", " <T> [x]", " ~~~", " <T>"]);
    }

    #[test]
    fn tilde_fences_are_text_blocks_too_and_each_kind_closes_its_own() {
        let lines = lines("Run:\n~~~\nfn main() {}\n```\n~~~\nthen:\n```json\n{}\n```");
        assert_eq!(lines, [" Run:", " ~~~text", " fn main() {}", " ```", " ~~~", " then:", " ```text", " {}", " ```"]);
    }

    #[test]
    fn lazy_continuations_get_their_indentation_and_marker_and_tabs_become_spaces() {
        let doc = "Options:\n * `secret` -\thidden\n      from others.\nDefault: `secret`\n**For a child:**\n1.  `closed`\nvisible\n\nAfter the list.\n> Unofficial\nReturns 430\n\n- item\n---\n- item\n## Heading\n+ item\n\n  more of it\nlazy again";
        assert_eq!(
            lines(doc),
            [
                " Options:",
                "  * `secret` -    hidden",
                "    from others.",
                "    Default: `secret`",
                "    **For a child:**",
                " 1.  `closed`",
                "     visible",
                " ",
                " After the list.",
                " > Unofficial",
                " > Returns 430",
                " ",
                " - item",
                " ---",
                " - item",
                " ## Heading",
                " + item",
                " ",
                "   more of it",
                "   lazy again",
            ]
        );
    }

    #[test]
    fn a_block_indented_as_a_whole_keeps_its_shape_and_no_item_is_overindented() {
        // As in Adyen's checkout API: a list indented nine spaces after a blank line.
        let doc = "Possible values:\n\n         * **completed** – paid.\n         * **refused** – refused.\n           again\n\n- a\n         - b";
        assert_eq!(
            lines(doc),
            [
                " Possible values:",
                " ",
                "    * **completed** – paid.",
                "    * **refused** – refused.",
                "      again",
                " ",
                " - a",
                "   - b",
            ]
        );
    }

    #[test]
    fn a_paragraph_after_a_blank_line_continues_the_innermost_item_it_is_indented_to() {
        // As in OPTIMADE's API: a paragraph indented under a nested item, cut to three spaces, still belongs to the
        // outer item, whose text column its second line takes.
        let doc = "- outer\n    - inner\n\n        Example: one.\n        Example: two.";
        assert_eq!(lines(doc), [" - outer", "     - inner", " ", "    Example: one.", "   Example: two."]);
    }

    #[test]
    fn a_number_other_than_one_after_a_paragraph_line_is_more_of_the_paragraph() {
        // As in Azure's Recovery Services API: `2.` indented under item `1.` cannot start a list there, so it and the
        // line after it continue item 1's text, at its column (deeper is clippy's `doc_overindented_list_items`).
        let doc =
            "If encrypted:\r\n  1. Secret(BEK).\r\n            2. Key(KEK).\r\n   Both may differ.\r\nNote\r\n3. three";
        assert_eq!(
            lines(doc),
            [
                " If encrypted:",
                "   1. Secret(BEK).",
                "      2. Key(KEK).",
                "      Both may differ.",
                "      Note",
                " 3. three"
            ]
        );
        // After a blank line, and as the next item of an open list, any number starts an item.
        assert_eq!(lines("a\n\n2. b\n   c"), [" a", " ", " 2. b", "    c"]);
        assert_eq!(lines("1. a\n2. b\n   c"), [" 1. a", " 2. b", "    c"]);
    }

    #[test]
    fn list_markers_are_told_from_text() {
        let widths: Vec<Option<usize>> =
            ["- a", "* a", "12. a", "3) a", "-", "-a", "1.5 s", "1234567890. a", "-      code", "**bold**"]
                .into_iter()
                .map(list_marker_width)
                .collect();
        assert_eq!(widths, [Some(2), Some(2), Some(4), Some(3), Some(2), None, None, None, Some(2), None]);
    }

    #[test]
    fn html_like_placeholders_are_shown_as_text() {
        assert_eq!(rustdoc_safe("Basic <encoded-value>"), r"Basic \<encoded-value>");
        assert_eq!(
            rustdoc_safe("<details><summary>x</summary></details>"),
            r"\<details>\<summary>x\</summary>\</details>"
        );
        assert_eq!(rustdoc_safe("a < b and 1<2"), "a < b and 1<2");
    }

    #[test]
    fn bare_urls_become_autolinks_and_links_stay_links() {
        assert_eq!(rustdoc_safe("See https://example.com/a_b."), "See <https://example.com/a_b>.");
        assert_eq!(rustdoc_safe("(see https://x.io/p)"), "(see <https://x.io/p>)");
        assert_eq!(rustdoc_safe("<https://x.io> stays"), "<https://x.io> stays");
        assert_eq!(rustdoc_safe("[the docs](https://x.io/docs)"), "[the docs](https://x.io/docs)");
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(rustdoc_safe("one of [a, b] or [Foo]"), r"one of \[a, b\] or \[Foo\]");
        assert_eq!(rustdoc_safe("[x] [y](http://y.io)"), r"\[x\] [y](http://y.io)");
        assert_eq!(
            rustdoc_safe("the [`call.incoming`](/docs/calls) event"),
            "the [`call.incoming`](/docs/calls) event"
        );
    }

    #[test]
    fn a_link_is_what_commonmark_reads_as_one() {
        // Mastodon's Hugo shortcodes: no link destination holds a space, and `relref` opens no title.
        assert_eq!(
            rustdoc_safe(r#"[Blocks]({{< relref "user/moderating#block">}}) the account"#),
            r#"\[Blocks\]({{< relref "user/moderating#block">}}) the account"#
        );
        for link in [
            r#"[a](https://x.io/p "a title")"#,
            "[a](https://x.io/p 'title') ",
            "[a](https://x.io/p (title))",
            "[a](<https://x.io/with space>)",
            "[Foo](https://en.wikipedia.org/wiki/Foo_(bar))",
            r"[a](https://x.io/\(p)",
            "[a]( https://x.io )",
            "[top](#top)",
        ] {
            assert_eq!(rustdoc_safe(link), link);
        }
        assert_eq!(rustdoc_safe("[a](https://x.io \"open"), r#"\[a\](<https://x.io> "open"#);
        assert_eq!(rustdoc_safe("[a](https://x.io nope)"), r"\[a\](<https://x.io> nope)");
        assert_eq!(rustdoc_safe("[a](\\"), r"\[a\](\");
    }

    #[test]
    fn a_link_rustdoc_would_take_for_an_item_keeps_its_text_only() {
        assert_eq!(rustdoc_safe("see [the pet](Pet) and [`Pet`](crate::Pet#fields)"), "see the pet and `Pet`");
        assert_eq!(rustdoc_safe("[docs](docs.html) [x](./x)"), "[docs](docs.html) [x](./x)");
    }

    #[test]
    fn code_is_left_alone() {
        assert_eq!(rustdoc_safe("use `Vec<[u8]>` or ``a ` b <c>``"), "use `Vec<[u8]>` or ``a ` b <c>``");
        assert_eq!(rustdoc_safe("```\n<x> [y] https://z\n```\n<x>"), "```\n<x> [y] https://z\n```\n\\<x>");
        assert_eq!(rustdoc_safe(r"already \[escaped\] \<x>"), r"already \[escaped\] \<x>");
    }
}
