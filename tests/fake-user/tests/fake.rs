//! The README's example of a test against a vendor's fake, as a user's crate writes it.

use serde_json::json;
use supermetal_server::{Fake, ListConnectorsReply};

#[tokio::test]
async fn disables_every_connector_that_is_on() {
    let fake = Fake::start().await.unwrap();
    let db = json!({"host": "db", "user": "u", "password": "p", "database": "d"});
    let logical = json!({"logical_replication": {}});
    let pg = json!({"id": "pg", "source": {"postgres": {"connection": db, "replication_type": logical}},
                    "sink": {"postgres": {"connection": db}}});
    let listed = serde_json::from_value(json!({"connectors": [{"connector": pg}]})).unwrap();
    fake.list_connectors.reply(ListConnectorsReply::Ok(listed));

    let client = supermetal_client::Client::new(&fake.url()).unwrap();
    assert_eq!(fake_user::disable_all(&client).await.unwrap(), ["pg"]);

    let patches = fake.patch_connector.requests();
    assert_eq!((patches[0].connector_id.as_str(), &patches[0].body["disabled"]), ("pg", &json!(true)));
}
