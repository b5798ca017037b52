//! The `x-specforge-*` extensions that loading writes into the document for lowering to read: facts of the source
//! that the OpenAPI 3.0 types lowering reads have no field for (a 3.1 tuple, a 3.2 item schema, operations of other
//! methods, a Swagger 2.0 separator, Azure's field names). Each key is written by one step of loading and read only
//! through its reader here; a document's own `x-specforge-*` keys are not trusted (repair drops them).

use indexmap::IndexMap;
use serde_json::{Map, Value};

/// On an array schema (3.1's `prefixItems`, written by normalization): its `items` is a `oneOf` whose members are
/// the tuple's item schemas, in order.
pub const TUPLE: &str = "x-specforge-tuple";

/// On a path item (written by normalization): operations 3.0 has no field for, keyed by where they were in the
/// path item: `query`, or `additionalOperations/<method>`.
pub const EXTRA_OPERATIONS: &str = "x-specforge-operations";

/// On the `schema` made from 3.2's `itemSchema` (written by normalization): an array of the items of a sequential
/// media type, such as server-sent events.
pub const ITEM_SCHEMA: &str = "x-specforge-item-schema";

/// On a query parameter or a form's `encoding` (written by the Swagger 2.0 upgrade): the character that joins an
/// array's items where no 3.0 style says it (`collectionFormat: tsv`; 2.0's `csv`, `ssv`, `tsv` and `pipes` on
/// `formData`).
pub const SEPARATOR: &str = "x-specforge-separator";

/// On an object schema (written by the Swagger 2.0 upgrade): the Rust names its properties asked for (Azure's
/// `x-ms-client-name`, which may stand beside a `$ref` where nothing else is read), by JSON name.
pub const FIELD_NAMES: &str = "x-specforge-field-names";

/// A node's extensions, as openapiv3 keeps them.
type Extensions = IndexMap<String, Value>;

/// Whether a schema's [`TUPLE`] marks it as a tuple.
pub fn is_tuple(extensions: &Extensions) -> bool {
    extensions.get(TUPLE) == Some(&Value::Bool(true))
}

/// Whether a schema's [`ITEM_SCHEMA`] marks it as made from an `itemSchema`.
pub fn is_item_schema(extensions: &Extensions) -> bool {
    extensions.get(ITEM_SCHEMA) == Some(&Value::Bool(true))
}

/// A path item's [`EXTRA_OPERATIONS`], by key.
pub fn extra_operations(extensions: &Extensions) -> Option<&Map<String, Value>> {
    extensions.get(EXTRA_OPERATIONS)?.as_object()
}

/// The separator [`SEPARATOR`] says among a parameter's or an encoding's `extensions`, if it says one.
pub fn separator(extensions: &Extensions) -> Option<char> {
    extensions.get(SEPARATOR)?.as_str()?.chars().next()
}

/// An object schema's [`FIELD_NAMES`]: Rust names by JSON name.
pub fn field_names(extensions: &Extensions) -> Option<&Map<String, Value>> {
    extensions.get(FIELD_NAMES)?.as_object()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn extensions(key: &str, value: Value) -> Extensions {
        IndexMap::from([(key.to_string(), value)])
    }

    #[test]
    fn each_key_is_read_as_its_writer_writes_it_and_nothing_else() {
        assert!(is_tuple(&extensions(TUPLE, json!(true))));
        assert!(!is_tuple(&extensions(TUPLE, json!("true"))));
        assert!(is_item_schema(&extensions(ITEM_SCHEMA, json!(true))));
        assert!(!is_item_schema(&extensions(TUPLE, json!(true))));
        let extra = extensions(EXTRA_OPERATIONS, json!({"query": {"responses": {}}}));
        assert_eq!(extra_operations(&extra).map(|map| map.len()), Some(1));
        assert_eq!(extra_operations(&extensions(EXTRA_OPERATIONS, json!([]))), None);
        assert_eq!(separator(&extensions(SEPARATOR, json!("\t"))), Some('\t'));
        assert_eq!(separator(&extensions(SEPARATOR, json!(""))), None);
        let names = extensions(FIELD_NAMES, json!({"type": "kind"}));
        assert_eq!(field_names(&names).and_then(|n| n["type"].as_str()), Some("kind"));
        assert_eq!(field_names(&extensions(FIELD_NAMES, json!("kind"))), None);
    }
}
