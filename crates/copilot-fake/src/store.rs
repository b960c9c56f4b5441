//! The in-memory state: workspaces, sessions, prompts, evaluations, their JSON as Graph renders
//! it (nulls included, seven-digit timestamps, no `@odata.type` on most entities), the
//! properties each kind has for OData options, and the whole store as one value ([`dump`]).

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::clock::{NOT_YET, graph_time};
use crate::config::{Phases, PluginEntry, Script};
use crate::odata::{EntityKind, FilterOp};

// What each entity's JSON has, and what `$filter` may test on it (`$select` and `$orderby`
// accept the properties).
pub(crate) const WORKSPACE: EntityKind = EntityKind {
    properties: &["id", "displayName"],
    filterable: &[],
};
pub(crate) const PLUGIN: EntityKind = EntityKind {
    properties: &[
        "name",
        "displayName",
        "description",
        "category",
        "catalogScope",
        "previewState",
        "isEnabled",
        "authorization",
        "settings",
        "supportedAuthTypes",
    ],
    filterable: &[
        ("displayName", &[FilterOp::Eq]),
        ("isEnabled", &[FilterOp::Eq]),
        ("name", &[FilterOp::Eq, FilterOp::Contains]),
    ],
};
pub(crate) const SESSION: EntityKind = EntityKind {
    properties: &[
        "id",
        "createdDateTime",
        "lastModifiedDateTime",
        "displayName",
    ],
    filterable: &[],
};
pub(crate) const PROMPT: EntityKind = EntityKind {
    properties: &[
        "id",
        "type",
        "createdDateTime",
        "lastModifiedDateTime",
        "skillName",
        "content",
        "inputs",
        "skillInputDescriptors",
    ],
    filterable: &[],
};
pub(crate) const EVALUATION: EntityKind = EntityKind {
    properties: &[
        "id",
        "createdDateTime",
        "runStartDateTime",
        "completedDateTime",
        "lastModifiedDateTime",
        "state",
        "executionCount",
        "isCancelled",
        "result",
    ],
    filterable: &[],
};

/// Everything the server stores.
#[derive(Debug, Default)]
pub(crate) struct Store {
    workspaces: Vec<Workspace>,
}

#[derive(Debug)]
pub(crate) struct Workspace {
    pub id: String,
    pub display_name: Option<String>,
    /// In creation order; listed newest first.
    pub sessions: Vec<Session>,
    index: HashMap<String, usize>,
}

#[derive(Debug)]
pub(crate) struct Session {
    pub id: String,
    pub display_name: Option<String>,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub prompts: Vec<Prompt>,
}

#[derive(Debug)]
pub(crate) struct Prompt {
    pub id: String,
    pub kind: String,
    pub content: Option<String>,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub evaluations: Vec<Evaluation>,
}

#[derive(Debug)]
pub(crate) struct Evaluation {
    pub id: String,
    pub created: DateTime<Utc>,
    pub script: Script,
    pub phases: Phases,
}

impl Store {
    pub(crate) fn new(workspaces: &[(String, Option<String>)]) -> Self {
        Self {
            workspaces: workspaces
                .iter()
                .map(|(id, name)| Workspace {
                    id: id.clone(),
                    display_name: name.clone(),
                    sessions: Vec::new(),
                    index: HashMap::new(),
                })
                .collect(),
        }
    }

    pub(crate) fn workspaces(&self) -> &[Workspace] {
        &self.workspaces
    }

    pub(crate) fn workspace(&self, id: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    pub(crate) fn workspace_mut(&mut self, id: &str) -> Option<&mut Workspace> {
        self.workspaces.iter_mut().find(|w| w.id == id)
    }
}

impl Workspace {
    pub(crate) fn session(&self, id: &str) -> Option<&Session> {
        self.index.get(id).and_then(|&i| self.sessions.get(i))
    }

    pub(crate) fn session_mut(&mut self, id: &str) -> Option<&mut Session> {
        let i = *self.index.get(id)?;
        self.sessions.get_mut(i)
    }

    /// Forgets the oldest sessions until at most `keep` remain (`FakeConfig::max_sessions`).
    pub(crate) fn forget_oldest_sessions(&mut self, keep: usize) {
        if self.sessions.len() <= keep {
            return;
        }
        let forget = self.sessions.len() - keep;
        self.sessions.drain(..forget);
        self.index = self
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
    }

    pub(crate) fn add_session(&mut self, session: Session) -> &Session {
        let i = self.sessions.len();
        self.index.insert(session.id.clone(), i);
        self.sessions.push(session);
        &self.sessions[i]
    }

    /// Sessions newest first, as the service lists them.
    pub(crate) fn sessions_newest_first(&self) -> impl ExactSizeIterator<Item = &Session> {
        self.sessions.iter().rev()
    }
}

impl Session {
    pub(crate) fn prompt(&self, id: &str) -> Option<&Prompt> {
        self.prompts.iter().find(|p| p.id == id)
    }

    pub(crate) fn prompt_mut(&mut self, id: &str) -> Option<&mut Prompt> {
        self.prompts.iter_mut().find(|p| p.id == id)
    }
}

impl Prompt {
    pub(crate) fn evaluation(&self, id: &str) -> Option<&Evaluation> {
        self.evaluations.iter().find(|e| e.id == id)
    }
}

pub(crate) fn workspace_json(w: &Workspace) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.security.securityCopilot.workspace",
        "id": w.id,
        "displayName": w.display_name,
    })
}

pub(crate) fn plugin_json(p: &PluginEntry) -> Value {
    json!({
        "name": p.name,
        "displayName": p.display_name,
        "description": p.description,
        "category": p.category,
        "catalogScope": p.catalog_scope,
        "previewState": p.preview_state,
        "isEnabled": p.is_enabled,
        "authorization": null,
        "settings": [],
    })
}

pub(crate) fn session_json(s: &Session) -> Value {
    json!({
        "id": s.id,
        "createdDateTime": graph_time(s.created),
        "lastModifiedDateTime": graph_time(s.modified),
        "displayName": s.display_name,
    })
}

pub(crate) fn prompt_json(p: &Prompt) -> Value {
    json!({
        "id": p.id,
        "type": p.kind,
        "createdDateTime": graph_time(p.created),
        "lastModifiedDateTime": graph_time(p.modified),
        "skillName": null,
        "content": p.content,
        "inputs": {"keyValuePairs": []},
        "skillInputDescriptors": [],
    })
}

/// Everything stored, nested as `{"workspaces": [{…, "sessions": [{…, "prompts": [{…,
/// "evaluations": [{…}]}]}]}]}`, each entity as the API shows it as of `now` (sessions newest
/// first, as listed; prompts and evaluations in creation order).
pub(crate) fn dump(store: &Store, now: DateTime<Utc>) -> Value {
    let workspaces: Vec<Value> = store
        .workspaces()
        .iter()
        .map(|w| {
            let sessions: Vec<Value> = w
                .sessions_newest_first()
                .map(|s| {
                    let prompts = s.prompts.iter().map(|p| {
                        let evaluations = p.evaluations.iter().map(|e| evaluation_json(e, now));
                        with_children(prompt_json(p), "evaluations", evaluations)
                    });
                    with_children(session_json(s), "prompts", prompts)
                })
                .collect();
            with_children(workspace_json(w), "sessions", sessions)
        })
        .collect();
    json!({ "workspaces": workspaces })
}

fn with_children(
    mut entity: Value,
    name: &str,
    children: impl IntoIterator<Item = Value>,
) -> Value {
    if let Value::Object(map) = &mut entity {
        map.insert(
            name.to_string(),
            Value::Array(children.into_iter().collect()),
        );
    }
    entity
}

fn after(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t + TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX / 2)
}

/// The evaluation as of `now`: `created` → `running` → `completed`, as its phases say.
pub(crate) fn evaluation_json(e: &Evaluation, now: DateTime<Utc>) -> Value {
    let run_start = after(e.created, e.phases.created_for);
    let completed = after(run_start, e.phases.running_for);
    let (state, run_start_text, completed_text, modified, result) = if now < run_start {
        (
            "created",
            NOT_YET.to_string(),
            NOT_YET.to_string(),
            e.created,
            Value::Null,
        )
    } else if now < completed {
        let result = json!({"content": null, "type": "unknown", "previewState": "ga"});
        (
            "running",
            graph_time(run_start),
            NOT_YET.to_string(),
            run_start,
            result,
        )
    } else {
        let result = json!({
            "content": e.script.answer,
            "type": e.script.outcome,
            "previewState": e.script.preview_state,
        });
        (
            "completed",
            graph_time(run_start),
            graph_time(completed),
            completed,
            result,
        )
    };
    json!({
        "id": e.id,
        "createdDateTime": graph_time(e.created),
        "runStartDateTime": run_start_text,
        "completedDateTime": completed_text,
        "lastModifiedDateTime": graph_time(modified),
        "state": state,
        "executionCount": 0,
        "isCancelled": false,
        "result": result,
    })
}
