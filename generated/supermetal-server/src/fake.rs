//! The test double's machinery: one [`Slot`] per operation holds the reply a test set (or the default one), what
//! the fake received, and how it misbehaves (a delay, a dropped connection); [`FakeServer`] serves a fake
//! on 127.0.0.1 until it is dropped.
//!
//! Copied into a generated server crate from specforge's `templates/server/fake.rs`, behind its `fake` feature.

use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::response::Response;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tower::ServiceExt;

use crate::runtime::Failure;

type Handler<Req, Rep> = Arc<dyn Fn(&Req) -> Rep + Send + Sync>;

tokio::task_local! {
    /// Whether the operation being answered asked for its connection to be dropped, read once it has answered.
    static DROP_CONNECTION: std::cell::Cell<bool>;
}

/// One operation of a fake: the reply it gives, what it received, and how it misbehaves.
pub struct Slot<Req, Rep> {
    operation: &'static str,
    default: fn() -> Option<Rep>,
    handler: Mutex<Option<Handler<Req, Rep>>>,
    received: Mutex<Vec<Req>>,
    delay: Mutex<Option<Duration>>,
    drop_connection: Mutex<bool>,
}

impl<Req, Rep> fmt::Debug for Slot<Req, Rep> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slot").field("operation", &self.operation).finish_non_exhaustive()
    }
}

/// Locks a slot's state; a test that panicked while holding it left nothing half-changed.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<Req, Rep> Slot<Req, Rep> {
    /// A slot for `operation` whose reply, until a test sets one, is `default`'s (from the API's examples).
    #[doc(hidden)]
    pub fn new(operation: &'static str, default: fn() -> Option<Rep>) -> Self {
        Slot {
            operation,
            default,
            handler: Mutex::new(None),
            received: Mutex::new(Vec::new()),
            delay: Mutex::new(None),
            drop_connection: Mutex::new(false),
        }
    }

    /// Answers every later request with what `reply` makes of it.
    pub fn reply_with(&self, reply: impl Fn(&Req) -> Rep + Send + Sync + 'static) -> &Self {
        *lock(&self.handler) = Some(Arc::new(reply));
        self
    }

    /// Answers every later request with `reply`.
    pub fn reply(&self, reply: Rep) -> &Self
    where
        Rep: Clone + Send + Sync + 'static,
    {
        self.reply_with(move |_| reply.clone())
    }

    /// Waits `delay` before answering (to test a client's timeout).
    pub fn delay(&self, delay: Duration) -> &Self {
        *lock(&self.delay) = Some(delay);
        self
    }

    /// Closes the connection instead of answering (to test a client's handling of a broken connection).
    pub fn drop_connection(&self) -> &Self {
        *lock(&self.drop_connection) = true;
        self
    }

    /// Back to the default reply, without a delay or a dropped connection (what was received is kept).
    pub fn reset(&self) -> &Self {
        *lock(&self.handler) = None;
        *lock(&self.delay) = None;
        *lock(&self.drop_connection) = false;
        self
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<Req>
    where
        Req: Clone,
    {
        lock(&self.received).clone()
    }

    /// How many requests were received so far.
    pub fn calls(&self) -> usize {
        lock(&self.received).len()
    }

    /// Records `request` and makes the reply (called by the fake's implementation of the API).
    #[doc(hidden)]
    pub async fn answer(&self, request: Req) -> Result<Rep, Failure> {
        let delay = *lock(&self.delay);
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        let handler = lock(&self.handler).clone();
        let reply = match handler {
            Some(handler) => Some(handler(&request)),
            None => (self.default)(),
        };
        lock(&self.received).push(request);
        if *lock(&self.drop_connection) {
            let _ = DROP_CONNECTION.try_with(|cell| cell.set(true));
        }
        reply.ok_or_else(|| {
            Failure::with_detail(format!(
                "the fake has no reply for `{}`: set one with `reply` (no example in the API description decodes)",
                self.operation
            ))
        })
    }
}

/// A fake serving on 127.0.0.1 (stops when dropped); derefs to the fake, to set replies and read requests.
#[derive(Debug)]
pub struct FakeServer<F> {
    fake: Arc<F>,
    address: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl<F> std::ops::Deref for FakeServer<F> {
    type Target = F;

    fn deref(&self) -> &F {
        &self.fake
    }
}

impl<F> FakeServer<F> {
    /// Serves `fake` through `router` on a free port of 127.0.0.1.
    #[doc(hidden)]
    pub async fn start(fake: Arc<F>, router: axum::Router) -> std::io::Result<FakeServer<F>> {
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let router = router.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let router = router.clone();
                        answer(router, request.map(axum::body::Body::new))
                    });
                    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Ok(FakeServer { fake, address, task })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Its base URL, `http://127.0.0.1:<port>`, to give a client.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl<F> Drop for FakeServer<F> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The connection closed without a reply, as a slot asked.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the fake dropped the connection")
    }
}

impl std::error::Error for Dropped {}

/// Routes one request, then replies, or drops the connection when its operation's slot asked to.
async fn answer(router: axum::Router, request: axum::extract::Request) -> Result<Response, Dropped> {
    let (response, dropped) = DROP_CONNECTION
        .scope(std::cell::Cell::new(false), async move {
            let response = router.oneshot(request).await.unwrap_or_else(|never: Infallible| match never {});
            (response, DROP_CONNECTION.with(std::cell::Cell::get))
        })
        .await;
    if dropped { Err(Dropped) } else { Ok(response) }
}
