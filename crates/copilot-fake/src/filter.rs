//! `$filter` as the fake implements it: `property eq literal` and `contains(property,'text')`
//! joined by `and`, on the properties the docs let each entity filter by.

use serde_json::Value;

/// A filter operator the docs allow on a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterOp {
    Eq,
    Contains,
}

/// One `and`-ed condition of a `$filter`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    Eq(String, Value),
    Contains(String, String),
}

/// `a eq 'x' and contains(b,'y') and c eq true`.
pub(crate) fn parse(
    value: &str,
    filterable: &[(&str, &[FilterOp])],
) -> Result<Vec<Condition>, String> {
    let tokens = tokenize(value)?;
    let mut conditions = Vec::new();
    let mut rest = tokens.as_slice();
    loop {
        let (condition, after) = match rest {
            [
                Token::Word(f),
                Token::Open,
                Token::Word(p),
                Token::Comma,
                Token::Str(s),
                Token::Close,
                after @ ..,
            ] if f == "contains" => (Condition::Contains(p.clone(), s.clone()), after),
            [Token::Word(p), Token::Word(op), literal, after @ ..] if op == "eq" => {
                let value = match literal {
                    Token::Str(s) => Value::String(s.clone()),
                    Token::Word(w) if w == "true" => Value::Bool(true),
                    Token::Word(w) if w == "false" => Value::Bool(false),
                    Token::Word(w) if w == "null" => Value::Null,
                    Token::Word(w) => match w.parse::<i64>() {
                        Ok(n) => Value::from(n),
                        Err(_) => return Err(format!("Invalid $filter literal '{w}'.")),
                    },
                    _ => return Err("Invalid $filter: expected a literal after 'eq'.".into()),
                };
                (Condition::Eq(p.clone(), value), after)
            }
            _ => {
                return Err(format!(
                    "Invalid $filter clause: '{value}'. Supported: property eq literal, contains(property,'text'), joined by 'and'."
                ));
            }
        };
        let (property, op) = match &condition {
            Condition::Eq(p, _) => (p, FilterOp::Eq),
            Condition::Contains(p, _) => (p, FilterOp::Contains),
        };
        let supported = filterable
            .iter()
            .any(|(name, ops)| name == property && ops.contains(&op));
        if !supported {
            return Err(format!(
                "Filtering on property '{property}' with this operator is not supported."
            ));
        }
        conditions.push(condition);
        match after {
            [] => return Ok(conditions),
            [Token::Word(and), more @ ..] if and == "and" && !more.is_empty() => rest = more,
            _ => return Err(format!("Invalid $filter clause: '{value}'.")),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
    Comma,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            ',' => {
                chars.next();
                tokens.push(Token::Comma);
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            s.push('\'');
                        }
                        Some('\'') => break,
                        Some(ch) => s.push(ch),
                        None => return Err("Unterminated string literal in $filter.".into()),
                    }
                }
                tokens.push(Token::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_alphanumeric() || matches!(ch, '_' | '.' | '-') {
                        w.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if w.is_empty() {
                    return Err(format!("Unexpected character '{c}' in $filter."));
                }
                tokens.push(Token::Word(w));
            }
        }
    }
    Ok(tokens)
}

pub(crate) fn matches(item: &Value, conditions: &[Condition]) -> bool {
    conditions.iter().all(|c| match c {
        Condition::Eq(p, Value::String(s)) => item
            .get(p)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(s)),
        Condition::Eq(p, v) => item.get(p).unwrap_or(&Value::Null) == v,
        Condition::Contains(p, s) => item
            .get(p)
            .and_then(Value::as_str)
            .is_some_and(|v| v.to_lowercase().contains(&s.to_lowercase())),
    })
}
