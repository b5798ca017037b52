//! `specs/agentstack.yaml` agrees with the Agent Stack server's own pydantic models, except where the spec's
//! header lists a departure with its reason. `fixtures/agentstack/vendor/pydantic_schemas.json` is the JSON Schema
//! pydantic writes for each model the connector routes take (validation mode) or return (serialization mode),
//! exported from the server's source by `export_schemas.py` beside it.
//!
//! Compared, schema by schema from the models down: properties, required, nullability (`anyOf` with `null`),
//! types, formats, enums and constants, map values, array items and discriminated unions. Descriptions, defaults
//! and bounds enforced by validators are not: the JSON Schema does not carry the validators.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

const MODELS: &str = include_str!("../fixtures/agentstack/vendor/pydantic_schemas.json");
const SPEC: &str = include_str!("../../../specs/agentstack.yaml");

#[test]
fn spec_agrees_with_the_servers_models() {
    let models: BTreeMap<String, BTreeMap<String, Value>> =
        serde_json::from_str(MODELS).expect("pydantic_schemas.json");
    let spec: Value = serde_norway::from_str(SPEC).expect("specs/agentstack.yaml is YAML");
    let mut differences = BTreeMap::new();
    let directions = [("requests", false), ("responses", true)];
    for (name, model, response) in directions
        .iter()
        .flat_map(|(direction, response)| models[*direction].iter().map(move |(name, model)| (name, model, *response)))
    {
        let ours = &spec["components"]["schemas"][name];
        if ours.is_null() {
            differences.insert(name.clone(), "a model of the server, missing here".to_string());
            continue;
        }
        let mut check = Check {
            defs: &model["$defs"],
            spec: &spec,
            response,
            seen: BTreeSet::new(),
            differences: &mut differences,
        };
        check.compare(model, &json!({"$ref": format!("#/components/schemas/{name}")}), name);
    }
    specforge_integration::assert_only_listed_departures(
        "specs/agentstack.yaml",
        &differences,
        &specforge_integration::listed_departures(SPEC),
    );
}

/// A schema with references, single-member `allOf`s and `anyOf: [X, null]` taken away, whether it may be null, and
/// (on our side) the component it came from.
struct Plain<'a> {
    schema: &'a Value,
    nullable: bool,
    component: Option<&'a str>,
}

struct Check<'a, 'd> {
    /// The model's `$defs`.
    defs: &'a Value,
    spec: &'a Value,
    /// A response model: FastAPI serializes every field, so one with a default is always present too (pydantic's
    /// serialization schema still lists only the fields without a default as required).
    response: bool,
    /// Components compared already.
    seen: BTreeSet<&'a str>,
    differences: &'d mut BTreeMap<String, String>,
}

impl<'a> Check<'a, '_> {
    fn differ(&mut self, at: &str, what: impl Into<String>) {
        self.differences.insert(at.to_string(), what.into());
    }

    /// Pydantic's side: `$ref: #/$defs/X` and `anyOf: [X, {type: null}]`.
    fn theirs(&self, mut schema: &'a Value) -> Plain<'a> {
        let mut nullable = false;
        loop {
            if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                schema = &self.defs[name];
            } else if let Some(members) = schema.get("anyOf").and_then(Value::as_array)
                && let Some(null) = members.iter().position(|m| m.get("type") == Some(&Value::from("null")))
                && members.len() == 2
            {
                nullable = true;
                schema = &members[1 - null];
            } else {
                return Plain { schema, nullable, component: None };
            }
        }
    }

    /// Our side: `$ref: #/components/schemas/X`, `nullable`, and `allOf: [X]`.
    fn ours(&self, mut schema: &'a Value) -> Plain<'a> {
        let mut nullable = false;
        let mut component = None;
        loop {
            nullable |= schema.get("nullable") == Some(&Value::Bool(true));
            if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
                component = Some(name);
                schema = &self.spec["components"]["schemas"][name];
            } else if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
                schema = only;
            } else {
                return Plain { schema, nullable, component };
            }
        }
    }

    fn compare(&mut self, theirs: &'a Value, ours: &'a Value, at: &str) {
        let (theirs, ours) = (self.theirs(theirs), self.ours(ours));
        if theirs.nullable != ours.nullable {
            self.differ(&format!("{at} nullable"), format!("nullable {} on the server", theirs.nullable));
        }
        // Inside a component, places are named from it, and each component is compared once per direction.
        let at = match ours.component {
            Some(component) if !self.seen.insert(component) => return,
            Some(component) => component,
            None => at,
        };
        let (theirs, ours) = (theirs.schema, ours.schema);
        if let Some(variants) = theirs.get("oneOf").and_then(Value::as_array) {
            self.compare_union(theirs, variants, ours, at);
            return;
        }
        let kind = |s: &Value| s.get("type").and_then(Value::as_str).map(str::to_string);
        if kind(theirs) != kind(ours) {
            self.differ(at, format!("{:?} on the server, {:?} here", kind(theirs), kind(ours)));
            return;
        }
        if theirs.get("format") != ours.get("format") {
            self.differ(&format!("{at} format"), format!("{} on the server", theirs["format"]));
        }
        let values = |s: &Value| -> BTreeSet<String> {
            match (s.get("const"), s.get("enum").and_then(Value::as_array)) {
                (Some(value), _) => [value.to_string()].into(),
                (None, Some(values)) => values.iter().map(Value::to_string).collect(),
                (None, None) => BTreeSet::new(),
            }
        };
        if values(theirs) != values(ours) {
            self.differ(&format!("{at} enum"), format!("{:?} on the server", values(theirs)));
        }
        if let Some(items) = theirs.get("items") {
            self.compare(items, &ours["items"], &format!("{at}[]"));
        }
        if let Some(value) = theirs.get("additionalProperties").filter(|v| v.is_object()) {
            match ours.get("additionalProperties").filter(|v| v.is_object()) {
                Some(ours) => self.compare(value, ours, &format!("{at}.*")),
                None => self.differ(&format!("{at}.*"), "a map on the server"),
            }
        }
        if let Some(properties) = theirs.get("properties").and_then(Value::as_object) {
            self.compare_object(theirs, properties, ours, at);
        }
    }

    fn compare_object(
        &mut self,
        theirs: &'a Value,
        properties: &'a serde_json::Map<String, Value>,
        ours: &'a Value,
        at: &str,
    ) {
        let required = |s: &Value| -> BTreeSet<String> {
            s["required"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
        };
        let mut their_required = required(theirs);
        if self.response {
            their_required.extend(properties.keys().cloned());
        }
        let our_required = required(ours);
        let ours_properties = ours["properties"].as_object().cloned().unwrap_or_default();
        for (name, property) in properties {
            let place = format!("{at}.{name}");
            let Some(our_property) = ours["properties"].get(name) else {
                self.differ(&place, "a field of the server's model, missing here");
                continue;
            };
            if their_required.contains(name) != our_required.contains(name) {
                self.differ(
                    &format!("{place} required"),
                    format!("required {} on the server", their_required.contains(name)),
                );
            }
            self.compare(property, our_property, &place);
        }
        for name in ours_properties.keys().filter(|name| !properties.contains_key(*name)) {
            self.differ(&format!("{at}.{name}"), "a field the server's model does not have");
        }
    }

    fn compare_union(&mut self, theirs: &'a Value, variants: &'a [Value], ours: &'a Value, at: &str) {
        let tag = |s: &Value| s["discriminator"]["propertyName"].as_str().map(str::to_string);
        if tag(theirs) != tag(ours) {
            self.differ(&format!("{at} discriminator"), format!("{:?} on the server", tag(theirs)));
        }
        let mapping = |s: &'a Value| -> BTreeMap<String, String> {
            s["discriminator"]["mapping"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(key, target)| (key.clone(), target.as_str().unwrap_or_default().to_string()))
                .collect()
        };
        let (their_mapping, our_mapping) = (mapping(theirs), mapping(ours));
        if their_mapping.keys().ne(our_mapping.keys()) {
            self.differ(&format!("{at} variants"), format!("{:?} on the server", their_mapping.keys()));
            return;
        }
        for (key, target) in &their_mapping {
            let theirs = variants.iter().find(|v| v["$ref"] == target.as_str()).unwrap_or(&Value::Null);
            let ours = ours["oneOf"].as_array().into_iter().flatten().find(|v| v["$ref"] == our_mapping[key].as_str());
            self.compare(theirs, ours.unwrap_or(&Value::Null), &format!("{at}.{key}"));
        }
    }
}
