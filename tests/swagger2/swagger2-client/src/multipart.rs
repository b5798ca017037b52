//! Parts of `multipart/form-data` bodies: files from memory, from a stream or from disk, and JSON parts.
//!
//! Copied into a generated client crate from specforge's `templates/client/multipart.rs` when one of its operations
//! sends a form whose parts the API description names.

// The same file serves every API with forms; one without file or JSON parts leaves some of it unused.
#![allow(dead_code)]

use std::fmt;

use reqwest::multipart::Part;
use serde::Serialize;

use super::runtime::Problem;

/// A file sent as a part of a `multipart/form-data` body: bytes in memory, or a stream read while the request is
/// sent (so a large file is never held whole), with an optional file name and content type:
/// `FilePart::bytes(data).file_name("hello.txt").content_type("text/plain")`, or `FilePart::open(path).await?`.
pub struct FilePart {
    body: FileBody,
    file_name: Option<String>,
    content_type: Option<String>,
}

enum FileBody {
    Bytes(Vec<u8>),
    Stream { body: reqwest::Body, length: Option<u64> },
}

impl FilePart {
    /// A file of these bytes.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        FilePart { body: FileBody::Bytes(bytes.into()), file_name: None, content_type: None }
    }

    /// A file read from `body` while the request is sent (`reqwest::Body::wrap_stream` makes one of any stream of
    /// bytes), `length` bytes long when known (some servers need the length of each part). A request with a
    /// streamed part is not retried: the stream cannot be read twice.
    pub fn stream(body: impl Into<reqwest::Body>, length: Option<u64>) -> Self {
        FilePart { body: FileBody::Stream { body: body.into(), length }, file_name: None, content_type: None }
    }

    /// The file at `path`, streamed from disk while the request is sent, named by its file name. (Not in a
    /// browser, which has no files to open by path.)
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub async fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path).await?;
        let length = file.metadata().await?.len();
        let part = FilePart::stream(file, Some(length));
        Ok(match path.file_name().and_then(|name| name.to_str()) {
            Some(name) => part.file_name(name),
            None => part,
        })
    }

    /// Sends the part with this file name.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sends the part with this content type (else the one the API description gives, else none).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The part to send, with `default_type` when no content type was set.
    #[doc(hidden)]
    pub fn into_part(self, default_type: Option<&str>) -> Result<Part, Problem> {
        let part = match self.body {
            FileBody::Bytes(bytes) => Part::bytes(bytes),
            // A browser's `fetch` works out each part's length itself.
            #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
            FileBody::Stream { body, length: Some(length) } => Part::stream_with_length(body, length),
            FileBody::Stream { body, .. } => Part::stream(body),
        };
        let part = match self.file_name {
            Some(name) => part.file_name(name),
            None => part,
        };
        match self.content_type.as_deref().or(default_type) {
            Some(content_type) => part.mime_str(content_type).map_err(Problem::transport),
            None => Ok(part),
        }
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let length = match &self.body {
            FileBody::Bytes(bytes) => Some(bytes.len() as u64),
            FileBody::Stream { length, .. } => *length,
        };
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("length", &length)
            .finish()
    }
}

/// A part holding `value` as JSON (`application/json`).
#[doc(hidden)]
pub fn json_part(value: &impl Serialize) -> Result<Part, Problem> {
    let bytes = serde_json::to_vec(value).map_err(Problem::Encode)?;
    Part::bytes(bytes).mime_str("application/json").map_err(Problem::transport)
}
