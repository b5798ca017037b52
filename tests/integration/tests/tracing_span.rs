//! The streaming test API's client with its `tracing` feature: one span per request, in a process of its own (a
//! subscriber set for one thread must not meet callsites other tests registered without one).

use streaming_client::Client;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Records the fields of every span, as `name=value` text.
#[derive(Default, Clone)]
struct SpanRecorder(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl tracing::field::Visit for SpanRecorder {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.lock().unwrap().push(format!("{}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for SpanRecorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        self.0.lock().unwrap().push(format!("span {}", span.metadata().name()));
        span.record(&mut self.clone());
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut self.clone());
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// With the `tracing` feature, each request is a span with its method, path template, status and duration, and
/// nothing from the URL or headers.
#[tokio::test]
async fn each_request_is_a_span_without_credentials() {
    let server = MockServer::start().await;
    Mock::given(path("/files/secret-id/content"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![1u8], "application/octet-stream"))
        .mount(&server)
        .await;
    let recorder = SpanRecorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    // Callsites first seen without a subscriber remember that; ask them again.
    tracing::callsite::rebuild_interest_cache();
    let client = Client::new(&server.uri()).unwrap().with_header("authorization", "Bearer hunter2").unwrap();
    client.download_file("secret-id").await.unwrap().collect_bytes().await.unwrap();
    let fields = recorder.0.lock().unwrap().join(" ");
    assert!(fields.contains("span request"), "{fields}");
    assert!(fields.contains("method=GET") && fields.contains("path=\"/files/{file_id}/content\""), "{fields}");
    assert!(fields.contains("status=200") && fields.contains("duration_ms="), "{fields}");
    assert!(!fields.contains("hunter2") && !fields.contains("secret-id"), "{fields}");
}
