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

mod pages {
    //! Pagination as real APIs do it, walked by the generated `…_pages` and `…_items` methods.

    use futures_util::StreamExt;
    use styles_client::{Client, ListEventsParams, ListNumbersParams, ListProjectsParams};
    use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn json(body: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json")
    }

    #[tokio::test]
    async fn a_link_header_leads_to_the_next_page_and_items_come_in_order() {
        let server = MockServer::start().await;
        let uri = server.uri();
        let first = json(r#"[{"id":1},{"id":2}]"#).insert_header(
            "link",
            format!(r#"<{uri}/events?per_page=2&page=2>; rel="next", <{uri}/events?per_page=2&page=2>; rel="last""#),
        );
        Mock::given(path("/events")).and(query_param_is_missing("page")).respond_with(first).mount(&server).await;
        let last = json(r#"[{"id":3}]"#).insert_header("link", format!(r#"<{uri}/events?per_page=2>; rel="first""#));
        Mock::given(path("/events")).and(query_param("page", "2")).respond_with(last).mount(&server).await;
        let client = Client::new(&uri).unwrap();
        let params = ListEventsParams { per_page: Some(2) };
        let ids: Vec<i64> = client.list_events_items(&params).map(|event| event.unwrap().id).collect().await;
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(server.received_requests().await.unwrap().len(), 2, "one request per page, none after the last");
    }

    #[tokio::test]
    async fn a_link_to_the_same_page_ends_the_walk() {
        let server = MockServer::start().await;
        let uri = server.uri();
        let page = json(r#"[{"id":1}]"#).insert_header("link", format!(r#"<{uri}/events>; rel="next""#));
        Mock::given(path("/events")).respond_with(page).mount(&server).await;
        let pages = Client::new(&uri).unwrap().list_events_pages(&ListEventsParams::default()).collect_pages().await;
        assert_eq!(pages.unwrap().len(), 2, "the first page, then its link once, which names itself");
    }

    #[tokio::test]
    async fn azure_next_links_are_followed_with_the_credentials() {
        let server = MockServer::start().await;
        let uri = server.uri();
        Mock::given(method("GET"))
            .and(path("/machines"))
            .and(query_param_is_missing("skip"))
            .and(header("x-key", "k"))
            .respond_with(json(&format!(r#"{{"value":[{{"name":"a"}}],"nextLink":"{uri}/machines?skip=1"}}"#)))
            .mount(&server)
            .await;
        Mock::given(path("/machines"))
            .and(query_param("skip", "1"))
            .and(header("x-key", "k"))
            .respond_with(json(r#"{"value":[{"name":"b"}],"nextLink":null}"#))
            .mount(&server)
            .await;
        let client = Client::new(&uri).unwrap().with_key("k");
        let names: Vec<String> = client.list_machines_items().map(|machine| machine.unwrap().name).collect().await;
        assert_eq!(names, ["a", "b"]);
    }

    #[tokio::test]
    async fn a_cursor_named_by_convention_is_passed_on_until_it_is_empty() {
        let server = MockServer::start().await;
        Mock::given(path("/projects"))
            .and(query_param_is_missing("pageToken"))
            .and(query_param("pageSize", "1"))
            .respond_with(json(r#"{"projects":[{"name":"a"}],"unreachable":["eu"],"nextPageToken":"t2"}"#))
            .mount(&server)
            .await;
        Mock::given(path("/projects"))
            .and(query_param("pageToken", "t2"))
            .and(query_param("pageSize", "1"))
            .respond_with(json(r#"{"projects":[{"name":"b"}],"nextPageToken":""}"#))
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).unwrap();
        let params = ListProjectsParams { page_size: Some(1), ..ListProjectsParams::default() };
        let names: Vec<String> =
            client.list_projects_items(&params).map(|project| project.unwrap().name).collect().await;
        assert_eq!(names, ["a", "b"], "the items are the array of objects, not the list of strings beside it");
        assert_eq!(server.received_requests().await.unwrap().len(), 2, "an empty token ends the walk");
    }

    #[tokio::test]
    async fn a_next_page_url_named_by_convention_is_followed() {
        let server = MockServer::start().await;
        let uri = server.uri();
        Mock::given(path("/calls"))
            .and(query_param_is_missing("Page"))
            .respond_with(json(&format!(
                r#"{{"calls":[{{"name":"a"}}],"meta":{{"next_page_url":"{uri}/calls?Page=1&PageToken=p1"}}}}"#
            )))
            .mount(&server)
            .await;
        Mock::given(path("/calls"))
            .and(query_param("PageToken", "p1"))
            .respond_with(json(r#"{"calls":[{"name":"b"}],"meta":{"next_page_url":null}}"#))
            .mount(&server)
            .await;
        let client = Client::new(&uri).unwrap();
        let names: Vec<String> = client.list_calls_items().map(|call| call.unwrap().name).collect().await;
        assert_eq!(names, ["a", "b"]);
        assert_eq!(server.received_requests().await.unwrap().len(), 2, "`null` ends the walk");
    }

    #[tokio::test]
    async fn a_page_without_items_is_the_last_and_an_error_ends_the_stream() {
        let server = MockServer::start().await;
        Mock::given(path("/numbers"))
            .and(query_param("page", "1"))
            .respond_with(json(r#"{"data":[1,2],"more":true}"#))
            .mount(&server)
            .await;
        Mock::given(path("/numbers"))
            .and(query_param("page", "2"))
            .respond_with(json(r#"{"data":[],"more":true}"#))
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).unwrap();
        let numbers: Vec<i64> =
            client.list_numbers_items(&ListNumbersParams::default()).map(|n| n.unwrap()).collect().await;
        assert_eq!(numbers, [1, 2]);
        assert_eq!(server.received_requests().await.unwrap().len(), 2, "`more` is ignored on an empty page");

        let failing = MockServer::start().await;
        Mock::given(path("/numbers")).respond_with(ResponseTemplate::new(500)).mount(&failing).await;
        let items: Vec<_> =
            Client::new(&failing.uri()).unwrap().list_numbers_items(&ListNumbersParams::default()).collect().await;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().unwrap_err().status().map(|s| s.as_u16()), Some(500));
    }
}
