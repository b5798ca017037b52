//! Where in a document a syntax error is. Parsers report a line and a column; a user fixing a large document also
//! wants the JSON pointer of the node the error is in, found here from the text before it. For JSON the text up to
//! the error is scanned as tokens (it parsed that far); for YAML, by indentation, the lines above the error that
//! hold it are its parents. Both are linear in the text before the error and best-effort: a place they cannot tell
//! is left at the node around it.

use super::yaml_line::YamlLine;
use crate::diagnostic::escape_pointer_token;

/// The JSON pointer (`#/…`, `#` for the root) of the innermost node of `text` around the 1-based `line` and
/// `column` (serde_json counts a column in bytes, libyaml in characters).
pub fn pointer_at(text: &str, is_json: bool, line: usize, column: usize) -> String {
    let line_start = line_start(text, line);
    let tokens = if is_json {
        let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        json_path(&text[..offset])
    } else {
        yaml_path(text, line_start, column)
    };
    let mut pointer = String::from("#");
    for token in tokens {
        pointer.push('/');
        pointer.push_str(&escape_pointer_token(&token));
    }
    pointer
}

/// [`pointer_at`] for a YAML parser's error: at the problem's `line` and `column`, or, when that line is blank (the
/// problem is the end of the text, say an unclosed bracket), where the construct the message says it was parsing
/// began (libyaml's "…, while parsing a flow sequence at line 10 column 15").
pub fn pointer_of_yaml_error(text: &str, message: &str, line: usize, column: usize) -> String {
    let start = line_start(text, line);
    let blank = YamlLine::read(text[start..].split('\n').next().unwrap_or_default()).is_none();
    let context = message.rsplit_once(", while parsing ").and_then(|(_, context)| {
        let (_, place) = context.rsplit_once(" at line ")?;
        let (line, column) = place.split_once(" column ")?;
        Some((line.parse().ok()?, column.trim().parse().ok()?))
    });
    let (line, column) = context.filter(|_| blank).unwrap_or((line, column));
    pointer_at(text, false, line, column)
}

/// The byte offset where the 1-based `line` starts (the end of the text past its last line).
fn line_start(text: &str, line: usize) -> usize {
    match line.checked_sub(2) {
        None => 0,
        Some(newlines) => memchr::memchr_iter(b'\n', text.as_bytes()).nth(newlines).map_or(text.len(), |at| at + 1),
    }
}

/// A container open at the end of a JSON prefix.
enum Open {
    /// An object and the key whose value is being read (none between members).
    Object(Option<String>),
    /// An array and the index of the element being read.
    Array(usize),
}

/// The keys and indexes leading to where the JSON text `before` ends.
fn json_path(before: &str) -> Vec<String> {
    let bytes = before.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'{' => open.push(Open::Object(None)),
            b'[' => open.push(Open::Array(0)),
            b'}' | b']' => {
                open.pop();
            }
            b',' => match open.last_mut() {
                Some(Open::Object(key)) => *key = None,
                Some(Open::Array(index)) => *index += 1,
                None => {}
            },
            b'"' => {
                let end = string_end(bytes, at);
                if let Some(Open::Object(key @ None)) = open.last_mut() {
                    let raw = &before[at..end];
                    *key = Some(serde_json::from_str(raw).unwrap_or_else(|_| raw.trim_matches('"').to_string()));
                }
                at = end;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    open.into_iter()
        .filter_map(|open| match open {
            Open::Object(key) => key,
            Open::Array(index) => Some(index.to_string()),
        })
        .collect()
}

/// The offset just past the string that starts with the quote at `start` (the end of `bytes` if it is not closed).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The keys and indexes of the YAML nodes that hold the error at the 1-based `column` of the line starting at
/// `line_start`: its own key when the error is in that key's value, then the lines above that hold it, the nearest
/// first. A line holds a place right of where its content starts (a key's value is indented under it); a sequence
/// item holds the place right of its `-`, and counts the items of its sequence above it.
fn yaml_path(text: &str, line_start: usize, column: usize) -> Vec<String> {
    let this_line = text[line_start..].split('\n').next().unwrap_or_default();
    let mut tokens = Vec::new();
    let mut lines = text[..line_start].rsplit('\n').filter_map(YamlLine::read).peekable();
    // The error's place: a line above holds it when the line's content starts left of it.
    let mut place = column.saturating_sub(1);
    let mut next = YamlLine::read(this_line);
    if let Some(line) = &mut next
        && let Some((key, value)) = line.key.take()
    {
        // `value` is the rest of this line after the key's colon.
        let colon = value.as_ptr() as usize - this_line.as_ptr() as usize - 1;
        if place > this_line[..colon].chars().count() {
            tokens.push(key);
        }
    }
    while let Some(line) = next.take().or_else(|| lines.next()) {
        if line.item && line.indent < place {
            if let Some((key, _)) = line.key.filter(|_| line.content_indent < place) {
                tokens.push(key);
            }
            // Items of the same sequence above, with what they hold, up to the line that holds the sequence.
            let mut index = 0;
            while let Some(above) =
                lines.next_if(|above| above.indent > line.indent || (above.indent == line.indent && above.item))
            {
                index += usize::from(above.indent == line.indent);
            }
            tokens.push(index.to_string());
            // The line holding the sequence may be at the items' own indentation (`key:` above `- item`).
            place = line.indent + 1;
        } else if line.content_indent < place {
            if let Some((key, _)) = line.key {
                tokens.push(key);
            }
            place = line.content_indent;
        }
        if place == 0 {
            break;
        }
    }
    tokens.reverse();
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_error_is_placed_in_the_innermost_open_node() {
        let text = r#"{"openapi": "3.0.3", "paths": {"/a": {"get": {"parameters": [{"in": "query"}, {"name": "x\"y", "in": oops"#;
        let column = text.find("oops").unwrap() + 1;
        assert_eq!(pointer_at(text, true, 1, column), "#/paths/~1a/get/parameters/1/in");
        let between_members = r#"{"a": {"b": 1, oops"#;
        assert_eq!(pointer_at(between_members, true, 1, between_members.len()), "#/a");
        let truncated = "{\"a\": [1, 2,\n {\"b\": {";
        assert_eq!(pointer_at(truncated, true, 2, 9), "#/a/2/b");
        assert_eq!(pointer_at("{\"a\": 1, }", true, 1, 10), "#");
        // serde_json's columns count bytes: `é` and `🦀` are 2 and 4 of them.
        let text = "{\"é🦀\": {\"b\": [1, x], \"c\": 2}}";
        let column = text.find('x').unwrap() + 1;
        assert_eq!(pointer_at(text, true, 1, column), "#/é🦀/b/1");
    }

    #[test]
    fn a_yaml_error_is_placed_under_the_keys_its_line_is_indented_under() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      summary: x\n   responses: {}\n";
        assert_eq!(pointer_at(text, false, 6, 4), "#/paths/~1a");
        let text = "info: {title: [oops}\n";
        assert_eq!(pointer_at(text, false, 1, 15), "#/info");
        let unclosed = "a:\n  b: [x\n";
        let message =
            "did not find expected ',' or ']' at line 3 column 1, while parsing a flow sequence at line 2 column 6";
        assert_eq!(pointer_of_yaml_error(unclosed, message, 3, 1), "#/a/b");
    }

    #[test]
    fn a_yaml_error_in_a_sequence_item_counts_the_items_above() {
        let text = "paths:\n  /a:\n    get:\n      parameters:\n        - name: a\n          in: query\n        - name: b\n          in: [\n";
        assert_eq!(pointer_at(text, false, 8, 15), "#/paths/~1a/get/parameters/1/in");
        let text = "tags:\n- name: a\n- name: b\n  description: \"x\n";
        assert_eq!(pointer_at(text, false, 4, 16), "#/tags/1/description");
    }

    #[test]
    fn comments_blank_lines_and_quoted_keys_are_read() {
        let text = "paths:\n  # a comment\n\n  '/a:b':\n    \"get\":\n      x: @\n";
        assert_eq!(pointer_at(text, false, 6, 10), "#/paths/~1a:b/get/x");
    }

    #[test]
    fn any_line_and_column_of_any_text_gives_a_pointer() {
        let texts = [
            "{\"\u{e9}\\\u{e9}\": [\"\u{1f980}\", {\"\\\"\": ",
            "a: \u{e9}\r\n  - '\u{1f980}: x\r\n  - \"b\\\": c\n- - - d:\n    e: |\n      f: g\n'' : 1\n",
            "",
            "\n\n",
        ];
        for text in texts {
            for is_json in [true, false] {
                for line in 0..=text.lines().count() + 2 {
                    for column in 0..=text.len() + 2 {
                        let pointer = pointer_at(text, is_json, line, column);
                        assert!(pointer.starts_with('#'), "{pointer}");
                    }
                }
            }
        }
    }
}
