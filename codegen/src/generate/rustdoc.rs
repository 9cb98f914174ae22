//! Documentation for every public item of the generated crates.
//!
//! progenitor and typify document types and most fields from the spec, but leave out the
//! builder setters, `builder()`/`new()` functions, builder structs, fields whose schema is
//! a `$ref` or was replaced (secrets, nullable PATCH fields), enum variants, and the
//! httpmock wrappers; and they give each `Client` method an ```` ```ignore ```` example.
//! This pass fills every gap with text taken from the spec (the parameter, property or
//! schema description), so that the generated crates compile with
//! `#![deny(missing_docs)]` and have no ignored doctests.
//!
//! Each function edits one kind of item and never overwrites documentation that is
//! already there (except the `Client` methods' progenitor text, which is replaced).

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::Value;
use syn::{
    Attribute, Expr, Fields, FnArg, ImplItem, Item, ItemImpl, ItemMod, ItemStruct, TraitItem, Type,
};

use crate::model::{Api, Op};
use crate::normalise::{type_name, Plan};

/// An operation of the API model.
type Operation<'s> = Op<'s>;

/// Documents the client's syntax tree (before it is split into files): `mod types`,
/// `mod builder` and the `impl Client` blocks.
pub fn document_client(file: &mut syn::File, api: &Api, plan: &Plan) -> Result<(), String> {
    let docs = SpecDocs::new(api, plan)?;
    // The models first: the operation builders' docs name their fields.
    let mut fields = BTreeMap::new();
    for item in &mut file.items {
        if let Item::Mod(m) = item {
            if m.ident == "types" {
                fields = document_types(module_items(m)?, &docs)?;
            }
        }
    }
    for item in &mut file.items {
        match item {
            Item::Mod(m) if m.ident == "builder" => {
                document_operation_builders(module_items(m)?, &docs, &fields)?
            }
            Item::Impl(imp) if imp.trait_.is_none() && is_named(&imp.self_ty, "Client") => {
                document_client_methods(imp, &docs)?
            }
            _ => {}
        }
    }
    syn::visit_mut::VisitMut::visit_file_mut(&mut BareUrls, file);
    Ok(())
}

/// Documents progenitor's httpmock output: `mod operations` and `trait MockServerExt`.
pub fn document_httpmock(file: &mut syn::File, api: &Api, plan: &Plan) -> Result<(), String> {
    let docs = SpecDocs::new(api, plan)?;
    for item in &mut file.items {
        match item {
            Item::Mod(m) if m.ident == "operations" => {
                for item in module_items(m)? {
                    match item {
                        Item::Struct(s) => document_expectation_struct(s, &docs)?,
                        Item::Impl(imp) if imp.trait_.is_none() => {
                            document_expectation_methods(imp, &docs)?
                        }
                        _ => {}
                    }
                }
            }
            Item::Trait(t) if t.ident == "MockServerExt" => {
                set_doc_if_missing(
                    &mut t.attrs,
                    " One method per operation of the API on [`httpmock::MockServer`]: each \
                     adds an expectation whose `when` and `then` only accept that operation's \
                     parameters and the client's typed models.",
                );
                for item in &mut t.items {
                    let TraitItem::Fn(f) = item else { continue };
                    let op = docs.operation_by_snake(&f.sig.ident.to_string())?;
                    let camel = builder_name(&f.sig.ident.to_string());
                    let text = format!(
                        " Adds an expectation for `{}` (`{} {}`): `config_fn` receives \
                         [`operations::{camel}When`] to narrow the requests it matches and \
                         [`operations::{camel}Then`] to script the response.",
                        op.id,
                        op.method.to_uppercase(),
                        op.path
                    );
                    set_doc_if_missing(&mut f.attrs, &text);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The spec, indexed for look-ups.

struct SpecDocs<'s> {
    raw: &'s Value,
    /// The normalised document: it also has the component schemas the generator hoisted.
    normalised: Value,
    /// Rust type name → component schema name.
    schema_names: BTreeMap<String, String>,
    operations: &'s [Operation<'s>],
    /// Rust model name → the `Client` methods that take it as their request body.
    body_models: BTreeMap<String, Vec<String>>,
}

/// One parameter of an operation, as the docs need it.
struct Param {
    name: String,
    location: String,
    required: bool,
    description: Option<String>,
    example: Option<String>,
}

/// The parameter a generated setter sets (setters are the snake_case parameter names).
fn param_for_setter<'p>(
    params: &'p [Param],
    owner: &str,
    setter: &str,
    op: &Operation,
) -> Result<&'p Param, String> {
    params
        .iter()
        .find(|p| p.name.to_snake_case() == setter)
        .ok_or_else(|| format!("{owner}::{setter} matches no parameter of {}", op.id))
}

impl<'s> SpecDocs<'s> {
    fn new(api: &'s Api<'s>, plan: &'s Plan) -> Result<Self, String> {
        let normalised = serde_json::to_value(&plan.openapi)
            .map_err(|e| format!("normalised document does not serialise: {e}"))?;
        let mut schema_names = BTreeMap::new();
        for doc in [&normalised, api.raw] {
            let schemas = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object);
            for name in schemas.into_iter().flat_map(|s| s.keys()) {
                schema_names.insert(type_name(name), name.clone());
            }
        }
        let mut body_models: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for op in &api.operations {
            if let Some(schema) = op.body.as_ref().and_then(|b| b.schema_name) {
                body_models
                    .entry(type_name(schema))
                    .or_default()
                    .push(op.rust_method.clone());
            }
        }
        Ok(Self {
            raw: api.raw,
            normalised,
            schema_names,
            operations: &api.operations,
            body_models,
        })
    }

    /// The component schema typify named `rust`, from the spec as written if it is there.
    fn schema(&self, rust: &str) -> Option<&Value> {
        let name = self.schema_names.get(rust)?;
        let pointer = format!("/components/schemas/{}", escape(name));
        self.raw
            .pointer(&pointer)
            .or_else(|| self.normalised.pointer(&pointer))
    }

    fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix('#')
                .and_then(|p| self.raw.pointer(p).or_else(|| self.normalised.pointer(p)))
                .unwrap_or(value),
            None => value,
        }
    }

    /// The properties of a schema, including those of its `allOf` members.
    fn property<'v>(&'v self, schema: &'v Value, json: &str) -> Option<&'v Value> {
        let schema = self.resolve(schema);
        if let Some(p) = schema.get("properties").and_then(|p| p.get(json)) {
            return Some(p);
        }
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|member| self.property(member, json))
    }

    /// A description for a schema: its own, or that of the schema it refers to (directly,
    /// through a one-member `allOf`/`oneOf`/`anyOf`, or as the items of an array).
    fn describe(&self, schema: &Value) -> Option<String> {
        if let Some(d) = schema.get("description").and_then(Value::as_str) {
            return Some(d.trim().to_string());
        }
        if schema.get("$ref").is_some() {
            let target = self.resolve(schema);
            if !std::ptr::eq(target, schema) {
                return self.describe(target);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some([only]) = schema.get(key).and_then(Value::as_array).map(Vec::as_slice) {
                return self.describe(only);
            }
        }
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            return schema
                .get("items")
                .and_then(|items| self.describe(items))
                .map(|d| format!("A list; each item: {d}"));
        }
        None
    }

    /// The description of property `json` of the schema typify named `rust`.
    fn property_doc(&self, rust: &str, json: &str) -> Option<String> {
        let schema = self.schema(rust)?;
        let property = self.property(schema, json)?;
        self.describe(property)
    }

    fn schema_doc(&self, rust: &str) -> Option<String> {
        self.schema(rust).and_then(|s| self.describe(s))
    }

    /// The operation whose progenitor names (method `list_api_keys`, builder
    /// `ListApiKeys`) have this snake-case form.
    fn operation_by_snake(&self, snake: &str) -> Result<&'s Operation<'s>, String> {
        self.operations
            .iter()
            .find(|o| o.rust_method == snake)
            .ok_or_else(|| format!("no spec operation for progenitor's `{snake}`"))
    }

    fn operation_json(&self, op: &Operation) -> Option<&'s Value> {
        self.raw.pointer(&op.pointer)
    }

    fn operation_text(&self, op: &Operation, key: &str) -> Option<String> {
        let text = match key {
            "summary" => op.summary,
            _ => op.description,
        };
        Some(text.trim().to_string()).filter(|s| !s.is_empty())
    }

    /// Every parameter of `op`, path-level ones included, `$ref`s resolved.
    fn parameters(&self, op: &Operation) -> Vec<Param> {
        op.params
            .iter()
            .map(|p| Param {
                name: p.name.to_string(),
                location: p.location.to_string(),
                required: p.required,
                description: Some(p.description.trim().to_string())
                    .filter(|d| !d.is_empty())
                    .or_else(|| self.describe(p.schema)),
                example: p.example.map(|e| match e {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            })
            .collect()
    }

    fn request_body_doc(&self, op: &Operation) -> Option<String> {
        let body = self.resolve(self.operation_json(op)?.get("requestBody")?);
        body.get("description")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
            .or_else(|| {
                body.pointer("/content/application~1json/schema")
                    .and_then(|s| self.describe(s))
            })
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

// ---------------------------------------------------------------------------------------
// `mod types`: models, their builders, typify's error module.

/// Documents the models; returns what each struct field says, by (struct, field).
fn document_types(items: &mut [Item], docs: &SpecDocs) -> Result<FieldDocs, String> {
    let required = required_fields(items)?;
    // First paragraph of each type's doc, for fields of that type.
    let mut type_docs: BTreeMap<String, String> = BTreeMap::new();
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) => {
                let ident = s.ident.to_string();
                fill_type_doc(&mut s.attrs, &ident, docs);
                type_docs.insert(ident, first_paragraph(&doc_text(&s.attrs)));
            }
            Item::Enum(e) => {
                let ident = e.ident.to_string();
                fill_type_doc(&mut e.attrs, &ident, docs);
                type_docs.insert(ident, first_paragraph(&doc_text(&e.attrs)));
            }
            _ => {}
        }
    }

    // Fields and variants; what each struct's fields say, for the builders' setters.
    let mut field_docs = FieldDocs::new();
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) => {
                let owner = s.ident.to_string();
                if let Fields::Named(fields) = &mut s.fields {
                    for field in &mut fields.named {
                        let Some(ident) = &field.ident else { continue };
                        let json = json_name(&field.attrs, &ident.to_string());
                        if !has_doc(&field.attrs) {
                            let text = field_doc(docs, &type_docs, &owner, &json, &field.ty);
                            set_doc(&mut field.attrs, &text);
                        }
                        field_docs.insert(
                            (owner.clone(), ident.to_string()),
                            FieldDoc {
                                json,
                                doc: doc_text(&field.attrs),
                            },
                        );
                    }
                }
            }
            Item::Enum(e) => {
                let owner = e.ident.to_string();
                for variant in &mut e.variants {
                    if !has_doc(&variant.attrs) {
                        let wire = serde_rename(&variant.attrs)
                            .unwrap_or_else(|| variant.ident.to_string());
                        set_doc(&mut variant.attrs, &format!(" `{wire}`"));
                    }
                    if let Fields::Named(fields) = &mut variant.fields {
                        for field in &mut fields.named {
                            let Some(ident) = &field.ident else { continue };
                            if has_doc(&field.attrs) {
                                continue;
                            }
                            let json = json_name(&field.attrs, &ident.to_string());
                            let text = field_doc(docs, &type_docs, &owner, &json, &field.ty);
                            set_doc(&mut field.attrs, &text);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    for item in items.iter_mut() {
        match item {
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(owner) = type_ident(&imp.self_ty) else {
                    continue;
                };
                for f in impl_fns(imp) {
                    if has_doc(&f.attrs) || !is_pub(&f.vis) {
                        continue;
                    }
                    let text = match f.sig.ident.to_string().as_str() {
                        "builder" => format!(
                            " Starts a [`builder::{owner}`] with no field set: one method per \
                             field, then `try_into()` to get the `{owner}`{}. {}",
                            body_use(docs, &owner, "crate::Client::"),
                            required_note(&owner, &required, &field_docs)
                        ),
                        other => {
                            return Err(format!("undocumented `{owner}::{other}` in mod types"))
                        }
                    };
                    set_doc(&mut f.attrs, &text);
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                set_doc_if_missing(&mut m.attrs, " Builders for the models of this module.");
                document_model_builders(module_items(m)?, docs, &required, &field_docs)?;
            }
            Item::Mod(m) => {
                let name = m.ident.to_string();
                set_doc_if_missing(&mut m.attrs, &format!(" Supporting items: `{name}`."));
            }
            _ => {}
        }
    }
    Ok(field_docs)
}

type FieldDocs = BTreeMap<(String, String), FieldDoc>;

/// ", or pass it as it is to `.body(..)` of [`Client::create_x`]" for request bodies.
fn body_use(docs: &SpecDocs, model: &str, client: &str) -> String {
    let Some(methods) = docs.body_models.get(model) else {
        return String::new();
    };
    let links: Vec<String> = methods
        .iter()
        .map(|m| format!("[`{m}`]({client}{m})"))
        .collect();
    format!(
        ", or pass it as it is to `.body(..)` of {}",
        links.join(" or ")
    )
}

/// Which fields must be set before a model's builder converts.
fn required_note(
    owner: &str,
    required: &BTreeMap<String, Vec<String>>,
    fields: &FieldDocs,
) -> String {
    let needed = required.get(owner).cloned().unwrap_or_default();
    if needed.is_empty() {
        return "Every field is optional.".to_string();
    }
    let names: Vec<String> = needed
        .iter()
        .map(|f| {
            let json = fields
                .get(&(owner.to_string(), f.clone()))
                .map(|d| d.json.clone())
                .unwrap_or_else(|| f.clone());
            format!("`{json}`")
        })
        .collect();
    format!(
        "Required: {}; the conversion fails naming the first one missing.",
        names.join(", ")
    )
}

/// Required fields per model builder: those whose `Default` starts as `Err(..)`.
fn required_fields(items: &mut [Item]) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut required = BTreeMap::new();
    for item in items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        for item in module_items(m)?.iter_mut() {
            let Item::Impl(imp) = item else { continue };
            if !is_trait_impl(imp, "Default") {
                continue;
            }
            let Some(owner) = type_ident(&imp.self_ty) else {
                continue;
            };
            let mut finder = ErrFields::default();
            syn::visit_mut::VisitMut::visit_item_impl_mut(&mut finder, imp);
            required.insert(owner, finder.fields);
        }
    }
    Ok(required)
}

struct FieldDoc {
    json: String,
    doc: String,
}

fn fill_type_doc(attrs: &mut Vec<Attribute>, ident: &str, docs: &SpecDocs) {
    if has_doc(attrs) {
        return;
    }
    let text = docs
        .schema_doc(ident)
        .unwrap_or_else(|| format!("The `{ident}` model of the API."));
    set_doc(attrs, &indent(&text));
}

/// Doc of a model field that typify left undocumented: the property's description from
/// the spec, or else the description of the field's type (for a `$ref`), or a plain
/// statement of the JSON name.
fn field_doc(
    docs: &SpecDocs,
    type_docs: &BTreeMap<String, String>,
    owner: &str,
    json: &str,
    ty: &Type,
) -> String {
    if let Some(text) = docs.property_doc(owner, json) {
        return indent(&text);
    }
    let inner = innermost_type(ty);
    match inner
        .as_deref()
        .and_then(|t| type_docs.get(t).map(|d| (t, d)))
    {
        Some((t, d)) if !d.is_empty() => format!("{} See [`{t}`].", indent(d)),
        _ => format!(" The `{json}` field."),
    }
}

/// `builder::X` structs: the struct, its setters.
fn document_model_builders(
    items: &mut [Item],
    docs: &SpecDocs,
    required: &BTreeMap<String, Vec<String>>,
    field_docs: &FieldDocs,
) -> Result<(), String> {
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) => {
                let owner = s.ident.to_string();
                set_doc_if_missing(
                    &mut s.attrs,
                    &format!(
                        " Builder for [`{owner}`](super::{owner}), started by \
                         [`{owner}::builder`](super::{owner}::builder): one method per field, \
                         then `try_into()` (or `{owner}::try_from(builder)`){}. {}",
                        body_use(docs, &owner, "crate::Client::"),
                        required_note(&owner, required, field_docs)
                    ),
                );
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(owner) = type_ident(&imp.self_ty) else {
                    continue;
                };
                let needed = required.get(&owner).cloned().unwrap_or_default();
                for f in impl_fns(imp) {
                    if has_doc(&f.attrs) {
                        continue;
                    }
                    let setter = f.sig.ident.to_string();
                    let Some(field) = field_docs.get(&(owner.clone(), setter.clone())) else {
                        return Err(format!(
                            "builder::{owner}::{setter} sets no field of {owner}"
                        ));
                    };
                    let status = if needed.contains(&setter) {
                        "required"
                    } else {
                        "optional"
                    };
                    let text = format!(
                        " Sets `{}` ({status}).\n\n{}",
                        field.json,
                        indent(&field.doc)
                    );
                    set_doc(&mut f.attrs, &text);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Fields of a `Self { .. }` expression initialised with `Err(..)`.
#[derive(Default)]
struct ErrFields {
    fields: Vec<String>,
}

impl syn::visit_mut::VisitMut for ErrFields {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        for field in &node.fields {
            if let (syn::Member::Named(name), Expr::Call(call)) = (&field.member, &field.expr) {
                if matches!(&*call.func, Expr::Path(p) if p.path.is_ident("Err")) {
                    self.fields.push(name.to_string());
                }
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, node);
    }
}

// ---------------------------------------------------------------------------------------
// `mod builder`: one builder per operation.

fn document_operation_builders(
    items: &mut [Item],
    docs: &SpecDocs,
    fields: &FieldDocs,
) -> Result<(), String> {
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(owner) = type_ident(&imp.self_ty) else {
            continue;
        };
        let op = docs.operation_by_snake(&owner.to_snake_case())?;
        let method = op.rust_id.to_snake_case();
        let params = docs.parameters(op);
        for f in impl_fns(imp) {
            if has_doc(&f.attrs) || !is_pub(&f.vis) {
                continue;
            }
            let name = f.sig.ident.to_string();
            let text = match name.as_str() {
                "new" => format!(
                    " Starts the `{}` call with `client`; \
                     [`Client::{method}`](super::Client::{method}) does the same.",
                    op.id
                ),
                "body" => {
                    let model = mentioned_model(&f.sig)
                        .ok_or_else(|| format!("{owner}::body takes no types:: model"))?;
                    let about = docs
                        .request_body_doc(op)
                        .map(|d| format!("\n\n{}", indent(&d)))
                        .unwrap_or_default();
                    format!(
                        " Sets the request body: a [`types::{model}`] or its builder, \
                         [`types::builder::{model}`] (from `types::{model}::builder()`); \
                         a builder missing a required field fails in `send()`.{about}"
                    )
                }
                "body_map" => {
                    let model = mentioned_model(&f.sig)
                        .ok_or_else(|| format!("{owner}::body_map takes no types:: model"))?;
                    let example = fields
                        .keys()
                        .find(|(owner, _)| *owner == model)
                        .map(|(_, field)| format!(", e.g. `.body_map(|b| b.{field}(..))`"))
                        .unwrap_or_default();
                    format!(
                        " Edits the request body in place: `f` receives the body's \
                         [`types::builder::{model}`] as set so far (empty at first) and \
                         returns it{example}."
                    )
                }
                setter => {
                    let param = param_for_setter(&params, &owner, setter, op)?;
                    param_doc(param)
                }
            };
            set_doc(&mut f.attrs, &text);
        }
    }
    Ok(())
}

fn param_doc(param: &Param) -> String {
    let status = if param.required {
        "required"
    } else {
        "optional"
    };
    let mut text = format!(
        " Sets the `{}` {} parameter ({status}).",
        param.name, param.location
    );
    if let Some(d) = &param.description {
        text.push_str("\n\n");
        text.push_str(&indent(d));
    }
    if let Some(e) = &param.example {
        text.push_str(&format!("\n\n Example: `{e}`."));
    }
    text
}

/// The first `types::X` (or `types::builder::X`) named in a signature.
fn mentioned_model(sig: &syn::Signature) -> Option<String> {
    let tokens = quote::quote!(#sig).to_string();
    let mut rest = tokens.as_str();
    while let Some(i) = rest.find("types ::") {
        rest = &rest[i + "types ::".len()..];
        let word = rest.trim_start();
        let word = word.strip_prefix("builder ::").unwrap_or(word).trim_start();
        let ident: String = word
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !ident.is_empty() {
            return Some(ident);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// `impl Client`: one method per operation.

fn document_client_methods(imp: &mut ItemImpl, docs: &SpecDocs) -> Result<(), String> {
    for f in impl_fns(imp) {
        let Some(builder) = returned_builder(&f.sig.output) else {
            continue;
        };
        let op = docs.operation_by_snake(&builder.to_snake_case())?;
        let mut text = String::new();
        let summary = docs.operation_text(op, "summary");
        if let Some(s) = &summary {
            text.push_str(&format!(" {s}.\n\n"));
        }
        if let Some(d) = docs.operation_text(op, "description") {
            text.push_str(&format!("{}\n\n", indent(&d)));
        }
        let params = docs.parameters(op);
        let has_body = docs
            .operation_json(op)
            .is_some_and(|o| o.get("requestBody").is_some());
        let then = if params.is_empty() && !has_body {
            "; calling its"
        } else {
            ": set the parameters below with its methods, then call"
        };
        text.push_str(&format!(
            " Sends `{} {}` (operation `{}`). Returns a [`builder::{builder}`]{then} \
             [`send`](builder::{builder}::send)",
            op.method.to_uppercase(),
            op.path,
            op.id
        ));
        if params.is_empty() && !has_body {
            text.push_str(" sends the request");
        }
        if op.pagination.is_some() {
            text.push_str(&format!(
                " for one page, or [`stream`](builder::{builder}::stream) for every item of \
                 every page"
            ));
        }
        text.push('.');
        if !params.is_empty() || has_body {
            text.push_str("\n\n Parameters:");
            for p in &params {
                let status = if p.required { "required" } else { "optional" };
                text.push_str(&format!(
                    "\n - [`{}`](builder::{builder}::{}) ({} `{}`, {status})",
                    p.name.to_snake_case(),
                    p.name.to_snake_case(),
                    p.location,
                    p.name
                ));
                if let Some(d) = &p.description {
                    text.push_str(&format!(": {}", one_line(d)));
                }
            }
            if has_body {
                text.push_str(&format!(
                    "\n - [`body`](builder::{builder}::body) or \
                     [`body_map`](builder::{builder}::body_map) (the JSON request body)"
                ));
                if let Some(d) = docs.request_body_doc(op) {
                    text.push_str(&format!(": {}", one_line(&d)));
                }
            }
        }
        replace_doc(&mut f.attrs, &text);
    }
    Ok(())
}

/// `X` in `-> builder::X<'_>`.
fn returned_builder(output: &syn::ReturnType) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(p) = &**ty else { return None };
    let segments: Vec<_> = p.path.segments.iter().collect();
    match segments.as_slice() {
        [module, last] if module.ident == "builder" => Some(last.ident.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// httpmock's `operations` module.

fn expectation_operation<'s>(
    ident: &str,
    docs: &SpecDocs<'s>,
) -> Result<(&'s Operation<'s>, &'static str), String> {
    let (stem, kind) = if let Some(stem) = ident.strip_suffix("When") {
        (stem, "When")
    } else if let Some(stem) = ident.strip_suffix("Then") {
        (stem, "Then")
    } else {
        return Err(format!(
            "httpmock item `{ident}` is neither a When nor a Then"
        ));
    };
    Ok((docs.operation_by_snake(&stem.to_snake_case())?, kind))
}

fn document_expectation_struct(s: &mut ItemStruct, docs: &SpecDocs) -> Result<(), String> {
    let ident = s.ident.to_string();
    let (op, kind) = expectation_operation(&ident, docs)?;
    let call = format!("`{}` (`{} {}`)", op.id, op.method.to_uppercase(), op.path);
    let text = if kind == "When" {
        format!(
            " The request side of an expectation for {call}: matches the operation's method \
             and path; each method adds a condition on one parameter or the body."
        )
    } else {
        format!(
            " The response side of an expectation for {call}: the success answer the spec \
             declares, or an error with an `Error` body."
        )
    };
    set_doc_if_missing(&mut s.attrs, &text);
    Ok(())
}

fn document_expectation_methods(imp: &mut ItemImpl, docs: &SpecDocs) -> Result<(), String> {
    let Some(owner) = type_ident(&imp.self_ty) else {
        return Ok(());
    };
    let (op, kind) = expectation_operation(&owner, docs)?;
    let inner = if kind == "When" {
        "[`httpmock::When`]"
    } else {
        "[`httpmock::Then`]"
    };
    let params = docs.parameters(op);
    for f in impl_fns(imp) {
        if has_doc(&f.attrs) {
            continue;
        }
        let name = f.sig.ident.to_string();
        let takes_value = f.sig.inputs.iter().any(|a| matches!(a, FnArg::Typed(_)));
        let text = match (kind, name.as_str()) {
            (_, "new") => {
                format!(" Wraps `inner`, the {inner} httpmock passes to the expectation.")
            }
            (_, "into_inner") => format!(
                " The wrapped {inner}, to go beyond what this wrapper allows (e.g. a value the \
                 spec forbids)."
            ),
            ("When", "body") => " Matches requests whose JSON body equals `value`.".to_string(),
            ("When", setter) => {
                let param = param_for_setter(&params, &owner, setter, op)?;
                let mut text = if param.required {
                    format!(
                        " Matches requests whose `{}` {} parameter is `value`.",
                        param.name, param.location
                    )
                } else {
                    format!(
                        " Matches requests whose `{}` {} parameter is `value`, or, given \
                         `None`, that do not send it.",
                        param.name, param.location
                    )
                };
                if let Some(d) = &param.description {
                    text.push_str(&format!("\n\n{}", indent(d)));
                }
                text
            }
            ("Then", "client_error") => " Answers with `status` (a 4xx; panics otherwise) and \
                                          `value` as the JSON `Error` body."
                .to_string(),
            ("Then", "server_error") => " Answers with `status` (a 5xx; panics otherwise) and \
                                          `value` as the JSON `Error` body."
                .to_string(),
            ("Then", success) => {
                let status = match success {
                    "ok" => "200 OK",
                    "created" => "201 Created",
                    "accepted" => "202 Accepted",
                    "no_content" => "204 No Content",
                    other => return Err(format!("unknown httpmock response `{owner}::{other}`")),
                };
                if takes_value {
                    format!(" Answers `{status}` with `value` as the JSON body.")
                } else {
                    format!(" Answers `{status}` without a body.")
                }
            }
            _ => return Err(format!("unknown httpmock method `{owner}::{name}`")),
        };
        set_doc(&mut f.attrs, &text);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Syntax helpers.

/// Makes the bare URLs of spec text (`https://api.ngrok.ai`) links (`<https://…>`), as
/// rustdoc asks.
struct BareUrls;

impl syn::visit_mut::VisitMut for BareUrls {
    fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
        if !is_doc(attr) {
            return;
        }
        if let syn::Meta::NameValue(nv) = &mut attr.meta {
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &mut nv.value
            {
                let text = link_bare_urls(&s.value());
                *s = syn::LitStr::new(&text, s.span());
            }
        }
    }
}

fn link_bare_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut rest = text;
    while let Some(i) = rest.find(['`', 'h']) {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        if let Some(after) = from.strip_prefix('`') {
            in_code = !in_code;
            out.push('`');
            rest = after;
            continue;
        }
        let preceded = out.chars().last();
        let is_url = from.starts_with("https://") || from.starts_with("http://");
        if !is_url || in_code || matches!(preceded, Some('<' | '(' | '"' | '[')) {
            out.push('h');
            rest = &from[1..];
            continue;
        }
        let end = from
            .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
            .unwrap_or(from.len());
        let url = from[..end].trim_end_matches(['.', ',', ';', ':']);
        out.push_str(&format!("<{url}>"));
        rest = &from[url.len()..];
    }
    out.push_str(rest);
    out
}

fn module_items(m: &mut ItemMod) -> Result<&mut Vec<Item>, String> {
    m.content
        .as_mut()
        .map(|(_, items)| items)
        .ok_or_else(|| format!("`mod {}` has no body", m.ident))
}

fn impl_fns(imp: &mut ItemImpl) -> impl Iterator<Item = &mut syn::ImplItemFn> {
    imp.items.iter_mut().filter_map(|i| match i {
        ImplItem::Fn(f) => Some(f),
        _ => None,
    })
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn is_named(ty: &Type, name: &str) -> bool {
    type_ident(ty).is_some_and(|t| t == name)
}

fn type_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_trait_impl(imp: &ItemImpl, name: &str) -> bool {
    imp.trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .is_some_and(|s| s.ident == name)
}

/// The type a field is "about": `Option<Nullable<Vec<T>>>` → `T`.
fn innermost_type(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let wrapper = ["Option", "Nullable", "Vec", "Box"].contains(&last.ident.to_string().as_str());
    if wrapper {
        if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
            for arg in &args.args {
                if let syn::GenericArgument::Type(inner) = arg {
                    return innermost_type(inner);
                }
            }
        }
    }
    Some(last.ident.to_string())
}

fn is_doc(attr: &Attribute) -> bool {
    attr.path().is_ident("doc")
}

fn has_doc(attrs: &[Attribute]) -> bool {
    attrs.iter().any(is_doc)
}

/// The documentation of an item, as one string (one line per `#[doc]`).
fn doc_text(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| is_doc(a)) {
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                lines.push(s.value());
            }
        }
    }
    lines.join("\n")
}

fn set_doc(attrs: &mut Vec<Attribute>, text: &str) {
    attrs.insert(0, syn::parse_quote!(#[doc = #text]));
}

fn set_doc_if_missing(attrs: &mut Vec<Attribute>, text: &str) {
    if !has_doc(attrs) {
        set_doc(attrs, text);
    }
}

fn replace_doc(attrs: &mut Vec<Attribute>, text: &str) {
    attrs.retain(|a| !is_doc(a));
    set_doc(attrs, text);
}

/// Doc text with a leading space on every line, as `///` comments have.
fn indent(text: &str) -> String {
    text.trim()
        .lines()
        .map(|l| {
            let l = l.trim_start();
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_paragraph(doc: &str) -> String {
    doc.trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The JSON name of a field: its `#[serde(rename = "..")]`, else the Rust name.
fn json_name(attrs: &[Attribute], ident: &str) -> String {
    serde_rename(attrs).unwrap_or_else(|| ident.trim_start_matches("r#").to_string())
}

fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|a| {
            let tokens = quote::quote!(#a).to_string();
            let start = tokens.find("rename = \"")? + "rename = \"".len();
            let rest = &tokens[start..];
            Some(rest[..rest.find('"')?].to_string())
        })
}

/// `ListApiKeys` for `list_api_keys`: progenitor's builder and httpmock wrapper names.
fn builder_name(snake: &str) -> String {
    use heck::ToUpperCamelCase;
    snake.to_upper_camel_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated crates carry `#![deny(missing_docs)]` (so an undocumented item fails
    /// their build) and no ignored example.
    #[test]
    fn the_generated_crates_deny_missing_docs_and_ignore_no_example() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let spec = crate::load::load_spec(&root.join(crate::SPEC_PATH)).unwrap();
        let output = crate::generate::generate(&spec).unwrap();
        for crate_dir in ["generated/ngrok-ai", "generated/ngrok-ai-httpmock"] {
            let lib = &output.files[&std::path::PathBuf::from(crate_dir).join("src/lib.rs")];
            assert!(lib.contains("#![deny(missing_docs)]"), "{crate_dir}");
        }
        for (path, text) in &output.files {
            assert!(!text.contains("```ignore"), "{}", path.display());
            assert!(!text.contains("```no_run"), "{}", path.display());
        }
        let manifest = &output.files[&std::path::PathBuf::from("generated/ngrok-ai/Cargo.toml")];
        assert!(manifest.contains("[dev-dependencies]\n"), "{manifest}");
        assert!(manifest.contains("ngrok-ai-mock = { path = \"../ngrok-ai-mock\" }"));
    }

    #[test]
    fn helpers() {
        let ty: Type = syn::parse_quote!(
            ::std::option::Option<crate::runtime::Nullable<::std::vec::Vec<crate::types::Foo>>>
        );
        assert_eq!(innermost_type(&ty).as_deref(), Some("Foo"));
        let attrs: Vec<Attribute> =
            vec![syn::parse_quote!(#[serde(rename = "createdAt", default)])];
        assert_eq!(json_name(&attrs, "created_at"), "createdAt");
        let attrs: Vec<Attribute> = vec![syn::parse_quote!(#[serde(rename_all = "camelCase")])];
        assert_eq!(json_name(&attrs, "r#type"), "type");
        assert_eq!(indent("a\n  b\n\nc"), " a\n b\n\n c");
        assert_eq!(first_paragraph(" one\n two\n\n three"), "one\n two");
        let sig: syn::Signature =
            syn::parse_quote!(fn body<V>(self, v: V) where V: TryInto<types::builder::Foo>);
        assert_eq!(mentioned_model(&sig).as_deref(), Some("Foo"));
        assert_eq!(
            link_bare_urls("at https://api.ngrok.ai. See `https://x.y` or <https://z>, http://a/b"),
            "at <https://api.ngrok.ai>. See `https://x.y` or <https://z>, <http://a/b>"
        );
    }
}
