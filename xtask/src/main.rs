//! `cargo xtask`: the workspace's own tasks (code generation and its checks).
//!
//! Run bare `cargo xtask` for the list. Every task is plain Rust so that it runs the same on
//! every machine with the project's stable toolchain.

mod api_diff;
mod artifacts;
mod bench;
mod cli;
mod docs_check;
mod edm_type;
mod findings;
mod generate;
mod git;
mod metadata_check;
mod soak;
mod spec;
mod spec_view;
mod stress;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  generate [--check] [--since REV] [-v|--verbose]
      Regenerate crates/copilot-api/src/generated.rs and catalogue.rs from openapi/copilot.yaml
      (laid out by prettyplease; no rustfmt runs), then print the breaking/additive summary of
      the generated surface since REV.
      --check       regenerate in memory and fail with a diff if a checked-in file differs
      --since REV   the git revision the summary compares with (default HEAD; e.g. origin/main)
      -v            print the whole diff (default: the first 200 lines)
  docs-check <DOCS_DIR> [--format text|json] [--spec PATH]
      Compare Microsoft Graph docs pages (api-reference/beta/{api,resources}) of the Security
      Copilot namespace with the spec and list what the spec must change.
      Exit 0: they agree; 1: drift found; 2: unreadable input (file and line named).
  metadata-check <FILE> [--format text|json] [--spec PATH]
      Compare Graph's $metadata (EDMX/CSDL, streamed; download it with
      `curl -o metadata.xml https://graph.microsoft.com/beta/\\$metadata`) with the spec: types,
      properties, nullability, base types, keys, enum members, contained navigations.
      Exit 0: they agree; 1: drift found; 2: unreadable input (file and line named).
  bench [--quick] [--with-peers]
      Benchmarks (BENCHMARKS.md): call overhead, paging, ask latency, TLS handshakes by
      provider, regeneration and footprint (clean release builds of the one-call programs in
      bench/footprint/), each with its ratio against a baseline run in the same session.
      --quick        fewer rounds; reuses footprint builds that exist
      --with-peers   adds graph-rs-sdk's quoted reference figures
  stress [--runs N] [--filter SUBSTR]
      Build every test binary of the workspace and run each N times (default 20) with one
      busy-loop thread per core; print runs, failures and median wall time per binary, and
      the tail of each failing run's output. Exit 1 if any run failed.
      --filter  only binaries whose source path or name contains SUBSTR
  soak [--minutes N] [--conversations N] [--seed N]
      The fault soak (RELIABILITY.md), release build: N minutes (default 10) of 64 concurrent
      conversations against copilot-fake with random 429/503/504, dropped connections before
      and after storing, and latency spikes. Prints questions, answered, resumed, duplicates,
      faults by kind and RSS first/last/peak; exit 1 if anything was lost, asked twice, or
      memory grew by more than 10 % after the warm-up.
  api-diff [--base REV]
      What the working tree changes in the public API (src/ and Cargo.toml's [features]) of
      copilot-ergonomic and copilot-fake against REV (default HEAD): per crate, a heading, then
      one `breaking  ...` or `additive  ...` line per change, or `no change to
      copilot-ergonomic's public API`. Exit 0 either way; 2 if git or a source file fails.
  help
      Print this list.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    };
    let result = match task.as_str() {
        "generate" => generate::run(rest),
        "docs-check" => return docs_check::run(rest),
        "metadata-check" => return metadata_check::run(rest),
        "bench" => bench::run(rest),
        "stress" => stress::run(rest),
        "soak" => soak::run(rest),
        "api-diff" => return api_diff::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
