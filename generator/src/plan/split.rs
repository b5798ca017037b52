//! Large models split into several crates that compile in parallel, behind one facade crate that re-exports them.
//!
//! rustc compiles a crate on one core, and a crate of thousands of serde types takes minutes and gigabytes. When to
//! split, and how large a part is, follow from a [cost model](cost) of rustc's peak memory, fitted to measured
//! release builds, so that no generated crate needs 1 GiB. The types are laid out by their height in the type graph
//! (a type that holds no other named type has height 0; any other is one above the highest type it holds), each
//! recursive group of types counted as one. Types of the same height never hold one another, so each height is cut
//! into chunks of about one part's cost (an even number of them, see [`side_by_side`]) that compile side by side once
//! the heights below them are built. The highest heights, too light to be worth a crate each, share one part. A
//! type and the types only it holds (such as its inline types) are a family: each height's types are laid out in the
//! order of their families' name hashes and cut at equal cost, so a family's types fall in about the same stretch of
//! chunks at every height and a part imports few others. Adding a type moves the types whose family or height
//! changed, and those beside the cuts it shifts.

use std::collections::BTreeSet;

use crate::ir::{Api, TypeDef};
use crate::plan::graph::TypeGraph;

/// Whether to split the models crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SplitModels {
    /// Only for large models: when one crate's estimated peak memory ([`cost::crate_kib`]) is above
    /// [`cost::ONE_CRATE_BUDGET_KIB`].
    #[default]
    Auto,
    /// Whenever the types span more than one height, into parts of at most a quarter of the models each for small
    /// models (for tests of the split layout).
    Always,
    /// Never: one models crate.
    Never,
}

/// rustc's peak memory building a models crate with `cargo build --release`, estimated from what the crate holds.
///
/// Fitted (least squares) to 63 crates measured on 2026-12-05 (rustc 1.92, x86-64 Linux): the parts of GitHub's and
/// GitHub webhooks' split models, and ReadMe's largest example and its Star Trek API as one crate each. The estimate
/// is within 50 MiB of every one of them (the largest measured: 702 MiB). A crate costs a fixed base, then per
/// type, field, enum and enum value, and per part it imports: a split part glob-imports the parts whose types it
/// holds, and reading their metadata costs about 12 MiB each. `cargo xtask split-costs` builds those crates again,
/// prints the estimates beside the measurements and fits the coefficients again, for a new rustc or a new kind of
/// type.
pub mod cost {
    use crate::ir::TypeKind;

    /// What every models crate costs, in KiB.
    pub const BASE_KIB: usize = 72 * 1024;
    /// KiB per count of [`counts`]: per struct or union (the type and its serde impls), per field of a struct or
    /// variant of a union, per enum (or validated newtype), per enum value. A type alias costs next to nothing.
    pub const KIB_PER_COUNT: [usize; 4] = [325, 150, 623, 24];
    /// Per part a part imports.
    pub const DEPENDENCY_KIB: usize = 12 * 1024;

    /// The most one models crate may be estimated to need and stay one crate: 768 MiB, which leaves the model's
    /// largest error (50 MiB) several times over below 1 GiB.
    pub const ONE_CRATE_BUDGET_KIB: usize = 768 * 1024;

    /// The smallest and largest cost of one part's own types. Between them a part's size is
    /// `√(DEPENDENCY_KIB × all types' cost)`, which keeps a part's own types plus the parts it imports lowest (more
    /// parts make each one smaller but give the highest ones more parts to import).
    pub const PART_MIN_KIB: usize = 160 * 1024;
    /// See [`PART_MIN_KIB`]: large enough that rustc's fixed cost per crate stays a small share.
    pub const PART_MAX_KIB: usize = 480 * 1024;

    /// What the model counts in a type, in the order of [`KIB_PER_COUNT`].
    pub fn counts(kind: &TypeKind) -> [usize; 4] {
        match kind {
            TypeKind::Struct(s) => [1, s.fields.len(), 0, 0],
            TypeKind::Union(u) => [1, u.variants.len(), 0, 0],
            TypeKind::Enum(e) => [0, 0, 1, e.variants.len()],
            // Validated on deserialization, like an enum.
            TypeKind::ConstrainedString(_) | TypeKind::BoundedMap(_) => [0, 0, 1, 0],
            TypeKind::Alias(_) | TypeKind::External(_) => [0, 0, 0, 0],
        }
    }

    /// What one type adds to its crate, in KiB.
    pub fn type_kib(kind: &TypeKind) -> usize {
        counts(kind).iter().zip(KIB_PER_COUNT).map(|(count, kib)| count * kib).sum()
    }

    /// The estimated peak memory of one crate holding types of `types_kib` and importing `dependencies` parts.
    pub fn crate_kib(types_kib: usize, dependencies: usize) -> usize {
        BASE_KIB + types_kib + DEPENDENCY_KIB * dependencies
    }

    /// How much of the types' cost one part takes, for models whose types cost `total_kib` in all.
    pub fn part_kib(total_kib: usize) -> usize {
        (DEPENDENCY_KIB as f64 * total_kib as f64).sqrt().clamp(PART_MIN_KIB as f64, PART_MAX_KIB as f64) as usize
    }
}

/// One crate of a split models crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The suffix of its crate name: `<height>-<chunk>` (`0-2`), or `<height>` when its height is one chunk.
    pub label: String,
    /// Its types, by index into `Api::types`, in that order.
    pub members: Vec<usize>,
    /// The parts whose types its types hold, by index, in order.
    pub dependencies: Vec<usize>,
}

/// The parts of a split models crate, in an order where every part comes after its dependencies.
#[derive(Debug, Clone)]
pub struct ModelsSplit {
    /// The parts.
    pub parts: Vec<Part>,
    /// Per type: the index of its part.
    pub part_of: Vec<usize>,
}

impl ModelsSplit {
    /// The split of the models `types` (whose graph is `graph`) under `choice`, or `None` for one models crate.
    pub fn new(types: &[TypeDef], graph: &TypeGraph, choice: SplitModels) -> Option<ModelsSplit> {
        let weight: Vec<usize> = types.iter().map(|def| cost::type_kib(&def.kind)).collect();
        let total: usize = weight.iter().sum();
        let wanted = match choice {
            SplitModels::Never => false,
            SplitModels::Always => true,
            SplitModels::Auto => cost::crate_kib(total, 0) > cost::ONE_CRATE_BUDGET_KIB,
        };
        if !wanted {
            return None;
        }
        let part_weight = match choice {
            SplitModels::Always => cost::part_kib(total).min(total / 4).max(1),
            SplitModels::Auto | SplitModels::Never => cost::part_kib(total),
        };
        let heights: Vec<usize> = graph.longest_paths(|_| 1).into_iter().map(|path| path - 1).collect();
        let component_weight =
            |component: usize| graph.components[component].iter().map(|&member| weight[member]).sum::<usize>();
        let highest = heights.iter().copied().max()?;
        let mut by_height = vec![0usize; highest + 1];
        for (component, &height) in heights.iter().enumerate() {
            by_height[height] += component_weight(component);
        }
        // The lowest height from which everything above fits in one part: the top band.
        let mut above = 0;
        let mut top = highest + 1;
        while top > 0 && above + by_height[top - 1] <= part_weight {
            top -= 1;
            above += by_height[top];
        }
        let top = top.min(highest);
        let band = |component: usize| heights[component].min(top);
        let mut band_weight = vec![0usize; top + 1];
        for component in 0..graph.components.len() {
            band_weight[band(component)] += component_weight(component);
        }
        // The top band fits one part unless its lowest height alone is heavier than one; that is chunked too.
        let mut chunks: Vec<usize> = band_weight.iter().map(|&w| side_by_side(w.div_ceil(part_weight))).collect();
        widen_for_imports(&mut chunks, &band_weight);
        if chunks.iter().sum::<usize>() < 2 {
            return None;
        }

        // Parts in order of (band, chunk). Each band's components are laid out in the order of their families'
        // hashes and cut into chunks of equal cost, so a family (a type and what only it holds, such as its inline
        // types) takes about the same stretch of every band: a part holds types of few parts below it.
        let name = |component: usize| {
            graph.components[component].iter().map(|&member| types[member].name.as_str()).min().unwrap_or_default()
        };
        let family = families(graph);
        let position: Vec<u64> = family.iter().map(|&root| mix(fnv1a(name(root)))).collect();
        let mut in_band: Vec<Vec<usize>> = vec![Vec::new(); top + 1];
        for component in 0..graph.components.len() {
            in_band[band(component)].push(component);
        }
        let mut slot_of_component = vec![(0usize, 0usize); graph.components.len()];
        // A top band of several heights is laid out lowest height first when it is cut (to import fewer parts):
        // its types hold types of the heights below theirs, so then its parts hold types only of the parts before them.
        let spans_heights = top < highest;
        for (b, components) in in_band.iter_mut().enumerate() {
            let height_first = b == top && spans_heights && chunks[b] > 1;
            components.sort_by_key(|&component| {
                (if height_first { heights[component] } else { 0 }, position[component], component)
            });
            let mut before = 0usize;
            for &component in components.iter() {
                let weight = component_weight(component);
                // The chunk that holds the middle of the component's stretch of the band's cost.
                let middle = (before + weight / 2) as u128 * chunks[b] as u128 / band_weight[b].max(1) as u128;
                slot_of_component[component] = (b, (middle as usize).min(chunks[b] - 1));
                before += weight;
            }
        }
        let used: BTreeSet<(usize, usize)> = slot_of_component.iter().copied().collect();
        let slots: Vec<(usize, usize)> = used.into_iter().collect();
        let part_of: Vec<usize> = (0..types.len())
            .map(|index| {
                let slot = slot_of_component[graph.component_of[index]];
                slots.binary_search(&slot).unwrap_or_default()
            })
            .collect();
        let mut parts: Vec<Part> = slots
            .iter()
            .map(|&(b, chunk)| Part {
                label: if chunks[b] == 1 { b.to_string() } else { format!("{b}-{chunk}") },
                members: Vec::new(),
                dependencies: Vec::new(),
            })
            .collect();
        for (index, &part) in part_of.iter().enumerate() {
            parts[part].members.push(index);
        }
        for (index, part) in parts.iter_mut().enumerate() {
            let dependencies: BTreeSet<usize> = part
                .members
                .iter()
                .flat_map(|&member| graph.edges[member].iter().map(|&target| part_of[target]))
                .filter(|&target| target != index)
                .collect();
            part.dependencies = dependencies.into_iter().collect();
        }
        Some(ModelsSplit { parts, part_of })
    }
}

/// Raises the chunk counts of bands whose parts would import too many parts: a part of band `b` spans `1 / chunks[b]`
/// of the families, so it holds types of about `chunks[c] / chunks[b] + 1` parts of each band `c` below; more chunks
/// make that fewer. Each band gets chunks until its parts are estimated within [`cost::ONE_CRATE_BUDGET_KIB`], or
/// as many as the widest band below it (more would not import fewer).
fn widen_for_imports(chunks: &mut [usize], band_weight: &[usize]) {
    for (band, &weight) in band_weight.iter().enumerate().skip(1) {
        let (below, rest) = chunks.split_at_mut(band);
        let widest_below = below.iter().copied().max().unwrap_or(1);
        let estimate = |count: usize| {
            let imports: usize = below.iter().map(|&chunks| chunks.div_ceil(count) + 1).sum();
            cost::crate_kib(weight.div_ceil(count), imports)
        };
        while rest[0] < widest_below && estimate(rest[0]) > cost::ONE_CRATE_BUDGET_KIB {
            rest[0] = side_by_side(rest[0] + 1);
        }
    }
}

/// Per component of `graph`: the root of its family, the component that places it in a part. That is the
/// component itself, unless exactly one other component holds it (an inline type, or a schema used in one place):
/// then it is that holder's root.
fn families(graph: &TypeGraph) -> Vec<usize> {
    /// No holder yet, one, or several.
    #[derive(Clone, Copy, PartialEq)]
    enum Holders {
        None,
        One(usize),
        Several,
    }
    let mut holders = vec![Holders::None; graph.components.len()];
    for holder in 0..graph.components.len() {
        for held in graph.component_edges(holder) {
            holders[held] = match holders[held] {
                Holders::None => Holders::One(holder),
                Holders::One(other) if other == holder => Holders::One(holder),
                _ => Holders::Several,
            };
        }
    }
    // A holder comes after what it holds, so going backwards each holder's root is known before its held ones'.
    let mut root: Vec<usize> = (0..graph.components.len()).collect();
    for component in (0..graph.components.len()).rev() {
        if let Holders::One(holder) = holders[component] {
            root[component] = root[holder];
        }
    }
    root
}

/// How many operations, roughly, make one crate of a split client.
pub const OPERATIONS_PER_CRATE: usize = 150;

/// How many operations make the client large enough to split under [`SplitModels::Auto`].
pub const SPLIT_MIN_OPERATIONS: usize = 2 * OPERATIONS_PER_CRATE;

/// The operations crates of a split client, or `None` for one client crate (`choice` decides, as for the models):
/// about `OPERATIONS_PER_CRATE` operations each, and at least two crates. An operation's crate follows from a
/// hash of its method name, so adding one moves no other unless the crate count changes. Each crate is its number
/// and its operations, by index, in order; crates the hash left empty are left out.
pub fn operation_crates(api: &Api, choice: SplitModels) -> Option<Vec<(usize, Vec<usize>)>> {
    let wanted = match choice {
        SplitModels::Never => false,
        SplitModels::Always => !api.operations.is_empty(),
        SplitModels::Auto => api.operations.len() >= SPLIT_MIN_OPERATIONS,
    };
    if !wanted {
        return None;
    }
    let count = side_by_side(api.operations.len().div_ceil(OPERATIONS_PER_CRATE).max(2));
    let mut crates: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, op) in api.operations.iter().enumerate() {
        crates[(fnv1a(&op.method_name) % count as u64) as usize].push(index);
    }
    Some(crates.into_iter().enumerate().filter(|(_, members)| !members.is_empty()).collect())
}

/// How many crates to cut `count` crates' worth of code into when they build side by side: an even number (above
/// one), so that on an even number of cores the last of them does not build alone while the other cores wait.
fn side_by_side(count: usize) -> usize {
    if count > 1 { count.next_multiple_of(2) } else { count.max(1) }
}

/// Spreads a hash's bits over all of it (MurmurHash3's finalizer): FNV-1a's high bits barely differ between short
/// names that differ at the end, and the high bits decide the order in which families are laid out.
fn mix(mut hash: u64) -> u64 {
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The 64-bit FNV-1a hash: stable across Rust versions and platforms, unlike the standard library's hasher.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    /// A struct named `name` with one field per type in `holds` and `strings` string fields more.
    fn object(name: String, holds: &[usize], strings: usize) -> TypeDef {
        use crate::ir::{Custom, Field, FieldWire, Presence, Struct, TypeId, TypeKind, TypeRef, UnknownFields};
        let field = |index: usize, ty: TypeRef| Field {
            name: format!("f{index}"),
            wire: FieldWire::Property(format!("f{index}")),
            doc: None,
            ty,
            presence: Presence::Required,
            boxed: false,
            secret: false,
        };
        let held = holds.iter().map(|&target| TypeRef::Named(TypeId(target)));
        let fields = held.chain((0..strings).map(|_| TypeRef::String)).enumerate().map(|(i, ty)| field(i, ty));
        let kind = TypeKind::Struct(Struct { fields: fields.collect(), unknown: UnknownFields::Ignored });
        TypeDef { spec_name: name.clone(), name, doc: None, kind, custom: Custom::default() }
    }

    #[test]
    fn a_top_band_of_several_heights_cut_for_its_imports_holds_types_only_of_parts_before_it() {
        // 1,000 heavy types at height 0 (about 30 GiB by the cost model: dozens of parts), under 40 light towers of
        // four heights, each level holding the level below it in its own tower and in the next: the towers make
        // one top band that imports every part below, so it is cut in two. As seen in Microsoft Graph's models,
        // whose parts `20-0` and `20-1` held each other's types (a cycle of crates Cargo refuses).
        let mut types: Vec<TypeDef> = (0..1_000).map(|i| object(format!("B{i}"), &[], 200)).collect();
        for level in 1..=4 {
            for tower in 0..40 {
                let holds: Vec<usize> = if level == 1 {
                    (0..25).map(|k| (tower * 25 + k * 7) % 1_000).collect()
                } else {
                    let below = |t: usize| 1_000 + (level - 2) * 40 + t % 40;
                    vec![below(tower), below(tower + 1)]
                };
                types.push(object(format!("T{level}N{tower}"), &holds, 1));
            }
        }
        let graph = TypeGraph::new(&types);
        let split = ModelsSplit::new(&types, &graph, SplitModels::Auto).expect("split");
        let tower_parts: BTreeSet<usize> = (1_000..types.len()).map(|t| split.part_of[t]).collect();
        assert!(tower_parts.len() >= 2, "the top band is cut: {tower_parts:?}");
        for (index, part) in split.parts.iter().enumerate() {
            assert!(part.dependencies.iter().all(|&d| d < index), "{} holds types of later parts", part.label);
        }
    }

    #[test]
    fn crates_that_build_side_by_side_come_in_even_numbers() {
        let counts: Vec<usize> = (0..=5).map(side_by_side).collect();
        assert_eq!(counts, [1, 1, 2, 4, 4, 6]);
    }
}
