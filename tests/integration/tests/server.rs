//! The generated servers over loopback HTTP: what they refuse before an implementation sees a request (and how they
//! say why), what an implementation's failures become, and the fake's controls (replies, delays, dropped
//! connections, recorded requests). The conformance tests (`tests/conformance`) cover the round trips themselves.

use std::time::Duration;

use supermetal_client::models;
use supermetal_server::{
    Api, CreateConnectorAutoIdReply, CreateConnectorAutoIdRequest, Failure, GetConnectorReply, GetConnectorRequest,
};

/// Serves `router` on a free port of 127.0.0.1 and returns its base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serving") });
    format!("http://{address}")
}

/// An agent that knows one connector and fails on another.
struct Agent;

impl Api for Agent {
    async fn get_connector(&self, request: GetConnectorRequest) -> Result<GetConnectorReply, Failure> {
        match request.connector_id.as_str() {
            "broken" => Err(std::io::Error::other("the database password is hunter2").into()),
            "pg" => Ok(GetConnectorReply::Ok(connector_with_status())),
            _ => Ok(GetConnectorReply::Status4xx { status: axum::http::StatusCode::NOT_FOUND }),
        }
    }

    async fn create_connector_auto_id(
        &self,
        request: CreateConnectorAutoIdRequest,
    ) -> Result<CreateConnectorAutoIdReply, Failure> {
        let mut created = connector_with_status();
        created.connector.id = format!("{}-1", request.body.id);
        Ok(CreateConnectorAutoIdReply::Created(created))
    }
}

fn connector_json() -> serde_json::Value {
    serde_json::json!({
        "id": "pg",
        "source": {"postgres": {"connection": {"host": "db", "user": "u", "password": "p", "database": "d"},
                                "replication_type": {"logical_replication": {}}}},
        "sink": {"postgres": {"connection": {"host": "dw", "user": "u", "password": "p", "database": "d"}}}
    })
}

fn connector_with_status() -> models::ConnectorWithStatus {
    serde_json::from_value(serde_json::json!({ "connector": connector_json() })).expect("a connector with status")
}

/// A problem's `detail`, with its status.
async fn problem(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_string());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let bytes = response.bytes().await.expect("a body");
    let body: serde_json::Value = serde_json::from_slice(&bytes).expect("a JSON problem");
    assert_eq!(body["status"], status);
    (status, body["detail"].as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn an_implementation_sees_typed_requests_and_its_replies_reach_the_client() {
    let url = serve(supermetal_server::router(Agent)).await;
    let client = supermetal_client::Client::new(&url).expect("a client");
    let got = client.get_connector("pg").await.expect("the connector");
    assert_eq!(got, connector_with_status());
    let body: models::Connector = serde_json::from_value(connector_json()).expect("a connector");
    let created = client.create_connector_auto_id(&body).await.expect("created");
    assert_eq!(created.connector.id, "pg-1");
    let missing = client.get_connector("nope").await.expect_err("not found");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn failures_are_500s_that_keep_their_text_and_unimplemented_operations_are_501s() {
    let url = serve(supermetal_server::router(Agent)).await;
    let http = reqwest::Client::new();
    let (status, detail) = problem(http.get(format!("{url}/api/v1/connectors/broken")).send().await.unwrap()).await;
    assert_eq!(status, 500);
    assert!(!detail.contains("hunter2"), "a failure's text is not sent: {detail}");
    let (status, detail) = problem(http.get(format!("{url}/api/v1/connectors")).send().await.unwrap()).await;
    assert_eq!((status, detail.as_str()), (501, "`list_connectors` is not implemented by this server"));
}

#[tokio::test]
async fn bad_bodies_are_refused_with_what_was_wrong() {
    let url = serve(supermetal_server::router(Agent)).await;
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>, content_type: &'static str| {
        http.post(format!("{url}/api/v1/connectors")).header("content-type", content_type).body(body).send()
    };
    let mut wrong_type = connector_json();
    wrong_type["id"] = serde_json::json!(5);
    let (status, detail) = problem(post(wrong_type.to_string().into_bytes(), "application/json").await.unwrap()).await;
    assert_eq!(status, 422);
    assert!(detail.starts_with("at `id`: invalid type: integer `5`"), "{detail}");
    let mut no_sink = connector_json();
    no_sink.as_object_mut().unwrap().remove("sink");
    let (status, detail) = problem(post(no_sink.to_string().into_bytes(), "application/json").await.unwrap()).await;
    assert_eq!((status, detail.contains("missing field `sink`")), (422, true), "{detail}");
    let (status, _) = problem(post(b"{not json".to_vec(), "application/json").await.unwrap()).await;
    assert_eq!(status, 422);
    let (status, detail) = problem(post(b"id=pg".to_vec(), "application/x-www-form-urlencoded").await.unwrap()).await;
    assert_eq!((status, detail.as_str()), (415, "the body must be JSON, not application/x-www-form-urlencoded"));
    let (status, detail) = problem(post(Vec::new(), "application/json").await.unwrap()).await;
    assert_eq!((status, detail.as_str()), (422, "the body is required"));
    let huge = vec![b' '; 17 * 1024 * 1024];
    let (status, _) = problem(post(huge, "application/json").await.unwrap()).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn a_method_the_path_does_not_offer_is_a_405_that_lists_the_ones_it_does() {
    let url = serve(supermetal_server::router(Agent)).await;
    let response = reqwest::Client::new().delete(format!("{url}/api/v1/connectors")).send().await.unwrap();
    assert_eq!(response.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, POST"));
    let (status, _) = problem(response).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn bad_parameters_are_400s_naming_the_parameter() {
    let fake = styles_server::Fake::start().await.expect("a fake");
    let http = reqwest::Client::new();
    let (status, detail) = problem(http.get(format!("{}/search?ids=1,x", fake.url())).send().await.unwrap()).await;
    assert_eq!((status, detail.as_str()), (400, "query parameter `ids`: expected an integer, found \"x\""));
    let (status, detail) = problem(http.get(format!("{}/search?point=x,1", fake.url())).send().await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(detail.starts_with("query parameter `point`"), "{detail}");
    let deep = format!("{}/search?filter{}=1", fake.url(), "[a]".repeat(5000));
    let (status, detail) = problem(http.get(deep).send().await.unwrap()).await;
    assert_eq!((status, detail.as_str()), (400, "query parameter `filter`: keys nest deeper than 32 levels"));
    assert_eq!(fake.search.calls(), 0, "a refused request never reaches the implementation");
}

#[tokio::test]
async fn the_fake_answers_by_default_then_as_told_and_records_what_it_received() {
    let fake = supermetal_server::Fake::start().await.expect("a fake");
    let client = supermetal_client::Client::new(&fake.url()).expect("a client");
    let listed = client.list_connectors().await.expect("the default reply");
    assert!(listed.connectors.is_empty(), "a minimal value where the API gives no example");

    fake.get_connector.reply(GetConnectorReply::Ok(connector_with_status()));
    assert_eq!(client.get_connector("pg").await.expect("the reply set"), connector_with_status());
    fake.get_connector.reply_with(|request| {
        let status = if request.connector_id == "gone" { 410 } else { 404 };
        GetConnectorReply::Status4xx { status: axum::http::StatusCode::from_u16(status).unwrap() }
    });
    let gone = client.get_connector("gone").await.expect_err("gone");
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(410));
    let ids: Vec<String> = fake.get_connector.requests().into_iter().map(|r| r.connector_id).collect();
    assert_eq!(ids, ["pg", "gone"]);

    fake.get_connector.reset();
    let default = client.get_connector("any").await.expect("the default reply again");
    assert_eq!(default.connector.id, "");
}

#[tokio::test]
async fn the_fake_answers_with_the_api_descriptions_example() {
    let fake = styles_server::Fake::start().await.expect("a fake");
    let client = styles_client::Client::new(&fake.url()).expect("a client");
    let found = client.search(&styles_client::SearchParams::default()).await.expect("the example");
    assert_eq!(found.count, Some(42));
}

#[tokio::test]
/// (AI Squared's page gives only placeholders, `"<string>"` where an enum is expected: its spec has no example.)
async fn the_vendor_fakes_answer_with_the_vendors_own_examples() {
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("a fixture");

    let fake = supermetal_server::Fake::start().await.expect("a fake");
    let client = supermetal_client::Client::new(&fake.url()).expect("a client");
    let body = serde_json::from_str(include_str!("../fixtures/supermetal/seed002_create_request.json")).unwrap();
    let created = client.create_connector_auto_id(&body).await.expect("the example");
    let expected = json(include_str!("../fixtures/supermetal/seed002_create_response.json"));
    assert_eq!(serde_json::to_value(created).unwrap(), expected);

    let fake = agentstack_server::Fake::start().await.expect("a fake");
    let client = agentstack_client::Client::new(&fake.url()).expect("a client");
    let body = serde_json::from_str(include_str!("../fixtures/agentstack/seed001_create_request.json")).unwrap();
    let created = client.create_connector(&body).await.expect("the example");
    let expected = json(include_str!("../fixtures/agentstack/seed001_create_response.json"));
    assert_eq!(serde_json::to_value(created).unwrap(), expected);
}

#[tokio::test]
async fn the_fake_can_be_slow_or_drop_the_connection() {
    let fake = supermetal_server::Fake::start().await.expect("a fake");
    let impatient = supermetal_client::Client::builder(&fake.url()).timeout(Duration::from_millis(200)).build();
    let impatient = impatient.expect("a client");
    fake.list_connectors.delay(Duration::from_secs(5));
    let timed_out = impatient.list_connectors().await.expect_err("too slow");
    assert!(matches!(timed_out, supermetal_client::Error::Transport(ref e) if e.is_timeout()), "{timed_out:?}");

    let client = supermetal_client::Client::new(&fake.url()).expect("a client");
    fake.get_connector.drop_connection();
    let dropped = client.get_connector("pg").await.expect_err("no reply");
    assert!(matches!(dropped, supermetal_client::Error::Transport(_)), "{dropped:?}");
    assert_eq!(fake.get_connector.calls(), 1, "the request was received before the connection was dropped");
}

/// A header's value of these characters, one byte each (a byte over 127 is what a header may carry but not text).
fn header_bytes(text: &str) -> reqwest::header::HeaderValue {
    let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
    reqwest::header::HeaderValue::from_bytes(&bytes).expect("a header's bytes")
}

/// A small deterministic generator of garbage.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }
}

#[tokio::test]
async fn no_request_makes_a_server_fail_or_drop_the_connection() {
    let styles = styles_server::Fake::start().await.expect("a fake");
    let files = swagger2_server::Fake::start().await.expect("a fake");
    let http = reqwest::Client::new();
    let mut random = Lcg(0x5EED);
    let paths =
        ["/search", "/events", "/machines", "/numbers", "/files", "/files/7", "/files/x%2F%FF", "/files/7/rename"];
    let queries = [
        "",
        "?ids=1,2",
        "?ids=,,",
        "?filter[a][b]=1&filter=2",
        "?page[size]=-1",
        "?point=1",
        "?words=a%20b",
        "?%FF=%FE",
        "?labels=",
        "?filter[[[=]]]",
        "?x-trace=1&&&&",
        "?sizes=1&sizes=x",
    ];
    let bodies: [&[u8]; 7] =
        [b"", b"{", b"null", b"[1,2]", b"name=a&aliases=b&aliases=c", b"--x\r\n\r\n--x--", &[0xFF, 0xFE, 0]];
    let types = [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "text/plain",
        "application/json; charset=\u{ff}",
    ];
    let methods = [reqwest::Method::GET, reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::DELETE];
    for _ in 0..400 {
        let base = if random.next().is_multiple_of(2) { styles.url() } else { files.url() };
        let url = format!("{base}{}{}", random.pick(&paths), random.pick(&queries));
        let method = methods[random.next() as usize % methods.len()].clone();
        let body = bodies[random.next() as usize % bodies.len()].to_vec();
        let request = http
            .request(method.clone(), &url)
            .header("content-type", header_bytes(random.pick(&types)))
            .header("x-context", header_bytes(random.pick(&["a,b", "a=b,c", ",,,", "\u{ff}"])))
            .header("cookie", random.pick(&["session=1", "=;=;", "a"]))
            .body(body);
        let response = request.send().await.unwrap_or_else(|error| panic!("{method} {url}: {error}"));
        assert!(response.status().as_u16() < 500, "{method} {url}: {}", response.status());
    }
}
