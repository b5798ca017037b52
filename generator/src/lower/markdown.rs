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
    let mut in_fence = false;
    for (index, line) in markdown.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            out.push_str(line);
        } else if in_fence {
            out.push_str(line);
        } else {
            escape_line(line, &mut out);
        }
    }
    out
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
            match link_len(rest) {
                Some(len) => {
                    let split = rest[..len].rfind("](").unwrap_or(len);
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

/// The length of a Markdown inline link `[text](target)` at the start of `text`, if there is one.
fn link_len(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    let after = &text[at + 1..];
                    let target = after.strip_prefix('(')?;
                    let close = target.find(')')?;
                    return (!target[..close].contains(char::is_whitespace) || target[..close].contains('"'))
                        .then_some(at + 1 + 1 + close + 1);
                }
            }
            _ => {}
        }
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
    fn code_is_left_alone() {
        assert_eq!(rustdoc_safe("use `Vec<[u8]>` or ``a ` b <c>``"), "use `Vec<[u8]>` or ``a ` b <c>``");
        assert_eq!(rustdoc_safe("```\n<x> [y] https://z\n```\n<x>"), "```\n<x> [y] https://z\n```\n\\<x>");
        assert_eq!(rustdoc_safe(r"already \[escaped\] \<x>"), r"already \[escaped\] \<x>");
    }
}
