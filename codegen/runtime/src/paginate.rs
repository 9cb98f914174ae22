//! Helpers for the generated list streams: reading the next-page cursor out
//! of `nextPageUri` and turning page fetches into a lazy item stream.

use std::future::Future;

use futures_core::Stream;
use futures_util::{stream, StreamExt};

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
                url.path()
            ),
        }),
    }
}

/// Fails if the server handed back the cursor it was just given, which would
/// make the stream fetch the same page forever.
pub fn check_progress(
    operation: &'static str,
    previous: Option<&str>,
    next: &str,
) -> Result<(), Error> {
    if previous == Some(next) {
        return Err(Error::Pagination {
            operation,
            message: "the server returned the same next-page cursor again".to_owned(),
        });
    }
    Ok(())
}

/// One fetched page: its items, and the cursor of the next page (`Ok(None)` on the last
/// page). Reading the next cursor can fail after the items arrived; keeping that failure
/// separate lets the stream hand out the items before the error.
pub type Page<T, B> = (Vec<T>, Result<Option<B>, Error>);

enum State<B> {
    Fetch(B),
    Fail(Error),
    Done,
}

/// Streams the items of every page, starting from cursor `first`.
///
/// `fetch` gets a cursor and returns one [`Page`]. Pages are fetched only when the
/// previous page's items have been consumed, so at most one page is held in memory and
/// dropping the stream early saves requests. The first error is yielded (after the
/// items of the page it came with) and ends the stream.
pub fn pages<B, T, F, Fut>(first: B, mut fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(B) -> Fut,
    Fut: Future<Output = Result<Page<T, B>, Error>>,
{
    stream::unfold(State::Fetch(first), move |state| {
        // Calling `fetch` here, outside the async block, keeps `fetch` borrowed only
        // while the closure runs.
        let pending = match state {
            State::Fetch(cursor) => Ok(fetch(cursor)),
            State::Fail(error) => Err(Some(error)),
            State::Done => Err(None),
        };
        async move {
            let (items, next) = match pending {
                Err(None) => return None,
                Err(Some(error)) => return Some((vec![Err(error)], State::Done)),
                Ok(page) => match page.await {
                    Err(error) => return Some((vec![Err(error)], State::Done)),
                    Ok(page) => page,
                },
            };
            let state = match next {
                Ok(Some(cursor)) => State::Fetch(cursor),
                Ok(None) => State::Done,
                Err(error) => State::Fail(error),
            };
            Some((items.into_iter().map(Ok).collect::<Vec<_>>(), state))
        }
    })
    .flat_map(stream::iter)
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
    fn progress_check() {
        assert!(check_progress("ListX", None, "a").is_ok());
        assert!(check_progress("ListX", Some("a"), "b").is_ok());
        assert!(check_progress("ListX", Some("a"), "a").is_err());
    }
}
