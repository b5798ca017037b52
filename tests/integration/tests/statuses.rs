//! Every operation of every vendor client, against wiremock on 127.0.0.1: the request it sends (method, path,
//! query, headers, credentials, body), and every status its spec documents decoded into its own variant.

use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn reply(status: u16, body: Option<Value>) -> ResponseTemplate {
    match body {
        Some(body) => ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json"),
        None => ResponseTemplate::new(status),
    }
}

/// Answers the next call with `status` and `body`, runs it and checks the result against the pattern.
macro_rules! expect_reply {
    ($server:expr, $status:expr, $body:expr, $call:expr, $($pattern:tt)+) => {{
        $server.reset().await;
        Mock::given(any()).respond_with(reply($status, $body)).mount(&$server).await;
        let result = $call.await;
        // `Ok(_)` patterns read best next to the `Err(..)` ones; clippy's `is_ok()` advice is declined.
        #[allow(clippy::redundant_pattern_matching)]
        let matched = matches!(result, $($pattern)+);
        assert!(matched, "status {}: {:?}", $status, result);
    }};
}

/// Checks that the next call sends what `mock` expects (exactly once).
macro_rules! expect_request {
    ($server:expr, $mock:expr, $call:expr) => {{
        $server.reset().await;
        $mock.expect(1).mount(&$server).await;
        let _ = $call.await;
        $server.verify().await;
    }};
}

fn fixture(path: &str) -> Value {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path);
    serde_json::from_str(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))).unwrap()
}

mod aisquared {
    use super::*;
    use aisquared_client::*;

    #[tokio::test]
    async fn every_operation_and_status() {
        let server = MockServer::start().await;
        let client = Client::new(&server.uri()).unwrap().with_bearer_auth("jwt");
        let create: models::CreateConnectorRequest =
            serde_json::from_value(fixture("aisquared/seed000_create_request.json")).unwrap();
        let update: models::UpdateConnectorRequest =
            serde_json::from_value(fixture("aisquared/update_request_partial.json")).unwrap();
        let params = ListConnectorsParams::default();
        let envelope = Some(fixture("aisquared/seed000_create_response.json"));
        let errors = Some(fixture("aisquared/error_not_found.json"));
        let contract = Some(fixture("aisquared/error_contract_400.json"));
        let missing = Some(fixture("aisquared/error_missing_connector_422.json"));
        let authed = |verb: &str, at: &str| {
            Mock::given(method(verb))
                .and(path(at))
                .and(header("authorization", "Bearer jwt"))
                .and(header("workspace-id", "7"))
        };

        expect_request!(
            server,
            authed("GET", "/api/v1/connectors").respond_with(reply(200, Some(fixture("aisquared/list_response.json")))),
            client.list_connectors(7, &params)
        );
        expect_reply!(
            server,
            200,
            Some(fixture("aisquared/list_response.json")),
            client.list_connectors(7, &params),
            Ok(_)
        );
        expect_reply!(server, 400, contract.clone(), client.list_connectors(7, &params), Err(Error::Api(ref e)) if matches!(e.body, ListConnectorsError::BadRequest(_)));
        expect_reply!(server, 401, errors.clone(), client.list_connectors(7, &params), Err(Error::Api(ref e)) if matches!(e.body, ListConnectorsError::Unauthorized(_)));

        expect_request!(
            server,
            authed("POST", "/api/v1/connectors")
                .and(body_json(fixture("aisquared/seed000_create_request.json")))
                .respond_with(reply(201, envelope.clone())),
            client.create_connector(7, &create)
        );
        expect_reply!(server, 201, envelope.clone(), client.create_connector(7, &create), Ok(_));
        expect_reply!(server, 400, contract.clone(), client.create_connector(7, &create), Err(Error::Api(ref e)) if matches!(e.body, CreateConnectorError::BadRequest(_)));
        expect_reply!(server, 401, errors.clone(), client.create_connector(7, &create), Err(Error::Api(ref e)) if matches!(e.body, CreateConnectorError::Unauthorized(_)));
        expect_reply!(server, 403, errors.clone(), client.create_connector(7, &create), Err(Error::Api(ref e)) if matches!(e.body, CreateConnectorError::Forbidden(_)));
        expect_reply!(server, 422, missing.clone(), client.create_connector(7, &create), Err(Error::Api(ref e)) if matches!(e.body, CreateConnectorError::UnprocessableEntity(models::UnprocessableError::SingleError(_))));

        expect_request!(
            server,
            authed("GET", "/api/v1/connectors/42").respond_with(reply(200, envelope.clone())),
            client.get_connector("42", 7)
        );
        expect_reply!(server, 200, envelope.clone(), client.get_connector("42", 7), Ok(_));
        expect_reply!(server, 401, errors.clone(), client.get_connector("42", 7), Err(Error::Api(ref e)) if matches!(e.body, GetConnectorError::Unauthorized(_)));
        expect_reply!(server, 404, errors.clone(), client.get_connector("42", 7), Err(Error::Api(ref e)) if matches!(e.body, GetConnectorError::NotFound(_)));

        expect_request!(
            server,
            authed("PUT", "/api/v1/connectors/42")
                .and(body_json(fixture("aisquared/update_request_partial.json")))
                .respond_with(reply(200, envelope.clone())),
            client.update_connector("42", 7, &update)
        );
        expect_reply!(server, 200, envelope.clone(), client.update_connector("42", 7, &update), Ok(_));
        expect_reply!(server, 400, contract.clone(), client.update_connector("42", 7, &update), Err(Error::Api(ref e)) if matches!(e.body, UpdateConnectorError::BadRequest(_)));
        expect_reply!(server, 401, errors.clone(), client.update_connector("42", 7, &update), Err(Error::Api(ref e)) if matches!(e.body, UpdateConnectorError::Unauthorized(_)));
        expect_reply!(server, 403, errors.clone(), client.update_connector("42", 7, &update), Err(Error::Api(ref e)) if matches!(e.body, UpdateConnectorError::Forbidden(_)));
        expect_reply!(server, 404, errors.clone(), client.update_connector("42", 7, &update), Err(Error::Api(ref e)) if matches!(e.body, UpdateConnectorError::NotFound(_)));
        expect_reply!(server, 422, errors.clone(), client.update_connector("42", 7, &update), Err(Error::Api(ref e)) if matches!(e.body, UpdateConnectorError::UnprocessableEntity(models::UnprocessableError::ErrorList(_))));

        expect_request!(
            server,
            authed("DELETE", "/api/v1/connectors/42").respond_with(reply(204, None)),
            client.delete_connector("42", 7)
        );
        expect_reply!(server, 204, None, client.delete_connector("42", 7), Ok(()));
        expect_reply!(server, 401, errors.clone(), client.delete_connector("42", 7), Err(Error::Api(ref e)) if matches!(e.body, DeleteConnectorError::Unauthorized(_)));
        expect_reply!(server, 403, errors.clone(), client.delete_connector("42", 7), Err(Error::Api(ref e)) if matches!(e.body, DeleteConnectorError::Forbidden(_)));
        expect_reply!(server, 404, errors.clone(), client.delete_connector("42", 7), Err(Error::Api(ref e)) if matches!(e.body, DeleteConnectorError::NotFound(_)));
        expect_reply!(server, 409, errors.clone(), client.delete_connector("42", 7), Err(Error::UnexpectedStatus(ref r)) if r.status == 409);
    }
}

mod agentstack {
    use super::*;
    use agentstack_client::*;

    #[tokio::test]
    async fn every_operation_and_status() {
        let server = MockServer::start().await;
        let client = Client::new(&server.uri()).unwrap().with_basic_auth("admin", "s3cret");
        let id: uuid::Uuid = "3c90c3cc-0d44-4b50-8888-8dd25736052a".parse().unwrap();
        let at = "/api/v1/connectors/3c90c3cc-0d44-4b50-8888-8dd25736052a";
        let create: models::ConnectorCreateRequest =
            serde_json::from_value(fixture("agentstack/seed001_create_request.json")).unwrap();
        let connect: models::ConnectorConnectRequest =
            serde_json::from_value(fixture("agentstack/connect_request.json")).unwrap();
        let connector = Some(fixture("agentstack/seed001_create_response.json"));
        let detail = Some(json!({"detail": "Not authenticated"}));
        let invalid = Some(fixture("agentstack/error_422.json"));
        let authed = |verb: &str, at: &str| {
            Mock::given(method(verb)).and(path(at)).and(header("authorization", "Basic YWRtaW46czNjcmV0"))
        };

        expect_request!(
            server,
            authed("GET", "/api/v1/connectors/presets")
                .respond_with(reply(200, Some(fixture("agentstack/presets_response.json")))),
            client.list_connector_presets()
        );
        expect_reply!(
            server,
            200,
            Some(fixture("agentstack/presets_response.json")),
            client.list_connector_presets(),
            Ok(_)
        );
        expect_reply!(server, 401, detail.clone(), client.list_connector_presets(), Err(Error::Api(ref e)) if matches!(e.body, ListConnectorPresetsError::Unauthorized(_)));

        expect_request!(
            server,
            authed("POST", "/api/v1/connectors")
                .and(body_json(fixture("agentstack/seed001_create_request.json")))
                .respond_with(reply(201, connector.clone())),
            client.create_connector(&create)
        );
        expect_reply!(server, 201, connector.clone(), client.create_connector(&create), Ok(_));
        expect_reply!(server, 401, detail.clone(), client.create_connector(&create), Err(Error::Api(ref e)) if matches!(e.body, CreateConnectorError::Unauthorized(_)));
        expect_reply!(server, 403, detail.clone(), client.create_connector(&create), Err(Error::Api(ref e)) if matches!(e.body, CreateConnectorError::Forbidden(_)));
        expect_reply!(server, 422, invalid.clone(), client.create_connector(&create), Err(Error::Api(ref e)) if matches!(e.body, CreateConnectorError::UnprocessableEntity(_)));
        // 200 is not create's documented success: it is not mistaken for one.
        expect_reply!(
            server,
            200,
            connector.clone(),
            client.create_connector(&create),
            Err(Error::UnexpectedStatus(_))
        );

        expect_request!(
            server,
            authed("GET", "/api/v1/connectors")
                .respond_with(reply(200, Some(fixture("agentstack/list_response.json")))),
            client.list_connectors()
        );
        expect_reply!(server, 200, Some(fixture("agentstack/list_response.json")), client.list_connectors(), Ok(_));
        expect_reply!(server, 401, detail.clone(), client.list_connectors(), Err(Error::Api(ref e)) if matches!(e.body, ListConnectorsError::Unauthorized(_)));

        expect_request!(
            server,
            authed("GET", at).respond_with(reply(200, connector.clone())),
            client.get_connector(&id)
        );
        expect_reply!(server, 200, connector.clone(), client.get_connector(&id), Ok(_));
        expect_reply!(server, 401, detail.clone(), client.get_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, GetConnectorError::Unauthorized(_)));
        expect_reply!(server, 404, detail.clone(), client.get_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, GetConnectorError::NotFound(_)));
        expect_reply!(server, 422, invalid.clone(), client.get_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, GetConnectorError::UnprocessableEntity(_)));

        expect_request!(server, authed("DELETE", at).respond_with(reply(204, None)), client.delete_connector(&id));
        expect_reply!(server, 204, None, client.delete_connector(&id), Ok(()));
        expect_reply!(server, 401, detail.clone(), client.delete_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, DeleteConnectorError::Unauthorized(_)));
        expect_reply!(server, 404, detail.clone(), client.delete_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, DeleteConnectorError::NotFound(_)));
        expect_reply!(server, 422, invalid.clone(), client.delete_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, DeleteConnectorError::UnprocessableEntity(_)));

        let connect_at = format!("{at}/connect");
        expect_request!(
            server,
            authed("POST", &connect_at)
                .and(body_json(fixture("agentstack/connect_request.json")))
                .respond_with(reply(200, connector.clone())),
            client.connect_connector(&id, &connect)
        );
        expect_reply!(server, 200, connector.clone(), client.connect_connector(&id, &connect), Ok(_));
        expect_reply!(server, 401, detail.clone(), client.connect_connector(&id, &connect), Err(Error::Api(ref e)) if matches!(e.body, ConnectConnectorError::Unauthorized(_)));
        expect_reply!(server, 404, detail.clone(), client.connect_connector(&id, &connect), Err(Error::Api(ref e)) if matches!(e.body, ConnectConnectorError::NotFound(_)));
        expect_reply!(server, 422, invalid.clone(), client.connect_connector(&id, &connect), Err(Error::Api(ref e)) if matches!(e.body, ConnectConnectorError::UnprocessableEntity(_)));

        let disconnect_at = format!("{at}/disconnect");
        expect_request!(
            server,
            authed("POST", &disconnect_at).respond_with(reply(200, connector.clone())),
            client.disconnect_connector(&id)
        );
        expect_reply!(server, 200, connector.clone(), client.disconnect_connector(&id), Ok(_));
        expect_reply!(server, 401, detail.clone(), client.disconnect_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, DisconnectConnectorError::Unauthorized(_)));
        expect_reply!(server, 404, detail.clone(), client.disconnect_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, DisconnectConnectorError::NotFound(_)));
        expect_reply!(server, 422, invalid.clone(), client.disconnect_connector(&id), Err(Error::Api(ref e)) if matches!(e.body, DisconnectConnectorError::UnprocessableEntity(_)));
    }
}

mod supermetal {
    use super::*;
    use supermetal_client::*;

    /// A body for `name` built from the vendor's own Go types (`fixtures/supermetal/from_vendor_types.json`).
    fn from_vendor_types(name: &str, index: usize) -> Value {
        fixture("supermetal/from_vendor_types.json")[name][index].clone()
    }

    #[tokio::test]
    async fn every_operation_and_status() {
        let server = MockServer::start().await;
        let client = Client::new(&server.uri()).unwrap().with_basic_auth("u", "p");
        let connector: models::Connector =
            serde_json::from_value(fixture("supermetal/seed002_create_request.json")).unwrap();
        let with_status = Some(fixture("supermetal/seed002_create_response.json"));
        let command =
            models::CommandWrapper { command: models::Command::Stop, additional_properties: Default::default() };
        let params = CreateConnectorParams { clone_from: Some("template".into()) };
        let authed =
            |verb: &str, at: &str| Mock::given(method(verb)).and(path(at)).and(header("authorization", "Basic dTpw"));

        expect_request!(
            server,
            authed("GET", "/api/v1/connectors")
                .respond_with(reply(200, Some(fixture("supermetal/list_response.json")))),
            client.list_connectors()
        );
        expect_reply!(server, 200, Some(fixture("supermetal/list_response.json")), client.list_connectors(), Ok(ref list) if list.connectors.len() == 2);
        expect_reply!(server, 404, None, client.list_connectors(), Err(Error::Api(ref e)) if e.body == ListConnectorsError::Status4xx);
        expect_reply!(server, 503, None, client.list_connectors(), Err(Error::Api(ref e)) if e.body == ListConnectorsError::Status5xx);

        expect_request!(
            server,
            authed("POST", "/api/v1/connectors")
                .and(body_json(fixture("supermetal/seed002_create_request.json")))
                .respond_with(reply(201, with_status.clone())),
            client.create_connector_auto_id(&connector)
        );
        expect_reply!(server, 201, with_status.clone(), client.create_connector_auto_id(&connector), Ok(_));
        expect_reply!(server, 400, None, client.create_connector_auto_id(&connector), Err(Error::Api(ref e)) if e.body == CreateConnectorAutoIdError::Status4xx);
        expect_reply!(server, 500, None, client.create_connector_auto_id(&connector), Err(Error::Api(ref e)) if e.body == CreateConnectorAutoIdError::Status5xx);

        expect_request!(
            server,
            authed("POST", "/api/v1/connectors/pg-ch")
                .and(wiremock::matchers::query_param("clone_from", "template"))
                .and(body_json(fixture("supermetal/seed002_create_request.json")))
                .respond_with(reply(200, None)),
            client.create_connector("pg-ch", &params, &connector)
        );
        expect_reply!(
            server,
            200,
            None,
            client.create_connector("pg-ch", &params, &connector),
            Ok(CreateConnectorResponse::Ok)
        );
        expect_reply!(
            server,
            201,
            None,
            client.create_connector("pg-ch", &params, &connector),
            Ok(CreateConnectorResponse::Created)
        );
        expect_reply!(server, 409, None, client.create_connector("pg-ch", &params, &connector), Err(Error::Api(ref e)) if e.body == CreateConnectorError::Status4xx);
        expect_reply!(server, 500, None, client.create_connector("pg-ch", &params, &connector), Err(Error::Api(ref e)) if e.body == CreateConnectorError::Status5xx);

        expect_request!(
            server,
            authed("GET", "/api/v1/connectors/pg-ch").respond_with(reply(200, with_status.clone())),
            client.get_connector("pg-ch")
        );
        expect_reply!(server, 200, with_status.clone(), client.get_connector("pg-ch"), Ok(_));
        expect_reply!(server, 404, None, client.get_connector("pg-ch"), Err(Error::Api(ref e)) if e.body == GetConnectorError::Status4xx);
        expect_reply!(server, 502, None, client.get_connector("pg-ch"), Err(Error::Api(ref e)) if e.body == GetConnectorError::Status5xx);

        let patch = json!({"disabled": true, "name": null});
        expect_request!(
            server,
            authed("PATCH", "/api/v1/connectors/pg-ch")
                .and(header("content-type", "application/merge-patch+json"))
                .and(body_json(patch.clone()))
                .respond_with(reply(200, with_status.clone())),
            client.patch_connector("pg-ch", patch.as_object().unwrap())
        );
        expect_reply!(
            server,
            200,
            with_status.clone(),
            client.patch_connector("pg-ch", patch.as_object().unwrap()),
            Ok(_)
        );
        expect_reply!(server, 422, None, client.patch_connector("pg-ch", patch.as_object().unwrap()), Err(Error::Api(ref e)) if e.body == PatchConnectorError::Status4xx);
        expect_reply!(server, 500, None, client.patch_connector("pg-ch", patch.as_object().unwrap()), Err(Error::Api(ref e)) if e.body == PatchConnectorError::Status5xx);

        let history = Some(json!([
            from_vendor_types("ConnectorHistory", 0),
            {"connector_id": "pg-ch", "run_id": "run-1", "status": {"state": {"complete": {}}, "status": {"complete": {}}}, "created_at": "2026-01-01T00:00:00Z", "rows": 12}
        ]));
        expect_request!(
            server,
            authed("GET", "/api/v1/connector/history/pg-ch").respond_with(reply(200, history.clone())),
            client.get_connector_history("pg-ch")
        );
        expect_reply!(server, 200, history.clone(), client.get_connector_history("pg-ch"), Ok(ref runs) if runs.len() == 2 && runs[1].additional_properties["rows"] == 12);
        expect_reply!(server, 404, None, client.get_connector_history("pg-ch"), Err(Error::Api(ref e)) if e.body == GetConnectorHistoryError::Status4xx);
        expect_reply!(server, 500, None, client.get_connector_history("pg-ch"), Err(Error::Api(ref e)) if e.body == GetConnectorHistoryError::Status5xx);

        expect_request!(
            server,
            authed("POST", "/api/v1/connector/command/pg-ch")
                .and(body_json(json!({"command": "Stop"})))
                .respond_with(reply(200, None)),
            client.send_connector_command("pg-ch", &command)
        );
        expect_reply!(
            server,
            200,
            None,
            client.send_connector_command("pg-ch", &command),
            Ok(SendConnectorCommandResponse::Ok)
        );
        expect_reply!(
            server,
            202,
            None,
            client.send_connector_command("pg-ch", &command),
            Ok(SendConnectorCommandResponse::Accepted)
        );
        expect_reply!(server, 404, None, client.send_connector_command("pg-ch", &command), Err(Error::Api(ref e)) if e.body == SendConnectorCommandError::Status4xx);
        expect_reply!(server, 500, None, client.send_connector_command("pg-ch", &command), Err(Error::Api(ref e)) if e.body == SendConnectorCommandError::Status5xx);

        let debugged = Some(from_vendor_types("Connector", 3));
        expect_request!(
            server,
            authed("POST", "/api/v1/debug/connector")
                .and(body_json(fixture("supermetal/seed002_create_request.json")))
                .respond_with(reply(200, debugged.clone())),
            client.debug_connector(&connector)
        );
        expect_reply!(server, 200, debugged.clone(), client.debug_connector(&connector), Ok(ref c) if matches!(c.sink, models::Sink::Materialize(_)));
        expect_reply!(server, 400, None, client.debug_connector(&connector), Err(Error::Api(ref e)) if e.body == DebugConnectorError::Status4xx);

        let events = Some(json!((0..12).map(|i| from_vendor_types("ValidateEvent", i)).collect::<Vec<_>>()));
        let buffer: models::ValidateBufferRequest =
            serde_json::from_value(from_vendor_types("ValidateBufferRequest", 0)).unwrap();
        let sink =
            models::ValidateSinkRequest { sink: connector.sink.clone(), additional_properties: Default::default() };
        let source = models::ValidateSourceRequest {
            source: connector.source.clone(),
            additional_properties: Default::default(),
        };
        let catalog_request =
            models::CatalogRequest { source: connector.source.clone(), additional_properties: Default::default() };
        let in_edit_mode = ValidateBufferParams { connector_id: Some("pg-ch".into()) };
        expect_request!(
            server,
            authed("POST", "/api/v1/validate/buffer")
                .and(wiremock::matchers::query_param("connector_id", "pg-ch"))
                .and(body_json(from_vendor_types("ValidateBufferRequest", 0)))
                .respond_with(reply(200, events.clone())),
            client.validate_buffer(&in_edit_mode, &buffer)
        );
        expect_reply!(server, 200, events.clone(), client.validate_buffer(&in_edit_mode, &buffer), Ok(ref list) if list.len() == 12);
        expect_reply!(server, 400, None, client.validate_buffer(&in_edit_mode, &buffer), Err(Error::Api(ref e)) if e.body == ValidateBufferError::Status4xx);
        expect_request!(
            server,
            authed("POST", "/api/v1/validate/sink").respond_with(reply(200, events.clone())),
            client.validate_sink(&ValidateSinkParams::default(), &sink)
        );
        expect_reply!(server, 200, events.clone(), client.validate_sink(&ValidateSinkParams::default(), &sink), Ok(ref list) if list.len() == 12);
        expect_reply!(server, 500, None, client.validate_sink(&ValidateSinkParams::default(), &sink), Err(Error::Api(ref e)) if e.body == ValidateSinkError::Status5xx);
        expect_request!(
            server,
            authed("POST", "/api/v1/validate/source").respond_with(reply(200, events.clone())),
            client.validate_source(&ValidateSourceParams::default(), &source)
        );
        expect_reply!(server, 200, events.clone(), client.validate_source(&ValidateSourceParams::default(), &source), Ok(ref list) if list.len() == 12);
        expect_reply!(server, 500, None, client.validate_source(&ValidateSourceParams::default(), &source), Err(Error::Api(ref e)) if e.body == ValidateSourceError::Status5xx);

        let catalog = Some(from_vendor_types("Catalog", 0));
        expect_request!(
            server,
            authed("POST", "/api/v1/catalog/source").respond_with(reply(200, catalog.clone())),
            client.get_catalog(&GetCatalogParams::default(), &catalog_request)
        );
        expect_reply!(server, 200, catalog.clone(), client.get_catalog(&GetCatalogParams::default(), &catalog_request), Ok(ref c) if !c.schemas.is_empty());
        expect_reply!(server, 400, None, client.get_catalog(&GetCatalogParams::default(), &catalog_request), Err(Error::Api(ref e)) if e.body == GetCatalogError::Status4xx);

        let keys = Some(from_vendor_types("SshKeyPairResponse", 0));
        expect_request!(
            server,
            authed("POST", "/api/v1/ssh-keys").respond_with(reply(200, keys.clone())),
            client.generate_ssh_keys()
        );
        expect_reply!(server, 200, keys.clone(), client.generate_ssh_keys(), Ok(ref k) if !k.public_key.is_empty());
        expect_reply!(server, 500, None, client.generate_ssh_keys(), Err(Error::Api(ref e)) if e.body == GenerateSshKeysError::Status5xx);

        let snapshots = Some(from_vendor_types("SnapshotStatusResponse", 0));
        expect_request!(
            server,
            authed("GET", "/snapshots").respond_with(reply(200, snapshots.clone())),
            client.get_snapshot_status()
        );
        expect_reply!(server, 200, snapshots.clone(), client.get_snapshot_status(), Ok(ref s) if s.active && s.count == 3);
        expect_reply!(server, 500, None, client.get_snapshot_status(), Err(Error::Api(ref e)) if e.body == GetSnapshotStatusError::Status5xx);
    }
}

mod patchworks {
    use super::*;
    use patchworks_client::*;

    #[tokio::test]
    async fn every_operation_and_status() {
        let server = MockServer::start().await;
        let client = Client::new(&server.uri()).unwrap().with_bearer_auth("jwt");
        let request: models::ConnectorInstancesStoreRequest =
            serde_json::from_value(fixture("patchworks/create_request.json")).unwrap();
        let created = Some(fixture("patchworks/create_response.json"));

        expect_request!(
            server,
            Mock::given(method("POST"))
                .and(path("/api/v1/connector-instances"))
                .and(header("authorization", "Bearer jwt"))
                .and(body_json(fixture("patchworks/create_request.json")))
                .respond_with(reply(200, created.clone())),
            client.create_connector_instance(&request)
        );
        expect_reply!(server, 200, created.clone(), client.create_connector_instance(&request), Ok(_));
        expect_reply!(server, 401, None, client.create_connector_instance(&request), Err(Error::Api(ref e)) if e.body == CreateConnectorInstanceError::Unauthorized);
        expect_reply!(server, 403, None, client.create_connector_instance(&request), Err(Error::Api(ref e)) if e.body == CreateConnectorInstanceError::Forbidden);
        expect_reply!(server, 422, Some(fixture("patchworks/error_422.json")), client.create_connector_instance(&request), Err(Error::Api(ref e)) if matches!(e.body, CreateConnectorInstanceError::UnprocessableEntity(_)));
        // A 422 without its documented body keeps the reply.
        expect_reply!(server, 422, None, client.create_connector_instance(&request), Err(Error::Decode { ref response, .. }) if response.status == 422);
    }
}
