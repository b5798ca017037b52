//! Which responses the generated client reads as streams, on specs small enough to read in the test.

use std::path::Path;

/// Generates the crates of `spec` (YAML text).
fn generate(spec: &str) -> specforge::Generated {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("api.yaml");
    std::fs::write(&file, spec).expect("write the spec");
    let options = specforge::Options { name: Some("demo".into()), ..specforge::Options::new(&file) };
    specforge::generate(&options).unwrap_or_else(|failure| panic!("{failure}"))
}

fn spec_with_response(content: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: Demo, version: '1'}}\npaths:\n  /things:\n    post:\n      operationId: makeThing\n      \
         responses:\n        '200':\n          description: ok\n          content:\n{content}\ncomponents:\n  schemas:\n    \
         Thing: {{type: object, properties: {{id: {{type: string}}}}}}\n"
    )
}

#[test]
fn a_json_reply_also_offered_as_events_gets_a_stream_method_and_the_event_support() {
    let generated = spec_with_response(
        "            application/json: {schema: {$ref: '#/components/schemas/Thing'}}\n            \
         text/event-stream: {schema: {$ref: '#/components/schemas/Thing'}}",
    );
    let generated = generate(&generated);
    let lib = &generated.client.files[Path::new("src/lib.rs")];
    assert!(lib.contains("pub async fn make_thing_stream("), "{lib}");
    assert!(lib.contains("sse::EventStream<models::Thing>"));
    assert!(generated.client.files.contains_key(Path::new("src/sse.rs")));
    assert!(generated.client.files[Path::new("Cargo.toml")].contains("eventsource-stream"));
}

#[test]
fn without_events_there_is_no_event_support() {
    let generated =
        generate(&spec_with_response("            application/json: {schema: {$ref: '#/components/schemas/Thing'}}"));
    assert!(!generated.client.files.contains_key(Path::new("src/sse.rs")));
    assert!(!generated.client.files[Path::new("Cargo.toml")].contains("eventsource-stream"));
    assert!(!generated.client.files[Path::new("src/lib.rs")].contains("_stream("));
}

#[test]
fn binary_bodies_stream_and_star_json_stays_json() {
    let binary = generate(&spec_with_response("            '*/*': {schema: {type: string, format: binary}}"));
    assert!(binary.client.files[Path::new("src/lib.rs")].contains("Call<runtime::ByteStream,"));
    let json = generate(&spec_with_response("            '*/*': {schema: {$ref: '#/components/schemas/Thing'}}"));
    assert!(json.client.files[Path::new("src/lib.rs")].contains("Call<models::Thing,"));
}
