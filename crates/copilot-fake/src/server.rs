//! The HTTP/1 server: accepts loopback connections and feeds requests to the handler.
//!
//! Each connection has a kill switch, so a `DropConnection` fault closes the socket without
//! any response bytes, as a network failure would.
//!
//! Connections allow half-closure: a client may shut down its write side right after sending a
//! request and still gets the answer. (hyper's default treats that EOF as the client having
//! gone and closes without answering, whenever it reads the EOF before the response is ready —
//! a race that made such clients see an empty reply now and then.)

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::exchange::{Handled, Incoming};
use crate::handler::State;

pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    let Ok(local) = listener.local_addr() else {
        return;
    };
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let Ok((stream, _peer)) = accepted else {
            continue;
        };
        let state = Arc::clone(&state);
        let mut shutdown = shutdown.clone();
        let counters = &state.connections;
        counters.accepted.fetch_add(1, Ordering::Relaxed);
        let open = counters.open.fetch_add(1, Ordering::Relaxed) + 1;
        counters.peak.fetch_max(open, Ordering::Relaxed);
        tokio::spawn(async move {
            let _open = OpenConnection(Arc::clone(&state));
            let kill = Arc::new(Notify::new());
            let trigger = Arc::clone(&kill);
            let service = service_fn(move |req| {
                respond(Arc::clone(&state), Arc::clone(&trigger), local, req)
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .half_close(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

/// Counts a connection as closed when its task ends, however it ends.
struct OpenConnection(Arc<State>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.connections.open.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn respond(
    state: Arc<State>,
    kill: Arc<Notify>,
    local: SocketAddr,
    req: Request<Body>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let limit = state.config.max_body_bytes;
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => Some(collected.to_bytes()),
        Err(_) => None,
    };
    let origin = format!("http://{local}");
    let incoming = Incoming {
        method: &parts.method,
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: body.as_deref(),
        origin,
    };
    match state.handle(incoming).await {
        Handled::Respond(reply) => {
            let mut response = Response::new(Full::new(reply.body));
            *response.status_mut() = reply.status;
            *response.headers_mut() = reply.headers;
            Ok(response)
        }
        Handled::Drop => {
            kill.notify_one();
            std::future::pending().await
        }
    }
}
