//! Creates a connector instance in Patchworks.
//!
//! ```sh
//! PATCHWORKS_BASE_URL=https://core.wearepatchworks.com PATCHWORKS_API_KEY=... \
//!     cargo run -p patchworks-client --example create_connector
//! ```

use std::process::ExitCode;

use patchworks_client::{Client, models};

#[tokio::main]
async fn main() -> ExitCode {
    let (Ok(base_url), Ok(api_key)) = (std::env::var("PATCHWORKS_BASE_URL"), std::env::var("PATCHWORKS_API_KEY"))
    else {
        eprintln!("set PATCHWORKS_BASE_URL (e.g. {}) and PATCHWORKS_API_KEY", patchworks_client::DEFAULT_BASE_URL);
        return ExitCode::from(2);
    };
    let client = match Client::new(&base_url) {
        Ok(client) => client.with_api_key_auth(api_key),
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let request = models::ConnectorInstancesStoreRequest {
        name: "Shopify EU".into(),
        authentication_implementation_template_id: 12,
        timezone: "Europe/London".into(),
        date_format: "Y-m-d H:i:s".into(),
        rate_limit_unit: models::ConnectorInstancesStoreRequestRateLimitUnit::Minute,
        rate_limit_duration: 60,
        connection_pool_id: models::Nullable::Absent,
        variable_templates: models::Nullable::Value(vec![models::VariableTemplate {
            key: "shop".into(),
            value: models::Nullable::Value("acme-eu".into()),
            label: "Shop name".into(),
            secret: models::Nullable::Value(false),
            locked: models::Nullable::Absent,
            pivot: None,
            additional_properties: Default::default(),
        }]),
        additional_properties: Default::default(),
    };
    match client.create_connector_instance(&request).await {
        Ok(created) => {
            println!("created connector instance {:?}", created.data.and_then(|d| d.id));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("could not create the connector instance: {error}");
            ExitCode::FAILURE
        }
    }
}
