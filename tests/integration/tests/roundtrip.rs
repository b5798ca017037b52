//! Every fixture (the vendors' own examples and real server shapes) deserializes into the generated model and
//! serializes back to equal JSON. See `fixtures/README.md` for where a fixture departs from a seed and why.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserializes `json` into `T`, serializes it back and checks nothing was lost or added.
fn assert_round_trip<T: DeserializeOwned + Serialize>(fixture: &str, json: &str) -> T {
    let original: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{fixture} is not JSON: {e}"));
    let typed: T = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{fixture} does not deserialize into {}: {e}", std::any::type_name::<T>()));
    let back = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{fixture}: cannot serialize: {e}"));
    assert_eq!(back, original, "{fixture} changed in a round trip through {}", std::any::type_name::<T>());
    typed
}

macro_rules! round_trip {
    ($test:ident, $ty:ty, $file:literal) => {
        #[test]
        fn $test() {
            assert_round_trip::<$ty>($file, include_str!(concat!("../fixtures/", $file)));
        }
    };
}

mod aisquared {
    use super::*;
    use aisquared_models as m;

    round_trip!(seed000_create_request, m::CreateConnectorRequest, "aisquared/seed000_create_request.json");
    round_trip!(seed000_create_response, m::ConnectorEnvelope, "aisquared/seed000_create_response.json");
    round_trip!(update_request_partial, m::UpdateConnectorRequest, "aisquared/update_request_partial.json");
    round_trip!(list_response, m::ConnectorList, "aisquared/list_response.json");
    round_trip!(error_not_found, m::ErrorList, "aisquared/error_not_found.json");
    round_trip!(error_contract_400, m::BadRequestError, "aisquared/error_contract_400.json");
    round_trip!(error_parse_400, m::BadRequestError, "aisquared/error_parse_400.json");
    round_trip!(error_missing_connector_422, m::UnprocessableError, "aisquared/error_missing_connector_422.json");

    /// A newer server: an unknown `connector_type`, attributes and members the spec does not name.
    #[test]
    fn a_newer_servers_response_survives_a_round_trip() {
        let fixture = include_str!("../fixtures/aisquared/newer_server_response.json");
        let envelope: m::ConnectorEnvelope = assert_round_trip("aisquared/newer_server_response.json", fixture);
        let attributes = &envelope.data.attributes;
        assert_eq!(attributes.connector_type, m::ConnectorType::Unknown("model".into()));
        assert_eq!(attributes.additional_properties["connector_sub_category"], "database");
        assert!(envelope.additional_properties.contains_key("meta"));
    }

    #[test]
    fn bad_request_shapes_decode_to_their_own_variants() {
        let contract: m::BadRequestError =
            serde_json::from_str(include_str!("../fixtures/aisquared/error_contract_400.json")).unwrap();
        assert!(
            matches!(contract.errors, m::BadRequestErrors::FieldErrors(ref fields) if fields.contains_key("connector"))
        );
        let parse: m::BadRequestError =
            serde_json::from_str(include_str!("../fixtures/aisquared/error_parse_400.json")).unwrap();
        assert!(matches!(parse.errors, m::BadRequestErrors::ErrorObjects(ref list) if list[0].status == Some(400)));
    }

    #[test]
    fn unknown_connector_type_is_kept() {
        let envelope: m::ConnectorEnvelope =
            serde_json::from_str(include_str!("../fixtures/aisquared/seed000_create_response.json")).unwrap();
        assert_eq!(envelope.data.attributes.connector_type, m::ConnectorType::Unknown("<string>".to_string()));
        assert_eq!("source".parse::<m::ConnectorType>(), Ok(m::ConnectorType::Source));
        assert_eq!(m::ConnectorType::Destination.to_string(), "destination");
    }

    #[test]
    fn millisecond_timestamps_survive() {
        let list: m::ConnectorList =
            serde_json::from_str(include_str!("../fixtures/aisquared/list_response.json")).unwrap();
        assert_eq!(list.data[0].attributes.created_at.timestamp_subsec_millis(), 512);
        assert_eq!(list.links.and_then(|l| l.prev), None);
    }
}

mod agentstack {
    use super::*;
    use agentstack_models as m;

    round_trip!(seed001_create_request, m::ConnectorCreateRequest, "agentstack/seed001_create_request.json");
    round_trip!(seed001_create_response, m::ConnectorResponse, "agentstack/seed001_create_response.json");
    round_trip!(response_before_connect, m::ConnectorResponse, "agentstack/response_before_connect.json");
    round_trip!(list_response, m::PaginatedConnectors, "agentstack/list_response.json");
    round_trip!(presets_response, m::PaginatedConnectorPresets, "agentstack/presets_response.json");
    round_trip!(error_422, m::HttpValidationError, "agentstack/error_422.json");
    round_trip!(error_detail, m::ErrorDetail, "agentstack/error_detail.json");
    round_trip!(connect_request, m::ConnectorConnectRequest, "agentstack/connect_request.json");

    /// A newer server: an unknown `state` and fields the spec does not name.
    #[test]
    fn a_newer_servers_response_survives_a_round_trip() {
        let fixture = include_str!("../fixtures/agentstack/newer_server_response.json");
        let connector: m::ConnectorResponse = assert_round_trip("agentstack/newer_server_response.json", fixture);
        assert_eq!(connector.state, m::ConnectorState::Unknown("auth_expired".into()));
        assert_eq!(connector.additional_properties["tools"], serde_json::json!(["search", "fetch"]));
    }

    #[test]
    fn auth_request_is_internally_tagged() {
        let response: m::ConnectorResponse =
            serde_json::from_str(include_str!("../fixtures/agentstack/seed001_create_response.json")).unwrap();
        let Some(m::AuthRequest::Code(request)) = response.auth_request else { panic!("expected a code auth request") };
        assert_eq!(request.authorization_endpoint.as_str(), "https://auth.example.com/authorize");
        // The tag is written back where it was read.
        let written = serde_json::to_value(m::AuthRequest::Code(request)).unwrap();
        assert_eq!(
            written,
            serde_json::json!({"type": "code", "authorization_endpoint": "https://auth.example.com/authorize"})
        );
    }

    /// A newer Agent Stack may ask for another kind of authorization: the connector still decodes, and the request
    /// is kept as sent. A listed kind whose content is wrong is still an error, not silently the catch-all.
    #[test]
    fn a_new_kind_of_auth_request_is_kept_and_a_broken_known_one_is_an_error() {
        let device = serde_json::json!({"type": "device_code", "verification_uri": "https://auth.example.com/device"});
        let request: m::AuthRequest = assert_round_trip("a newer server's auth request", &device.to_string());
        assert_eq!(request, m::AuthRequest::Unknown(device));
        let untagged: m::AuthRequest = serde_json::from_str(r#"{"kind": "code"}"#).unwrap();
        assert!(matches!(untagged, m::AuthRequest::Unknown(_)), "{untagged:?}");

        let broken = serde_json::from_str::<m::AuthRequest>(r#"{"type": "code", "authorization_endpoint": 7}"#);
        let message = broken.expect_err("a listed variant with bad content").to_string();
        assert!(message.starts_with("variant `code`: "), "{message}");
    }

    #[test]
    fn required_nullable_fields_are_serialized_as_null() {
        let response: m::ConnectorResponse =
            serde_json::from_str(include_str!("../fixtures/agentstack/response_before_connect.json")).unwrap();
        assert_eq!(response.auth_request, None);
        let json = serde_json::to_value(&response).unwrap();
        for field in ["auth_request", "disconnect_reason", "metadata"] {
            assert_eq!(json.get(field), Some(&Value::Null), "{field} must be present as null");
        }
        // Optional fields that are None are left out instead.
        assert!(json.get("created_at").is_none());
    }

    #[test]
    fn metadata_limits_are_enforced_when_deserializing_and_constructing() {
        let pairs = |n: usize| (0..n).map(|i| (format!("k{i}"), Value::from("v"))).collect::<serde_json::Map<_, _>>();
        assert!(serde_json::from_value::<m::Metadata>(Value::Object(pairs(16))).is_ok());
        let too_many = serde_json::from_value::<m::Metadata>(Value::Object(pairs(17))).unwrap_err();
        assert!(too_many.to_string().contains("more than the maximum of 16"), "{too_many}");
        let long_key = serde_json::json!({ "k".repeat(65): "v" });
        assert!(serde_json::from_value::<m::Metadata>(long_key).is_err());
        let ok_key = serde_json::json!({ "k".repeat(64): "v" });
        assert!(serde_json::from_value::<m::Metadata>(ok_key).is_ok());
        let long_value = serde_json::json!({ "k": "v".repeat(513) });
        assert!(serde_json::from_value::<m::Metadata>(long_value).is_err());
        assert!(m::MetadataValue::new("v".repeat(512)).is_ok());
        assert_eq!(m::MetadataValue::new("v".repeat(513)).unwrap_err().type_name(), "MetadataValue");
    }

    #[test]
    fn client_secret_is_redacted_in_debug() {
        let request: m::ConnectorCreateRequest = serde_json::from_value(serde_json::json!({
            "url": "https://mcp.example.com/", "client_id": "app", "client_secret": "hunter2"
        }))
        .unwrap();
        let debug = format!("{request:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("<redacted>") && debug.contains("app"), "{debug}");
    }

    #[test]
    fn unknown_state_from_a_newer_server_is_kept() {
        let state: m::ConnectorState = serde_json::from_value(Value::from("paused")).unwrap();
        assert_eq!(state, m::ConnectorState::Unknown("paused".into()));
        assert_eq!(serde_json::to_value(&state).unwrap(), Value::from("paused"));
    }
}

mod supermetal {
    use super::*;
    use supermetal_models as m;

    round_trip!(seed002_create_request, m::Connector, "supermetal/seed002_create_request.json");
    round_trip!(seed002_create_response, m::ConnectorWithStatus, "supermetal/seed002_create_response.json");
    round_trip!(mysql_to_snowflake, m::Connector, "supermetal/mysql_to_snowflake.json");
    round_trip!(postgres_snapshot_to_clickhouse, m::Connector, "supermetal/postgres_snapshot_to_clickhouse.json");
    round_trip!(list_response, m::ConnectorWithStatuses, "supermetal/list_response.json");
    round_trip!(command_request, m::CommandWrapper, "supermetal/command_request.json");

    /// Bodies built from the vendor's own Go types (`fixtures/supermetal/vendor/client.gen.go`): every field of
    /// every type, and each union's variants in turn, fully populated and with only the required fields.
    #[test]
    fn every_field_and_variant_of_the_vendors_types() {
        let bodies: serde_json::Map<String, Value> =
            serde_json::from_str(include_str!("../fixtures/supermetal/from_vendor_types.json")).unwrap();
        fn each<T: DeserializeOwned + Serialize + std::fmt::Debug>(
            bodies: &serde_json::Map<String, Value>,
            name: &str,
        ) -> usize {
            let list = bodies[name].as_array().unwrap_or_else(|| panic!("{name}: no bodies"));
            for (index, body) in list.iter().enumerate() {
                let typed =
                    assert_round_trip::<T>(&format!("from_vendor_types.json {name}[{index}]"), &body.to_string());
                // Every value is one the vendor's types list: none may fall back to a catch-all variant.
                let debug = format!("{typed:?}");
                assert!(!debug.contains("Unknown("), "{name}[{index}] decoded only partly: {debug}");
            }
            list.len()
        }
        let count = each::<m::Connector>(&bodies, "Connector")
            + each::<m::ConnectorWithStatus>(&bodies, "ConnectorWithStatus")
            + each::<m::ConnectorHistory>(&bodies, "ConnectorHistory")
            + each::<m::ValidateEvent>(&bodies, "ValidateEvent")
            + each::<m::Catalog>(&bodies, "Catalog")
            + each::<m::CommandWrapper>(&bodies, "CommandWrapper")
            + each::<m::ValidateBufferRequest>(&bodies, "ValidateBufferRequest")
            + each::<m::SshKeyPairResponse>(&bodies, "SshKeyPairResponse")
            + each::<m::SnapshotStatusResponse>(&bodies, "SnapshotStatusResponse");
        assert_eq!(count, bodies.len() * 24);
    }

    /// Every credential of every source, sink and buffer (from the vendor's types, all variants) stays out of
    /// `Debug`.
    #[test]
    fn credentials_never_show_in_debug() {
        const SECRETS: [&str; 16] = [
            "password",
            "token",
            "session_token",
            "secret_access_key",
            "private_key",
            "client_secret",
            "ssl_key_password",
            "private_key_pem",
            "private_key_password",
            "personal_access_token",
            "key_json",
            "credentials_json",
            "cert_key_file",
            "app_password",
            "account_key",
            "ssl_client_key_pem",
        ];
        fn secrets_in(value: &Value, found: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    for (key, value) in map {
                        match value {
                            Value::String(text) if SECRETS.contains(&key.as_str()) => found.push(text.clone()),
                            _ => secrets_in(value, found),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|item| secrets_in(item, found)),
                _ => {}
            }
        }
        let bodies: Value =
            serde_json::from_str(include_str!("../fixtures/supermetal/from_vendor_types.json")).unwrap();
        let mut checked = 0;
        for body in bodies["Connector"].as_array().unwrap() {
            let connector: m::Connector = serde_json::from_value(body.clone()).unwrap();
            let debug = format!("{connector:?}");
            let mut secrets = Vec::new();
            secrets_in(body, &mut secrets);
            for secret in &secrets {
                assert!(!debug.contains(secret.as_str()), "{secret} shows in {debug}");
            }
            checked += secrets.len();
        }
        assert!(checked > 40, "only {checked} secrets checked");
    }

    /// A newer agent's new sink (or source, or SSL mode) decodes, keeps its content and is written back as sent,
    /// so listing connectors does not fail because one of them uses it.
    #[test]
    fn a_new_variant_from_a_newer_agent_is_kept() {
        let body = serde_json::json!({
            "connectors": [{
                "connector": {
                    "id": "pg-lake",
                    "source": {"postgres": {"connection": {"host": "pg", "user": "u", "password": "**REDACTED**", "database": "d"}, "replication_type": {"snapshot": {}}}},
                    "sink": {"lakehouse": {"uri": "s3://lake", "format": "delta"}}
                }
            }]
        });
        let list: m::ConnectorWithStatuses = assert_round_trip("a newer agent's sink", &body.to_string());
        let sink = &list.connectors[0].connector.sink;
        assert_eq!(*sink, m::Sink::Unknown(serde_json::json!({"lakehouse": {"uri": "s3://lake", "format": "delta"}})));
        assert!(matches!(list.connectors[0].connector.source, m::Source::Postgres(_)), "listed variants stay typed");
    }

    #[test]
    fn unions_are_externally_tagged() {
        let connector: m::Connector =
            serde_json::from_str(include_str!("../fixtures/supermetal/postgres_snapshot_to_clickhouse.json")).unwrap();
        let m::Source::Postgres(source) = &connector.source else { panic!("expected a postgres source") };
        assert_eq!(source.replication_type, m::PostgresReplicationType::Snapshot {});
        assert_eq!(source.connection.ssl_mode, m::Nullable::Value(m::PostgresSslMode::VerifyFull));
        let m::Sink::Clickhouse(sink) = &connector.sink else { panic!("expected a clickhouse sink") };
        assert_eq!(sink.engine, m::Nullable::Value(m::ClickhouseEngine::Unknown("ReplacingMergeTree".into())));
        assert!(matches!(sink.history_mode, Some(m::MigrationHistoryMode::Append(_))));
        let unit = serde_json::to_value(m::PostgresReplicationType::Snapshot {}).unwrap();
        assert_eq!(unit, serde_json::json!({"snapshot": {}}));
    }

    #[test]
    fn fields_a_newer_agent_adds_survive_a_read_modify_write() {
        let fixture = include_str!("../fixtures/supermetal/newer_agent_response.json");
        let mut read: m::ConnectorWithStatus = assert_round_trip("newer_agent_response.json", fixture);
        let m::Sink::Clickhouse(sink) = &read.connector.sink else { panic!("expected a clickhouse sink") };
        assert_eq!(sink.connection.additional_properties.get("compression"), Some(&Value::from("lz4")));
        read.connector.disabled = Some(true);
        let written = serde_json::to_value(&read.connector).unwrap();
        let mut expected: Value = serde_json::from_str(fixture).unwrap();
        expected["connector"]["disabled"] = Value::Bool(true);
        assert_eq!(written, expected["connector"]);
    }

    #[test]
    fn passwords_are_redacted_in_debug() {
        let connector: m::Connector =
            serde_json::from_str(include_str!("../fixtures/supermetal/seed002_create_request.json")).unwrap();
        let debug = format!("{connector:?}");
        assert!(!debug.contains("pa$$word"), "{debug}");
        assert!(debug.contains("example.com"), "{debug}");
    }

    #[test]
    fn command_spelling_is_the_agents() {
        assert_eq!(serde_json::to_value(m::Command::ReIntialize).unwrap(), Value::from("ReIntialize"));
    }
}

mod patchworks {
    use super::*;
    use patchworks_models as m;

    round_trip!(create_request, m::ConnectorInstancesStoreRequest, "patchworks/create_request.json");
    round_trip!(create_response, m::ConnectorInstancesResponse, "patchworks/create_response.json");
    round_trip!(error_422, m::ErrorResponse, "patchworks/error_422.json");

    /// A newer server: an unknown `rate_limit_unit`, a null foreign key, fields the spec does not name. Laravel
    /// writes timestamps with microseconds (`.000000Z`); they come back as the same instant in RFC 3339's shortest
    /// form, which is the one change a round trip makes.
    #[test]
    fn a_newer_servers_response_survives_a_round_trip() {
        let fixture = include_str!("../fixtures/patchworks/newer_server_response.json");
        let response: m::ConnectorInstancesResponse = serde_json::from_str(fixture).unwrap();
        let expected: Value = serde_json::from_str(&fixture.replace(".000000Z", "Z")).unwrap();
        assert_eq!(serde_json::to_value(&response).unwrap(), expected);
        let instance = response.data.expect("data");
        assert_eq!(instance.authentication_implementation_template_id, Some(12));
        assert_eq!(instance.connection_pool_id, m::Nullable::Null);
        assert_eq!(instance.additional_properties["flow_count"], 3);
        assert!(response.additional_properties.contains_key("links"));
    }

    #[test]
    fn variable_templates_are_an_array_of_objects() {
        let request: m::ConnectorInstancesStoreRequest =
            serde_json::from_str(include_str!("../fixtures/patchworks/create_request.json")).unwrap();
        let templates = request.variable_templates.into_value().expect("templates");
        assert_eq!(templates.len(), 2);
        assert_eq!(templates[1].key, "access_token");
        assert_eq!(templates[0].pivot.as_ref().and_then(|p| p.alias.value().map(String::as_str)), Some("store"));
    }

    #[test]
    fn key_and_label_are_required() {
        let missing_label = serde_json::json!({"key": "shop"});
        let error = serde_json::from_value::<m::VariableTemplate>(missing_label).unwrap_err();
        assert!(error.to_string().contains("label"), "{error}");
    }
}
