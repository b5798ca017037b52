//! Property test: randomly mutated versions of valid specs give either Rust that parses, or diagnostics with at
//! least one located error. Never a panic (including inside specforge's worker thread, which would surface as an
//! "internal error"), and never a hang.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};

/// The valid specs to mutate (after overlays, as JSON).
fn seeds() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<Value> = specforge::spec_set(&root.join("../specs"))
        .expect("specs/")
        .iter()
        .map(|options| serde_json::from_str(&specforge::merged_document(options).expect("merges")).expect("JSON"))
        .collect();
    let tricky = std::fs::read_to_string(root.join("tests/fixtures/tricky_names.yaml")).expect("fixture");
    seeds.push(serde_norway::from_str(&tricky).expect("YAML"));
    seeds
}

/// JSON pointers of every node of `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

/// Applies one mutation, chosen by `kind`, to the node `pick` selects.
fn mutate(doc: &mut Value, pick: usize, kind: u8, salt: u32) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let target = all[pick % all.len()].clone();
    let replacement = match kind {
        0 => {
            // Delete the node from its parent.
            if let Some((parent, key)) = target.rsplit_once('/') {
                let key = key.replace("~1", "/").replace("~0", "~");
                match doc.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            if i < items.len() {
                                items.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        1 => Value::Null,
        2 => json!("string"),
        3 => json!(salt),
        4 => json!({}),
        5 => json!([]),
        6 => {
            let reference = ["#/components/schemas/Missing", "#/components/schemas/Connector", "#/paths", "other.yaml#/x", "#"][salt as usize % 5];
            json!({ "$ref": reference })
        }
        7 => {
            let ty = ["string", "object", "array", "integer", "bogus"][salt as usize % 5];
            json!({"type": ty, "properties": {"type": {"type": "string"}}, "items": {}})
        }
        _ => json!({"oneOf": [{"type": "object", "required": ["a"], "properties": {"a": {}}}, {"$ref": "#/components/schemas/Missing"}], "discriminator": {"propertyName": "kind"}}),
    };
    if let Some(node) = doc.pointer_mut(&target) {
        *node = replacement;
    }
}

/// Generates from `doc` on another thread and returns what happened, or `None` on a hang.
fn generate(doc: &Value) -> Option<Result<specforge::Generated, specforge::Failure>> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("mutated.json");
    std::fs::write(&file, serde_json::to_string(doc).expect("serializes")).expect("write");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| specforge::generate(&specforge::Options::new(&file)));
        let _ = send.send(result);
        drop(dir);
    });
    match receive.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(result)) => Some(result),
        Ok(Err(_)) => panic!("specforge panicked on a mutated spec: {}", serde_json::to_string(doc).unwrap_or_default()),
        Err(_) => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_give_code_or_located_errors(seed in 0usize..5, mutations in prop::collection::vec((any::<usize>(), 0u8..9, any::<u32>()), 1..5)) {
        let seeds = seeds();
        let mut doc = seeds[seed % seeds.len()].clone();
        for (pick, kind, salt) in mutations {
            mutate(&mut doc, pick, kind, salt);
        }
        let result = generate(&doc);
        prop_assert!(result.is_some(), "specforge hung on {}", serde_json::to_string(&doc).unwrap_or_default());
        match result.unwrap() {
            Ok(generated) => {
                for (path, text) in generated.models.files.iter().chain(&generated.client.files) {
                    if path.extension().is_some_and(|e| e == "rs") {
                        prop_assert!(syn::parse_file(text).is_ok(), "{} is not valid Rust", path.display());
                    }
                }
            }
            Err(failure) => {
                let errors: Vec<_> = failure.diagnostics.iter().filter(|d| d.is_error()).collect();
                prop_assert!(!errors.is_empty(), "a failure without an error diagnostic");
                for error in errors {
                    prop_assert!(!error.message.contains("internal error"), "{error}");
                    prop_assert!(error.file.ends_with("mutated.json"), "{error}");
                }
            }
        }
    }
}
