//! OpenAPI 3.1 constructs, generated at build time from `generator/tests/fixtures/openapi31/kitchen_sink.yaml`,
//! decoded from and encoded to the JSON their schemas describe: type arrays with `null`, `const`, `$ref` with
//! siblings, tuples, pattern properties, tagged unions inferred from `const`, webhook and callback payloads, and the
//! three states of an optional nullable field; a union whose variants carry one of several tags.

use build_script_user::openapi31::{
    CreateShapeShapeDonePayload, ErrorOutput, Event, EventCreated, Matrix, Nullable, Output, OutputDisplayDataType,
    Owner, Pet, PetAdoptedPayload, PetIdOrName, PetKind, PetPatch, RichOutput, Shape, StreamOutput, StreamOutputType,
};
use serde_json::json;

fn pet_json() -> serde_json::Value {
    json!({
        "id": 7,
        "name": "Rex",
        "nickname": null,
        "tag": null,
        "kind": "pet",
        "weight": 4.5,
        "owner": {"name": "Ann"},
        "previous_owner": null,
        "id_or_name": "rex-7",
        "position": [51.5, -0.12],
        "labels": {"color": "brown"},
        "photo": "aGVsbG8=",
        "chip": {"serial": "X1"}
    })
}

#[test]
fn a_pet_round_trips_with_every_3_1_construct() {
    let pet: Pet = serde_json::from_value(pet_json()).expect("decodes");
    assert_eq!(pet.nickname, None, "required and nullable: present as null");
    assert_eq!(pet.tag, Nullable::Null, "optional and nullable: an explicit null is kept");
    assert_eq!(pet.kind, PetKind::Pet, "const");
    assert_eq!(pet.previous_owner, Nullable::Null, "anyOf with a null branch: an optional, nullable Owner");
    assert_eq!(pet.id_or_name, Some(PetIdOrName::String("rex-7".into())), "type: [integer, string]");
    assert_eq!(pet.position, Some((51.5, -0.12)), "prefixItems is a tuple");
    assert_eq!(pet.labels.as_ref().and_then(|labels| labels.get("color")).map(String::as_str), Some("brown"));
    assert_eq!(pet.chip.as_ref().and_then(|chip| chip.serial.as_deref()), Some("X1"), "a $ref into $defs");
    assert_eq!(serde_json::to_value(&pet).expect("encodes"), pet_json());

    let by_number: Pet =
        serde_json::from_value(json!({"id": 1, "name": "A", "nickname": "a", "kind": "pet", "id_or_name": 1}))
            .expect("decodes");
    assert_eq!(by_number.id_or_name, Some(PetIdOrName::Integer(1)));
    assert_eq!(by_number.tag, Nullable::Absent, "left out");
    assert!(
        serde_json::from_value::<Pet>(json!({"id": 1, "name": "", "nickname": null, "kind": "pet"})).is_err(),
        "minLength"
    );
    let written = serde_json::to_value(&by_number).expect("encodes");
    assert_eq!(written.get("nickname"), Some(&json!("a")));
    let unnamed = Pet { nickname: None, ..by_number };
    let written = serde_json::to_value(&unnamed).expect("encodes");
    assert_eq!(written.get("nickname"), Some(&serde_json::Value::Null), "required and nullable is always written");
    assert!(written.get("tag").is_none(), "an absent optional field is not written");
}

#[test]
fn a_merge_patch_keeps_absent_null_and_value_apart() {
    for wire in [json!({}), json!({"tag": null}), json!({"tag": "x", "owner": null}), json!({"owner": {"name": "B"}})] {
        let patch: PetPatch = serde_json::from_value(wire.clone()).expect("decodes");
        assert_eq!(serde_json::to_value(&patch).expect("encodes"), wire);
    }
    let clear = PetPatch { tag: Nullable::Null, ..PetPatch::default() };
    assert_eq!(serde_json::to_value(&clear).expect("encodes"), json!({"tag": null}));
    let set = PetPatch { tag: Some("x".to_string()).into(), ..PetPatch::default() };
    assert_eq!(serde_json::to_value(&set).expect("encodes"), json!({"tag": "x"}));
    assert_eq!(set.tag.value().map(String::as_str), Some("x"));
}

#[test]
fn unions_tagged_by_const_decode_each_variant() {
    let circle: Shape = serde_json::from_value(json!({"kind": "circle", "radius": 2.0})).expect("decodes");
    assert!(matches!(circle, Shape::Circle(ref c) if c.radius == 2.0));
    assert_eq!(serde_json::to_value(&circle).expect("encodes"), json!({"kind": "circle", "radius": 2.0}));
    let square: Shape = serde_json::from_value(json!({"kind": "square", "side": 1.0})).expect("decodes");
    assert!(matches!(square, Shape::Square(_)));
    // A kind this version does not list is kept as sent; a listed kind with bad content is an error.
    let hexagon = serde_json::from_value::<Shape>(json!({"kind": "hexagon"})).expect("decodes");
    assert_eq!(hexagon, Shape::Unknown(json!({"kind": "hexagon"})));
    assert!(serde_json::from_value::<Shape>(json!({"kind": "circle", "radius": "big"})).is_err());

    let created: Event = serde_json::from_value(json!({"type": "created", "id": "e1"})).expect("decodes");
    assert_eq!(created, Event::Created(EventCreated { id: "e1".into() }));
    let deleted: Event = serde_json::from_value(json!({"type": "deleted", "reason": null})).expect("decodes");
    assert_eq!(serde_json::to_value(&deleted).expect("encodes"), json!({"type": "deleted", "reason": null}));
}

#[test]
fn closed_objects_and_nullable_items() {
    assert!(serde_json::from_value::<Owner>(json!({"name": "A", "extra": 1})).is_err(), "unevaluatedProperties: false");
    let matrix: Matrix =
        serde_json::from_value(json!({"cells": [1, null, 3], "notes": {"a": null, "b": "x"}})).expect("decodes");
    assert_eq!(matrix.cells, Some(vec![Some(1), None, Some(3)]));
    assert_eq!(
        serde_json::to_value(&matrix).expect("encodes"),
        json!({"cells": [1, null, 3], "notes": {"a": null, "b": "x"}})
    );
}

#[test]
fn webhook_and_callback_payloads_decode() {
    let body = json!({"pet": pet_json(), "adopted_at": "2026-01-02T03:04:05Z"});
    let adopted: PetAdoptedPayload = serde_json::from_value(body.clone()).expect("a webhook body decodes");
    assert_eq!(adopted.pet.name.as_str(), "Rex");
    assert_eq!(serde_json::to_value(&adopted).expect("encodes"), body);
    let done: CreateShapeShapeDonePayload =
        serde_json::from_value(json!({"shape_id": "s1"})).expect("a callback body decodes");
    assert_eq!(done.shape_id, "s1");
}

#[test]
fn objects_decode_as_serde_derive_would() {
    let decode = |value: serde_json::Value| serde_json::from_value::<Pet>(value).map_err(|e| e.to_string());
    let mut pet = pet_json();
    pet.as_object_mut().expect("an object").remove("id");
    assert_eq!(decode(pet).expect_err("id is required"), "missing field `id`");

    let mut pet = pet_json();
    pet.as_object_mut().expect("an object").remove("nickname");
    let decoded = decode(pet).expect("a required nullable property left out decodes as null, as with serde's derive");
    assert_eq!(decoded.nickname, None);

    let mut pet = pet_json();
    pet["surprise"] = json!({"from": "a newer server"});
    assert!(decode(pet).is_ok(), "an unknown property of an open object is skipped");

    let twice = r#"{"id": 1, "id": 2, "name": "Rex", "nickname": null, "kind": "pet"}"#;
    let error = serde_json::from_str::<Pet>(twice).expect_err("a property given twice");
    assert!(error.to_string().starts_with("duplicate field `id`"), "{error}");

    let error = serde_json::from_value::<Owner>(json!({"name": "A", "extra": 1})).expect_err("a closed object");
    assert!(error.to_string().starts_with("unknown field `extra`, expected `name`"), "{error}");
    assert!(serde_json::from_value::<Owner>(json!(["A"])).is_err(), "an object is not read from an array");
    assert!(decode(json!("Rex")).expect_err("not an object").contains("expected struct Pet"));
}

#[test]
fn a_variant_of_several_tags_keeps_the_one_it_was_sent_with() {
    // `stdout` and `stderr` both name StreamOutput (pydantic's `Literal["stdout", "stderr"]`): each decodes to it
    // and is written back as sent, not as the first of its tags.
    for (tag, stream) in [("stdout", StreamOutputType::Stdout), ("stderr", StreamOutputType::Stderr)] {
        let sent = json!({"type": tag, "text": "oops"});
        let output: Output = serde_json::from_value(sent.clone()).expect("decodes");
        assert_eq!(output, Output::StreamOutput(StreamOutput { r#type: stream, text: "oops".into() }));
        assert_eq!(serde_json::to_value(&output).expect("encodes"), sent);
    }
    let result = json!({"type": "execute_result", "mime": "text/plain"});
    let output: Output = serde_json::from_value(result.clone()).expect("decodes");
    assert!(
        matches!(&output, Output::DisplayData(data) if data.r#type == OutputDisplayDataType::ExecuteResult),
        "{output:?}"
    );
    assert_eq!(serde_json::to_value(&output).expect("encodes"), result);
    // A variant that is itself a union on `type` is picked by each of its tags and written by itself.
    let image = json!({"type": "image", "url": "https://example.com/a.png"});
    let output: Output = serde_json::from_value(image.clone()).expect("decodes");
    assert!(matches!(&output, Output::RichOutput(RichOutput::Image(_))), "{output:?}");
    assert_eq!(serde_json::to_value(&output).expect("encodes"), image);
    // A variant of one tag is still tagged by serde, and a tag no variant has is kept as sent.
    let error = Output::Error(ErrorOutput { message: "bad".into() });
    assert_eq!(serde_json::to_value(&error).expect("encodes"), json!({"type": "error", "message": "bad"}));
    let newer = json!({"type": "progress", "percent": 50});
    assert_eq!(serde_json::from_value::<Output>(newer.clone()).expect("decodes"), Output::Unknown(newer));
    let wrong = serde_json::from_value::<Output>(json!({"type": "stderr"})).expect_err("text is required");
    assert!(wrong.to_string().contains("variant `stderr`"), "{wrong}");
}
