//! Nullable PATCH fields are `Option<Nullable<T>>`. typify gives them
//! `skip_serializing_if = "Option::is_none"`, which sends the three states right, but
//! `Option`'s `Deserialize` reads `null` as `None`, so a PATCH body decoded from JSON
//! (a config file, a recorded request, the mock) would lose every "clear". This pass adds
//! `default` and a `deserialize_with` that keeps a present `null`.

use quote::quote;
use syn::{parse_quote, Fields, Item};

/// Edits every struct in `types` that has such fields; returns how many fields changed.
pub fn keep_nulls(types: &mut [Item]) -> usize {
    let mut changed = 0;
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            let ty = &field.ty;
            let text = quote!(#ty).to_string().replace(' ', "");
            if text.starts_with("::std::option::Option<crate::runtime::Nullable<") {
                field.attrs.push(parse_quote! {
                    #[serde(default, deserialize_with = "crate::runtime::nullable::deserialize_present")]
                });
                changed += 1;
            }
        }
    }
    changed
}
