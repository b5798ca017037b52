//! A minimal Supermetal agent: connectors kept in memory, served by the generated router.
//!
//! `cargo run -p supermetal-server --example agent` serves on 127.0.0.1:8080 (or the address given);
//! `-- --check` serves on a free port, lists the connectors once over HTTP and exits (what the test suite runs).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::Mutex;

use supermetal_server::axum;
use supermetal_server::models::{ConnectorWithStatus, ConnectorWithStatuses};
use supermetal_server::{
    Api, CreateConnectorAutoIdReply, CreateConnectorAutoIdRequest, Failure, GetConnectorReply, GetConnectorRequest,
    ListConnectorsReply, ListConnectorsRequest,
};

/// The agent's state: connectors by id.
#[derive(Default)]
struct Agent {
    connectors: Mutex<BTreeMap<String, ConnectorWithStatus>>,
}

impl Agent {
    fn connectors(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, ConnectorWithStatus>> {
        self.connectors.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Api for Agent {
    async fn list_connectors(&self, _: ListConnectorsRequest) -> Result<ListConnectorsReply, Failure> {
        let connectors = self.connectors().values().cloned().collect();
        Ok(ListConnectorsReply::Ok(ConnectorWithStatuses { connectors, additional_properties: BTreeMap::new() }))
    }

    async fn get_connector(&self, request: GetConnectorRequest) -> Result<GetConnectorReply, Failure> {
        Ok(match self.connectors().get(&request.connector_id) {
            Some(connector) => GetConnectorReply::Ok(connector.clone()),
            None => GetConnectorReply::Status4xx { status: axum::http::StatusCode::NOT_FOUND },
        })
    }

    async fn create_connector_auto_id(
        &self,
        request: CreateConnectorAutoIdRequest,
    ) -> Result<CreateConnectorAutoIdReply, Failure> {
        let mut connectors = self.connectors();
        let mut connector = request.body;
        connector.id = format!("connector-{}", connectors.len() + 1);
        let created = ConnectorWithStatus {
            connector,
            created_at: None,
            run_id: None,
            status: None,
            additional_properties: BTreeMap::new(),
        };
        connectors.insert(created.connector.id.clone(), created.clone());
        Ok(CreateConnectorAutoIdReply::Created(created))
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let check = std::env::args().any(|arg| arg == "--check");
    let address = match std::env::args().nth(1).filter(|arg| arg != "--check") {
        Some(address) => address,
        None if check => "127.0.0.1:0".to_string(),
        None => "127.0.0.1:8080".to_string(),
    };
    let listener = tokio::net::TcpListener::bind(&address).await?;
    let address = listener.local_addr()?;
    println!("serving the Supermetal agent API on http://{address}");
    let server = axum::serve(listener, supermetal_server::router(Agent::default()));
    if !check {
        return server.await;
    }
    tokio::spawn(async move { server.await });
    let reply = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut stream = std::net::TcpStream::connect(address)?;
        stream.write_all(b"GET /api/v1/connectors HTTP/1.1\r\nHost: agent\r\nConnection: close\r\n\r\n")?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply)?;
        Ok(reply)
    })
    .await
    .map_err(std::io::Error::other)??;
    let status = reply.lines().next().unwrap_or_default();
    println!("GET /api/v1/connectors: {status}");
    if status.starts_with("HTTP/1.1 200") && reply.ends_with("{\"connectors\":[]}") {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("unexpected reply: {reply}")))
    }
}
