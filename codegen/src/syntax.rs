//! Small `syn` helpers shared by the passes that edit or read generated syntax trees
//! (post-processing, rustdoc, the docs' reading of the client).

use syn::{Attribute, Expr, ImplItem, Item, ItemImpl, ItemMod, Type};

pub(crate) fn module_items(m: &mut ItemMod) -> Result<&mut Vec<Item>, String> {
    m.content
        .as_mut()
        .map(|(_, items)| items)
        .ok_or_else(|| format!("`mod {}` has no body", m.ident))
}

pub(crate) fn impl_fns(imp: &mut ItemImpl) -> impl Iterator<Item = &mut syn::ImplItemFn> {
    imp.items.iter_mut().filter_map(|i| match i {
        ImplItem::Fn(f) => Some(f),
        _ => None,
    })
}

pub(crate) fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

pub(crate) fn is_named(ty: &Type, name: &str) -> bool {
    type_ident(ty).is_some_and(|t| t == name)
}

pub(crate) fn type_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

pub(crate) fn is_trait_impl(imp: &ItemImpl, name: &str) -> bool {
    imp.trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .is_some_and(|s| s.ident == name)
}

/// The type a field is "about": `Option<Nullable<Vec<T>>>` → `T`.
pub(crate) fn innermost_type(ty: &Type) -> Option<String> {
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

pub(crate) fn is_doc(attr: &Attribute) -> bool {
    attr.path().is_ident("doc")
}

pub(crate) fn has_doc(attrs: &[Attribute]) -> bool {
    attrs.iter().any(is_doc)
}

/// The documentation of an item, as one string (one line per `#[doc]`).
pub(crate) fn doc_text(attrs: &[Attribute]) -> String {
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

pub(crate) fn set_doc(attrs: &mut Vec<Attribute>, text: &str) {
    attrs.insert(0, syn::parse_quote!(#[doc = #text]));
}

pub(crate) fn set_doc_if_missing(attrs: &mut Vec<Attribute>, text: &str) {
    if !has_doc(attrs) {
        set_doc(attrs, text);
    }
}

pub(crate) fn replace_doc(attrs: &mut Vec<Attribute>, text: &str) {
    attrs.retain(|a| !is_doc(a));
    set_doc(attrs, text);
}

/// Doc text with a leading space on every line, as `///` comments have.
pub(crate) fn indent(text: &str) -> String {
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

pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn first_paragraph(doc: &str) -> String {
    doc.trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The JSON name of a field: its `#[serde(rename = "..")]`, else the Rust name.
pub(crate) fn json_name(attrs: &[Attribute], ident: &str) -> String {
    serde_rename(attrs).unwrap_or_else(|| ident.trim_start_matches("r#").to_string())
}

/// The `rename` of a field's `#[serde(..)]` attributes, if any.
pub(crate) fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                // Skip the value of any other `key = value`.
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// `ListApiKeys` for `list_api_keys`: progenitor's builder and httpmock wrapper names.
pub(crate) fn builder_name(snake: &str) -> String {
    use heck::ToUpperCamelCase;
    snake.to_upper_camel_case()
}

/// Rewrites every doc attribute of `file` the way a person writes doc comments: one
/// `///` line per attribute, each line starting with a space. prettyplease prints a
/// one-line `#[doc]` with no leading space as `///text` and a multi-line one as a
/// `/** … */` block, which is how typify's and progenitor's docs came out.
pub(crate) fn normalise_doc_comments(file: &mut syn::File) {
    struct Docs;
    impl Docs {
        fn fix(attrs: &mut Vec<Attribute>) {
            if !attrs.iter().any(is_doc) {
                return;
            }
            let mut out = Vec::with_capacity(attrs.len());
            for attr in attrs.drain(..) {
                let text = match &attr.meta {
                    syn::Meta::NameValue(nv) if attr.path().is_ident("doc") => match &nv.value {
                        Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => Some((s.value(), s.span())),
                        _ => None,
                    },
                    _ => None,
                };
                let Some((text, span)) = text else {
                    out.push(attr);
                    continue;
                };
                let fixed = |line: &str| {
                    let line = line.trim_end();
                    if line.is_empty() || line.starts_with(' ') {
                        line.to_owned()
                    } else {
                        format!(" {line}")
                    }
                };
                // Already one line with its space: kept as it is (most attributes).
                if !text.contains('\n') && fixed(&text) == text {
                    out.push(attr);
                    continue;
                }
                // Each line a copy of the attribute with the line as its value: building
                // them with `parse_quote!` re-parsed tokens for every line of every doc.
                for line in text.split('\n') {
                    let mut copy = attr.clone();
                    if let syn::Meta::NameValue(nv) = &mut copy.meta {
                        nv.value = Expr::Lit(syn::ExprLit {
                            attrs: Vec::new(),
                            lit: syn::Lit::Str(syn::LitStr::new(&fixed(line), span)),
                        });
                    }
                    out.push(copy);
                }
            }
            *attrs = out;
        }
    }
    macro_rules! fix_attrs {
        ($($visit:ident: $node:ty),* $(,)?) => {
            impl syn::visit_mut::VisitMut for Docs {
                $(fn $visit(&mut self, node: &mut $node) {
                    Docs::fix(&mut node.attrs);
                    syn::visit_mut::$visit(self, node);
                })*
            }
        };
    }
    fix_attrs! {
        visit_file_mut: syn::File,
        visit_item_struct_mut: syn::ItemStruct,
        visit_item_enum_mut: syn::ItemEnum,
        visit_item_fn_mut: syn::ItemFn,
        visit_item_impl_mut: syn::ItemImpl,
        visit_item_mod_mut: syn::ItemMod,
        visit_item_trait_mut: syn::ItemTrait,
        visit_item_type_mut: syn::ItemType,
        visit_item_const_mut: syn::ItemConst,
        visit_item_static_mut: syn::ItemStatic,
        visit_item_use_mut: syn::ItemUse,
        visit_item_macro_mut: syn::ItemMacro,
        visit_field_mut: syn::Field,
        visit_variant_mut: syn::Variant,
        visit_impl_item_fn_mut: syn::ImplItemFn,
        visit_impl_item_const_mut: syn::ImplItemConst,
        visit_impl_item_type_mut: syn::ImplItemType,
        visit_trait_item_fn_mut: syn::TraitItemFn,
        visit_trait_item_type_mut: syn::TraitItemType,
        visit_trait_item_const_mut: syn::TraitItemConst,
    }
    syn::visit_mut::VisitMut::visit_file_mut(&mut Docs, file);
}

/// The comma-separated arguments of a function-like macro such as `format!`, which syn
/// keeps as tokens; after editing them, write them back with [`set_macro_args`].
pub(crate) fn macro_args(
    mac: &syn::Macro,
) -> syn::Result<syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>> {
    mac.parse_body_with(syn::punctuated::Punctuated::parse_terminated)
}

pub(crate) fn set_macro_args(
    mac: &mut syn::Macro,
    args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
) {
    mac.tokens = quote::quote!(#args);
}

/// Replaces the format string of `format!("…", …)` (its first argument, when a string
/// literal) with what `rewrite` returns for it; `None` leaves the macro as it is.
pub(crate) fn rewrite_format_string(
    mac: &mut syn::Macro,
    rewrite: impl FnOnce(&str) -> Option<String>,
) {
    let Ok(mut args) = macro_args(mac) else {
        return;
    };
    if let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(lit),
        ..
    })) = args.first_mut()
    {
        if let Some(text) = rewrite(&lit.value()) {
            *lit = syn::LitStr::new(&text, lit.span());
            set_macro_args(mac, &args);
        }
    }
}
