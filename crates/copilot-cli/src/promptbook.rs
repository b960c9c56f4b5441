//! [`Promptbook`]: a sequence of prompts with `<name>` placeholders, in the JSON shape Security
//! Copilot exports (`name`, `description`, `prompts: [{promptType, content}]`,
//! `promptbookinputs: [{name, description}]`; other fields ignored). Graph has no promptbook
//! operation: running one means asking its prompts, in order, in one session.
//!
//! This module depends only on `serde` and `serde_json`, so it can move into
//! `copilot-ergonomic` as it is.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

/// A promptbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Promptbook {
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Its prompts, in order.
    #[serde(default)]
    pub prompts: Vec<PromptbookPrompt>,
    /// The inputs its placeholders stand for.
    #[serde(default, rename = "promptbookinputs")]
    pub inputs: Vec<PromptbookInput>,
}

/// One prompt of a promptbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PromptbookPrompt {
    /// `Prompt` (the only type Graph can run).
    #[serde(rename = "promptType", default = "prompt_type")]
    pub prompt_type: String,
    /// The text, with `<name>` placeholders.
    #[serde(default)]
    pub content: String,
}

fn prompt_type() -> String {
    "Prompt".into()
}

/// An input of a promptbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PromptbookInput {
    /// The placeholder's name: `<name>` in the prompts.
    pub name: String,
    /// What to fill in.
    #[serde(default)]
    pub description: Option<String>,
}

/// Why a promptbook cannot be read or filled.
#[derive(Debug)]
#[non_exhaustive]
pub(crate) enum PromptbookError {
    /// The text is not a promptbook.
    Parse(serde_json::Error),
    /// The promptbook has no prompts.
    Empty,
    /// A prompt is of a type that cannot be asked (only `Prompt` can).
    UnsupportedPrompt {
        /// 1-based position of the prompt.
        position: usize,
        /// Its type.
        prompt_type: String,
    },
    /// Placeholders with no value, with their descriptions when the promptbook has them.
    MissingInputs(Vec<(String, Option<String>)>),
    /// Values given for names that are no placeholder of the promptbook.
    UnknownInputs(Vec<String>),
}

impl fmt::Display for PromptbookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parse(e) => write!(f, "not a promptbook: {e}"),
            Self::Empty => f.write_str("the promptbook has no prompts"),
            Self::UnsupportedPrompt {
                position,
                prompt_type,
            } => write!(
                f,
                "prompt {position} is of type `{prompt_type}`; only `Prompt` can be asked"
            ),
            Self::MissingInputs(missing) => {
                f.write_str("no value for ")?;
                for (i, (name, description)) in missing.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "<{name}>")?;
                    if let Some(d) = description.as_deref().filter(|d| !d.is_empty()) {
                        write!(f, " ({d})")?;
                    }
                }
                Ok(())
            }
            Self::UnknownInputs(names) => {
                write!(f, "the promptbook has no placeholder ")?;
                let names: Vec<String> = names.iter().map(|n| format!("<{n}>")).collect();
                f.write_str(&names.join(", "))
            }
        }
    }
}

impl std::error::Error for PromptbookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Parse(e) => Some(e),
            _ => None,
        }
    }
}

impl Promptbook {
    /// Reads a promptbook from its JSON export.
    pub(crate) fn from_json(text: &str) -> Result<Self, PromptbookError> {
        serde_json::from_str(text).map_err(PromptbookError::Parse)
    }

    /// The placeholder names used in its prompts, in order of first use.
    pub(crate) fn placeholders(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut names = Vec::new();
        for prompt in &self.prompts {
            for name in placeholders_in(&prompt.content) {
                if seen.insert(name.to_string()) {
                    names.push(name.to_string());
                }
            }
        }
        names
    }

    /// Its prompts with every `<name>` replaced by `values[name]`; every placeholder needs a
    /// value, and every value a placeholder (or a declared input).
    pub(crate) fn fill(
        &self,
        values: &BTreeMap<String, String>,
    ) -> Result<Vec<String>, PromptbookError> {
        if self.prompts.is_empty() {
            return Err(PromptbookError::Empty);
        }
        if let Some((i, p)) = self
            .prompts
            .iter()
            .enumerate()
            .find(|(_, p)| !p.prompt_type.eq_ignore_ascii_case("prompt"))
        {
            return Err(PromptbookError::UnsupportedPrompt {
                position: i + 1,
                prompt_type: p.prompt_type.clone(),
            });
        }
        let placeholders = self.placeholders();
        let missing: Vec<(String, Option<String>)> = placeholders
            .iter()
            .filter(|name| !values.contains_key(*name))
            .map(|name| {
                let description = self
                    .inputs
                    .iter()
                    .find(|i| &i.name == name)
                    .and_then(|i| i.description.clone());
                (name.clone(), description)
            })
            .collect();
        if !missing.is_empty() {
            return Err(PromptbookError::MissingInputs(missing));
        }
        let unknown: Vec<String> = values
            .keys()
            .filter(|k| !placeholders.contains(k) && !self.inputs.iter().any(|i| &i.name == *k))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(PromptbookError::UnknownInputs(unknown));
        }
        Ok(self
            .prompts
            .iter()
            .map(|p| fill_one(&p.content, values))
            .collect())
    }
}

/// Whether `name` can be a placeholder: a letter or `_`, then letters, digits, `_`, `-`, `.`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Each `<name>` in `text`: `(start, end, name)` with `end` past the `>`.
fn spans(text: &str) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find('<').map(|i| rest + i) {
        let Some(close) = text[open + 1..].find('>').map(|i| open + 1 + i) else {
            break;
        };
        let name = &text[open + 1..close];
        if is_name(name) {
            found.push((open, close + 1, name));
            rest = close + 1;
        } else {
            rest = open + 1;
        }
    }
    found
}

fn placeholders_in(text: &str) -> impl Iterator<Item = &str> {
    spans(text).into_iter().map(|(_, _, name)| name)
}

fn fill_one(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, name) in spans(text) {
        out.push_str(&text[last..start]);
        match values.get(name) {
            Some(value) => out.push_str(value),
            None => out.push_str(&text[start..end]),
        }
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"{
        "name": "Investigate a user",
        "description": "Sign-ins and risk of one user",
        "visibility": "tenant", "tags": ["identity"],
        "prompts": [
            {"promptType": "Prompt", "content": "Who is <user>?", "skillName": null},
            {"promptType": "Prompt", "content": "List the sign-ins of <user> in the last <days> days (a < b)."}
        ],
        "promptbookinputs": [
            {"name": "user", "description": "UPN of the user"},
            {"name": "days", "description": "How far back"}
        ]
    }"#;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_the_export_and_fills_placeholders() {
        let book = Promptbook::from_json(BOOK).unwrap();
        assert_eq!(book.name, "Investigate a user");
        assert_eq!(book.placeholders(), ["user", "days"]);
        let filled = book
            .fill(&vars(&[("user", "ada@contoso.com"), ("days", "7")]))
            .unwrap();
        assert_eq!(
            filled,
            [
                "Who is ada@contoso.com?",
                "List the sign-ins of ada@contoso.com in the last 7 days (a < b)."
            ]
        );
    }

    #[test]
    fn missing_and_unknown_values_are_named() {
        let book = Promptbook::from_json(BOOK).unwrap();
        let err = book.fill(&vars(&[("user", "x")])).unwrap_err();
        assert_eq!(err.to_string(), "no value for <days> (How far back)");
        let err = book
            .fill(&vars(&[("user", "x"), ("days", "1"), ("dayz", "2")]))
            .unwrap_err();
        assert_eq!(err.to_string(), "the promptbook has no placeholder <dayz>");
    }

    #[test]
    fn only_prompts_can_be_asked() {
        let book = Promptbook::from_json(
            r#"{"name": "x", "prompts": [{"promptType": "Skill", "content": ""}]}"#,
        )
        .unwrap();
        assert!(matches!(
            book.fill(&BTreeMap::new()),
            Err(PromptbookError::UnsupportedPrompt { position: 1, .. })
        ));
        assert!(matches!(
            Promptbook::from_json("42"),
            Err(PromptbookError::Parse(_))
        ));
    }
}
