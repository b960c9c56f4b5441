//! The documented operations (those of `ROUTES`), answered from the store: list (with OData
//! query options and paging), create, get (with `$select`) and update, each as Graph renders it.

use hyper::StatusCode;
use serde_json::Value;

use crate::bodies::{annotate, request_body, required_string};
use crate::config::Script;
use crate::exchange::Incoming;
use crate::graph_error::GraphError;
use crate::handler::State;
use crate::odata::{self, Accepts, Paging};
use crate::routing::Routed;
use crate::store::{
    self, EVALUATION, Evaluation, PLUGIN, PROMPT, Prompt, SESSION, Session, Store, WORKSPACE,
};

const BASE_PATH: &str = "/beta";

impl State {
    /// Answers `routed` from the store: the success status and body, or a Graph error.
    pub(crate) fn dispatch(
        &self,
        routed: &Routed,
        req: &Incoming<'_>,
    ) -> Result<(StatusCode, Value), GraphError> {
        let base = format!("{}{BASE_PATH}", req.origin);
        let metadata = format!("{base}/$metadata#security/securityCopilot/workspaces");
        let collection_url = format!("{}{}", req.origin, req.path.trim_end_matches('/'));
        let paging = Paging {
            page_size: self.config.page_size,
            max_page_size: self.config.max_page_size,
        };
        let query =
            |accepts, kind| odata::parse(req.query, accepts, kind).map_err(GraphError::bad_request);
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let ok = |body| Ok((StatusCode::OK, body));
        let created = |body| Ok((StatusCode::CREATED, body));
        let ws = routed.param("workspaceId");
        let session = routed.param("sessionId");
        let prompt = routed.param("promptId");
        let evaluation = routed.param("evaluationId");
        match routed.operation_id {
            "listWorkspaces" => {
                let q = query(Accepts::List, &WORKSPACE)?;
                ok(odata::page(
                    store.workspaces().iter(),
                    store::workspace_json,
                    &q,
                    &paging,
                    &collection_url,
                    &metadata,
                ))
            }
            "listPlugins" => {
                let q = query(Accepts::List, &PLUGIN)?;
                workspace(&store, ws)?;
                let context = format!("{metadata}('{ws}')/plugins");
                ok(odata::page(
                    self.config.plugins.iter(),
                    store::plugin_json,
                    &q,
                    &paging,
                    &collection_url,
                    &context,
                ))
            }
            "listSessions" => {
                let q = query(Accepts::List, &SESSION)?;
                let w = workspace(&store, ws)?;
                let context = format!("{metadata}('{ws}')/sessions");
                ok(odata::page(
                    w.sessions_newest_first(),
                    store::session_json,
                    &q,
                    &paging,
                    &collection_url,
                    &context,
                ))
            }
            "createSession" => {
                query(Accepts::Nothing, &SESSION)?;
                let body = request_body(req, "session", &["@odata.type", "displayName"])?;
                let name = required_string(&body, "displayName")?;
                let now = self.clock.now();
                let id = self.ids.next();
                let w = workspace_mut(&mut store, ws)?;
                if let Some(keep) = self.config.max_sessions {
                    w.forget_oldest_sessions(keep.saturating_sub(1));
                }
                let s = w.add_session(Session {
                    id,
                    display_name: Some(name),
                    created: now,
                    modified: now,
                    prompts: Vec::new(),
                });
                let mut out = store::session_json(s);
                annotate(&mut out, format!("{metadata}('{ws}')/sessions/$entity"));
                created(out)
            }
            "getSession" => {
                let q = query(Accepts::Entity, &SESSION)?;
                let s = find_session(&store, ws, session)?;
                let mut out = odata::select_entity(store::session_json(s), &q);
                annotate(&mut out, format!("{metadata}('{ws}')/sessions/$entity"));
                ok(out)
            }
            "updateSession" => {
                query(Accepts::Nothing, &SESSION)?;
                let body = request_body(req, "session", &["@odata.type", "displayName"])?;
                let name = match body.get("displayName") {
                    None => None,
                    Some(Value::String(s)) => Some(Some(s.clone())),
                    Some(Value::Null) => Some(None),
                    Some(_) => {
                        return Err(GraphError::bad_request(
                            "'displayName' must be a string or null.",
                        ));
                    }
                };
                let now = self.clock.now();
                let s = find_session_mut(&mut store, ws, session)?;
                if let Some(name) = name {
                    s.display_name = name;
                    s.modified = now;
                }
                let mut out = store::session_json(s);
                annotate(&mut out, format!("{metadata}('{ws}')/sessions/$entity"));
                ok(out)
            }
            "listPrompts" => {
                let q = query(Accepts::List, &PROMPT)?;
                let s = find_session(&store, ws, session)?;
                let context = format!("{metadata}('{ws}')/sessions('{session}')/prompts");
                ok(odata::page(
                    s.prompts.iter(),
                    store::prompt_json,
                    &q,
                    &paging,
                    &collection_url,
                    &context,
                ))
            }
            "createPrompt" => {
                query(Accepts::Nothing, &PROMPT)?;
                let body = request_body(req, "prompt", &["@odata.type", "type", "content"])?;
                let kind = match body.get("type") {
                    Some(Value::String(t)) if t == "prompt" => t.clone(),
                    Some(Value::String(t)) if PROMPT_TYPES.contains(&t.as_str()) => {
                        return Err(GraphError::bad_request(format!(
                            "Prompt type '{t}' is not supported; only 'prompt' is."
                        )));
                    }
                    Some(Value::String(t)) => {
                        return Err(GraphError::bad_request(format!(
                            "The value '{t}' is not a valid member of the enum promptType."
                        )));
                    }
                    Some(_) => return Err(GraphError::bad_request("'type' must be a string.")),
                    None => {
                        return Err(GraphError::bad_request("The property 'type' is required."));
                    }
                };
                let content = required_string(&body, "content")?;
                let now = self.clock.now();
                let id = self.ids.next();
                let s = find_session_mut(&mut store, ws, session)?;
                s.prompts.push(Prompt {
                    id,
                    kind,
                    content: Some(content),
                    created: now,
                    modified: now,
                    evaluations: Vec::new(),
                });
                let p = s
                    .prompts
                    .last()
                    .ok_or_else(|| GraphError::bad_request("no prompt"))?;
                let mut out = store::prompt_json(p);
                annotate(
                    &mut out,
                    format!("{metadata}('{ws}')/sessions('{session}')/prompts/$entity"),
                );
                created(out)
            }
            "getPrompt" => {
                let q = query(Accepts::Entity, &PROMPT)?;
                let p = find_prompt(&store, ws, session, prompt)?;
                let mut out = odata::select_entity(store::prompt_json(p), &q);
                annotate(
                    &mut out,
                    format!("{metadata}('{ws}')/sessions('{session}')/prompts/$entity"),
                );
                ok(out)
            }
            "listEvaluations" => {
                let q = query(Accepts::List, &EVALUATION)?;
                let p = find_prompt(&store, ws, session, prompt)?;
                let now = self.clock.now();
                let context = format!(
                    "{metadata}('{ws}')/sessions('{session}')/prompts('{prompt}')/evaluations"
                );
                ok(odata::page(
                    p.evaluations.iter(),
                    |e| store::evaluation_json(e, now),
                    &q,
                    &paging,
                    &collection_url,
                    &context,
                ))
            }
            "createEvaluation" => {
                query(Accepts::Nothing, &EVALUATION)?;
                request_body(req, "evaluation", &["@odata.type"])?;
                let now = self.clock.now();
                let id = self.ids.next();
                let s = find_session_mut(&mut store, ws, session)?;
                let p = s
                    .prompt_mut(prompt)
                    .ok_or_else(|| GraphError::not_found("prompt", prompt))?;
                let script = self.config.script_for(p.content.as_deref());
                let phases = script.phases.unwrap_or(self.config.phases);
                let script = self.within_capacity(script);
                p.evaluations.push(Evaluation {
                    id,
                    created: now,
                    script,
                    phases,
                });
                // Creating an evaluation touches its prompt, as the docs' examples show.
                p.modified = now + chrono::TimeDelta::milliseconds(10);
                let e = p
                    .evaluations
                    .last()
                    .ok_or_else(|| GraphError::bad_request("no evaluation"))?;
                let mut out = store::evaluation_json(e, now);
                annotate(
                    &mut out,
                    format!(
                        "{metadata}('{ws}')/sessions('{session}')/prompts('{prompt}')/evaluations/$entity"
                    ),
                );
                created(out)
            }
            "getEvaluation" => {
                let q = query(Accepts::Entity, &EVALUATION)?;
                let e = find_prompt(&store, ws, session, prompt)?
                    .evaluation(evaluation)
                    .ok_or_else(|| GraphError::not_found("evaluation", evaluation))?;
                let mut out = odata::select_entity(store::evaluation_json(e, self.clock.now()), &q);
                annotate(
                    &mut out,
                    format!(
                        "{metadata}('{ws}')/sessions('{session}')/prompts('{prompt}')/evaluations/$entity"
                    ),
                );
                ok(out)
            }
            other => Err(GraphError::new(
                StatusCode::NOT_IMPLEMENTED,
                "NotImplemented",
                format!("copilot-fake routes {other} but does not answer it yet."),
            )),
        }
    }

    /// `script`, or a `capacityExceeded` outcome once `FakeConfig::capacity` evaluations exist.
    fn within_capacity(&self, script: Script) -> Script {
        let n = self
            .evaluations_created
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        match self.config.capacity {
            Some(capacity) if n > capacity => Script {
                answer: Some(format!(
                    "The workspace has used its capacity ({capacity} evaluations); this prompt \
                     was not evaluated. Add capacity or try again later.\n"
                )),
                outcome: "capacityExceeded".into(),
                ..script
            },
            _ => script,
        }
    }
}

const PROMPT_TYPES: [&str; 6] = [
    "unknown",
    "context",
    "prompt",
    "skill",
    "feedback",
    "unknownFutureValue",
];

fn workspace<'s>(store: &'s Store, ws: &str) -> Result<&'s store::Workspace, GraphError> {
    store
        .workspace(ws)
        .ok_or_else(|| GraphError::not_found("workspace", ws))
}

fn workspace_mut<'s>(
    store: &'s mut Store,
    ws: &str,
) -> Result<&'s mut store::Workspace, GraphError> {
    store
        .workspace_mut(ws)
        .ok_or_else(|| GraphError::not_found("workspace", ws))
}

fn find_session<'s>(store: &'s Store, ws: &str, session: &str) -> Result<&'s Session, GraphError> {
    workspace(store, ws)?
        .session(session)
        .ok_or_else(|| GraphError::not_found("session", session))
}

fn find_prompt<'s>(
    store: &'s Store,
    ws: &str,
    session: &str,
    prompt: &str,
) -> Result<&'s Prompt, GraphError> {
    find_session(store, ws, session)?
        .prompt(prompt)
        .ok_or_else(|| GraphError::not_found("prompt", prompt))
}

fn find_session_mut<'s>(
    store: &'s mut Store,
    ws: &str,
    session: &str,
) -> Result<&'s mut Session, GraphError> {
    workspace_mut(store, ws)?
        .session_mut(session)
        .ok_or_else(|| GraphError::not_found("session", session))
}
