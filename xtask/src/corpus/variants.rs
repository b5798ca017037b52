//! The same document in the forms published documents come in: minified to one line of JSON (registry packages
//! often ship them so), one line of YAML flow style, and with `$ref`-shaped data in its examples (as GitHub's SCIM
//! examples have). Each must generate exactly the crates the original does, and its warnings must render (on lines
//! tens of thousands of characters long) without a panic.

use std::path::Path;

use serde_json::{Map, Value};
use specforge::{Generated, Options};

/// Checks every variant of `spec` against `original`, writing the variants into `dir`.
pub fn check(spec: &Path, name: &str, original: &Generated, dir: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let document: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?;
    let with_ref_data = {
        let mut document = document.clone();
        add_ref_shaped_examples(&mut document);
        serde_json::to_string(&document).map_err(|e| e.to_string())?
    };
    let variants = [
        ("minified", "json", serde_json::to_string(&document).map_err(|e| e.to_string())?),
        ("flow", "yaml", flow_yaml(&document)),
        ("ref-data", "json", with_ref_data),
    ];
    for (variant, extension, text) in variants {
        let path = dir.join(format!("{name}.{variant}.{extension}"));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        let options = Options { name: Some(name.to_string()), ..Options::new(&path) };
        let generated = specforge::generate(&options)
            .map_err(|failure| format!("{variant}: {}", first_line(&failure.to_string())))?;
        if generated.models != original.models || generated.client != original.client {
            return Err(format!("{variant}: generates other crates than the original"));
        }
        let mut renderer = specforge::report::Renderer::new(false);
        for warning in &generated.warnings {
            let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| renderer.render(warning)));
            if rendered.is_err() {
                return Err(format!("{variant}: rendering a warning panicked: {}", warning.message));
            }
        }
    }
    Ok(())
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Adds an example whose data holds `$ref` keys to every media type of every response that has none.
fn add_ref_shaped_examples(document: &mut Value) {
    let example = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "meta": {"$ref": "https://api.example.com/scim/v2/Users/1"},
        "members": [{"value": "1", "$ref": "https://api.example.com/scim/v2/Users/1"}]
    });
    let operations =
        document.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|paths| paths.values_mut());
    for operation in operations.filter_map(Value::as_object_mut).flat_map(Map::values_mut) {
        let responses =
            operation.get_mut("responses").and_then(Value::as_object_mut).into_iter().flat_map(|r| r.values_mut());
        for response in responses {
            let media_types =
                response.get_mut("content").and_then(Value::as_object_mut).into_iter().flat_map(|c| c.values_mut());
            for media in media_types.filter_map(Value::as_object_mut) {
                if !media.contains_key("example") && !media.contains_key("examples") {
                    media.insert("example".into(), example.clone());
                }
            }
        }
    }
}

/// `value` as one line of YAML flow style: `{openapi: 3.0.0, info: {title: …}}`, with plain scalars where YAML
/// reads them back as the same string, and double-quoted ones elsewhere.
fn flow_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_flow(value, &mut out);
    out.push('\n');
    out
}

fn write_flow(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_string(key, out);
                out.push_str(": ");
                write_flow(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_flow(item, out);
            }
            out.push(']');
        }
        Value::String(text) => write_string(text, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(text: &str, out: &mut String) {
    let plain = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "_-./ ".contains(c))
        && !text.ends_with(' ')
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]
            .contains(&text.to_ascii_lowercase().as_str());
    if plain {
        out.push_str(text);
    } else {
        out.push_str(&serde_json::to_string(text).unwrap_or_default());
    }
}
