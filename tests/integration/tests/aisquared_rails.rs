//! `specs/aisquared.yaml` agrees with Multiwoven's Rails backend (`fixtures/aisquared/vendor/`, verbatim copies of
//! the files that decide the connectors API's bodies), except where the spec's header lists a departure with its
//! reason.
//!
//! - Responses: `ConnectorSerializer`'s `attributes` and `attribute …, key:` lines are the fields of
//!   `ConnectorAttributes` (the JSON:API adapter moves `id` out of the attributes, to `data.id`), each always sent.
//!   Their types come from the `connectors` table of `db/schema.rb` (`integer`, `string` nullable unless
//!   `null: false`, `datetime` as a `date-time` string, `jsonb` as an object) and from the model's `enum`s; the
//!   serializer's computed attributes are strings.
//! - Requests: the `Create` and `Update` contracts' `required(…)`/`optional(…)` keys under `connector`, with their
//!   types (`:string`, `:hash`), plus the keys the controller's `connector_params` permits (optional, and `nil`
//!   passes). A column is nullable unless the table says `null: false` or the model validates its presence.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

const SERIALIZER: &str = include_str!("../fixtures/aisquared/vendor/connector_serializer.rb");
const CONTRACTS: &str = include_str!("../fixtures/aisquared/vendor/connector_contracts.rb");
const CONTROLLER: &str = include_str!("../fixtures/aisquared/vendor/connectors_controller.rb");
const MODEL: &str = include_str!("../fixtures/aisquared/vendor/connector.rb");
const SCHEMA: &str = include_str!("../fixtures/aisquared/vendor/schema.rb");
const SPEC: &str = include_str!("../../../specs/aisquared.yaml");

/// A field as the backend has it: its JSON type (`string`, `integer`, `date-time`, `object`, or `enum:a|b`),
/// whether it may be null, and whether it is required.
#[derive(Debug, PartialEq)]
struct Field {
    ty: String,
    nullable: bool,
    required: bool,
}

#[test]
fn spec_agrees_with_the_rails_backend() {
    let spec: Value = serde_norway::from_str(SPEC).expect("specs/aisquared.yaml is YAML");
    let mut differences = BTreeMap::new();
    compare("ConnectorAttributes", &response_attributes(), &spec, &mut differences);
    let permitted = permitted_params(CONTROLLER);
    for (contract, schema) in [("Create", "ConnectorCreate"), ("Update", "ConnectorUpdate")] {
        let mut fields = contract_fields(CONTRACTS, contract);
        for name in &permitted {
            let ty = column_type(name).map(|(ty, _)| ty).unwrap_or_else(|| "undeclared".to_string());
            // Strong parameters let `nil` through for a permitted scalar.
            fields.entry(name.clone()).or_insert(Field { ty, nullable: true, required: false });
        }
        compare(schema, &fields, &spec, &mut differences);
    }
    specforge_integration::assert_only_listed_departures(
        "specs/aisquared.yaml",
        &differences,
        &specforge_integration::listed_departures(SPEC),
    );
}

#[test]
fn the_ruby_is_read_as_the_backend_means_it() {
    let attributes = response_attributes();
    assert_eq!(attributes["workspace_id"], Field { ty: "integer".into(), nullable: false, required: true });
    assert!(attributes["description"].nullable);
    assert_eq!(attributes["created_at"], Field { ty: "date-time".into(), nullable: false, required: true });
    assert_eq!(attributes["connector_type"].ty, "enum:destination|source");
    assert_eq!(attributes["icon"].ty, "string");
    assert!(!attributes.contains_key("id"));
    let create = contract_fields(CONTRACTS, "Create");
    assert_eq!(create["configuration"], Field { ty: "object".into(), nullable: false, required: true });
    assert!(!contract_fields(CONTRACTS, "Update")["name"].required);
    assert!(permitted_params(CONTROLLER).contains("description"));
}

/// The serializer's attributes, typed from the table and the model.
fn response_attributes() -> BTreeMap<String, Field> {
    let mut fields = BTreeMap::new();
    for line in SERIALIZER.lines().map(str::trim) {
        if let Some(list) = line.strip_prefix("attributes ") {
            for name in list.split(',').map(|n| n.trim().trim_start_matches(':')) {
                // The JSON:API adapter sends `id` as `data.id`, not as an attribute.
                if name == "id" {
                    continue;
                }
                let (ty, nullable) = column_type(name).unwrap_or_else(|| ("computed".to_string(), true));
                fields.insert(name.to_string(), Field { ty, nullable, required: true });
            }
        } else if let Some(rest) = line.strip_prefix("attribute ")
            && let Some((_, key)) = rest.split_once("key: :")
        {
            // Read from the connector definition's data hash, where a missing key gives `nil`.
            fields.insert(key.trim().to_string(), Field { ty: "string".into(), nullable: true, required: true });
        }
    }
    fields
}

/// The JSON type of a `connectors` column, and whether it may be null; `None` if there is no such column.
fn column_type(name: &str) -> Option<(String, bool)> {
    let table = SCHEMA.split("create_table \"connectors\"").nth(1)?.split("\n  end").next()?;
    let line = table.lines().map(str::trim).find(|l| l.split('"').nth(1) == Some(name))?;
    let column = line.strip_prefix("t.")?.split_whitespace().next()?;
    let nullable = !line.contains("null: false") && !validates_presence(name);
    if let Some(values) = enum_values(name) {
        return Some((format!("enum:{values}"), nullable));
    }
    let ty = match column {
        "integer" | "bigint" => "integer",
        "string" | "text" => "string",
        "datetime" => "date-time",
        "jsonb" | "json" => "object",
        other => other,
    };
    Some((ty.to_string(), nullable))
}

/// `validates :name, presence: true` in the model: the column is never null for a saved record.
fn validates_presence(name: &str) -> bool {
    MODEL.lines().map(str::trim).any(|l| l.starts_with(&format!("validates :{name},")) && l.contains("presence: true"))
}

/// `enum :name, %i[a b]` in the model, as sorted `a|b` (Rails serializes an enum as its value's name).
fn enum_values(name: &str) -> Option<String> {
    let line = MODEL.lines().map(str::trim).find(|l| l.starts_with(&format!("enum :{name},")))?;
    let list = line.split("%i[").nth(1)?.split(']').next()?;
    let values: BTreeSet<&str> = list.split_whitespace().collect();
    Some(values.into_iter().collect::<Vec<_>>().join("|"))
}

/// The keys under `required(:connector).hash do … end` of `class <contract>`.
fn contract_fields(source: &str, contract: &str) -> BTreeMap<String, Field> {
    let body = source.split(&format!("class {contract} < ")).nth(1).unwrap_or_default();
    let block = body.split("required(:connector).hash do").nth(1).unwrap_or_default();
    let block = block.split("\n      end").next().unwrap_or_default();
    let mut fields = BTreeMap::new();
    for line in block.lines().map(str::trim) {
        let (required, rest) = match (line.strip_prefix("required(:"), line.strip_prefix("optional(:")) {
            (Some(rest), _) => (true, rest),
            (None, Some(rest)) => (false, rest),
            (None, None) => continue,
        };
        let Some((name, rest)) = rest.split_once(')') else { continue };
        let ty = match rest.split("(:").nth(1).and_then(|t| t.split(')').next()) {
            Some("hash") => "object",
            Some("integer") => "integer",
            Some(other) => other,
            None => "undeclared",
        };
        fields.insert(name.to_string(), Field { ty: ty.to_string(), nullable: false, required });
    }
    fields
}

/// The scalar and hash keys `params.require(:connector).permit(…)` lets through.
fn permitted_params(source: &str) -> BTreeSet<String> {
    let permit = source.split("params.require(:connector).permit(").nth(1).unwrap_or_default();
    let permit = permit.split("\n      end").next().unwrap_or_default();
    permit
        .split(',')
        .map(|part| part.trim().trim_end_matches(')'))
        .filter_map(|part| part.strip_prefix(':').or_else(|| part.strip_suffix(": {}")))
        .map(str::to_string)
        .collect()
}

/// The backend's view of our schema `name`'s fields, in the same terms as [`Field`].
fn ours(spec: &Value, name: &str) -> BTreeMap<String, Field> {
    let schema = &spec["components"]["schemas"][name];
    let required: BTreeSet<&str> =
        schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut fields = BTreeMap::new();
    for (property, declared) in schema["properties"].as_object().into_iter().flatten() {
        let mut declared = declared;
        let mut nullable = declared["nullable"] == true;
        if let Some(target) = declared["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
            declared = &spec["components"]["schemas"][target];
            nullable |= declared["nullable"] == true;
        }
        let ty = match (declared["type"].as_str(), declared["format"].as_str(), declared["enum"].as_array()) {
            (_, _, Some(values)) => {
                let values: BTreeSet<&str> = values.iter().filter_map(Value::as_str).collect();
                format!("enum:{}", values.into_iter().collect::<Vec<_>>().join("|"))
            }
            (Some("string"), Some("date-time"), None) => "date-time".to_string(),
            (Some(ty), _, None) => ty.to_string(),
            (None, _, None) => "undeclared".to_string(),
        };
        fields.insert(property.clone(), Field { ty, nullable, required: required.contains(property.as_str()) });
    }
    fields
}

fn compare(schema: &str, backend: &BTreeMap<String, Field>, spec: &Value, differences: &mut BTreeMap<String, String>) {
    let ours = ours(spec, schema);
    for (name, theirs) in backend {
        let at = format!("{schema}.{name}");
        match ours.get(name) {
            None => {
                differences.insert(at, "a field of the backend, missing here".into());
            }
            Some(mine) if mine != theirs => {
                differences.insert(at, format!("{theirs:?} in the backend, {mine:?} here"));
            }
            Some(_) => {}
        }
    }
    for name in ours.keys().filter(|name| !backend.contains_key(*name)) {
        differences.insert(format!("{schema}.{name}"), "a field the backend does not have".into());
    }
}
