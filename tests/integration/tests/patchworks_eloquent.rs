//! Patchworks' backend is Laravel, and Eloquent decides how a model reaches JSON: keys (`id`, `*_id`) are integers,
//! a foreign key that may be stored empty comes back as `null`, and timestamps (`*_at`) are ISO 8601 strings. The
//! published document breaks the first rule (`authentication_implementation_template_id` is a string) and the
//! second (`connection_pool_id` is nullable in the request only). These tests read every property of every schema
//! of the document with `specs/patchworks.overlay.yaml` applied, and of the document as published.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

/// The document with `overlays` applied, as specforge reads it.
fn document(overlays: &[&str]) -> Value {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut options = specforge::Options::new(specs.join("patchworks.json"));
    options.overlays = overlays.iter().map(|overlay| specs.join(overlay)).collect();
    let merged = specforge::merged_document(&options).unwrap_or_else(|failure| panic!("{failure}"));
    serde_json::from_str(&merged).expect("merged document is JSON")
}

/// Every property declaration of the components' schemas, with where it is: (place, property name, schema).
fn properties(document: &Value) -> Vec<(String, String, Value)> {
    fn walk(schema: &Value, at: &str, out: &mut Vec<(String, String, Value)>) {
        for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            out.push((format!("{at}.{name}"), name.clone(), property.clone()));
            walk(property, &format!("{at}.{name}"), out);
        }
        if let Some(items) = schema.get("items") {
            walk(items, &format!("{at}[]"), out);
        }
    }
    let mut out = Vec::new();
    for (name, schema) in document["components"]["schemas"].as_object().into_iter().flatten() {
        walk(schema, name, &mut out);
    }
    out
}

/// Where the document breaks Eloquent's conventions.
fn eloquent_violations(document: &Value) -> Vec<String> {
    let properties = properties(document);
    let is_key = |name: &str| name == "id" || name.ends_with("_id");
    let nullable = |schema: &Value| schema.get("nullable") == Some(&Value::Bool(true));
    let nullable_keys: BTreeSet<&str> = properties
        .iter()
        .filter(|(_, name, schema)| is_key(name) && nullable(schema))
        .map(|(_, n, _)| n.as_str())
        .collect();
    let mut violations = Vec::new();
    for (at, name, schema) in &properties {
        if is_key(name) && schema["type"] != "integer" {
            violations.push(format!("{at}: a key, but typed {}", schema["type"]));
        }
        if nullable_keys.contains(name.as_str()) && !nullable(schema) {
            violations.push(format!("{at}: may be stored as null elsewhere, but not nullable here"));
        }
        if name.ends_with("_at") && (schema["type"] != "string" || schema["format"] != "date-time") {
            violations.push(format!("{at}: a timestamp, but not a date-time string"));
        }
    }
    violations
}

#[test]
fn the_fixed_document_follows_eloquent() {
    let violations = eloquent_violations(&document(&["patchworks.overlay.yaml"]));
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn the_published_document_breaks_eloquent_where_the_overlay_says() {
    let violations = eloquent_violations(&document(&[]));
    assert_eq!(
        violations,
        [
            "ConnectorInstances.authentication_implementation_template_id: a key, but typed \"string\"",
            "ConnectorInstances.connection_pool_id: may be stored as null elsewhere, but not nullable here",
            "ConnectorInstancesStoreRequest.authentication_implementation_template_id: a key, but typed \"string\"",
        ]
    );
}
