//! Three edits to progenitor's operation builders that users see:
//!
//! * setter errors read as English and name the parameter as the spec does
//!   (``conversion to `:: std :: string :: String` for before_id failed`` becomes
//!   ``` `beforeId` must be a string```);
//! * no `api-version` header: progenitor adds one from `info.version` to every request,
//!   which this API does not define (the runtime used to remove it again per request);
//! * a parameter the spec bounds (`minimum`, `maximum`) is checked by its setter against
//!   `runtime::setter::Bounds`, so `.limit(1000)` fails at `send()` with a typed error
//!   instead of reaching the server (progenitor checks only what the Rust type holds).

use heck::ToSnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, ItemImpl, LitStr, Member, Stmt};

use crate::model::Op;

/// Rewrites the setter messages of `imp`, the builder of `op`.
pub fn english_setter_errors(imp: &mut ItemImpl, op: &Op) {
    struct Messages<'o> {
        op: &'o Op<'o>,
    }
    impl VisitMut for Messages<'_> {
        fn visit_lit_str_mut(&mut self, lit: &mut LitStr) {
            if let Some(text) = english(&lit.value(), self.op) {
                *lit = LitStr::new(&text, lit.span());
            }
        }

        // The body setter's message is a `format!` argument, which syn leaves as tokens.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            crate::syntax::rewrite_format_string(mac, |text| english(text, self.op));
        }
    }
    for item in &mut imp.items {
        if let ImplItem::Fn(f) = item {
            Messages { op }.visit_block_mut(&mut f.block);
        }
    }
}

/// ``conversion to `T` for setter failed[: {}]`` → what the caller must pass.
fn english(text: &str, op: &Op) -> Option<String> {
    let rest = text.strip_prefix("conversion to `")?;
    let (ty, rest) = rest.split_once("` for ")?;
    let (setter, tail) = rest.split_once(" failed")?;
    let last = ty.rsplit("::").next().unwrap_or(ty).trim();
    if setter == "body" {
        return Some(format!("the request body is not a valid `{last}`{tail}"));
    }
    let name = op
        .params
        .iter()
        .find(|p| p.name.to_snake_case() == setter)
        .map_or(setter, |p| p.name);
    let what = match last {
        "String" => "a string".to_owned(),
        "NonZeroU32" | "NonZeroU64" => "a whole number above zero".to_owned(),
        "u8" | "u16" | "u32" | "u64" => "a whole number, zero or above".to_owned(),
        "i8" | "i16" | "i32" | "i64" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "bool" => "`true` or `false`".to_owned(),
        _ if last.starts_with("DateTime") => "a date-time".to_owned(),
        other => format!("a valid `{other}`"),
    };
    // The error names the operation already (`Error::InvalidRequest`).
    Some(format!("`{name}` must be {what}{tail}"))
}

/// Adds the spec's `minimum`/`maximum` check to the setter of every bounded number
/// parameter of `op` (`raw`: the whole spec, for `$ref`ed parameter schemas).
pub fn bounded_setters(imp: &mut ItemImpl, op: &Op, raw: &Value) {
    for param in &op.params {
        let Some(bounds) = bounds(crate::model::resolve(raw, param.schema)) else {
            continue;
        };
        let setter = param.name.to_snake_case();
        let name = param.name;
        for item in &mut imp.items {
            let ImplItem::Fn(f) = item else { continue };
            if f.sig.ident != setter {
                continue;
            }
            for stmt in &mut f.block.stmts {
                let Stmt::Expr(Expr::Assign(assign), _) = stmt else {
                    continue;
                };
                let sets_field = matches!(&*assign.left, Expr::Field(field)
                    if matches!(&field.member, Member::Named(m) if *m == setter));
                if sets_field {
                    let value = &assign.right;
                    *assign.right = syn::parse_quote! {
                        #value.and_then(|value| #bounds.check(#name, value))
                    };
                }
            }
        }
    }
}

/// `crate::runtime::setter::Bounds::ANY.at_least(1.0).at_most(100.0)` for a number
/// schema with bounds; `None` for anything else.
fn bounds(schema: &Value) -> Option<TokenStream> {
    if !matches!(
        schema.get("type").and_then(Value::as_str),
        Some("integer" | "number")
    ) {
        return None;
    }
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    let (minimum, maximum) = (bound("minimum"), bound("maximum"));
    if minimum.is_none() && maximum.is_none() {
        return None;
    }
    let mut tokens = quote!(crate::runtime::setter::Bounds::ANY);
    if let Some(min) = minimum {
        let min = Literal::f64_unsuffixed(min);
        tokens = if exclusive("exclusiveMinimum") {
            quote!(#tokens.above(#min))
        } else {
            quote!(#tokens.at_least(#min))
        };
    }
    if let Some(max) = maximum {
        let max = Literal::f64_unsuffixed(max);
        tokens = if exclusive("exclusiveMaximum") {
            quote!(#tokens.below(#max))
        } else {
            quote!(#tokens.at_most(#max))
        };
    }
    Some(tokens)
}

/// Drops progenitor's `#[allow(unused_mut)]` on `let mut request` (every `send` hands
/// the request to the `pre` hook as `&mut`, so the `mut` is always used), and writes
/// `Self { client: client }` as `Self { client }`.
pub fn drop_needless_allowances(imp: &mut ItemImpl) {
    struct Shorthand;
    impl VisitMut for Shorthand {
        fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
            syn::visit_mut::visit_field_value_mut(self, field);
            let same = matches!((&field.member, &field.expr),
                (Member::Named(name), Expr::Path(path)) if path.path.is_ident(name));
            if same {
                field.colon_token = None;
            }
        }
    }
    Shorthand.visit_item_impl_mut(imp);
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        for stmt in &mut f.block.stmts {
            if let Stmt::Local(local) = stmt {
                local.attrs.retain(|attr| {
                    quote!(#attr).to_string().replace(' ', "") != "#[allow(unused_mut)]"
                });
            }
        }
    }
}

/// Removes the `api-version` header progenitor builds in every `send`.
pub fn drop_api_version_header(imp: &mut ItemImpl) {
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        let before = f.block.stmts.len();
        f.block.stmts.retain(|stmt| !appends_api_version(stmt));
        if f.block.stmts.len() == before {
            continue;
        }
        // With nothing appended, the header map itself goes, and the `.headers(..)` call.
        let appends = f.block.stmts.iter().any(|s| {
            quote::quote!(#s)
                .to_string()
                .starts_with("header_map . append")
        });
        if !appends {
            f.block.stmts.retain(|stmt| !declares_header_map(stmt));
            RemoveHeadersCall.visit_block_mut(&mut f.block);
        }
    }
}

fn appends_api_version(stmt: &Stmt) -> bool {
    let text = quote::quote!(#stmt).to_string();
    text.starts_with("header_map . append") && text.contains("\"api-version\"")
}

fn declares_header_map(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Local(local) if quote::quote!(#local).to_string().starts_with("let mut header_map"))
}

/// `x.headers(header_map)` → `x`.
struct RemoveHeadersCall;

impl VisitMut for RemoveHeadersCall {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let Expr::MethodCall(call) = expr {
            let passes_map = call.args.len() == 1
                && matches!(&call.args[0], Expr::Path(p) if p.path.is_ident("header_map"));
            if call.method == "headers" && passes_map {
                *expr = (*call.receiver).clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_name_the_spec_parameter() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let spec = crate::load::load_spec(&root.join(crate::SPEC_PATH)).unwrap();
        let api = crate::model::Api::build(&spec).unwrap();
        let op = api.operation("ListAIGatewayAccessKeys").unwrap();
        assert_eq!(
            super::english(
                "conversion to `:: std :: string :: String` for before_id failed",
                op
            )
            .unwrap(),
            "`beforeId` must be a string"
        );
        assert_eq!(
            super::english(
                "conversion to `AiGatewayAccessKeyCreate` for body failed: {}",
                op
            )
            .unwrap(),
            "the request body is not a valid `AiGatewayAccessKeyCreate`: {}"
        );
        assert_eq!(super::english("anything else", op), None);
    }
}
