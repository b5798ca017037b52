//! Runtime support for the generated client: errors, secrets, URL building and response decoding.
//!
//! Copied into every generated client crate from specforge's `templates/client/runtime.rs`, so the crate depends on
//! nothing unpublished. Generated operation methods stay short by calling into this module.

// The same file serves every API; an API that has, say, no query parameters leaves a helper unused.
#![allow(dead_code)]

use std::fmt;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{RequestBuilder, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A credential. Its `Debug` output never shows the value.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

/// A user name and password for HTTP Basic authentication.
#[derive(Clone, Debug)]
pub struct BasicCredentials {
    /// The user name (not secret).
    pub username: String,
    /// The password (redacted in `Debug`).
    pub password: Secret,
}

/// The client could not be configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The base URL is not an absolute `http(s)` URL.
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL {url:?}: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Parses and checks a base URL.
pub(crate) fn parse_base_url(url: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidBaseUrl { url: url.to_string(), reason };
    let parsed = Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    if parsed.cannot_be_a_base() || !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("expected an absolute http:// or https:// URL".to_string()));
    }
    Ok(parsed)
}

/// A server's reply, read whole: status, headers and body bytes.
#[derive(Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Vec<u8>,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("content_type", &self.headers.get(CONTENT_TYPE))
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// A documented error status, decoded into the operation's error type `E`.
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The decoded error.
    pub body: E,
    /// The body as received.
    pub raw_body: Vec<u8>,
}

/// Everything that can go wrong calling an operation whose documented errors are `E`.
#[derive(Debug)]
pub enum Error<E> {
    /// The server answered with an error status the API documents.
    Api(Box<ApiError<E>>),
    /// The server answered with a status the API does not document for this operation.
    UnexpectedStatus(Box<RawResponse>),
    /// The body's `Content-Type` is not the one documented.
    UnexpectedContentType {
        /// The media type the API documents.
        expected: &'static str,
        /// The reply.
        response: Box<RawResponse>,
    },
    /// The body could not be decoded into the documented type.
    Decode {
        /// The reply.
        response: Box<RawResponse>,
        /// What serde reported.
        source: serde_json::Error,
    },
    /// The request body could not be encoded.
    Encode(serde_json::Error),
    /// The request could not be sent or the reply not read (connection, timeout, invalid header value, …).
    /// The URL is left out, since it may carry credentials.
    Transport(reqwest::Error),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(r) | Error::UnexpectedContentType { response: r, .. } | Error::Decode { response: r, .. } => Some(r.status),
            Error::Encode(_) => None,
            Error::Transport(e) => e.status(),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "the server answered {}: {:?}", e.status, e.body),
            Error::UnexpectedStatus(r) => write!(f, "undocumented status {} ({} body bytes)", r.status, r.body.len()),
            Error::UnexpectedContentType { expected, response } => write!(
                f,
                "status {}: expected a {expected} body, got {:?}",
                response.status,
                response.headers.get(CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            ),
            Error::Decode { response, source } => write!(f, "status {}: the body does not match the documented type: {source}", response.status),
            Error::Encode(source) => write!(f, "the request body could not be encoded: {source}"),
            Error::Transport(source) => write!(f, "request failed: {source}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } | Error::Encode(source) => Some(source),
            Error::Transport(source) => Some(source),
            _ => None,
        }
    }
}

/// The base URL with `segments` appended, each percent-encoded as one path segment (a `/` in a value stays
/// inside its segment).
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// Appends `name=value` to the query string.
pub(crate) fn append_query(url: &mut Url, name: &str, value: &str) {
    url.query_pairs_mut().append_pair(name, value);
}

/// Sets a JSON body with the documented media type.
pub(crate) fn json_body<E>(request: RequestBuilder, media_type: &'static str, body: &impl Serialize) -> Result<RequestBuilder, Error<E>> {
    let bytes = serde_json::to_vec(body).map_err(Error::Encode)?;
    Ok(request.header(CONTENT_TYPE, media_type).body(bytes))
}

/// Sets a header whose value is a credential (marked sensitive, so it is never logged by the HTTP stack).
pub(crate) fn secret_header(request: RequestBuilder, name: &'static str, value: &str) -> RequestBuilder {
    match HeaderValue::from_str(value) {
        Ok(mut value) => {
            value.set_sensitive(true);
            request.header(name, value)
        }
        // An invalid value is reported by `send` as a transport error (without the value).
        Err(_) => request.header(name, "\u{0}"),
    }
}

/// Sends the request and reads the whole reply.
pub(crate) async fn send<E>(request: RequestBuilder) -> Result<RawResponse, Error<E>> {
    let response = request.send().await.map_err(|e| Error::Transport(e.without_url()))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(|e| Error::Transport(e.without_url()))?.to_vec();
    Ok(RawResponse { status, headers, body })
}

impl RawResponse {
    /// The status as a number, for matching.
    pub(crate) fn code(&self) -> u16 {
        self.status.as_u16()
    }

    /// Decodes a JSON body. A `Content-Type` that is present and not JSON is an error; an absent one is tolerated.
    pub(crate) fn json<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        if let Some(content_type) = self.headers.get(CONTENT_TYPE) {
            let essence = String::from_utf8_lossy(content_type.as_bytes()).split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(Error::UnexpectedContentType { expected: "application/json", response: Box::new(self.clone()) });
            }
        }
        serde_json::from_slice(&self.body).map_err(|source| Error::Decode { response: Box::new(self.clone()), source })
    }

    /// The body as text (invalid UTF-8 replaced).
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A documented error status with its decoded body.
    pub(crate) fn api_error<E>(self, body: E) -> Error<E> {
        Error::Api(Box::new(ApiError { status: self.status, headers: self.headers, body, raw_body: self.body }))
    }

    /// An undocumented status.
    pub(crate) fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(Box::new(self))
    }
}
