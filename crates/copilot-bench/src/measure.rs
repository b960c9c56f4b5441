//! The three in-process figures: call overhead, paging (time and peak memory) and ask latency.

use std::time::{Duration, Instant};

use copilot_ergonomic::Copilot;
use copilot_ergonomic::types::{Evaluation, Session, SessionCollectionResponse};
use copilot_fake::FakeServer;
use futures_util::StreamExt as _;

use copilot_bench::rss;

use crate::{Plan, TOKEN};

pub(crate) struct Bench<'a> {
    pub plan: &'a Plan,
    pub server: &'a FakeServer,
    pub copilot: &'a Copilot,
    pub raw: &'a reqwest::Client,
}

/// The median of `values` (the mean of the middle two for an even count).
pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Prints one figure in the agreed format.
pub(crate) fn report(name: &str, value: f64, unit: &str, baseline: f64, baseline_name: &str) {
    println!(
        "{name}: {value:.precision$} {unit} (ratio {:.3} vs {baseline_name} at {baseline:.precision$} {unit})",
        value / baseline,
        precision = if value < 10.0 { 2 } else { 1 }
    );
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Bench<'_> {
    fn workspace_url(&self) -> String {
        format!(
            "{}/security/securityCopilot/workspaces/default",
            self.server.base_url()
        )
    }

    /// The baseline's GET: reqwest with the bearer token, the body read whole and decoded.
    async fn raw_get<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, String> {
        let response = self
            .raw
            .get(url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .map_err(err)?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        let body = response.bytes().await.map_err(err)?;
        serde_json::from_slice(&body).map_err(err)
    }

    /// A new session named `name`: its handle and its URL, for the two sides of a call loop.
    async fn call_target(
        &self,
        name: &str,
    ) -> Result<(copilot_ergonomic::SessionClient, String), String> {
        let workspace = self.copilot.workspace("default");
        let created = workspace.create_session(name).await.map_err(err)?;
        let session = workspace.session_of(&created).map_err(err)?;
        let url = format!("{}/sessions/{}", self.workspace_url(), session.id());
        Ok((session, url))
    }

    /// N getSession calls through copilot-ergonomic vs a reqwest + serde_json loop.
    pub(crate) async fn call_overhead(&self) -> Result<(), String> {
        let (session, url) = self.call_target("overhead").await?;
        let raw_call = || self.raw_get::<Session>(&url);
        for _ in 0..200 {
            raw_call().await?;
            session.get().await.map_err(err)?;
        }
        let (mut ours, mut raw) = (Vec::new(), Vec::new());
        for run in 0..self.plan.runs {
            eprintln!("call overhead: run {}/{}", run + 1, self.plan.runs);
            let started = Instant::now();
            for _ in 0..self.plan.calls {
                std::hint::black_box(raw_call().await?);
            }
            raw.push(started.elapsed().as_secs_f64() * 1e6 / self.plan.calls as f64);
            let started = Instant::now();
            for _ in 0..self.plan.calls {
                std::hint::black_box(session.get().await.map_err(err)?);
            }
            ours.push(started.elapsed().as_secs_f64() * 1e6 / self.plan.calls as f64);
        }
        report(
            "call-overhead",
            median(ours),
            "µs/call",
            median(raw),
            "raw reqwest loop",
        );
        Ok(())
    }

    /// 100,000 getSession calls of one side only, for a profiler.
    pub(crate) async fn profile(&self, side: &str) -> Result<(), String> {
        let (session, url) = self.call_target("profile").await?;
        let started = Instant::now();
        let calls: usize = std::env::var("PROFILE_CALLS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(100_000);
        for _ in 0..calls {
            match side {
                "raw" => drop(std::hint::black_box(self.raw_get::<Session>(&url).await?)),
                _ => drop(std::hint::black_box(session.get().await.map_err(err)?)),
            }
        }
        eprintln!(
            "{side}: {:.1} µs/call",
            started.elapsed().as_secs_f64() * 1e6 / calls as f64
        );
        Ok(())
    }

    /// Streams every session (1,000 pages of 100) vs a loop following `@odata.nextLink`.
    pub(crate) async fn paging(&self) -> Result<(), String> {
        self.seed_sessions().await?;
        let first = format!("{}/sessions?$top={}", self.workspace_url(), self.plan.page);
        let raw_walk = || async {
            let mut next = Some(first.clone());
            let mut count = 0usize;
            while let Some(url) = next {
                let page: SessionCollectionResponse = self.raw_get(&url).await?;
                count += page.value.len();
                next = page.odata_next_link;
            }
            Ok::<_, String>(count)
        };
        let ours_walk = || async {
            let mut stream = self
                .copilot
                .workspace("default")
                .sessions()
                .top(self.plan.page);
            let mut count = 0usize;
            while let Some(session) = stream.next().await {
                std::hint::black_box(session.map_err(err)?);
                count += 1;
            }
            Ok::<_, String>(count)
        };
        let (mut ours, mut raw, mut ours_rss, mut raw_rss) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for run in 0..self.plan.runs {
            eprintln!("paging: run {}/{}", run + 1, self.plan.runs);
            let (seconds, growth, count) = measured(raw_walk()).await?;
            check_count(count, self.plan.sessions)?;
            raw.push(seconds);
            raw_rss.push(growth);
            let (seconds, growth, count) = measured(ours_walk()).await?;
            check_count(count, self.plan.sessions)?;
            ours.push(seconds);
            ours_rss.push(growth);
        }
        report(
            "paging",
            median(ours) * 1e3,
            "ms/100k sessions",
            median(raw) * 1e3,
            "raw reqwest loop",
        );
        report(
            "paging-peak-rss-growth",
            median(ours_rss),
            "MiB",
            median(raw_rss),
            "raw reqwest loop",
        );
        Ok(())
    }

    async fn seed_sessions(&self) -> Result<(), String> {
        eprintln!("paging: creating {} sessions", self.plan.sessions);
        let url = format!("{}/sessions", self.workspace_url());
        let existing = 1; // the call-overhead session
        let workers = 16;
        let per_worker = (self.plan.sessions - existing).div_ceil(workers);
        let mut remaining = self.plan.sessions - existing;
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let n = per_worker.min(remaining);
            remaining -= n;
            let (raw, url) = (self.raw.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0..n {
                    let response = raw
                        .post(&url)
                        .bearer_auth(TOKEN)
                        .json(&serde_json::json!({"displayName": format!("session {i}")}))
                        .send()
                        .await
                        .map_err(err)?;
                    if response.status().as_u16() != 201 {
                        return Err(format!("seeding: HTTP {}", response.status()));
                    }
                }
                Ok::<_, String>(())
            }));
        }
        for task in tasks {
            task.await.map_err(err)??;
        }
        Ok(())
    }

    /// `ask()` on an evaluation that completes `ask_after` after creation: how long after the
    /// completion the answer is in hand, and how many polls it took, vs a reqwest loop polling
    /// every 100 ms. All flows run at once.
    pub(crate) async fn ask_latency(&self) -> Result<(), String> {
        let asks = self.plan.asks;
        eprintln!(
            "ask latency: {asks} asks and {asks} fixed-interval pollers, T = {} ms",
            self.plan.ask_after.as_millis()
        );
        self.server.take_requests();
        let ours = (0..asks).map(|i| async move {
            let answer = self
                .copilot
                .workspace("default")
                .ask(&format!("bench question {i}"))
                .await
                .map_err(err)?;
            let late = late_by(answer.evaluation())?;
            let id = answer.evaluation().id.clone().ok_or("no id")?;
            Ok::<_, String>((late, id))
        });
        let baseline = (0..asks).map(|i| self.fixed_poller(i));
        let (ours, baseline) = tokio::join!(
            futures_util::future::join_all(ours),
            futures_util::future::join_all(baseline)
        );
        let requests = self.server.take_requests();
        let polls = |id: &str| {
            requests
                .iter()
                .filter(|r| r.method == "GET" && r.target.contains(&format!("/evaluations/{id}")))
                .count() as f64
        };
        let (mut late, mut ours_polls) = (Vec::new(), Vec::new());
        for result in ours {
            let (lateness, id) = result?;
            late.push(lateness);
            ours_polls.push(polls(&id));
        }
        let (mut base_late, mut base_polls) = (Vec::new(), Vec::new());
        for result in baseline {
            let (lateness, count) = result?;
            base_late.push(lateness);
            base_polls.push(count);
        }
        report(
            "ask-latency",
            median(late),
            "ms after completion",
            median(base_late),
            "a 100 ms fixed-interval poller",
        );
        report(
            "ask-polls",
            median(ours_polls),
            "polls",
            median(base_polls),
            "a 100 ms fixed-interval poller",
        );
        Ok(())
    }

    /// Creates a session, prompt and evaluation, then polls with reqwest every 100 ms.
    async fn fixed_poller(&self, i: usize) -> Result<(f64, f64), String> {
        let session = self
            .copilot
            .workspace("default")
            .create_session(format!("poller {i}"))
            .await
            .map_err(err)?;
        let session = self
            .copilot
            .workspace("default")
            .session(session.id.ok_or("no id")?);
        let prompt = session
            .create_prompt(format!("poller question {i}"))
            .await
            .map_err(err)?;
        let prompt_id = prompt.id.ok_or("no id")?;
        let evaluation = session
            .prompt(prompt_id.clone())
            .create_evaluation()
            .await
            .map_err(err)?;
        let url = format!(
            "{}/sessions/{}/prompts/{prompt_id}/evaluations/{}",
            self.workspace_url(),
            session.id(),
            evaluation.id.ok_or("no id")?
        );
        let mut polls = 0.0;
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            polls += 1.0;
            let evaluation: Evaluation = self.raw_get(&url).await?;
            if evaluation.state.as_ref().map(|s| s.to_string()).as_deref() == Some("completed") {
                return Ok((late_by(&evaluation)?, polls));
            }
        }
    }
}

/// Milliseconds between the evaluation's completion and now.
fn late_by(evaluation: &Evaluation) -> Result<f64, String> {
    use chrono::Datelike as _;
    let completed = (evaluation.completed_date_time)
        .filter(|t| t.year() > 1)
        .ok_or("the evaluation has no completion time")?;
    let now = std::time::SystemTime::now();
    let completed: std::time::SystemTime = completed.into();
    Ok(now
        .duration_since(completed)
        .unwrap_or_default()
        .as_secs_f64()
        * 1e3)
}

fn check_count(count: usize, expected: usize) -> Result<(), String> {
    if count == expected {
        Ok(())
    } else {
        Err(format!("paging saw {count} sessions, expected {expected}"))
    }
}

/// Runs `walk`, returning seconds, peak RSS growth in MiB and its result.
async fn measured<F: std::future::Future<Output = Result<usize, String>>>(
    walk: F,
) -> Result<(f64, f64, usize), String> {
    rss::reset_peak();
    let before = rss::read().map_or(0, |(current, _)| current);
    let started = Instant::now();
    let count = walk.await?;
    let seconds = started.elapsed().as_secs_f64();
    let peak = rss::read().map_or(0, |(_, peak)| peak);
    Ok((
        seconds,
        peak.saturating_sub(before) as f64 / (1024.0 * 1024.0),
        count,
    ))
}
