//! Property test: randomly mutated versions of valid specs give either Rust that parses, or diagnostics with at
//! least one located error. Never a panic (including inside specforge's worker thread, which would surface as an
//! "internal error"), and never a hang.
//!
//! Parsing is not compiling: a sample of mutations that make names meet once they are Rust identifiers
//! (operationIds and schema names that differ only by case, punctuation or a `Pages`/`Response`/`Error`/`Params`
//! suffix) is generated and built with `cargo clippy -D warnings`, in one workspace.

mod common;

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
        Value::Object(map) => {
            map.iter().for_each(|(k, v)| pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out))
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

/// Spellings of `name` that become the same Rust identifier, or one that a generated name is built from.
fn colliding_spelling(name: &str, salt: u32) -> String {
    match salt % 7 {
        0 => name.to_uppercase(),
        1 => {
            let mut chars = name.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
        2 => name
            .chars()
            .map(|c| if c.is_ascii_uppercase() { format!("-{}", c.to_ascii_lowercase()) } else { c.to_string() })
            .collect(),
        3 => format!("{name}Pages"),
        4 => format!("{name}Response"),
        5 => format!("{name}_Error"),
        _ => format!("{name}.params"),
    }
}

/// Gives an operation an operationId that collides (in Rust) with another's, or a component schema a twin whose
/// name collides with its own, or pagination to a list operation.
fn collide(doc: &mut Value, pick: usize, salt: u32) {
    let mut operations = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if let Some(op) = item.get(method) {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("op").to_string();
                operations.push((format!("/paths/{}/{method}", path.replace('~', "~0").replace('/', "~1")), id));
            }
        }
    }
    let schemas: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    match salt % 3 {
        0 if operations.len() >= 2 => {
            let (target, _) = &operations[pick % operations.len()];
            let (_, other) = &operations[(pick / 7 + 1) % operations.len()];
            let mut id = colliding_spelling(other, salt / 3);
            while operations.iter().any(|(_, existing)| *existing == id) {
                id.push_str("Pages");
            }
            if let Some(Value::Object(op)) = doc.pointer_mut(target) {
                op.insert("operationId".into(), json!(id));
            }
        }
        1 if !schemas.is_empty() => {
            let name = &schemas[pick % schemas.len()];
            let mut twin = colliding_spelling(name, salt / 3);
            while schemas.contains(&twin) {
                twin.push('_');
            }
            let copy = doc
                .pointer(&format!("/components/schemas/{}", name.replace('~', "~0").replace('/', "~1")))
                .cloned()
                .unwrap_or(json!({}));
            if let Some(Value::Object(map)) = doc.pointer_mut("/components/schemas") {
                map.insert(twin, copy);
            }
        }
        _ if !operations.is_empty() => {
            // A list operation that pages: its helper `<op>_pages` meets an operation called `<op>Pages`.
            let (target, id) = operations[pick % operations.len()].clone();
            if let Some(Value::Object(op)) = doc.pointer_mut(&target) {
                let parameters = op.entry("parameters").or_insert_with(|| json!([]));
                if let Value::Array(parameters) = parameters {
                    parameters.push(json!({"name": "page_number", "in": "query", "schema": {"type": "integer"}}));
                }
                op.insert("x-pagination".into(), json!({"page-param": "page_number", "next": "next"}));
            }
            let (other, _) = &operations[(pick + 1) % operations.len()];
            if let Some(Value::Object(op)) = doc.pointer_mut(other) {
                op.insert("operationId".into(), json!(format!("{id}Pages")));
            }
        }
        _ => {}
    }
}

/// Applies one mutation, chosen by `kind`, to the node `pick` selects.
fn mutate(doc: &mut Value, pick: usize, kind: u8, salt: u32) {
    if kind == 9 {
        collide(doc, pick, salt);
        return;
    }
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
                        if let Ok(i) = key.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
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
            let reference =
                ["#/components/schemas/Missing", "#/components/schemas/Connector", "#/paths", "other.yaml#/x", "#"]
                    [salt as usize % 5];
            json!({ "$ref": reference })
        }
        7 => {
            let ty = ["string", "object", "array", "integer", "bogus"][salt as usize % 5];
            json!({"type": ty, "properties": {"type": {"type": "string"}}, "items": {}})
        }
        _ => {
            json!({"oneOf": [{"type": "object", "required": ["a"], "properties": {"a": {}}}, {"$ref": "#/components/schemas/Missing"}], "discriminator": {"propertyName": "kind"}})
        }
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
        // With the server and the conformance tests: they walk every type and operation again.
        let options = specforge::Options { server: true, ..specforge::Options::new(&file) };
        let result = std::panic::catch_unwind(|| {
            let generated = specforge::generate(&options)?;
            specforge::conformance_tests(&options).map(|_| generated)
        });
        let _ = send.send(result);
        drop(dir);
    });
    match receive.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(result)) => Some(result),
        Ok(Err(_)) => {
            panic!("specforge panicked on a mutated spec: {}", serde_json::to_string(doc).unwrap_or_default())
        }
        Err(_) => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_give_code_or_located_errors(seed in 0usize..5, mutations in prop::collection::vec((any::<usize>(), 0u8..10, any::<u32>()), 1..5)) {
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

/// A small deterministic generator (64-bit LCG), so the compiled sample is the same in every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn specs_with_colliding_names_give_crates_that_compile() {
    let seeds = seeds();
    let out = tempfile::tempdir().expect("temporary directory");
    let mut random = Lcg(0x5EED);
    let (mut names, mut clashes) = (Vec::new(), 0);
    for case in 0..8 {
        let mut doc = seeds[case % seeds.len()].clone();
        for _ in 0..3 {
            let (pick, salt) = (random.next() as usize, random.next() as u32);
            collide(&mut doc, pick, salt);
        }
        let name = format!("case{case}");
        let spec = out.path().join(format!("{name}.json"));
        std::fs::write(&spec, serde_json::to_string_pretty(&doc).expect("serializes")).expect("write");
        let generated = specforge::generate(&specforge::Options::new(&spec)).expect("colliding names are no error");
        clashes += generated.warnings.iter().filter(|w| w.message.contains("already taken")).count();
        common::generate(&spec, &name, out.path(), &["--server"]);
        names.push(name);
    }
    // Not every spelling meets another name (`LISTITEMS` is `listitems`), but the sample must hold some that do.
    assert!(clashes >= 3, "the sample should make names meet; it made {clashes} clashes");
    common::workspace_of(out.path(), &names);
    let fakes: Vec<String> = names.iter().map(|name| format!("{name}-server/fake")).collect();
    let features = fakes.join(",");
    common::cargo(out.path(), &["clippy", "--offline", "--workspace", "--features", &features, "--", "-D", "warnings"]);
}
