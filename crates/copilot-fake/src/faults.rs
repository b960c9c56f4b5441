//! Fault injection: per operation and per call number, the ways real networks and Graph fail.

use std::ops::RangeInclusive;
use std::time::Duration;

/// One way for a response to go wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a Graph error body instead of handling the request (the
    /// request is **not** processed), optionally with a `Retry-After` header value as given
    /// (`"2"`, `"2.128"`, an HTTP-date, or anything else to test parsing).
    Status {
        /// HTTP status, e.g. 429, 503, 504.
        status: u16,
        /// The raw `Retry-After` header value.
        retry_after: Option<String>,
    },
    /// Wait this long, then handle the request normally.
    Latency(Duration),
    /// Close the connection without answering (the request is not processed).
    DropConnection,
    /// Handle the request, then send only the first half of the JSON body.
    TruncatedBody,
    /// Answer with an HTML error page and this status (the request is not processed).
    HtmlPage {
        /// HTTP status of the page, e.g. 502.
        status: u16,
    },
    /// Handle the request, then label the JSON body `text/plain`.
    WrongContentType,
    /// Answer 401 `InvalidAuthenticationToken` with a claims challenge (continuous access
    /// evaluation): `WWW-Authenticate: Bearer realm="", authorization_uri="…",
    /// error="insufficient_claims", claims="<base64 of claims>"` (the request is not processed).
    ClaimsChallenge {
        /// The claims JSON the client must get a token for, e.g.
        /// `{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}`.
        claims: String,
    },
    /// Handle the request normally (a create is stored), then close the connection without
    /// sending the response: the client cannot tell whether the server acted.
    DropAfterStore,
}

impl Fault {
    /// The fault's kind as written in the `KIND` of its syntax: the status (`429`), `latency`,
    /// `drop`, `truncate`, `html`, `content-type`, `claims` or `drop-after`.
    pub fn kind(&self) -> String {
        match self {
            Self::Status { status, .. } => status.to_string(),
            Self::Latency(_) => "latency".into(),
            Self::DropConnection => "drop".into(),
            Self::TruncatedBody => "truncate".into(),
            Self::HtmlPage { .. } => "html".into(),
            Self::WrongContentType => "content-type".into(),
            Self::ClaimsChallenge { .. } => "claims".into(),
            Self::DropAfterStore => "drop-after".into(),
        }
    }

    /// A status fault without `Retry-After`.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            retry_after: None,
        }
    }

    /// A claims challenge asking for `claims` (a JSON object as text).
    pub fn claims_challenge(claims: impl Into<String>) -> Self {
        Self::ClaimsChallenge {
            claims: claims.into(),
        }
    }

    /// A status fault with a `Retry-After` header.
    pub fn status_retry_after(status: u16, retry_after: impl Into<String>) -> Self {
        Self::Status {
            status,
            retry_after: Some(retry_after.into()),
        }
    }

    /// Parses `KIND[:ARG]`, the fault part of [`FaultRule::parse`]'s syntax (`429:2`,
    /// `latency:300`, `drop-after`, `claims`, …), as `--random-fault PER_MILLE:KIND[:ARG]` and
    /// the `randomFaults` entries of config files use it.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (kind, arg) = match spec.split_once(':') {
            Some((kind, arg)) => (kind, Some(arg)),
            None => (spec, None),
        };
        Self::parse_kind(spec, kind, arg)
    }

    /// KIND and its ARG; `spec` (the whole text) names the fault in errors.
    fn parse_kind(spec: &str, kind: &str, arg: Option<&str>) -> Result<Self, String> {
        Ok(match (kind, arg) {
            ("latency", Some(ms)) => Fault::Latency(Duration::from_millis(
                ms.parse()
                    .map_err(|_| format!("fault `{spec}`: latency needs milliseconds"))?,
            )),
            ("drop", None) => Fault::DropConnection,
            ("drop-after", None) => Fault::DropAfterStore,
            ("claims", claims) => Fault::ClaimsChallenge {
                claims: claims
                    .unwrap_or(crate::challenge::DEFAULT_CLAIMS)
                    .to_string(),
            },
            ("truncate", None) => Fault::TruncatedBody,
            ("content-type", None) => Fault::WrongContentType,
            ("html", status) => Fault::HtmlPage {
                status: match status {
                    Some(s) => s
                        .parse()
                        .map_err(|_| format!("fault `{spec}`: bad status"))?,
                    None => 502,
                },
            },
            (status, retry_after) => {
                let status: u16 = status
                    .parse()
                    .ok()
                    .filter(|s| (400..=599).contains(s))
                    .ok_or_else(|| format!("fault `{spec}`: unknown kind `{kind}`"))?;
                Fault::Status {
                    status,
                    retry_after: retry_after.map(str::to_string),
                }
            }
        })
    }
}

/// A fault applied to some calls of one operation (or of every operation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub(crate) operation: Option<String>,
    pub(crate) calls: RangeInclusive<u64>,
    pub(crate) fault: Fault,
}

impl FaultRule {
    /// `fault` on every call of every operation (narrow it with `on` and `calls`).
    pub fn new(fault: Fault) -> Self {
        Self {
            operation: None,
            calls: 1..=u64::MAX,
            fault,
        }
    }

    /// Only for this operationId (`getSession`, `createPrompt`, …).
    pub fn on(mut self, operation: &str) -> Self {
        self.operation = Some(operation.to_string());
        self
    }

    /// Only for these calls of the operation, counted from 1 per operation.
    pub fn calls(mut self, calls: RangeInclusive<u64>) -> Self {
        self.calls = calls;
        self
    }

    pub(crate) fn applies(&self, operation: &str, call: u64) -> bool {
        self.operation.as_deref().is_none_or(|op| op == operation) && self.calls.contains(&call)
    }

    /// Parses `OPERATION:CALLS:KIND[:ARG]`, the syntax of `--fault` and of config files:
    ///
    /// - OPERATION: an operationId or `*`;
    /// - CALLS: `3`, `1-2`, `4-` (from the 4th on) or `*`;
    /// - KIND: a status (`429`, `503`, `401`; ARG is the `Retry-After` value, which may contain
    ///   `:`), `latency` (ARG in ms), `drop`, `drop-after` (handle, then close unanswered),
    ///   `truncate`, `html` (ARG: status, default 502), `content-type`, `claims` (a 401 claims
    ///   challenge; ARG: the claims JSON, which may contain `:`, default
    ///   `{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}`).
    ///
    /// Examples: `getSession:1-2:429:2`, `*:1:latency:300`, `createPrompt:1:drop`,
    /// `createEvaluation:1:drop-after`, `getSession:1:claims`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut parts = spec.splitn(4, ':');
        let (Some(op), Some(calls), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "fault `{spec}`: expected OPERATION:CALLS:KIND[:ARG]"
            ));
        };
        let fault = Fault::parse_kind(spec, kind, parts.next())?;
        let calls =
            parse_calls(calls).ok_or_else(|| format!("fault `{spec}`: bad CALLS `{calls}`"))?;
        let mut rule = Self::new(fault).calls(calls);
        if op != "*" {
            rule = rule.on(op);
        }
        Ok(rule)
    }
}

/// Faults drawn at random for requests that no [`FaultRule`] matched (see
/// `FakeConfig::random_faults`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RandomFaults {
    /// The seed of the draw; `FakeConfig::deterministic`'s seed, or a random one, when `None`.
    pub seed: Option<u64>,
    /// Per-mille probabilities and their faults, in cumulative order.
    pub faults: Vec<(u32, Fault)>,
}

impl RandomFaults {
    /// The fault of draw number `n` (counted from 0) of the sequence seeded with `seed`: a
    /// number in [0, 1000) from splitmix64 of `seed + n`, in the cumulative range of one entry.
    pub(crate) fn draw(&self, seed: u64, n: u64) -> Option<&Fault> {
        if self.faults.is_empty() {
            return None;
        }
        let mut state = seed.wrapping_add(n);
        let value = crate::ids::splitmix(&mut state) % 1000;
        let mut upper = 0u64;
        self.faults.iter().find_map(|(per_mille, fault)| {
            upper += u64::from(*per_mille);
            (value < upper).then_some(fault)
        })
    }
}

fn parse_calls(calls: &str) -> Option<RangeInclusive<u64>> {
    if calls == "*" {
        return Some(1..=u64::MAX);
    }
    match calls.split_once('-') {
        None => calls.parse().ok().map(|n| n..=n),
        Some((a, "")) => a.parse().ok().map(|a| a..=u64::MAX),
        Some((a, b)) => Some(a.parse().ok()?..=b.parse().ok()?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        let rule = FaultRule::parse("getSession:1-2:429:Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(rule.operation.as_deref(), Some("getSession"));
        assert_eq!(rule.calls, 1..=2);
        assert_eq!(
            rule.fault,
            Fault::status_retry_after(429, "Wed, 21 Oct 2015 07:28:00 GMT")
        );
        assert_eq!(FaultRule::parse("*:4-:503").unwrap().calls, 4..=u64::MAX);
        assert!(FaultRule::parse("*:4-:503").unwrap().operation.is_none());
        assert_eq!(
            FaultRule::parse("x:*:latency:300").unwrap().fault,
            Fault::Latency(Duration::from_millis(300))
        );
        assert_eq!(
            FaultRule::parse("x:1:drop").unwrap().fault,
            Fault::DropConnection
        );
        assert_eq!(
            FaultRule::parse("x:1:truncate").unwrap().fault,
            Fault::TruncatedBody
        );
        assert_eq!(
            FaultRule::parse("x:1:html").unwrap().fault,
            Fault::HtmlPage { status: 502 }
        );
        assert_eq!(
            FaultRule::parse("x:1:content-type").unwrap().fault,
            Fault::WrongContentType
        );
        assert_eq!(
            FaultRule::parse("createPrompt:1:drop-after").unwrap().fault,
            Fault::DropAfterStore
        );
        assert_eq!(
            FaultRule::parse("getSession:1:claims").unwrap().fault,
            Fault::claims_challenge(crate::challenge::DEFAULT_CLAIMS),
            "`claims` without an argument asks for the default claims"
        );
        assert_eq!(
            FaultRule::parse(r#"x:1:claims:{"id_token":{"acrs":{"value":"c1"}}}"#)
                .unwrap()
                .fault,
            Fault::claims_challenge(r#"{"id_token":{"acrs":{"value":"c1"}}}"#),
            "claims JSON with `:` in it is kept whole"
        );
        for bad in [
            "x",
            "x:1",
            "x:1:boom",
            "x:a:429",
            "x:1:latency",
            "x:1:200",
            "x:1:drop-after:5",
        ] {
            assert!(FaultRule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn applies_to_its_operation_and_calls_only() {
        let rule = FaultRule::parse("getSession:2-3:503").unwrap();
        assert!(!rule.applies("getSession", 1));
        assert!(rule.applies("getSession", 2));
        assert!(rule.applies("getSession", 3));
        assert!(!rule.applies("getSession", 4));
        assert!(!rule.applies("listSessions", 2));
    }
}
