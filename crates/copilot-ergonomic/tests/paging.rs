//! Lazy paging over nextLinks: several pages, options, resume, loop and foreign-host refusal.

mod common;

use common::*;
use copilot_ergonomic::{Error, types};
use copilot_fake::FakeConfig;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;

#[tokio::test]
async fn streams_every_item_across_pages_following_next_links() {
    let (server, copilot) = fake(FakeConfig::new().page_size(4)).await;
    let ws = copilot.workspace("default");
    for i in 0..10 {
        ws.create_session(format!("s{i}")).await.unwrap();
    }
    server.take_requests();
    let names: Vec<String> = ws
        .sessions()
        .map_ok(|s| s.display_name.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        names,
        (0..10).rev().map(|i| format!("s{i}")).collect::<Vec<_>>()
    );
    let requests = server.take_requests();
    assert_eq!(requests.len(), 3, "10 items in pages of 4");
    assert!(requests[1].target.contains("$skiptoken="));
    // Every page request carries the token, a fresh client-request-id and the user agent.
    let ids: std::collections::HashSet<_> = requests
        .iter()
        .map(|r| r.header("client-request-id").unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}")))
    );
}

#[tokio::test]
async fn nothing_is_sent_until_the_stream_is_polled_and_pages_carry_counts() {
    let (server, copilot) = fake(FakeConfig::new()).await;
    let ws = copilot.workspace("default");
    for i in 0..5 {
        ws.create_session(format!("s{i}")).await.unwrap();
    }
    server.take_requests();
    let list = ws
        .sessions()
        .top(2)
        .count(true)
        .select(&["displayName"])
        .orderby("displayName asc");
    assert!(server.requests().is_empty());
    let pages: Vec<_> = list.pages().try_collect().await.unwrap();
    assert_eq!(
        pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    assert!(pages.iter().all(|p| p.count == Some(5)));
    assert_eq!(pages[0].items[0].display_name.as_deref(), Some("s0"));
    assert_eq!(pages[0].items[0].id, None, "$select left the id out");
    let first = &server.requests()[0];
    assert_eq!(
        first.target,
        "/beta/security/securityCopilot/workspaces/default/sessions?$count=true&$orderby=displayName+asc&$select=displayName&$top=2"
    );
}

#[tokio::test]
async fn a_saved_next_link_resumes_the_listing() {
    let (_server, copilot) = fake(FakeConfig::new().page_size(3)).await;
    let ws = copilot.workspace("default");
    for i in 0..7 {
        ws.create_session(format!("s{i}")).await.unwrap();
    }
    let first = ws.sessions().pages().next().await.unwrap().unwrap();
    let link = first.next_link.unwrap();
    let rest: Vec<types::Session> = ws.sessions().resume_from(link).try_collect().await.unwrap();
    assert_eq!(rest.len(), 4);
}

#[tokio::test]
async fn the_token_never_follows_a_next_link_to_another_host() {
    let foreign = scripted("127.0.0.2", vec![Reply::json(200, &json!({"value": []}))]).await;
    let page = json!({"value": [{"id": "1"}], "@odata.nextLink": format!("{}/security/securityCopilot/workspaces/default/sessions?$skiptoken=x", foreign.base_url())});
    let home = scripted("127.0.0.1", vec![Reply::json(200, &page)]).await;
    let copilot = client(home.base_url());
    let mut sessions = copilot.workspace("default").sessions();
    assert_eq!(
        sessions.try_next().await.unwrap().unwrap().id.as_deref(),
        Some("1")
    );
    let err = sessions.try_next().await.unwrap_err();
    assert!(matches!(err, Error::ForeignHost { .. }), "{err:?}");
    assert!(err.to_string().contains("127.0.0.2"), "{err}");
    assert!(
        foreign.requests().is_empty(),
        "nothing may reach the foreign host"
    );
    // Another port on the same host is another origin too.
    let other_port = json!({"value": [], "@odata.nextLink": format!("http://127.0.0.1:{}/beta/x", foreign.port())});
    let home = scripted("127.0.0.1", vec![Reply::json(200, &other_port)]).await;
    let copilot = client(home.base_url());
    let err = sessions_error(&copilot).await;
    assert!(matches!(err, Error::ForeignHost { .. }), "{err:?}");
}

#[tokio::test]
async fn a_next_link_loop_is_an_error_not_an_endless_stream() {
    let server = scripted("127.0.0.1", vec![]).await;
    let self_link = format!(
        "{}/security/securityCopilot/workspaces/default/sessions?$skiptoken=same",
        server.base_url()
    );
    for _ in 0..3 {
        server.push(Reply::json(
            200,
            &json!({"value": [], "@odata.nextLink": self_link}),
        ));
    }
    let copilot = client(server.base_url());
    let err = sessions_error(&copilot).await;
    assert!(
        matches!(err, Error::Protocol(ref m) if m.contains("same nextLink")),
        "{err:?}"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "the first page, then the link once"
    );
}
