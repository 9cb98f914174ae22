//! Walking two API models side by side: the API's header, every operation (parameters,
//! bodies, responses, pagination), then every pair of component schemas the operations
//! reach, each compared once with the directions it is used in.
//!
//! The walk runs twice. The first pass records nothing: it only follows the operations
//! into their schemas to learn which component pairs are used, and how (sent, read, or
//! both), until no pair gains a direction. The second records the changes.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::{IndexMap, IndexSet};
use serde_json::Value;

use super::change::{Change, Group};
use super::rules::{Dir, Rule};
use crate::model::{Api, Op};
use crate::pointer;

/// A place in both documents.
#[derive(Debug, Clone)]
pub(super) struct At {
    pub group: Group,
    pub old: String,
    pub new: String,
    pub dir: Dir,
}

impl At {
    pub fn new(group: Group, old: String, new: String, dir: Dir) -> Self {
        At {
            group,
            old,
            new,
            dir,
        }
    }

    /// One segment deeper on both sides.
    pub fn child(&self, segment: &str) -> At {
        let segment = pointer::escape(segment);
        At {
            group: self.group.clone(),
            old: format!("{}/{segment}", self.old),
            new: format!("{}/{segment}", self.new),
            dir: self.dir,
        }
    }

    fn with_dir(&self, dir: Dir) -> At {
        At {
            dir,
            ..self.clone()
        }
    }
}

/// Which document a change's pointer points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Old,
    New,
}

pub(super) struct Differ<'a> {
    pub old: &'a Api<'a>,
    pub new: &'a Api<'a>,
    pub wire: bool,
    record: bool,
    pub changes: Vec<Change>,
    /// Component pairs `(old name, new name)` and the directions they are used in.
    pairs: IndexMap<(String, String), Dir>,
    /// Shared parameters `(old name, new name)` that operations use in the same place.
    parameters: IndexSet<(String, String)>,
    pub depth: usize,
}

impl<'a> Differ<'a> {
    pub fn new(old: &'a Api<'a>, new: &'a Api<'a>, wire: bool) -> Self {
        Differ {
            old,
            new,
            wire,
            record: false,
            changes: Vec::new(),
            pairs: IndexMap::new(),
            parameters: IndexSet::new(),
            depth: 0,
        }
    }

    pub fn push(&mut self, at: &At, rule: Rule, side: Side, message: String) {
        if !self.record || (self.wire && !rule.is_wire()) {
            return;
        }
        let pointer = match side {
            Side::Old => at.old.clone(),
            Side::New => at.new.clone(),
        };
        self.changes.push(Change::new(
            at.group.clone(),
            pointer,
            rule,
            at.dir,
            message,
        ));
    }

    /// Notes that the old component `a` corresponds to the new `b`, used in `dir`.
    pub fn register(&mut self, a: &str, b: &str, dir: Dir) {
        let entry = self
            .pairs
            .entry((a.to_owned(), b.to_owned()))
            .or_insert(Dir::NONE);
        *entry = entry.union(dir);
    }

    /// Runs both passes and returns the changes, sorted by group and pointer.
    pub fn run(mut self) -> Vec<Change> {
        // Pass 1: learn the component pairs and their directions.
        self.operations();
        self.shared_parameters();
        if !self.wire {
            // A component on both sides is compared even when no operation reaches it.
            let common: Vec<&str> = self
                .old
                .schemas
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| self.new.schema(n).is_some())
                .collect();
            for name in common {
                self.register(name, name, Dir::NONE);
            }
        }
        let mut walked: BTreeMap<(String, String), Dir> = BTreeMap::new();
        loop {
            let next = self
                .pairs
                .iter()
                .find_map(|(pair, dir)| match walked.get(pair) {
                    Some(done) if !done.misses(*dir) => None,
                    _ => Some((pair.clone(), *dir)),
                });
            let Some((pair, dir)) = next else { break };
            walked.insert(pair.clone(), dir);
            self.component(&pair.0, &pair.1, dir);
        }
        // Pass 2: record.
        self.record = true;
        self.api();
        self.operations();
        self.shared_parameters();
        let pairs: Vec<_> = self.pairs.iter().map(|(p, d)| (p.clone(), *d)).collect();
        for ((a, b), dir) in pairs {
            self.component(&a, &b, dir);
        }
        if !self.wire {
            self.components_added_and_removed();
        }
        let mut changes = std::mem::take(&mut self.changes);
        changes.sort_by(|x, y| {
            (&x.group, &x.pointer, x.rule, &x.message)
                .cmp(&(&y.group, &y.pointer, y.rule, &y.message))
        });
        changes.dedup();
        changes
    }

    /// Compares each pair of shared parameters once.
    fn shared_parameters(&mut self) {
        let pairs: Vec<_> = self.parameters.iter().cloned().collect();
        for (a, b) in pairs {
            let path = |n: &str| format!("/components/parameters/{}", pointer::escape(n));
            let (Some(pa), Some(pb)) = (
                self.old.raw.pointer(&path(&a)),
                self.new.raw.pointer(&path(&b)),
            ) else {
                continue;
            };
            let at = At::new(
                Group::Parameter(b.clone()),
                path(&a),
                path(&b),
                Dir::REQUEST,
            );
            self.parameter(&at, pa, pb);
        }
    }

    /// Compares two parameter objects (names and places already matched).
    fn parameter(&mut self, at: &At, a: &Value, b: &Value) {
        let (a, b) = (
            pointer::deref(self.old.raw, a),
            pointer::deref(self.new.raw, b),
        );
        let text = |v: &'_ Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let name = text(b, "name").unwrap_or_default();
        if text(a, "name") != text(b, "name") {
            self.push(
                &at.child("name"),
                Rule::PathParameterRenamed,
                Side::New,
                format!(
                    "path parameter `{}` renamed to `{name}`",
                    text(a, "name").unwrap_or_default()
                ),
            );
        }
        let required = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
        match (required(a), required(b)) {
            (false, true) => self.push(
                &at.child("required"),
                Rule::ParameterRequired,
                Side::New,
                format!("parameter `{name}` is now required"),
            ),
            (true, false) => self.push(
                &at.child("required"),
                Rule::ParameterOptional,
                Side::New,
                format!("parameter `{name}` is now optional"),
            ),
            _ => {}
        }
        if a.get("description") != b.get("description") {
            self.push(
                &at.child("description"),
                Rule::DescriptionChanged,
                Side::New,
                format!("description of parameter `{name}` changed"),
            );
        }
        if a.get("example") != b.get("example") || a.get("examples") != b.get("examples") {
            self.push(
                &at.child("example"),
                Rule::ExampleChanged,
                Side::New,
                format!("example of parameter `{name}` changed"),
            );
        }
        for key in ["style", "explode", "allowEmptyValue", "deprecated"] {
            if a.get(key) != b.get(key) {
                self.push(
                    &at.child(key),
                    Rule::KeywordChanged,
                    Side::New,
                    format!("`{key}` of parameter `{name}` changed"),
                );
            }
        }
        static NULL: Value = Value::Null;
        let (sa, sb) = (
            a.get("schema").unwrap_or(&NULL),
            b.get("schema").unwrap_or(&NULL),
        );
        self.schema(&at.child("schema"), sa, sb);
    }

    fn component(&mut self, a: &str, b: &str, dir: Dir) {
        let (Some(old), Some(new)) = (self.old.schema(a), self.new.schema(b)) else {
            return;
        };
        let at = At::new(
            Group::Schema(b.to_owned()),
            format!("/components/schemas/{}", pointer::escape(a)),
            format!("/components/schemas/{}", pointer::escape(b)),
            dir,
        );
        self.schema(&at, old, new);
    }

    fn components_added_and_removed(&mut self) {
        let old: BTreeSet<&str> = self.old.schemas.iter().map(|(n, _)| *n).collect();
        let new: BTreeSet<&str> = self.new.schemas.iter().map(|(n, _)| *n).collect();
        for name in new.difference(&old) {
            let at = self.schema_at(name);
            self.push(
                &at,
                Rule::SchemaAdded,
                Side::New,
                format!("schema `{name}` added"),
            );
        }
        for name in old.difference(&new) {
            let at = self.schema_at(name);
            self.push(
                &at,
                Rule::SchemaRemoved,
                Side::Old,
                format!("schema `{name}` removed (its generated type goes)"),
            );
        }
    }

    fn schema_at(&self, name: &str) -> At {
        let p = format!("/components/schemas/{}", pointer::escape(name));
        At::new(Group::Schema(name.to_owned()), p.clone(), p, Dir::BOTH)
    }

    /// Servers, security, info and tags.
    fn api(&mut self) {
        let root = At::new(Group::Api, String::new(), String::new(), Dir::BOTH);
        if self.old.base_url != self.new.base_url {
            self.push(
                &root.child("servers").child("0").child("url"),
                Rule::ServerChanged,
                Side::New,
                format!(
                    "server URL changed from `{}` to `{}`",
                    self.old.base_url, self.new.base_url
                ),
            );
        }
        let schemes = |api: &Api<'_>| -> BTreeMap<String, Value> {
            api.raw
                .pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, v)| {
                    let mut v = v.clone();
                    if let Some(o) = v.as_object_mut() {
                        o.remove("description");
                    }
                    (k.clone(), v)
                })
                .collect()
        };
        let (a, b) = (schemes(self.old), schemes(self.new));
        let schemes_at = root.child("components").child("securitySchemes");
        for name in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
            if a.get(name) != b.get(name) {
                self.push(
                    &schemes_at.child(name),
                    Rule::SecurityChanged,
                    Side::New,
                    format!("security scheme `{name}` added, removed or changed"),
                );
            }
        }
        if self.old.raw.get("security") != self.new.raw.get("security") {
            self.push(
                &root.child("security"),
                Rule::SecurityChanged,
                Side::New,
                "the global security requirement changed".into(),
            );
        }
        for key in ["title", "version", "description"] {
            let path = format!("/info/{key}");
            if self.old.raw.pointer(&path) != self.new.raw.pointer(&path) {
                self.push(
                    &root.child("info").child(key),
                    Rule::InfoChanged,
                    Side::New,
                    format!("info.{key} changed"),
                );
            }
        }
        let old_tags: BTreeMap<&str, &str> = self
            .old
            .tags
            .iter()
            .map(|t| (t.name, t.description))
            .collect();
        let new_tags: BTreeMap<&str, &str> = self
            .new
            .tags
            .iter()
            .map(|t| (t.name, t.description))
            .collect();
        for name in old_tags
            .keys()
            .chain(new_tags.keys())
            .collect::<BTreeSet<_>>()
        {
            let what = match (old_tags.get(name), new_tags.get(name)) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                (Some(a), Some(b)) if a != b => "description changed",
                _ => continue,
            };
            self.push(
                &root.child("tags"),
                Rule::TagChanged,
                Side::New,
                format!("tag `{name}` {what}"),
            );
        }
    }

    /// Matches the operations (by operationId; with `--wire`, by method and path) and
    /// compares each pair.
    fn operations(&mut self) {
        let old = self.old;
        let new = self.new;
        let mut matched: Vec<(&Op<'a>, &Op<'a>)> = Vec::new();
        let mut old_left: Vec<&Op<'a>> = Vec::new();
        let mut new_left: Vec<&Op<'a>> = new.operations.iter().collect();
        for o in &old.operations {
            let found = new_left.iter().position(|n| {
                if self.wire {
                    route(o) == route(n)
                } else {
                    o.id == n.id
                }
            });
            match found {
                Some(i) => matched.push((o, new_left.remove(i))),
                None => old_left.push(o),
            }
        }
        // An operation whose operationId changed but whose route did not was renamed.
        let mut removed = Vec::new();
        for o in old_left {
            match new_left.iter().position(|n| route(o) == route(n)) {
                Some(i) => {
                    let n = new_left.remove(i);
                    let at = op_at(o, n);
                    self.push(
                        &at.child("operationId"),
                        Rule::OperationRenamed,
                        Side::New,
                        format!("operationId `{}` renamed to `{}`", o.id, n.id),
                    );
                    matched.push((o, n));
                }
                None => removed.push(o),
            }
        }
        for o in removed {
            let at = At::new(
                Group::Operation(o.id.to_owned()),
                o.pointer.clone(),
                o.pointer.clone(),
                Dir::BOTH,
            );
            self.push(
                &at,
                Rule::OperationRemoved,
                Side::Old,
                format!(
                    "operation {} {} removed (client method `{}`)",
                    o.method.to_uppercase(),
                    o.path,
                    o.rust_method
                ),
            );
        }
        for n in new_left {
            let at = At::new(
                Group::Operation(n.id.to_owned()),
                n.pointer.clone(),
                n.pointer.clone(),
                Dir::BOTH,
            );
            self.push(
                &at,
                Rule::OperationAdded,
                Side::New,
                format!(
                    "operation {} {} added (client method `{}`)",
                    n.method.to_uppercase(),
                    n.path,
                    n.rust_method
                ),
            );
            // Walk its schemas too, so the components it uses learn their direction.
            if !self.record {
                self.new_operation_directions(n);
            }
        }
        for (o, n) in matched {
            self.operation(o, n);
        }
    }

    /// Registers the components a new operation uses, paired with themselves if the old
    /// description has them (so a schema newly used as a request learns it).
    fn new_operation_directions(&mut self, n: &Op<'a>) {
        let mut names = Vec::new();
        if let Some(b) = n.body.as_ref().and_then(|b| b.schema_name) {
            names.push((b, Dir::REQUEST));
        }
        if let Some(r) = n.response.as_ref().and_then(|b| b.schema_name) {
            names.push((r, Dir::RESPONSE));
        }
        for (name, dir) in names {
            if self.old.schema(name).is_some() {
                self.register(name, name, dir);
            }
        }
    }

    fn operation(&mut self, o: &Op<'a>, n: &Op<'a>) {
        let at = op_at(o, n);
        if !self.wire && route(o) != route(n) {
            self.push(
                &at,
                Rule::OperationMoved,
                Side::New,
                format!(
                    "moved from {} {} to {} {}",
                    o.method.to_uppercase(),
                    o.path,
                    n.method.to_uppercase(),
                    n.path
                ),
            );
        }
        for (key, a, b) in [
            ("summary", o.summary, n.summary),
            ("description", o.description, n.description),
        ] {
            if a != b {
                self.push(
                    &at.child(key),
                    Rule::DescriptionChanged,
                    Side::New,
                    format!("{key} changed"),
                );
            }
        }
        // Operation keywords the model does not carry.
        let (ro, rn) = (
            self.old.raw.pointer(&o.pointer),
            self.new.raw.pointer(&n.pointer),
        );
        for (key, rule) in [
            ("deprecated", Rule::DescriptionChanged),
            ("security", Rule::SecurityChanged),
            ("servers", Rule::ServerChanged),
            ("callbacks", Rule::KeywordChanged),
        ] {
            let (a, b) = (ro.and_then(|r| r.get(key)), rn.and_then(|r| r.get(key)));
            if a != b {
                self.push(&at.child(key), rule, Side::New, format!("`{key}` changed"));
            }
        }
        if o.tag != n.tag {
            self.push(
                &at.child("tags").child("0"),
                Rule::OperationTagChanged,
                Side::New,
                format!("tag changed from `{}` to `{}`", o.tag, n.tag),
            );
        }
        self.parameters(&at, o, n);
        self.request_body(&at, o, n);
        self.responses(&at, o, n);
        self.pagination(&at, o, n);
    }

    fn parameters(&mut self, at: &At, o: &Op<'a>, n: &Op<'a>) {
        let at = at.with_dir(Dir::REQUEST);
        let key = |op: &Op<'_>, p: &crate::model::Param<'_>| -> (String, String) {
            if p.location == "path" {
                let index = path_params(op.path).iter().position(|q| *q == p.name);
                ("path".into(), format!("#{}", index.unwrap_or(usize::MAX)))
            } else {
                (p.location.to_owned(), p.name.to_owned())
            }
        };
        for np in &n.params {
            let here = self.param_at(&at, o, n, np.name, np.location);
            match o.params.iter().find(|op| key(o, op) == key(n, np)) {
                None => {
                    let rule = if np.required {
                        Rule::RequiredParameterAdded
                    } else {
                        Rule::OptionalParameterAdded
                    };
                    let req = if np.required { "required" } else { "optional" };
                    self.push(
                        &here,
                        rule,
                        Side::New,
                        format!("{req} {} parameter `{}` added", np.location, np.name),
                    );
                }
                Some(op) => {
                    let here = At {
                        old: param_pointer(self.old, o, op.name, op.location),
                        new: param_pointer(self.new, n, np.name, np.location),
                        ..at.clone()
                    };
                    let shared = |api: &Api<'_>, pointer: &str| {
                        api.raw
                            .pointer(pointer)
                            .and_then(|p| p.get("$ref"))
                            .and_then(Value::as_str)
                            .and_then(|r| r.strip_prefix("#/components/parameters/"))
                            .map(str::to_owned)
                    };
                    match (shared(self.old, &here.old), shared(self.new, &here.new)) {
                        // A shared parameter is compared once, under its own heading.
                        (Some(a), Some(b)) => {
                            self.parameters.insert((a, b));
                        }
                        _ => {
                            let (ra, rb) = (
                                self.old.raw.pointer(&here.old),
                                self.new.raw.pointer(&here.new),
                            );
                            if let (Some(ra), Some(rb)) = (ra, rb) {
                                self.parameter(&here, ra, rb);
                            }
                        }
                    }
                }
            }
        }
        for op in &o.params {
            if !n.params.iter().any(|np| key(n, np) == key(o, op)) {
                let here = self.param_at(&at, o, n, op.name, op.location);
                self.push(
                    &here,
                    Rule::ParameterRemoved,
                    Side::Old,
                    format!("{} parameter `{}` removed", op.location, op.name),
                );
            }
        }
    }

    /// The pointers of a parameter: its entry in the operation's (or the path item's)
    /// `parameters`, in each document.
    fn param_at(&self, at: &At, o: &Op<'a>, n: &Op<'a>, name: &str, location: &str) -> At {
        At {
            old: param_pointer(self.old, o, name, location),
            new: param_pointer(self.new, n, name, location),
            ..at.clone()
        }
    }

    fn request_body(&mut self, at: &At, o: &Op<'a>, n: &Op<'a>) {
        let at = at.child("requestBody").with_dir(Dir::REQUEST);
        match (&o.body, &n.body) {
            (None, None) => {}
            (None, Some(b)) => {
                let rule = if b.required {
                    Rule::RequiredRequestBodyAdded
                } else {
                    Rule::OptionalRequestBodyAdded
                };
                self.push(&at, rule, Side::New, "request body added".into());
            }
            (Some(_), None) => self.push(
                &at,
                Rule::RequestBodyRemoved,
                Side::Old,
                "request body removed".into(),
            ),
            (Some(a), Some(b)) => {
                match (a.required, b.required) {
                    (false, true) => self.push(
                        &at.child("required"),
                        Rule::RequestBodyRequired,
                        Side::New,
                        "the request body is now required".into(),
                    ),
                    (true, false) => self.push(
                        &at.child("required"),
                        Rule::RequestBodyOptional,
                        Side::New,
                        "the request body is now optional".into(),
                    ),
                    _ => {}
                }
                let (ra, rb) = (
                    raw_at(self.old, &o.pointer, "requestBody"),
                    raw_at(self.new, &n.pointer, "requestBody"),
                );
                self.media(&at, ra, rb);
            }
        }
    }

    fn responses(&mut self, at: &At, o: &Op<'a>, n: &Op<'a>) {
        let at = at.child("responses").with_dir(Dir::RESPONSE);
        if o.success_status != n.success_status {
            self.push(
                &at.child(&n.success_status),
                Rule::SuccessStatusChanged,
                Side::New,
                format!(
                    "success status changed from {} to {}",
                    o.success_status, n.success_status
                ),
            );
        }
        let responses = |api: &Api<'a>, op: &Op<'a>| -> Vec<(String, &'a Value)> {
            api.raw
                .pointer(&format!("{}/responses", op.pointer))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), pointer::deref(api.raw, v)))
                .collect()
        };
        let (ra, rb) = (responses(self.old, o), responses(self.new, n));
        // The success responses pair up whatever their status.
        let key = |k: &str, op: &Op<'_>| -> String {
            if k == op.success_status {
                "success".into()
            } else {
                k.to_owned()
            }
        };
        for (kb, vb) in &rb {
            let mut here = at.child(kb);
            match ra.iter().find(|(ka, _)| key(ka, o) == key(kb, n)) {
                Some((ka, va)) => {
                    here.old = at.child(ka).old;
                    let (ma, mb) = (media_schema(va), media_schema(vb));
                    match (ma, mb) {
                        (Some(_), None) | (None, Some(_)) => self.push(
                            &here,
                            Rule::ResponseBodyChanged,
                            Side::New,
                            format!(
                                "the {kb} response {} a body",
                                if mb.is_some() {
                                    "now has"
                                } else {
                                    "no longer has"
                                }
                            ),
                        ),
                        _ => {}
                    }
                    if va.get("description") != vb.get("description") {
                        self.push(
                            &here.child("description"),
                            Rule::DescriptionChanged,
                            Side::New,
                            format!("description of the {kb} response changed"),
                        );
                    }
                    self.media(&here, va, vb);
                }
                None => self.push(
                    &here,
                    Rule::ResponseAdded,
                    Side::New,
                    format!("response {kb} added"),
                ),
            }
        }
        for (ka, _) in &ra {
            if !rb.iter().any(|(kb, _)| key(ka, o) == key(kb, n)) {
                self.push(
                    &at.child(ka),
                    Rule::ResponseRemoved,
                    Side::Old,
                    format!("response {ka} removed"),
                );
            }
        }
    }

    /// The JSON media type of a request body or response: its schema and example.
    fn media(&mut self, at: &At, a: &'a Value, b: &'a Value) {
        let here = at.child("content").child("application/json");
        let (ma, mb) = (
            a.pointer("/content/application~1json"),
            b.pointer("/content/application~1json"),
        );
        let (Some(ma), Some(mb)) = (ma, mb) else {
            return;
        };
        if ma.get("example") != mb.get("example") || ma.get("examples") != mb.get("examples") {
            self.push(
                &here.child("example"),
                Rule::ExampleChanged,
                Side::New,
                "example changed".into(),
            );
        }
        match (ma.get("schema"), mb.get("schema")) {
            (Some(sa), Some(sb)) => self.schema(&here.child("schema"), sa, sb),
            (None, None) => {}
            _ => self.push(
                &here.child("schema"),
                Rule::ResponseBodyChanged,
                Side::New,
                "the body's schema was added or removed".into(),
            ),
        }
    }

    fn pagination(&mut self, at: &At, o: &Op<'a>, n: &Op<'a>) {
        let at = at.child("x-ngrok-pagination");
        match (&o.pagination, &n.pagination) {
            (None, None) => {}
            (None, Some(p)) => self.push(
                &at,
                Rule::PaginationAdded,
                Side::New,
                format!("now paged (`{}` style over `{}`)", p.style, p.items),
            ),
            (Some(_), None) => self.push(
                &at,
                Rule::PaginationRemoved,
                Side::Old,
                "no longer paged".into(),
            ),
            (Some(a), Some(b)) => {
                let describe = |p: &crate::model::Pagination<'_>| {
                    format!("{} style, items `{}`, next `{}`", p.style, p.items, p.next)
                };
                if (a.style, a.items, a.next) != (b.style, b.items, b.next) {
                    self.push(
                        &at,
                        Rule::PaginationChanged,
                        Side::New,
                        format!("pagination changed from {} to {}", describe(a), describe(b)),
                    );
                }
            }
        }
    }
}

/// The pointers of an operation in both documents, grouped under its new operationId.
fn op_at(o: &Op<'_>, n: &Op<'_>) -> At {
    At::new(
        Group::Operation(n.id.to_owned()),
        o.pointer.clone(),
        n.pointer.clone(),
        Dir::REQUEST,
    )
}

/// Method and path, the path's parameter names blanked (`/keys/{}`): what the wire sees.
fn route(op: &Op<'_>) -> (String, String) {
    let mut path = String::new();
    let mut inside = false;
    for c in op.path.chars() {
        match c {
            '{' => {
                inside = true;
                path.push('{');
            }
            '}' => {
                inside = false;
                path.push('}');
            }
            _ if inside => {}
            c => path.push(c),
        }
    }
    (op.method.to_owned(), path)
}

/// `{a}`, `{b}` of `/x/{a}/y/{b}`, in order.
fn path_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect()
}

/// The resolved object at `{op}/{key}` (a request body, say); `Null` if absent.
fn raw_at<'a>(api: &Api<'a>, op: &str, key: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    api.raw
        .pointer(&format!("{op}/{key}"))
        .map_or(&NULL, |v| pointer::deref(api.raw, v))
}

fn media_schema(holder: &Value) -> Option<&Value> {
    holder.pointer("/content/application~1json/schema")
}

/// Pointer of a parameter's entry: in the operation's `parameters`, else in its path
/// item's; the operation's pointer if neither lists it.
fn param_pointer(api: &Api<'_>, op: &Op<'_>, name: &str, location: &str) -> String {
    let path_item = format!("/paths/{}", pointer::escape(op.path));
    for holder in [op.pointer.as_str(), path_item.as_str()] {
        let list = api
            .raw
            .pointer(&format!("{holder}/parameters"))
            .and_then(Value::as_array);
        for (i, p) in list.into_iter().flatten().enumerate() {
            let p = pointer::deref(api.raw, p);
            if p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some(location)
            {
                return format!("{holder}/parameters/{i}");
            }
        }
    }
    op.pointer.clone()
}
