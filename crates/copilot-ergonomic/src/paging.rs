//! Lazy streams over Graph collections: the first page through the generated operation, then
//! every `@odata.nextLink` verbatim through the same pipeline (auth, retries, tracing), one
//! page held at a time.

use std::pin::Pin;
use std::task::{Context, Poll};

use copilot_api::catalogue::{self, ListQuery};
use copilot_api::types;
use futures_core::Stream;
use futures_util::{StreamExt as _, TryStreamExt as _, future::BoxFuture, stream};
use serde::de::DeserializeOwned;

use crate::call::run;
use crate::client::Copilot;
use crate::error::Error;
use crate::ids::checked;

/// Which collection a [`List`] reads.
#[derive(Debug, Clone)]
pub(crate) enum Scope {
    Workspaces,
    Plugins {
        ws: String,
    },
    Sessions {
        ws: String,
    },
    Prompts {
        ws: String,
        session: String,
    },
    Evaluations {
        ws: String,
        session: String,
        prompt: String,
    },
}

/// OData options of a list request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListOptions {
    /// `$top`: items per page.
    pub top: Option<i32>,
    /// `$skip`: items to skip.
    pub skip: Option<i32>,
    /// `$filter`: an OData filter expression.
    pub filter: Option<String>,
    /// `$select`: comma-separated properties.
    pub select: Option<String>,
    /// `$orderby`: e.g. `createdDateTime desc`.
    pub orderby: Option<String>,
    /// `$count`: ask for `@odata.count`.
    pub count: Option<bool>,
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The link to the next page, if any (pass it to [`List::resume_from`] to continue later).
    pub next_link: Option<String>,
    /// `@odata.count`, when `count(true)` was asked.
    pub count: Option<i64>,
}

/// An item type of a collection: `Workspace`, `Plugin`, `Session`, `Prompt`, `Evaluation`.
///
/// Sealed: only this crate implements it, through a crate-private supertrait.
#[allow(
    private_bounds,
    reason = "the crate-private supertrait seals the trait"
)]
pub trait Listed: sealed::Fetch + Send + 'static {}

mod sealed {
    use super::*;

    /// How the pages of a collection are fetched (not implementable outside this crate).
    pub(crate) trait Fetch: Sized {
        type Collection: DeserializeOwned + Send;
        /// The list operation's operationId (`listSessions`), from the catalogue.
        fn operation() -> &'static str;
        fn split(collection: Self::Collection) -> Page<Self>;
        fn first<'a>(
            copilot: &'a Copilot,
            scope: &'a Scope,
            o: &'a ListOptions,
        ) -> BoxFuture<'a, Result<Self::Collection, Error>>;
    }
}

use sealed::Fetch;

/// The OData options as the generated `*_with` list adapters take them, by name.
fn query(o: &ListOptions) -> ListQuery<'_> {
    ListQuery {
        count: o.count,
        filter: o.filter.as_deref(),
        orderby: o.orderby.as_deref(),
        select: o.select.as_deref(),
        skip: o.skip,
        top: o.top,
    }
}

/// The operationId of the list operation whose adapter is `adapter` (`list_sessions_with`).
fn operation_of(adapter: &'static str) -> &'static str {
    adapter
        .strip_suffix("_with")
        .and_then(catalogue::by_method_name)
        .map_or(adapter, |op| op.operation_id)
}

/// `listed!(Item, Collection, adapter, Scope::Variant { ids } => [("kind", id), ...])`: the
/// item type's collection and how its first page is fetched (ids checked, OData options passed
/// by name to the generated `*_with` adapter, which alone knows the method's argument order).
macro_rules! listed {
    ($item:ty, $collection:ty, $op:ident, $scope:pat => [$(($kind:literal, $id:ident)),*]) => {
        impl Listed for $item {}
        impl Fetch for $item {
            type Collection = $collection;
            fn operation() -> &'static str {
                operation_of(stringify!($op))
            }
            fn split(collection: $collection) -> Page<Self> {
                Page {
                    items: collection.value,
                    next_link: collection.odata_next_link,
                    count: collection.odata_count,
                }
            }
            fn first<'a>(
                copilot: &'a Copilot,
                scope: &'a Scope,
                o: &'a ListOptions,
            ) -> BoxFuture<'a, Result<$collection, Error>> {
                Box::pin(async move {
                    let $scope = scope else {
                        return Err(Error::Protocol("a list was built for another collection".into()));
                    };
                    $(let $id = checked($kind, $id)?;)*
                    run(copilot.api().$op($($id,)* query(o))).await
                })
            }
        }
    };
}

listed!(types::Workspace, types::WorkspaceCollectionResponse, list_workspaces_with, Scope::Workspaces => []);
listed!(types::Plugin, types::PluginCollectionResponse, list_plugins_with, Scope::Plugins { ws } => [("workspace", ws)]);
listed!(types::Session, types::SessionCollectionResponse, list_sessions_with, Scope::Sessions { ws } => [("workspace", ws)]);
listed!(
    types::Prompt,
    types::PromptCollectionResponse,
    list_prompts_with,
    Scope::Prompts { ws, session } => [("workspace", ws), ("session", session)]
);
listed!(
    types::Evaluation,
    types::EvaluationCollectionResponse,
    list_evaluations_with,
    Scope::Evaluations { ws, session, prompt } => [("workspace", ws), ("session", session), ("prompt", prompt)]
);

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// A lazy list of `T`: set OData options, then consume it as a `Stream` of items (or call
/// [`List::pages`] for pages, [`List::to_vec`] for all items). Nothing is sent before the first
/// poll.
///
/// The option methods `top`, `skip`, `filter`, `select`, `orderby` and `count` are OData's
/// (`$filter` takes an expression); they are inherent, so they win over the stream adapters
/// of the same name. For those, name the trait: `StreamExt::filter(list, |s| …)`.
#[must_use = "a List does nothing until it is polled as a Stream"]
pub struct List<T: Listed> {
    source: Option<(Copilot, Scope, ListOptions, Option<String>)>,
    items: Option<BoxStream<T>>,
}

impl<T: Listed> std::fmt::Debug for List<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("List")
            .field("operation", &T::operation())
            .finish_non_exhaustive()
    }
}

impl<T: Listed> List<T> {
    pub(crate) fn new(copilot: Copilot, scope: Scope) -> Self {
        Self {
            source: Some((copilot, scope, ListOptions::default(), None)),
            items: None,
        }
    }

    fn options(mut self, f: impl FnOnce(&mut ListOptions)) -> Self {
        if let Some((_, _, options, _)) = &mut self.source {
            f(options);
        }
        self
    }

    /// Every item of every page, in order, or the first error (no extra crate needed:
    /// `ws.sessions().top(50).to_vec().await?`). Holds the whole collection: stream it for
    /// large ones.
    pub async fn to_vec(self) -> Result<Vec<T>, Error> {
        self.try_collect().await
    }

    /// `$top`: items per page.
    pub fn top(self, n: i32) -> Self {
        self.options(|o| o.top = Some(n))
    }

    /// `$skip`: skip the first `n` items.
    pub fn skip(self, n: i32) -> Self {
        self.options(|o| o.skip = Some(n))
    }

    /// `$filter`, e.g. `name eq 'Entra'` (quote strings with `'`; double a quote inside).
    pub fn filter(self, expression: impl Into<String>) -> Self {
        let expression = expression.into();
        self.options(|o| o.filter = Some(expression))
    }

    /// `$select`: only these properties come back (others are `None`).
    pub fn select(self, properties: &[&str]) -> Self {
        let joined = properties.join(",");
        self.options(|o| o.select = Some(joined))
    }

    /// `$orderby`, e.g. `createdDateTime desc`.
    pub fn orderby(self, clause: impl Into<String>) -> Self {
        let clause = clause.into();
        self.options(|o| o.orderby = Some(clause))
    }

    /// `$count`: pages carry `@odata.count` (see [`List::pages`]).
    pub fn count(self, yes: bool) -> Self {
        self.options(|o| o.count = Some(yes))
    }

    /// All options at once.
    pub fn with_options(self, options: ListOptions) -> Self {
        self.options(|o| *o = options)
    }

    /// Continues from a saved `next_link` of an earlier [`Page`] instead of the first page.
    pub fn resume_from(mut self, next_link: impl Into<String>) -> Self {
        if let Some((_, _, _, start)) = &mut self.source {
            *start = Some(next_link.into());
        }
        self
    }

    /// The pages instead of the items.
    pub fn pages(mut self) -> impl Stream<Item = Result<Page<T>, Error>> + Send + Unpin + 'static {
        match self.source.take() {
            Some((copilot, scope, options, start)) => {
                page_stream::<T>(copilot, scope, options, start)
            }
            None => Box::pin(stream::empty()),
        }
    }
}

enum Cursor {
    First,
    Next(String),
    Done,
}

fn page_stream<T: Listed>(
    copilot: Copilot,
    scope: Scope,
    options: ListOptions,
    start: Option<String>,
) -> BoxStream<Page<T>> {
    let cursor = start.map_or(Cursor::First, Cursor::Next);
    let state = (copilot, scope, options, cursor, None::<String>);
    Box::pin(stream::try_unfold(
        state,
        |(copilot, scope, options, cursor, previous)| async move {
            let collection = match &cursor {
                Cursor::Done => return Ok(None),
                Cursor::First => T::first(&copilot, &scope, &options).await?,
                Cursor::Next(link) => {
                    copilot
                        .inner
                        .pipeline
                        .get_json::<T::Collection>(link, T::operation())
                        .await?
                }
            };
            let page = T::split(collection);
            let current = match cursor {
                Cursor::Next(link) => Some(link),
                _ => previous,
            };
            let next = match &page.next_link {
                Some(link) if current.as_deref() == Some(link.as_str()) => {
                    return Err(Error::Protocol(format!(
                        "the service returned the same nextLink twice: {link}"
                    )));
                }
                Some(link) => Cursor::Next(link.clone()),
                None => Cursor::Done,
            };
            Ok(Some((page, (copilot, scope, options, next, current))))
        },
    ))
}

impl<T: Listed> Stream for List<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.items.is_none() {
            let Some((copilot, scope, options, start)) = self.source.take() else {
                return Poll::Ready(None);
            };
            let items = page_stream::<T>(copilot, scope, options, start)
                .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
                .try_flatten();
            self.items = Some(Box::pin(items));
        }
        match &mut self.items {
            Some(items) => items.poll_next_unpin(cx),
            None => Poll::Ready(None),
        }
    }
}
