//! Tracing output: a span per request with the documented fields, retry events, and never the
//! token. Alone in its own test binary, so no other test settles tracing's callsite cache first.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use copilot_fake::FakeConfig;
use futures::TryStreamExt;

/// A `MakeWriter` collecting everything `tracing` prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Everything `tracing` prints on this thread (TRACE and up) while the guard lives.
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn the_token_never_appears_in_debug_display_errors_or_logs() {
    let (captured, _guard) = capture();

    let config =
        FakeConfig::new().fault(copilot_fake::FaultRule::parse("listSessions:1:429:0").unwrap());
    let (_server, copilot) = fake(config).await;
    let ws = copilot.workspace("default");
    ws.create_session("a").await.unwrap();
    let _ = ws.sessions().try_collect::<Vec<_>>().await.unwrap();
    let err = ws.session("missing").get().await.unwrap_err();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("copilot.request") && logs.contains("retrying"),
        "spans and retry events are logged:\n{logs}"
    );
    assert!(
        logs.contains(
            "url.template=/beta/security/securityCopilot/workspaces/{workspaceId}/sessions"
        ),
        "the span's URL template is the catalogue's path template:\n{logs}"
    );
    assert!(
        logs.contains("listSessions") && !logs.contains("list_sessions"),
        "the span is named by the spec's operationId, one spelling:\n{logs}"
    );
    assert!(logs.contains("http.response.status_code=404"), "{logs}");
    for text in [
        logs,
        format!("{copilot:?}"),
        format!("{err}"),
        format!("{err:?}"),
        format!("{ws:?}"),
    ] {
        assert!(!text.contains(TOKEN), "the token leaked into: {text}");
    }
}

#[tokio::test]
async fn a_raw_api_call_logs_the_client_request_id_it_sends() {
    let (captured, _guard) = capture();

    let (server, copilot) = fake(FakeConfig::new()).await;
    copilot
        .api()
        .list_sessions("default", None, None, None, None, None, None)
        .await
        .unwrap();
    let requests = server.requests();
    let sent = requests[0].header("client-request-id").expect("sent");
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains(&format!("client_request_id={sent}")),
        "the span names the id the request carried ({sent}):\n{logs}"
    );
}
