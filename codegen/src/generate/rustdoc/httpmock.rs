//! Documents progenitor's httpmock output: `mod operations` and `trait MockServerExt`.

use heck::ToSnakeCase;
use syn::{FnArg, Item, ItemImpl, ItemStruct, TraitItem};

use super::index::*;
use crate::model::{Api, Op};
use crate::normalise::Plan;
use crate::syntax::*;

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
// httpmock's `operations` module.

pub(super) fn expectation_operation<'s>(
    ident: &str,
    docs: &SpecDocs<'s>,
) -> Result<(&'s Op<'s>, &'static str), String> {
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

pub(super) fn document_expectation_struct(
    s: &mut ItemStruct,
    docs: &SpecDocs,
) -> Result<(), String> {
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

pub(super) fn document_expectation_methods(
    imp: &mut ItemImpl,
    docs: &SpecDocs,
) -> Result<(), String> {
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
