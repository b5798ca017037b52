//! Supermetal's "Create a new connector" request, built from typed values and serialized to the page's JSON,
//! twice: with the models `build.rs` generates into `OUT_DIR`, and with the checked-in `generated/supermetal-models`
//! crate a user would depend on. Both come from the same spec, so the same code must compile and agree.

macro_rules! typed_request_tests {
    ($module:ident, $models:path) => {
        mod $module {
            use $models as m;

            fn connection() -> m::PostgresConnection {
                m::PostgresConnection {
                    host: "example.com".into(),
                    port: None,
                    user: "string".into(),
                    password: "pa$$word".into(),
                    database: "string".into(),
                    ssl_mode: m::Nullable::Absent,
                    ssl_cert: None,
                    ssl_key: None,
                    ssl_root_cert: None,
                    max_pool_size: None,
                    operation_lock_timeout_seconds: None,
                    tunnel: None,
                    additional_properties: Default::default(),
                }
            }

            #[test]
            fn builds_the_pages_create_request() {
                let request = m::Connector {
                    id: "string".into(),
                    source: m::Source::Postgres(m::PostgresSource {
                        connection: connection(),
                        replication_type: m::PostgresReplicationType::LogicalReplication(Default::default()),
                        catalog: None,
                        keyless_table_strategy: None,
                        parallel_snapshots_enabled: None,
                        partitions_as_root: None,
                        system_columns: None,
                        additional_properties: Default::default(),
                    }),
                    sink: m::Sink::Postgres(m::PostgresSink {
                        connection: connection(),
                        migration_strategy: None,
                        target_schema: None,
                        additional_properties: Default::default(),
                    }),
                    buffer: m::Nullable::Absent,
                    limits: m::Nullable::Absent,
                    disabled: None,
                    schedule: m::Nullable::Absent,
                    name: m::Nullable::Absent,
                    identifier_naming: None,
                    additional_properties: Default::default(),
                };
                let expected: serde_json::Value = serde_json::from_str(include_str!(
                    "../../integration/fixtures/supermetal/seed002_create_request.json"
                ))
                .unwrap();
                assert_eq!(serde_json::to_value(&request).unwrap(), expected);
            }

            #[test]
            fn constrained_names_validate() {
                assert!(m::ConnectorName::new("").is_err());
                assert_eq!(m::ConnectorName::new("orders").unwrap().as_str(), "orders");
                assert!(serde_json::from_str::<m::ConnectorName>("\"\"").is_err());
            }
        }
    };
}

typed_request_tests!(from_build_script, build_script_user::supermetal);
typed_request_tests!(from_generated_crate, supermetal_models);
