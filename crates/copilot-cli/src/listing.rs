//! `sessions` and `plugins`: lists as columns, a JSON array, or NDJSON (Graph's own shapes).

use copilot_ergonomic::WorkspaceClient;
use copilot_ergonomic::types::{Plugin, Session};
use futures_util::{StreamExt as _, TryStreamExt as _};
use serde::Serialize;

use crate::cli::Output;
use crate::exit::{self, Failure};
use crate::output;

/// `seccopilot sessions [--top N]`.
pub(crate) async fn sessions(ws: &WorkspaceClient, top: u32, out: Output) -> Result<u8, Failure> {
    // `$top` sizes the pages; `take` stops after the first `top` sessions.
    let sessions: Vec<Session> = ws
        .sessions()
        .top(top as i32)
        .take(top as usize)
        .try_collect()
        .await?;
    print(
        &sessions,
        out,
        |rows, s: &Session| {
            rows.push(vec![
                s.id.clone().unwrap_or_default(),
                output::time(s.created_date_time),
                s.display_name.clone().unwrap_or_default(),
            ]);
        },
        ["ID", "CREATED", "NAME"],
    );
    Ok(exit::OK)
}

/// `seccopilot plugins`.
pub(crate) async fn plugins(ws: &WorkspaceClient, out: Output) -> Result<u8, Failure> {
    let plugins = ws.plugins().to_vec().await?;
    print(
        &plugins,
        out,
        |rows, p: &Plugin| {
            rows.push(vec![
                p.name.clone().unwrap_or_default(),
                match p.is_enabled {
                    Some(true) => "enabled".into(),
                    Some(false) => "disabled".into(),
                    None => "-".into(),
                },
                p.category
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                p.display_name.clone().unwrap_or_default(),
            ]);
        },
        ["NAME", "STATE", "CATEGORY", "DISPLAY NAME"],
    );
    Ok(exit::OK)
}

fn print<T: Serialize, const N: usize>(
    items: &[T],
    out: Output,
    row: impl Fn(&mut Vec<Vec<String>>, &T),
    header: [&str; N],
) {
    match out {
        Output::Text => {
            let mut rows = vec![header.iter().map(|h| h.to_string()).collect()];
            for item in items {
                row(&mut rows, item);
            }
            output::print_text(output::columns(&rows).trim_end());
        }
        Output::Json => output::print_json(&items),
        Output::Ndjson => {
            let mut text = String::new();
            for item in items {
                text.push_str(&serde_json::to_string(item).expect("records serialise"));
                text.push('\n');
            }
            if !text.is_empty() {
                output::print_text(&text);
            }
        }
    }
}
