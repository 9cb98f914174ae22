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
//!
//! [`index`] looks the spec up for the passes; [`client`] documents the client crate,
//! [`httpmock`] the expectation crate; the `syn` helpers they share are `crate::syntax`.

mod client;
mod httpmock;
mod index;

use std::collections::BTreeMap;

use syn::{Attribute, Expr};

use crate::model::Api;
use crate::normalise::Plan;
use crate::syntax::is_doc;

pub use httpmock::document_httpmock;

use crate::syntax::{is_named, module_items};
use client::{document_client_methods, document_operation_builders, document_types};
use index::SpecDocs;
use syn::Item;

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

// ---------------------------------------------------------------------------------------
// Syntax helpers.

/// Makes the bare URLs of spec text (`https://api.ngrok.ai`) links (`<https://…>`), as
/// rustdoc asks.
pub(super) struct BareUrls;

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

pub(super) fn link_bare_urls(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::client::mentioned_model;
    use super::*;
    use crate::syntax::*;
    use syn::Type;

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
