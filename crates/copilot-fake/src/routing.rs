//! Which documented operation a request is: [`ROUTES`] (operationId, method, path template, as
//! the spec has them), matched against the path below `/beta`, with Graph's answers for what
//! matches none (404 `ResourceNotFound`, 400 for `$count`-style segments, 405 with `Allow`).

use hyper::{Method, StatusCode};

use crate::graph_error::GraphError;

/// An operation the fake serves: its operationId and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServedRoute {
    /// The spec's operationId, e.g. `getSession` (what fault rules name).
    pub operation_id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The spec's path template below `/beta`, e.g.
    /// `/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}`.
    pub path: &'static str,
}

const fn served(
    operation_id: &'static str,
    method: &'static str,
    path: &'static str,
) -> ServedRoute {
    ServedRoute {
        operation_id,
        method,
        path,
    }
}

const WORKSPACES: &str = "/security/securityCopilot/workspaces";

/// Every operation the fake serves, in the spec's order (a test holds it against
/// `copilot_api::catalogue`). Methods of one path are listed in `Allow` in this order.
pub const ROUTES: &[ServedRoute] = &[
    served("listWorkspaces", "GET", WORKSPACES),
    served(
        "listPlugins",
        "GET",
        "/security/securityCopilot/workspaces/{workspaceId}/plugins",
    ),
    served(
        "listSessions",
        "GET",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions",
    ),
    served(
        "createSession",
        "POST",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions",
    ),
    served(
        "getSession",
        "GET",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}",
    ),
    served(
        "updateSession",
        "PATCH",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}",
    ),
    served(
        "listPrompts",
        "GET",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts",
    ),
    served(
        "createPrompt",
        "POST",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts",
    ),
    served(
        "getPrompt",
        "GET",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts/{promptId}",
    ),
    served(
        "listEvaluations",
        "GET",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts/{promptId}/evaluations",
    ),
    served(
        "createEvaluation",
        "POST",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts/{promptId}/evaluations",
    ),
    served(
        "getEvaluation",
        "GET",
        "/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}/prompts/{promptId}/evaluations/{evaluationId}",
    ),
];

/// The workspaces collection as requested, `/beta` included.
const ROOT: &str = "/beta/security/securityCopilot/workspaces";

/// A request resolved to an operation, with its path parameters (percent-decoded).
#[derive(Debug)]
pub(crate) struct Routed {
    pub operation_id: &'static str,
    params: Vec<(&'static str, String)>,
}

impl Routed {
    /// The path parameter `name` (`workspaceId`, …); empty if the template has none.
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Splits the path below the workspaces root into percent-decoded segments.
fn segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix(ROOT)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Some(Vec::new());
    }
    rest.split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        })
        .collect()
}

/// The parameters of `template` if its segments below the workspaces root match `segs`.
fn matches(template: &'static str, segs: &[String]) -> Option<Vec<(&'static str, String)>> {
    let below = template.strip_prefix(WORKSPACES)?;
    let parts: Vec<&'static str> = below.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() != segs.len() {
        return None;
    }
    let mut params = Vec::new();
    for (part, seg) in parts.iter().zip(segs) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => params.push((name, seg.clone())),
            None if part == seg => {}
            None => return None,
        }
    }
    Some(params)
}

/// Resolves a request to the operation it asks for, or Graph's error for a path or method the
/// API does not have.
pub(crate) fn route(method: &Method, path: &str) -> Result<Routed, GraphError> {
    let not_found = || {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("Resource not found for the segment path '{path}'."),
        )
    };
    let segs = segments(path).ok_or_else(not_found)?;
    // `$count`, `$ref`, `$value`, …: Graph's generated surface has them, the service (and the
    // fake) answer them as an unknown segment.
    if let Some(segment) = segs.iter().find(|s| s.starts_with('$')) {
        return Err(GraphError::bad_request(format!(
            "Resource not found for the segment '{segment}'."
        )));
    }
    let mut allowed: Vec<&'static str> = Vec::new();
    for r in ROUTES {
        let Some(params) = matches(r.path, &segs) else {
            continue;
        };
        if r.method == method.as_str() {
            return Ok(Routed {
                operation_id: r.operation_id,
                params,
            });
        }
        allowed.push(r.method);
    }
    if allowed.is_empty() {
        return Err(not_found());
    }
    let mut e = GraphError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("The HTTP method '{method}' is not allowed for the resource '{path}'."),
    );
    e.allow = Some(allowed.join(", "));
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_carry_their_parameters_and_allow_lists_the_methods() {
        let r = route(
            &Method::GET,
            "/beta/security/securityCopilot/workspaces/w%201/sessions/s1",
        )
        .unwrap();
        assert_eq!(r.operation_id, "getSession");
        assert_eq!(
            (r.param("workspaceId"), r.param("sessionId")),
            ("w 1", "s1")
        );
        let e = route(
            &Method::DELETE,
            "/beta/security/securityCopilot/workspaces/w/sessions",
        )
        .unwrap_err();
        assert_eq!(e.allow.as_deref(), Some("GET, POST"));
        let e = route(
            &Method::PUT,
            "/beta/security/securityCopilot/workspaces/w/sessions/s",
        )
        .unwrap_err();
        assert_eq!(e.allow.as_deref(), Some("GET, PATCH"));
        assert!(route(&Method::GET, "/beta/security/securityCopilot/x").is_err());
    }
}
