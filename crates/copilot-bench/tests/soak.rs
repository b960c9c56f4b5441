//! The fault soak's short version, in the test command: a few seconds of concurrent
//! conversations against a fake injecting random faults; nothing lost, nothing asked twice.

use std::time::Duration;

use copilot_bench::soak::{self, SoakPlan};
use copilot_ergonomic::{Copilot, RetryPolicy};
use copilot_fake::FakeServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_soak_loses_nothing_and_pays_nothing_twice() {
    let server = FakeServer::start_with(soak::fake_config(11).token("soak"))
        .await
        .unwrap();
    let copilot = Copilot::builder()
        .base_url(server.base_url())
        .bearer_token("soak")
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(20)))
        .build()
        .unwrap();
    let plan = SoakPlan {
        conversations: 16,
        questions_per_conversation: 3,
        duration: Duration::from_secs(3),
        sample_every: Duration::from_millis(500),
    };
    let report = soak::run(&copilot, &plan).await;
    // Memory flatness needs minutes; the short version checks everything else.
    let problems = report.problems(usize::MAX);
    assert!(
        problems.is_empty(),
        "{problems:?}\n{}\nerrors seen: {:#?}\nfaults: {:?}",
        report.lines().join("\n"),
        report.errors,
        server.injected_faults()
    );
    let faults = server.injected_faults();
    eprintln!("{}\nfaults: {faults:?}", report.lines().join("\n"));
    assert!(
        faults.values().sum::<u64>() > 0,
        "the soak ran without a single fault: {faults:?}"
    );
    assert!(report.conversations > 0);
}
