//! JSON validation against OpenAPI 3.0 schema objects.

use serde_json::Value;

/// Which way a payload travels: `readOnly` properties may not appear in requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A request body sent by a client.
    Request,
    /// A response body sent by the service.
    Response,
}

/// Validates values against the schemas of one OpenAPI document.
#[derive(Debug, Clone, Copy)]
pub struct Validator<'a> {
    spec: &'a Value,
}

impl<'a> Validator<'a> {
    /// A validator resolving `$ref`s within `spec`.
    pub fn new(spec: &'a Value) -> Self {
        Self { spec }
    }

    /// Follows `$ref` chains (`#/components/...`) to the referenced object.
    pub fn resolve(&self, mut node: &'a Value) -> Option<&'a Value> {
        for _ in 0..32 {
            match node.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let pointer = reference.strip_prefix('#')?;
                    node = self.spec.pointer(pointer)?;
                }
                None => return Some(node),
            }
        }
        None
    }

    /// The component schema called `name`.
    pub fn component(&self, name: &str) -> Option<&'a Value> {
        self.spec.pointer(&format!("/components/schemas/{name}"))
    }

    /// Every violation of `schema` by `value`, each as `path: problem` (empty when valid).
    pub fn validate(&self, schema: &Value, value: &Value, direction: Direction) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(schema, value, direction, "$", &mut errors);
        errors
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        direction: Direction,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference
                .strip_prefix('#')
                .and_then(|p| self.spec.pointer(p))
            {
                Some(target) => {
                    return self.check(target, value, direction, at, errors);
                }
                None => {
                    errors.push(format!("{at}: unresolvable $ref {reference}"));
                    return;
                }
            },
            None => schema,
        };

        if value.is_null() {
            if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
                errors.push(format!(
                    "{at}: null is not allowed (the property is not nullable)"
                ));
            }
            return;
        }

        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.check(part, value, direction, at, errors);
            }
        }

        if let Some(members) = schema.get("enum").and_then(Value::as_array)
            && !members.contains(value)
        {
            errors.push(format!(
                "{at}: {value} is not one of the enum members {}",
                Value::Array(members.clone())
            ));
        }

        let Some(kind) = schema.get("type").and_then(Value::as_str) else {
            return;
        };
        let format = schema.get("format").and_then(Value::as_str);
        match kind {
            "string" => match value.as_str() {
                None => errors.push(format!(
                    "{at}: expected a string, found {}",
                    type_name(value)
                )),
                Some(text) => {
                    if format == Some("date-time") && !is_rfc3339(text) {
                        errors.push(format!("{at}: {text:?} is not an RFC 3339 date-time"));
                    }
                }
            },
            "integer" => {
                let Some(number) = value.as_i64() else {
                    errors.push(format!("{at}: expected an integer, found {value}"));
                    return;
                };
                if format == Some("int32") && i32::try_from(number).is_err() {
                    errors.push(format!("{at}: {number} does not fit int32"));
                }
            }
            "number" => {
                if !value.is_number() {
                    errors.push(format!(
                        "{at}: expected a number, found {}",
                        type_name(value)
                    ));
                }
            }
            "boolean" => {
                if !value.is_boolean() {
                    errors.push(format!(
                        "{at}: expected a boolean, found {}",
                        type_name(value)
                    ));
                }
            }
            "array" => match value.as_array() {
                None => errors.push(format!(
                    "{at}: expected an array, found {}",
                    type_name(value)
                )),
                Some(items) => {
                    if let Some(item_schema) = schema.get("items") {
                        for (i, item) in items.iter().enumerate() {
                            self.check(item_schema, item, direction, &format!("{at}[{i}]"), errors);
                        }
                    }
                }
            },
            "object" => self.check_object(schema, value, direction, at, errors),
            other => errors.push(format!("{at}: the schema has an unknown type {other:?}")),
        }
    }

    fn check_object(
        &self,
        schema: &Value,
        value: &Value,
        direction: Direction,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let Some(object) = value.as_object() else {
            errors.push(format!(
                "{at}: expected an object, found {}",
                type_name(value)
            ));
            return;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                errors.push(format!("{at}: the required property {name:?} is missing"));
            }
        }
        for (name, member) in object {
            let path = format!("{at}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(property) => {
                    let resolved = self.resolve(property).unwrap_or(property);
                    let read_only = property.get("readOnly").and_then(Value::as_bool) == Some(true)
                        || resolved.get("readOnly").and_then(Value::as_bool) == Some(true);
                    if read_only && direction == Direction::Request {
                        errors.push(format!("{path}: read-only, may not be sent in a request"));
                    }
                    self.check(property, member, direction, &path, errors);
                }
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{path}: no such property"));
                    }
                    Some(extra @ Value::Object(_)) => {
                        self.check(extra, member, direction, &path, errors);
                    }
                    // Properties declared through allOf are checked by their own part.
                    _ => {}
                },
            }
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with any number of fraction digits.
pub(crate) fn is_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .is_some_and(|s| s.len() == range.len() && s.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return false;
    }
    if !matches!(b.get(10), Some(b'T' | b't')) {
        return false;
    }
    if !(digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            digits(i + 1..i + 3)
                && b.get(i + 3) == Some(&b':')
                && digits(i + 4..i + 6)
                && i + 6 == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_rfc3339;

    #[test]
    fn rfc3339_accepts_graph_precisions_and_rejects_zoneless() {
        for ok in [
            "2025-10-22T20:12:57.8667119Z",
            "2025-09-17T01:03:14.07343Z",
            "0001-01-01T00:00:00Z",
            "2025-01-01T00:00:00+01:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "2023-09-04T05:47:56",
            "2025-10-22",
            "2025-10-22T20:12:57.Z",
            "x",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
