//! The type graph: which named types each type holds, its strongly connected components (the recursive groups)
//! and their heights. One graph serves the drop-check bound, the tag features and the split of large models into
//! several crates.

use crate::ir::Api;

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
    /// The graph of `api`'s types.
    pub fn new(api: &Api) -> TypeGraph {
        let edges: Vec<Vec<usize>> = api.types.iter().map(|def| api.contained(def)).collect();
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
