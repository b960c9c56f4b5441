//! What a fake server does: tokens, paging, evaluation scripts and phases, faults, determinism.
//!
//! Built in Rust with chained setters (`FakeConfig::new().page_size(10)`), from command-line
//! flags, or from a JSON file (see [`FakeConfig::from_json`]).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::clock::Clock;
use crate::faults::{Fault, FaultRule, RandomFaults};

/// How long an evaluation stays in each phase before it completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phases {
    /// Time in `created` (before the run starts).
    pub created_for: Duration,
    /// Time in `running` (before it completes).
    pub running_for: Duration,
}

impl Default for Phases {
    fn default() -> Self {
        Self {
            created_for: Duration::from_millis(50),
            running_for: Duration::from_millis(250),
        }
    }
}

/// What an evaluation of a prompt ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// `result.content` once completed (`None` gives `null`).
    pub answer: Option<String>,
    /// `result.type` once completed: `success`, `error`, `rejected`, `timedOut`, ….
    pub outcome: String,
    /// `result.previewState` once completed.
    pub preview_state: String,
    /// Phase durations for this prompt; the server's default when `None`.
    pub phases: Option<Phases>,
}

impl Script {
    /// A successful evaluation answering `text`.
    pub fn answer(text: impl Into<String>) -> Self {
        Self {
            answer: Some(text.into()),
            outcome: "success".into(),
            preview_state: "ga".into(),
            phases: None,
        }
    }

    /// An evaluation that ends with `outcome` (e.g. `error`, `rejected`, `timedOut`,
    /// `capacityExceeded`, or any string) and no answer.
    pub fn outcome(outcome: impl Into<String>) -> Self {
        Self {
            answer: None,
            outcome: outcome.into(),
            preview_state: "ga".into(),
            phases: None,
        }
    }

    /// The same script with its own phase durations.
    pub fn with_phases(mut self, created_for: Duration, running_for: Duration) -> Self {
        self.phases = Some(Phases {
            created_for,
            running_for,
        });
        self
    }

    /// The same script with another `previewState`.
    pub fn with_preview_state(mut self, state: impl Into<String>) -> Self {
        self.preview_state = state.into();
        self
    }
}

/// A plugin of the catalogue every workspace shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginEntry {
    /// The key, e.g. `Entra`.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: String,
    /// `pluginCategory` value.
    pub category: String,
    /// `pluginCatalogScope` value.
    pub catalog_scope: String,
    /// `pluginPreviewStates` value.
    pub preview_state: String,
    /// Whether it is enabled.
    pub is_enabled: bool,
}

impl PluginEntry {
    fn new(name: &str, display_name: &str, description: &str, category: &str) -> Self {
        Self {
            name: name.into(),
            display_name: display_name.into(),
            description: description.into(),
            category: category.into(),
            catalog_scope: "global".into(),
            preview_state: "ga".into(),
            is_enabled: true,
        }
    }
}

/// The fake server's configuration.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    pub(crate) tokens: Option<Vec<String>>,
    pub(crate) page_size: usize,
    pub(crate) max_page_size: usize,
    pub(crate) phases: Phases,
    pub(crate) scripts: Vec<(String, Script)>,
    pub(crate) default_answer: Option<String>,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) random_faults: RandomFaults,
    pub(crate) seed: Option<u64>,
    pub(crate) clock: Option<Clock>,
    pub(crate) workspaces: Vec<(String, Option<String>)>,
    pub(crate) plugins: Vec<PluginEntry>,
    pub(crate) max_body_bytes: usize,
    pub(crate) rate_limit: Option<u32>,
    pub(crate) capacity: Option<u64>,
    pub(crate) max_sessions: Option<usize>,
    pub(crate) claims_required: Vec<String>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            tokens: None,
            page_size: 100,
            max_page_size: 999,
            phases: Phases::default(),
            scripts: Vec::new(),
            default_answer: None,
            faults: Vec::new(),
            random_faults: RandomFaults::default(),
            seed: None,
            clock: None,
            workspaces: vec![("default".into(), Some("SecurityCopilot_Workspace".into()))],
            plugins: vec![
                PluginEntry::new(
                    "Entra",
                    "Microsoft Entra",
                    "Skills that interact with the Microsoft Graph APIs.",
                    "microsoft",
                ),
                PluginEntry::new(
                    "DefenderXDR",
                    "Microsoft Defender XDR",
                    "Skills for incidents, alerts and advanced hunting.",
                    "microsoft",
                ),
                PluginEntry::new(
                    "ThreatIntelligence",
                    "Microsoft Threat Intelligence",
                    "Skills that look up threat actors, indicators and articles.",
                    "microsoft",
                ),
            ],
            max_body_bytes: 1024 * 1024,
            rate_limit: None,
            capacity: None,
            max_sessions: None,
            claims_required: Vec::new(),
        }
    }
}

impl FakeConfig {
    /// The defaults: workspace `default`, three plugins, any bearer token accepted, 100 items a
    /// page, evaluations created for 50 ms and running for 250 ms, random ids, system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accept only these bearer tokens (any non-empty token is accepted until one is set).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens.get_or_insert_with(Vec::new).push(token.into());
        self
    }

    /// Items per page when the request has no `$top` (also the cap on `$top`'s page size if
    /// smaller than the maximum).
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The largest page the server returns, whatever `$top` asks (default 999).
    pub fn max_page_size(mut self, size: usize) -> Self {
        self.max_page_size = size.max(1);
        self
    }

    /// Default phase durations of evaluations.
    pub fn phases(mut self, created_for: Duration, running_for: Duration) -> Self {
        self.phases = Phases {
            created_for,
            running_for,
        };
        self
    }

    /// How long evaluations stay `created`, keeping the `running` phase as it is.
    pub fn created_for(mut self, created_for: Duration) -> Self {
        self.phases.created_for = created_for;
        self
    }

    /// How long evaluations stay `running`, keeping the `created` phase as it is.
    pub fn running_for(mut self, running_for: Duration) -> Self {
        self.phases.running_for = running_for;
        self
    }

    /// Throttles like Graph: each bearer token may send `requests_per_second_per_token`
    /// requests per second (bursts up to that many), measured on the server's [`Clock`] (so a
    /// [`Clock::manual`] makes it deterministic). Past the limit the server answers 429
    /// `TooManyRequests` with `Retry-After` in whole seconds (at least 1: the time until the
    /// token may send again, rounded up), and does not process the request. Refused requests
    /// do not use up the allowance. Off by default.
    pub fn rate_limit(mut self, requests_per_second_per_token: u32) -> Self {
        self.rate_limit = Some(requests_per_second_per_token.max(1));
        self
    }

    /// Keep at most `n` sessions per workspace: creating one more forgets the oldest (with its
    /// prompts and evaluations), so long soaks run in flat memory. Default: keep everything.
    pub fn max_sessions(mut self, n: usize) -> Self {
        self.max_sessions = Some(n.max(1));
        self
    }

    /// The capacity of the (whole) fake: after `n_evaluations` evaluations have been created,
    /// further evaluations complete with `result.type = "capacityExceeded"` and a `content`
    /// that explains, instead of their script's outcome. Off by default.
    pub fn capacity(mut self, n_evaluations: u64) -> Self {
        self.capacity = Some(n_evaluations);
        self
    }

    /// Treat `stale_token` as a token issued before a revocation: every request bearing it gets
    /// the claims challenge of [`Fault::ClaimsChallenge`](crate::Fault::ClaimsChallenge) with
    /// the default claims (`{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}`)
    /// and is not processed. Any other accepted token passes, so a client that answers the
    /// challenge by getting a new token succeeds. Repeatable.
    pub fn require_claims(mut self, stale_token: impl Into<String>) -> Self {
        self.claims_required.push(stale_token.into());
        self
    }

    /// How evaluations of prompts whose content is exactly `prompt` end.
    pub fn script(mut self, prompt: impl Into<String>, script: Script) -> Self {
        self.scripts.push((prompt.into(), script));
        self
    }

    /// The answer for prompts without a script (default: an answer that quotes the prompt).
    pub fn default_answer(mut self, answer: impl Into<String>) -> Self {
        self.default_answer = Some(answer.into());
        self
    }

    /// Adds a fault rule.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Random faults: for every request to a documented operation that no [`FaultRule`]
    /// matched, the server draws a number in [0, 1000) (splitmix64 of `seed` plus the number of
    /// such requests so far, so the same seed and the same requests give the same faults) and
    /// applies the fault whose cumulative per-mille range contains it: with `[(10, a), (5, b)]`,
    /// 0–9 give `a`, 10–14 give `b`, and 15–999 no fault. Adds to earlier random faults; the
    /// seed replaces theirs.
    pub fn random_faults(mut self, seed: u64, faults: Vec<(u32, Fault)>) -> Self {
        self.random_faults.seed = Some(seed);
        self.random_faults.faults.extend(faults);
        self
    }

    /// Adds one random fault (see [`FakeConfig::random_faults`]) without choosing the seed: the
    /// draw is seeded by [`FakeConfig::random_faults`]' seed if one was given, else by
    /// [`FakeConfig::deterministic`]'s, else at random.
    pub fn random_fault(mut self, per_mille: u32, fault: Fault) -> Self {
        self.random_faults.faults.push((per_mille, fault));
        self
    }

    /// Deterministic mode: ids from `seed`, and (unless [`FakeConfig::clock`] is set) a clock
    /// that starts at 2025-10-22T20:00:00Z and moves 10 ms every time the server reads it.
    pub fn deterministic(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The clock the server reads (share a [`Clock::manual`] to move time from a test).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Adds a workspace (besides `default`).
    pub fn workspace(mut self, id: impl Into<String>, display_name: Option<&str>) -> Self {
        self.workspaces
            .push((id.into(), display_name.map(str::to_string)));
        self
    }

    /// Replaces the plugin catalogue.
    pub fn plugins(mut self, plugins: Vec<PluginEntry>) -> Self {
        self.plugins = plugins;
        self
    }

    /// The largest request body accepted (default 1 MiB); larger bodies get 413.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    pub(crate) fn resolved_clock(&self) -> Clock {
        match (&self.clock, self.seed) {
            (Some(clock), _) => clock.clone(),
            (None, Some(_)) => Clock::stepping(deterministic_start(), Duration::from_millis(10)),
            (None, None) => Clock::system(),
        }
    }

    /// The script for a prompt's content.
    pub(crate) fn script_for(&self, content: Option<&str>) -> Script {
        let content = content.unwrap_or_default();
        if let Some((_, script)) = self.scripts.iter().find(|(p, _)| p == content) {
            return script.clone();
        }
        let answer = match &self.default_answer {
            Some(a) => a.clone(),
            None => format!(
                "This is copilot-fake's answer to \"{content}\": the server is working, and \
                 Security Copilot would answer here.\n"
            ),
        };
        Script::answer(answer)
    }

    /// Reads a configuration from JSON:
    ///
    /// ```json
    /// {"tokens": ["t"], "pageSize": 10, "maxPageSize": 999, "createdForMs": 50,
    ///  "runningForMs": 250, "seed": 7, "defaultAnswer": "…",
    ///  "scripts": [{"prompt": "who am I", "answer": "…", "outcome": "success",
    ///               "previewState": "ga", "createdForMs": 0, "runningForMs": 0}],
    ///  "faults": ["getSession:1-2:429:2"],
    ///  "randomFaults": [{"perMille": 10, "fault": "429:1"}, {"perMille": 5, "fault": "drop-after"}],
    ///  "workspaces": [{"id": "w2", "displayName": "W2"}],
    ///  "rateLimit": 10, "capacity": 100, "maxBodyBytes": 1048576}
    /// ```
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let mut config = Self::new();
        let object = value
            .as_object()
            .ok_or("the configuration must be a JSON object")?;
        for (key, v) in object {
            match key.as_str() {
                "tokens" => {
                    for token in array(v, key)? {
                        config = config.token(string(token, key)?);
                    }
                }
                "pageSize" => config = config.page_size(number(v, key)? as usize),
                "maxPageSize" => config = config.max_page_size(number(v, key)? as usize),
                "createdForMs" => config = config.created_for(millis(v, key)?),
                "runningForMs" => config = config.running_for(millis(v, key)?),
                "seed" => config = config.deterministic(number(v, key)?),
                "defaultAnswer" => config = config.default_answer(string(v, key)?),
                "maxBodyBytes" => config = config.max_body_bytes(number(v, key)? as usize),
                "rateLimit" => {
                    let n = u32::try_from(number(v, key)?)
                        .map_err(|_| "`rateLimit` is too large".to_string())?;
                    config = config.rate_limit(n);
                }
                "capacity" => config = config.capacity(number(v, key)?),
                "faults" => {
                    for spec in array(v, key)? {
                        config = config.fault(FaultRule::parse(&string(spec, key)?)?);
                    }
                }
                "randomFaults" => {
                    for entry in array(v, key)? {
                        let (per_mille, fault) = random_fault_from_json(entry)?;
                        config = config.random_fault(per_mille, fault);
                    }
                }
                "workspaces" => {
                    for w in array(v, key)? {
                        let id = string(w.get("id").unwrap_or(&Value::Null), "workspaces[].id")?;
                        let name = w.get("displayName").and_then(Value::as_str);
                        config = config.workspace(id, name);
                    }
                }
                "scripts" => {
                    for s in array(v, key)? {
                        let (prompt, script) = script_from_json(s)?;
                        config = config.script(prompt, script);
                    }
                }
                other => return Err(format!("unknown configuration key `{other}`")),
            }
        }
        Ok(config)
    }
}

fn deterministic_start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_761_163_200, 0).unwrap_or_default()
}

fn script_from_json(s: &Value) -> Result<(String, Script), String> {
    let prompt = string(s.get("prompt").unwrap_or(&Value::Null), "scripts[].prompt")?;
    let outcome = s
        .get("outcome")
        .and_then(Value::as_str)
        .unwrap_or("success");
    let mut script = Script::outcome(outcome);
    script.answer = s.get("answer").and_then(Value::as_str).map(str::to_string);
    if let Some(state) = s.get("previewState").and_then(Value::as_str) {
        script.preview_state = state.to_string();
    }
    let created = s
        .get("createdForMs")
        .map(|v| millis(v, "createdForMs"))
        .transpose()?;
    let running = s
        .get("runningForMs")
        .map(|v| millis(v, "runningForMs"))
        .transpose()?;
    if created.is_some() || running.is_some() {
        let d = Phases::default();
        script.phases = Some(Phases {
            created_for: created.unwrap_or(d.created_for),
            running_for: running.unwrap_or(d.running_for),
        });
    }
    Ok((prompt, script))
}

fn random_fault_from_json(entry: &Value) -> Result<(u32, Fault), String> {
    let per_mille = number(
        entry.get("perMille").unwrap_or(&Value::Null),
        "randomFaults[].perMille",
    )?;
    let per_mille = u32::try_from(per_mille)
        .ok()
        .filter(|p| *p <= 1000)
        .ok_or("`randomFaults[].perMille` must be at most 1000")?;
    let fault = string(
        entry.get("fault").unwrap_or(&Value::Null),
        "randomFaults[].fault",
    )?;
    Ok((per_mille, Fault::parse(&fault)?))
}

fn array<'a>(v: &'a Value, key: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("`{key}` must be an array"))
}

fn string(v: &Value, key: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("`{key}` must be a string"))
}

fn number(v: &Value, key: &str) -> Result<u64, String> {
    v.as_u64()
        .ok_or_else(|| format!("`{key}` must be a non-negative integer"))
}

fn millis(v: &Value, key: &str) -> Result<Duration, String> {
    number(v, key).map(Duration::from_millis)
}
