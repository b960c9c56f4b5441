//! The `seccopilot` binary against a copilot-fake on loopback: every command, each output
//! mode, every exit code (deadlines, Ctrl-C and resume are in `interrupt.rs`). Waits are on
//! observable state, never on time.

mod common;

use common::{WHO, bare, config, fake, file, run, run_with_stdin, seccopilot};
use copilot_fake::FaultRule;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_prints_the_answer_as_it_came() {
    let fake = fake(config()).await;
    let out = run(seccopilot(&fake), &["ask", "who am I"]).await;
    assert_eq!((out.code, out.stdout.as_str()), (0, WHO), "{out:#?}");
    assert!(!out.stderr.contains("error"), "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_as_json_carries_the_ids_and_request_ids() {
    let fake = fake(config()).await;
    let out = run(seccopilot(&fake), &["--output", "json", "ask", "who am I"]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let v = out.json();
    assert_eq!(v["outcome"], "success");
    assert_eq!(v["content"], WHO);
    for key in ["session_id", "prompt_id", "evaluation_id"] {
        assert!(v[key].as_str().is_some_and(|s| !s.is_empty()), "{key}: {v}");
    }
    assert_eq!(
        v["reference"],
        format!(
            "default/{}/{}/{}",
            v["session_id"].as_str().unwrap(),
            v["prompt_id"].as_str().unwrap(),
            v["evaluation_id"].as_str().unwrap()
        )
    );
    let ops: Vec<&str> = v["request_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        &ops[..3],
        ["createSession", "createPrompt", "createEvaluation"]
    );
    assert!(ops[3..].iter().all(|op| *op == "getEvaluation") && ops.len() > 3);
    let first = &v["request_ids"][0];
    assert!(first["request_id"].is_string() && first["client_request_id"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_as_ndjson_is_one_line_and_session_continues_it() {
    let fake = fake(config()).await;
    let out = run(
        seccopilot(&fake),
        &["--output", "ndjson", "ask", "who am I"],
    )
    .await;
    assert_eq!(out.code, 0, "{out:#?}");
    let lines = out.lines();
    assert_eq!(lines.len(), 1);
    let session = lines[0]["session_id"].as_str().unwrap().to_string();

    let out = run(
        seccopilot(&fake),
        &[
            "--output",
            "json",
            "ask",
            "and my roles?",
            "--session",
            &session,
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.json()["session_id"], session.as_str());
    let ops: Vec<String> = out.json()["request_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["operation"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ops[0], "createPrompt", "no new session: {ops:?}");

    let out = run(
        seccopilot(&fake),
        &["transcript", &session, "--format", "json"],
    )
    .await;
    assert_eq!(out.code, 0, "{out:#?}");
    let prompts = out.json()["prompts"].as_array().unwrap().clone();
    let asked: Vec<&str> = prompts
        .iter()
        .map(|p| p["content"].as_str().unwrap())
        .collect();
    assert_eq!(asked, ["who am I", "and my roles?"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcript_is_markdown_with_a_heading_per_prompt() {
    let fake = fake(config()).await;
    let first = run(seccopilot(&fake), &["--output", "json", "ask", "who am I"]).await;
    let session = first.json()["session_id"].as_str().unwrap().to_string();
    let second = run(seccopilot(&fake), &["ask", "say no", "--session", &session]).await;
    assert_eq!(second.code, 5, "{second:#?}");

    let out = run(seccopilot(&fake), &["transcript", &session]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let md = &out.stdout;
    assert!(md.starts_with("# who am I\n"), "{md}");
    let one = md.find("## 1. who am I").expect("first heading");
    let two = md.find("## 2. say no").expect("second heading");
    assert!(one < two, "{md}");
    assert!(md[one..two].contains("success") && md[one..two].contains(WHO.trim_end()));
    assert!(md[two..].contains("rejected"), "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_dropped_after_storing_are_found_not_repeated() {
    let fake = fake(
        config()
            .fault(FaultRule::parse("createPrompt:1:drop-after").unwrap())
            .fault(FaultRule::parse("createEvaluation:1:drop-after").unwrap()),
    )
    .await;
    let out = run(seccopilot(&fake), &["ask", "who am I"]).await;
    assert_eq!((out.code, out.stdout.as_str()), (0, WHO), "{out:#?}");
    let posts = |what: &str| {
        fake.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.target.ends_with(what))
            .count()
    };
    assert_eq!((posts("/prompts"), posts("/evaluations")), (1, 1));
    let read_back = fake.requests().iter().any(|r| {
        r.method == "GET"
            && r.target
                .split('?')
                .next()
                .is_some_and(|p| p.ends_with("/prompts"))
    });
    assert!(read_back, "the dropped createPrompt was read back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsuccessful_outcomes_exit_5_and_capacity_6() {
    let fake = fake(config()).await;
    let out = run(seccopilot(&fake), &["ask", "say no"]).await;
    assert_eq!(out.code, 5, "{out:#?}");
    assert!(out.stderr.contains("outcome rejected"), "{out:#?}");
    assert_eq!(out.stdout, "");

    let out = run(seccopilot(&fake), &["--output", "json", "ask", "too much"]).await;
    assert_eq!(out.code, 6, "{out:#?}");
    assert_eq!(out.json()["outcome"], "capacityExceeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_that_persists_exits_6() {
    let fake = fake(config().fault(FaultRule::parse("createSession:*:429:0").unwrap())).await;
    let out = run(seccopilot(&fake), &["ask", "who am I"]).await;
    assert_eq!(out.code, 6, "{out:#?}");
    assert!(out.stderr.contains("429"), "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_tokens_exit_4() {
    let fake = fake(config().fault(FaultRule::parse("listSessions:*:403").unwrap())).await;
    let out = run(seccopilot(&fake), &["sessions"]).await;
    assert_eq!(out.code, 4, "{out:#?}");
    assert!(out.stderr.contains("403") && out.stderr.contains("COPILOT_TOKEN"));

    let fake = common::fake(config().token("the-right-token")).await;
    let out = run(seccopilot(&fake), &["plugins"]).await;
    assert_eq!(out.code, 4, "{out:#?}");
    assert!(out.stderr.contains("401"), "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_exit_4_naming_the_three_ways() {
    let fake = fake(config()).await;
    let mut cmd = bare();
    cmd.env("COPILOT_BASE_URL", fake.base_url())
        .env("PATH", common::empty_dir());
    let out = run(cmd, &["ask", "who am I"]).await;
    assert_eq!(out.code, 4, "{out:#?}");
    for way in ["COPILOT_TOKEN", "az login", "--demo"] {
        assert!(out.stderr.contains(way), "{way}: {}", out.stderr);
    }
    assert!(
        fake.requests().is_empty(),
        "nothing was sent without a token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_answers_without_credentials_and_says_so() {
    let out = run(bare(), &["--demo", "ask", "who am I"]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("Demo User"), "{out:#?}");
    assert!(out.stderr.contains("demo"), "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_many_prints_ndjson_and_exits_with_the_worst_code() {
    let fake = fake(config()).await;
    let questions = file(
        "questions.txt",
        "who am I\n\n{\"question\": \"say no\", \"ticket\": 7}\nanything else\n",
    );
    let out = run(
        seccopilot(&fake),
        &[
            "ask-many",
            questions.to_str().unwrap(),
            "--concurrency",
            "2",
        ],
    )
    .await;
    assert_eq!(out.code, 5, "{out:#?}");
    let mut lines = out.lines();
    lines.sort_by_key(|l| l["index"].as_u64());
    let summary: Vec<(u64, &str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["index"].as_u64().unwrap(),
                l["question"].as_str().unwrap(),
                l["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (0, "who am I", "success"),
            (1, "say no", "rejected"),
            (2, "anything else", "success")
        ]
    );
    assert_eq!(lines[0]["content"], WHO);
    assert!(lines[0]["request_ids"].as_array().unwrap().len() > 3);

    let out = run_with_stdin(
        seccopilot(&fake),
        &["ask-many", "-"],
        "who am I\nwho am I\n",
    )
    .await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.lines().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_many_reports_errors_as_records() {
    let fake = fake(config().fault(FaultRule::parse("createSession:*:403").unwrap())).await;
    let out = run_with_stdin(seccopilot(&fake), &["ask-many"], "who am I\n").await;
    assert_eq!(out.code, 4, "{out:#?}");
    let line = &out.lines()[0];
    assert_eq!(line["index"], 0);
    assert_eq!(line["error"]["status"], 403);
    assert!(line["error"]["message"].as_str().unwrap().contains("403"));

    let out = run_with_stdin(seccopilot(&fake), &["ask-many"], "{\"q\": 1}\n").await;
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("line 1"), "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_listed_newest_first_in_each_mode() {
    let fake = fake(config()).await;
    for q in ["who am I", "anything else"] {
        assert_eq!(run(seccopilot(&fake), &["ask", q]).await.code, 0);
    }
    let out = run(seccopilot(&fake), &["sessions"]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let rows: Vec<&str> = out.stdout.lines().collect();
    assert!(
        rows[0].starts_with("ID") && rows[0].contains("NAME"),
        "{rows:?}"
    );
    assert!(rows[1].ends_with("anything else") && rows[2].ends_with("who am I"));

    let out = run(
        seccopilot(&fake),
        &["--output", "json", "sessions", "--top", "1"],
    )
    .await;
    let sessions = out.json();
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert_eq!(sessions[0]["displayName"], "anything else");

    let out = run(seccopilot(&fake), &["--output", "ndjson", "sessions"]).await;
    let names: Vec<String> = out
        .lines()
        .iter()
        .map(|s| s["displayName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["anything else", "who am I"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugins_are_listed_in_each_mode() {
    let fake = fake(config()).await;
    let out = run(seccopilot(&fake), &["plugins"]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("Entra") && l.contains("enabled"))
    );
    let out = run(seccopilot(&fake), &["--output", "json", "plugins"]).await;
    assert_eq!(out.json().as_array().unwrap().len(), 3);
    let out = run(seccopilot(&fake), &["--output", "ndjson", "plugins"]).await;
    assert_eq!(out.lines()[0]["name"], "Entra");
}

const BOOK: &str = r#"{
  "name": "Investigate a user",
  "description": "Who the user is and what they signed in to",
  "visibility": "tenant",
  "tags": ["identity"],
  "prompts": [
    {"promptType": "Prompt", "content": "Who is <user>?"},
    {"promptType": "Prompt", "content": "Sign-ins of <user> in the last <days> days"}
  ],
  "promptbookinputs": [
    {"name": "user", "description": "The user's UPN"},
    {"name": "days", "description": "How far back"}
  ]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_book_asks_the_filled_prompts_in_one_session() {
    let fake = fake(config()).await;
    let book = file("book.json", BOOK);
    let book = book.to_str().unwrap();
    let args = [
        "run-book",
        book,
        "--var",
        "user=ada@contoso.com",
        "--var",
        "days=7",
    ];
    let out = run(seccopilot(&fake), &args).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let one = out
        .stdout
        .find("## 1/2. Who is ada@contoso.com?")
        .expect("step 1");
    let two = out
        .stdout
        .find("## 2/2. Sign-ins of ada@contoso.com in the last 7 days")
        .expect("step 2");
    assert!(one < two);

    let mut json_args = vec!["--output", "json"];
    json_args.extend(args);
    let out = run(seccopilot(&fake), &json_args).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let v = out.json();
    assert_eq!(v["name"], "Investigate a user");
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert!(steps.iter().all(|s| s["session_id"] == v["session_id"]));
    assert_eq!(
        steps[1]["question"],
        "Sign-ins of ada@contoso.com in the last 7 days"
    );

    let mut ndjson_args = vec!["--output", "ndjson"];
    ndjson_args.extend(args);
    let out = run(seccopilot(&fake), &ndjson_args).await;
    assert_eq!(out.lines().len(), 2, "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_book_names_a_missing_variable_and_exits_2() {
    let fake = fake(config()).await;
    let book = file("book.json", BOOK);
    let out = run(
        seccopilot(&fake),
        &["run-book", book.to_str().unwrap(), "--var", "user=ada"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("<days> (How far back)"), "{out:#?}");
    assert!(fake.requests().is_empty(), "nothing asked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_book_stops_at_the_first_unsuccessful_prompt() {
    let fake = fake(config()).await;
    let book = file(
        "stop.json",
        r#"{"name": "b", "prompts": [{"promptType": "Prompt", "content": "say no"},
            {"promptType": "Prompt", "content": "who am I"}]}"#,
    );
    let out = run(
        seccopilot(&fake),
        &["--output", "ndjson", "run-book", book.to_str().unwrap()],
    )
    .await;
    assert_eq!(out.code, 5, "{out:#?}");
    assert_eq!(out.lines().len(), 1);
    assert!(out.stderr.contains("stops here"), "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2() {
    let fake = fake(config()).await;
    for args in [
        &["frobnicate"][..],
        &["resume", "not-a-reference"],
        &["--output", "yaml", "plugins"],
        &["--deadline", "-1", "ask", "x"],
        &["ask"],
    ] {
        let out = run(seccopilot(&fake), args).await;
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert_eq!(out.stdout, "");
    }
    assert!(fake.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workspace_comes_from_the_environment_or_the_flag() {
    let fake = fake(config().workspace("w2", Some("Second"))).await;
    let mut cmd = seccopilot(&fake);
    cmd.env("COPILOT_WORKSPACE", "w2");
    let out = run(cmd, &["--output", "json", "ask", "who am I"]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.json()["reference"].as_str().unwrap().starts_with("w2/"));
    let out = run(seccopilot(&fake), &["--workspace", "nope", "plugins"]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("404"), "{out:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_errors_exit_1() {
    let fake = fake(config()).await;
    let out = run(seccopilot(&fake), &["transcript", "no-such-session"]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("404"), "{out:#?}");
}
