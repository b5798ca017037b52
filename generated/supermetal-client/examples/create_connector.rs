//! Creates a Postgres → Postgres connector on a Supermetal agent (the agent picks its id).
//!
//! ```sh
//! SUPERMETAL_BASE_URL=https://localhost:3000 [SUPERMETAL_USER=... SUPERMETAL_PASSWORD=...] \
//!     cargo run -p supermetal-client --example create_connector
//! ```

use std::process::ExitCode;

use supermetal_client::{Client, models};

fn connection(host: &str) -> models::PostgresConnection {
    models::PostgresConnection {
        host: host.into(),
        port: Some(5432),
        user: "replicator".into(),
        password: "change-me".into(),
        database: "app".into(),
        ssl_mode: models::Nullable::Value(models::PostgresSslMode::Require),
        ssl_cert: None,
        ssl_key: None,
        ssl_root_cert: None,
        max_pool_size: None,
        operation_lock_timeout_seconds: None,
        tunnel: None,
        additional_properties: Default::default(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let Ok(base_url) = std::env::var("SUPERMETAL_BASE_URL") else {
        eprintln!(
            "set SUPERMETAL_BASE_URL (e.g. {}); SUPERMETAL_USER and SUPERMETAL_PASSWORD if the agent needs them",
            supermetal_client::DEFAULT_BASE_URL
        );
        return ExitCode::from(2);
    };
    let client = match Client::new(&base_url) {
        Ok(client) => match (std::env::var("SUPERMETAL_USER"), std::env::var("SUPERMETAL_PASSWORD")) {
            (Ok(user), Ok(password)) => client.with_basic_auth(user, password),
            _ => client,
        },
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let connector = models::Connector {
        id: String::new(), // ignored: the agent generates the id
        source: models::Source::Postgres(models::PostgresSource {
            connection: connection("source-db.internal"),
            replication_type: models::PostgresReplicationType::LogicalReplication(Default::default()),
            catalog: None,
            keyless_table_strategy: None,
            parallel_snapshots_enabled: Some(true),
            partitions_as_root: None,
            system_columns: None,
            additional_properties: Default::default(),
        }),
        sink: models::Sink::Postgres(models::PostgresSink {
            connection: connection("warehouse.internal"),
            migration_strategy: None,
            target_schema: Some("replica".into()),
            additional_properties: Default::default(),
        }),
        buffer: models::Nullable::Absent,
        limits: models::Nullable::Absent,
        disabled: None,
        schedule: models::Nullable::Absent,
        name: models::ConnectorName::new("app to warehouse").ok().into(),
        identifier_naming: None,
        additional_properties: Default::default(),
    };
    match client.create_connector_auto_id(&connector).await {
        Ok(created) => {
            println!("created connector {:?}", created.connector.id);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("could not create the connector: {error}");
            ExitCode::FAILURE
        }
    }
}
