//! Finds the line and column of JSON pointers in a spec's source text.
//!
//! The YAML and JSON parsers used here do not keep spans. For JSON, one pass over the text (a small scanner that
//! follows objects and arrays) finds every requested pointer at once, so placing thousands of diagnostics in a
//! large spec costs one read of the text. For YAML, each pointer's keys are looked for in order as mapping keys
//! (`key:`, `"key":` or `'key':`), remembering where each prefix was found. Either way the answer is best-effort:
//! a pointer that cannot be found is left without a line rather than guessed.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::yaml_line::YamlLine;
use crate::diagnostic::Diagnostic;

/// Places diagnostics in the text of `path`, read again for the purpose (only if one of them needs it): the
/// loaded spec keeps no text, so a large spec's text is not held in memory while it is lowered.
pub fn place_in_file(path: &Path, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if !diagnostics.iter().any(needs_placing) {
        return diagnostics;
    }
    match super::read_text(path) {
        Ok(text) => {
            let is_json = super::looks_like_json(&text);
            Locator::new(text, is_json).place_all(diagnostics)
        }
        Err(_) => diagnostics,
    }
}

/// Whether a diagnostic has a pointer but no line yet.
fn needs_placing(diagnostic: &Diagnostic) -> bool {
    diagnostic.line_col.is_none() && !diagnostic.pointer.is_empty()
}

/// Source text of one document, for placing diagnostics.
pub struct Locator {
    text: String,
    is_json: bool,
    /// YAML: where each pointer prefix was found (byte offset of its key), or `None` if it was not.
    yaml_found: RefCell<HashMap<String, Option<usize>>>,
    /// YAML: where the items of the block sequence under a key start (by the key's offset).
    yaml_items: RefCell<HashMap<usize, Vec<usize>>>,
}

impl Locator {
    /// Wraps the source text of a document; `is_json` selects the JSON scanner.
    pub fn new(text: String, is_json: bool) -> Self {
        Self { text, is_json, yaml_found: RefCell::new(HashMap::new()), yaml_items: RefCell::new(HashMap::new()) }
    }

    /// Fills in the line of `diagnostic` from its pointer, unless it already has one.
    pub fn place(&self, diagnostic: Diagnostic) -> Diagnostic {
        if !needs_placing(&diagnostic) {
            return diagnostic;
        }
        match self.line_of(&diagnostic.pointer) {
            Some((line, column)) => diagnostic.at_line(line, column),
            None => diagnostic,
        }
    }

    /// Fills in the lines of many diagnostics (those without one and with a pointer).
    pub fn place_all(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let wanted: HashSet<&str> =
            diagnostics.iter().filter(|d| needs_placing(d)).map(|d| d.pointer.as_str()).collect();
        if wanted.is_empty() {
            return diagnostics;
        }
        let offsets: HashMap<String, usize> = if self.is_json {
            JsonScan::offsets(&self.text, &wanted)
        } else {
            wanted.iter().filter_map(|p| Some((p.to_string(), self.yaml_offset(p)?))).collect()
        };
        let lines = self.line_cols(offsets.values().copied().collect());
        diagnostics
            .into_iter()
            .map(|d| match offsets.get(&d.pointer) {
                Some(offset) if d.line_col.is_none() => {
                    let (line, column) = lines[offset];
                    d.at_line(line, column)
                }
                _ => d,
            })
            .collect()
    }

    /// The 1-based line and column of the node at `pointer`, if it can be found.
    pub fn line_of(&self, pointer: &str) -> Option<(usize, usize)> {
        let offset = if self.is_json {
            JsonScan::offsets(&self.text, &HashSet::from([pointer])).get(pointer).copied()
        } else {
            self.yaml_offset(pointer)
        };
        offset.map(|at| self.line_cols(vec![at])[&at])
    }

    /// The 1-based line and column of each byte offset, counting the text's newlines once, up to the last offset.
    fn line_cols(&self, mut offsets: Vec<usize>) -> HashMap<usize, (usize, usize)> {
        offsets.sort_unstable();
        let bytes = self.text.as_bytes();
        let (mut line, mut line_start, mut counted) = (1, 0, 0);
        // Columns count characters from the line's start; on one long line (minified JSON) they are counted on from
        // the previous offset, so placing many diagnostics there stays linear.
        let (mut column_at, mut column) = (0, 0);
        offsets
            .into_iter()
            .map(|offset| {
                let offset = offset.min(bytes.len());
                let span = &bytes[counted..offset];
                line += memchr::memchr_iter(b'\n', span).count();
                if let Some(last) = memchr::memrchr(b'\n', span) {
                    line_start = counted + last + 1;
                }
                counted = offset;
                if column_at < line_start {
                    (column_at, column) = (line_start, 0);
                }
                column += self.text.get(column_at..offset).map_or(0, |s| s.chars().count());
                column_at = offset;
                (offset, (line, column + 1))
            })
            .collect()
    }

    /// YAML: finds each key of `pointer` after the previous one, reusing the offsets of prefixes already found.
    fn yaml_offset(&self, pointer: &str) -> Option<usize> {
        if let Some(found) = self.yaml_found.borrow().get(pointer) {
            return *found;
        }
        let (parent, token) = pointer.rsplit_once('/')?;
        let parent_at = if parent == "#" || parent.is_empty() { Some(0) } else { self.yaml_offset(parent) };
        let key = crate::diagnostic::unescape_pointer_token(token);
        // A child is looked for after its parent's key, so `items` under `items` is not the parent again; an item
        // of a sequence is found where its content starts, which may be its first key.
        let parent_is_item = parent.rsplit_once('/').is_some_and(|(_, last)| last.parse::<usize>().is_ok());
        let start = parent_at.map(|at| match at == 0 || parent_is_item {
            true => at,
            false => at + self.text[at..].chars().next().map_or(1, char::len_utf8),
        });
        let index = key.parse::<usize>().ok();
        let found = start.and_then(|start| {
            // An index: that item of the block sequence under the parent's key.
            let item = parent_at.filter(|&at| at > 0).zip(index).and_then(|(at, index)| self.yaml_item(at, index));
            // Else a key (numbers are keys of `responses`); else, for an index, the parent (a flow sequence).
            item.or_else(|| find_key(&self.text[start..], &key).map(|at| at + start))
                .or(parent_at.filter(|_| index.is_some()))
        });
        self.yaml_found.borrow_mut().insert(pointer.to_string(), found);
        found
    }

    /// YAML: the offset of item `index` of the block sequence that is the value of the key at `key_at` (where the
    /// item's content starts, after its `- `), if that value is one.
    fn yaml_item(&self, key_at: usize, index: usize) -> Option<usize> {
        if let Some(items) = self.yaml_items.borrow().get(&key_at) {
            return items.get(index).copied();
        }
        let items = block_sequence_items(&self.text, key_at);
        let found = items.get(index).copied();
        self.yaml_items.borrow_mut().insert(key_at, items);
        found
    }
}

/// Where the items of the block sequence under the key at `key_at` start; none when the key's value is not one.
fn block_sequence_items(text: &str, key_at: usize) -> Vec<usize> {
    let line_start = text[..key_at].rfind('\n').map_or(0, |newline| newline + 1);
    let key_indent = text[line_start..key_at].chars().count();
    let line_end = text[key_at..].find('\n').map_or(text.len(), |newline| key_at + newline);
    // The value must start on a later line: after the colon, nothing but an anchor or a comment.
    let after_colon = text[key_at..line_end].split_once(':').map_or("x", |(_, rest)| rest.trim());
    if !(after_colon.is_empty() || after_colon.starts_with(['#', '&'])) {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut sequence_indent = None;
    let mut offset = line_end + 1;
    while offset < text.len() {
        let here = offset;
        let text_line = text[here..].split('\n').next().unwrap_or_default();
        offset += text_line.len() + 1;
        let Some(line) = YamlLine::read(text_line) else { continue };
        let indent_of_items = *sequence_indent.get_or_insert(line.indent);
        if line.indent < indent_of_items || line.indent < key_indent || (line.indent == indent_of_items && !line.item) {
            break;
        }
        if line.indent == indent_of_items {
            items.push(here + line.content_indent);
        }
    }
    items
}

/// Byte offset of the first occurrence of `key` used as a mapping key in `text` (bare or quoted), in one scan.
fn find_key(text: &str, key: &str) -> Option<usize> {
    text.match_indices(key).find_map(|(at, _)| {
        let before = &text[..at];
        let after = &text[at + key.len()..];
        let (before, after, start) = match (before.chars().last(), after.chars().next()) {
            (Some(q @ ('"' | '\'')), Some(close)) if close == q => (&before[..before.len() - 1], &after[1..], at - 1),
            _ => (before, after, at),
        };
        let starts_key = before.is_empty() || before.ends_with([' ', '\t', '\n', '{', ',']);
        let ends_key = after.trim_start_matches([' ', '\t']).starts_with(':');
        (starts_key && ends_key).then_some(start)
    })
}

/// A single pass over JSON text that records the offset of each wanted pointer's key (or array element). Values
/// that hold no wanted pointer are skipped without decoding their keys.
struct JsonScan<'t, 'w> {
    text: &'t str,
    pos: usize,
    pointer: String,
    wanted: &'w HashSet<&'w str>,
    /// Every pointer that a wanted pointer lies under: only these values are entered.
    ancestors: HashSet<&'w str>,
    found: HashMap<String, usize>,
}

impl<'t, 'w> JsonScan<'t, 'w> {
    fn offsets(text: &'t str, wanted: &'w HashSet<&'w str>) -> HashMap<String, usize> {
        let ancestors =
            wanted.iter().flat_map(|pointer| pointer.match_indices('/').map(|(at, _)| &pointer[..at])).collect();
        let mut scan = JsonScan { text, pos: 0, pointer: String::from("#"), wanted, ancestors, found: HashMap::new() };
        scan.value();
        scan.found
    }

    /// Enters the value at the current pointer if a wanted pointer lies under it, else skips it.
    fn child_value(&mut self) {
        if self.ancestors.contains(self.pointer.as_str()) {
            self.value();
        } else {
            self.skip_value();
        }
    }

    /// Moves past one value without looking inside it, with serde_json's fast skipping (the text already parsed as
    /// JSON, so it cannot fail; if it did, the scan would stop there and place nothing after it).
    fn skip_value(&mut self) {
        self.skip_whitespace();
        let rest = &self.text[self.pos..];
        let mut deserializer = serde_json::Deserializer::from_str(rest);
        self.pos = match <&serde_json::value::RawValue as serde::Deserialize>::deserialize(&mut deserializer) {
            Ok(raw) => self.pos + (raw.get().as_ptr() as usize - rest.as_ptr() as usize) + raw.get().len(),
            Err(_) => self.text.len(),
        };
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn record(&mut self, at: usize) {
        if self.wanted.contains(self.pointer.as_str()) {
            self.found.entry(self.pointer.clone()).or_insert(at);
        }
    }

    /// Scans one value. The text already parsed as JSON, so nesting is bounded by the parser's limit.
    fn value(&mut self) {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while !matches!(self.peek(), None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                    self.pos += 1;
                }
            }
            None => {}
        }
    }

    fn object(&mut self) {
        self.pos += 1;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') | None => {
                    self.pos += 1;
                    return;
                }
                Some(_) => {
                    self.pos += 1; // a comma
                    continue;
                }
            }
            let key_at = self.pos;
            let key = self.string();
            self.skip_whitespace();
            if self.peek() == Some(b':') {
                self.pos += 1;
            }
            let parent = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&crate::diagnostic::escape_pointer_token(&key));
            self.record(key_at);
            self.child_value();
            self.pointer.truncate(parent);
        }
    }

    fn array(&mut self) {
        self.pos += 1;
        let mut index = 0usize;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b']') | None => {
                    self.pos += 1;
                    return;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            let parent = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&index.to_string());
            self.record(self.pos);
            self.child_value();
            self.pointer.truncate(parent);
            index += 1;
        }
    }

    /// Scans a string starting at its opening quote and returns its decoded text.
    fn string(&mut self) -> String {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        while let Some(byte) = self.peek() {
            self.pos += 1;
            match byte {
                b'\\' if !escaped => escaped = true,
                b'"' if !escaped => break,
                _ => escaped = false,
            }
        }
        let raw = &self.text.as_bytes()[start..self.pos];
        // Most keys have no escapes: take their text as it is instead of decoding.
        match raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) {
            Some(inner) if !inner.contains(&b'\\') => String::from_utf8_lossy(inner).into_owned(),
            _ => serde_json::from_slice::<String>(raw).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_yaml_keys_in_order() {
        let text = "paths:\n  /a:\n    get: {}\n  /b:\n    get:\n      x: 1\n";
        let locator = Locator::new(text.to_string(), false);
        assert_eq!(locator.line_of("#/paths/~1b/get"), Some((5, 5)));
        assert_eq!(locator.line_of("#/paths/~1a/get"), Some((3, 5)));
    }

    #[test]
    fn a_yaml_key_under_a_key_of_the_same_name_is_the_inner_one() {
        let text = "S:\n  items:\n    type: array\n    items: x\n";
        assert_eq!(Locator::new(text.to_string(), false).line_of("#/S/items/items"), Some((4, 5)));
        let text = "r:\n  responses:\n    '200': {$ref: a}\n    '404': {$ref: b}\n";
        assert_eq!(Locator::new(text.to_string(), false).line_of("#/r/responses/404"), Some((4, 5)));
    }

    #[test]
    fn finds_the_items_of_yaml_block_sequences() {
        let text = "p:\n  parameters:\n    - name: a\n      in: query\n\n    # a comment\n    - name: b\n      in: path\n  tags:\n  - x\n  - y\n  flow: [1, 2]\n  responses:\n    '200': {}\n";
        let locator = Locator::new(text.to_string(), false);
        assert_eq!(locator.line_of("#/p/parameters/0"), Some((3, 7)));
        assert_eq!(locator.line_of("#/p/parameters/1"), Some((7, 7)));
        assert_eq!(locator.line_of("#/p/parameters/1/name"), Some((7, 7)));
        assert_eq!(locator.line_of("#/p/parameters/1/in"), Some((8, 7)));
        assert_eq!(locator.line_of("#/p/parameters/0/in"), Some((4, 7)));
        assert_eq!(locator.line_of("#/p/tags/1"), Some((11, 5)));
        assert_eq!(locator.line_of("#/p/flow/1"), Some((12, 3)));
        assert_eq!(locator.line_of("#/p/responses/200"), Some((14, 5)));
        assert_eq!(locator.line_of("#/p/parameters/2"), Some((2, 3)));
    }

    #[test]
    fn finds_quoted_yaml_keys() {
        let locator = Locator::new("responses:\n  '200':\n    description: ok\n".to_string(), false);
        assert_eq!(locator.line_of("#/responses/200/description"), Some((3, 5)));
    }

    #[test]
    fn finds_json_keys_and_array_elements() {
        let text =
            "{\"components\": {\"schemas\": {\"A\": {}}},\n \"tags\": [{\"name\": \"x\"}, {\"name\": \"y\\\"z\"}]}";
        let locator = Locator::new(text.to_string(), true);
        assert_eq!(locator.line_of("#/components/schemas/A"), Some((1, 29)));
        assert_eq!(locator.line_of("#/tags/1/name"), Some((2, 27)));
        assert_eq!(locator.line_of("#/tags/2"), None);
    }

    #[test]
    fn json_keys_with_slashes_are_escaped_in_pointers() {
        let text = "{\"paths\": {\"/a/{id}\": {\"get\": 1}}}";
        assert_eq!(Locator::new(text.to_string(), true).line_of("#/paths/~1a~1{id}/get"), Some((1, 24)));
    }

    #[test]
    fn unknown_keys_give_no_location() {
        assert_eq!(Locator::new("a: 1\n".to_string(), false).line_of("#/b"), None);
        assert_eq!(Locator::new("{\"a\": 1}".to_string(), true).line_of("#/b"), None);
    }

    #[test]
    fn places_many_diagnostics_at_once() {
        let text = "{\"a\": {\"b\": 1},\n\"c\": 2}";
        let file = std::path::Path::new("x.json");
        let placed = Locator::new(text.to_string(), true).place_all(vec![
            Diagnostic::warning(file, "#/c", "c"),
            Diagnostic::warning(file, "#/a/b", "b"),
            Diagnostic::warning(file, "", "root"),
        ]);
        let lines: Vec<Option<(usize, usize)>> = placed.iter().map(|d| d.line_col).collect();
        assert_eq!(lines, [Some((2, 1)), Some((1, 8)), None]);
    }

    #[test]
    fn skipped_values_with_brackets_in_strings_do_not_lose_the_place() {
        let text = "{\"x\": {\"s\": \"}]\\\"{\", \"arr\": [1, {\"y\": \"]\"}], \"n\": -1.5e3}, \"k\": null,\n \"z\": {\"w\": [true, {\"v\": 0}]}}";
        let locator = Locator::new(text.to_string(), true);
        assert_eq!(locator.line_of("#/z/w/1/v"), Some((2, 21)));
        assert_eq!(locator.line_of("#/x/arr/1/y"), Some((1, 34)));
        assert_eq!(locator.line_of("#/x/n"), Some((1, 46)));
    }
}
