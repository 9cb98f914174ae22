//! The model builders' messages name the field as the spec does, and its type, which is
//! what a caller of `send()` reads in `Error::InvalidRequest`: typify's
//! `no value supplied for created_at` becomes
//! `` `createdAt` is required in `AiGatewayAccessKey` ``, and
//! `error converting supplied value for allow: {e}` becomes
//! `` `allow` of `AiGatewayAccessScope` is not valid: {e} ``.

use std::collections::HashMap;

use syn::visit_mut::VisitMut;
use syn::{Item, LitStr};

use crate::syntax::{json_name, module_items, type_ident};

const MISSING: &str = "no value supplied for ";
const INVALID: &str = "error converting supplied value for ";

/// Rewrites the messages in the `Default` impls of `mod types`'s `builder` module;
/// returns how many it rewrote.
pub fn name_required_fields(types: &mut [Item]) -> usize {
    // Every model's Rust field names and the JSON names they stand for.
    let mut json_names: HashMap<String, HashMap<String, String>> = HashMap::new();
    for item in types.iter() {
        let Item::Struct(model) = item else { continue };
        let fields = model
            .fields
            .iter()
            .filter_map(|field| {
                let ident = field.ident.as_ref()?.to_string();
                let json = json_name(&field.attrs, &ident);
                Some((ident, json))
            })
            .collect();
        json_names.insert(model.ident.to_string(), fields);
    }
    let mut rewritten = 0;
    for item in types.iter_mut() {
        let Item::Mod(module) = item else { continue };
        if module.ident != "builder" {
            continue;
        }
        let Ok(items) = module_items(module) else {
            continue;
        };
        for item in items.iter_mut() {
            let Item::Impl(imp) = item else { continue };
            let Some(model) = type_ident(&imp.self_ty) else {
                continue;
            };
            let mut pass = Messages {
                model: &model,
                fields: json_names.get(&model),
                rewritten: 0,
            };
            pass.visit_item_impl_mut(imp);
            rewritten += pass.rewritten;
        }
    }
    rewritten
}

struct Messages<'a> {
    model: &'a str,
    fields: Option<&'a HashMap<String, String>>,
    rewritten: usize,
}

impl Messages<'_> {
    fn json<'f>(&'f self, field: &'f str) -> &'f str {
        self.fields
            .and_then(|fields| fields.get(field))
            .map_or(field, String::as_str)
    }

    fn rewrite(&mut self, text: &str) -> Option<String> {
        let message = if let Some(field) = text.strip_prefix(MISSING) {
            format!("`{}` is required in `{}`", self.json(field), self.model)
        } else {
            let (field, rest) = text.strip_prefix(INVALID)?.split_once(':')?;
            format!(
                "`{}` of `{}` is not valid:{rest}",
                self.json(field),
                self.model
            )
        };
        self.rewritten += 1;
        Some(message)
    }
}

impl VisitMut for Messages<'_> {
    fn visit_lit_str_mut(&mut self, lit: &mut LitStr) {
        if let Some(text) = self.rewrite(&lit.value()) {
            *lit = LitStr::new(&text, lit.span());
        }
    }

    // The setters' messages are `format!` arguments, which syn leaves as tokens.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        crate::syntax::rewrite_format_string(mac, |text| self.rewrite(text));
    }
}
