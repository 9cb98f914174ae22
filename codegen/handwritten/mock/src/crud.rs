//! The conventional operations of a resource — list, create, get, update, delete, and
//! HEAD mirroring GET — served from the generic [`Store`](crate::store::Store), with the
//! hooks of [`crate::hooks`] called at their points:
//!
//! * create / update: 404 for a missing record, then 400 for a body naming a missing
//!   resource (`x-ngrok-references`), then [`hooks::before_write`], then the body is
//!   applied and the server-managed fields stamped;
//! * delete: 404, then 409 while a record references it (`x-ngrok-references`), then
//!   [`hooks::before_delete`];
//! * list: `beforeId` paging over the records that match the query parameters named
//!   like fields and that [`hooks::keep`] accepts;
//! * every rendered record goes through [`render::record`] (and so
//!   [`hooks::decorate`]).

use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::hooks;
use crate::render;
use crate::route::{Action, Operation, Resource, Route};
use crate::state::{now, Actor, Input, OpResult, Output, State};
use crate::store::{self, noun, Record};

/// Page size when `limit` is omitted and the spec declares no default (spec/README.md
/// §5.3 says the server uses 100).
pub const DEFAULT_LIMIT: usize = 100;

/// The query parameters of `beforeId` paging, which never filter.
const PAGING_PARAMS: [&str; 2] = ["beforeId", "limit"];

/// Whether a stored value is the query parameter's `wanted` text.
fn equals(stored: Option<&Value>, wanted: &str) -> bool {
    match stored {
        Some(Value::String(text)) => text == wanted,
        Some(Value::Null) | None => false,
        // A number or boolean: the text as JSON.
        Some(other) => serde_json::from_str::<Value>(wanted).is_ok_and(|w| &w == other),
    }
}

impl State {
    /// Runs the conventional `action` of `r` for `route`.
    pub(crate) fn serve_resource(
        &mut self,
        r: &'static Resource,
        action: Action,
        route: &Route,
        actor: &Actor,
        input: &Input,
    ) -> OpResult {
        let status = route.success_status;
        match action {
            Action::List | Action::HeadList => self.list(r, route, input),
            Action::Create => {
                let (_, body) = self.create_record(r, route.op, actor, input.body(), None)?;
                Ok(Output::json(status, body))
            }
            Action::Get | Action::Head => {
                let record = self.find(r, input.id())?;
                Ok(Output::json(status, render::record(self, r, record, false)))
            }
            Action::Update => self
                .update(r, route.op, actor, input)
                .map(|body| Output::json(status, body)),
            Action::Delete => {
                self.delete(r, route.op, input.id())?;
                Ok(Output::empty(status))
            }
        }
    }

    /// The record `id` of `r`, or the 404 naming it.
    pub(crate) fn find(&self, r: &Resource, id: &str) -> Result<&Record, Failure> {
        self.store
            .get(r, id)
            .ok_or_else(|| Failure::not_found(&noun(r), id))
    }

    /// Creates a record of `r` from `body` (with `id`, when a seed names one) and returns
    /// its ID and its create response.
    pub(crate) fn create_record(
        &mut self,
        r: &'static Resource,
        op: Operation,
        actor: &Actor,
        mut body: Map<String, Value>,
        id: Option<String>,
    ) -> Result<(String, Value), Failure> {
        if let Some(problem) = self.store.missing_reference(r, &body) {
            return Err(Failure::invalid_body(&problem));
        }
        hooks::before_write(self, op, actor, None, &mut body)?;
        let id = id.unwrap_or_else(|| self.ids.next(r.id_prefix));
        let record = self.new_record(r, &id, &body, actor);
        let rendered = render::record(self, r, &record, true);
        self.store.insert(r, id.clone(), record);
        Ok((id, rendered))
    }

    /// A record of `r` from a body that passed every check: the body's fields, the
    /// server-managed ones, and a fresh value for each `returned_once` field the body
    /// does not carry. Hooks use it for records they create on the side.
    pub(crate) fn new_record(
        &self,
        r: &Resource,
        id: &str,
        body: &Map<String, Value>,
        actor: &Actor,
    ) -> Record {
        let mut record = Record::new();
        store::apply_body(r, &mut record, body);
        store::stamp_new(r, &mut record, &self.base_url, id, actor, now());
        for field in r.fields.iter().filter(|f| f.returned_once) {
            if !record.contains_key(field.name) {
                let secret = hooks::mint_secret(r, field.name, id)
                    .unwrap_or_else(|| crate::ids::random_base62(40));
                record.insert(field.name.to_owned(), Value::String(secret));
            }
        }
        record
    }

    fn list(&self, r: &Resource, route: &Route, input: &Input) -> OpResult {
        let limit = input
            .param("limit")
            .or_else(|| {
                let declared = route.query.iter().find(|q| q.name == "limit");
                declared.and_then(|q| q.default)
            })
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(DEFAULT_LIMIT);
        // A declared query parameter named like a field of the resource filters by
        // equality (the paging parameters aside); other filters are hooks.
        let filters: Vec<(&str, &str)> = route
            .query
            .iter()
            .filter(|q| !PAGING_PARAMS.contains(&q.name) && store::field(r, q.name).is_some())
            .filter_map(|q| Some((q.name, input.param(q.name)?)))
            .collect();
        let (page, more) = self
            .store
            .page(r, input.param("beforeId"), limit, |record| {
                filters
                    .iter()
                    .all(|(name, wanted)| equals(record.get(*name), wanted))
                    && hooks::keep(route.op, input, record)
            });
        let items = page
            .iter()
            .map(|(_, record)| render::record(self, r, record, false))
            .collect();
        let next = more
            .then(|| page.last())
            .flatten()
            .map(|(id, _)| render::next_uri(&self.base_url, input, "beforeId", id));
        let items_key = r
            .items
            .or(route.pagination.map(|p| p.items))
            .unwrap_or("items");
        let uri = render::request_uri(&self.base_url, input);
        Ok(Output::json(
            route.success_status,
            render::list(items_key, items, uri, next),
        ))
    }

    fn update(
        &mut self,
        r: &Resource,
        op: Operation,
        actor: &Actor,
        input: &Input,
    ) -> Result<Value, Failure> {
        let id = input.id();
        self.find(r, id)?;
        let mut body = input.body();
        if let Some(problem) = self.store.missing_reference(r, &body) {
            return Err(Failure::invalid_body(&problem));
        }
        hooks::before_write(self, op, actor, Some(id), &mut body)?;
        let record = self
            .store
            .get_mut(r, id)
            .ok_or_else(|| Failure::not_found(&noun(r), id))?;
        store::apply_body(r, record, &body);
        store::stamp_update(r, record, actor, now());
        let record = self.find(r, id)?;
        Ok(render::record(self, r, record, false))
    }

    fn delete(&mut self, r: &Resource, op: Operation, id: &str) -> Result<(), Failure> {
        self.find(r, id)?;
        if let Some(by) = self.store.referrer(r, id) {
            return Err(Failure::still_referenced(&noun(r), id, &by));
        }
        hooks::before_delete(self, op, id)?;
        self.store.remove(r, id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_compare_the_query_text_with_the_stored_value() {
        assert!(equals(Some(&json!("aigac_1")), "aigac_1"));
        assert!(!equals(Some(&json!("aigac_1")), "aigac_2"));
        assert!(equals(Some(&json!(3)), "3"));
        assert!(equals(Some(&json!(true)), "true"));
        assert!(!equals(Some(&json!(3)), "three"));
        assert!(
            !equals(Some(&Value::Null), "null"),
            "an unset field matches nothing"
        );
        assert!(!equals(None, ""));
    }
}
