//! Running progenitor: every setting in [`settings`] (nothing else decides what `generated.rs`
//! looks like), and its panics turned into errors that name the operation.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

use super::open_enums::OpenEnum;

/// The progenitor settings, in one place.
fn settings(enums: &[OpenEnum]) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        // Positional: required arguments are checked at compile time and the output is small;
        // the builder-style API lives in copilot-ergonomic.
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        // copilot-api carries `impl ClientHooks<Hooks> for Client` (src/hooks.rs); Expected turns
        // a missing impl into one compile error.
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::Hooks))
        .with_derive("PartialEq")
        // Users embed the types in their own JSON Schemas (tool definitions, config validation).
        .with_derive("::schemars::JsonSchema")
        .with_timeout(100);
    for e in enums {
        settings.with_replacement(
            &e.name,
            format!("crate::types::{}", e.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// Runs progenitor, turning its panics into an error that names the failing operation.
pub(super) fn generate_guarded(
    spec: &OpenAPI,
    enums: &[OpenEnum],
    shown: &str,
) -> Result<TokenStream, String> {
    match catch_panic(|| Generator::new(&settings(enums)).generate_tokens(spec)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(format!("{shown}: progenitor rejected the spec: {e}")),
        Err(panic) => Err(locate_panic(spec, enums, shown, &panic)),
    }
}

/// Generates each operation alone to find the ones that make progenitor panic.
fn locate_panic(spec: &OpenAPI, enums: &[OpenEnum], shown: &str, panic: &str) -> String {
    let mut culprits = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let mut single = spec.clone();
            let mut only = item.clone();
            for (m, op) in only.iter_mut() {
                if m != method {
                    *op = None;
                }
            }
            single.paths.paths.clear();
            single
                .paths
                .paths
                .insert(path.clone(), ReferenceOr::Item(only));
            let outcome = catch_panic(|| Generator::new(&settings(enums)).generate_tokens(&single));
            if let Err(message) = outcome {
                let id = operation
                    .operation_id
                    .as_deref()
                    .unwrap_or("<no operationId>");
                culprits.push(format!(
                    "  paths.{path}.{method} ({id}): {message}",
                    method = method.to_lowercase()
                ));
            }
        }
    }
    if culprits.is_empty() {
        format!("{shown}: components: progenitor panicked: {panic}")
    } else {
        format!(
            "{shown}: progenitor panicked on these operations (see openapi/README.md for the \
             constructs it cannot handle):\n{}",
            culprits.join("\n")
        )
    }
}

/// Extension: clear the operations of a path item one method at a time.
trait PathItemExt {
    fn iter_mut(&mut self) -> Vec<(&'static str, &mut Option<openapiv3::Operation>)>;
}

impl PathItemExt for openapiv3::PathItem {
    fn iter_mut(&mut self) -> Vec<(&'static str, &mut Option<openapiv3::Operation>)> {
        vec![
            ("get", &mut self.get),
            ("put", &mut self.put),
            ("post", &mut self.post),
            ("delete", &mut self.delete),
            ("options", &mut self.options),
            ("head", &mut self.head),
            ("patch", &mut self.patch),
            ("trace", &mut self.trace),
        ]
    }
}

/// Runs `f`, returning a panic's message instead of unwinding; the default hook stays quiet.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let message = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&message);
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let text = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic".to_string()
        };
        if let Ok(mut slot) = sink.lock() {
            *slot = text;
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|_| message.lock().map(|m| m.clone()).unwrap_or_default())
}
