//! Per-tag Cargo features for large APIs: which feature compiles each type and each operation, so a user of a
//! generated crate can build only the part of the API they call.
//!
//! Every tag becomes a feature `tag-<tag>`; operations without tags share `untagged`, and schemas that no
//! operation reaches share `unreferenced-schemas`. An operation compiles when any of its features is on; a type
//! compiles when any feature whose operations (or unreferenced schemas) reach it is on. Reaching follows every type
//! use, so a compiled item never names a type that is not compiled. Types that every feature reaches are never
//! gated. All features are on by default.
//!
//! When there are several tags, the models crate also has `any-tag`, which every tag feature turns on: a type that
//! every tag reaches is gated on it instead of on a list of all the tags (in APIs whose schemas reach each other,
//! that is most types, and such lists would be most of the printed models).

use std::collections::BTreeSet;

use heck::ToKebabCase;

use crate::ir::Api;
use crate::plan::graph::TypeGraph;

/// Whether to gate the generated crates by tag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TagFeatures {
    /// Only for large APIs: at least [`AUTO_MIN_OPERATIONS`] operations under at least two tags.
    #[default]
    Auto,
    /// Whenever the API has operations.
    Always,
    /// Never: every item compiles unconditionally.
    Never,
}

/// How many operations make an API large enough for tag features under [`TagFeatures::Auto`].
pub const AUTO_MIN_OPERATIONS: usize = 100;

/// One Cargo feature of the generated crates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name, e.g. `tag-issues`.
    pub name: String,
    /// What it compiles, for the crate docs and the manifest.
    pub doc: String,
}

/// The models crate's feature that every tag feature turns on (when there are several tags).
pub const ANY_TAG: &str = "any-tag";

/// Which features compile which types and operations.
#[derive(Debug, Clone)]
pub struct FeaturePlan {
    /// Every feature, tags first in order of first use, then `untagged` and `unreferenced-schemas` when needed, and
    /// last `ANY_TAG` when there are several tags.
    pub features: Vec<Feature>,
    /// How many of `features` (the first ones) are tags.
    tags: usize,
    /// The index of `ANY_TAG` in `features`, when there is one.
    any_tag: Option<usize>,
    /// Per type (by index): the features that compile it, or empty when it is always compiled.
    types: Vec<Vec<usize>>,
    /// Per operation (by index): the features that compile it.
    operations: Vec<Vec<usize>>,
}

impl FeaturePlan {
    /// The plan for `api` under `choice`, or `None` when the crates are not gated.
    pub fn new(api: &Api, graph: &TypeGraph, choice: TagFeatures) -> Option<FeaturePlan> {
        let mut features: Vec<Feature> = Vec::new();
        let mut tag_features: Vec<(String, usize)> = Vec::new();
        let mut operations = Vec::with_capacity(api.operations.len());
        for op in &api.operations {
            let mut own = Vec::new();
            for tag in &op.tags {
                let index = match tag_features.iter().find(|(t, _)| t == tag) {
                    Some(&(_, index)) => index,
                    None => {
                        let name = unique_name(&features, &feature_name(tag, tag_features.len()));
                        features
                            .push(Feature { name, doc: format!("Operations tagged `{tag}` and the types they use.") });
                        tag_features.push((tag.clone(), features.len() - 1));
                        features.len() - 1
                    }
                };
                if !own.contains(&index) {
                    own.push(index);
                }
            }
            operations.push(own);
        }
        let wanted = match choice {
            TagFeatures::Never => false,
            TagFeatures::Always => !api.operations.is_empty(),
            TagFeatures::Auto => api.operations.len() >= AUTO_MIN_OPERATIONS && tag_features.len() >= 2,
        };
        if !wanted {
            return None;
        }
        if operations.iter().any(Vec::is_empty) {
            features.push(Feature {
                name: "untagged".into(),
                doc: "Operations without tags and the types they use.".into(),
            });
            let untagged = features.len() - 1;
            operations.iter_mut().filter(|own| own.is_empty()).for_each(|own| own.push(untagged));
        }

        let mut reached: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
        for (op, own) in api.operations.iter().zip(&operations) {
            let mut roots = Vec::new();
            op.visit_uses(&mut |ty| ty.visit_named(&mut |id| roots.push(id.0)));
            for &feature in own {
                graph.mark_reachable(&mut reached, roots.clone(), feature);
            }
        }
        let unreferenced: Vec<usize> = (0..api.types.len()).filter(|&index| reached[index].is_empty()).collect();
        if !unreferenced.is_empty() {
            features.push(Feature {
                name: "unreferenced-schemas".into(),
                doc: "Schemas that no operation uses, and the types they use.".into(),
            });
            graph.mark_reachable(&mut reached, unreferenced, features.len() - 1);
        }
        let every = features.len();
        let tags = tag_features.len();
        let any_tag = (tags >= 2).then(|| {
            features.push(Feature {
                name: ANY_TAG.into(),
                doc: "Turned on by every tag feature: the types that all tags use (not meant to be turned on alone)."
                    .into(),
            });
            features.len() - 1
        });
        let types = reached
            .into_iter()
            .map(|set| match any_tag {
                _ if set.len() == every => Vec::new(),
                Some(any_tag) if (0..tags).all(|tag| set.contains(&tag)) => {
                    set.into_iter().filter(|&feature| feature >= tags).chain([any_tag]).collect()
                }
                _ => set.into_iter().collect(),
            })
            .collect();
        Some(FeaturePlan { features, tags, any_tag, types, operations })
    }

    /// A crate-docs section listing the features and how to select some.
    pub fn doc_section(&self) -> String {
        let mut doc = String::from(
            "\n\n# Cargo features\n\nEach tag of the API is a Cargo feature; all are on by default. To compile only \
             what you call, turn the defaults off and name the tags you use, e.g. \
             `default-features = false, features = [\"",
        );
        doc.push_str(&self.features[0].name);
        doc.push_str("\"]`. The client crate passes its features on to the models crate.\n");
        for feature in self.selectable() {
            doc.push_str(&format!("\n- `{}`: {}", feature.name, feature.doc));
        }
        doc
    }

    /// The `[features]` table of a generated crate's manifest: the models' (`forward_to` is `None`), where each tag
    /// turns on `ANY_TAG`, or the client's, where each feature turns on the same feature of `forward_to` (the
    /// models crate).
    pub fn manifest_section(&self, forward_to: Option<&str>) -> String {
        let quoted: Vec<String> = self.selectable().map(|f| format!("\"{}\"", f.name)).collect();
        let mut toml = format!("\n[features]\ndefault = [{}]\n", quoted.join(", "));
        for (index, feature) in self.features.iter().enumerate() {
            let enables = match forward_to {
                Some(_) if Some(index) == self.any_tag => continue, // the client has no types of its own to gate
                Some(krate) => format!("\"{krate}/{}\"", feature.name),
                None if index < self.tags && self.any_tag.is_some() => format!("\"{ANY_TAG}\""),
                None => String::new(),
            };
            toml.push_str(&format!("# {}\n{} = [{enables}]\n", feature.doc, feature.name));
        }
        toml
    }

    /// The `[features]` table of one part of split models holding the types `members`: the features that gate any
    /// of them (no defaults: the facade turns them on), each tag turning on `ANY_TAG` when the part has types gated
    /// on it. Empty when none of its types is gated.
    pub fn part_manifest_section(&self, members: &[usize]) -> String {
        let used = self.part_features(members);
        if used.is_empty() {
            return String::new();
        }
        let mut toml = String::from("\n[features]\n");
        for &index in &used {
            let enables = match self.any_tag {
                Some(any_tag) if index < self.tags && used.contains(&any_tag) => format!("\"{ANY_TAG}\""),
                _ => String::new(),
            };
            toml.push_str(&format!("{} = [{enables}]\n", self.features[index].name));
        }
        toml
    }

    /// The `[features]` table of the facade of split models, whose parts (crate name, types) are `parts`: each
    /// selectable feature, on by default, turns on the same feature of every part that declares it.
    pub fn facade_manifest_section(&self, parts: &[(String, &[usize])]) -> String {
        let declared: Vec<(&str, BTreeSet<usize>)> =
            parts.iter().map(|(krate, members)| (krate.as_str(), self.part_features(members))).collect();
        self.forwarding_section(None, &declared)
    }

    /// The `[features]` table of an operations crate of a split client holding the operations `members`: their
    /// features (no defaults: the client turns them on), each turning on the same feature of the models crate
    /// `models`. Empty when none of them is gated.
    pub fn ops_manifest_section(&self, members: &[usize], models: &str) -> String {
        let used = self.ops_features(members);
        if used.is_empty() {
            return String::new();
        }
        let mut toml = String::from("\n[features]\n");
        for index in used {
            let name = &self.features[index].name;
            toml.push_str(&format!("{name} = [\"{models}/{name}\"]\n"));
        }
        toml
    }

    /// The `[features]` table of a split client or server: each selectable feature, on by default, turns on the
    /// same feature of the models crate `models` and of every operations crate (name, operations) of `ops` that
    /// declares it.
    pub fn split_manifest_section(&self, models: &str, ops: &[(String, &[usize])]) -> String {
        let declared: Vec<(&str, BTreeSet<usize>)> =
            ops.iter().map(|(krate, members)| (krate.as_str(), self.ops_features(members))).collect();
        self.forwarding_section(Some(models), &declared)
    }

    /// The `[features]` table of a crate that passes its features on: each selectable feature, on by default, turns
    /// on the same feature of `every` crate (when given) and of each crate of `declared` (name, its features) that
    /// declares it. `ANY_TAG` is left out: the tags turn it on where it is declared.
    fn forwarding_section(&self, every: Option<&str>, declared: &[(&str, BTreeSet<usize>)]) -> String {
        let quoted: Vec<String> = self.selectable().map(|f| format!("\"{}\"", f.name)).collect();
        let mut toml = format!("\n[features]\ndefault = [{}]\n", quoted.join(", "));
        for (index, feature) in self.features.iter().enumerate() {
            if Some(index) == self.any_tag {
                continue;
            }
            let declaring = declared.iter().filter(|(_, used)| used.contains(&index)).map(|(krate, _)| *krate);
            let enables: Vec<String> =
                every.into_iter().chain(declaring).map(|krate| format!("\"{krate}/{}\"", feature.name)).collect();
            toml.push_str(&format!("# {}\n{} = [{}]\n", feature.doc, feature.name, enables.join(", ")));
        }
        toml
    }

    /// The features that gate any of the operations `members`.
    fn ops_features(&self, members: &[usize]) -> BTreeSet<usize> {
        members.iter().flat_map(|&member| self.operations[member].iter().copied()).collect()
    }

    /// The features a part holding `members` declares: those that gate any of its types, and every tag when one
    /// of its types is gated on `ANY_TAG` (which the tags turn on).
    fn part_features(&self, members: &[usize]) -> BTreeSet<usize> {
        let mut used: BTreeSet<usize> = members.iter().flat_map(|&member| self.types[member].iter().copied()).collect();
        if self.any_tag.is_some_and(|any_tag| used.contains(&any_tag)) {
            used.extend(0..self.tags);
        }
        used
    }

    /// The features a user chooses from: all but `ANY_TAG`.
    fn selectable(&self) -> impl Iterator<Item = &Feature> {
        self.features.iter().enumerate().filter(|&(index, _)| Some(index) != self.any_tag).map(|(_, feature)| feature)
    }

    /// The names of the features that compile type `index`; empty when it is always compiled.
    pub fn type_features(&self, index: usize) -> Vec<&str> {
        self.types[index].iter().map(|&f| self.features[f].name.as_str()).collect()
    }

    /// The names of the features that compile operation `index`.
    pub fn operation_features(&self, index: usize) -> Vec<&str> {
        self.operations[index].iter().map(|&f| self.features[f].name.as_str()).collect()
    }
}

/// `tag-<tag>` in kebab case, ASCII letters and digits only (what Cargo accepts everywhere); `tag-<n>` for a tag
/// with none.
fn feature_name(tag: &str, index: usize) -> String {
    let kebab: String = tag.to_kebab_case().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let words: Vec<&str> = kebab.split('-').filter(|w| !w.is_empty()).collect();
    if words.is_empty() { format!("tag-{index}") } else { format!("tag-{}", words.join("-")) }
}

/// `wanted`, or `wanted-2`, `wanted-3`, … when an earlier tag already took it (`Foo Bar` and `foo-bar`).
fn unique_name(features: &[Feature], wanted: &str) -> String {
    let taken = |name: &str| features.iter().any(|f| f.name == name);
    if !taken(wanted) {
        return wanted.to_string();
    }
    (2..).map(|n| format!("{wanted}-{n}")).find(|name| !taken(name)).unwrap_or_default()
}
