//! YAML, and JSON nested too deep for `serde_json`, into a JSON value.
//!
//! `serde_json::Value`'s own `Deserialize` refuses integers beyond `i64`/`u64` ("JSON number out of range"), which
//! YAML hands over as 128-bit integers (`maximum: 18446744073709552000` in DigitalOcean's description); the same
//! number in a JSON file is read as a float. This reads them as floats too, so a YAML and a JSON document with the
//! same content give the same value.
//!
//! Both parsers refuse a whole document whose containers nest past 128 levels. Nothing a generator reads is that
//! deep, so a mapping or list nested past [`MAX_DEPTH`] is read as an empty one instead (skipped without recursion),
//! and the caller warns where. A key given twice in one mapping (two `get:` under one path, hand-written) is read as
//! both parsers read it, the last one winning, and the caller warns where too: the first one is lost.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::diagnostic::{Diagnostic, child};

/// How many mappings and lists deep a document is read; one nested deeper is read as an empty one. Below the 128 of
/// both parsers, so that they never refuse a document for its depth, and far above what a generator reads.
pub const MAX_DEPTH: usize = 120;

/// Parses YAML text into a JSON value, with where it was nested too deep and where a key was repeated. Check
/// [`too_deep_flow`] first: libyaml takes time quadratic in the depth of flow collections.
pub fn from_str(text: &str) -> Result<(Value, Vec<Finding>), serde_norway::Error> {
    let found = Found::default();
    let seed = JsonValue { depth: 0, merge_keys: true, found: &found };
    let value = seed.deserialize(serde_norway::Deserializer::from_str(text))?;
    Ok((value, found.findings()))
}

/// How deep YAML's flow collections (`[…]`, `{…}`) may nest before a document is refused: libyaml's scanner takes
/// time quadratic in that depth (20,000 levels take a second, a million half an hour), so reading stays linear.
pub const MAX_FLOW_DEPTH: usize = 1000;

/// The line and column of the bracket that opens a flow collection nested deeper than [`MAX_FLOW_DEPTH`], if one
/// does. A bracket counts where a flow collection can open: at the start of a line or after `[`, `{`, `,`, `:`, `-`
/// or `?` (so a `{` in prose or a pattern, `see {id`, `^[a-z`, is not one); quotes and comments are not told apart,
/// a bound no real document nears.
pub fn too_deep_flow(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut line_start) = (0usize, 1, 0);
    let mut may_open = true;
    for (at, byte) in text.bytes().enumerate() {
        match byte {
            b'[' | b'{' if may_open => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, text[line_start..at].chars().count() + 1));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => (line, line_start) = (line + 1, at + 1),
            _ => {}
        }
        if !matches!(byte, b' ' | b'\t' | b'\r') {
            may_open = matches!(byte, b'[' | b'{' | b',' | b':' | b'-' | b'?' | b'\n');
        }
    }
    None
}

/// Parses JSON text into a JSON value, with containers past [`MAX_DEPTH`] read as empty ones (within `serde_json`'s
/// own limit of 128) and repeated keys read as their last value, with where either was found.
pub fn from_json(text: &str) -> Result<(Value, Vec<Finding>), serde_json::Error> {
    let found = Found::default();
    let seed = JsonValue { depth: 0, merge_keys: false, found: &found };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = seed.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok((value, found.findings()))
}

/// What reading found that the value does not show, at its first place below the node read, with how many places.
pub struct Finding {
    /// What was found.
    kind: Kind,
    /// The JSON pointer tokens from the node read to the first place.
    tokens: Vec<String>,
    /// How many places.
    count: usize,
}

/// What a [`Finding`] is.
#[derive(Clone, Copy)]
enum Kind {
    /// A mapping or list nested past [`MAX_DEPTH`], read as an empty one.
    TooDeep,
    /// A key given more than once in one mapping: the last one is read.
    RepeatedKey,
}

impl Finding {
    /// The warning, for a node read from `path` at `pointer`.
    pub fn warning(&self, path: &Path, pointer: &str) -> Diagnostic {
        let at = self.tokens.iter().fold(pointer.to_string(), |at, token| child(&at, token));
        match self.kind {
            Kind::TooDeep => {
                let more = match self.count {
                    1 => String::new(),
                    count => format!(" (and {} more places nested as deep)", count - 1),
                };
                let message = format!("nested more than {MAX_DEPTH} levels deep: read as empty from here{more}");
                Diagnostic::warning(path, at, message)
            }
            Kind::RepeatedKey => {
                let key = self.tokens.last().map_or("", String::as_str);
                repeated_key_warning(path, at, key, self.count - 1)
            }
        }
    }
}

/// The warning for a key given more than once in one mapping, at the member (`pointer`), with how many other
/// repeated keys the document has.
pub fn repeated_key_warning(path: &Path, pointer: String, key: &str, others: usize) -> Diagnostic {
    let more = match others {
        0 => String::new(),
        1 => " (and 1 more repeated key in the document)".to_string(),
        others => format!(" (and {others} more repeated keys in the document)"),
    };
    let message = format!("the key \"{key}\" is given more than once in this mapping: only the last one is read{more}");
    Diagnostic::warning(path, pointer, message)
}

/// What a reading found, of both kinds.
#[derive(Default)]
struct Found {
    /// Containers read as empty for their depth.
    too_deep: Places,
    /// Keys repeated in a mapping.
    repeated_keys: Places,
}

impl Found {
    /// Records the token of a member or item just read below which something was found first (when nothing had been
    /// found `before`, a count of each kind).
    fn trace(&self, before: (usize, usize), token: impl Fn() -> String) {
        self.too_deep.trace(before.0, &token);
        self.repeated_keys.trace(before.1, &token);
    }

    /// How many places of each kind were found so far.
    fn counts(&self) -> (usize, usize) {
        (self.too_deep.count.get(), self.repeated_keys.count.get())
    }

    /// The findings, too deep first.
    fn findings(self) -> Vec<Finding> {
        [(Kind::TooDeep, self.too_deep), (Kind::RepeatedKey, self.repeated_keys)]
            .into_iter()
            .filter_map(|(kind, places)| places.finding(kind))
            .collect()
    }
}

/// Places of one kind found while reading: how many, and the path to the first, built as the readers of its
/// enclosing nodes return (innermost first).
#[derive(Default)]
struct Places {
    /// How many were found.
    count: Cell<usize>,
    /// The pointer tokens to the first, innermost first.
    first: RefCell<Vec<String>>,
}

impl Places {
    /// Counts a place found at the node being read (its enclosing readers trace the path to it).
    fn found(&self) {
        self.count.set(self.count.get() + 1);
    }

    /// Counts a place found in the node being read, which `token` names there.
    fn found_in(&self, token: impl FnOnce() -> String) {
        if self.count.get() == 0 {
            self.first.borrow_mut().push(token());
        }
        self.found();
    }

    /// Records the token of a member or item just read when the first place is below it (none was found `before`).
    fn trace(&self, before: usize, token: impl FnOnce() -> String) {
        if before == 0 && self.count.get() > 0 {
            self.first.borrow_mut().push(token());
        }
    }

    /// The finding, if any place was found.
    fn finding(self, kind: Kind) -> Option<Finding> {
        let count = self.count.get();
        let mut tokens = self.first.into_inner();
        tokens.reverse();
        (count > 0).then_some(Finding { kind, tokens, count })
    }
}

/// Builds a `serde_json::Value` from any self-describing format, reading out-of-range integers as floats,
/// containers nested past [`MAX_DEPTH`] as empty ones and a repeated key's last value.
#[derive(Clone, Copy)]
struct JsonValue<'c> {
    /// How many containers enclose the value.
    depth: usize,
    /// Whether YAML's merge keys (`<<`) are applied.
    merge_keys: bool,
    /// Where containers were cut and keys repeated, shared by every node of the document.
    found: &'c Found,
}

impl JsonValue<'_> {
    /// Puts a member into a mapping read here; a key it already holds is counted as repeated, and its value
    /// replaced, as both parsers do.
    fn insert_member(self, members: &mut Map<String, Value>, key: String, value: Value) {
        match members.entry(key) {
            serde_json::map::Entry::Vacant(entry) => {
                entry.insert(value);
            }
            serde_json::map::Entry::Occupied(mut entry) => {
                self.found.repeated_keys.found_in(|| entry.key().clone());
                entry.insert(value);
            }
        }
    }

    /// The seed of a container's members.
    fn inner(self) -> Self {
        JsonValue { depth: self.depth + 1, ..self }
    }

    /// Whether a container read here is too deep: it is skipped and counted.
    fn cuts_here(self) -> bool {
        let cut = self.depth >= MAX_DEPTH;
        if cut {
            self.found.too_deep.found();
        }
        cut
    }
}

impl<'de> DeserializeSeed<'de> for JsonValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(match i64::try_from(value) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(value as f64),
        })
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(match u64::try_from(value) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(value as f64),
        })
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.cuts_here() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Array(Vec::new()));
        }
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let before = self.found.counts();
            let Some(item) = seq.next_element_seed(self.inner())? else { break };
            self.found.trace(before, || items.len().to_string());
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    /// A mapping, with YAML's merge keys applied: `<<: *base` (or `<<: [*a, *b]`) adds, where it stands, the members
    /// of the mappings it names that the mapping does not set itself, the first named first. Hand-written
    /// descriptions use it to share parts between schemas, and the YAML readers of the OpenAPI tools apply it.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.cuts_here() {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Object(Map::new()));
        }
        let mut members = Map::new();
        if !self.merge_keys {
            // JSON: no merge keys to apply, so the members go straight in.
            while let Some(key) = map.next_key_seed(Key)? {
                let before = self.found.counts();
                let value = map.next_value_seed(self.inner())?;
                self.found.trace(before, || key.clone());
                self.insert_member(&mut members, key, value);
            }
            return Ok(Value::Object(members));
        }
        let mut entries: Vec<(String, Value)> = Vec::new();
        let mut merges = false;
        while let Some(key) = map.next_key_seed(Key)? {
            let before = self.found.counts();
            let value = map.next_value_seed(self.inner())?;
            self.found.trace(before, || key.clone());
            merges |= self.merge_keys && is_merge(&key, &value);
            entries.push((key, value));
        }
        if !merges {
            for (key, value) in entries {
                self.insert_member(&mut members, key, value);
            }
            return Ok(Value::Object(members));
        }
        let own: std::collections::HashSet<String> =
            entries.iter().filter(|(key, value)| !is_merge(key, value)).map(|(key, _)| key.clone()).collect();
        for (key, value) in entries {
            if !is_merge(&key, &value) {
                self.insert_member(&mut members, key, value);
                continue;
            }
            let bases = match value {
                Value::Array(bases) => bases,
                base => vec![base],
            };
            for (key, value) in bases
                .into_iter()
                .filter_map(|base| match base {
                    Value::Object(base) => Some(base),
                    _ => None,
                })
                .flatten()
            {
                if !own.contains(&key) {
                    members.entry(key).or_insert(value);
                }
            }
        }
        Ok(Value::Object(members))
    }

    /// A value with a tag of the document's own (`!include x`, `!Ref y`): OpenAPI gives tags no meaning, so the
    /// value is read as if it had none.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, value) = data.variant_seed(Key)?;
        value.newtype_variant_seed(self)
    }
}

/// Whether a member is a YAML merge key: `<<` naming a mapping or a list of mappings.
fn is_merge(key: &str, value: &Value) -> bool {
    key == "<<"
        && match value {
            Value::Object(_) => true,
            Value::Array(bases) => bases.iter().all(Value::is_object),
            _ => false,
        }
}

/// A float as JSON has it: NaN and the infinities (`.nan`, `.inf` in YAML) have no JSON form and become `null`.
fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A mapping key as JSON has it: a string. YAML also allows numbers, booleans and null as keys (`200:` for a
/// status code); they become their text as written.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E>(self, value: &str) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_string<E>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_bool<E>(self, value: bool) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i64<E>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u64<E>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E>(self, value: f64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_beyond_64_bits_are_read_as_floats_like_json_reads_them() {
        let yaml =
            "minimum: -9223372036854776000\nmaximum: 18446744073709552000\nsmall: -3\nbig: 18446744073709551615\n";
        let json = r#"{"minimum": -9223372036854776000, "maximum": 18446744073709552000, "small": -3, "big": 18446744073709551615}"#;
        assert_eq!(from_str(yaml).unwrap().0, serde_json::from_str::<Value>(json).unwrap());
    }

    #[test]
    fn keys_become_strings_and_order_is_kept() {
        let value = from_str("responses:\n  200: {}\n  404: {}\n  default: {}\ntrue: 1\n~: 2\n").unwrap().0;
        assert_eq!(value, json!({"responses": {"200": {}, "404": {}, "default": {}}, "true": 1, "~": 2}));
        let keys: Vec<&String> = value["responses"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["200", "404", "default"]);
    }

    #[test]
    fn flow_collections_are_counted_where_they_can_open_and_prose_is_not() {
        let deep = format!("a: {}{}\n", "[".repeat(MAX_FLOW_DEPTH + 1), "]".repeat(MAX_FLOW_DEPTH + 1));
        assert_eq!(too_deep_flow(&deep), Some((1, MAX_FLOW_DEPTH + 4)));
        let mappings = format!("a: {}1{}\n", "{b: ".repeat(MAX_FLOW_DEPTH + 1), "}".repeat(MAX_FLOW_DEPTH + 1));
        assert!(too_deep_flow(&mappings).is_some());
        let prose = "x:\n  description: see {id and [1\n  pattern: '^[a-z'\n".repeat(2 * MAX_FLOW_DEPTH);
        assert_eq!(too_deep_flow(&prose), None);
        let shallow = format!("a: {}{}\n", "[".repeat(MAX_FLOW_DEPTH), "]".repeat(MAX_FLOW_DEPTH)).repeat(3);
        assert_eq!(too_deep_flow(&shallow), None);
    }

    #[test]
    fn yaml_floats_without_a_json_form_become_null() {
        assert_eq!(from_str("a: .nan\nb: .inf\nc: 1.5\n").unwrap().0, json!({"a": null, "b": null, "c": 1.5}));
    }

    #[test]
    fn merge_keys_add_the_members_a_mapping_does_not_set_where_they_stand() {
        let yaml = "base: &base {type: object, description: base, x: 1}\nextra: &extra {x: 2, y: 2}\nA:\n  description: own\n  <<: *base\n  z: 3\nB:\n  <<: [*extra, *base]\n  type: string\n";
        let value = from_str(yaml).unwrap().0;
        assert_eq!(value["A"], json!({"description": "own", "type": "object", "x": 1, "z": 3}));
        let keys: Vec<&String> = value["A"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["description", "type", "x", "z"]);
        assert_eq!(value["B"], json!({"x": 2, "y": 2, "description": "base", "type": "string"}));
        // `<<` that names no mapping is an ordinary key.
        assert_eq!(from_str("<<: 1\n").unwrap().0, json!({"<<": 1}));
    }

    #[test]
    fn a_repeated_key_is_read_as_its_last_value_and_found_at_its_first_place() {
        let yaml = "a:\n  - {x: 1}\n  - {x: 2, y: 0, x: 3}\nb: {z: 1, z: 2}\n<<: {w: 1}\nw: 2\n";
        let (value, findings) = from_str(yaml).unwrap();
        assert_eq!(value, json!({"a": [{"x": 1}, {"x": 3, "y": 0}], "b": {"z": 2}, "w": 2}));
        let [finding] = &findings[..] else { panic!("one finding, not {}", findings.len()) };
        // The first, in `a/1`; the second, `b/z`, is counted; a merged member the mapping sets is no repeat.
        let warning = finding.warning(Path::new("spec.yaml"), "#");
        assert_eq!(warning.pointer, "#/a/1/x");
        assert_eq!(
            warning.message,
            "the key \"x\" is given more than once in this mapping: only the last one is read (and 1 more repeated \
             key in the document)"
        );
        // Keys that differ only as YAML scalars (`1` and `"1"`) are one key in JSON: repeated too.
        assert_eq!(from_str("1: a\n'1': b\n").unwrap().1.len(), 1);
        assert!(from_str("a: 1\nb: {a: 2}\n").unwrap().1.is_empty());
    }

    #[test]
    fn a_tag_of_the_documents_own_is_read_as_no_tag() {
        let value = from_str("a: !custom {type: string}\nb: !Ref name\nc: !seq [1]\n").unwrap().0;
        assert_eq!(value, json!({"a": {"type": "string"}, "b": "name", "c": [1]}));
    }
}
