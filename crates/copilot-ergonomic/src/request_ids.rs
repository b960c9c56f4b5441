//! [`RequestIds`]: the ids Microsoft support asks for, kept for successful calls too.
//!
//! Every call records its ids when its final response arrives; [`RequestIds::capture`] collects
//! those of the calls a future makes (nested captures each see their calls), and an
//! [`Answer`](crate::Answer) carries the ids of the calls that produced it.

use std::future::Future;
use std::sync::{Arc, Mutex};

tokio::task_local! {
    static COLLECTOR: Arc<Collector>;
}

/// The ids of one call (one operation with all its retries): `client-request-id` as sent and
/// Graph's `request-id` from the final response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestIds {
    /// The spec's operation, e.g. `createPrompt`, `getEvaluation`, `listSessions`.
    pub operation: String,
    /// HTTP status of the final response.
    pub status: u16,
    /// The `request-id` response header, when the service sent one.
    pub request_id: Option<String>,
    /// The `client-request-id` the call sent (the same on every retry).
    pub client_request_id: String,
}

impl RequestIds {
    /// Runs `future` and returns its output with the ids of every call it made, in order.
    ///
    /// ```rust
    /// # async fn demo(ws: copilot_ergonomic::WorkspaceClient) -> Result<(), copilot_ergonomic::Error> {
    /// use copilot_ergonomic::RequestIds;
    /// let (session, ids) = RequestIds::capture(ws.create_session("triage")).await;
    /// let session = session?;
    /// println!("request-id {:?}", ids[0].request_id);
    /// # Ok(()) }
    /// ```
    pub async fn capture<F: Future>(future: F) -> (F::Output, Vec<RequestIds>) {
        let parent = COLLECTOR.try_with(Arc::clone).ok();
        let collector = Arc::new(Collector {
            ids: Mutex::new(Vec::new()),
            parent,
        });
        let output = COLLECTOR.scope(Arc::clone(&collector), future).await;
        let ids = std::mem::take(&mut *collector.ids.lock().unwrap_or_else(|p| p.into_inner()));
        (output, ids)
    }

    /// Records the ids of a finished call with every enclosing capture (built only if there is one).
    pub(crate) fn record_with(ids: impl FnOnce() -> RequestIds) {
        let _ = COLLECTOR.try_with(|collector| collector.push(ids()));
    }
}

struct Collector {
    ids: Mutex<Vec<RequestIds>>,
    parent: Option<Arc<Collector>>,
}

impl Collector {
    fn push(&self, ids: RequestIds) {
        if let Some(parent) = &self.parent {
            parent.push(ids.clone());
        }
        self.ids.lock().unwrap_or_else(|p| p.into_inner()).push(ids);
    }
}
