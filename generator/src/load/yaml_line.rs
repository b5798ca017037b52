//! One line of YAML read by its indentation, for finding places in a document's text without parsing it: where a
//! syntax error is (`enclosing.rs`) and where a list's items start (`locate.rs`).

/// One line of YAML, as far as its indentation and first key tell.
pub struct YamlLine<'t> {
    /// Spaces before it (before a `- ` marker, if any).
    pub indent: usize,
    /// Bytes before its content after any `- ` markers.
    pub content_indent: usize,
    /// Whether it starts a sequence item.
    pub item: bool,
    /// The key its content starts with, and what follows the key's colon.
    pub key: Option<(String, &'t str)>,
}

impl<'t> YamlLine<'t> {
    /// Reads a line; `None` for a blank line or a comment.
    pub fn read(line: &'t str) -> Option<Self> {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            return None;
        }
        let indent = line.len() - content.len();
        let mut rest = content;
        while let Some(after) = rest.strip_prefix('-').filter(|after| after.is_empty() || after.starts_with(' ')) {
            rest = after.trim_start_matches(' ');
        }
        let item = rest.len() != content.len();
        Some(YamlLine { indent, content_indent: line.len() - rest.len(), item, key: yaml_key(rest) })
    }
}

/// The key a YAML line's content starts with (bare, or in single or double quotes) and what follows its colon.
fn yaml_key(content: &str) -> Option<(String, &str)> {
    let (key, after) = match content.chars().next()? {
        quote @ ('"' | '\'') => {
            let close = content[1..].find(quote)? + 1;
            let raw = &content[..=close];
            let key = match quote {
                '"' => serde_json::from_str(raw).unwrap_or_else(|_| raw[1..close].to_string()),
                _ => raw[1..close].replace("''", "'"),
            };
            (key, &content[close + 1..])
        }
        '{' | '[' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`' => return None,
        _ => {
            let colon = content
                .match_indices(':')
                .find(|(at, _)| content[at + 1..].is_empty() || content[at + 1..].starts_with([' ', '\t']))?;
            (content[..colon.0].trim_end().to_string(), &content[colon.0..])
        }
    };
    let value = after.trim_start_matches([' ', '\t']).strip_prefix(':')?;
    Some((key, value))
}
