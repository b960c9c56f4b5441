//! `ask_many` under Graph-like throttling: requests sent against the minimum a run needs, the
//! 429s it drew, its wall time against the rate limit's lower bound, duplicate creates, and
//! peak resident memory at 1,000 and 10,000 questions.

use std::time::{Duration, Instant};

use copilot_ergonomic::Copilot;
use copilot_fake::{FakeConfig, FakeServer};
use futures_util::StreamExt as _;

use crate::{TOKEN, client};
use copilot_bench::rss;

/// Requests each question needs at least: create session, prompt and evaluation, and one poll
/// (the fake's evaluations run for 1 ms, so the first poll finds them completed).
const MINIMUM_PER_QUESTION: usize = 4;

async fn start(server: &tokio::runtime::Handle, config: FakeConfig) -> Result<FakeServer, String> {
    server
        .spawn(FakeServer::start_with(config.token(TOKEN)))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot start copilot-fake: {e}"))
}

/// Runs `questions` questions at `concurrency`; returns (succeeded, wall time).
async fn run(copilot: &Copilot, questions: usize, concurrency: usize) -> (usize, Duration) {
    let started = Instant::now();
    let mut run = copilot
        .workspace("default")
        .ask_many((0..questions).map(|i| format!("Summarise incident {i}")))
        .concurrency(concurrency);
    while run.next().await.is_some() {}
    (run.progress().succeeded, started.elapsed())
}

/// 1,000 questions (fewer with `quick`) at concurrency 32 against a fake limited to
/// `rate` requests per second.
pub(crate) async fn throttled(server: &tokio::runtime::Handle, quick: bool) -> Result<(), String> {
    // The rate limit, not polling, bounds these runs: 32 questions polling every 500 ms at most
    // need 4 requests a second each.
    let (questions, rate) = if quick { (500, 200) } else { (1_000, 100) };
    eprintln!("ask_many: {questions} questions, concurrency 32, {rate} requests/s");
    let fake = start(
        server,
        FakeConfig::new()
            .phases(Duration::ZERO, Duration::from_millis(1))
            .rate_limit(rate),
    )
    .await?;
    let copilot = client(&fake)?;
    let (succeeded, wall) = run(&copilot, questions, 32).await;
    // The journal keeps the last 10,000 requests: enough for these runs (about 4 a question).
    let sent = fake.take_requests().len();
    if sent >= 10_000 {
        return Err("the fake's journal overflowed: the request count would be short".into());
    }
    let (prompts, evaluations) = stored(&fake.dump());
    let throttled = fake
        .injected_faults()
        .get("rate-limit")
        .copied()
        .unwrap_or(0) as usize;
    let minimum = questions * MINIMUM_PER_QUESTION;
    let bound = minimum as f64 / f64::from(rate);
    println!(
        "ask-many-requests: {sent} requests for {succeeded}/{questions} answers (ratio {:.3} vs the minimum of {minimum})",
        sent as f64 / minimum as f64
    );
    println!("ask-many-429s: {throttled} throttled responses");
    println!(
        "ask-many-wall: {:.1} s (ratio {:.3} vs the rate limit's lower bound of {bound:.1} s)",
        wall.as_secs_f64(),
        wall.as_secs_f64() / bound
    );
    println!(
        "ask-many-duplicates: {} prompts and {} evaluations stored beyond one per question",
        prompts.saturating_sub(questions),
        evaluations.saturating_sub(questions)
    );
    Ok(())
}

/// Prompts and evaluations in a `FakeServer::dump`.
fn stored(dump: &serde_json::Value) -> (usize, usize) {
    let (mut prompts, mut evaluations) = (0, 0);
    let list = |v: &serde_json::Value, key: &str| v[key].as_array().cloned().unwrap_or_default();
    for workspace in list(dump, "workspaces") {
        for session in list(&workspace, "sessions") {
            for prompt in list(&session, "prompts") {
                prompts += 1;
                evaluations += list(&prompt, "evaluations").len();
            }
        }
    }
    (prompts, evaluations)
}

/// Peak resident memory of a run of 1,000 and of 10,000 questions (the fake keeps at most
/// 1,000 sessions, so its store stays the same size).
pub(crate) async fn memory(server: &tokio::runtime::Handle, quick: bool) -> Result<(), String> {
    let sizes = if quick { [500, 5_000] } else { [1_000, 10_000] };
    let mut peaks = Vec::new();
    for n in sizes {
        let fake = start(
            server,
            FakeConfig::new()
                .phases(Duration::ZERO, Duration::ZERO)
                .max_sessions(1_000),
        )
        .await?;
        let copilot = client(&fake)?;
        rss::reset_peak();
        let (succeeded, wall) = run(&copilot, n, 32).await;
        fake.take_requests();
        let (_, peak) = rss::read().ok_or("no /proc/self/status")?;
        eprintln!("ask_many: {succeeded}/{n} in {:.1} s", wall.as_secs_f64());
        peaks.push(peak as f64 / (1024.0 * 1024.0));
    }
    println!(
        "ask-many-peak-rss: {:.1} MiB at {} questions (ratio {:.3} vs {:.1} MiB at {})",
        peaks[1],
        sizes[1],
        peaks[1] / peaks[0],
        peaks[0],
        sizes[0]
    );
    Ok(())
}
