//! A user's code against the Supermetal client (as a connector fleet's operator would write it), whose tests use
//! the generated fake of the Supermetal agent instead of a real one: see `tests/fake.rs`, the README's example.

use supermetal_client::{Client, Error, ListConnectorsError, PatchConnectorError};

/// Why [`disable_all`] stopped.
#[derive(Debug)]
pub enum DisableError {
    /// Listing the connectors failed.
    List(Error<ListConnectorsError>),
    /// Disabling this connector failed.
    Patch(String, Error<PatchConnectorError>),
}

/// Disables every connector of the agent that is not disabled yet; returns the ids it disabled, in order.
pub async fn disable_all(client: &Client) -> Result<Vec<String>, DisableError> {
    let listed = client.list_connectors().await.map_err(DisableError::List)?;
    let mut disabled = Vec::new();
    let patch = serde_json::Map::from_iter([("disabled".to_string(), serde_json::Value::Bool(true))]);
    for entry in listed.connectors.into_iter().filter(|entry| entry.connector.disabled != Some(true)) {
        let id = entry.connector.id;
        client.patch_connector(&id, &patch).await.map_err(|error| DisableError::Patch(id.clone(), error))?;
        disabled.push(id);
    }
    Ok(disabled)
}
