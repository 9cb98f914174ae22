//! Documents the client crate: `mod types` (models, their builders, typify's error
//! module), `mod builder` (one builder per operation) and `impl Client`.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use syn::{Attribute, Expr, Fields, Item, ItemImpl, Type};

use super::index::*;
use crate::syntax::*;

// ---------------------------------------------------------------------------------------
// `mod types`: models, their builders, typify's error module.

/// Documents the models; returns what each struct field says, by (struct, field).
pub(super) fn document_types(items: &mut [Item], docs: &SpecDocs) -> Result<FieldDocs, String> {
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

pub(super) type FieldDocs = BTreeMap<(String, String), FieldDoc>;

/// ", or pass it as it is to `.body(..)` of [`Client::create_x`]" for request bodies.
pub(super) fn body_use(docs: &SpecDocs, model: &str, client: &str) -> String {
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
pub(super) fn required_note(
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
pub(super) fn required_fields(items: &mut [Item]) -> Result<BTreeMap<String, Vec<String>>, String> {
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

pub(super) struct FieldDoc {
    json: String,
    doc: String,
}

pub(super) fn fill_type_doc(attrs: &mut Vec<Attribute>, ident: &str, docs: &SpecDocs) {
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
pub(super) fn field_doc(
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
pub(super) fn document_model_builders(
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
pub(super) struct ErrFields {
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

pub(super) fn document_operation_builders(
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

pub(super) fn param_doc(param: &Param) -> String {
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
pub(super) fn mentioned_model(sig: &syn::Signature) -> Option<String> {
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

pub(super) fn document_client_methods(imp: &mut ItemImpl, docs: &SpecDocs) -> Result<(), String> {
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
pub(super) fn returned_builder(output: &syn::ReturnType) -> Option<String> {
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
