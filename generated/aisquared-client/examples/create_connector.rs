//! Creates a source connector in an AI Squared workspace.
//!
//! ```sh
//! AISQUARED_BASE_URL=https://api.squared.ai AISQUARED_TOKEN=... AISQUARED_WORKSPACE_ID=1 \
//!     cargo run -p aisquared-client --example create_connector
//! ```

use std::process::ExitCode;

use aisquared_client::{Client, models};

#[tokio::main]
async fn main() -> ExitCode {
    let (Ok(base_url), Ok(token), Ok(workspace)) = (
        std::env::var("AISQUARED_BASE_URL"),
        std::env::var("AISQUARED_TOKEN"),
        std::env::var("AISQUARED_WORKSPACE_ID"),
    ) else {
        eprintln!(
            "set AISQUARED_BASE_URL (e.g. {}), AISQUARED_TOKEN and AISQUARED_WORKSPACE_ID",
            aisquared_client::DEFAULT_BASE_URL
        );
        return ExitCode::from(2);
    };
    let Ok(workspace_id) = workspace.parse::<i64>() else {
        eprintln!("AISQUARED_WORKSPACE_ID must be a number, not {workspace:?}");
        return ExitCode::from(2);
    };
    let client = match Client::new(&base_url) {
        Ok(client) => client.with_bearer_auth(token),
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let mut configuration = serde_json::Map::new();
    configuration.insert("host".into(), "db.example.com".into());
    configuration.insert("database".into(), "analytics".into());
    let request = models::CreateConnectorRequest {
        connector: models::ConnectorCreate {
            name: "Analytics warehouse".into(),
            description: models::Nullable::Absent,
            connector_type: models::ConnectorType::Source,
            connector_name: "Postgresql".into(),
            configuration,
            additional_properties: Default::default(),
        },
        additional_properties: Default::default(),
    };
    match client.create_connector(workspace_id, &request).await {
        Ok(created) => {
            println!("created connector {} ({})", created.data.id, created.data.attributes.name);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("could not create the connector: {error}");
            ExitCode::FAILURE
        }
    }
}
