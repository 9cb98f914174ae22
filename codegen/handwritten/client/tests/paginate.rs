//! The lazy page stream.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use ngrok_ai_client_handwritten::paginate::{pages, Cursors};
use ngrok_ai_client_handwritten::Error;

type Page = Result<ngrok_ai_client_handwritten::paginate::Page<i32, usize>, Error>;

fn cursors() -> Cursors {
    Cursors::new("ListX", 10_000, None)
}

/// Three pages of ints; page `fail_at` (if any) fails.
fn fake(
    calls: Arc<AtomicUsize>,
    fail_at: Option<usize>,
) -> impl FnMut(usize) -> std::future::Ready<Page> {
    move |page| {
        calls.fetch_add(1, Ordering::SeqCst);
        let result = if Some(page) == fail_at {
            Err(Error::Pagination {
                operation: "ListX",
                message: "boom".into(),
            })
        } else {
            let items = (0..3).map(|i| (page * 10 + i) as i32).collect();
            Ok((
                items,
                Ok((page < 2).then(|| ((page + 1).to_string(), page + 1))),
            ))
        };
        std::future::ready(result)
    }
}

#[tokio::test]
async fn yields_every_item_in_order() {
    let calls = Arc::new(AtomicUsize::new(0));
    let items: Vec<i32> = pages(cursors(), 0, fake(calls.clone(), None))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, vec![0, 1, 2, 10, 11, 12, 20, 21, 22]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn fetches_lazily() {
    let calls = Arc::new(AtomicUsize::new(0));
    let stream = pages(cursors(), 0, fake(calls.clone(), None));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    let items: Vec<_> = stream.take(2).collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    let stream = pages(cursors(), 0, fake(calls.clone(), None));
    let items: Vec<_> = stream.take(4).collect().await;
    assert_eq!(items.len(), 4);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn stops_after_the_first_error() {
    let calls = Arc::new(AtomicUsize::new(0));
    let results: Vec<Result<i32, Error>> = pages(cursors(), 0, fake(calls.clone(), Some(1)))
        .collect()
        .await;
    assert_eq!(results.len(), 4);
    let values: Vec<i32> = results[..3].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(values, vec![0, 1, 2]);
    assert!(matches!(results[3], Err(Error::Pagination { .. })));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn empty_first_page_ends_the_stream() {
    let stream = pages(cursors(), (), |()| async {
        Ok::<_, Error>((Vec::<u8>::new(), Ok(None)))
    });
    let items: Vec<_> = stream.collect().await;
    assert!(items.is_empty());
}

#[tokio::test]
async fn a_bad_next_cursor_comes_after_the_items_of_its_page() {
    let stream = pages(cursors(), 0u8, |_| async {
        Ok::<_, Error>((
            vec![1, 2],
            Err(Error::Pagination {
                operation: "ListX",
                message: "nextPageUri has no cursor".into(),
            }),
        ))
    });
    let results: Vec<Result<i32, Error>> = stream.collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(*results[0].as_ref().unwrap(), 1);
    assert_eq!(*results[1].as_ref().unwrap(), 2);
    assert!(matches!(results[2], Err(Error::Pagination { .. })));
}

/// A server whose cursors go A → B → A → …: the stream stops at the first repeat.
#[tokio::test]
async fn a_cursor_cycle_is_an_error_not_a_loop() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let stream = pages(
        Cursors::new("ListX", 10_000, None),
        None,
        move |cursor: Option<&'static str>| {
            counter.fetch_add(1, Ordering::SeqCst);
            let next = if cursor == Some("A") { "B" } else { "A" };
            std::future::ready(Ok::<_, Error>((
                vec![1],
                Ok(Some((next.to_owned(), Some(next)))),
            )))
        },
    );
    let results: Vec<Result<i32, Error>> = stream.take(1_000).collect().await;
    let last = results.last().unwrap();
    assert!(
        matches!(
            last,
            Err(Error::Pagination {
                operation: "ListX",
                ..
            })
        ),
        "{last:?}"
    );
    assert!(last
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains("already followed"));
    // Pages: start, A, B; B's next (A) is a repeat.
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(results.len(), 4);
}

/// The cursor the caller started from counts as followed.
#[tokio::test]
async fn returning_to_the_first_cursor_is_a_repeat() {
    let stream = pages(
        Cursors::new("ListX", 10_000, Some("A".into())),
        "A",
        |cursor: &'static str| {
            let next = if cursor == "A" { "B" } else { "A" };
            std::future::ready(Ok::<_, Error>((
                Vec::<i32>::new(),
                Ok(Some((next.to_owned(), next))),
            )))
        },
    );
    let results: Vec<Result<i32, Error>> = stream.take(100).collect().await;
    assert_eq!(results.len(), 1);
    assert!(matches!(results[0], Err(Error::Pagination { .. })));
}

/// Empty pages, each with a fresh cursor, end at the page cap.
#[tokio::test]
async fn fresh_cursors_forever_stop_at_the_page_cap() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let stream = pages(Cursors::new("ListX", 50, None), 0u64, move |page: u64| {
        counter.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok::<_, Error>((
            Vec::<i32>::new(),
            Ok(Some((format!("c{page}"), page + 1))),
        )))
    });
    let results: Vec<Result<i32, Error>> = stream.take(100_000).collect().await;
    assert_eq!(calls.load(Ordering::SeqCst), 50);
    assert_eq!(results.len(), 1);
    let error = results[0].as_ref().unwrap_err();
    assert!(error.to_string().contains("50 pages"), "{error}");

    // The default cap is generous but finite.
    let (_, _, config) = ngrok_ai_client_handwritten::ClientBuilder::new()
        .api_key("k")
        .build_parts()
        .unwrap();
    assert_eq!(config.max_pages(), 10_000);
    let (_, _, config) = ngrok_ai_client_handwritten::ClientBuilder::new()
        .api_key("k")
        .max_pages(7)
        .build_parts()
        .unwrap();
    assert_eq!(config.max_pages(), 7);
}

/// What a generated list builder hands `Paging::stream`: a request that carries its
/// cursor, a page with items and a `nextPageUri`.
#[derive(Clone, Debug)]
struct Request {
    cursor: Option<String>,
    /// `nextPageUri` per cursor (`""` is the first page), as this fake server answers.
    links: Arc<Vec<(&'static str, Option<&'static str>)>>,
}

struct ListPage {
    items: Vec<String>,
    next_page_uri: Option<String>,
}

fn send_page(request: Request) -> std::future::Ready<Result<ListPage, Error>> {
    let at = request.cursor.as_deref().unwrap_or("");
    let link = request.links.iter().find(|(cursor, _)| *cursor == at);
    std::future::ready(match link {
        Some((_, next)) => Ok(ListPage {
            items: vec![format!("{at}.1"), format!("{at}.2")],
            next_page_uri: next.map(str::to_owned),
        }),
        None => Err(Error::Pagination {
            operation: "ListX",
            message: format!("no page at `{at}`"),
        }),
    })
}

fn set_cursor(request: Request, cursor: String) -> Request {
    Request {
        cursor: Some(cursor),
        ..request
    }
}

fn paging(max_pages: u32) -> ngrok_ai_client_handwritten::paginate::Paging {
    let (_, _, config) = ngrok_ai_client_handwritten::ClientBuilder::new()
        .api_key("k")
        .max_pages(max_pages)
        .build_parts()
        .unwrap();
    ngrok_ai_client_handwritten::paginate::Paging::new("ListX", "beforeId", &config)
}

async fn run(
    links: Vec<(&'static str, Option<&'static str>)>,
    start: Option<&str>,
    max_pages: u32,
) -> Vec<Result<String, String>> {
    let request = Request {
        cursor: start.map(str::to_owned),
        links: Arc::new(links),
    };
    paging(max_pages)
        .stream(
            request,
            start.map(str::to_owned),
            send_page,
            set_cursor,
            |page| (page.items, page.next_page_uri),
        )
        .map(|item| item.map_err(|e| e.to_string()))
        .collect()
        .await
}

#[tokio::test]
async fn paging_follows_the_cursor_param_of_next_page_uri() {
    let items = run(
        vec![
            ("", Some("/x?limit=2&beforeId=b")),
            ("b", Some("https://api.example/x?beforeId=c")),
            ("c", None),
        ],
        None,
        100,
    )
    .await;
    let items: Vec<String> = items.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        items,
        ["0.1", ".2", "b.1", "b.2", "c.1", "c.2"].map(|s| s.replace("0.1", ".1"))
    );
}

#[tokio::test]
async fn paging_treats_the_start_cursor_as_followed() {
    // The server links back to where the caller started: a loop, caught on the first page.
    let items = run(vec![("s", Some("/x?beforeId=s"))], Some("s"), 100).await;
    assert_eq!(items[..2], [Ok("s.1".to_owned()), Ok("s.2".to_owned())]);
    let error = items[2].as_ref().unwrap_err();
    assert!(
        error.contains("already followed") && error.contains("ListX"),
        "{error}"
    );
    assert_eq!(items.len(), 3);
}

#[tokio::test]
async fn paging_yields_a_pages_items_before_its_bad_link() {
    let items = run(vec![("", Some("/x?cursor=elsewhere"))], None, 100).await;
    assert_eq!(items[..2], [Ok(".1".to_owned()), Ok(".2".to_owned())]);
    let error = items[2].as_ref().unwrap_err();
    assert!(
        error.contains("`beforeId`") && !error.contains("elsewhere"),
        "{error}"
    );
    assert_eq!(items.len(), 3);
}

#[tokio::test]
async fn paging_stops_at_the_clients_page_cap() {
    let items = run(
        vec![
            ("", Some("/x?beforeId=b")),
            ("b", Some("/x?beforeId=c")),
            ("c", None),
        ],
        None,
        2,
    )
    .await;
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 4);
    let error = items.last().unwrap().as_ref().unwrap_err();
    assert!(error.contains("2 pages"), "{error}");
}

#[tokio::test]
async fn paging_ends_on_a_failed_page() {
    let items = run(vec![("", Some("/x?beforeId=gone"))], None, 100).await;
    assert_eq!(items.len(), 3);
    assert!(items[2].as_ref().unwrap_err().contains("no page at `gone`"));
}
