//! Runtime support for the generated client: errors, secrets, URL building, retries, response decoding and
//! streamed bodies.
//!
//! Copied into every generated client crate from specforge's `templates/client/runtime.rs`, so the crate depends on
//! nothing unpublished. Generated operation methods stay short by calling into this module.

// The same file serves every API; an API that has, say, no query parameters leaves a helper unused.
#![allow(dead_code)]

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{RequestBuilder, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What differs in a browser (`wasm32-unknown-unknown`, where reqwest sends requests with `fetch`): futures and
/// streams need not be `Send` there, the clock is the browser's, waits use its timers, and `fetch` has no
/// connect phase. Everything else in the crate is the same on every target.
pub mod platform {
    use std::future::Future;
    use std::pin::Pin;
    use std::time::Duration;

    /// A boxed future: `Send` except in a browser, where nothing is.
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
    /// A boxed future: `Send` except in a browser, where nothing is.
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

    /// A boxed stream: `Send` except in a browser.
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub(crate) type BoxStream<T> = Pin<Box<dyn futures_util::Stream<Item = T> + Send>>;
    /// A boxed stream: `Send` except in a browser.
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub(crate) type BoxStream<T> = Pin<Box<dyn futures_util::Stream<Item = T>>>;

    /// `Send` except in a browser, where every type has it: the bound on what the client's streams and pages
    /// hold, so they are `Send` wherever they can be.
    /// A boxed function of one argument: `Send` except in a browser.
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub(crate) type BoxFnMut<'a, A, R> = Box<dyn FnMut(A) -> R + Send + 'a>;
    /// A boxed function of one argument: `Send` except in a browser.
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub(crate) type BoxFnMut<'a, A, R> = Box<dyn FnMut(A) -> R + 'a>;

    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub trait MaybeSend: Send {}
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    impl<T: Send + ?Sized> MaybeSend for T {}
    /// `Send` except in a browser, where every type has it: the bound on what the client's streams and pages
    /// hold, so they are `Send` wherever they can be.
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub trait MaybeSend {}
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    impl<T: ?Sized> MaybeSend for T {}

    /// The monotonic clock.
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub(crate) type Instant = std::time::Instant;
    /// The monotonic clock (the browser's: `std`'s panics there).
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub(crate) type Instant = web_time::Instant;

    /// Seconds since the Unix epoch, by the system's clock.
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub(crate) fn since_epoch() -> Duration {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
    }
    /// Seconds since the Unix epoch, by the browser's clock (`std`'s panics there).
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub(crate) fn since_epoch() -> Duration {
        web_time::SystemTime::now().duration_since(web_time::UNIX_EPOCH).unwrap_or_default()
    }

    /// Waits `duration` without blocking the thread.
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub(crate) async fn sleep(duration: Duration) {
        tokio::time::sleep(duration).await;
    }
    /// Waits `duration` without blocking the thread.
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub(crate) async fn sleep(duration: Duration) {
        gloo_timers::future::sleep(duration).await;
    }

    /// Whether a request that failed without a reply may be sent again: whatever its method when it never reached
    /// the server, and an idempotent one after a timeout too.
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub(crate) fn may_retry(error: &reqwest::Error, idempotent: bool) -> bool {
        error.is_connect() || (idempotent && error.is_timeout())
    }
    /// Whether a request that failed without a reply may be sent again. `fetch` does not say whether a failed
    /// request reached the server, so in a browser only an idempotent one is.
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub(crate) fn may_retry(_: &reqwest::Error, idempotent: bool) -> bool {
        idempotent
    }

    /// A reqwest client with these timeouts (the whole request; connecting).
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub(crate) fn with_timeouts(
        builder: reqwest::ClientBuilder,
        timeout: Option<Duration>,
        connect_timeout: Option<Duration>,
    ) -> Result<reqwest::ClientBuilder, &'static str> {
        let builder = match timeout {
            Some(timeout) => builder.timeout(timeout),
            None => builder,
        };
        Ok(match connect_timeout {
            Some(timeout) => builder.connect_timeout(timeout),
            None => builder,
        })
    }
    /// A reqwest client with these timeouts. In a browser the client has none: the transport sets `timeout` on
    /// each request, and `fetch` has no connect phase to time.
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub(crate) fn with_timeouts(
        builder: reqwest::ClientBuilder,
        _: Option<Duration>,
        connect_timeout: Option<Duration>,
    ) -> Result<reqwest::ClientBuilder, &'static str> {
        match connect_timeout {
            Some(_) => Err("a browser's fetch has no connect timeout; use timeout"),
            None => Ok(builder),
        }
    }

    /// The body's chunks as they arrive.
    #[cfg(not(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none"))))]
    pub(crate) fn chunks(response: reqwest::Response) -> BoxStream<Result<bytes::Bytes, reqwest::Error>> {
        Box::pin(futures_util::stream::unfold(Some(response), |response| async move {
            let mut response = response?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                // The reply is broken: report it once and end.
                Err(error) => Some((Err(error), None)),
            }
        }))
    }
    /// The body's chunks as they arrive.
    #[cfg(all(target_arch = "wasm32", any(target_os = "unknown", target_os = "none")))]
    pub(crate) fn chunks(response: reqwest::Response) -> BoxStream<Result<bytes::Bytes, reqwest::Error>> {
        Box::pin(response.bytes_stream())
    }
}

use platform::{BoxFnMut, BoxFuture, BoxStream, MaybeSend};

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

/// Supplies the access tokens of a bearer scheme (OAuth2, OpenID Connect, HTTP bearer): asked before each request
/// that uses the scheme, so it can cache a token and fetch another when it expires. Implement it for tokens from
/// anywhere (a vault, a signing service); the client's `with_<scheme>_client_credentials` and
/// `with_<scheme>_refresh_token` setters use the OAuth2 grants. Tokens are never logged.
pub trait TokenProvider: Send + Sync {
    /// The token to send now.
    fn token(&self) -> BoxFuture<'_, Result<Secret, TokenError>>;

    /// The server answered `401 Unauthorized` to a request sent with `rejected`: forget it, so that the next
    /// [`TokenProvider::token`] gets another (the request is then sent once more).
    fn reject(&self, rejected: &Secret) {
        let _ = rejected;
    }
}

/// A token provider could not give a token.
#[derive(Debug)]
pub struct TokenError(Box<dyn std::error::Error + Send + Sync>);

impl TokenError {
    /// Wraps what went wrong.
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TokenError(error.into())
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// The token of a bearer scheme: one given once, or a provider asked before each request.
#[derive(Clone)]
pub enum BearerToken {
    /// Sent as it is.
    Fixed(Secret),
    /// Asked for each request.
    Provided(Arc<dyn TokenProvider>),
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BearerToken::Fixed(secret) => f.debug_tuple("Fixed").field(secret).finish(),
            BearerToken::Provided(_) => f.write_str("Provided(..)"),
        }
    }
}

/// A request with its credentials applied, except a provided bearer token, which is asked for as it is sent.
pub struct Authorized {
    request: RequestBuilder,
    provider: Option<Arc<dyn TokenProvider>>,
}

impl Authorized {
    /// The request with `apply` done to it (a credential sent as it is).
    pub fn map(self, apply: impl FnOnce(RequestBuilder) -> RequestBuilder) -> Self {
        Authorized { request: apply(self.request), provider: self.provider }
    }

    /// The request with a bearer token: a fixed one now, a provided one when it is sent.
    pub fn bearer(self, token: &BearerToken) -> Self {
        match token {
            BearerToken::Fixed(secret) => self.map(|request| request.bearer_auth(secret.expose())),
            BearerToken::Provided(provider) => Authorized { request: self.request, provider: Some(provider.clone()) },
        }
    }
}

impl From<RequestBuilder> for Authorized {
    fn from(request: RequestBuilder) -> Self {
        Authorized { request, provider: None }
    }
}

/// `Bearer <token>` for a provided token, marked sensitive so the HTTP stack never logs it; a token that cannot be a
/// header value is the provider's error.
fn bearer_value(token: &Secret) -> Result<HeaderValue, Problem> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| Problem::Token(TokenError::new("the token provider gave a token that is not a header value")))?;
    value.set_sensitive(true);
    Ok(value)
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
pub struct ClientBuilder<C> {
    base_url: String,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    hook: Option<RequestHook>,
    retry: Option<RetryPolicy>,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            base_url: self.base_url.clone(),
            http: self.http.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            user_agent: self.user_agent.clone(),
            headers: self.headers.clone(),
            hook: self.hook.clone(),
            retry: self.retry,
            client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("default_headers", &self.headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("request_hook", &self.hook.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

/// A client made from a configured transport: the generated `Client`, which [`ClientBuilder::build`] returns.
pub trait FromTransport {
    /// The client sending through `transport`, without credentials.
    fn from_transport(transport: Transport) -> Self;
}

impl<C: FromTransport> ClientBuilder<C> {
    /// Builds the client. Fails when the base URL or a default header is invalid, or when settings conflict.
    pub fn build(self) -> Result<C, ConfigError> {
        Ok(C::from_transport(self.into_transport()?))
    }
}

impl<C> ClientBuilder<C> {
    /// Starts configuring a client for the server at `base_url` (`Client::builder` does the same).
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.to_string(),
            http: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            headers: Vec::new(),
            hook: None,
            retry: None,
            client: PhantomData,
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

    /// Retries failed requests as `policy` says (off unless set): see [`RetryPolicy`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    fn into_transport(self) -> Result<Transport, ConfigError> {
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
                let mut builder =
                    platform::with_timeouts(reqwest::Client::builder(), self.timeout, self.connect_timeout)
                        .map_err(ConfigError::Conflict)?
                        .default_headers(headers);
                if let Some(user_agent) = self.user_agent {
                    builder = builder.user_agent(user_agent);
                }
                builder.build().map_err(|e| ConfigError::Http(e.without_url().to_string()))?
            }
        };
        Ok(Transport { base_url, http, hook: self.hook, retry: self.retry, timeout: None, headers: HeaderMap::new() })
    }
}

/// When and how often a failed request is sent again, with exponential backoff and jitter between attempts.
///
/// Retried: a request that could not connect (whatever its method: it never reached the server); `429 Too Many
/// Requests` (the server did not act on it); and, for idempotent methods only (`GET`, `HEAD`, `PUT`, `DELETE`,
/// `OPTIONS`, `TRACE`), `502`, `503`, `504` and timeouts. A `Retry-After` header on `429` or `503` (seconds or an
/// HTTP date) sets the wait, capped at [`RetryPolicy::max_backoff`]. A request whose body is a stream cannot be
/// sent twice and is never retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first.
    pub max_retries: u32,
    /// The wait before the first retry; doubled for each next one.
    pub initial_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Three retries, waiting about 200 ms, 400 ms and 800 ms (each ±50 %), never more than 30 s.
    fn default() -> Self {
        Self { max_retries: 3, initial_backoff: Duration::from_millis(200), max_backoff: Duration::from_secs(30) }
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (0 for the first): `Retry-After` when the server gave one, else
    /// exponential backoff with ±50 % jitter; never more than `max_backoff`.
    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let wait = retry_after.unwrap_or_else(|| {
            let backoff = self.initial_backoff.saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX));
            // `mul_f64` panics past `Duration::MAX`, which a large configured backoff can reach.
            Duration::try_from_secs_f64(backoff.as_secs_f64() * (0.5 + jitter())).unwrap_or(Duration::MAX)
        });
        wait.min(self.max_backoff)
    }
}

/// A number in `[0, 1)` that differs between calls and processes (for jitter, not for anything secret).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(platform::since_epoch().as_nanos());
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` as a wait: delta-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(when.saturating_sub(platform::since_epoch()))
}

fn is_idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS, Method::TRACE].contains(method)
}

/// How requests leave the client: base URL, HTTP client, hook, retries, and the per-request timeout and headers
/// a client clone adds. Shared by clones of a client.
#[derive(Clone)]
pub struct Transport {
    base_url: Url,
    http: reqwest::Client,
    hook: Option<RequestHook>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    headers: HeaderMap,
}

impl Transport {
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// `url`, absolute or relative to the base URL (an OAuth2 flow's token URL); the base URL itself if it is
    /// not a URL at all.
    pub fn resolve(&self, url: &str) -> Url {
        self.base_url.join(url).unwrap_or_else(|_| self.base_url.clone())
    }

    pub fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    /// The same transport, giving up on each request after `timeout` (this client clone only).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The same transport, sending `name: value` with each request (this client clone only).
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, ConfigError> {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::InvalidHeader(name.into()))?;
        let value = HeaderValue::from_str(value).map_err(|_| ConfigError::InvalidHeader(name.into()))?;
        self.headers.append(header, value);
        Ok(self)
    }

    /// The base URL with `segments` appended, each percent-encoded as one path segment (a `/` in a value stays
    /// inside its segment).
    pub fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Fetches the next page of a walk by its URL (a `Link` header's or a page's next link), with the operation's
    /// credentials: a success is read as JSON into `T`; any other status is [`Error::UnexpectedStatus`].
    pub async fn next_page<T: DeserializeOwned, E>(
        &self,
        request: impl Into<Authorized>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let response = self.send(request.into(), "(next page)").await?;
        if !response.status.is_success() {
            return Err(response.unexpected());
        }
        let body = response.json()?;
        Ok(response.value(body))
    }

    /// Starts a request.
    pub fn request(&self, method: reqwest::Method, url: Url) -> RequestBuilder {
        let request = self.http.request(method, url).headers(self.headers.clone());
        match self.timeout {
            Some(timeout) => request.timeout(timeout),
            None => request,
        }
    }

    /// Sends the request and reads the whole reply. `path` is the operation's path template, for tracing.
    pub(crate) async fn send(&self, request: Authorized, path: &'static str) -> Result<RawResponse, Problem> {
        RawResponse::read(self.start_authorized(request, path).await?).await
    }

    /// One call of an operation whose reply is read whole: builds the request, sends it, reads the reply and
    /// matches it with `decode`. Every such operation goes through this one generic function.
    pub async fn call<T, E, R: Into<Authorized>>(
        &self,
        build: impl FnOnce() -> Result<R, Problem>,
        path: &'static str,
        decode: impl FnOnce(RawResponse) -> Result<ResponseValue<T>, Error<E>>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let response = self.send(build()?.into(), path).await?;
        decode(response)
    }

    /// Sends the request, returning the reply with its body not yet read (see [`Transport::start_authorized`]).
    pub async fn start(
        &self,
        request: impl Into<Authorized>,
        path: &'static str,
    ) -> Result<reqwest::Response, Problem> {
        self.start_authorized(request.into(), path).await
    }

    /// Asks the token provider, if the request has one, for its token; applies the hook and sends the request
    /// (again, as the retry policy says), returning the reply with its body not yet read. A provided token the
    /// server answers `401 Unauthorized` to is rejected and the request sent once more with a new one, when its
    /// body can be sent twice.
    async fn start_authorized(&self, request: Authorized, path: &'static str) -> Result<reqwest::Response, Problem> {
        let Authorized { request, provider } = request;
        let (request, token) = match &provider {
            Some(provider) => {
                let token = provider.token().await.map_err(Problem::Token)?;
                (request.header(reqwest::header::AUTHORIZATION, bearer_value(&token)?), Some(token))
            }
            None => (request, None),
        };
        let request = match &self.hook {
            Some(hook) => hook(request),
            None => request,
        };
        let (client, request) = request.build_split();
        let request = request.map_err(Problem::transport)?;
        let again = provider.as_ref().and_then(|_| request.try_clone());
        let response = self.traced(&client, request, path).await?;
        match (provider, token, again) {
            (Some(provider), Some(rejected), Some(mut again)) if response.status() == StatusCode::UNAUTHORIZED => {
                provider.reject(&rejected);
                let token = provider.token().await.map_err(Problem::Token)?;
                again.headers_mut().insert(reqwest::header::AUTHORIZATION, bearer_value(&token)?);
                self.traced(&client, again, path).await
            }
            _ => Ok(response),
        }
    }

    /// [`Transport::execute`], with the `tracing` feature in a span with the method, the path template, the
    /// status and the duration (never the URL, which may carry credentials, nor headers).
    async fn traced(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        path: &'static str,
    ) -> Result<reqwest::Response, Problem> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            let span = tracing::info_span!(
                "request",
                method = %request.method(),
                path,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let started = platform::Instant::now();
            let result = self.execute(client, request).instrument(span.clone()).await;
            if let Ok(response) = &result {
                span.record("status", response.status().as_u16());
            }
            span.record("duration_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
            result
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = path;
            self.execute(client, request).await
        }
    }

    /// Sends `request`, and again as the retry policy says.
    async fn execute(&self, client: &reqwest::Client, request: reqwest::Request) -> Result<reqwest::Response, Problem> {
        let Some(policy) = self.retry else {
            return client.execute(request).await.map_err(Problem::transport);
        };
        let idempotent = is_idempotent(request.method());
        let mut attempt = 0;
        loop {
            // The last attempt, or a body that cannot be sent twice: this one is final.
            let Some(this) = (attempt < policy.max_retries).then(|| request.try_clone()).flatten() else {
                return client.execute(request).await.map_err(Problem::transport);
            };
            let wait = match client.execute(this).await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retried = status == 429 || (idempotent && matches!(status, 502..=504));
                    if !retried {
                        return Ok(response);
                    }
                    let hinted = matches!(status, 429 | 503).then(|| retry_after(response.headers())).flatten();
                    policy.delay(attempt, hinted)
                }
                Err(error) if platform::may_retry(&error, idempotent) => policy.delay(attempt, None),
                Err(error) => return Err(Problem::transport(error)),
            };
            platform::sleep(wait).await;
            attempt += 1;
        }
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
    /// The token provider of the request's bearer scheme gave no token (an OAuth2 token endpoint refused, …).
    Token(TokenError),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(r)
            | Error::UnexpectedContentType { response: r, .. }
            | Error::Decode { response: r, .. } => Some(r.status),
            Error::Encode(_) | Error::Token(_) => None,
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
            Error::Token(source) => write!(f, "no access token: {source}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } | Error::Encode(source) => Some(source),
            Error::Transport(source) => Some(source),
            Error::Token(source) => Some(source),
            _ => None,
        }
    }
}

/// What can go wrong before a reply is matched to a documented status. Not generic, so the runtime's helpers are
/// compiled once and generated code converts with `?` into the operation's [`Error`].
#[derive(Debug)]
pub enum Problem {
    Transport(reqwest::Error),
    Token(TokenError),
    Encode(serde_json::Error),
    ContentType { expected: &'static str, response: Box<RawResponse> },
    Decode { response: Box<RawResponse>, source: serde_json::Error },
}

impl Problem {
    /// A transport error, without the URL (it may carry credentials).
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        Problem::Transport(error.without_url())
    }
}

impl<E> From<Problem> for Error<E> {
    fn from(problem: Problem) -> Self {
        match problem {
            Problem::Transport(error) => Error::Transport(error),
            Problem::Token(error) => Error::Token(error),
            Problem::Encode(error) => Error::Encode(error),
            Problem::ContentType { expected, response } => Error::UnexpectedContentType { expected, response },
            Problem::Decode { response, source } => Error::Decode { response, source },
        }
    }
}

/// A header parsed as `T`: `None` if it is absent, not text, or not a `T`.
pub fn header_value<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Appends `name=value` to the query string.
pub fn append_query(url: &mut Url, name: &str, value: &str) {
    url.query_pairs_mut().append_pair(name, value);
}

/// Sets a JSON body with the documented media type.
pub fn json_body(
    request: RequestBuilder,
    media_type: &'static str,
    body: &impl Serialize,
) -> Result<RequestBuilder, Problem> {
    let bytes = serde_json::to_vec(body).map_err(Problem::Encode)?;
    Ok(request.header(CONTENT_TYPE, media_type).body(bytes))
}

/// The pairs of an `application/x-www-form-urlencoded` body (an object): one per property, and one per item of an
/// array (3.0's default, exploded `form` style) unless `joined` names the property with the character that joins
/// its items into one value. Strings are sent as they are, other scalars as JSON writes them, objects and arrays
/// inside arrays as JSON text; `null`s are left out.
pub fn form_pairs(body: &impl Serialize, joined: &[(&str, char)]) -> Result<Vec<(String, String)>, Problem> {
    let object = properties(body)?;
    let mut pairs = Vec::with_capacity(object.len());
    for (key, value) in object {
        match value {
            serde_json::Value::Array(items) => {
                let items = items.iter().filter(|item| !item.is_null()).map(json_text);
                match joined.iter().find(|(name, _)| *name == key) {
                    Some((_, separator)) => pairs.push((key, items.collect::<Vec<_>>().join(&separator.to_string()))),
                    None => pairs.extend(items.map(|item| (key.clone(), item))),
                }
            }
            other => pairs.push((key, json_text(&other))),
        }
    }
    Ok(pairs)
}

/// Appends an object parameter in `deepObject` style: `name[key]=value` per property, `name[key][inner]=value` for
/// the properties of a nested object, and the pair once per item of an array.
pub fn append_deep_object(url: &mut Url, name: &str, value: &impl Serialize) -> Result<(), Problem> {
    fn flatten(key: String, value: &serde_json::Value, pairs: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Object(object) => {
                for (inner, value) in object {
                    flatten(format!("{key}[{inner}]"), value, pairs);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| flatten(key.clone(), item, pairs)),
            scalar => pairs.push((key, json_text(scalar))),
        }
    }
    let mut pairs = Vec::new();
    for (key, value) in &properties(value)? {
        flatten(format!("{name}[{key}]"), value, &mut pairs);
    }
    append_pairs(url, &pairs);
    Ok(())
}

/// Appends an object parameter in exploded `form` style: `key=value` per property (the parameter's own name is
/// not sent), once per item of an array.
pub fn append_properties(url: &mut Url, value: &impl Serialize) -> Result<(), Problem> {
    append_pairs(url, &form_pairs(value, &[])?);
    Ok(())
}

/// An object parameter as one value: `key{between}value{after}key{between}value…` (`form` or `simple` style,
/// not exploded: `,` and `,`; a header's exploded `simple` style: `=` and `,`), an array's items joined by `,`.
pub fn joined_properties(value: &impl Serialize, between: char, after: char) -> Result<String, Problem> {
    let mut text = String::new();
    for (key, value) in properties(value)? {
        let value = match &value {
            serde_json::Value::Array(items) => items.iter().map(json_text).collect::<Vec<_>>().join(","),
            other => json_text(other),
        };
        if !text.is_empty() {
            text.push(after);
        }
        text.push_str(&key);
        text.push(between);
        text.push_str(&value);
    }
    Ok(text)
}

/// The properties of a value that serializes to a JSON object, without those that are `null`; anything else is an
/// encoding error.
fn properties(value: &impl Serialize) -> Result<serde_json::Map<String, serde_json::Value>, Problem> {
    match serde_json::to_value(value).map_err(Problem::Encode)? {
        serde_json::Value::Object(mut object) => {
            object.retain(|_, value| !value.is_null());
            Ok(object)
        }
        _ => Err(Problem::Encode(<serde_json::Error as serde::ser::Error>::custom("expected an object"))),
    }
}

/// A JSON value as parameter text: a string as it is, anything else as JSON writes it.
fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Appends `pairs` to the query (nothing, not even a `?`, when there are none).
fn append_pairs(url: &mut Url, pairs: &[(String, String)]) {
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(pairs);
    }
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

/// The essence of a `Content-Type` (`text/event-stream` of `text/event-stream; charset=utf-8`), lower-cased.
fn media_essence(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?;
    Some(String::from_utf8_lossy(value.as_bytes()).split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
}

impl RawResponse {
    /// Reads the whole body of `response`.
    #[doc(hidden)] // for the generated code, not for users
    pub async fn read(response: reqwest::Response) -> Result<Self, Problem> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Problem::transport)?.to_vec();
        Ok(RawResponse { status, headers, body })
    }

    /// The status as a number, for matching.
    #[doc(hidden)] // for the generated code, not for users
    pub fn code(&self) -> u16 {
        self.status.as_u16()
    }

    /// Decodes a JSON body. A `Content-Type` that is present and not JSON is an error; an absent one is tolerated.
    #[doc(hidden)] // for the generated code, not for users
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Problem> {
        let is_json = |essence: String| essence == "application/json" || essence.ends_with("+json");
        if !media_essence(&self.headers).is_none_or(is_json) {
            return Err(Problem::ContentType { expected: "application/json", response: Box::new(self.clone()) });
        }
        serde_json::from_slice(&self.body)
            .map_err(|source| Problem::Decode { response: Box::new(self.clone()), source })
    }

    /// The body as text (invalid UTF-8 replaced).
    #[doc(hidden)] // for the generated code, not for users
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A documented error status with its decoded body.
    #[doc(hidden)] // for the generated code, not for users
    pub fn api_error<E>(self, body: E) -> Error<E> {
        Error::Api(Box::new(ApiError { status: self.status, headers: self.headers, body, raw_body: self.body }))
    }

    /// An undocumented status.
    #[doc(hidden)] // for the generated code, not for users
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(Box::new(self))
    }
}

/// One page being fetched, with what selects the next page (`None` after the last).
pub type PageFuture<'a, P, E, C> = BoxFuture<'a, Result<(P, Option<C>), Error<E>>>;

/// Walks the pages of a list operation, one request per page; returned by the client's `…_pages` methods.
/// `P` is a page, `E` the operation's documented errors, `C` what selects a page (a page number, a cursor, or the
/// next page's URL). The walk ends after a page that names no next one, or names the one it came from.
pub struct Pages<'a, P, E, C> {
    cursor: Option<C>,
    fetch: BoxFnMut<'a, C, PageFuture<'a, P, E, C>>,
}

impl<'a, P, E, C: Clone + PartialEq> Pages<'a, P, E, C> {
    #[doc(hidden)] // for the generated code, not for users
    pub fn new(start: C, fetch: impl FnMut(C) -> PageFuture<'a, P, E, C> + MaybeSend + 'a) -> Self {
        Self { cursor: Some(start), fetch: Box::new(fetch) }
    }

    /// The next page, or `None` after the last one. An error ends the walk.
    pub async fn next_page(&mut self) -> Option<Result<P, Error<E>>> {
        let cursor = self.cursor.take()?;
        Some((self.fetch)(cursor.clone()).await.map(|(page, next)| {
            self.cursor = next.filter(|next| *next != cursor);
            page
        }))
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

impl<'a, P: MaybeSend + 'a, E: MaybeSend + 'a, C: Clone + PartialEq + MaybeSend + 'a> Pages<'a, P, E, C> {
    /// The pages as a [`Stream`]; it ends after the last page or the first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<P, Error<E>>> + MaybeSend + 'a {
        futures_util::stream::unfold(self, |mut pages| async move { pages.next_page().await.map(|page| (page, pages)) })
    }

    /// The items of every page, in order, as one [`Stream`] (`items` takes them out of a page); it ends after the
    /// last page or the first error.
    #[doc(hidden)] // the client's `…_items` methods call it
    pub fn items<I: MaybeSend + 'a>(
        self,
        items: fn(P) -> Vec<I>,
    ) -> impl Stream<Item = Result<I, Error<E>>> + MaybeSend + 'a {
        use futures_util::StreamExt;
        self.into_stream().flat_map(move |page| {
            let items: Vec<Result<I, Error<E>>> = match page {
                Ok(page) => items(page).into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            futures_util::stream::iter(items)
        })
    }
}

/// The target of the `rel="next"` link of a `Link` header (RFC 8288: `<url>; rel="next", <url>; rel="last"`),
/// resolved against `base`.
pub fn next_link(headers: &HeaderMap, base: &Url) -> Option<Url> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        // Each link is `<target>` then `;`-separated parameters, up to a `,` outside the brackets.
        while let Some(open) = rest.find('<') {
            let Some(close) = rest[open..].find('>').map(|close| open + close) else { break };
            let target = &rest[open + 1..close];
            let after = &rest[close + 1..];
            let end = after.find('<').unwrap_or(after.len());
            let is_next = after[..end].split([';', ',']).any(|parameter| {
                let Some((name, value)) = parameter.split_once('=') else { return false };
                name.trim().eq_ignore_ascii_case("rel")
                    && value.trim().trim_matches('"').split_whitespace().any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return base.join(target).ok();
            }
            rest = &after[end..];
        }
    }
    None
}

/// A successful reply: the decoded body with the status and headers it came with (the `…_with_response` methods
/// return it). Dereferences to the body.
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> ResponseValue<T> {
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value as text, if present and valid text (e.g. `x-ratelimit-remaining`, `etag`, `location`).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The body, without status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }
}

/// A call of an operation, as its methods return it: a future of its result `T` (the reply's body, or a
/// [`ResponseValue`] with status and headers), or of an [`Error`] whose documented responses are `E`. `.await` it.
pub trait Call<T, E>: Future<Output = Result<T, Error<E>>> {}

impl<F: Future<Output = Result<T, Error<E>>>, T, E> Call<T, E> for F {}

/// What an operation's plain method returns: its `_with_response` twin's reply without status and headers. One
/// generic function, so a plain method adds no state machine of its own to the crate.
pub async fn body_of<T, E>(with_response: impl Call<ResponseValue<T>, E>) -> Result<T, Error<E>> {
    with_response.await.map(ResponseValue::into_body)
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl RawResponse {
    /// The reply's status and headers with its decoded `body`.
    #[doc(hidden)] // for the generated code, not for users
    pub fn value<T>(self, body: T) -> ResponseValue<T> {
        ResponseValue { status: self.status, headers: self.headers, body }
    }
}

/// A reply whose body is read as a stream: its status and headers with `stream(response)`, if the `Content-Type`
/// is `expected` (or absent, or `expected` is `None`); else the body is read and the mismatch reported.
pub async fn stream_value<T>(
    response: reqwest::Response,
    expected: Option<&'static str>,
    stream: impl FnOnce(reqwest::Response) -> T,
) -> Result<ResponseValue<T>, Problem> {
    // One `if` (not two nested), so the code reads the same to clippy in a crate of either edition that includes it.
    let differs = |expected: &&str| media_essence(response.headers()).is_some_and(|essence| essence != *expected);
    if let Some(expected) = expected.filter(differs) {
        let response = RawResponse::read(response).await?;
        return Err(Problem::ContentType { expected, response: Box::new(response) });
    }
    let (status, headers) = (response.status(), response.headers().clone());
    Ok(ResponseValue { status, headers, body: stream(response) })
}

/// A body item that could not be read or decoded. A stream goes on after a decoding error (the next line or event
/// may be fine) and ends after a transport error.
#[derive(Debug)]
pub enum StreamError {
    /// The connection failed while the body was being read.
    Transport(reqwest::Error),
    /// A line or event's data is not the documented type.
    Decode {
        /// The text that did not decode (for server-sent events: the event's data).
        data: String,
        /// What serde reported.
        source: serde_json::Error,
    },
    /// The event stream is not valid UTF-8 or not a valid `text/event-stream`.
    Event(String),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Transport(source) => write!(f, "reading the body failed: {source}"),
            StreamError::Decode { source, .. } => write!(f, "an item does not match the documented type: {source}"),
            StreamError::Event(reason) => write!(f, "invalid event stream: {reason}"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Transport(source) => Some(source),
            StreamError::Decode { source, .. } => Some(source),
            StreamError::Event(_) => None,
        }
    }
}

/// A response body as it arrives, chunk by chunk, never held whole (downloads, images, archives). A
/// [`Stream`] of [`Bytes`](bytes::Bytes); [`ByteStream::next`] needs no trait in scope.
pub struct ByteStream {
    chunks: BoxStream<Result<bytes::Bytes, StreamError>>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

impl ByteStream {
    #[doc(hidden)] // for the generated code, not for users
    pub fn new(response: reqwest::Response) -> Self {
        let chunks = futures_util::StreamExt::map(platform::chunks(response), |chunk| {
            chunk.map_err(|error| StreamError::Transport(error.without_url()))
        });
        Self { chunks: Box::pin(chunks) }
    }

    /// The next chunk, or `None` at the end of the body.
    pub async fn next(&mut self) -> Option<Result<bytes::Bytes, StreamError>> {
        futures_util::StreamExt::next(&mut self.chunks).await
    }

    /// The rest of the body in memory.
    pub async fn collect_bytes(mut self) -> Result<Vec<u8>, StreamError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.next().await {
            body.extend_from_slice(&chunk?);
        }
        Ok(body)
    }
}

impl Stream for ByteStream {
    type Item = Result<bytes::Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

/// A JSON Lines (NDJSON) body: one `T` per line, decoded as each line arrives. Blank lines are skipped; a line
/// that does not decode is an error item and the stream goes on.
pub struct JsonLines<T> {
    items: BoxStream<Result<T, StreamError>>,
}

impl<T> fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JsonLines")
    }
}

impl<T: DeserializeOwned + MaybeSend + 'static> JsonLines<T> {
    #[doc(hidden)] // for the generated code, not for users
    pub fn new(response: reqwest::Response) -> Self {
        let lines = Lines { bytes: ByteStream::new(response), buffer: Vec::new(), done: false };
        let items = futures_util::stream::unfold(lines, |mut lines| async move {
            let line = lines.next_line().await?;
            let item = line.and_then(|line| {
                serde_json::from_slice(&line)
                    .map_err(|source| StreamError::Decode { data: String::from_utf8_lossy(&line).into_owned(), source })
            });
            Some((item, lines))
        });
        Self { items: Box::pin(items) }
    }
}

impl<T> JsonLines<T> {
    /// The next item, or `None` at the end of the body.
    pub async fn next(&mut self) -> Option<Result<T, StreamError>> {
        futures_util::StreamExt::next(&mut self.items).await
    }
}

impl<T> Stream for JsonLines<T> {
    type Item = Result<T, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        self.items.as_mut().poll_next(cx)
    }
}

/// Splits a byte stream into non-blank lines (`\n` or `\r\n`), however the chunks fall.
struct Lines {
    bytes: ByteStream,
    buffer: Vec<u8>,
    done: bool,
}

impl Lines {
    async fn next_line(&mut self) -> Option<Result<Vec<u8>, StreamError>> {
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(Ok(line));
            }
            if self.done {
                let rest = std::mem::take(&mut self.buffer);
                return (!rest.iter().all(u8::is_ascii_whitespace)).then_some(Ok(rest));
            }
            match self.bytes.next().await {
                Some(Ok(chunk)) => self.buffer.extend_from_slice(&chunk),
                Some(Err(error)) => {
                    self.done = true;
                    self.buffer.clear();
                    return Some(Err(error));
                }
                None => self.done = true,
            }
        }
    }
}
