//! The fake serves exactly the operations of `copilot_api::catalogue` (a dev-dependency only:
//! the fake itself never links the client), each at the spec's method and path, and answers
//! every route it lists.

mod common;

use common::*;
use copilot_api::catalogue::OPERATIONS;
use copilot_fake::{FakeServer, ROUTES};
use copilot_surface::follow;

#[test]
fn the_route_table_matches_the_catalogue() {
    let rows = copilot_surface::catalogue_rows!(OPERATIONS);
    let served: Vec<(&str, &str, &str)> = ROUTES
        .iter()
        .map(|r| (r.operation_id, r.method, r.path))
        .collect();
    let missing = follow::fake_routes(&rows, &served);
    assert!(
        missing.is_empty(),
        "{}",
        follow::report("crates/copilot-fake", &missing)
    );
}

#[tokio::test]
async fn every_listed_route_is_answered() {
    let server = FakeServer::start().await.unwrap();
    for route in ROUTES {
        let path = route
            .path
            .replace("{workspaceId}", "default")
            .replace("{sessionId}", "s")
            .replace("{promptId}", "p")
            .replace("{evaluationId}", "e");
        let body = (route.method != "GET").then(|| serde_json::json!({}));
        let reply = send(&server, route.method, &path, body).await;
        assert_ne!(
            reply.status, 501,
            "{} is in ROUTES but crates/copilot-fake/src/operations.rs does not answer it",
            route.operation_id
        );
    }
}
