//! `[operations]`: the operations left out of the document before it is lowered, so nothing of theirs (types,
//! method names, warnings) reaches the crates.

use openapiv3::{OpenAPI, ReferenceOr};

use super::{Config, Selector, SelectorKind};
use crate::diagnostic::Diagnostic;

/// What a selector compares an operation by.
struct Operation<'a> {
    path: &'a str,
    id: Option<&'a str>,
    tags: Vec<&'a str>,
}

impl Selector {
    fn matches(&self, operation: &Operation<'_>) -> bool {
        match self.kind {
            SelectorKind::Tag => operation.tags.contains(&self.pattern.as_str()),
            SelectorKind::Operation => operation.id == Some(self.pattern.as_str()),
            SelectorKind::Path => path_matches(&self.pattern, operation.path),
        }
    }
}

/// Whether `path` fits `pattern`: segment by segment, `*` standing for any one segment and a final `**` for any
/// number of them (none included).
fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pattern_segments = pattern.trim_matches('/').split('/');
    let mut path_segments = path.trim_matches('/').split('/');
    loop {
        match (pattern_segments.next(), path_segments.next()) {
            (Some("**"), _) => return pattern_segments.next().is_none(),
            (Some(wanted), Some(segment)) if wanted == "*" || wanted == segment => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// Removes the operations `config` does not select from `document` (path items left without operations go too).
/// A selector that matches no operation is an error: it is misspelled, or the document changed.
pub fn select_operations(document: &mut OpenAPI, config: &Config) -> Vec<Diagnostic> {
    let selection = &config.operations;
    if !selection.is_set() {
        return Vec::new();
    }
    let mut used_includes = vec![false; selection.include.len()];
    let mut used_excludes = vec![false; selection.exclude.len()];
    let mut keep = |operation: &Operation<'_>| {
        let mut included = selection.include.is_empty();
        for (selector, used) in selection.include.iter().zip(&mut used_includes) {
            if selector.matches(operation) {
                *used = true;
                included = true;
            }
        }
        let mut excluded = false;
        for (selector, used) in selection.exclude.iter().zip(&mut used_excludes) {
            if selector.matches(operation) {
                *used = true;
                excluded = true;
            }
        }
        included && !excluded
    };
    document.paths.paths.retain(|path, item| {
        let ReferenceOr::Item(item) = item else { return true };
        let slots = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        let mut left = 0;
        for slot in slots {
            if let Some(operation) = slot {
                let tags = operation.tags.iter().map(String::as_str).collect();
                if keep(&Operation { path, id: operation.operation_id.as_deref(), tags }) {
                    left += 1;
                } else {
                    *slot = None;
                }
            }
        }
        if let Some(serde_json::Value::Object(extra)) =
            item.extensions.get_mut(crate::load::extensions::EXTRA_OPERATIONS)
        {
            extra.retain(|_, operation| {
                let tags = operation.get("tags").and_then(serde_json::Value::as_array);
                let tags = tags.into_iter().flatten().filter_map(serde_json::Value::as_str).collect();
                let id = operation.get("operationId").and_then(serde_json::Value::as_str);
                keep(&Operation { path, id, tags })
            });
            left += extra.len();
        }
        left > 0
    });
    let include = selection.include.iter().zip(used_includes);
    let exclude = selection.exclude.iter().zip(used_excludes);
    include
        .chain(exclude)
        .filter(|(_, used)| !used)
        .map(|(selector, _)| config.error(&selector.at, "this selector matches no operation of the document"))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn path_patterns_match_whole_segments() {
        assert!(path_matches("/pets/*", "/pets/{id}"));
        assert!(!path_matches("/pets/*", "/pets"));
        assert!(!path_matches("/pets/*", "/pets/{id}/photos"));
        assert!(path_matches("/pets/**", "/pets"));
        assert!(path_matches("/pets/**", "/pets/{id}/photos"));
        assert!(!path_matches("/pet", "/pets"));
        assert!(path_matches("/stores/{storeId}", "/stores/{storeId}"));
    }

    #[test]
    fn operations_are_kept_by_include_then_removed_by_exclude() {
        let mut document: OpenAPI = serde_norway::from_str(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get: {operationId: listPets, tags: [pets], responses: {'200': {description: ok}}}
    post: {operationId: createPet, tags: [pets], responses: {'201': {description: ok}}}
  /pets/{id}:
    delete: {operationId: deletePet, tags: [pets], responses: {'204': {description: ok}}}
  /stores:
    get: {operationId: listStores, tags: [stores], responses: {'200': {description: ok}}}
  /users:
    get: {tags: [users], responses: {'200': {description: ok}}}
",
        )
        .unwrap();
        let config = Config::parse(
            "[operations]\ninclude = [\"tag:pets\", \"path:/users\", \"tag:nothing\"]\nexclude = [\"operation:deletePet\"]\n",
            Path::new("specforge.toml"),
        )
        .unwrap();
        let diagnostics = select_operations(&mut document, &config);
        let left: Vec<String> = document
            .operations()
            .map(|(path, method, op)| format!("{method} {path} {}", op.operation_id.as_deref().unwrap_or("-")))
            .collect();
        assert_eq!(left, ["get /pets listPets", "post /pets createPet", "get /users -"]);
        let messages: Vec<(&str, Option<(usize, usize)>)> =
            diagnostics.iter().map(|d| (d.message.as_str(), d.line_col)).collect();
        assert_eq!(messages, [("this selector matches no operation of the document", Some((2, 39)))]);
        assert!(diagnostics[0].is_error());
    }
}
