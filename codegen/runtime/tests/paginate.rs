//! The lazy page stream.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use ngrok_ai_runtime::paginate::pages;
use ngrok_ai_runtime::Error;

type Page = Result<ngrok_ai_runtime::paginate::Page<i32, usize>, Error>;

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
            Ok((items, Ok((page < 2).then_some(page + 1))))
        };
        std::future::ready(result)
    }
}

#[tokio::test]
async fn yields_every_item_in_order() {
    let calls = Arc::new(AtomicUsize::new(0));
    let items: Vec<i32> = pages(0, fake(calls.clone(), None))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, vec![0, 1, 2, 10, 11, 12, 20, 21, 22]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn fetches_lazily() {
    let calls = Arc::new(AtomicUsize::new(0));
    let stream = pages(0, fake(calls.clone(), None));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    let items: Vec<_> = stream.take(2).collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    let stream = pages(0, fake(calls.clone(), None));
    let items: Vec<_> = stream.take(4).collect().await;
    assert_eq!(items.len(), 4);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn stops_after_the_first_error() {
    let calls = Arc::new(AtomicUsize::new(0));
    let results: Vec<Result<i32, Error>> = pages(0, fake(calls.clone(), Some(1))).collect().await;
    assert_eq!(results.len(), 4);
    let values: Vec<i32> = results[..3].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(values, vec![0, 1, 2]);
    assert!(matches!(results[3], Err(Error::Pagination { .. })));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn empty_first_page_ends_the_stream() {
    let stream = pages((), |()| async {
        Ok::<_, Error>((Vec::<u8>::new(), Ok(None)))
    });
    let items: Vec<_> = stream.collect().await;
    assert!(items.is_empty());
}

#[tokio::test]
async fn a_bad_next_cursor_comes_after_the_items_of_its_page() {
    let stream = pages(0u8, |_| async {
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
