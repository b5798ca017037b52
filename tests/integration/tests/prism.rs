//! Conformance against a server nobody here wrote: Stoplight Prism mocks each vendor spec (after overlays) on
//! 127.0.0.1 with request validation on (`--errors`: any violation of the spec is answered with an error), and the
//! generated client calls every operation. Prism must accept every request, and the client must decode Prism's
//! responses. Prism is installed by `tests/setup.sh`; if it is missing or does not start, the tests fail.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running Prism mock server, stopped on drop.
struct Prism {
    child: Child,
    base_url: String,
    _spec: tempfile::TempDir,
}

/// Held while a Prism picks its port and starts listening: a port found free is free only until another test's
/// Prism takes it, so two tests starting at once could pick the same one (and the second would talk to the first's
/// Prism until that one is stopped).
static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Prism {
    fn start(vendor: &str) -> Prism {
        let _one_at_a_time = STARTING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let prism = root.join("tests/node_modules/.bin/prism");
        assert!(prism.is_file(), "{} is missing: run `bash tests/setup.sh` (cargo xtask test does)", prism.display());
        let options = specforge::spec_set(&root.join("specs"))
            .expect("specs/")
            .into_iter()
            .find(|o| o.name.as_deref() == Some(vendor))
            .unwrap_or_else(|| panic!("no spec for {vendor}"));
        let dir = tempfile::tempdir().expect("temporary directory");
        let spec: PathBuf = dir.path().join(format!("{vendor}.json"));
        std::fs::write(&spec, specforge::merged_document(&options).expect("spec merges")).expect("write spec");
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let mut child = Command::new(&prism)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), "--errors"])
            .arg(&spec)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism: {e}"));
        let deadline = Instant::now() + Duration::from_secs(90);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let mut stderr = String::new();
                let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut stderr));
                panic!("Prism exited ({status}) before listening:\n{stderr}");
            }
            assert!(Instant::now() < deadline, "Prism did not listen on 127.0.0.1:{port} within 90 s");
            std::thread::sleep(Duration::from_millis(200));
        }
        Prism { child, base_url: format!("http://127.0.0.1:{port}"), _spec: dir }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Unwraps a call's result, showing Prism's `sl-violations` header when it rejected the request.
macro_rules! accepted {
    ($call:expr, $what:literal) => {
        match $call.await {
            Ok(value) => value,
            Err(error) => panic!("{}: Prism did not accept the request or its reply did not decode: {error:?}", $what),
        }
    };
}

#[tokio::test(flavor = "multi_thread")]
async fn aisquared_every_operation() {
    use aisquared_client::{Client, ListConnectorsParams, models};
    let prism = Prism::start("aisquared");
    let client = Client::new(&prism.base_url).unwrap().with_bearer_auth("jwt");
    let create: models::CreateConnectorRequest =
        serde_json::from_str(include_str!("../fixtures/aisquared/seed000_create_request.json")).unwrap();
    let update: models::UpdateConnectorRequest =
        serde_json::from_str(include_str!("../fixtures/aisquared/update_request_partial.json")).unwrap();
    let params = ListConnectorsParams {
        r#type: Some(models::ConnectorType::Source),
        page: Some(1),
        per_page: Some(10),
        ..Default::default()
    };
    accepted!(client.list_connectors(7, &params), "listConnectors");
    accepted!(client.create_connector(7, &create), "createConnector");
    accepted!(client.get_connector("42", 7), "getConnector");
    accepted!(client.update_connector("42", 7, &update), "updateConnector");
    accepted!(client.delete_connector("42", 7), "deleteConnector");
}

#[tokio::test(flavor = "multi_thread")]
async fn agentstack_every_operation() {
    use agentstack_client::{Client, models};
    let prism = Prism::start("agentstack");
    let client = Client::new(&prism.base_url).unwrap().with_basic_auth("admin", "s3cret");
    let id: uuid::Uuid = "3c90c3cc-0d44-4b50-8888-8dd25736052a".parse().unwrap();
    let create: models::ConnectorCreateRequest =
        serde_json::from_str(include_str!("../fixtures/agentstack/seed001_create_request.json")).unwrap();
    let connect: models::ConnectorConnectRequest =
        serde_json::from_str(include_str!("../fixtures/agentstack/connect_request.json")).unwrap();
    accepted!(client.list_connector_presets(), "listConnectorPresets");
    accepted!(client.create_connector(&create), "createConnector");
    accepted!(client.list_connectors(), "listConnectors");
    accepted!(client.get_connector(&id), "getConnector");
    accepted!(client.connect_connector(&id, &connect), "connectConnector");
    accepted!(client.disconnect_connector(&id), "disconnectConnector");
    accepted!(client.delete_connector(&id), "deleteConnector");
    // The other scheme of the OR is accepted too.
    let bearer = Client::new(&prism.base_url).unwrap().with_bearer_auth("token");
    accepted!(bearer.list_connectors(), "listConnectors with a bearer token");
}

#[tokio::test(flavor = "multi_thread")]
async fn supermetal_every_operation() {
    use supermetal_client::{Client, CreateConnectorParams, models};
    let prism = Prism::start("supermetal");
    let client = Client::new(&prism.base_url).unwrap();
    let connector: models::Connector =
        serde_json::from_str(include_str!("../fixtures/supermetal/mysql_to_snowflake.json")).unwrap();
    accepted!(client.list_connectors(), "listConnectors");
    accepted!(client.create_connector_auto_id(&connector), "createConnectorAutoId");
    let params = CreateConnectorParams { clone_from: Some("pg-ch".into()) };
    accepted!(client.create_connector("orders", &params, &connector), "createConnector");
    accepted!(client.get_connector("orders"), "getConnector");
    accepted!(client.get_connector_history("orders"), "getConnectorHistory");
    let command =
        models::CommandWrapper { command: models::Command::Restart, additional_properties: Default::default() };
    accepted!(client.send_connector_command("orders", &command), "sendConnectorCommand");
    let patch = serde_json::json!({"disabled": true, "name": null});
    accepted!(client.patch_connector("orders", patch.as_object().unwrap()), "patchConnector");
    accepted!(client.debug_connector(&connector), "debugConnector");
    let vendor_types: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/supermetal/from_vendor_types.json")).unwrap();
    let buffer: models::ValidateBufferRequest =
        serde_json::from_value(vendor_types["ValidateBufferRequest"][0].clone()).unwrap();
    let edit_mode = supermetal_client::ValidateBufferParams { connector_id: Some("orders".into()) };
    accepted!(client.validate_buffer(&edit_mode, &buffer), "validateBuffer");
    let sink = models::ValidateSinkRequest { sink: connector.sink.clone(), additional_properties: Default::default() };
    accepted!(client.validate_sink(&Default::default(), &sink), "validateSink");
    let source =
        models::ValidateSourceRequest { source: connector.source.clone(), additional_properties: Default::default() };
    accepted!(client.validate_source(&Default::default(), &source), "validateSource");
    let catalog =
        models::CatalogRequest { source: connector.source.clone(), additional_properties: Default::default() };
    accepted!(client.get_catalog(&Default::default(), &catalog), "getCatalog");
    accepted!(client.generate_ssh_keys(), "generateSshKeys");
    accepted!(client.get_snapshot_status(), "getSnapshotStatus");
    // Optional Basic auth: with credentials as well as without.
    accepted!(client.clone().with_basic_auth("u", "p").list_connectors(), "listConnectors with Basic auth");
}

#[tokio::test(flavor = "multi_thread")]
async fn patchworks_every_operation() {
    use patchworks_client::{Client, models};
    let prism = Prism::start("patchworks");
    let request: models::ConnectorInstancesStoreRequest =
        serde_json::from_str(include_str!("../fixtures/patchworks/create_request.json")).unwrap();
    let api_key = Client::new(&prism.base_url).unwrap().with_api_key_auth("pk_live_123");
    accepted!(api_key.create_connector_instance(&request), "createConnectorInstance with an API key");
    let bearer = Client::new(&prism.base_url).unwrap().with_bearer_auth("jwt");
    accepted!(bearer.create_connector_instance(&request), "createConnectorInstance with a bearer token");
}

#[tokio::test(flavor = "multi_thread")]
async fn prism_rejects_a_request_that_breaks_the_spec() {
    // Guards the tests above against a mock that accepts anything: no credentials on an operation that needs them.
    use patchworks_client::{Client, CreateConnectorInstanceError, Error, models};
    let prism = Prism::start("patchworks");
    let request: models::ConnectorInstancesStoreRequest =
        serde_json::from_str(include_str!("../fixtures/patchworks/create_request.json")).unwrap();
    let result = Client::new(&prism.base_url).unwrap().create_connector_instance(&request).await;
    let Err(Error::Api(error)) = result else { panic!("Prism accepted a request without credentials: {result:?}") };
    assert_eq!(error.body, CreateConnectorInstanceError::Unauthorized);
}

/// Runs `cargo run --example create_connector -p <vendor>-client` with `env` (and nothing else of the kind).
fn run_example(vendor: &str, env: &[(&str, &str)]) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["run", "--offline", "--quiet", "--example", "create_connector", "-p", &format!("{vendor}-client")])
        .current_dir(&root)
        // Its own target directory: the outer `cargo test` holds the workspace's.
        .env("CARGO_TARGET_DIR", root.join("target/examples"));
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with(&vendor.to_uppercase())) {
        command.env_remove(name);
    }
    command.envs(env.iter().copied()).output().expect("run cargo")
}

#[test]
fn examples_create_a_connector_and_explain_missing_settings() {
    let cases: [(&str, &[(&str, &str)]); 4] = [
        ("aisquared", &[("AISQUARED_TOKEN", "jwt"), ("AISQUARED_WORKSPACE_ID", "7")]),
        ("agentstack", &[("AGENTSTACK_TOKEN", "token")]),
        ("supermetal", &[("SUPERMETAL_USER", "u"), ("SUPERMETAL_PASSWORD", "p")]),
        ("patchworks", &[("PATCHWORKS_API_KEY", "pk_live_123")]),
    ];
    for (vendor, settings) in cases {
        let missing = run_example(vendor, &[]);
        let stderr = String::from_utf8_lossy(&missing.stderr);
        assert_eq!(missing.status.code(), Some(2), "{vendor} without settings: {stderr}");
        assert!(stderr.contains(&format!("set {}_BASE_URL", vendor.to_uppercase())), "{vendor}: {stderr}");

        let prism = Prism::start(vendor);
        let base_url_var = format!("{}_BASE_URL", vendor.to_uppercase());
        let mut env = vec![(base_url_var.as_str(), prism.base_url.as_str())];
        env.extend_from_slice(settings);
        let run = run_example(vendor, &env);
        assert!(run.status.success(), "{vendor} example against Prism: {}", String::from_utf8_lossy(&run.stderr));
        assert!(
            String::from_utf8_lossy(&run.stdout).starts_with("created connector"),
            "{vendor}: {}",
            String::from_utf8_lossy(&run.stdout)
        );
    }
}
