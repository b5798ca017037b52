//! The client of specforge's parameter-style test API (`tests/styles/styles.yaml`) over real HTTP on 127.0.0.1: a
//! server decodes the query string and headers it receives, and the test compares them with what OpenAPI's styles
//! define for the values sent (objects as `deepObject`, exploded and joined `form`, headers in `simple` style,
//! arrays joined by commas, spaces and pipes).

use styles_client::models::{
    Filter, FilterCreated, FilterStatus, SearchPage, SearchPoint, SearchXContext, SearchXTrace,
};
use styles_client::{Client, SearchParams};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn search(params: &SearchParams) -> Request {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"count":0}"#, "application/json"))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri()).expect("a base URL");
    client.search(params).await.expect("the search");
    let mut received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1);
    received.remove(0)
}

/// The query as the server decodes it: (name, value) pairs in order, percent-decoded.
fn decoded_query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

#[tokio::test]
async fn objects_in_the_query_follow_their_style() {
    let params = SearchParams {
        filter: Some(Filter {
            status: Some(FilterStatus::Open),
            tags: Some(vec!["a b".into(), "c&d".into()]),
            created: Some(FilterCreated { after: Some("2024-01-02".parse().unwrap()), before: None }),
        }),
        labels: Some([("team".to_string(), "core".to_string())].into()),
        page: Some(SearchPage { size: Some(50), number: Some(2) }),
        point: Some(SearchPoint { x: 1.5, y: -2.0 }),
        ..SearchParams::default()
    };
    let request = search(&params).await;
    assert_eq!(
        decoded_query(&request),
        pairs(&[
            // deepObject: brackets, nested objects deeper, arrays repeat the key.
            ("filter[status]", "open"),
            ("filter[tags]", "a b"),
            ("filter[tags]", "c&d"),
            ("filter[created][after]", "2024-01-02"),
            ("labels[team]", "core"),
            // form, exploded: the properties stand for the parameter.
            ("size", "50"),
            ("number", "2"),
            // form, not exploded: one value of key,value pairs.
            ("point", "x,1.5,y,-2.0"),
        ])
    );
    // Reserved characters inside values are percent-encoded, so they cannot split a pair.
    assert!(request.url.query().unwrap().contains("filter%5Btags%5D=c%26d"), "{:?}", request.url.query());
}

#[tokio::test]
async fn arrays_are_joined_as_their_style_says_and_objects_in_headers_are_simple() {
    let params = SearchParams {
        ids: Some(vec![1, 2, 3]),
        words: Some(vec!["red".into(), "green".into()]),
        colors: Some(vec!["x".into(), "y".into()]),
        x_context: Some(SearchXContext { tenant: Some("acme".into()), region: Some("eu".into()) }),
        x_trace: Some(SearchXTrace { span: Some("s1".into()), sampled: Some(true) }),
        ..SearchParams::default()
    };
    let request = search(&params).await;
    assert_eq!(decoded_query(&request), pairs(&[("ids", "1,2,3"), ("words", "red green"), ("colors", "x|y")]));
    assert_eq!(request.headers["x-context"], "tenant,acme,region,eu");
    assert_eq!(request.headers["x-trace"], "span=s1,sampled=true");
}

#[tokio::test]
async fn absent_and_empty_objects_send_nothing() {
    let params = SearchParams { page: Some(SearchPage::default()), ..SearchParams::default() };
    let request = search(&params).await;
    assert_eq!(request.url.query(), None, "no pairs, and no dangling `?`: {}", request.url);
    assert!(!request.headers.contains_key("x-context"));
}
