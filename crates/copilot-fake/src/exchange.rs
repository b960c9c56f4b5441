//! The request and response as the handler sees them: the parts of a request it reads
//! ([`Incoming`]), the answer it gives ([`Answer`], or [`Handled::Drop`] to close the
//! connection unanswered), and the ids and headers every answer carries.

use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, StatusCode};

/// What the connection layer should do with a handled request.
pub(crate) enum Handled {
    Respond(Answer),
    /// Close the connection without a response.
    Drop,
}

/// A complete response.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The parts of a request the handler reads.
pub(crate) struct Incoming<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    /// `None` when the body was larger than allowed.
    pub body: Option<&'a [u8]>,
    /// `scheme://host:port`, for absolute links.
    pub origin: String,
}

/// The content type of every JSON answer, as Graph sends it.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// The ids of one request, as its error bodies repeat them.
pub(crate) struct RequestIds {
    pub request_id: String,
    pub client_request_id: Option<String>,
}

/// Sets a header, skipping values that are not valid header text.
pub(crate) fn insert(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}
