//! Paging and OData query options: `$top`, server page size, absolute opaque nextLinks,
//! `$count`, `$skip`, `$select`, `$orderby`, `$filter`, and 400s for what is not supported.

mod common;

use common::*;
use copilot_fake::{FakeConfig, FakeServer};
use serde_json::{Value, json};

async fn with_sessions(n: usize, page_size: usize) -> FakeServer {
    let server = FakeServer::start_with(FakeConfig::new().page_size(page_size))
        .await
        .unwrap();
    for i in 0..n {
        let r = send(
            &server,
            "POST",
            &format!("{WS}/sessions"),
            Some(json!({"displayName": format!("s{i:02}")})),
        )
        .await;
        assert_eq!(r.status, 201);
    }
    server
}

/// Follows nextLinks verbatim; returns every page body.
async fn all_pages(server: &FakeServer, first: &str) -> Vec<Value> {
    let mut pages = vec![conforms(
        "listSessions",
        &send(server, "GET", first, None).await,
    )];
    while let Some(next) = pages.last().unwrap()["@odata.nextLink"]
        .as_str()
        .map(str::to_string)
    {
        assert!(
            next.starts_with(&server.base_url()),
            "nextLink is absolute: {next}"
        );
        pages.push(conforms(
            "listSessions",
            &send(server, "GET", &next, None).await,
        ));
        assert!(pages.len() < 100, "runaway paging");
    }
    pages
}

fn names(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p["value"].as_array().unwrap().iter())
        .map(|s| s["displayName"].as_str().unwrap_or("?").to_string())
        .collect()
}

#[tokio::test]
async fn server_page_size_splits_a_collection_across_pages_newest_first() {
    let server = with_sessions(25, 10).await;
    let pages = all_pages(&server, &format!("{WS}/sessions")).await;
    assert_eq!(
        pages
            .iter()
            .map(|p| p["value"].as_array().unwrap().len())
            .collect::<Vec<_>>(),
        [10, 10, 5]
    );
    let expected: Vec<String> = (0..25).rev().map(|i| format!("s{i:02}")).collect();
    assert_eq!(names(&pages), expected);
}

#[tokio::test]
async fn top_sets_the_page_size_and_next_links_keep_the_options() {
    let server = with_sessions(7, 100).await;
    let pages = all_pages(
        &server,
        &format!("{WS}/sessions?$top=3&$count=true&$select=displayName"),
    )
    .await;
    assert_eq!(pages.len(), 3);
    for page in &pages {
        assert_eq!(page["@odata.count"], 7);
        for s in page["value"].as_array().unwrap() {
            assert_eq!(
                s.as_object().unwrap().keys().collect::<Vec<_>>(),
                ["displayName"]
            );
        }
    }
    let link = pages[0]["@odata.nextLink"].as_str().unwrap();
    assert!(
        link.contains("$top=3") && link.contains("$skiptoken="),
        "{link}"
    );
}

#[tokio::test]
async fn skip_orderby_and_options_without_the_dollar_prefix() {
    let server = with_sessions(5, 100).await;
    let r = conforms(
        "listSessions",
        &send(
            &server,
            "GET",
            &format!("{WS}/sessions?$orderby=displayName asc&$skip=1&top=2"),
            None,
        )
        .await,
    );
    assert_eq!(names(&[r]), ["s01", "s02"]);
    let r = conforms(
        "listSessions",
        &send(
            &server,
            "GET",
            &format!("{WS}/sessions?orderby=displayName%20desc"),
            None,
        )
        .await,
    );
    assert_eq!(names(&[r])[0], "s04");
}

#[tokio::test]
async fn an_empty_collection_is_one_page_without_next_link() {
    let server = with_sessions(0, 10).await;
    let pages = all_pages(&server, &format!("{WS}/sessions?$count=true")).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["@odata.count"], 0);
    assert_eq!(pages[0]["value"], json!([]));
}

#[tokio::test]
async fn plugins_filter_on_the_documented_properties() {
    let server = FakeServer::start().await.unwrap();
    let path = format!("{WS}/plugins?$filter=name+eq+'Entra'");
    let r = conforms("listPlugins", &send(&server, "GET", &path, None).await);
    assert_eq!(r["value"].as_array().unwrap().len(), 1);
    assert_eq!(r["value"][0]["displayName"], "Microsoft Entra");
    let path = format!("{WS}/plugins?$filter=contains(name,'defender')+and+isEnabled+eq+true");
    let r = conforms("listPlugins", &send(&server, "GET", &path, None).await);
    assert_eq!(r["value"][0]["name"], "DefenderXDR");
    let path = format!("{WS}/plugins?$filter=displayName+eq+'nothing'");
    assert_eq!(
        conforms("listPlugins", &send(&server, "GET", &path, None).await)["value"],
        json!([])
    );
}

#[tokio::test]
async fn unsupported_query_options_are_a_graph_400_never_ignored() {
    let server = with_sessions(1, 10).await;
    for query in [
        "$filter=displayName eq 'x'",
        "$search=x",
        "$expand=prompts",
        "$top=abc",
        "$select=nope",
        "$skiptoken=forged",
        "$count=maybe",
        "foo=bar",
    ] {
        let r = send(&server, "GET", &format!("{WS}/sessions?{query}"), None).await;
        assert_eq!(r.status, 400, "{query}: {}", r.text);
        assert_eq!(r.error_code(), "BadRequest", "{query}");
    }
    let r = send(
        &server,
        "GET",
        &format!("{WS}/plugins?$filter=description eq 'x'"),
        None,
    )
    .await;
    assert_eq!(r.status, 400);
    let r = send(
        &server,
        "POST",
        &format!("{WS}/sessions?$top=1"),
        Some(json!({"displayName": "x"})),
    )
    .await;
    assert_eq!(r.status, 400);
}
