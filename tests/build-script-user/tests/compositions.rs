//! Schema compositions generated at build time from `specs/compositions.yaml`: integer enums and `allOf` combined
//! with `oneOf`, decoded from and encoded to the JSON the schemas describe.

use build_script_user::compositions::{
    Call, Circle, Figure, FigureVariant, InMessage, Item, Level, Mark, OutMessage, Pet, PetVariant, Priority, Square,
    Stamp, Task, TaskRetries,
};
use serde_json::json;

#[test]
fn integer_enums_use_the_given_names_and_keep_unknown_values() {
    let task: Task = serde_json::from_value(json!({"priority": 3, "level": -1, "retries": 5})).expect("decodes");
    assert_eq!(task.priority, Priority::High, "named by x-enum-varnames");
    assert_eq!(task.level, Some(Level::ValueMinus1), "named by value");
    assert_eq!(task.retries, Some(TaskRetries::Value5), "an inline enum gets a type named after its property");
    assert_eq!(serde_json::to_value(&task).expect("encodes"), json!({"priority": 3, "level": -1, "retries": 5}));

    let newer: Task = serde_json::from_value(json!({"priority": 4})).expect("an unlisted value still decodes");
    assert_eq!(newer.priority, Priority::Unknown(4));
    assert_eq!(newer.priority.value(), 4);
    assert_eq!(Priority::from(2), Priority::Medium);
    assert_eq!(Level::Value10.to_string(), "10");
    assert!(serde_json::from_value::<Task>(json!({"priority": "high"})).is_err(), "a string is not an integer enum");
}

#[test]
fn all_of_with_a_discriminated_one_of_beside_it_flattens_the_tagged_variant() {
    let wire = json!({"id": "p1", "kind": "Cat", "lives": 9});
    let pet: Pet = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(pet.id, "p1");
    match &pet.pet_variant {
        PetVariant::Cat(cat) => assert_eq!(cat.lives, 9),
        other => panic!("expected a cat, got {other:?}"),
    }
    assert_eq!(serde_json::to_value(&pet).expect("encodes"), wire);
    let dog: Pet = serde_json::from_value(json!({"id": "p2", "kind": "Dog", "good": true})).expect("decodes");
    assert!(matches!(dog.pet_variant, PetVariant::Dog(ref d) if d.good));
    assert!(serde_json::from_value::<Pet>(json!({"id": "p3", "kind": "Cat"})).is_err(), "a cat needs `lives`");
}

#[test]
fn all_of_with_a_one_of_member_flattens_an_untagged_variant() {
    let circle: Figure = serde_json::from_value(json!({"id": "f1", "radius": 2.5})).expect("decodes");
    assert_eq!(circle.id, "f1");
    assert_eq!(circle.figure_variant, FigureVariant::Circle(Circle { radius: 2.5 }));
    let square = Figure { id: "f2".into(), figure_variant: FigureVariant::Square(Square { side: 1.0 }) };
    assert_eq!(serde_json::to_value(&square).expect("encodes"), json!({"id": "f2", "side": 1.0}));
    assert!(serde_json::from_value::<Figure>(json!({"id": "f3"})).is_err(), "neither alternative matches");
}

#[test]
fn a_discriminated_union_with_a_variant_that_is_not_an_object_is_tried_in_order() {
    // A string has no tag property: the union is decoded untagged, each variant tried in turn (named by its type,
    // not by a made-up tag), and the object variant keeps its tag property (nothing else writes it).
    let stamp = json!({"kind": "Stamp", "ink": "red"});
    let mark: Mark = serde_json::from_value(stamp.clone()).expect("the object variant");
    assert_eq!(mark, Mark::Stamp(Stamp { kind: "Stamp".into(), ink: "red".into() }));
    assert_eq!(serde_json::to_value(&mark).expect("encodes"), stamp);
    let text: Mark = serde_json::from_value(json!("a signature")).expect("the string variant");
    assert_eq!(text, Mark::String("a signature".into()));
    assert!(serde_json::from_value::<Mark>(json!(3)).is_err(), "neither variant: an error, not a catch-all");
}

#[test]
fn variants_that_share_a_tag_are_tried_in_order_for_it() {
    let input = json!({"type": "message", "text": "hi"});
    let output = json!({"type": "message", "id": "m1"});
    let item: Item = serde_json::from_value(input.clone()).expect("the first variant of `message`");
    assert!(matches!(&item, Item::InMessage(InMessage { text, .. }) if text == "hi"), "{item:?}");
    assert_eq!(serde_json::to_value(&item).expect("encodes"), input);
    let item: Item = serde_json::from_value(output.clone()).expect("the second, when the first does not decode");
    assert!(matches!(&item, Item::OutMessage(OutMessage { id, .. }) if id == "m1"), "{item:?}");
    assert_eq!(serde_json::to_value(&item).expect("encodes"), output);
    let call = json!({"type": "call", "name": "f"});
    let item: Item = serde_json::from_value(call.clone()).expect("a tag of its own");
    assert_eq!(item, Item::Call(Call { name: "f".into() }), "tagged by serde: the variant does not hold `type`");
    assert_eq!(serde_json::to_value(&item).expect("encodes"), call);
    let newer = json!({"type": "reasoning", "summary": []});
    assert_eq!(serde_json::from_value::<Item>(newer.clone()).expect("kept"), Item::Unknown(newer));
    let neither = serde_json::from_value::<Item>(json!({"type": "message"})).expect_err("neither decodes");
    assert!(neither.to_string().contains("variant `message`"), "{neither}");
}
