//! The parts of the generated `Client` that are the same for every API.
//!
//! Copied into every generated client crate from specforge's `templates/client/client.rs`.

use std::time::Duration;

use reqwest::Url;

use super::runtime::ConfigError;

impl super::Client {
    /// A client for the server at `base_url` (for example `https://api.example.com`) with default settings.
    pub fn new(base_url: &str) -> Result<Self, ConfigError> {
        Self::builder(base_url).build()
    }

    /// A client that sends requests through `http`, so the settings of your own `reqwest::Client` apply.
    pub fn with_client(base_url: &str, http: reqwest::Client) -> Result<Self, ConfigError> {
        Self::builder(base_url).http_client(http).build()
    }

    /// Configures a client for the server at `base_url`: timeouts, user agent, default headers, retries, a request
    /// hook, or your own `reqwest::Client`.
    pub fn builder(base_url: &str) -> super::ClientBuilder {
        super::ClientBuilder::new(base_url)
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &Url {
        self.transport.base_url()
    }

    /// The underlying HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        self.transport.http_client()
    }

    /// This client, giving up on each request after `timeout` (a cheap clone: `client.clone().with_timeout(…)` for
    /// one call).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.with_timeout(timeout);
        self
    }

    /// This client, sending `name: value` with each request (a cheap clone: `client.clone().with_header(…)?` for
    /// one call). Fails if the name or value is not valid in HTTP.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, ConfigError> {
        self.transport = self.transport.with_header(name, value)?;
        Ok(self)
    }
}
