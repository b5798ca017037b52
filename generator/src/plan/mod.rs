//! Planning the crates of a lowered API: the graph of its types (cycles, what uses what), the tag features that
//! gate operations and the types they reach, and the split of large models and clients into part crates.

pub mod features;
pub mod graph;
pub mod split;
