//! The streaming test API's client (`tests/streaming/streaming.yaml`) over real HTTP on 127.0.0.1: server-sent
//! events and JSON Lines split across TCP writes with pauses, a download read while the server is still sending,
//! response headers, retries and per-request settings. A small tokio server writes the bodies (wiremock cannot
//! pause mid-body); wiremock serves the rest.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use streaming_client::{Client, Error, RetryPolicy, StreamError, models};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What the raw server writes: bytes, or a pause, or a wait until the test says go on.
enum Write {
    Bytes(Vec<u8>),
    Pause(Duration),
    WaitFor(oneshot::Receiver<()>),
}

fn text(text: &str) -> Write {
    Write::Bytes(text.as_bytes().to_vec())
}

/// Serves one request on 127.0.0.1: reads it, answers `200` with `content_type` and writes `body` piece by piece,
/// then closes the connection (which ends the body). Returns the base URL.
async fn serve_once(content_type: &'static str, body: Vec<Write>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("a connection");
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = socket.read(&mut buffer).await.expect("the request");
            if read == 0 {
                return;
            }
            request.extend_from_slice(&buffer[..read]);
        }
        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n");
        socket.write_all(head.as_bytes()).await.expect("head");
        for write in body {
            match write {
                Write::Bytes(bytes) => socket.write_all(&bytes).await.expect("body"),
                Write::Pause(pause) => tokio::time::sleep(pause).await,
                Write::WaitFor(signal) => {
                    let _ = signal.await;
                }
            }
            socket.flush().await.expect("flush");
        }
    });
    format!("http://{address}")
}

fn chat_request() -> models::ChatRequest {
    models::ChatRequest {
        model: "small".into(),
        messages: vec![models::Message { role: models::MessageRole::User, content: "Hi".into() }],
        stream: Some(true),
    }
}

#[tokio::test]
async fn a_completion_streams_as_typed_events_until_the_sentinel() {
    let pause = Duration::from_millis(30);
    let base = serve_once(
        "text/event-stream",
        vec![
            text(": connected\n\n"),
            text("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"del"),
            Write::Pause(pause),
            text("ta\":{\"content\":\"Hel\"}}]}\n\n"),
            text("event: chunk\nid: 7\nretry: 1500\n"),
            Write::Pause(pause),
            text("data: {\"id\":\"c1\",\n"),
            text("data: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n"),
            text("data: {not json}\n\n"),
            text("data: {\"id\":\"c1\",\"choices\":[]}\r\n\r\n"),
            text("data: [DONE]\n\n"),
            text("data: {\"id\":\"after the sentinel\",\"choices\":[]}\n\n"),
        ],
    )
    .await;
    let client = Client::new(&base).unwrap();
    let mut events = client.create_chat_completion(&chat_request()).await.expect("a stream").until_data("[DONE]");

    let first = events.next().await.expect("an event").expect("a chunk");
    assert_eq!((first.event.as_str(), first.data.choices[0].delta.content.as_deref()), ("message", Some("Hel")));
    let second = events.next().await.expect("an event").expect("a chunk");
    assert_eq!((second.event.as_str(), second.id.as_str()), ("chunk", "7"));
    assert_eq!(second.retry, Some(Duration::from_millis(1500)));
    assert_eq!(second.data.choices[0].delta.content.as_deref(), Some("lo"), "two data lines join into one JSON");
    match events.next().await.expect("an event") {
        Err(StreamError::Decode { data, .. }) => assert_eq!(data, "{not json}"),
        other => panic!("expected a decoding error, got {other:?}"),
    }
    let fourth = events.next().await.expect("the stream goes on after a bad event").expect("a chunk");
    assert!(fourth.data.choices.is_empty());
    assert!(events.next().await.is_none(), "[DONE] ends the stream");
}

/// OpenAI-style: the same operation answers one JSON reply, or with `stream: true` server-sent events; the
/// `…_stream` method asks for the events.
#[tokio::test]
async fn a_reply_offered_whole_or_as_events_can_be_streamed() {
    let base = serve_once(
        "text/event-stream",
        vec![text("data: {\"id\":\"r1\",\"choices\":[]}\n\n"), text("data: [DONE]\n\n")],
    )
    .await;
    let client = Client::new(&base).unwrap();
    let stream = client.create_response_stream(&chat_request()).await.expect("a stream").until_data("[DONE]");
    // A stream is `Send` (off the browser), so a task of its own can read it.
    let events: Vec<_> = tokio::spawn(stream.collect()).await.expect("the task ends");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].as_ref().expect("a chunk").data.id, "r1");

    let server = MockServer::start().await;
    Mock::given(path("/responses"))
        .and(header("accept", "text/event-stream"))
        .respond_with(ResponseTemplate::new(429).set_body_raw(r#"{"message":"slow down"}"#, "application/json"))
        .mount(&server)
        .await;
    Mock::given(path("/responses"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"id":"r2","text":"whole"}"#, "application/json"))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri()).unwrap();
    assert_eq!(client.create_response(&chat_request()).await.unwrap().text, "whole");
    let limited = client.create_response_stream(&chat_request()).await;
    assert!(matches!(limited, Err(Error::Api(ref e)) if e.status == 429), "{limited:?}");
}

#[tokio::test]
async fn text_events_keep_their_data_as_sent() {
    let base = serve_once(
        "text/event-stream; charset=utf-8",
        vec![text("data: line one\ndata: line two\n\n: a comment\n\nevent: done\ndata:\n\n")],
    )
    .await;
    let events: Vec<_> = Client::new(&base).unwrap().watch_events().await.expect("a stream").collect().await;
    let events: Vec<_> = events.into_iter().map(|e| e.expect("an event")).collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].data, "line one\nline two");
    assert_eq!((events[1].event.as_str(), events[1].data.as_str()), ("done", ""));
}

#[tokio::test]
async fn json_lines_decode_line_by_line_however_the_writes_fall() {
    let base = serve_once(
        "application/x-ndjson",
        vec![
            text("{\"id\":1,\"name\":\"a\"}\n{\"id\""),
            Write::Pause(Duration::from_millis(30)),
            text(":2}\r\n\n   \n{\"id\":\"three\"}\n{\"id\":4}"),
        ],
    )
    .await;
    let mut records = Client::new(&base).unwrap().export_records().await.expect("a stream");
    assert_eq!(records.next().await.unwrap().unwrap(), models::Record { id: 1, name: Some("a".into()) });
    assert_eq!(records.next().await.unwrap().unwrap().id, 2);
    assert!(
        matches!(records.next().await, Some(Err(StreamError::Decode { ref data, .. })) if data == "{\"id\":\"three\"}")
    );
    assert_eq!(records.next().await.unwrap().unwrap().id, 4, "the last line needs no newline");
    assert!(records.next().await.is_none());
}

#[tokio::test]
async fn untyped_json_lines_are_values() {
    let base = serve_once("application/jsonl", vec![text("{\"level\":\"info\"}\n[1,2]\n")]).await;
    let lines: Vec<_> = Client::new(&base).unwrap().tail_logs().await.unwrap().collect().await;
    let lines: Vec<serde_json::Value> = lines.into_iter().map(Result::unwrap).collect();
    assert_eq!(lines, [serde_json::json!({"level": "info"}), serde_json::json!([1, 2])]);
}

/// 8 MiB in 64 KiB writes; the server sends the second half only after the client has read from the first, so a
/// client that held the whole body before returning would never finish.
#[tokio::test]
async fn a_download_is_read_while_the_server_is_still_sending() {
    const CHUNK: usize = 64 * 1024;
    const CHUNKS: usize = 128;
    let (go_on, wait) = oneshot::channel();
    let mut body: Vec<Write> = (0..CHUNKS / 2).map(|i| Write::Bytes(vec![i as u8; CHUNK])).collect();
    body.push(Write::WaitFor(wait));
    body.extend((CHUNKS / 2..CHUNKS).map(|i| Write::Bytes(vec![i as u8; CHUNK])));
    let base = serve_once("application/octet-stream", body).await;
    let client = Client::new(&base).unwrap();
    let download = client.download_file("report.bin");
    let mut stream = tokio::time::timeout(Duration::from_secs(30), download).await.expect("headers").expect("a stream");
    let mut go_on = Some(go_on);
    let (mut total, mut largest) = (0usize, 0usize);
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(30), stream.next()).await.expect("progress") {
        let chunk = chunk.expect("a chunk");
        total += chunk.len();
        largest = largest.max(chunk.len());
        if let Some(go_on) = go_on.take() {
            go_on.send(()).expect("the server waits");
        }
    }
    assert_eq!(total, CHUNK * CHUNKS);
    assert!(largest <= 4 * CHUNK, "chunks arrive as sent, not gathered: {largest} bytes");
}

#[tokio::test]
async fn a_download_can_be_collected_and_errors_stay_typed() {
    let server = MockServer::start().await;
    Mock::given(path("/files/a/content"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![1u8, 2, 3], "application/octet-stream"))
        .mount(&server)
        .await;
    Mock::given(path("/files/missing/content"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(r#"{"message":"no such file"}"#, "application/json"))
        .mount(&server)
        .await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"id":"c1","choices":[]}"#, "application/json"))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri()).unwrap();
    let bytes = client.download_file("a").await.unwrap().collect_bytes().await.unwrap();
    assert_eq!(bytes, [1, 2, 3]);
    match client.download_file("missing").await {
        Err(Error::Api(error)) => assert!(
            matches!(&error.body, streaming_client::DownloadFileError::NotFound(p) if p.message.as_deref() == Some("no such file"))
        ),
        other => panic!("expected the documented 404, got {other:?}"),
    }
    match client.create_chat_completion(&chat_request()).await {
        Err(Error::UnexpectedContentType { expected, .. }) => assert_eq!(expected, "text/event-stream"),
        other => panic!("expected a content-type error, got {other:?}"),
    }
}

#[tokio::test]
async fn status_and_headers_come_with_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "42")
                .set_body_raw(r#"[{"id":1}]"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("location", "/files/9")
                .set_body_raw(r#"{"id":9}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::new(&server.uri()).unwrap();
    let items = client.list_items_with_response().await.unwrap();
    assert_eq!(items.status(), 200);
    assert_eq!(items.header("x-ratelimit-remaining"), Some("42"));
    let documented = streaming_client::ListItemsHeaders::from_headers(items.headers());
    assert_eq!(documented.x_rate_limit_remaining, Some(42), "a documented header, typed");
    assert_eq!(items[0].id, 1, "dereferences to the body");
    let uploaded = client.upload_file_with_response(vec![0xde, 0xad]).await.unwrap();
    assert_eq!((uploaded.status().as_u16(), uploaded.header("location")), (201, Some("/files/9")));
    let location = streaming_client::UploadFileHeaders::from_headers(uploaded.headers()).location;
    assert_eq!(location.as_deref(), Some("/files/9"));
    assert_eq!(uploaded.into_body().id, 9);
    assert_eq!(client.list_items().await.unwrap().len(), 1, "the plain call returns the body alone");
}

#[tokio::test]
async fn rate_limited_requests_wait_as_told_and_try_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/items")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let client = Client::builder(&server.uri()).retry(RetryPolicy::default()).build().unwrap();
    let started = Instant::now();
    client.add_item(&models::Record { id: 1, name: None }).await.expect("the second attempt succeeds");
    assert!(started.elapsed() >= Duration::from_millis(900), "Retry-After: 1 was honoured");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn unavailable_is_retried_for_idempotent_methods_only() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("PUT")).and(path("/items")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(method("POST")).and(path("/items")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let policy = RetryPolicy { initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() };
    let client = Client::builder(&server.uri()).retry(policy).build().unwrap();

    client.replace_items(&Vec::new()).await.expect("PUT is retried until it succeeds");
    let puts = server.received_requests().await.unwrap().iter().filter(|r| r.method.as_str() == "PUT").count();
    assert_eq!(puts, 3);

    let result = client.add_item(&models::Record { id: 1, name: None }).await;
    assert!(matches!(result, Err(Error::UnexpectedStatus(ref r)) if r.status == 503), "{result:?}");
    let posts = server.received_requests().await.unwrap().iter().filter(|r| r.method.as_str() == "POST").count();
    assert_eq!(posts, 1, "a POST may have been acted on: it is not sent again");

    let no_retries = Client::new(&server.uri()).unwrap();
    server.reset().await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    assert!(no_retries.replace_items(&Vec::new()).await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "retries are opt-in");
}

#[tokio::test]
async fn any_backoff_a_user_configures_waits_at_most_the_maximum_and_never_panics() {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).and(path("/items")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let policy = RetryPolicy { max_retries: 40, initial_backoff: Duration::MAX, max_backoff: Duration::from_millis(1) };
    let client = Client::builder(&server.uri()).retry(policy).build().unwrap();
    let result = client.replace_items(&Vec::new()).await;
    assert!(matches!(result, Err(Error::UnexpectedStatus(ref r)) if r.status == 503), "{result:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 41, "the first try and 40 retries");
}

#[tokio::test]
async fn a_timeout_and_headers_for_one_call() {
    let server = MockServer::start().await;
    Mock::given(path("/report"))
        .and(header("x-request-id", "r-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n", "text/csv"))
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(200).set_delay(Duration::from_secs(3)).set_body_raw("[]", "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::new(&server.uri()).unwrap();
    let report = client.clone().with_header("x-request-id", "r-1").unwrap().get_report().await.unwrap();
    assert_eq!(report, "a,b\n");
    assert!(client.get_report().await.is_err(), "the header was for the clone only");
    match client.clone().with_timeout(Duration::from_millis(100)).list_items().await {
        Err(Error::Transport(error)) => assert!(error.is_timeout(), "{error}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(client.clone().with_header("bad header", "x").is_err());
}

/// Runs `cargo run --example <example> -p streaming-client -- <args>` with `STREAMING_BASE_URL=base`.
async fn run_example(example: &'static str, base: String, args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        std::process::Command::new(env!("CARGO"))
            .args(["run", "--offline", "--quiet", "-p", "streaming-client", "--example", example, "--"])
            .args(args)
            .current_dir(&root)
            // Its own target directory: the outer `cargo test` holds the workspace's.
            .env("CARGO_TARGET_DIR", root.join("target/examples"))
            .env("STREAMING_BASE_URL", base)
            .output()
            .expect("run cargo")
    })
    .await
    .expect("the example ran")
}

/// The README's three examples, run against servers on 127.0.0.1.
#[tokio::test(flavor = "multi_thread")]
async fn the_examples_stream_a_completion_download_a_file_and_read_a_rate_limit() {
    let chunk = |text: &str| {
        format!("data: {{\"id\":\"c\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}}}}]}}\n\n")
    };
    let base = serve_once(
        "text/event-stream",
        vec![
            text(&chunk("Once ")),
            Write::Pause(Duration::from_millis(20)),
            text(&chunk("upon")),
            text("data: [DONE]\n\n"),
        ],
    )
    .await;
    let run = run_example("stream_completion", base, vec![]).await;
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(String::from_utf8_lossy(&run.stdout), "Once upon\n");

    let server = MockServer::start().await;
    Mock::given(path("/files/f1/content"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![7u8; 300_000], "application/octet-stream"))
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "41")
                .set_body_raw("[{\"id\":1}]", "application/json"),
        )
        .mount(&server)
        .await;
    let out = tempfile::tempdir().expect("a temporary directory");
    let file = out.path().join("f1.bin");
    let run = run_example("download_file", server.uri(), vec!["f1".into(), file.display().to_string()]).await;
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(std::fs::read(&file).expect("the download"), vec![7u8; 300_000]);

    let run = run_example("rate_limit", server.uri(), vec![]).await;
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(String::from_utf8_lossy(&run.stdout), "1 items (status 200 OK)\n41 requests left in this window\n");
}
