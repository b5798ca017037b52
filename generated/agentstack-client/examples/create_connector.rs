//! Registers a remote MCP server as a connector in Agent Stack.
//!
//! ```sh
//! AGENTSTACK_BASE_URL=http://localhost:8333 AGENTSTACK_TOKEN=... \
//!     cargo run -p agentstack-client --example create_connector
//! ```

use std::process::ExitCode;

use agentstack_client::{Client, models};

#[tokio::main]
async fn main() -> ExitCode {
    let (Ok(base_url), Ok(token)) = (std::env::var("AGENTSTACK_BASE_URL"), std::env::var("AGENTSTACK_TOKEN")) else {
        eprintln!("set AGENTSTACK_BASE_URL (e.g. {}) and AGENTSTACK_TOKEN", agentstack_client::DEFAULT_BASE_URL);
        return ExitCode::from(2);
    };
    let client = match Client::new(&base_url) {
        Ok(client) => client.with_bearer_auth(token),
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let request = models::ConnectorCreateRequest {
        url: "https://mcp.example.com/mcp".parse().expect("a valid URL literal"),
        client_id: models::Nullable::Absent,
        client_secret: models::Nullable::Absent,
        metadata: models::Nullable::Absent,
        match_preset: Some(true),
        additional_properties: Default::default(),
    };
    match client.create_connector(&request).await {
        Ok(connector) => {
            println!("created connector {} in state {}", connector.id, connector.state);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("could not create the connector: {error}");
            ExitCode::FAILURE
        }
    }
}
