//! Fault injection: make the next N calls of an operation fail, stall or hang up.

use std::time::Duration;

/// What an injected fault does to a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status and an `Error` body instead of running the operation.
    Status(u16),
    /// Wait this long, then run the operation normally.
    Latency(Duration),
    /// Close the connection without sending a response.
    DropConnection,
}

/// A fault for the next [`Fault::times`] calls (default 1) of one operation, matched by
/// its spec operationId (e.g. `GetAIGatewayAccessKey`), or of every operation with `"*"`.
///
/// Faults apply after authentication, in the order they were injected.
///
/// ```
/// use ngrok_ai_mock::Fault;
/// use std::time::Duration;
///
/// let unavailable = Fault::status("GetAIGatewayAccessKey", 503).times(2);
/// let throttled = Fault::status("ListAIGatewayAccessKeys", 429).retry_after(1);
/// let slow = Fault::latency("*", Duration::from_millis(200));
/// let hang_up = Fault::drop_connection("CreateAIGatewayAccessKey");
/// # let _ = (unavailable, throttled, slow, hang_up);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The operationId it applies to, or `*`.
    pub operation: String,
    /// What it does.
    pub kind: FaultKind,
    /// How many more calls it affects.
    pub remaining: usize,
    /// `Retry-After` seconds sent with a [`FaultKind::Status`] response.
    pub retry_after: Option<u64>,
}

impl Fault {
    fn new(operation: impl Into<String>, kind: FaultKind) -> Self {
        Self {
            operation: operation.into(),
            kind,
            remaining: 1,
            retry_after: None,
        }
    }

    /// Answer `status` (e.g. 429, 500, 503) with an `Error` body.
    pub fn status(operation: impl Into<String>, status: u16) -> Self {
        Self::new(operation, FaultKind::Status(status))
    }

    /// Delay the response by `delay`; the operation then runs normally.
    pub fn latency(operation: impl Into<String>, delay: Duration) -> Self {
        Self::new(operation, FaultKind::Latency(delay))
    }

    /// Close the connection without a response (the client sees a transport error).
    pub fn drop_connection(operation: impl Into<String>) -> Self {
        Self::new(operation, FaultKind::DropConnection)
    }

    /// Affect the next `n` calls instead of one.
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = n;
        self
    }

    /// Send `Retry-After: <seconds>` with a status fault.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    fn matches(&self, operation: &str) -> bool {
        self.remaining > 0 && (self.operation == "*" || self.operation == operation)
    }
}

/// Takes one use of the first fault that applies to `operation`.
pub(crate) fn take(faults: &mut Vec<Fault>, operation: &str) -> Option<Fault> {
    let index = faults.iter().position(|f| f.matches(operation))?;
    let fault = &mut faults[index];
    fault.remaining -= 1;
    let taken = fault.clone();
    if fault.remaining == 0 {
        faults.remove(index);
    }
    Some(taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_used_up_in_order() {
        let mut faults = vec![
            Fault::status("A", 503).times(2),
            Fault::status("*", 500),
            Fault::drop_connection("B"),
        ];
        assert_eq!(take(&mut faults, "A").unwrap().kind, FaultKind::Status(503));
        assert_eq!(take(&mut faults, "B").unwrap().kind, FaultKind::Status(500));
        assert_eq!(take(&mut faults, "A").unwrap().kind, FaultKind::Status(503));
        assert_eq!(take(&mut faults, "A"), None);
        assert_eq!(
            take(&mut faults, "B").unwrap().kind,
            FaultKind::DropConnection
        );
        assert!(faults.is_empty());
        assert_eq!(take(&mut vec![Fault::status("A", 1).times(0)], "A"), None);
    }
}
