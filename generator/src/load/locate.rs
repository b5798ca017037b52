//! Finds the line and column of a JSON pointer in a spec's source text.
//!
//! The YAML and JSON parsers used here do not keep spans, so this walks the pointer's keys through the text in
//! order: each key is looked for as a mapping key (`key:`, `"key":` or `'key':`) after the previous one. It is a
//! best-effort answer: when a key cannot be found the location is left unknown rather than guessed.

use crate::diagnostic::Diagnostic;

/// Source text of one document, for placing diagnostics.
pub struct Locator {
    text: String,
}

impl Locator {
    /// Wraps the source text of a document.
    pub fn new(text: String) -> Self {
        Self { text }
    }

    /// Fills in the line of `diagnostic` from its pointer, unless it already has one.
    pub fn place(&self, diagnostic: Diagnostic) -> Diagnostic {
        if diagnostic.line_col.is_some() || diagnostic.pointer.is_empty() {
            return diagnostic;
        }
        match self.line_of(&diagnostic.pointer) {
            Some((line, column)) => diagnostic.at_line(line, column),
            None => diagnostic,
        }
    }

    /// The 1-based line and column of the node at `pointer`, if its keys can be found in order.
    pub fn line_of(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut offset = 0;
        let mut found = None;
        for token in pointer.trim_start_matches('#').split('/').skip(1) {
            let key = token.replace("~1", "/").replace("~0", "~");
            if key.parse::<usize>().is_ok() && !self.text[offset..].contains(&format!("{key}:")) {
                continue; // an array index: no key to look for
            }
            let at = find_key(&self.text[offset..], &key)? + offset;
            found = Some(at);
            offset = at + key.len();
        }
        found.map(|at| {
            let before = &self.text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        })
    }
}

/// Byte offset of the first occurrence of `key` used as a mapping key in `text`.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let candidates = [format!("\"{key}\""), format!("'{key}'"), key.to_string()];
    candidates
        .iter()
        .filter_map(|needle| {
            text.match_indices(needle.as_str()).find_map(|(at, _)| {
                let rest = text[at + needle.len()..].trim_start_matches([' ', '\t']);
                let starts_key = at == 0 || text[..at].ends_with([' ', '\t', '\n', '{', ',']);
                (starts_key && rest.starts_with(':')).then_some(at)
            })
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_yaml_keys_in_order() {
        let text = "paths:\n  /a:\n    get: {}\n  /b:\n    get:\n      x: 1\n";
        let locator = Locator::new(text.to_string());
        assert_eq!(locator.line_of("#/paths/~1b/get"), Some((5, 5)));
    }

    #[test]
    fn finds_json_keys() {
        let text = "{\"components\": {\"schemas\": {\"A\": {}}}}";
        assert_eq!(Locator::new(text.to_string()).line_of("#/components/schemas/A"), Some((1, 29)));
    }

    #[test]
    fn unknown_keys_give_no_location() {
        assert_eq!(Locator::new("a: 1\n".to_string()).line_of("#/b"), None);
    }
}
