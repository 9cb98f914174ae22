//! The generated list streams: each list builder's `stream()` describes its
//! operation in a [`Paging`] and hands its request to [`Paging::stream`], which
//! reads the next cursor out of `nextPageUri` and turns page fetches into a lazy
//! item stream.
//!
//! A stream is always finite: it stops with [`Error::Pagination`] when the
//! server hands back a cursor the stream already followed (A → B → A), and
//! after [`ClientBuilder::max_pages`](super::ClientBuilder::max_pages) pages
//! (10,000 by default), however fresh the cursors.

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::future::Future;
use std::hash::BuildHasher;

use futures_core::Stream;
use futures_util::stream::BoxStream;
use futures_util::{stream, StreamExt};

use super::config::ClientConfig;
use super::error::Error;

/// Resolves relative `nextPageUri`s; only the query is read from the result.
const DUMMY_BASE: &str = "http://next-page.invalid/";

/// Returns the value of query parameter `param` in `next_page_uri`.
///
/// The format of `nextPageUri` is not documented, so both absolute URIs and
/// relative references (`/access-keys?beforeId=x`) are accepted, and the value
/// is decoded the way the (Go) server encodes it: percent-escapes and `+` as
/// space. `None` or an empty URI is the last page. A URI without a non-empty
/// `param` is an [`Error::Pagination`], because guessing would either loop or
/// silently stop early; the message names the URI's path only.
pub fn next_page_param(
    operation: &'static str,
    next_page_uri: Option<&str>,
    param: &str,
) -> Result<Option<String>, Error> {
    let Some(uri) = next_page_uri.map(str::trim).filter(|uri| !uri.is_empty()) else {
        return Ok(None);
    };
    let base = reqwest::Url::parse(DUMMY_BASE).map_err(|_| Error::Pagination {
        operation,
        message: "internal error: bad base URL".to_owned(),
    })?;
    let url = base.join(uri).map_err(|error| Error::Pagination {
        operation,
        message: format!("nextPageUri is not a valid URI ({error})"),
    })?;
    let value = url
        .query_pairs()
        .find(|(name, _)| name == param)
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty());
    match value {
        Some(value) => Ok(Some(value)),
        None => Err(Error::Pagination {
            operation,
            message: format!(
                "nextPageUri (path {}) has no `{param}` query parameter",
                super::scrub::scrub(url.path(), None)
            ),
        }),
    }
}

/// One fetched page: its items, and the next cursor together with the request that
/// fetches it (`Ok(None)` on the last page). Reading the next cursor can fail after the
/// items arrived; keeping that failure separate lets the stream hand out the items before
/// the error.
pub type Page<T, B> = (Vec<T>, Result<Option<(String, B)>, Error>);

/// What keeps one stream finite: every cursor it has followed (a server that
/// hands one back again, A → B → A, would loop forever) and the number of
/// pages fetched, capped by
/// [`ClientBuilder::max_pages`](super::ClientBuilder::max_pages) (a server
/// that keeps inventing fresh cursors, on empty pages or not).
///
/// Cursors are remembered by a 64-bit hash under a per-stream random key (8
/// bytes a page instead of the cursor text), so a long stream's memory stays
/// near one page; two different cursors are taken for the same one with a
/// chance of about pages² / 2⁶⁵, under 10⁻¹¹ at the 10,000-page default.
#[derive(Debug)]
pub struct Cursors {
    operation: &'static str,
    max_pages: u32,
    fetched: u32,
    hasher: RandomState,
    seen: HashSet<u64>,
}

impl Cursors {
    /// A guard for a stream of `operation` that fetches at most `max_pages`
    /// pages (at least 1) and starts at `first` (the cursor the caller set,
    /// if any), which counts as followed.
    pub fn new(operation: &'static str, max_pages: u32, first: Option<String>) -> Self {
        let mut cursors = Self {
            operation,
            max_pages: max_pages.max(1),
            fetched: 0,
            hasher: RandomState::new(),
            seen: HashSet::new(),
        };
        if let Some(first) = first {
            let key = cursors.hasher.hash_one(first);
            cursors.seen.insert(key);
        }
        cursors
    }

    /// Records one fetched page whose `nextPageUri` gave `next`; fails if
    /// following it would exceed the page cap or revisit a cursor.
    pub fn follow(&mut self, next: String) -> Result<(), Error> {
        self.fetched = self.fetched.saturating_add(1);
        if self.fetched >= self.max_pages {
            return Err(Error::Pagination {
                operation: self.operation,
                message: format!(
                    "stopped after {} pages, the limit (ClientBuilder::max_pages)",
                    self.max_pages
                ),
            });
        }
        if !self.seen.insert(self.hasher.hash_one(next)) {
            return Err(Error::Pagination {
                operation: self.operation,
                message: format!(
                    "the server returned a next-page cursor that was already followed (after page {})",
                    self.fetched
                ),
            });
        }
        Ok(())
    }
}

enum State<B> {
    Fetch(B),
    Fail(Error),
    Done,
}

/// Streams the items of every page, starting with request `first`.
///
/// `fetch` gets a request and returns one [`Page`]. Pages are fetched only when the
/// previous page's items have been consumed, so at most one page is held in memory and
/// dropping the stream early saves requests. Every next cursor goes through `cursors`
/// ([`Cursors::follow`]) before it is followed. The first error is yielded (after the
/// items of the page it came with) and ends the stream.
pub fn pages<B, T, F, Fut>(
    cursors: Cursors,
    first: B,
    mut fetch: F,
) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(B) -> Fut,
    Fut: Future<Output = Result<Page<T, B>, Error>>,
{
    stream::unfold(
        (State::Fetch(first), cursors),
        move |(state, mut cursors)| {
            // Calling `fetch` here, outside the async block, keeps `fetch` borrowed only
            // while the closure runs.
            let pending = match state {
                State::Fetch(request) => Ok(fetch(request)),
                State::Fail(error) => Err(Some(error)),
                State::Done => Err(None),
            };
            async move {
                let (items, next) = match pending {
                    Err(None) => return None,
                    Err(Some(error)) => {
                        return Some(((Vec::new(), Some(error)), (State::Done, cursors)))
                    }
                    Ok(page) => match page.await {
                        Err(error) => {
                            return Some(((Vec::new(), Some(error)), (State::Done, cursors)))
                        }
                        Ok(page) => page,
                    },
                };
                let next = next.and_then(|next| match next {
                    Some((cursor, request)) => cursors.follow(cursor).map(|()| Some(request)),
                    None => Ok(None),
                });
                let state = match next {
                    Ok(Some(request)) => State::Fetch(request),
                    Ok(None) => State::Done,
                    Err(error) => State::Fail(error),
                };
                Some(((items, None), (state, cursors)))
            }
        },
    )
    // The page's own vector is handed out item by item (never copied into a second
    // one), and dropped before the next page is requested: one page in memory.
    .flat_map(|(items, error): (Vec<T>, Option<Error>)| {
        stream::iter(items.into_iter().map(Ok).chain(error.map(Err)))
    })
}

/// How one list operation pages, for [`Paging::stream`]: the generated `stream()`
/// of each list builder is this plus the builder's own `send` and cursor setter.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    operation: &'static str,
    cursor_param: &'static str,
    max_pages: u32,
}

impl Paging {
    /// Operation `operation` (its operationId, named in errors), whose next page is
    /// selected by query parameter `cursor_param` (`beforeId`, `cursor`), the one
    /// `nextPageUri` carries; at most `config`'s
    /// [`max_pages`](super::ClientBuilder::max_pages) pages are fetched.
    pub fn new(operation: &'static str, cursor_param: &'static str, config: &ClientConfig) -> Self {
        Self {
            operation,
            cursor_param,
            max_pages: config.max_pages(),
        }
    }

    /// Every item of every page, starting with `request`, whose cursor is `start`
    /// (`None` for the first page).
    ///
    /// `send` fetches one page; `split` takes it apart into its items and its
    /// `nextPageUri`; `set_cursor` makes the request for the next page from the one
    /// that fetched the current page. See [`pages`] for laziness and errors: a
    /// `nextPageUri` without the cursor parameter, a cursor followed before, or more
    /// than `max_pages` pages is an [`Error::Pagination`], yielded after the items
    /// of the page it came with.
    pub fn stream<'a, B, P, T, Fut>(
        self,
        request: B,
        start: Option<String>,
        send: fn(B) -> Fut,
        set_cursor: fn(B, String) -> B,
        split: fn(P) -> (Vec<T>, Option<String>),
    ) -> BoxStream<'a, Result<T, Error>>
    where
        B: Clone + Send + 'a,
        Fut: Future<Output = Result<P, Error>> + Send + 'a,
        P: 'a,
        T: Send + 'a,
    {
        let Self {
            operation,
            cursor_param,
            max_pages,
        } = self;
        let fetch = move |request: B| {
            // Sending consumes the request; the next one is made from a copy.
            let follow_up = request.clone();
            let page = send(request);
            // Boxed: held inline, the send future (a few KiB) would be laid out again in
            // each state machine that awaits it, and the stream would carry four copies
            // of it for its whole life instead of one while a page is in flight.
            Box::pin(async move {
                let (items, next_uri) = split(page.await?);
                // A bad nextPageUri must not cost the items of this page.
                let next =
                    next_page_param(operation, next_uri.as_deref(), cursor_param).map(|cursor| {
                        cursor.map(|cursor| (cursor.clone(), set_cursor(follow_up, cursor)))
                    });
                Ok((items, next))
            })
        };
        pages(Cursors::new(operation, max_pages, start), request, fetch).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parameter() {
        let get = |uri| next_page_param("ListX", uri, "beforeId");
        assert_eq!(get(None).unwrap(), None);
        assert_eq!(get(Some("")).unwrap(), None);
        assert_eq!(
            get(Some(
                "https://api.ngrok.ai/access-keys?limit=2&beforeId=ak_1"
            ))
            .unwrap(),
            Some("ak_1".to_owned())
        );
        assert_eq!(
            get(Some("/access-keys?beforeId=a%2Fb%2Bc+d")).unwrap(),
            Some("a/b+c d".to_owned())
        );
        assert_eq!(
            get(Some("access-keys?beforeId=x&beforeId=y")).unwrap(),
            Some("x".to_owned())
        );
    }

    #[test]
    fn missing_parameter_names_the_path_only() {
        let err = next_page_param(
            "ListX",
            Some("https://api.ngrok.ai/usage?cursor=opaque-secretish"),
            "beforeId",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Pagination { .. }));
        assert!(text.contains("ListX") && text.contains("/usage"), "{text}");
        assert!(!text.contains("opaque"), "{text}");
        assert!(next_page_param("ListX", Some("/x?beforeId="), "beforeId").is_err());
        assert!(next_page_param("ListX", Some("http://[::1"), "beforeId").is_err());
    }

    #[test]
    fn cursors_catch_repeats_and_the_cap() {
        let mut cursors = Cursors::new("ListX", 10, Some("a".into()));
        cursors.follow("b".into()).unwrap();
        cursors.follow("c".into()).unwrap();
        assert!(matches!(
            cursors.follow("a".into()),
            Err(Error::Pagination { .. })
        ));
        let mut cursors = Cursors::new("ListX", 3, None);
        cursors.follow("1".into()).unwrap();
        cursors.follow("2".into()).unwrap();
        let err = cursors.follow("3".into()).unwrap_err();
        assert!(err.to_string().contains("3 pages"), "{err}");
        assert_eq!(Cursors::new("ListX", 0, None).max_pages, 1);
    }
}
