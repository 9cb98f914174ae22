//! `generated/ngrok-ai-httpmock`: progenitor's typed expectation mocks for `httpmock`,
//! for users who want exact scripted responses rather than the stateful fake.
//!
//! A sibling crate rather than part of `ngrok-ai-mock`, so that users of the fake do not
//! compile httpmock and the other way round.

use std::path::PathBuf;

use openapiv3::{ReferenceOr, StatusCode};
use progenitor_impl::Generator;

use super::{format_owned, guarded, settings, Output, HASH_HEADER, PACKAGE_COMMON, RUST_HEADER};
use crate::error::{CodegenError, Result};
use crate::load::Spec;
use crate::model::Api;
use crate::normalise::Plan;

const DIR: &str = "generated/ngrok-ai-httpmock";

pub fn files(spec: &Spec, api: &Api, plan: &Plan) -> Result<Output> {
    // The client drops error responses so it can decode them itself; an expectation mock
    // must be able to script them, so they come back here as 4XX/5XX `Error` bodies.
    let mut openapi = plan.openapi.clone();
    let error = ReferenceOr::ref_("#/components/responses/Error");
    for item in openapi.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for class in [4, 5] {
                operation
                    .responses
                    .responses
                    .insert(StatusCode::Range(class), error.clone());
            }
        }
    }
    let settings = settings(plan, "::ngrok_ai");
    let tokens = guarded(spec, api, "progenitor httpmock", || {
        Generator::new(&settings).httpmock(&openapi, "ngrok_ai")
    })?;
    let fail = |message: String| CodegenError::Generate {
        file: spec.path.clone(),
        message,
    };
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| fail(format!("progenitor httpmock output does not parse: {e}")))?;
    super::rustdoc::document_httpmock(&mut file, api, plan).map_err(fail)?;
    let dir = PathBuf::from(DIR);
    let mut out = Output {
        owned_dirs: vec![dir.clone()],
        ..Output::default()
    };
    out.files.insert(
        dir.join("src/expectations.rs"),
        format!("{RUST_HEADER}{}", format_owned(file)),
    );
    out.files.insert(dir.join("src/lib.rs"), lib_rs());
    out.files.insert(
        dir.join("Cargo.toml"),
        cargo_toml(&crate::release::crate_version()?),
    );
    Ok(out)
}

fn lib_rs() -> String {
    format!(
        r#"{RUST_HEADER}//! Typed expectation mocks for the ngrok.ai management API on top of
//! [`httpmock`]: one method per operation on [`httpmock::MockServer`] (through
//! [`MockServerExt`]) whose `when`/`then` arguments only accept the operation's
//! parameters and the client's typed models.
//!
//! For a fake that keeps state (a POST that a later GET returns), use `ngrok-ai-mock`.
//!
//! ```
//! use ngrok_ai::types;
//! use ngrok_ai_httpmock::MockServerExt;
//!
//! let server = httpmock::MockServer::start();
//! let balance = server.get_credit_balance(|_when, then| {{
//!     then.ok(&types::CreditBalance {{ balance_cents: 1888 }});
//! }});
//! let missing = server.get_access_key(|when, then| {{
//!     when.id("aigk_missing");
//!     then.client_error(404, &types::Error {{
//!         error_code: None,
//!         status_code: 404,
//!         msg: "not found".into(),
//!         details: Default::default(),
//!     }});
//! }});
//!
//! let client = ngrok_ai::Client::builder()
//!     .api_key("test-key")
//!     .base_url(server.base_url())
//!     .build()
//!     .unwrap();
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! runtime.block_on(async {{
//!     assert_eq!(client.get_credit_balance().send().await.unwrap().balance_cents, 1888);
//!     let error = client.get_access_key().id("aigk_missing").send().await.unwrap_err();
//!     assert!(error.is_not_found(), "{{error}}");
//! }});
//! balance.assert();
//! missing.assert();
//! ```

#![deny(missing_docs)]

// progenitor's output is formatted by prettyplease, not rustfmt; and it trips a few
// clippy lints we cannot fix without forking it.
#[rustfmt::skip]
#[allow(clippy::all)]
mod expectations;

pub use expectations::*;
"#
    )
}

fn cargo_toml(version: &str) -> String {
    format!(
        r#"{HASH_HEADER}[package]
name = "ngrok-ai-httpmock"
version = "{version}"
{PACKAGE_COMMON}
description = "Typed httpmock expectations for the ngrok.ai management API client"

[dependencies]
ngrok-ai = {{ path = "../ngrok-ai" }}
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
httpmock = {{ version = "0.9", default-features = false }}
regex = {{ version = "1", default-features = false, features = ["std"] }}
serde_json = "1"

[dev-dependencies]
tokio = {{ version = "1", features = ["rt", "net", "time"] }}
"#
    )
}
