//! `specforge.toml`: what a team fits to its code base without editing the API description. Package metadata for
//! publishing, which operations to generate, its own Rust types in place of schemas, extra derives and attributes,
//! and type and field names.
//!
//! ```toml
//! [package]
//! version = "1.4.0"
//! license = "MIT OR Apache-2.0"
//! repository = "https://github.com/acme/acme-sdk"
//! publish = true
//!
//! [operations]
//! include = ["tag:pets", "path:/stores/*", "operation:getInventory"]
//! exclude = ["operation:deletePet"]
//! names = { getInventory = "inventory" }
//!
//! [types.Money]
//! replace = "acme_money::Money"
//!
//! [types.Pet]
//! derives = ["Hash", "Eq"]
//! attributes = ["#[non_exhaustive]"]
//! rename = "Animal"
//! fields = { petName = "name" }
//!
//! [types.PetStatus]
//! variants = { "on-hold" = "Reserved" }
//!
//! [dependencies]
//! acme_money = { path = "../acme-money" }
//! ```
//!
//! Every mistake is an error located in the file: an unknown key, a selector or type name that matches nothing, a
//! derive that cannot hold for the type (`Eq` on a type that holds an `f64`), a name that is not a Rust identifier.

mod customize;
mod select;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;

pub(crate) use customize::customize;
pub(crate) use select::select_operations;

/// The oldest Rust the generated crates build with.
pub const MIN_RUST_VERSION: &str = "1.85";

/// A configuration file, read and checked for its form (what it names is checked against the API later).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from, where its diagnostics point.
    pub file: PathBuf,
    /// Package metadata of every generated crate.
    pub package: Package,
    /// Which operations are generated.
    pub operations: Selection,
    /// Method names by operationId (`[operations.names]`); the methods named after them follow
    /// (`<name>_with_response`, …), and so do the operation's types (`<Name>Response`, …).
    pub method_names: Vec<(String, String, Location)>,
    /// Settings of named types, in the file's order.
    pub types: Vec<TypeSettings>,
    /// Dependencies added to the models crate (for replacing types and for derives), by name.
    pub dependencies: Vec<(String, toml::Value)>,
    /// Line starts of the file's text, to place a byte offset.
    line_starts: Vec<usize>,
}

/// `[package]`: what `cargo publish` needs of every generated crate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Package {
    /// The crates' version (default `0.1.0`); also written on the path dependencies between them.
    pub version: Option<String>,
    /// An SPDX license expression.
    pub license: Option<String>,
    /// The source repository's URL.
    pub repository: Option<String>,
    /// The home page's URL.
    pub homepage: Option<String>,
    /// The documentation's URL.
    pub documentation: Option<String>,
    /// Authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// crates.io keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// crates.io categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Whether the crates may be published (default `false`).
    pub publish: Option<bool>,
    /// The minimum Rust version, at least the generated crates' minimum (`MIN_RUST_VERSION`).
    pub rust_version: Option<String>,
}

/// `[operations]`: operations selected by tag, path or operationId.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Operations matching any of these are generated (all, when there are none)…
    pub include: Vec<Selector>,
    /// …unless they match one of these.
    pub exclude: Vec<Selector>,
}

impl Selection {
    /// Whether any selector is given.
    pub fn is_set(&self) -> bool {
        !self.include.is_empty() || !self.exclude.is_empty()
    }
}

/// One selector: `tag:<tag>`, `path:<path>` (where `*` stands for one path segment and a final `**` for any
/// number) or `operation:<operationId>`.
#[derive(Debug, Clone)]
pub struct Selector {
    /// What it compares.
    pub kind: SelectorKind,
    /// What it compares with.
    pub pattern: String,
    /// Where it is written: (line, column) and its key path.
    pub at: Location,
}

/// What a [`Selector`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorKind {
    /// One of the operation's tags.
    Tag,
    /// The operation's path template.
    Path,
    /// The operation's `operationId`.
    Operation,
}

/// A place in the configuration file.
#[derive(Debug, Clone, Default)]
pub struct Location {
    /// The dotted key path (`types.Pet.derives`).
    pub key: String,
    /// 1-based line and column.
    pub line_col: (usize, usize),
}

/// `[types.<name>]`: the settings of the types a schema name (or a generated type name) names.
#[derive(Debug, Clone, Default)]
pub struct TypeSettings {
    /// The schema's name in the document, a generated type's Rust name, or `*` for every type.
    pub name: String,
    /// Where the table is.
    pub at: Location,
    /// An existing Rust type to use instead of generating one.
    pub replace: Option<(String, Location)>,
    /// Derives added to the type and to every type it holds.
    pub derives: Vec<(String, Location)>,
    /// Attributes added to the type (`#[non_exhaustive]`).
    pub attributes: Vec<(String, Location)>,
    /// The type's Rust name.
    pub rename: Option<(String, Location)>,
    /// Field names by property name.
    pub fields: Vec<(String, String, Location)>,
    /// Variant names by value on the wire (an enum's value, a tagged union's tag) or by the variant's Rust name.
    pub variants: Vec<(String, String, Location)>,
}

/// The file's form, as serde reads it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    package: Package,
    #[serde(default)]
    operations: RawSelection,
    #[serde(default)]
    types: BTreeMap<Spanned<String>, Spanned<RawType>>,
    #[serde(default)]
    dependencies: toml::Table,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelection {
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    names: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawType {
    replace: Option<Spanned<String>>,
    #[serde(default)]
    derives: Vec<Spanned<String>>,
    #[serde(default)]
    attributes: Vec<Spanned<String>>,
    rename: Option<Spanned<String>>,
    #[serde(default)]
    fields: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    variants: BTreeMap<Spanned<String>, Spanned<String>>,
}

impl Config {
    /// Reads and checks `file`.
    pub fn from_file(file: &Path) -> Result<Config, Vec<Diagnostic>> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| vec![Diagnostic::error(file, "", format!("cannot read the configuration: {e}"))])?;
        Config::parse(&text, file)
    }

    /// Checks `text`, read from `file`.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Vec<Diagnostic>> {
        let mut config = Config {
            file: file.to_path_buf(),
            line_starts: std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect(),
            ..Config::default()
        };
        let raw: RawConfig = toml::from_str(text).map_err(|error| {
            let (line, column) = error.span().map_or((1, 1), |span| config.line_col(span.start));
            vec![Diagnostic::error(file, "", error.message().to_string()).at_line(line, column)]
        })?;
        let mut diagnostics = Vec::new();
        config.package = raw.package;
        config.check_package(&mut diagnostics);
        for (list, key) in [(&raw.operations.include, "include"), (&raw.operations.exclude, "exclude")] {
            for selector in list {
                let at = config.location(&format!("operations.{key}"), selector.span());
                let parsed = match selector.get_ref().split_once(':') {
                    Some(("tag", pattern)) => Some((SelectorKind::Tag, pattern)),
                    Some(("path", pattern)) => Some((SelectorKind::Path, pattern)),
                    Some(("operation", pattern)) => Some((SelectorKind::Operation, pattern)),
                    _ => None,
                };
                match parsed {
                    Some((kind, pattern)) if !pattern.is_empty() => {
                        let selector = Selector { kind, pattern: pattern.to_string(), at };
                        if key == "include" {
                            config.operations.include.push(selector);
                        } else {
                            config.operations.exclude.push(selector);
                        }
                    }
                    _ => diagnostics.push(config.error(
                        &at,
                        format!(
                            "{:?} is not a selector: write `tag:<tag>`, `path:<path>` or `operation:<operationId>`",
                            selector.get_ref()
                        ),
                    )),
                }
            }
        }
        for (operation, method) in in_file_order(raw.operations.names) {
            let at = config.location(&format!("operations.names.{}", operation.get_ref()), method.span());
            if !crate::naming::is_plain_identifier(method.get_ref()) {
                let message = format!("{:?} is not a Rust identifier (nor a keyword)", method.get_ref());
                diagnostics.push(config.error(&at, message));
            }
            config.method_names.push((operation.into_inner(), method.into_inner(), at));
        }
        for (name, settings) in in_file_order(raw.types) {
            let key = format!("types.{}", name.get_ref());
            let at = config.location(&key, name.span());
            let RawType { replace, derives, attributes, rename, fields, variants } = settings.into_inner();
            let place = |value: Spanned<String>, field: &str| {
                let at = config.location(&format!("{key}.{field}"), value.span());
                (value.into_inner(), at)
            };
            let settings = TypeSettings {
                name: name.get_ref().clone(),
                replace: replace.map(|value| place(value, "replace")),
                derives: derives.into_iter().map(|value| place(value, "derives")).collect(),
                attributes: attributes.into_iter().map(|value| place(value, "attributes")).collect(),
                rename: rename.map(|value| place(value, "rename")),
                fields: in_file_order(fields)
                    .into_iter()
                    .map(|(property, field)| {
                        let (field, at) = place(field, &format!("fields.{}", property.get_ref()));
                        (property.into_inner(), field, at)
                    })
                    .collect(),
                variants: in_file_order(variants)
                    .into_iter()
                    .map(|(value, variant)| {
                        let (variant, at) = place(variant, &format!("variants.{}", value.get_ref()));
                        (value.into_inner(), variant, at)
                    })
                    .collect(),
                at,
            };
            config.check_type(&settings, &mut diagnostics);
            config.types.push(settings);
        }
        config.dependencies = raw.dependencies.into_iter().collect();
        if diagnostics.is_empty() { Ok(config) } else { Err(diagnostics) }
    }

    /// The package's version, `0.1.0` unless set.
    pub fn version(&self) -> &str {
        self.package.version.as_deref().unwrap_or("0.1.0")
    }

    /// The manifest lines of [`Self::dependencies`] for a crate `depth` directories below the models crate's (the
    /// parts of a split crate): relative paths are relative to the models crate's directory.
    pub fn dependency_lines(&self, depth: usize) -> Vec<String> {
        self.dependencies
            .iter()
            .map(|(name, value)| {
                let mut value = value.clone();
                if let Some(toml::Value::String(path)) = value.get_mut("path")
                    && Path::new(path.as_str()).is_relative()
                {
                    *path = format!("{}{path}", "../".repeat(depth));
                }
                format!("{name} = {value}")
            })
            .collect()
    }

    /// Checks the form of `[package]`'s values.
    fn check_package(&self, diagnostics: &mut Vec<Diagnostic>) {
        let at = Location { key: "package".into(), line_col: (1, 1) };
        if let Some(version) = &self.package.version
            && !is_semver(version)
        {
            diagnostics.push(self.error(&at, format!("version {version:?} is not a semantic version (1.2.3)")));
        }
        if let Some(wanted) = &self.package.rust_version {
            let parse = |v: &str| -> Option<Vec<u64>> { v.split('.').map(|n| n.parse().ok()).collect() };
            match (parse(wanted), parse(MIN_RUST_VERSION)) {
                (Some(wanted), Some(least)) if wanted.len() <= 3 && wanted >= least => {}
                _ => diagnostics.push(self.error(
                    &at,
                    format!(
                        "rust-version {wanted:?} must be a Rust version of at least {MIN_RUST_VERSION}, the oldest the \
                         generated code builds with"
                    ),
                )),
            }
        }
    }

    /// Checks the form of one type's settings (what they name is checked against the API later).
    fn check_type(&self, settings: &TypeSettings, diagnostics: &mut Vec<Diagnostic>) {
        if let Some((path, at)) = &settings.replace
            && syn::parse_str::<syn::Type>(path).is_err()
        {
            diagnostics.push(self.error(at, format!("{path:?} is not a Rust type")));
        }
        for (derive, at) in &settings.derives {
            if syn::parse_str::<syn::Path>(derive).is_err() {
                diagnostics.push(self.error(at, format!("{derive:?} is not a derive macro's path")));
            }
        }
        for (attribute, at) in &settings.attributes {
            let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, attribute);
            if !parsed.is_ok_and(|attrs| attrs.len() == 1) {
                diagnostics.push(self.error(at, format!("{attribute:?} is not one outer attribute (`#[…]`)")));
            }
        }
        let names = settings.rename.iter().map(|(name, at)| (name, at));
        let members = settings.fields.iter().chain(&settings.variants).map(|(_, name, at)| (name, at));
        for (name, at) in names.chain(members) {
            if !crate::naming::is_plain_identifier(name) {
                diagnostics.push(self.error(at, format!("{name:?} is not a Rust identifier (nor a keyword)")));
            }
        }
        let renames = settings.rename.is_some() || !settings.fields.is_empty() || !settings.variants.is_empty();
        if settings.name == "*" && (settings.replace.is_some() || renames) {
            diagnostics.push(self.error(&settings.at, "`types.\"*\"` takes only `derives` and `attributes`"));
        }
        if settings.replace.is_some() && (!settings.derives.is_empty() || !settings.attributes.is_empty() || renames) {
            diagnostics.push(self.error(
                &settings.at,
                "a replaced type is not generated: its name, derives, attributes, fields and variants are its own \
                 crate's",
            ));
        }
    }

    /// An error at `at` in this file.
    pub(crate) fn error(&self, at: &Location, message: impl Into<String>) -> Diagnostic {
        let (line, column) = at.line_col;
        Diagnostic::error(&self.file, at.key.clone(), message).at_line(line, column)
    }

    fn location(&self, key: &str, span: std::ops::Range<usize>) -> Location {
        Location { key: key.to_string(), line_col: self.line_col(span.start) }
    }

    /// The 1-based line and column of byte `offset`.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|start| *start <= offset).max(1);
        (line, offset - self.line_starts[line - 1] + 1)
    }
}

/// The entries of a table in the order the file writes them.
fn in_file_order<V>(table: BTreeMap<Spanned<String>, V>) -> Vec<(Spanned<String>, V)> {
    let mut entries: Vec<(Spanned<String>, V)> = table.into_iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// Whether `version` is `MAJOR.MINOR.PATCH` with an optional pre-release and build.
fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3 && numbers.iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(text, Path::new("specforge.toml"))
    }

    fn errors(text: &str) -> Vec<(String, Option<(usize, usize)>)> {
        parse(text).expect_err("a mistake").into_iter().map(|d| (d.message, d.line_col)).collect()
    }

    #[test]
    fn every_section_is_read_in_the_files_order() {
        let config = parse(
            "[package]\nversion = \"2.0.0-rc.1\"\npublish = true\nrust-version = \"1.90\"\n\n[operations]\ninclude = \
             [\"tag:pets\", \"path:/stores/*\"]\nexclude = [\"operation:deletePet\"]\n\n[types.Pet]\nderives = \
             [\"Hash\"]\nfields = { petName = \"name\" }\n\n[types.Money]\nreplace = \"acme::Money\"\n\n[dependencies]\nacme = \
             { path = \"../acme\" }\n",
        )
        .expect("a valid file");
        assert_eq!(config.version(), "2.0.0-rc.1");
        assert_eq!(config.package.publish, Some(true));
        let include: Vec<(SelectorKind, &str)> =
            config.operations.include.iter().map(|s| (s.kind, s.pattern.as_str())).collect();
        assert_eq!(include, [(SelectorKind::Tag, "pets"), (SelectorKind::Path, "/stores/*")]);
        assert_eq!(config.operations.exclude[0].at.line_col, (8, 12));
        let names: Vec<&str> = config.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Pet", "Money"], "in the file's order");
        assert_eq!(config.types[0].fields[0].0, "petName");
        assert_eq!(config.types[0].fields[0].1, "name");
        assert_eq!(config.dependency_lines(0), ["acme = { path = \"../acme\" }"]);
        assert_eq!(config.dependency_lines(2), ["acme = { path = \"../../../acme\" }"]);
    }

    #[test]
    fn mistakes_are_errors_at_their_line() {
        assert_eq!(
            errors("[types.Pet]\nderive = [\"Hash\"]\n"),
            [(
                "unknown field `derive`, expected one of `replace`, `derives`, `attributes`, `rename`, `fields`, `variants`".into(),
                Some((2, 1))
            )]
        );
        assert_eq!(
            errors("[operations]\ninclude = [\"pets\"]\n"),
            [(
                "\"pets\" is not a selector: write `tag:<tag>`, `path:<path>` or `operation:<operationId>`".into(),
                Some((2, 12))
            )]
        );
        let found = errors(
            "[package]\nversion = \"1.0\"\nrust-version = \"1.70\"\n[types.Pet]\nderives = [\"Has h\"]\nrename = \
             \"fn\"\nattributes = [\"non_exhaustive\"]\n",
        );
        let messages: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "version \"1.0\" is not a semantic version (1.2.3)",
                "rust-version \"1.70\" must be a Rust version of at least 1.85, the oldest the generated code builds \
                 with",
                "\"Has h\" is not a derive macro's path",
                "\"non_exhaustive\" is not one outer attribute (`#[…]`)",
                "\"fn\" is not a Rust identifier (nor a keyword)",
            ]
        );
        assert_eq!(found[2].1, Some((5, 12)));
    }
}
