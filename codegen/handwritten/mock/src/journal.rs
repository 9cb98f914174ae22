//! The request journal: what the mock received and answered, for assertions.
//!
//! It is bounded: a ring buffer of [`DEFAULT_JOURNAL_CAPACITY`] entries unless
//! [`crate::MockServerBuilder::journal_capacity`] (or `--journal-capacity` of the binary)
//! says otherwise; when full, the oldest entry is dropped for each new one. Requests that
//! did not authenticate are journaled too, but their path and query are cut to
//! [`UNAUTHENTICATED_TEXT_LIMIT`] bytes, so that strangers cannot make the mock keep
//! large strings. [`crate::MockServer::clear_journal`] empties it from code; the binary
//! empties it on `DELETE /_mock/journal` (see the crate docs, "Standalone").

use std::collections::VecDeque;

/// Entries kept by default (the oldest are dropped beyond it).
pub const DEFAULT_JOURNAL_CAPACITY: usize = 10_000;

/// How many bytes of the path and of the query of an unauthenticated request are kept
/// (in the journal and the request log); a cut text ends with `…`.
pub const UNAUTHENTICATED_TEXT_LIMIT: usize = 256;

/// One request as the mock saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// The spec operationId, or `None` when no operation matched (404/405).
    pub operation: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path, without the query (cut for unauthenticated requests).
    pub path: String,
    /// The raw query string, if any (cut for unauthenticated requests).
    pub query: Option<String>,
    /// Status sent; `None` when an injected fault dropped the connection.
    pub status: Option<u16>,
    /// Whether an injected fault shaped this response.
    pub faulted: bool,
    /// Why the response body did not match the spec's response schema, if it did not.
    /// Should always be `None`; [`crate::MockServer::response_violations`] lists the
    /// entries where it is not.
    pub response_problem: Option<String>,
}

impl JournalEntry {
    /// The entry as JSON (what `GET /_mock/journal` lists).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "faulted": self.faulted,
            "responseProblem": self.response_problem,
        })
    }
}

/// A ring buffer of [`JournalEntry`], oldest first.
#[derive(Debug, Clone)]
pub struct Journal {
    entries: VecDeque<JournalEntry>,
    capacity: usize,
    dropped: u64,
}

impl Journal {
    /// An empty journal keeping at most `capacity` entries (0: none).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            dropped: 0,
        }
    }

    /// Adds an entry, dropping the oldest when full.
    pub fn push(&mut self, entry: JournalEntry) {
        if self.capacity == 0 {
            self.dropped += 1;
            return;
        }
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(entry);
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &JournalEntry> {
        self.entries.iter()
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The most entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many entries were dropped (or not kept) since the last [`Journal::clear`].
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.entries.shrink_to(1024);
        self.dropped = 0;
    }
}

/// `text` cut to at most `limit` bytes (on a character boundary), ending with `…` when
/// cut.
pub fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> JournalEntry {
        JournalEntry {
            operation: None,
            method: "GET".into(),
            path: format!("/{n}"),
            query: None,
            status: Some(200),
            faulted: false,
            response_problem: None,
        }
    }

    #[test]
    fn keeps_the_newest_entries() {
        let mut journal = Journal::new(3);
        for n in 0..5 {
            journal.push(entry(n));
        }
        let paths: Vec<&str> = journal.entries().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/2", "/3", "/4"]);
        assert_eq!(journal.dropped(), 2);
        journal.clear();
        assert!(journal.is_empty() && journal.dropped() == 0);
        let mut none = Journal::new(0);
        none.push(entry(1));
        assert!(none.is_empty());
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc…");
        assert_eq!(truncate("aéb", 2), "a…");
    }
}
