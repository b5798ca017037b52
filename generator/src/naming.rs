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

/// Whether `raw` has a letter or digit to make a name of (once spelled in ASCII): `""` and `"***"` have none.
pub fn has_words(raw: &str) -> bool {
    ascii_words(raw).bytes().any(|byte| byte.is_ascii_alphanumeric())
}

/// `raw`'s words as written, in lower case, joined by `-` (a crate name from an API's title): a word breaks only
/// where `raw` has a space or a symbol, so names written as one word stay one (`OpenAI API` → `openai-api`,
/// `Together APIs` → `together-apis`, where a case change would give `open-ai-api` and `together-ap-is`). Empty
/// when `raw` has no word.
pub fn kebab_words(raw: &str) -> String {
    let words: Vec<String> = ascii_words(raw).split_whitespace().map(str::to_ascii_lowercase).collect();
    words.join("-")
}

/// Keeps ASCII letters and digits; every other run of characters becomes a word break. Other scripts' letters and
/// symbols are first spelled in ASCII (`naïve` → `naive`, `用户` → `Yong Hu`, `Пользователь` → `Polzovatel`,
/// `🦀` → `crab`), so an API whose names are not English gets names that read as its own instead of `Value2`,
/// `value_3`. A few symbols that carry meaning on their own (`+1`, `-1`) are spelled out so they do not vanish.
fn ascii_words(raw: &str) -> String {
    let spelled;
    let raw = match raw.is_ascii() {
        true => raw,
        false => {
            spelled = spelled_in_ascii(raw);
            spelled.as_str()
        }
    };
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            // `Today's` is one word.
            '\'' => {}
            '+' if out.is_empty() => out.push_str("plus "),
            '-' if out.is_empty() && raw.len() > 1 => out.push_str("minus "),
            _ => out.push(' '),
        }
    }
    out
}

/// `raw` with each character outside ASCII spelled in ASCII (deunicode's transliteration), each such character's
/// spelling a word of its own; one it has no spelling for is a word break.
fn spelled_in_ascii(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() * 2);
    for c in raw.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        // An apostrophe (`’` → `'`, as in `Today’s`) or a soft sign (`ь` → `'`) is no word break.
        let spelling = deunicode::deunicode_char(c).map_or(" ", |spelling| spelling.trim_matches('\''));
        if spelling.is_empty() {
            continue;
        }
        // A letter spelled in letters stays in its word (`naïve`, `Größe`, `Пользователь`); an ideogram, whose
        // spelling ends in a space, or an emoji is a word of its own.
        match c.is_alphabetic() && spelling.bytes().all(|byte| byte.is_ascii_alphabetic()) {
            true => out.push_str(spelling),
            false => out.extend([" ", spelling, " "]),
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
/// that started with a digit) loses it, as `decode__5476` is not snake case, and so does one that had to end with
/// `_` (a keyword's stand-in: `with_self`, not `with_self_`).
pub fn prefixed(prefix: &str, name: &str) -> String {
    format!("{prefix}_{}", bare(name).trim_matches('_'))
}

/// `name_suffix`, a function's name made of an identifier and a suffix: a name that had to end with `_` (a keyword's
/// stand-in, `self_`) loses it, as `self__with_response` is not snake case.
pub fn suffixed(name: &str, suffix: &str) -> String {
    format!("{}_{suffix}", bare(name).trim_end_matches('_'))
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
        // `self_` (a keyword's stand-in) and `self` both wanted: `self_2`, not `self__2`, which is not snake case.
        let stem = if suffix_sep == "_" { stem.trim_end_matches('_') } else { stem };
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
        assert_eq!(prefixed("with", "self_"), "with_self");
    }

    #[test]
    fn names_in_other_scripts_are_spelled_in_ascii() {
        for (raw, value, type_name_) in [
            ("获取用户", "huo_qu_yong_hu", "HuoQuYongHu"),
            ("用户ID", "yong_hu_id", "YongHuId"),
            ("Пользователь", "polzovatel", "Polzovatel"),
            ("Χρήστης", "khrestes", "Khrestes"),
            ("Größe", "grosse", "Grosse"),
            ("récupérer-utilisateur", "recuperer_utilisateur", "RecupererUtilisateur"),
            ("🦀🦀", "crab_crab", "CrabCrab"),
            ("a€b", "a_eur_b", "AEurB"),
            ("Today’s Paper", "todays_paper", "TodaysPaper"),
        ] {
            assert_eq!((value_name(raw).as_str(), type_name(raw).as_str()), (value, type_name_), "{raw}");
        }
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
            ("naïve", "Naive"),
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
    fn suffixed_names_stay_snake_case() {
        assert_eq!(suffixed("self_", "with_response"), "self_with_response");
        assert_eq!(suffixed("r#type", "pages"), "type_pages");
        assert_eq!(suffixed("list_items", "stream"), "list_items_stream");
    }

    #[test]
    fn a_name_ending_in_an_underscore_is_numbered_without_a_second_one() {
        let mut fields = Namespace::default();
        for wanted in ["self_", "self_", "_", "_"] {
            fields.claim(wanted);
        }
        assert_eq!(fields.claim("self_"), ("self_3".to_string(), true));
        assert_eq!(fields.claim("_"), ("_3".to_string(), true));
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
