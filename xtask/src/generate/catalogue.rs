//! The operation catalogue: one row per spec operation (operationId, the generated method, HTTP
//! method, path template, success status, response and item types, query options in the
//! method's parameter order), built from the spec and the surface of the freshly generated
//! code, and written as `crates/copilot-api/src/catalogue.rs` with one adapter per list
//! operation that takes its query options by name.

use std::fmt::Write as _;

use copilot_surface::catalogue::{CatalogueRow, QueryOption};
use copilot_surface::client_surface::{Shape, Surface};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, StatusCode};

/// The rows of every operation of `spec`, in document order; `generated` is the code
/// progenitor wrote for it (method names, argument order and Rust types come from there).
pub(super) fn build(
    spec: &OpenAPI,
    generated: &str,
    shown: &str,
) -> Result<Vec<CatalogueRow>, String> {
    let surface = copilot_surface::client_surface::parse(generated)?;
    let mut rows = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(format!(
                "{shown}: paths.{path}: a $ref path item is not supported"
            ));
        };
        for (method, op) in item.iter() {
            let at = format!("{shown}: paths.{path}.{method}");
            let id = op
                .operation_id
                .clone()
                .ok_or_else(|| format!("{at}: no operationId"))?;
            let method_name = snake_case(&id);
            let generated = surface
                .operations
                .iter()
                .find(|f| f.name == method_name)
                .ok_or_else(|| format!("{at}: no generated method `{method_name}` for {id}"))?;
            let mut query_wire = Vec::new();
            for p in item.parameters.iter().chain(&op.parameters) {
                if let Parameter::Query { parameter_data, .. } = resolve(spec, p, &at)? {
                    query_wire.push(parameter_data.name.clone());
                }
            }
            rows.push(CatalogueRow {
                operation_id: id.clone(),
                method_name: method_name.clone(),
                http_method: method.to_uppercase(),
                path: path.clone(),
                path_parameters: placeholders(path),
                query: query_options(&generated.args, &query_wire, &at)?,
                request_type: generated
                    .args
                    .iter()
                    .find_map(|a| a.strip_prefix("body: &'a ").map(str::to_string)),
                success_status: success_status(op, &at)?,
                response_type: response_type(&generated.returns, &at)?,
                item_type: None,
            });
            let row = rows.last_mut().expect("just pushed");
            row.item_type = item_type(&surface, &row.response_type);
        }
    }
    Ok(rows)
}

/// `getSession` → `get_session`, progenitor's method name for an operationId.
fn snake_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 4);
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn resolve<'a>(
    spec: &'a OpenAPI,
    p: &'a ReferenceOr<Parameter>,
    at: &str,
) -> Result<&'a Parameter, String> {
    match p {
        ReferenceOr::Item(p) => Ok(p),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/parameters/")
            .and_then(|name| spec.components.as_ref()?.parameters.get(name))
            .and_then(|p| match p {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => None,
            })
            .ok_or_else(|| format!("{at}: cannot resolve the parameter {reference}")),
    }
}

/// `{workspaceId}` names in path order.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// The method's arguments that are query options, in its order, with their wire names.
fn query_options(args: &[String], wire: &[String], at: &str) -> Result<Vec<QueryOption>, String> {
    let mut out = Vec::new();
    for name in wire {
        let rust = snake_case(name.trim_start_matches('$'));
        if !args.iter().any(|a| a.starts_with(&format!("{rust}: "))) {
            return Err(format!(
                "{at}: the generated method has no argument `{rust}` for the query option {name}"
            ));
        }
    }
    for arg in args {
        let Some((rust, ty)) = arg.split_once(": ") else {
            continue;
        };
        if let Some(name) = wire
            .iter()
            .find(|w| snake_case(w.trim_start_matches('$')) == rust)
        {
            out.push(QueryOption {
                wire: name.clone(),
                rust: rust.to_string(),
                ty: ty.to_string(),
            });
        }
    }
    Ok(out)
}

fn success_status(op: &openapiv3::Operation, at: &str) -> Result<u16, String> {
    op.responses
        .responses
        .keys()
        .find_map(|code| match code {
            StatusCode::Code(c) if (200..300).contains(c) => Some(*c),
            _ => None,
        })
        .ok_or_else(|| format!("{at}: no 2xx response"))
}

/// `Result<ResponseValue<Session>, Error<ODataError>>` → `Session`.
fn response_type(returns: &str, at: &str) -> Result<String, String> {
    returns
        .strip_prefix("Result<ResponseValue<")
        .and_then(|rest| rest.split_once(">, Error<"))
        .map(|(ty, _)| ty.to_string())
        .ok_or_else(|| format!("{at}: unexpected return type `{returns}`"))
}

/// The item type of a collection response: its `value: Vec<Item>` field.
fn item_type(surface: &Surface, response: &str) -> Option<String> {
    let t = surface.types.iter().find(|t| t.name == response)?;
    let Shape::Fields(fields) = &t.shape else {
        return None;
    };
    let value = fields.iter().find(|f| f.wire == "value")?;
    value
        .ty
        .strip_prefix("Vec<")?
        .strip_suffix('>')
        .map(str::to_string)
}

/// The catalogue's source (before formatting): the table, the lookups, `ListQuery` and one
/// `*_with` adapter per list operation, and the decode helpers of the workspace's tests.
pub(super) fn source(rows: &[CatalogueRow], shown: &str) -> Result<String, String> {
    let lists: Vec<&CatalogueRow> = rows.iter().filter(|r| r.item_type.is_some()).collect();
    let options = match lists.first() {
        Some(first) => first.query.clone(),
        None => Vec::new(),
    };
    if let Some(odd) = lists.iter().find(|r| r.query != options) {
        return Err(format!(
            "{shown}: {} takes other query options than {}; ListQuery serves lists with the same \
             options only (give it its own query type in xtask/src/generate/catalogue.rs)",
            odd.operation_id, lists[0].operation_id
        ));
    }
    let mut out = String::new();
    out.push_str(PREAMBLE);
    out.push_str("pub const OPERATIONS: &[OperationEntry] = &[\n");
    for r in rows {
        let _ = writeln!(
            out,
            "OperationEntry {{ operation_id: {:?}, method_name: {:?}, http_method: {:?}, \
             path: {:?}, path_parameters: &[{}], query: &[{}], request_type: {}, \
             success_status: {}, response_type: {:?}, item_type: {} }},",
            r.operation_id,
            r.method_name,
            r.http_method,
            r.path,
            quoted(r.path_parameters.iter()),
            quoted(r.query.iter().map(|q| &q.wire)),
            option(r.request_type.as_deref()),
            r.success_status,
            r.response_type,
            option(r.item_type.as_deref()),
        );
    }
    out.push_str("];\n\n");
    out.push_str(LOOKUPS);
    out.push_str(
        "/// The query options of the list operations, by name: what the `*_with` adapters take.\n\
         #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]\n\
         pub struct ListQuery<'a> {\n",
    );
    for q in &options {
        let _ = writeln!(out, "/// `{}`.\npub {}: {},", q.wire, q.rust, q.ty);
    }
    out.push_str("}\n\nimpl Client {\n");
    for r in &lists {
        let path_args: Vec<String> = r.path_parameters.iter().map(|p| snake_case(p)).collect();
        let _ = writeln!(
            out,
            "/// [`Client::{m}`] with its query options by name (the order lives here only).\n\
             pub async fn {m}_with<'a>(&'a self, {params}query: ListQuery<'a>) -> \
             Result<ResponseValue<types::{resp}>, Error<types::ODataError>> {{\n\
             self.{m}({args}{opts}).await\n}}\n",
            m = r.method_name,
            params = path_args
                .iter()
                .map(|a| format!("{a}: &'a str, "))
                .collect::<String>(),
            resp = r.response_type,
            args = path_args
                .iter()
                .map(|a| format!("{a}, "))
                .collect::<String>(),
            opts = r
                .query
                .iter()
                .map(|q| format!("query.{}", q.rust))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    out.push_str("}\n\n");
    out.push_str(&decoders(rows));
    Ok(out)
}

fn decoders(rows: &[CatalogueRow]) -> String {
    let mut out = String::from(
        "/// Decodes `value` as the success response of `operation_id` and renders it with \
         `{:#?}`;\n/// `None` for an operation the catalogue does not have. For the workspace's \
         decode tests.\n#[doc(hidden)]\npub fn debug_success_response(operation_id: &str, \
         value: serde_json::Value) -> Option<Result<String, serde_json::Error>> {\n\
         Some(match operation_id {\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:?} => serde_json::from_value::<types::{}>(value).map(|v| format!(\"{{v:#?}}\")),",
            r.operation_id, r.response_type
        );
    }
    out.push_str(
        "_ => return None,\n})\n}\n\n/// Decodes `value` as the request body of \
         `operation_id` and encodes it again; `None`\n/// for an operation without a body. For \
         the workspace's decode tests.\n#[doc(hidden)]\npub fn reencode_request_body(\
         operation_id: &str, value: serde_json::Value) -> Option<Result<serde_json::Value, \
         serde_json::Error>> {\nSome(match operation_id {\n",
    );
    for r in rows {
        if let Some(body) = &r.request_type {
            let _ = writeln!(
                out,
                "{:?} => serde_json::from_value::<types::{body}>(value).and_then(|v| serde_json::to_value(&v)),",
                r.operation_id
            );
        }
    }
    out.push_str("_ => return None,\n})\n}\n");
    out
}

fn quoted<'a>(items: impl Iterator<Item = &'a String>) -> String {
    items
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn option(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("Some({v:?})"),
        None => "None".to_string(),
    }
}

const PREAMBLE: &str = r#"//! The operation catalogue: every operation of the spec, with its operationId, the [`Client`]
//! method that sends it, HTTP method, path template, success status, response type, item type
//! (for lists) and query options in the method's parameter order; plus one adapter per list
//! operation that takes the query options by name ([`ListQuery`]).
//!
//! Written by `cargo xtask generate` beside `generated.rs`, from the same spec. Code that needs
//! to know the operations (trace names and URL templates, paging, the workspace's checks that a
//! new operation reached every place it must) reads them here instead of keeping a list.

use crate::{Client, Error, ResponseValue, types};

/// One operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationEntry {
    /// The spec's operationId, e.g. `getSession`.
    pub operation_id: &'static str,
    /// The [`Client`] method that sends it, e.g. `get_session`.
    pub method_name: &'static str,
    /// Upper-case HTTP method.
    pub http_method: &'static str,
    /// The path template below the base URL, with the spec's parameter names, e.g.
    /// `/security/securityCopilot/workspaces/{workspaceId}/sessions/{sessionId}`.
    pub path: &'static str,
    /// The path parameters, spec names in path order.
    pub path_parameters: &'static [&'static str],
    /// The query options as sent (`$top`, …), in the order the method takes them.
    pub query: &'static [&'static str],
    /// The request body's type in [`types`], if it takes one.
    pub request_type: Option<&'static str>,
    /// The documented success status.
    pub success_status: u16,
    /// The success response's type in [`types`].
    pub response_type: &'static str,
    /// For a list: the type of the items of its `value`.
    pub item_type: Option<&'static str>,
}

/// Every operation, in the spec's order.
"#;

const LOOKUPS: &str = r#"/// The operation with this operationId (`getSession`).
pub fn by_operation_id(operation_id: &str) -> Option<&'static OperationEntry> {
    OPERATIONS.iter().find(|op| op.operation_id == operation_id)
}

/// The operation the [`Client`] method `method_name` (`get_session`) sends.
pub fn by_method_name(method_name: &str) -> Option<&'static OperationEntry> {
    OPERATIONS.iter().find(|op| op.method_name == method_name)
}

"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_templates() {
        assert_eq!(snake_case("listEvaluations"), "list_evaluations");
        assert_eq!(snake_case("top"), "top");
        assert_eq!(
            placeholders("/w/{workspaceId}/s/{sessionId}"),
            ["workspaceId", "sessionId"]
        );
        assert_eq!(
            response_type("Result<ResponseValue<Session>, Error<ODataError>>", "x").unwrap(),
            "Session"
        );
    }
}
