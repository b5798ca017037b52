//! The type graph: which named types each type holds, its strongly connected components (the recursive groups)
//! and their heights, which serve the drop-check bound, the tag features and the split of large models into several
//! crates; and the cycles of types held by value, whose closing fields are boxed.

use crate::ir::{TypeDef, TypeId, TypeKind, TypeRef};

/// Named types as nodes (by index into `Api::types`), an edge from a type to each type it holds in any way.
pub struct TypeGraph {
    /// Per type: the types it holds.
    pub edges: Vec<Vec<usize>>,
    /// Strongly connected components, in reverse topological order: each after every component it reaches.
    pub components: Vec<Vec<usize>>,
    /// Per type: the index of its component.
    pub component_of: Vec<usize>,
}

impl TypeGraph {
    /// The graph of `types`.
    pub fn new(types: &[TypeDef]) -> TypeGraph {
        let edges: Vec<Vec<usize>> = types
            .iter()
            .map(|def| {
                let mut held = Vec::new();
                def.visit_uses(&mut |ty| ty.visit_named(&mut |id| held.push(id.0)));
                held
            })
            .collect();
        let components = strongly_connected_components(&edges);
        let mut component_of = vec![0; edges.len()];
        for (index, members) in components.iter().enumerate() {
            for &member in members {
                component_of[member] = index;
            }
        }
        TypeGraph { edges, components, component_of }
    }

    /// The components component `index` holds (other than itself), with repeats.
    pub fn component_edges(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        self.components[index]
            .iter()
            .flat_map(|&member| self.edges[member].iter().map(|&target| self.component_of[target]))
            .filter(move |&target| target != index)
    }

    /// Per component: `own(component)` plus the largest such sum over the components it holds, recursively (the
    /// longest path below it, each component counted at `own`). One pass, as components come after all they reach.
    pub fn longest_paths(&self, own: impl Fn(usize) -> usize) -> Vec<usize> {
        let mut longest = vec![0usize; self.components.len()];
        for index in 0..self.components.len() {
            let below = self.component_edges(index).map(|target| longest[target]).max().unwrap_or(0);
            longest[index] = own(index) + below;
        }
        longest
    }

    /// Adds `mark` to every type reachable from `roots` (the roots included), in `marks` (one set per type).
    pub fn mark_reachable<T: Ord + Copy>(
        &self,
        marks: &mut [std::collections::BTreeSet<T>],
        mut roots: Vec<usize>,
        mark: T,
    ) {
        while let Some(index) = roots.pop() {
            if marks[index].insert(mark) {
                roots.extend(&self.edges[index]);
            }
        }
    }
}

/// The fields and variants (type, index of the field or variant) to box so that no type holds itself by value: the
/// back edges of a depth-first walk, from each type in order, over what struct fields and union variants hold by
/// value (seen through aliases, `Option` and tuples; a `Vec` or map already holds its items on the heap).
pub fn cycle_closing_slots(types: &[TypeDef]) -> Vec<(TypeId, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let slots = |id: usize| -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (slot, ty) in held_by_value(&types[id]) {
            inline_named(types, ty, &mut |target| out.push((slot, target)), types.len());
        }
        out
    };
    let mut marks = vec![Mark::New; types.len()];
    let mut to_box = Vec::new();
    for start in 0..types.len() {
        if marks[start] != Mark::New {
            continue;
        }
        marks[start] = Mark::OnStack;
        let mut stack = vec![(start, slots(start), 0usize)];
        while let Some((node, node_slots, next)) = stack.last_mut() {
            if let Some(&(slot, target)) = node_slots.get(*next) {
                *next += 1;
                let node = *node;
                match marks[target] {
                    Mark::OnStack => to_box.push((TypeId(node), slot)),
                    Mark::New => {
                        marks[target] = Mark::OnStack;
                        stack.push((target, slots(target), 0));
                    }
                    Mark::Done => {}
                }
            } else {
                marks[*node] = Mark::Done;
                stack.pop();
            }
        }
    }
    to_box
}

/// Each struct field's and union variant's type, with the index of the field or variant.
fn held_by_value(def: &TypeDef) -> Vec<(usize, &TypeRef)> {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().map(|field| &field.ty).enumerate().collect(),
        TypeKind::Union(u) => {
            u.variants.iter().enumerate().filter_map(|(i, v)| Some((i, v.payload.as_ref()?))).collect()
        }
        _ => Vec::new(),
    }
}

/// Calls `f` with every named type `ty` holds by value, seeing through `Option`, tuples and aliases (at most
/// `depth` aliases deep, so a circle of aliases ends).
fn inline_named(types: &[TypeDef], ty: &TypeRef, f: &mut impl FnMut(usize), depth: usize) {
    match ty {
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Alias(target) if depth > 0 => inline_named(types, target, f, depth - 1),
            TypeKind::Alias(_) => {}
            _ => f(id.0),
        },
        TypeRef::Option(inner) => inline_named(types, inner, f, depth),
        TypeRef::Tuple(items) => items.iter().for_each(|item| inline_named(types, item, f, depth)),
        _ => {}
    }
}

/// Tarjan's strongly connected components of a graph given as adjacency lists, iteratively (no recursion, so any
/// size of graph is fine). Components come out in reverse topological order: each after every one it reaches.
fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let count = edges.len();
    let (mut index, mut lowlink, mut on_stack) = (vec![usize::MAX; count], vec![0; count], vec![false; count]);
    let (mut next_index, mut stack, mut components) = (0, Vec::new(), Vec::new());
    for root in 0..count {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut next_edge)) = work.last_mut() {
            if *next_edge == 0 && index[node] == usize::MAX {
                index[node] = next_index;
                lowlink[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*next_edge) {
                *next_edge += 1;
                if index[target] == usize::MAX {
                    work.push((target, 0));
                } else if on_stack[target] {
                    lowlink[node] = lowlink[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                lowlink[parent] = lowlink[parent].min(lowlink[node]);
            }
            if lowlink[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct `name` with one required field per type use.
    fn structure(name: &str, fields: Vec<TypeRef>) -> TypeDef {
        let fields = fields
            .into_iter()
            .enumerate()
            .map(|(index, ty)| crate::ir::Field {
                name: format!("f{index}"),
                wire: crate::ir::FieldWire::Property(format!("f{index}")),
                doc: None,
                ty,
                presence: crate::ir::Presence::Required,
                boxed: false,
                secret: false,
            })
            .collect();
        let kind = TypeKind::Struct(crate::ir::Struct { fields, unknown: crate::ir::UnknownFields::Ignored });
        TypeDef { name: name.into(), spec_name: name.into(), doc: None, kind, custom: Default::default() }
    }

    #[test]
    fn a_type_held_by_value_in_a_tuple_or_an_option_closes_a_cycle_and_one_in_a_vec_does_not() {
        let a = TypeRef::Named(TypeId(0));
        let types = [
            structure("A", vec![TypeRef::Array(Box::new(a.clone())), TypeRef::Named(TypeId(1))]),
            structure("B", vec![TypeRef::Tuple(vec![TypeRef::String, TypeRef::Option(Box::new(a))])]),
        ];
        assert_eq!(cycle_closing_slots(&types), [(TypeId(1), 0)]);
    }

    #[test]
    fn components_come_after_what_they_reach_and_cycles_are_one_component() {
        // 0 → 1 ⇄ 2 → 3; 4 alone.
        let components = strongly_connected_components(&[vec![1], vec![2], vec![1, 3], vec![], vec![]]);
        let position = |node: usize| components.iter().position(|c| c.contains(&node)).unwrap();
        assert_eq!(components.len(), 4);
        assert_eq!(position(1), position(2));
        assert!(position(3) < position(1) && position(1) < position(0));
    }
}
