//! Where the nodes of a document as parsed came from, so that diagnostics found later point into the source the
//! user wrote: Swagger 2.0's upgrade moves whole sections, normalizing a 3.1 or 3.2 document and repair leave items
//! out of lists.

use std::collections::HashMap;

use super::swagger2::SECTIONS;
use crate::diagnostic::Diagnostic;

/// Where the nodes of a document as parsed came from, by stage; each map is matched by the longest prefix of whole
/// tokens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Relocations {
    /// Pointers into an upgraded Swagger 2.0 document mapped to pointers into the 2.0 source.
    upgraded: HashMap<String, String>,
    /// Pointers into a normalized 3.1 or 3.2 document mapped to pointers before normalizing (a dropped query
    /// string moves the parameters after it).
    normalized: HashMap<String, String>,
    /// Pointers into the repaired document mapped to pointers before repair (after repair left an unreadable item
    /// out of a list, the items after it moved up).
    repaired: HashMap<String, String>,
}

impl Relocations {
    /// Records that the node at `upgraded` in the upgraded document was at `source` in the 2.0 source.
    pub(super) fn record(&mut self, upgraded: String, source: String) {
        if upgraded != source {
            self.upgraded.insert(upgraded, source);
        }
    }

    /// Records the moves of list items that repair made: (pointer after repair, pointer before).
    pub fn record_repairs(&mut self, moves: Vec<(String, String)>) {
        self.repaired.extend(moves);
    }

    /// Records the moves of list items that normalizing made: (pointer after, pointer before).
    pub fn record_normalized(&mut self, moves: Vec<(String, String)>) {
        self.normalized.extend(moves);
    }

    /// Diagnostics of the repaired document (what lowering finds) with their pointers turned into pointers into the
    /// document before repair and before normalizing. Repair's own warnings already point before repair.
    pub fn before_repair(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.before_normalizing(moved_back(&self.repaired, diagnostics))
    }

    /// Diagnostics of the normalized document with their pointers turned into pointers into the document before.
    pub fn before_normalizing(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        moved_back(&self.normalized, diagnostics)
    }

    /// The diagnostics with their pointers turned into pointers into the source, and the references their
    /// messages quote (`#/components/schemas/X`) into the 2.0 form the source wrote (`#/definitions/X`).
    pub fn to_source(&self, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if !self.upgraded.is_empty() {
            for diagnostic in &mut diagnostics {
                diagnostic.pointer = self.source_pointer(&diagnostic.pointer);
                if diagnostic.message.contains("#/components/") {
                    for (source, section) in SECTIONS {
                        let upgraded = format!("#/components/{section}/");
                        diagnostic.message = diagnostic.message.replace(&upgraded, &format!("#/{source}/"));
                    }
                }
            }
        }
        diagnostics
    }

    /// The pointer in the source of a pointer into the upgraded document.
    pub fn source_pointer(&self, pointer: &str) -> String {
        longest_prefix_moved(&self.upgraded, pointer)
    }
}

/// `diagnostics` with their pointers moved back by `moves` (see [`longest_prefix_moved`]).
fn moved_back(moves: &HashMap<String, String>, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if !moves.is_empty() {
        for diagnostic in &mut diagnostics {
            diagnostic.pointer = longest_prefix_moved(moves, &diagnostic.pointer);
        }
    }
    diagnostics
}

/// `pointer` with its longest prefix (of whole tokens) that `moves` has replaced by where it moved from; as it is
/// when no prefix moved. One lookup per token of the pointer.
fn longest_prefix_moved(moves: &HashMap<String, String>, pointer: &str) -> String {
    let mut end = pointer.len();
    loop {
        if let Some(source) = moves.get(&pointer[..end]) {
            return format!("{source}{}", &pointer[end..]);
        }
        match pointer[..end].rfind('/') {
            Some(slash) => end = slash,
            None => return pointer.to_string(),
        }
    }
}
