//! Streams a chat completion and prints it as it arrives.
//!
//! ```sh
//! STREAMING_BASE_URL=http://localhost:8080 cargo run -p streaming-client --example stream_completion
//! ```

use std::io::Write;
use std::process::ExitCode;

use streaming_client::{Client, models};

#[tokio::main]
async fn main() -> ExitCode {
    let Ok(base_url) = std::env::var("STREAMING_BASE_URL") else {
        eprintln!("set STREAMING_BASE_URL (e.g. {})", streaming_client::DEFAULT_BASE_URL);
        return ExitCode::from(2);
    };
    let client = match Client::new(&base_url) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let request = models::ChatRequest {
        model: "small".into(),
        messages: vec![models::Message { role: models::MessageRole::User, content: "Tell me a story".into() }],
        stream: Some(true),
    };
    let mut chunks = match client.create_chat_completion(&request).await {
        // The server ends the stream with `data: [DONE]`, which is not a chunk.
        Ok(events) => events.until_data("[DONE]"),
        Err(error) => {
            eprintln!("could not start the completion: {error}");
            return ExitCode::FAILURE;
        }
    };
    while let Some(event) = chunks.next().await {
        match event {
            Ok(event) => {
                for choice in &event.data.choices {
                    print!("{}", choice.delta.content.as_deref().unwrap_or_default());
                }
                let _ = std::io::stdout().flush();
            }
            // One bad event does not end the stream.
            Err(error) => eprintln!("\n(skipped an event: {error})"),
        }
    }
    println!();
    ExitCode::SUCCESS
}
