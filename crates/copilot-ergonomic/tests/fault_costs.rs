//! What each fault costs one `ask()`: the requests it sends, by operation, when one call of one
//! operation fails one way (the fake's clock steps with its requests, so the counts do not depend on timing). The table
//! is a snapshot: a change in what a fault costs shows in review.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use common::*;
use copilot_fake::{Clock, FakeConfig, Fault, FaultRule};

async fn cost(rule: Option<FaultRule>) -> String {
    // The fake's clock steps 1 s at every read and evaluations run for 1 s: what a request sees
    // depends on how many requests came before it, never on wall time.
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut config = FakeConfig::new()
        .clock(Clock::stepping(start, Duration::from_secs(1)))
        .phases(Duration::ZERO, Duration::from_secs(1));
    if let Some(rule) = rule {
        config = config.fault(rule);
    }
    let (server, copilot) = fake(config).await;
    let answer = copilot.workspace("default").ask("who am I").await;
    let outcome = match &answer {
        Ok(a) => format!("{:?}", a.outcome()),
        Err(e) => format!("error {:?}", e.status()),
    };
    let mut by_operation: BTreeMap<String, usize> = BTreeMap::new();
    for r in server.requests() {
        let path = r.target.split('?').next().unwrap_or_default();
        let last = path.rsplit('/').next().unwrap_or_default();
        let op = match (r.method.as_str(), last) {
            ("POST", "sessions") => "createSession",
            ("POST", "prompts") => "createPrompt",
            ("POST", "evaluations") => "createEvaluation",
            ("GET", "prompts") => "listPrompts",
            ("GET", "evaluations") => "listEvaluations",
            ("GET", _) if path.contains("/evaluations/") => "getEvaluation",
            _ => "other",
        };
        *by_operation.entry(op.to_string()).or_insert(0) += 1;
    }
    let total: usize = by_operation.values().sum();
    let detail: Vec<String> = by_operation
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    format!("{total} requests ({}) -> {outcome}", detail.join(", "))
}

#[tokio::test]
async fn what_each_fault_costs_one_ask() {
    let once = |op: &str, fault: Fault| Some(FaultRule::new(fault).on(op).calls(1..=1));
    let cases: Vec<(&str, Option<FaultRule>)> = vec![
        ("no fault", None),
        (
            "createSession dropped before storing",
            once("createSession", Fault::DropConnection),
        ),
        (
            "createPrompt dropped before storing",
            once("createPrompt", Fault::DropConnection),
        ),
        (
            "createPrompt stored, then dropped",
            once("createPrompt", Fault::DropAfterStore),
        ),
        (
            "createPrompt 503 without Retry-After",
            once("createPrompt", Fault::status(503)),
        ),
        (
            "createPrompt 429 Retry-After 0",
            once("createPrompt", Fault::status_retry_after(429, "0")),
        ),
        (
            "createEvaluation dropped before storing",
            once("createEvaluation", Fault::DropConnection),
        ),
        (
            "createEvaluation stored, then dropped",
            once("createEvaluation", Fault::DropAfterStore),
        ),
        (
            "createEvaluation body truncated",
            once("createEvaluation", Fault::TruncatedBody),
        ),
        (
            "getEvaluation 503",
            once("getEvaluation", Fault::status(503)),
        ),
        (
            "getEvaluation dropped",
            once("getEvaluation", Fault::DropConnection),
        ),
        (
            "getEvaluation 429 x4 (a whole poll)",
            Some(
                FaultRule::new(Fault::status_retry_after(429, "0"))
                    .on("getEvaluation")
                    .calls(1..=4),
            ),
        ),
    ];
    let mut table = String::new();
    for (name, rule) in cases {
        table.push_str(&format!("{name}: {}\n", cost(rule).await));
    }
    insta::assert_snapshot!(table);
}
