//! OData query options as the fake implements them: every option is either honoured or refused
//! with a 400, never silently ignored.
//!
//! Lists take `$top` (page size, capped by the server), `$skip`, `$count`, `$select`,
//! `$orderby`, `$filter` and the server's own `$skiptoken`; single entities take `$select`. On
//! beta the `$` prefix is optional, so `top=5` means `$top=5`.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::filter::{self, matches};
pub(crate) use crate::filter::{Condition, FilterOp};

/// Which options a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accepts {
    /// Collections: all list options.
    List,
    /// Single entities: `$select` only.
    Entity,
    /// POST and PATCH: none.
    Nothing,
}

/// Parsed query options.
#[derive(Debug, Default)]
pub(crate) struct Query {
    pub top: Option<usize>,
    pub skip: usize,
    pub count: bool,
    pub select: Option<Vec<String>>,
    pub orderby: Vec<(String, bool)>,
    pub filter: Vec<Condition>,
    pub offset: usize,
    /// The options a nextLink must carry, in request order, with literal `$` names.
    kept: Vec<(String, String)>,
}

/// The entity a collection holds: its properties and what the docs let `$filter` use.
pub(crate) struct EntityKind {
    pub properties: &'static [&'static str],
    pub filterable: &'static [(&'static str, &'static [FilterOp])],
}

const TOKEN_KEY: u64 = 0x5eed_c0de_a11c_e5e5;

/// Parses `query` for a route that accepts `accepts`, checking names against `kind`.
pub(crate) fn parse(
    query: Option<&str>,
    accepts: Accepts,
    kind: &EntityKind,
) -> Result<Query, String> {
    let mut q = Query::default();
    let mut seen = Vec::new();
    for (raw_name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let name = raw_name.strip_prefix('$').unwrap_or(&raw_name).to_string();
        if seen.contains(&name) {
            return Err(format!(
                "Query option '${name}' was specified more than once."
            ));
        }
        seen.push(name.clone());
        let allowed = match accepts {
            Accepts::List => matches!(
                name.as_str(),
                "top" | "skip" | "count" | "select" | "orderby" | "filter" | "skiptoken"
            ),
            Accepts::Entity => name == "select",
            Accepts::Nothing => false,
        };
        if !allowed {
            return Err(if name.is_empty() {
                "An empty query option name is not valid.".to_string()
            } else {
                format!("Query option '${name}' is not supported by this request.")
            });
        }
        let value = value.into_owned();
        // An empty `$select=`, `$filter=` or `$orderby=` asks for nothing: the same as absent.
        if value.trim().is_empty() && matches!(name.as_str(), "select" | "filter" | "orderby") {
            continue;
        }
        match name.as_str() {
            "top" => q.top = Some(non_negative(&value, "$top")?),
            "skip" => q.skip = non_negative(&value, "$skip")?,
            "count" => {
                q.count = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(format!(
                            "'{value}' is not a valid value for $count; use true or false."
                        ));
                    }
                }
            }
            "select" => q.select = Some(properties(&value, kind, "$select")?),
            "orderby" => q.orderby = orderby(&value, kind)?,
            "filter" => q.filter = filter::parse(&value, kind.filterable)?,
            "skiptoken" => q.offset = decode_token(&value)?,
            _ => {}
        }
        if !matches!(name.as_str(), "skip" | "skiptoken") {
            q.kept.push((format!("${name}"), value));
        }
    }
    Ok(q)
}

/// A non-negative Int32, as Graph declares `$top` and `$skip`.
fn non_negative(value: &str, option: &str) -> Result<usize, String> {
    value
        .parse::<i32>()
        .ok()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            format!(
                "Invalid value '{value}' for {option}: expected an integer from 0 to 2147483647."
            )
        })
}

fn properties(value: &str, kind: &EntityKind, option: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for name in value.split(',').map(str::trim) {
        if !kind.properties.contains(&name) {
            return Err(format!(
                "Could not find a property named '{name}' ({option})."
            ));
        }
        out.push(name.to_string());
    }
    Ok(out)
}

fn orderby(value: &str, kind: &EntityKind) -> Result<Vec<(String, bool)>, String> {
    let mut out = Vec::new();
    for clause in value.split(',').map(str::trim) {
        let mut words = clause.split_whitespace();
        let name = words.next().unwrap_or_default();
        let descending = match words.next() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(format!("Invalid $orderby direction '{other}'.")),
        };
        if words.next().is_some() || !kind.properties.contains(&name) {
            return Err(format!("Invalid $orderby clause '{clause}'."));
        }
        out.push((name.to_string(), descending));
    }
    Ok(out)
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        _ => Ordering::Equal,
    }
}

fn project(item: Value, select: Option<&[String]>) -> Value {
    match (select, item) {
        (Some(names), Value::Object(mut map)) => {
            let mut out = Map::new();
            for name in names {
                if let Some(v) = map.remove(name) {
                    out.insert(name.clone(), v);
                }
            }
            Value::Object(out)
        }
        (_, item) => item,
    }
}

/// Applies `$select` to a single entity.
pub(crate) fn select_entity(item: Value, q: &Query) -> Value {
    project(item, q.select.as_deref())
}

/// Paging settings of the server.
pub(crate) struct Paging {
    pub page_size: usize,
    pub max_page_size: usize,
}

/// Builds one page of a collection: `@odata.context`, `@odata.count` (with `$count=true`),
/// `value`, and an absolute `@odata.nextLink` while items remain.
///
/// Without `$filter`/`$orderby` only the page's items are rendered, so paging through a large
/// collection costs one page per request.
pub(crate) fn page<'a, T: 'a>(
    items: impl ExactSizeIterator<Item = &'a T>,
    render: impl Fn(&T) -> Value,
    q: &Query,
    paging: &Paging,
    collection_url: &str,
    context: &str,
) -> Value {
    let size = q.top.unwrap_or(paging.page_size).min(paging.max_page_size);
    let start = q.offset.max(q.skip);
    let (total, values): (usize, Vec<Value>) = if q.filter.is_empty() && q.orderby.is_empty() {
        let total = items.len();
        let values = items.skip(start).take(size).map(render).collect();
        (total, values)
    } else {
        let mut all: Vec<Value> = items
            .map(render)
            .filter(|v| matches(v, &q.filter))
            .collect();
        for (property, descending) in q.orderby.iter().rev() {
            all.sort_by(|a, b| {
                let o = compare(
                    a.get(property).unwrap_or(&Value::Null),
                    b.get(property).unwrap_or(&Value::Null),
                );
                if *descending { o.reverse() } else { o }
            });
        }
        let total = all.len();
        (total, all.into_iter().skip(start).take(size).collect())
    };
    let end = start.saturating_add(values.len());
    let mut body = Map::new();
    body.insert("@odata.context".into(), Value::from(context));
    if q.count {
        body.insert("@odata.count".into(), Value::from(total));
    }
    if size > 0 && end < total {
        body.insert(
            "@odata.nextLink".into(),
            Value::from(next_link(collection_url, q, end)),
        );
    }
    let values = values
        .into_iter()
        .map(|v| project(v, q.select.as_deref()))
        .collect();
    body.insert("value".into(), Value::Array(values));
    Value::Object(body)
}

fn next_link(collection_url: &str, q: &Query, offset: usize) -> String {
    let mut link = format!("{collection_url}?");
    for (name, value) in &q.kept {
        let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        link.push_str(&format!("{name}={encoded}&"));
    }
    link.push_str(&format!("$skiptoken={}", encode_token(offset)));
    link
}

fn encode_token(offset: usize) -> String {
    format!("C1{:016X}", (offset as u64) ^ TOKEN_KEY)
}

fn decode_token(token: &str) -> Result<usize, String> {
    token
        .strip_prefix("C1")
        .filter(|hex| hex.len() == 16)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .and_then(|n| usize::try_from(n ^ TOKEN_KEY).ok())
        .ok_or_else(|| "The $skiptoken is not valid; follow @odata.nextLink as returned.".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KIND: EntityKind = EntityKind {
        properties: &["name", "displayName", "isEnabled"],
        filterable: &[
            ("displayName", &[FilterOp::Eq]),
            ("isEnabled", &[FilterOp::Eq]),
            ("name", &[FilterOp::Eq, FilterOp::Contains]),
        ],
    };

    #[test]
    fn filters_parse_and_match() {
        let q = parse(
            Some("$filter=name+eq+'En''tra'+and+isEnabled+eq+true"),
            Accepts::List,
            &KIND,
        )
        .unwrap();
        assert_eq!(
            q.filter,
            [
                Condition::Eq("name".into(), json!("En'tra")),
                Condition::Eq("isEnabled".into(), json!(true))
            ]
        );
        assert!(matches(
            &json!({"name": "en'TRA", "isEnabled": true}),
            &q.filter
        ));
        let q = parse(Some("filter=contains(name,'ntr')"), Accepts::List, &KIND).unwrap();
        assert!(matches(&json!({"name": "Entra"}), &q.filter));
    }

    #[test]
    fn unsupported_options_are_refused_not_ignored() {
        for bad in [
            "$search=x",
            "$expand=prompts",
            "$filter=description eq 'x'",
            "$filter=contains(displayName,'x')",
            "$filter=name gt 'x'",
            "$filter=name eq 'x' and",
            "$filter=name eq 'unterminated",
            "$top=-1",
            "$top=2147483648",
            "$count=yes",
            "$select=nope",
            "$orderby=name sideways",
            "$top=1&top=2",
            "$skiptoken=abc",
            "unknown=1",
        ] {
            assert!(parse(Some(bad), Accepts::List, &KIND).is_err(), "{bad}");
        }
        assert!(parse(Some("$top=1"), Accepts::Entity, &KIND).is_err());
        assert!(parse(Some("$select=name"), Accepts::Nothing, &KIND).is_err());
    }

    #[test]
    fn pages_carry_an_opaque_next_link_with_the_original_options() {
        let items: Vec<i32> = (0..5).collect();
        let q = parse(
            Some("$top=2&$count=true&$select=name"),
            Accepts::List,
            &KIND,
        )
        .unwrap();
        let paging = Paging {
            page_size: 100,
            max_page_size: 999,
        };
        let body = page(
            items.iter(),
            |i| json!({"name": i.to_string(), "isEnabled": true}),
            &q,
            &paging,
            "http://h/beta/c",
            "ctx",
        );
        assert_eq!(body["@odata.count"], 5);
        assert_eq!(body["value"], json!([{"name": "0"}, {"name": "1"}]));
        let link = body["@odata.nextLink"].as_str().unwrap();
        assert!(
            link.starts_with("http://h/beta/c?$top=2&$count=true&$select=name&$skiptoken=C1"),
            "{link}"
        );
        let query = link.split_once('?').unwrap().1;
        let next = parse(Some(query), Accepts::List, &KIND).unwrap();
        assert_eq!(next.offset, 2);
        let last = parse(
            Some(&format!("$skiptoken={}", encode_token(4))),
            Accepts::List,
            &KIND,
        )
        .unwrap();
        let body = page(
            items.iter(),
            |i| json!({"name": i.to_string()}),
            &last,
            &paging,
            "u",
            "ctx",
        );
        assert_eq!(body["value"].as_array().unwrap().len(), 1);
        assert!(body.get("@odata.nextLink").is_none());
    }
}
