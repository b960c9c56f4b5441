//! Waits that outlive the command: `--deadline` (exit 7) and Ctrl-C (exit 130) print the
//! references to resume, and `seccopilot resume REF` gets the answers without asking again.
//! The fake's clock stands still until a test moves it; waits are on observable state.

mod common;

use std::time::Duration;

use common::{WHO, an_hour, config, fake, frozen, resume_ref, run, seccopilot};
use copilot_fake::FakeServer;

/// Sends SIGINT, as a terminal's Ctrl-C does, through kill(1) (the workspace forbids unsafe code).
fn ctrl_c(child: &tokio::process::Child) {
    let pid = child.id().expect("pid").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("run kill(1)");
    assert!(sent.success(), "kill -INT {pid} failed: {sent}");
}

/// Waits until `n` evaluations are being polled (then their references are known), checking
/// that the child is still running.
async fn until_polled(fake: &FakeServer, child: &mut tokio::process::Child, n: usize) {
    loop {
        let mut polled: Vec<String> = fake
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.target.contains("/evaluations/"))
            .map(|r| r.target.clone())
            .collect();
        polled.sort();
        polled.dedup();
        if polled.len() >= n {
            return;
        }
        assert!(
            child.try_wait().expect("try_wait").is_none(),
            "seccopilot exited before polling {n} evaluations"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passed_deadline_exits_7_and_resume_gets_the_answer() {
    let clock = frozen();
    let fake = fake(config().clock(clock.clone())).await;
    let out = run(seccopilot(&fake), &["--deadline", "0.2", "ask", "who am I"]).await;
    assert_eq!(out.code, 7, "{out:#?}");
    assert_eq!(out.stdout, "");
    let reference = resume_ref(&out.stderr);

    clock.advance(an_hour());
    let out = run(seccopilot(&fake), &["resume", &reference]).await;
    assert_eq!((out.code, out.stdout.as_str()), (0, WHO), "{out:#?}");
    let out = run(
        seccopilot(&fake),
        &["--output", "json", "resume", &reference],
    )
    .await;
    assert_eq!(out.json()["reference"], reference.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_exits_130_with_the_reference_and_resume_works() {
    let clock = frozen();
    let fake = fake(config().clock(clock.clone())).await;
    let mut cmd = seccopilot(&fake);
    let mut child = cmd.args(["ask", "who am I"]).spawn().expect("spawn");
    until_polled(&fake, &mut child, 1).await;
    ctrl_c(&child);
    let out = common::finish(child.wait_with_output().await.expect("wait"));
    assert_eq!(out.code, 130, "{out:#?}");
    assert_eq!(out.stdout, "", "nothing on stdout");
    assert!(out.stderr.contains("may still finish"), "{out:#?}");
    let reference = resume_ref(&out.stderr);

    clock.advance(an_hour());
    let out = run(seccopilot(&fake), &["resume", &reference]).await;
    assert_eq!((out.code, out.stdout.as_str()), (0, WHO), "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_ask_many_prints_every_reference_and_each_resumes() {
    let clock = frozen();
    let fake = fake(config().clock(clock.clone())).await;
    let mut cmd = seccopilot(&fake);
    cmd.args(["ask-many", "--concurrency", "3"])
        .stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    {
        use tokio::io::AsyncWriteExt as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(b"who am I\nwho am I\nwho am I\n")
            .await
            .expect("write the questions");
    }
    until_polled(&fake, &mut child, 3).await;
    ctrl_c(&child);
    let out = common::finish(child.wait_with_output().await.expect("wait"));
    assert_eq!(out.code, 130, "{out:#?}");
    let references: Vec<String> = out
        .stderr
        .lines()
        .filter_map(|l| l.split("seccopilot resume ").nth(1))
        .map(|r| r.trim().to_string())
        .collect();
    assert_eq!(
        references.len(),
        3,
        "one resume line per evaluation: {out:#?}"
    );
    assert!(
        !out.stderr.contains("more questions"),
        "all three were known: {out:#?}"
    );

    clock.advance(an_hour());
    for reference in &references {
        let out = run(seccopilot(&fake), &["resume", reference]).await;
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, WHO),
            "{reference}: {out:#?}"
        );
    }
    let evaluations = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.target.ends_with("/evaluations"))
        .count();
    assert_eq!(evaluations, 3, "resume asked nothing again");
}
