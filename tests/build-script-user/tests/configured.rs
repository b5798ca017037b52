//! The pets client that `build.rs` generates under its configuration file: the user's type in place of a schema,
//! extra derives, renamed types, fields, variants and methods, and only the selected operations.

use std::collections::HashSet;

use build_script_user::pets::{Client, models};

#[test]
fn the_configuration_replaces_renames_and_derives() {
    let json = r#"{"id":"p1","petName":"Rex","status":"sold","price":{"amount":"1000","currency":"EUR"}}"#;
    let pet: models::Animal = serde_json::from_str(json).expect("the renamed type reads the wire names");
    assert_eq!(pet.name, "Rex", "`petName` is the field `name`");
    assert_eq!(pet.status, Some(models::PetStatus::Gone), "`sold` is the variant `Gone`");
    let price: &acme_money::Money = &pet.price;
    assert_eq!((price.amount.as_str(), price.currency.as_str()), ("1000", "EUR"));
    let written = serde_json::to_value(&pet).expect("writes");
    assert_eq!(written["status"], "sold", "the wire names are unchanged");
    assert_eq!(written["petName"], "Rex");
    // `Hash` and `Eq` from the configuration, so pets go in a set.
    let pets: HashSet<models::Animal> = [pet.clone(), pet].into_iter().collect();
    assert_eq!(pets.len(), 1);
    // `getInventory` is the method `inventory`; `listPets` is selected by its tag.
    let _inventory = Client::inventory;
    let _list = Client::list_pets;
}
