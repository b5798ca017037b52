//! The client `build.rs` generates (`specs/notes/`, two files), over real HTTP to a server on 127.0.0.1, and the
//! build script's watch list.

use build_script_user::notes::{Client, CreateNoteError, Error, ListNotesParams, models};
use futures_util::StreamExt;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_build_script_client_sends_typed_requests_with_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .and(header("authorization", "Bearer t0ken"))
        .and(body_json(json!({"text": "buy milk", "tags": ["home"]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7, "text": "buy milk", "tags": ["home"]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/notes"))
        .and(query_param("tag", "home"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 7, "text": "buy milk"}])))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri()).unwrap().with_token("t0ken");

    let new = models::NewNote { text: "buy milk".parse().unwrap(), tags: Some(vec!["home".into()]) };
    let note = client.create_note(&new).await.expect("created");
    assert_eq!((note.id, note.text.as_str()), (7, "buy milk"));

    let params = ListNotesParams { tag: Some("home".into()) };
    let notes = client.list_notes(&params).await.expect("listed");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].tags, None);
}

#[tokio::test]
async fn the_build_script_client_types_documented_errors_and_streams() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"detail": "text is empty"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/notes/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "data: {\"id\":1,\"text\":\"a\"}\n\ndata: {\"id\":2,\"text\":\"b\"}\n\n",
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri()).unwrap();

    let new = models::NewNote { text: "x".parse().unwrap(), tags: None };
    match client.create_note(&new).await {
        Err(Error::Api(error)) => {
            assert_eq!(error.status.as_u16(), 422);
            let CreateNoteError::UnprocessableEntity(problem) = &error.body;
            assert_eq!(problem.detail, "text is empty");
        }
        other => panic!("expected the documented 422, got {other:?}"),
    }

    let events: Vec<_> = client.watch_notes().await.expect("a stream").collect().await;
    let ids: Vec<i64> = events.into_iter().map(|event| event.expect("an event").data.id).collect();
    assert_eq!(ids, [1, 2]);
}

/// Cargo reruns the build script when a file the spec references changes, not only the spec itself: the script
/// names each file it read (its instructions are kept beside `OUT_DIR`).
#[test]
fn the_build_script_watches_the_files_the_spec_references() {
    let instructions = std::path::Path::new(env!("OUT_DIR")).with_file_name("output");
    let instructions = std::fs::read_to_string(&instructions).expect("the build script's output");
    let watched: Vec<&str> =
        instructions.lines().filter_map(|line| line.strip_prefix("cargo:rerun-if-changed=")).collect();
    for file in ["specs/notes/api.yaml", "specs/notes/common.yaml"] {
        assert!(watched.iter().any(|path| path.ends_with(file)), "{file} is not watched: {watched:?}");
    }
}
