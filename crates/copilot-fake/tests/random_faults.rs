//! Random faults: the same seed gives the same faults, explicit rules are consulted first, and
//! the config file and the binary's `--random-fault` flag say the same thing.

mod common;

use common::*;
use copilot_fake::{FakeConfig, FakeServer, Fault, FaultRule};
use serde_json::json;

/// The statuses of `n` `listWorkspaces` calls.
async fn statuses(server: &FakeServer, n: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(
            send(server, "GET", "/security/securityCopilot/workspaces", None)
                .await
                .status,
        );
    }
    out
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn the_same_seed_draws_the_same_faults() {
    let faults = || vec![(100, Fault::status(503)), (50, Fault::status(504))];
    let a = FakeServer::start_with(FakeConfig::new().random_faults(7, faults()))
        .await
        .unwrap();
    let b = FakeServer::start_with(FakeConfig::new().random_faults(7, faults()))
        .await
        .unwrap();
    let (first, second) = (statuses(&a, 200).await, statuses(&b, 200).await);
    assert_eq!(first, second, "seed 7 drew different faults on two servers");
    // splitmix64(7 + n) % 1000 for n in 0..200: these counts are the seed's, not a range.
    assert_eq!(
        (count(&first, 503), count(&first, 504), count(&first, 200)),
        (20, 11, 169),
        "seed 7 drew other faults than it always has: {first:?}"
    );
    let c = FakeServer::start_with(FakeConfig::new().random_faults(8, faults()))
        .await
        .unwrap();
    assert_ne!(
        statuses(&c, 200).await,
        first,
        "seed 8 drew what seed 7 did"
    );
}

#[tokio::test]
async fn no_fault_past_the_sum_and_every_fault_at_a_thousand() {
    let none =
        FakeServer::start_with(FakeConfig::new().random_faults(1, vec![(0, Fault::status(503))]))
            .await
            .unwrap();
    assert_eq!(
        count(&statuses(&none, 50).await, 200),
        50,
        "0 per mille injected a fault"
    );
    let all = FakeServer::start_with(
        FakeConfig::new().random_faults(1, vec![(1000, Fault::status_retry_after(429, "1"))]),
    )
    .await
    .unwrap();
    let replies = statuses(&all, 20).await;
    assert_eq!(
        count(&replies, 429),
        20,
        "1000 per mille missed a request: {replies:?}"
    );
}

#[tokio::test]
async fn explicit_rules_come_first_and_do_not_use_up_draws() {
    let random = || vec![(500, Fault::status(503))];
    let plain = FakeServer::start_with(FakeConfig::new().random_faults(3, random()))
        .await
        .unwrap();
    let with_rule = FakeServer::start_with(
        FakeConfig::new()
            .fault(
                FaultRule::new(Fault::status(418))
                    .on("listWorkspaces")
                    .calls(1..=3),
            )
            .random_faults(3, random()),
    )
    .await
    .unwrap();
    let expected = statuses(&plain, 40).await;
    let got = statuses(&with_rule, 43).await;
    assert_eq!(&got[..3], [418, 418, 418], "the explicit rule did not win");
    assert_eq!(
        got[3..],
        expected[..],
        "requests an explicit rule answered used up random draws"
    );
    assert!(count(&expected, 503) > 0 && count(&expected, 200) > 0);
}

#[tokio::test]
async fn undocumented_paths_draw_nothing() {
    let server = FakeServer::start_with(
        FakeConfig::new().random_faults(5, vec![(1000, Fault::status(503))]),
    )
    .await
    .unwrap();
    let r = send(&server, "GET", "/security/securityCopilot/nothing", None).await;
    assert_eq!(
        r.status, 404,
        "an unknown path got a random fault: {}",
        r.text
    );
}

#[test]
fn the_config_file_takes_random_faults_seeded_by_its_seed() {
    let config = FakeConfig::from_json(&json!({
        "seed": 7,
        "randomFaults": [{"perMille": 100, "fault": "503"}, {"perMille": 50, "fault": "504"}],
    }));
    assert!(config.is_ok(), "{:?}", config.err());
    for (bad, why) in [
        (
            json!({"randomFaults": [{"perMille": 1001, "fault": "503"}]}),
            "perMille",
        ),
        (
            json!({"randomFaults": [{"perMille": 1, "fault": "boom"}]}),
            "unknown kind",
        ),
        (json!({"randomFaults": [{"fault": "503"}]}), "perMille"),
        (json!({"randomFaults": "503"}), "must be an array"),
    ] {
        let err = FakeConfig::from_json(&bad).err().unwrap_or_default();
        assert!(
            err.contains(why),
            "{bad}: expected an error about {why}, got {err:?}"
        );
    }
}

#[tokio::test]
async fn the_config_file_draws_what_the_builder_draws() {
    let file = FakeConfig::from_json(&json!({
        "seed": 7,
        "randomFaults": [{"perMille": 100, "fault": "503"}, {"perMille": 50, "fault": "504"}],
    }))
    .unwrap();
    let built = FakeConfig::new()
        .deterministic(7)
        .random_faults(7, vec![(100, Fault::status(503)), (50, Fault::status(504))]);
    let a = FakeServer::start_with(file).await.unwrap();
    let b = FakeServer::start_with(built).await.unwrap();
    assert_eq!(statuses(&a, 100).await, statuses(&b, 100).await);
}

#[test]
fn fault_parse_reads_the_kind_part_of_a_rule() {
    assert_eq!(
        Fault::parse("429:1"),
        Ok(Fault::status_retry_after(429, "1"))
    );
    assert_eq!(Fault::parse("drop-after"), Ok(Fault::DropAfterStore));
    assert_eq!(
        Fault::parse("latency:300"),
        Ok(Fault::Latency(std::time::Duration::from_millis(300)))
    );
    assert!(Fault::parse("latency").is_err());
    assert!(Fault::parse("200").is_err());
}
