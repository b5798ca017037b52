//! The client generated from specforge's Swagger 2.0 test API (`tests/swagger2/files.yaml`) over real HTTP on
//! 127.0.0.1: a `formData` upload with a file part, a `type: file` download, every `collectionFormat` on query and
//! header parameters, a `body` parameter and a `application/x-www-form-urlencoded` form, each with the API key
//! the document's `securityDefinitions` names.

use swagger2_client::{Client, DownloadFileError, Error, FilePart, ListFilesParams, UploadFileForm, models};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A client for the server's `/v1` (the document's `basePath`), with the API key set.
async fn client_for(server: &MockServer) -> Client {
    Client::new(&format!("{}/v1", server.uri())).expect("a base URL").with_key("k-123")
}

async fn only_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1, "one request");
    received.remove(0)
}

#[tokio::test]
async fn a_form_data_upload_sends_its_typed_fields_and_file_as_multipart_parts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .and(header("x-api-key", "k-123"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(r#"{"id":7,"name":"a.txt","size":5}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let form = UploadFileForm {
        note: "first".into(),
        tags: Some(vec!["red".into(), "blue".into()]),
        sizes: Some(vec![1, 2]),
        content: FilePart::bytes(b"hello".to_vec()).file_name("a.txt").content_type("text/plain"),
    };
    let stored = client_for(&server).await.upload_file(form).await.expect("the stored file");
    assert_eq!(stored, models::FileInfo { id: 7, name: "a.txt".into(), size: Some(5), note: Default::default() });

    let request = only_request(&server).await;
    let content_type = request.headers["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8_lossy(&request.body);
    let text_part = |name: &str, value: &str| format!("name=\"{name}\"\r\n\r\n{value}\r\n");
    assert!(body.contains(&text_part("note", "first")), "{body}");
    // `collectionFormat: csv` joins the items into one part; `multi` sends a part per item.
    assert!(body.contains(&text_part("tags", "red,blue")), "{body}");
    assert_eq!(body.matches("name=\"sizes\"").count(), 2, "{body}");
    assert!(body.contains(&text_part("sizes", "1")) && body.contains(&text_part("sizes", "2")), "{body}");
    let file_part = "name=\"content\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
    assert!(body.contains(file_part), "{body}");
}

#[tokio::test]
async fn a_file_response_is_a_byte_stream_and_a_documented_error_is_typed() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/files/1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0u8, 159, 146, 150], "application/octet-stream"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/files/2"))
        .respond_with(ResponseTemplate::new(404).set_body_raw("gone", "application/octet-stream"))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let bytes = client.download_file(1).await.expect("a stream").collect_bytes().await.expect("the bytes");
    assert_eq!(bytes, [0u8, 159, 146, 150]);
    match client.download_file(2).await {
        Err(Error::Api(error)) => assert_eq!(error.body, DownloadFileError::NotFound(b"gone".to_vec())),
        other => panic!("expected the documented 404, got {other:?}"),
    }
}

#[tokio::test]
async fn collection_formats_are_sent_as_swagger_2_0_defines_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/files"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"[{"id":1,"name":"a"}]"#, "application/json"))
        .mount(&server)
        .await;
    let params = ListFilesParams {
        tag: Some(vec!["red".into(), "blue".into()]),
        fields: Some(vec!["id".into(), "name".into()]),
        ids: Some(vec![1, 2]),
        x_trace: Some(vec!["a".into(), "b".into()]),
    };
    let files = client_for(&server).await.list_files(&params).await.expect("the files");
    assert_eq!(files.len(), 1);

    let request = only_request(&server).await;
    // multi: one pair per item; pipes: `|`; ssv: a space (percent-encoded); csv in a header: `,`.
    assert_eq!(request.url.query(), Some("tag=red&tag=blue&fields=id%7Cname&ids=1+2"));
    assert_eq!(request.headers["x-trace"], "a,b");
    assert_eq!(request.headers["x-api-key"], "k-123");
}

#[tokio::test]
async fn a_body_parameter_is_the_json_body_and_form_data_without_files_is_url_encoded_with_arrays() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v1/files/3"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"id":3,"name":"b","note":null}"#, "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/files/3/rename"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    // The read-only `id` is the server's: the type sent has no such field.
    let info = models::FileInfoRequest { name: "b".into(), size: None, note: Default::default() };
    let updated = client.describe_file(3, &info).await.expect("the updated file");
    // `x-nullable: true`: null is a value of its own, not an absent field.
    assert!(updated.note.is_null(), "{updated:?}");
    let rename = models::RenameFileRequest {
        name: "c d".into(),
        aliases: Some(vec!["x".into(), "y".into()]),
        labels: Some(vec!["l1".into(), "l2".into()]),
    };
    client.rename_file(3, &rename).await.expect("renamed");

    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received[0].headers["content-type"], "application/json");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&received[0].body).unwrap(),
        serde_json::json!({"name": "b"})
    );
    assert_eq!(received[1].headers["content-type"], "application/x-www-form-urlencoded");
    // `multi` repeats the pair; `csv` (2.0's default) joins the items into one value.
    assert_eq!(String::from_utf8_lossy(&received[1].body), "name=c+d&aliases=x&aliases=y&labels=l1%2Cl2");
}

#[tokio::test]
async fn a_file_part_streams_from_disk_with_its_file_name() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(r#"{"id":8,"name":"big.bin"}"#, "application/json"))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("big.bin");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &content).expect("the file");
    let part = FilePart::open(&file).await.expect("opens");
    assert!(format!("{part:?}").contains("length: Some(200000)"), "{part:?}");
    let form = UploadFileForm { note: "n".into(), tags: None, sizes: None, content: part };
    client_for(&server).await.upload_file(form).await.expect("the stored file");

    let request = only_request(&server).await;
    let marker = b"name=\"content\"; filename=\"big.bin\"\r\n\r\n";
    let start = request.body.windows(marker.len()).position(|w| w == marker).expect("the file part") + marker.len();
    assert_eq!(&request.body[start..start + content.len()], &content[..], "the file's bytes, whole");
}

mod oauth2 {
    //! The 2.0 document's `oauth2` scheme (`flow: application`, a relative `tokenUrl`) over loopback HTTP: tokens
    //! fetched with the client credentials grant, cached, fetched again after a 401, and a provider of one's own.

    use std::sync::atomic::{AtomicUsize, Ordering};

    use swagger2_client::{Client, Error, Secret, TokenError, TokenProvider, models};
    use wiremock::matchers::{body_string, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn info() -> models::FileInfoRequest {
        models::FileInfoRequest { name: "b".into(), size: None, note: Default::default() }
    }

    fn token(access_token: &str) -> ResponseTemplate {
        let body = format!(r#"{{"access_token":"{access_token}","token_type":"Bearer","expires_in":3600}}"#);
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }

    fn file_reply() -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_raw(r#"{"id":3,"name":"b"}"#, "application/json")
    }

    fn client_for(server: &MockServer) -> Client {
        Client::new(&format!("{}/v1", server.uri())).expect("a base URL").with_oauth_client_credentials(
            "app",
            "s3cret",
            &["files.write"],
        )
    }

    #[tokio::test]
    async fn a_client_credentials_token_is_fetched_once_and_sent_as_a_bearer_token() {
        let server = MockServer::start().await;
        // `app:s3cret` in HTTP Basic, the grant and the scope in the form.
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(header("authorization", "Basic YXBwOnMzY3JldA=="))
            .and(body_string("client_id=app&grant_type=client_credentials&scope=files.write"))
            .respond_with(token("t1"))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/v1/files/3"))
            .and(header("authorization", "Bearer t1"))
            .respond_with(file_reply())
            .expect(2)
            .mount(&server)
            .await;
        let client = client_for(&server);
        client.describe_file(3, &info()).await.expect("the first call");
        client.describe_file(3, &info()).await.expect("the second call, with the cached token");
        let debug = format!("{client:?}");
        assert!(!debug.contains("s3cret") && !debug.contains("t1"), "{debug}");
    }

    #[tokio::test]
    async fn a_rejected_token_is_replaced_and_the_request_sent_once_more() {
        let server = MockServer::start().await;
        Mock::given(path("/oauth/token")).respond_with(token("old")).up_to_n_times(1).mount(&server).await;
        Mock::given(path("/oauth/token")).respond_with(token("new")).mount(&server).await;
        Mock::given(path("/v1/files/3"))
            .and(header("authorization", "Bearer old"))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        Mock::given(path("/v1/files/3"))
            .and(header("authorization", "Bearer new"))
            .respond_with(file_reply())
            .mount(&server)
            .await;
        let updated = client_for(&server).describe_file(3, &info()).await.expect("a success after the retry");
        assert_eq!(updated.id, 3);
        let token_requests =
            server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == "/oauth/token").count();
        assert_eq!(token_requests, 2);
    }

    #[tokio::test]
    async fn a_refused_token_request_is_a_typed_error_without_the_secret() {
        let server = MockServer::start().await;
        Mock::given(path("/oauth/token"))
            .respond_with(ResponseTemplate::new(400).set_body_raw(r#"{"error":"invalid_client"}"#, "application/json"))
            .mount(&server)
            .await;
        match client_for(&server).describe_file(3, &info()).await {
            Err(Error::Token(error)) => {
                let message = error.to_string();
                assert!(message.contains("400") && message.contains("invalid_client"), "{message}");
                assert!(!message.contains("s3cret"), "{message}");
            }
            other => panic!("expected a token error, got {other:?}"),
        }
        assert!(server.received_requests().await.unwrap().iter().all(|r| r.url.path() == "/oauth/token"));
    }

    /// Tokens from anywhere: a provider of one's own, asked before each request.
    struct Counted(AtomicUsize);

    impl TokenProvider for Counted {
        fn token(
            &self,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Secret, TokenError>> + Send + '_>> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move { Ok(Secret::new(format!("mine-{n}"))) })
        }
    }

    #[tokio::test]
    async fn a_provider_of_ones_own_is_asked_before_each_request() {
        let server = MockServer::start().await;
        Mock::given(path("/v1/files/3")).respond_with(file_reply()).mount(&server).await;
        let provider = Counted(AtomicUsize::new(0));
        let client = Client::new(&format!("{}/v1", server.uri())).unwrap().with_oauth_provider(provider);
        client.describe_file(3, &info()).await.unwrap();
        client.describe_file(3, &info()).await.unwrap();
        let sent: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| r.headers["authorization"].to_str().unwrap().to_string())
            .collect();
        assert_eq!(sent, ["Bearer mine-0", "Bearer mine-1"]);
    }
}
