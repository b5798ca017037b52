//! Names: turning spec names (`connector-type`, `2xx`, `self`, `@id`) into legal, readable Rust identifiers, and
//! resolving clashes inside one namespace deterministically.
//!
//! Names are kept as strings in the IR; `r#type` denotes a raw identifier. [`ident`] turns them into tokens.

use std::collections::{BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords with no raw form: they get a trailing underscore instead.
const UNRAWABLE_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Names that would shadow prelude or std items the generated code relies on.
const RESERVED_TYPE_NAMES: &[&str] = &["Option", "Result", "Vec", "String", "Box", "Some", "None", "Ok", "Err"];

/// A type or enum variant name: `UpperCamelCase`, legal, ASCII.
pub fn type_name(raw: &str) -> String {
    let camel = ascii_words(raw).to_upper_camel_case();
    let name = match camel.chars().next() {
        None => "Value".to_string(),
        Some(c) if c.is_ascii_digit() => format!("V{camel}"),
        Some(_) => camel,
    };
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) || UNRAWABLE_KEYWORDS.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// A field, parameter or method name: `snake_case`, legal, ASCII; keywords become raw identifiers (`r#type`) or
/// get a trailing underscore where Rust has no raw form (`self_`).
pub fn value_name(raw: &str) -> String {
    let snake = ascii_words(raw).to_snake_case();
    let name = match snake.chars().next() {
        None => "value".to_string(),
        Some(c) if c.is_ascii_digit() => format!("_{snake}"),
        Some(_) => snake,
    };
    if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else if UNRAWABLE_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Whether `name` is an ASCII Rust identifier that needs no raw form: what a user may give as a type or field name.
/// A type name must also not shadow what the generated code relies on (`Option`, `Vec`, …).
pub fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
        && !RAW_KEYWORDS.contains(&name)
        && !UNRAWABLE_KEYWORDS.contains(&name)
        && !RESERVED_TYPE_NAMES.contains(&name)
}

/// [`type_name`] and [`value_name`] with their answers kept: a large API repeats the same property names (`id`,
/// `url`, `node_id`, …) thousands of times, and converting the case is the costly part of naming.
#[derive(Debug, Default)]
pub struct NameCache {
    types: HashMap<String, String>,
    values: HashMap<String, String>,
}

impl NameCache {
    /// [`type_name`] of `raw`.
    pub fn type_name(&mut self, raw: &str) -> String {
        Self::cached(&mut self.types, raw, type_name)
    }

    /// [`value_name`] of `raw`.
    pub fn value_name(&mut self, raw: &str) -> String {
        Self::cached(&mut self.values, raw, value_name)
    }

    fn cached(names: &mut HashMap<String, String>, raw: &str, convert: fn(&str) -> String) -> String {
        if let Some(name) = names.get(raw) {
            return name.clone();
        }
        let name = convert(raw);
        names.insert(raw.to_string(), name.clone());
        name
    }
}

/// Keeps ASCII letters and digits; every other run of characters becomes a word break. A few symbols that carry
/// meaning on their own (`+1`, `-1`) are spelled out so they do not vanish.
fn ascii_words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            '+' if out.is_empty() => out.push_str("plus "),
            '-' if out.is_empty() && raw.len() > 1 => out.push_str("minus "),
            _ => out.push(' '),
        }
    }
    out
}

/// Builds an identifier token from a name produced by [`type_name`] or [`value_name`].
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The bare text of a name, without the `r#` of a raw identifier (for composing other names).
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// `prefix_name`, a function's name made of a prefix and an identifier: a name that had to start with `_` (one
/// that started with a digit) loses it, as `decode__5476` is not snake case.
pub fn prefixed(prefix: &str, name: &str) -> String {
    format!("{prefix}_{}", bare(name).trim_start_matches('_'))
}

/// One namespace (the types of a crate, the fields of a struct, …): hands out unique names in call order.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// Takes `candidate` if free, else the first free `candidate2`, `candidate3`, …. Returns the name and whether it
    /// had to be changed (a clash the caller should report).
    pub fn claim(&mut self, candidate: &str) -> (String, bool) {
        if self.taken.insert(candidate.to_string()) {
            return (candidate.to_string(), false);
        }
        let (stem, suffix_sep) = match candidate.strip_prefix("r#") {
            Some(raw) => (raw, "_"),
            None if candidate.ends_with(|c: char| c.is_ascii_digit()) => (candidate, "_"),
            None if candidate.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') => (candidate, "_"),
            None => (candidate, ""),
        };
        let mut n = 2;
        loop {
            let name = format!("{stem}{suffix_sep}{n}");
            if self.taken.insert(name.clone()) {
                return (name, true);
            }
            n += 1;
        }
    }

    /// [`Namespace::claim`], also passing over the names taken in `other` (for two namespaces whose names must
    /// differ from each other's too).
    pub fn claim_unless_taken_in(&mut self, candidate: &str, other: &Namespace) -> String {
        loop {
            // A name taken in `other` stays taken here too, so the next claim moves past it.
            let (name, _) = self.claim(candidate);
            if !other.taken.contains(&name) {
                return name;
            }
        }
    }

    /// Marks `name` as taken without handing it out.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_names_stay_snake_case() {
        assert_eq!(prefixed("decode", "_5476364f"), "decode_5476364f");
        assert_eq!(prefixed("decode", "r#type"), "decode_type");
        assert_eq!(prefixed("with", "api_key"), "with_api_key");
    }

    #[test]
    fn type_names() {
        for (raw, expected) in [
            ("connector_type", "ConnectorType"),
            ("HTTPValidationError", "HttpValidationError"),
            ("2xx", "V2xx"),
            ("@timestamp", "Timestamp"),
            ("Self", "SelfType"),
            ("Option", "OptionType"),
            ("+1", "Plus1"),
            ("-1", "Minus1"),
            ("***", "Value"),
            ("naïve", "NaVe"),
        ] {
            assert_eq!(type_name(raw), expected, "{raw}");
        }
    }

    #[test]
    fn value_names() {
        for (raw, expected) in [
            ("Workspace-Id", "workspace_id"),
            ("type", "r#type"),
            ("self", "self_"),
            ("crate", "crate_"),
            ("1st", "_1st"),
            ("$ref", "r#ref"),
            ("createdAt", "created_at"),
        ] {
            assert_eq!(value_name(raw), expected, "{raw}");
        }
    }

    #[test]
    fn namespace_suffixes_clashes_deterministically() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("Foo"), ("Foo".to_string(), false));
        assert_eq!(ns.claim("Foo"), ("Foo2".to_string(), true));
        assert_eq!(ns.claim("Foo"), ("Foo3".to_string(), true));
        assert_eq!(ns.claim("r#type"), ("r#type".to_string(), false));
        assert_eq!(ns.claim("r#type"), ("type_2".to_string(), true));
        assert_eq!(ns.claim("v1"), ("v1".to_string(), false));
        assert_eq!(ns.claim("v1"), ("v1_2".to_string(), true));
    }

    #[test]
    fn claims_can_pass_over_another_namespaces_names() {
        let (mut params, mut locals) = (Namespace::default(), Namespace::default());
        locals.reserve("url");
        assert_eq!(params.claim_unless_taken_in("url", &locals), "url_2");
        assert_eq!(params.claim("url").0, "url_3", "still distinct from the other parameters");
        assert_eq!(params.claim_unless_taken_in("id", &locals), "id");
    }

    #[test]
    fn idents_accept_raw_names() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("self_").to_string(), "self_");
    }
}
