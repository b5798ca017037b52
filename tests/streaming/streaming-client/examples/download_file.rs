//! Downloads a file to disk chunk by chunk, never holding it whole in memory.
//!
//! ```sh
//! STREAMING_BASE_URL=http://localhost:8080 cargo run -p streaming-client --example download_file -- FILE_ID OUT
//! ```

use std::io::Write;
use std::process::ExitCode;

use streaming_client::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let (Ok(base_url), Some(file_id), Some(out)) =
        (std::env::var("STREAMING_BASE_URL"), std::env::args().nth(1), std::env::args().nth(2))
    else {
        eprintln!("usage: STREAMING_BASE_URL=… download_file FILE_ID OUT");
        return ExitCode::from(2);
    };
    let client = match Client::new(&base_url) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let mut body = match client.download_file(&file_id).await {
        Ok(body) => body,
        Err(error) => {
            eprintln!("could not download {file_id}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut file = match std::fs::File::create(&out) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("{out}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut written = 0;
    while let Some(chunk) = body.next().await {
        let result = chunk
            .map_err(|e| e.to_string())
            .and_then(|chunk| file.write_all(&chunk).map(|()| chunk.len()).map_err(|e| e.to_string()));
        match result {
            Ok(length) => written += length,
            Err(error) => {
                eprintln!("download interrupted after {written} bytes: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("wrote {written} bytes to {out}");
    ExitCode::SUCCESS
}
