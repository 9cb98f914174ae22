//! Turning the exchanges of one client call into a cassette.

use std::future::Future;
use std::path::PathBuf;

use crate::cassette::Cassette;

use super::Proxy;

// Writing cassettes

/// What a recording produced.
#[derive(Debug, Default)]
pub struct Report {
    /// The cassettes written, in tour order.
    pub written: Vec<PathBuf>,
    /// Steps whose outcome was not the expected one (recorded anyway), and cleanup problems.
    pub warnings: Vec<String>,
}

pub(crate) struct Recorder<'a> {
    pub(crate) proxy: &'a Proxy,
    pub(crate) out: PathBuf,
    pub(crate) report: Report,
    /// operationIds with at least one cassette.
    pub(crate) recorded: std::collections::BTreeSet<String>,
}

impl Recorder<'_> {
    /// Runs one client call and writes what it sent and received as a cassette
    /// `NN-<operationId>[.<label>].json`.
    pub(crate) async fn call<T>(
        &mut self,
        operation_id: &str,
        label: &str,
        description: &str,
        call: impl Future<Output = Result<T, ngrok_ai::Error>>,
    ) -> Result<T, String> {
        let result = call.await;
        self.write(operation_id, label, description)?;
        result.map_err(|e| format!("{operation_id}: {e}"))
    }

    /// Like [`Recorder::call`] for a deliberate error: anything but an error with `status`
    /// is recorded too, with a warning.
    pub(crate) async fn call_expecting<T>(
        &mut self,
        operation_id: &str,
        label: &str,
        status: u16,
        description: &str,
        call: impl Future<Output = Result<T, ngrok_ai::Error>>,
    ) -> Result<Option<T>, String> {
        let result = call.await;
        self.write(operation_id, label, description)?;
        match result {
            Err(error) if error.status().map(|s| s.as_u16()) == Some(status) => Ok(None),
            Err(error) => {
                self.report.warnings.push(format!(
                    "{operation_id} ({label}): expected {status}, got error {error}"
                ));
                Ok(None)
            }
            Ok(value) => {
                self.report.warnings.push(format!(
                    "{operation_id} ({label}): expected {status}, but the call succeeded"
                ));
                Ok(Some(value))
            }
        }
    }

    pub(crate) fn write(
        &mut self,
        operation_id: &str,
        label: &str,
        description: &str,
    ) -> Result<(), String> {
        let interactions = self.proxy.take();
        if interactions.is_empty() {
            self.report.warnings.push(format!(
                "{operation_id} ({label}): the client sent nothing, no cassette"
            ));
            return Ok(());
        }
        let mut cassette = Cassette {
            operation_id: operation_id.to_owned(),
            description: description.to_owned(),
            interactions,
        };
        cassette.redact();
        let step = self.report.written.len() + 1;
        let name = if label.is_empty() {
            format!("{step:02}-{operation_id}.json")
        } else {
            format!("{step:02}-{operation_id}.{label}.json")
        };
        let path = self.out.join(name);
        cassette.save(&path).map_err(|e| e.to_string())?;
        self.report.written.push(path);
        self.recorded.insert(operation_id.to_owned());
        Ok(())
    }

    /// Sends one raw request through the proxy (for operations the scripted tour does
    /// not know) and records it; returns the status and the JSON body.
    pub(crate) async fn raw(
        &mut self,
        http: &reqwest::Client,
        api_key: &str,
        (method, path_and_query): (&str, &str),
        body: Option<&serde_json::Value>,
        (operation_id, label, description): (&str, &str, &str),
    ) -> Result<(u16, serde_json::Value), String> {
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())
            .map_err(|e| format!("{operation_id}: {e}"))?;
        let mut request = http
            .request(method, format!("{}{path_and_query}", self.proxy.url()))
            .bearer_auth(api_key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{operation_id}: {e}"))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        self.write(operation_id, label, description)?;
        Ok((status, serde_json::from_str(&text).unwrap_or_default()))
    }
}
