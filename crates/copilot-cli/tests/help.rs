//! Snapshots of `seccopilot --help` and each subcommand's help (clap without `wrap_help`, so
//! the text does not depend on the terminal width).

mod common;

#[tokio::test]
async fn help_of_every_command() {
    let commands: [(&str, &[&str]); 8] = [
        ("seccopilot", &["--help"]),
        ("ask", &["ask", "--help"]),
        ("ask_many", &["ask-many", "--help"]),
        ("resume", &["resume", "--help"]),
        ("sessions", &["sessions", "--help"]),
        ("transcript", &["transcript", "--help"]),
        ("run_book", &["run-book", "--help"]),
        ("plugins", &["plugins", "--help"]),
    ];
    for (name, args) in commands {
        let out = common::run(common::bare(), args).await;
        assert_eq!(out.code, 0, "{name}: {out:#?}");
        insta::assert_snapshot!(name, out.stdout);
    }
}
