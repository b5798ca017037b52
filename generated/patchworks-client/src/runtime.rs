//! Runtime support for the generated client: errors, secrets, URL building and response decoding.
//!
//! Copied into every generated client crate from specforge's `templates/client/runtime.rs`, so the crate depends on
//! nothing unpublished. Generated operation methods stay short by calling into this module.

// The same file serves every API; an API that has, say, no query parameters leaves a helper unused.
#![allow(dead_code)]

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
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
    /// A default header's name or value is not valid in HTTP (the name is given; values may be secret).
    InvalidHeader(String),
    /// Two settings that cannot be combined.
    Conflict(&'static str),
    /// The HTTP client could not be built (e.g. no TLS backend).
    Http(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL {url:?}: {reason}"),
            ConfigError::InvalidHeader(name) => write!(f, "invalid default header {name:?}"),
            ConfigError::Conflict(what) => write!(f, "conflicting settings: {what}"),
            ConfigError::Http(reason) => write!(f, "cannot build the HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Parses and checks a base URL.
fn parse_base_url(url: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidBaseUrl { url: url.to_string(), reason };
    let parsed = Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    if parsed.cannot_be_a_base() || !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("expected an absolute http:// or https:// URL".to_string()));
    }
    Ok(parsed)
}

/// A function every request passes through just before it is sent (to add headers, tracing, signing, …).
pub type RequestHook = Arc<dyn Fn(RequestBuilder) -> RequestBuilder + Send + Sync>;

/// Configures a client: base URL, timeouts, user agent, default headers, a request hook, or your own
/// `reqwest::Client`. Finish with `build()`.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    hook: Option<RequestHook>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("default_headers", &self.headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("request_hook", &self.hook.is_some())
            .finish()
    }
}

impl ClientBuilder {
    pub(crate) fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.to_string(),
            http: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            headers: Vec::new(),
            hook: None,
        }
    }

    /// Sends requests through `http` (its timeouts, proxies and TLS settings apply). Cannot be combined with
    /// [`Self::timeout`], [`Self::connect_timeout`], [`Self::user_agent`] or [`Self::default_header`]: set those on
    /// your client instead.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Gives up on a request (connect, send and read the whole reply) after `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Gives up connecting after `timeout`.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header sent with every request.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request. Invalid names or values are reported by `build()`.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Passes every request through `hook` just before it is sent, after credentials are applied.
    pub fn request_hook(mut self, hook: impl Fn(RequestBuilder) -> RequestBuilder + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    pub(crate) fn into_transport(self) -> Result<Transport, ConfigError> {
        let base_url = parse_base_url(&self.base_url)?;
        let customised = self.timeout.is_some()
            || self.connect_timeout.is_some()
            || self.user_agent.is_some()
            || !self.headers.is_empty();
        let http = match self.http {
            Some(_) if customised => {
                return Err(ConfigError::Conflict(
                    "timeouts, user agent and default headers are set on your own reqwest::Client, not on the builder",
                ));
            }
            Some(http) => http,
            None => {
                let mut headers = HeaderMap::new();
                for (name, value) in &self.headers {
                    let name = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| ConfigError::InvalidHeader(name.clone()))?;
                    let value =
                        HeaderValue::from_str(value).map_err(|_| ConfigError::InvalidHeader(name.to_string()))?;
                    headers.append(name, value);
                }
                let mut builder = reqwest::Client::builder().default_headers(headers);
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                if let Some(user_agent) = self.user_agent {
                    builder = builder.user_agent(user_agent);
                }
                builder.build().map_err(|e| ConfigError::Http(e.without_url().to_string()))?
            }
        };
        Ok(Transport { base_url, http, hook: self.hook })
    }
}

/// How requests leave the client: base URL, HTTP client and hook. Shared by clones of a client.
#[derive(Clone)]
pub(crate) struct Transport {
    base_url: Url,
    http: reqwest::Client,
    hook: Option<RequestHook>,
}

impl Transport {
    pub(crate) fn base_url(&self) -> &Url {
        &self.base_url
    }

    pub(crate) fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    /// The base URL with `segments` appended, each percent-encoded as one path segment (a `/` in a value stays
    /// inside its segment).
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Starts a request.
    pub(crate) fn request(&self, method: reqwest::Method, url: Url) -> RequestBuilder {
        self.http.request(method, url)
    }

    /// Applies the hook, sends the request and reads the whole reply.
    pub(crate) async fn send<E>(&self, request: RequestBuilder) -> Result<RawResponse, Error<E>> {
        let request = match &self.hook {
            Some(hook) => hook(request),
            None => request,
        };
        let response = request.send().await.map_err(|e| Error::Transport(e.without_url()))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| Error::Transport(e.without_url()))?.to_vec();
        Ok(RawResponse { status, headers, body })
    }
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
            Error::UnexpectedStatus(r)
            | Error::UnexpectedContentType { response: r, .. }
            | Error::Decode { response: r, .. } => Some(r.status),
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
            Error::Decode { response, source } => {
                write!(f, "status {}: the body does not match the documented type: {source}", response.status)
            }
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

/// Appends `name=value` to the query string.
pub(crate) fn append_query(url: &mut Url, name: &str, value: &str) {
    url.query_pairs_mut().append_pair(name, value);
}

/// Sets a JSON body with the documented media type.
pub(crate) fn json_body<E>(
    request: RequestBuilder,
    media_type: &'static str,
    body: &impl Serialize,
) -> Result<RequestBuilder, Error<E>> {
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

impl RawResponse {
    /// The status as a number, for matching.
    pub(crate) fn code(&self) -> u16 {
        self.status.as_u16()
    }

    /// Decodes a JSON body. A `Content-Type` that is present and not JSON is an error; an absent one is tolerated.
    pub(crate) fn json<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        if let Some(content_type) = self.headers.get(CONTENT_TYPE) {
            let essence = String::from_utf8_lossy(content_type.as_bytes())
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(Error::UnexpectedContentType {
                    expected: "application/json",
                    response: Box::new(self.clone()),
                });
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

/// One page being fetched.
pub type PageFuture<'a, P, E> = Pin<Box<dyn Future<Output = Result<P, Error<E>>> + Send + 'a>>;

/// Walks the pages of a list operation, one request per page; returned by the client's `…_pages` methods.
/// `P` is a page, `E` the operation's documented errors, `C` what selects a page (a page number or a cursor).
pub struct Pages<'a, P, E, C> {
    cursor: Option<C>,
    fetch: Box<dyn FnMut(C) -> PageFuture<'a, P, E> + Send + 'a>,
    advance: fn(&P, &C) -> Option<C>,
}

impl<'a, P, E, C: Clone> Pages<'a, P, E, C> {
    pub(crate) fn new(
        start: C,
        fetch: impl FnMut(C) -> PageFuture<'a, P, E> + Send + 'a,
        advance: fn(&P, &C) -> Option<C>,
    ) -> Self {
        Self { cursor: Some(start), fetch: Box::new(fetch), advance }
    }

    /// The next page, or `None` after the last one. An error ends the walk.
    pub async fn next_page(&mut self) -> Option<Result<P, Error<E>>> {
        let cursor = self.cursor.take()?;
        let page = (self.fetch)(cursor.clone()).await;
        if let Ok(page) = &page {
            self.cursor = (self.advance)(page, &cursor);
        }
        Some(page)
    }

    /// Every remaining page, in order; stops at the first error.
    pub async fn collect_pages(mut self) -> Result<Vec<P>, Error<E>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next_page().await {
            pages.push(page?);
        }
        Ok(pages)
    }
}
