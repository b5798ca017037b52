//! OpenAPI Overlay 1.0: ordered `actions`, each selecting nodes with a JSONPath `target` and either merging an
//! `update` into them or removing them. Applied to the raw document before it is parsed, so any spec can carry
//! fixes in a separate file and the vendor's document can be replaced by a newer download without losing them.

use std::path::Path;

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::diagnostic::Diagnostic;

/// When `document` is an Overlay with an `extends` (the spec it applies to), that reference.
pub fn extends(document: &Value) -> Option<&str> {
    document.get("overlay")?;
    document.get("extends")?.as_str()
}

/// Applies every action of `overlay` (read from `overlay_path`) to `document`, in order.
pub fn apply(document: &mut Value, overlay: &Value, overlay_path: &Path) -> Result<(), Vec<Diagnostic>> {
    let error = |pointer: String, message: String| vec![Diagnostic::error(overlay_path, pointer, message)];
    match overlay.get("overlay").and_then(Value::as_str) {
        Some(version) if version.starts_with("1.") => {}
        Some(version) => {
            return Err(error("#/overlay".into(), format!("unsupported Overlay version {version:?}; expected 1.x")));
        }
        None => return Err(error(String::new(), "not an OpenAPI Overlay document: missing `overlay: 1.0.0`".into())),
    }
    let Some(actions) = overlay.get("actions").and_then(Value::as_array) else {
        return Err(error("#/actions".into(), "an overlay needs an `actions` array".into()));
    };
    for (index, action) in actions.iter().enumerate() {
        let at = format!("#/actions/{index}");
        let Some(target) = action.get("target").and_then(Value::as_str) else {
            return Err(error(at, "an action needs a `target` JSONPath string".into()));
        };
        let path = JsonPath::parse(target)
            .map_err(|e| error(format!("{at}/target"), format!("invalid JSONPath {target:?}: {e}")))?;
        let pointers: Vec<String> =
            path.query_located(document).locations().map(|location| location.to_json_pointer()).collect();
        if pointers.is_empty() {
            return Err(error(format!("{at}/target"), format!("target {target:?} selects nothing in the document")));
        }
        if action.get("remove").and_then(Value::as_bool) == Some(true) {
            // Remove from the last match backwards so earlier array indices stay valid.
            for pointer in pointers.iter().rev() {
                remove_at(document, pointer);
            }
        } else if let Some(update) = action.get("update") {
            for pointer in &pointers {
                if let Some(node) = document.pointer_mut(pointer) {
                    merge(node, update);
                }
            }
        } else {
            return Err(error(at, "an action needs `update` or `remove: true`".into()));
        }
    }
    Ok(())
}

/// Overlay merge: objects merge key by key (recursively); an array target gets the update appended; anything
/// else is replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => merge(existing, value),
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), update) => target.push(update.clone()),
        (target, update) => *target = update.clone(),
    }
}

fn remove_at(document: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let key = crate::diagnostic::unescape_pointer_token(last);
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn update_merges_and_remove_deletes() {
        let mut doc = json!({"a": {"b": {"type": "string", "x": 1}, "c": [1]}});
        let overlay = json!({"overlay": "1.0.0", "actions": [
            {"target": "$.a.b.x", "remove": true},
            {"target": "$.a.b", "update": {"type": "array"}},
            {"target": "$.a.c", "update": 2}
        ]});
        apply(&mut doc, &overlay, Path::new("o.yaml")).unwrap();
        assert_eq!(doc, json!({"a": {"b": {"type": "array"}, "c": [1, 2]}}));
    }

    #[test]
    fn target_that_selects_nothing_is_an_error() {
        let mut doc = json!({});
        let overlay = json!({"overlay": "1.0.0", "actions": [{"target": "$.nope", "remove": true}]});
        let errors = apply(&mut doc, &overlay, Path::new("o.yaml")).unwrap_err();
        assert_eq!(errors[0].pointer, "#/actions/0/target");
    }
}
