//! Lists items and reads the rate-limit header of the reply, with retries on `429` (honouring `Retry-After`) and a
//! timeout for this one call.
//!
//! ```sh
//! STREAMING_BASE_URL=http://localhost:8080 cargo run -p streaming-client --example rate_limit
//! ```

use std::process::ExitCode;
use std::time::Duration;

use streaming_client::{Client, ListItemsHeaders, RetryPolicy};

#[tokio::main]
async fn main() -> ExitCode {
    let Ok(base_url) = std::env::var("STREAMING_BASE_URL") else {
        eprintln!("set STREAMING_BASE_URL (e.g. {})", streaming_client::DEFAULT_BASE_URL);
        return ExitCode::from(2);
    };
    let client = match Client::builder(&base_url).retry(RetryPolicy::default()).build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    match client.clone().with_timeout(Duration::from_secs(5)).list_items_with_response().await {
        Ok(reply) => {
            println!("{} items (status {})", reply.len(), reply.status());
            // The headers the API documents for this reply, typed: `x-ratelimit-remaining` is an integer.
            match ListItemsHeaders::from_headers(reply.headers()).x_rate_limit_remaining {
                Some(remaining) => println!("{remaining} requests left in this window"),
                None => println!("the server sent no rate-limit header"),
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("could not list the items: {error}");
            ExitCode::FAILURE
        }
    }
}
