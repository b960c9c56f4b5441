//! `ScriptedServer`: queued replies in order, then the `otherwise` reply; raw requests recorded.

use copilot_fake::{Reply, ScriptedServer};

async fn get(url: &str) -> (u16, String, Option<String>) {
    let r = reqwest::Client::new()
        .post(url)
        .body("ping")
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), r.text().await.unwrap(), location)
}

#[tokio::test]
async fn replies_in_order_then_otherwise_and_records_raw_requests() {
    let server = ScriptedServer::start("127.0.0.1").await.unwrap();
    server.push(Reply::json(200, &serde_json::json!({"a": 1})));
    server.push(Reply::new(302, "").with_header("location", "http://elsewhere.test/"));
    let url = format!("{}/x?y=1", server.base_url());
    assert_eq!(get(&url).await, (200, r#"{"a":1}"#.into(), None));
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirects.get(&url).send().await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["location"].to_str().unwrap()
        ),
        (302, "http://elsewhere.test/")
    );
    assert_eq!(get(&url).await.0, 500, "queue exhausted, no otherwise");
    server.otherwise(Reply::new(204, ""));
    assert_eq!(get(&url).await.0, 204);
    assert_eq!(get(&url).await.0, 204);
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    assert!(
        requests[0].starts_with("POST /beta/x?y=1 HTTP/1.1\r\n"),
        "{}",
        requests[0]
    );
    assert!(requests[0].ends_with("\r\n\r\nping"), "{}", requests[0]);
    assert!(requests[1].starts_with("GET /beta/x?y=1 "));
}
