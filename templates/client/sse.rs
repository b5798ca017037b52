//! Server-sent events (`text/event-stream`), parsed by the `eventsource-stream` crate as the WHATWG rules say:
//! multi-line `data`, comments, `event`, `id` and `retry` fields, events split across reads.
//!
//! Copied into a generated client crate from specforge's `templates/client/sse.rs` when one of its operations
//! answers with an event stream.

// The same file serves every API with event streams; one whose events all have a schema leaves `text` unused.
#![allow(dead_code)]

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use super::runtime::platform::BoxStream;
use super::runtime::{ByteStream, StreamError};

/// One server-sent event: its fields, with `data` decoded as `T` (a `String` when the API gives no schema).
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T = String> {
    /// The `event` field (`"message"` when the server sent none).
    pub event: String,
    /// The last `id` the server sent (empty if none).
    pub id: String,
    /// The reconnection time the server asked for, if it did.
    pub retry: Option<Duration>,
    /// The `data` lines, joined with `\n`, decoded.
    pub data: T,
}

type RawEvents = BoxStream<Result<Event, StreamError>>;

/// A `text/event-stream` body as a [`Stream`] of [`Event`]s whose data is JSON of type `T`; with `T = String`,
/// the data as sent. An event whose data does not decode is an error item and the stream goes on; a broken
/// connection or stream ends it. [`EventStream::next`] needs no trait in scope.
pub struct EventStream<T = String> {
    events: RawEvents,
    sentinel: Option<String>,
    decode: fn(Event) -> Result<Event<T>, StreamError>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("sentinel", &self.sentinel).finish()
    }
}

impl EventStream {
    /// The events of `response`, with their data as text.
    #[doc(hidden)]
    pub fn text(response: reqwest::Response) -> Self {
        Self::with_decoder(response, Ok)
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// The events of `response`, with their data decoded from JSON.
    #[doc(hidden)]
    pub fn json(response: reqwest::Response) -> Self {
        Self::with_decoder(response, |event| {
            let data = serde_json::from_str(&event.data)
                .map_err(|source| StreamError::Decode { data: event.data.clone(), source })?;
            Ok(Event { event: event.event, id: event.id, retry: event.retry, data })
        })
    }
}

impl<T> EventStream<T> {
    fn with_decoder(response: reqwest::Response, decode: fn(Event) -> Result<Event<T>, StreamError>) -> Self {
        let events = ByteStream::new(response).eventsource().map(|event| match event {
            Ok(event) => Ok(Event { event: event.event, id: event.id, retry: event.retry, data: event.data }),
            Err(eventsource_stream::EventStreamError::Transport(error)) => Err(error),
            Err(error) => Err(StreamError::Event(error.to_string())),
        });
        Self { events: Box::pin(events), sentinel: None, decode }
    }

    /// Ends the stream, without an item, at the first event whose data is exactly `data` (OpenAI-style APIs end
    /// with `data: [DONE]`, which is not JSON).
    pub fn until_data(mut self, data: impl Into<String>) -> Self {
        self.sentinel = Some(data.into());
        self
    }

    /// The next event, or `None` at the end of the stream.
    pub async fn next(&mut self) -> Option<Result<Event<T>, StreamError>> {
        StreamExt::next(self).await
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let item = match this.events.as_mut().poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(item) => item,
        };
        Poll::Ready(match item {
            Some(Ok(event)) if this.sentinel.as_deref() == Some(event.data.as_str()) => {
                this.events = Box::pin(futures_util::stream::empty());
                None
            }
            Some(Ok(event)) => Some((this.decode)(event)),
            Some(Err(error)) => Some(Err(error)),
            None => None,
        })
    }
}
