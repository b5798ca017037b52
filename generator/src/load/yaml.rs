//! YAML into a JSON value. `serde_json::Value`'s own `Deserialize` refuses integers beyond `i64`/`u64` ("JSON number
//! out of range"), which YAML hands over as 128-bit integers (`maximum: 18446744073709552000` in DigitalOcean's
//! description); the same number in a JSON file is read as a float. This reads them as floats too, so a YAML and a
//! JSON document with the same content give the same value.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses YAML text into a JSON value.
pub fn from_str(text: &str) -> Result<Value, serde_norway::Error> {
    JsonValue.deserialize(serde_norway::Deserializer::from_str(text))
}

/// Builds a `serde_json::Value` from any self-describing format, reading out-of-range integers as floats.
#[derive(Clone, Copy)]
struct JsonValue;

impl<'de> DeserializeSeed<'de> for JsonValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(match i64::try_from(value) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(value as f64),
        })
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(match u64::try_from(value) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(value as f64),
        })
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key_seed(Key)? {
            let value = map.next_value_seed(self)?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// A float as JSON has it: NaN and the infinities (`.nan`, `.inf` in YAML) have no JSON form and become `null`.
fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A mapping key as JSON has it: a string. YAML also allows numbers, booleans and null as keys (`200:` for a
/// status code); they become their text as written.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E>(self, value: &str) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_string<E>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_bool<E>(self, value: bool) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i64<E>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u64<E>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E>(self, value: f64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_beyond_64_bits_are_read_as_floats_like_json_reads_them() {
        let yaml =
            "minimum: -9223372036854776000\nmaximum: 18446744073709552000\nsmall: -3\nbig: 18446744073709551615\n";
        let json = r#"{"minimum": -9223372036854776000, "maximum": 18446744073709552000, "small": -3, "big": 18446744073709551615}"#;
        assert_eq!(from_str(yaml).unwrap(), serde_json::from_str::<Value>(json).unwrap());
    }

    #[test]
    fn keys_become_strings_and_order_is_kept() {
        let value = from_str("responses:\n  200: {}\n  404: {}\n  default: {}\ntrue: 1\n~: 2\n").unwrap();
        assert_eq!(value, json!({"responses": {"200": {}, "404": {}, "default": {}}, "true": 1, "~": 2}));
        let keys: Vec<&String> = value["responses"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["200", "404", "default"]);
    }

    #[test]
    fn yaml_floats_without_a_json_form_become_null() {
        assert_eq!(from_str("a: .nan\nb: .inf\nc: 1.5\n").unwrap(), json!({"a": null, "b": null, "c": 1.5}));
    }
}
