//! The generated clients against a real HTTP server on 127.0.0.1 (wiremock): what they send (method, path,
//! query, headers, credentials, body) and how they decode every kind of reply into typed results and errors.

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn json_response(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// The requests the server received.
async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

mod agentstack {
    use super::*;
    use agentstack_client::{Client, CreateConnectorError, Error, models};

    fn create_request() -> models::ConnectorCreateRequest {
        serde_json::from_str(include_str!("../fixtures/agentstack/seed001_create_request.json")).unwrap()
    }

    #[tokio::test]
    async fn create_sends_basic_auth_and_decodes_201() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/connectors"))
            .and(header("authorization", "Basic YWRtaW46czNjcmV0")) // admin:s3cret
            .and(header("content-type", "application/json"))
            .and(body_json(serde_json::to_value(create_request()).unwrap()))
            .respond_with(json_response(
                201,
                serde_json::from_str(include_str!("../fixtures/agentstack/seed001_create_response.json")).unwrap(),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).unwrap().with_basic_auth("admin", "s3cret");
        let connector = client.create_connector(&create_request()).await.unwrap();
        assert_eq!(connector.state, models::ConnectorState::Created);
    }

    #[tokio::test]
    async fn documented_422_is_a_typed_error_with_status_and_raw_body() {
        let server = MockServer::start().await;
        let body =
            json!({"detail": [{"loc": ["body", "url"], "msg": "Input should be a valid URL", "type": "url_parsing"}]});
        Mock::given(method("POST")).respond_with(json_response(422, body.clone())).mount(&server).await;
        let client = Client::new(&server.uri()).unwrap().with_bearer_auth("token-123");
        let Err(Error::Api(error)) = client.create_connector(&create_request()).await else {
            panic!("expected a documented error")
        };
        assert_eq!(error.status.as_u16(), 422);
        let CreateConnectorError::UnprocessableEntity(validation) = &error.body else {
            panic!("expected 422, got {:?}", error.body)
        };
        assert_eq!(validation.detail.as_ref().unwrap()[0].msg, "Input should be a valid URL");
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&error.raw_body).unwrap(), body);
        assert_eq!(received(&server).await[0].headers["authorization"], "Bearer token-123");
    }

    #[tokio::test]
    async fn delete_204_has_no_body() {
        let server = MockServer::start().await;
        let id: uuid::Uuid = "3c90c3cc-0d44-4b50-8888-8dd25736052a".parse().unwrap();
        Mock::given(method("DELETE"))
            .and(path("/api/v1/connectors/3c90c3cc-0d44-4b50-8888-8dd25736052a"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        Client::new(&server.uri()).unwrap().delete_connector(&id).await.unwrap();
    }

    #[test]
    fn credentials_never_show_in_debug() {
        let client =
            Client::new("http://127.0.0.1:1").unwrap().with_basic_auth("admin", "s3cret").with_bearer_auth("token-123");
        let debug = format!("{client:?}");
        assert!(!debug.contains("s3cret") && !debug.contains("token-123"), "{debug}");
        assert!(debug.contains("admin") && debug.contains("<redacted>"), "{debug}");
    }

    #[test]
    fn a_base_url_that_is_not_http_is_rejected() {
        assert!(Client::new("not a url").is_err());
        assert!(Client::new("mailto:someone@example.com").is_err());
    }
}

mod aisquared {
    use super::*;
    use aisquared_client::{Client, Error, GetConnectorError, ListConnectorsParams, models};

    #[tokio::test]
    async fn list_sends_workspace_header_bearer_and_only_given_query_parameters() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/connectors"))
            .and(query_param("type", "destination"))
            .and(query_param("page", "2"))
            .and(header("workspace-id", "7"))
            .and(header("authorization", "Bearer jwt"))
            .respond_with(json_response(
                200,
                serde_json::from_str(include_str!("../fixtures/aisquared/list_response.json")).unwrap(),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).unwrap().with_bearer_auth("jwt");
        let params = ListConnectorsParams {
            r#type: Some(models::ConnectorType::Destination),
            page: Some(2),
            ..Default::default()
        };
        let list = client.list_connectors(7, &params).await.unwrap();
        assert_eq!(list.data[0].id, "42");
        let query = received(&server).await[0].url.query().unwrap_or_default().to_string();
        assert_eq!(query, "type=destination&page=2", "optional parameters left unset must not be sent");
    }

    #[tokio::test]
    async fn path_ids_are_percent_encoded_as_one_segment() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(json_response(
                200,
                serde_json::from_str(include_str!("../fixtures/aisquared/seed000_create_response.json")).unwrap(),
            ))
            .mount(&server)
            .await;
        let client = Client::new(&format!("{}/base/", server.uri())).unwrap();
        client.get_connector("a/b c%d", 1).await.unwrap();
        assert_eq!(received(&server).await[0].url.path(), "/base/api/v1/connectors/a%2Fb%20c%25d");
    }

    #[tokio::test]
    async fn documented_404_decodes_its_error_list() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(json_response(
                404,
                serde_json::from_str(include_str!("../fixtures/aisquared/error_not_found.json")).unwrap(),
            ))
            .mount(&server)
            .await;
        let Err(Error::Api(error)) = Client::new(&server.uri()).unwrap().get_connector("999", 1).await else {
            panic!("expected a documented error")
        };
        let GetConnectorError::NotFound(list) = &error.body else { panic!("expected 404") };
        assert_eq!(list.errors[0].status, Some(404));
    }

    #[tokio::test]
    async fn malformed_json_is_a_decode_error_that_keeps_the_body() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("{\"data\": ", "application/json"))
            .mount(&server)
            .await;
        let Err(Error::Decode { response, .. }) = Client::new(&server.uri()).unwrap().get_connector("1", 1).await
        else {
            panic!("expected a decode error")
        };
        assert_eq!(response.body, b"{\"data\": ");
    }

    #[tokio::test]
    async fn an_undocumented_html_500_keeps_status_headers_and_body() {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .respond_with(ResponseTemplate::new(500).set_body_raw("<html>oops</html>", "text/html"))
            .mount(&server)
            .await;
        let Err(Error::UnexpectedStatus(response)) = Client::new(&server.uri()).unwrap().delete_connector("1", 1).await
        else {
            panic!("expected an unexpected status")
        };
        assert_eq!(response.status.as_u16(), 500);
        assert_eq!(response.headers["content-type"], "text/html");
        assert_eq!(response.body, b"<html>oops</html>");
    }

    #[tokio::test]
    async fn a_documented_status_with_the_wrong_content_type_is_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("<html></html>", "text/html"))
            .mount(&server)
            .await;
        let result = Client::new(&server.uri()).unwrap().get_connector("1", 1).await;
        assert!(matches!(result, Err(Error::UnexpectedContentType { .. })), "{result:?}");
    }
}

mod patchworks {
    use super::*;
    use patchworks_client::{Client, CreateConnectorInstanceError, Error, models};

    fn request() -> models::ConnectorInstancesStoreRequest {
        serde_json::from_str(include_str!("../fixtures/patchworks/create_request.json")).unwrap()
    }

    #[tokio::test]
    async fn api_key_goes_raw_in_the_authorization_header() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/connector-instances"))
            .and(header("authorization", "pk_live_123"))
            .respond_with(json_response(
                200,
                serde_json::from_str(include_str!("../fixtures/patchworks/create_response.json")).unwrap(),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).unwrap().with_api_key_auth("pk_live_123");
        let created = client.create_connector_instance(&request()).await.unwrap();
        assert_eq!(created.data.and_then(|d| d.id), Some(981));
    }

    #[tokio::test]
    async fn body_less_401_is_its_own_variant_and_keeps_any_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(json_response(401, json!({"message": "Unauthenticated."})))
            .mount(&server)
            .await;
        let Err(Error::Api(error)) = Client::new(&server.uri()).unwrap().create_connector_instance(&request()).await
        else {
            panic!("expected 401")
        };
        assert_eq!(error.body, CreateConnectorInstanceError::Unauthorized);
        assert_eq!(error.raw_body, br#"{"message":"Unauthenticated."}"#);
    }
}

mod supermetal {
    use super::*;
    use supermetal_client::{Client, Error, SendConnectorCommandError, models};

    #[tokio::test]
    async fn optional_basic_auth_is_sent_only_when_configured() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/connectors"))
            .respond_with(json_response(200, json!({"connectors": []})))
            .mount(&server)
            .await;
        Client::new(&server.uri()).unwrap().list_connectors().await.unwrap();
        Client::new(&server.uri()).unwrap().with_basic_auth("u", "p").list_connectors().await.unwrap();
        let requests = received(&server).await;
        assert!(!requests[0].headers.contains_key("authorization"));
        assert_eq!(requests[1].headers["authorization"], "Basic dTpw");
    }

    #[tokio::test]
    async fn create_with_auto_id_decodes_201_and_command_maps_4xx_to_its_range() {
        let server = MockServer::start().await;
        let connector: models::Connector =
            serde_json::from_str(include_str!("../fixtures/supermetal/seed002_create_request.json")).unwrap();
        Mock::given(method("POST"))
            .and(path("/api/v1/connectors"))
            .respond_with(json_response(
                201,
                serde_json::from_str(include_str!("../fixtures/supermetal/seed002_create_response.json")).unwrap(),
            ))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/v1/connector/command/pg-ch"))
            .respond_with(ResponseTemplate::new(409))
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).unwrap();
        let created = client.create_connector_auto_id(&connector).await.unwrap();
        assert_eq!(created.run_id.as_deref(), Some("string"));
        let command =
            models::CommandWrapper { command: models::Command::ForceDelete, additional_properties: Default::default() };
        let Err(Error::Api(error)) = client.send_connector_command("pg-ch", &command).await else {
            panic!("expected a 4XX error")
        };
        assert_eq!((error.status.as_u16(), error.body), (409, SendConnectorCommandError::Status4xx));
    }
}

mod configuration {
    use std::time::Duration;

    use super::*;
    use aisquared_client::{Client, ConfigError, Error, ListConnectorsParams};

    #[tokio::test]
    async fn a_slow_server_hits_the_timeout_as_a_transport_error() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let client = Client::builder(&server.uri()).timeout(Duration::from_millis(200)).build().unwrap();
        let started = std::time::Instant::now();
        let Err(Error::Transport(error)) = client.get_connector("1", 1).await else { panic!("expected a timeout") };
        assert!(error.is_timeout(), "{error}");
        assert!(started.elapsed() < Duration::from_secs(4), "the timeout did not apply");
    }

    #[tokio::test]
    async fn user_agent_default_headers_and_the_request_hook_apply_to_every_request() {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(header("user-agent", "acme-sync/1.2"))
            .and(header("x-team", "data"))
            .and(header("x-hooked", "yes"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(&server.uri())
            .user_agent("acme-sync/1.2")
            .default_header("x-team", "data")
            .request_hook(|request| request.header("x-hooked", "yes"))
            .build()
            .unwrap();
        client.delete_connector("1", 1).await.unwrap();
    }

    #[test]
    fn conflicting_or_invalid_settings_are_configuration_errors() {
        let conflict = Client::builder("http://127.0.0.1:1")
            .http_client(aisquared_client::reqwest::Client::new())
            .timeout(Duration::from_secs(1))
            .build();
        assert!(matches!(conflict, Err(ConfigError::Conflict(_))), "{conflict:?}");
        let invalid = Client::builder("http://127.0.0.1:1").default_header("bad header", "x").build();
        assert!(matches!(invalid, Err(ConfigError::InvalidHeader(_))), "{invalid:?}");
    }

    #[tokio::test]
    async fn pages_walk_until_links_next_is_null() {
        let server = MockServer::start().await;
        let page = |n: u32, next: Option<&str>| {
            let mut body: serde_json::Value =
                serde_json::from_str(include_str!("../fixtures/aisquared/list_response.json")).unwrap();
            body["data"][0]["id"] = json!(n.to_string());
            body["links"]["next"] = json!(next);
            json_response(200, body)
        };
        Mock::given(query_param("page", "2"))
            .respond_with(page(2, Some("https://api.squared.ai/api/v1/connectors?page=3")))
            .mount(&server)
            .await;
        Mock::given(query_param("page", "3")).respond_with(page(3, None)).mount(&server).await;
        let client = Client::new(&server.uri()).unwrap();
        let params = ListConnectorsParams { page: Some(2), per_page: Some(1), ..Default::default() };
        let pages = client.list_connectors_pages(7, &params).collect_pages().await.unwrap();
        let ids: Vec<&str> = pages.iter().map(|p| p.data[0].id.as_str()).collect();
        assert_eq!(ids, ["2", "3"]);
        for request in received(&server).await {
            assert!(
                request.url.query().unwrap_or_default().contains("per_page=1"),
                "other parameters are kept: {}",
                request.url
            );
        }
    }

    #[tokio::test]
    async fn an_error_ends_the_walk() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(json_response(401, json!({"errors": [{"detail": "expired"}]})))
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).unwrap();
        // A walk is `Send` (its futures are `Send` off the browser), so a task can hold it across awaits.
        let mut pages = is_send(client.list_connectors_pages(7, &ListConnectorsParams::default()));
        assert!(matches!(pages.next_page().await, Some(Err(Error::Api(_)))));
        assert!(pages.next_page().await.is_none());
        assert_eq!(received(&server).await.len(), 1);
    }

    fn is_send<T: Send>(value: T) -> T {
        value
    }

    #[test]
    fn server_variables_fill_the_url_template() {
        assert_eq!(supermetal_client::DEFAULT_BASE_URL, "https://localhost:3000");
        assert_eq!(supermetal_client::server_url("http", "sm.internal:3000"), "http://sm.internal:3000");
        assert_eq!(aisquared_client::DEFAULT_BASE_URL, "https://api.squared.ai");
    }
}
