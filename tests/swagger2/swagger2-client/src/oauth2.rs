//! OAuth2 access tokens from a token endpoint (RFC 6749): the client credentials grant, and the refresh token grant
//! for a token first obtained another way (an authorization code flow in a browser).
//!
//! Copied into a generated client crate from specforge's `templates/client/oauth2.rs` when one of its security
//! schemes is OAuth2 with a token URL.

// The same file serves every API with OAuth2; one without a client credentials flow leaves part of it unused.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use reqwest::Url;

use super::runtime::platform::{BoxFuture, Instant};
use super::runtime::{Secret, TokenError, TokenProvider};

/// How long before a token's `expires_in` ends it is fetched again (at most half its lifetime).
const EARLY: Duration = Duration::from_secs(60);

/// Access tokens from an OAuth2 token endpoint: fetched when first needed, cached, and fetched again shortly
/// before they expire or after the server rejects one. The client authenticates with HTTP Basic (RFC 6749
/// §2.3.1) when it has a secret. Neither the secret nor any token is ever logged.
pub struct OAuth2Tokens {
    http: reqwest::Client,
    token_url: Url,
    client_id: String,
    client_secret: Option<Secret>,
    scopes: Vec<String>,
    /// For the refresh token grant: the refresh token, replaced when the server sends a new one.
    refresh_token: Option<Mutex<Secret>>,
    cached: Mutex<Option<Cached>>,
}

struct Cached {
    token: Secret,
    /// When to fetch another; never, when the server gave no `expires_in`.
    renew_at: Option<Instant>,
}

/// What a token endpoint answers (RFC 6749 §5.1).
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<u64>,
    refresh_token: Option<String>,
}

impl OAuth2Tokens {
    /// The client credentials grant (RFC 6749 §4.4), asking for `scopes` (none: the server's default).
    pub fn client_credentials(
        http: reqwest::Client,
        token_url: Url,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scopes: &[&str],
    ) -> Self {
        OAuth2Tokens {
            http,
            token_url,
            client_id: client_id.into(),
            client_secret: Some(Secret::new(client_secret)),
            scopes: scopes.iter().map(|scope| scope.to_string()).collect(),
            refresh_token: None,
            cached: Mutex::new(None),
        }
    }

    /// The refresh token grant (RFC 6749 §6): each access token is got with `refresh_token` (a public client has
    /// no secret).
    pub fn refresh_token(
        http: reqwest::Client,
        token_url: Url,
        client_id: impl Into<String>,
        client_secret: Option<String>,
        refresh_token: impl Into<String>,
    ) -> Self {
        OAuth2Tokens {
            http,
            token_url,
            client_id: client_id.into(),
            client_secret: client_secret.map(Secret::new),
            scopes: Vec::new(),
            refresh_token: Some(Mutex::new(Secret::new(refresh_token))),
            cached: Mutex::new(None),
        }
    }

    /// The cached token, while it is fresh.
    fn fresh(&self) -> Option<Secret> {
        let cached = locked(&self.cached);
        let cached = cached.as_ref()?;
        cached.renew_at.is_none_or(|at| Instant::now() < at).then(|| cached.token.clone())
    }

    /// Asks the token endpoint for a token, and caches it.
    async fn fetch(&self) -> Result<Secret, TokenError> {
        let mut form: Vec<(&str, String)> = vec![("client_id", self.client_id.clone())];
        match &self.refresh_token {
            Some(refresh) => {
                let refresh = locked(refresh).expose().to_string();
                form.push(("grant_type", "refresh_token".to_string()));
                form.push(("refresh_token", refresh));
            }
            None => form.push(("grant_type", "client_credentials".to_string())),
        }
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let mut request = self.http.post(self.token_url.clone()).form(&form);
        if let Some(secret) = &self.client_secret {
            request = request.basic_auth(&self.client_id, Some(secret.expose()));
        }
        let response = request.send().await.map_err(|error| TokenError::new(error.without_url()))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| TokenError::new(error.without_url()))?;
        if !status.is_success() {
            // RFC 6749 §5.2: `error` and `error_description`, which name no secret.
            let text = String::from_utf8_lossy(&body);
            return Err(TokenError::new(format!("the token endpoint answered {status}: {text}")));
        }
        let answer: TokenResponse = serde_json::from_slice(&body)
            .map_err(|error| TokenError::new(format!("the token endpoint's answer is not a token: {error}")))?;
        if let (Some(rotated), Some(refresh)) = (answer.refresh_token, &self.refresh_token) {
            *locked(refresh) = Secret::new(rotated);
        }
        let token = Secret::new(answer.access_token);
        // A lifetime too long for the clock to hold is one that never ends.
        let renew_at = answer.expires_in.and_then(|seconds| {
            let lifetime = Duration::from_secs(seconds);
            Instant::now().checked_add(lifetime - EARLY.min(lifetime / 2))
        });
        *locked(&self.cached) = Some(Cached { token: token.clone(), renew_at });
        Ok(token)
    }
}

/// The value behind `mutex`, also after a panic elsewhere while it was held (the cache stays usable).
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl TokenProvider for OAuth2Tokens {
    fn token(&self) -> BoxFuture<'_, Result<Secret, TokenError>> {
        Box::pin(async move {
            match self.fresh() {
                Some(token) => Ok(token),
                None => self.fetch().await,
            }
        })
    }

    fn reject(&self, rejected: &Secret) {
        let mut cached = locked(&self.cached);
        if cached.as_ref().is_some_and(|cached| cached.token.expose() == rejected.expose()) {
            *cached = None;
        }
    }
}

impl std::fmt::Debug for OAuth2Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2Tokens")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}
