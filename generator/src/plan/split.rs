//! Large models split into several crates that compile in parallel, behind one facade crate that re-exports them.
//!
//! rustc compiles a crate on one core, and a crate of thousands of serde types takes minutes and gigabytes. The
//! types are therefore laid out by their height in the type graph (a type that holds no other named type has
//! height 0; any other is one above the highest type it holds), each recursive group of types counted as one.
//! Types of the same height never hold one another, so each height is cut into chunks of about [`PART_WEIGHT`]
//! (an even number of them, see [`side_by_side`]) that compile side by side once the heights below them are built. The highest heights, too light to be worth a
//! crate each, share one part. A type's chunk follows from a hash of its name, so adding a type moves no other
//! type unless its height's chunk count changes.

use std::collections::BTreeSet;

use crate::ir::{Api, TypeKind};
use crate::plan::graph::TypeGraph;

/// Whether to split the models crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SplitModels {
    /// Only for large models: at least [`AUTO_MIN_WEIGHT`].
    #[default]
    Auto,
    /// Whenever the types span more than one height, into parts of at most a quarter of the models each for small
    /// models (for tests of the split layout).
    Always,
    /// Never: one models crate.
    Never,
}

/// How much code, roughly, makes one part: a unit is about one field or variant (a few lines of derived code).
pub const PART_WEIGHT: usize = 2_000;

/// How much code makes the models large enough to split under [`SplitModels::Auto`].
pub const AUTO_MIN_WEIGHT: usize = 12_000;

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
    /// The split of `api`'s models under `choice`, or `None` for one models crate.
    pub fn new(api: &Api, graph: &TypeGraph, choice: SplitModels) -> Option<ModelsSplit> {
        let weight: Vec<usize> = api.types.iter().map(|def| weight(&def.kind)).collect();
        let total: usize = weight.iter().sum();
        let wanted = match choice {
            SplitModels::Never => false,
            SplitModels::Always => true,
            SplitModels::Auto => total >= AUTO_MIN_WEIGHT,
        };
        if !wanted {
            return None;
        }
        let part_weight = match choice {
            SplitModels::Always => PART_WEIGHT.min(total / 4).max(1),
            SplitModels::Auto | SplitModels::Never => PART_WEIGHT,
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
        let chunks: Vec<usize> = band_weight
            .iter()
            .enumerate()
            .map(|(b, &w)| if b == top { 1 } else { side_by_side(w.div_ceil(part_weight)) })
            .collect();
        if chunks.iter().sum::<usize>() < 2 {
            return None;
        }

        // Parts in order of (band, chunk); empty chunks (a hash that missed) are skipped.
        let mut slot_of_component = vec![(0usize, 0usize); graph.components.len()];
        for (component, members) in graph.components.iter().enumerate() {
            let b = band(component);
            let name = members.iter().map(|&member| api.types[member].name.as_str()).min().unwrap_or_default();
            slot_of_component[component] = (b, (fnv1a(name) % chunks[b] as u64) as usize);
        }
        let used: BTreeSet<(usize, usize)> = slot_of_component.iter().copied().collect();
        let slots: Vec<(usize, usize)> = used.into_iter().collect();
        let part_of: Vec<usize> = (0..api.types.len())
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

/// How many operations, roughly, make one crate of a split client.
pub const OPERATIONS_PER_CRATE: usize = 150;

/// How many operations make the client large enough to split under [`SplitModels::Auto`].
pub const SPLIT_MIN_OPERATIONS: usize = 2 * OPERATIONS_PER_CRATE;

/// The operations crates of a split client, or `None` for one client crate (`choice` decides, as for the models):
/// about [`OPERATIONS_PER_CRATE`] operations each, and at least two crates. An operation's crate follows from a
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

/// Roughly how much code a type compiles to, in fields and variants.
fn weight(kind: &TypeKind) -> usize {
    match kind {
        TypeKind::Struct(s) => s.fields.len() + 2,
        TypeKind::Union(u) => u.variants.len() + 2,
        TypeKind::Enum(_)
        | TypeKind::ConstrainedString(_)
        | TypeKind::BoundedMap(_)
        | TypeKind::Alias(_)
        | TypeKind::External(_) => 1,
    }
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

    #[test]
    fn crates_that_build_side_by_side_come_in_even_numbers() {
        let counts: Vec<usize> = (0..=5).map(side_by_side).collect();
        assert_eq!(counts, [1, 1, 2, 4, 4, 6]);
    }
}
