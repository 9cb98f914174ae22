//! Edits progenitor's syntax tree: each function here is one change, applied by [`apply`].

use heck::ToSnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{parse_quote, ImplItem, Item, ItemImpl, ItemMod, LitStr};

use super::open_enums;
use crate::load::Spec;
use crate::model::Api;
use crate::model::Op;
use crate::normalise::{type_name, Plan};
use crate::syntax::is_named;

pub fn apply(file: &mut syn::File, spec: &Spec, api: &Api, plan: &Plan) -> Result<(), String> {
    remove_panicking_constructor(file)?;
    let types = module_mut(file, "types")?;
    extend_types(types, plan)?;
    super::patch_fields::keep_nulls(types);
    super::text_setters::take_str(types);
    super::required_fields::name_required_fields(types);
    let builder = module_mut(file, "builder")?;
    rewrite_builders(builder, spec, api)?;
    file.items.extend(client_additions());
    super::rustdoc::document_client(file, api, plan)
}

fn module_mut<'f>(file: &'f mut syn::File, name: &str) -> Result<&'f mut Vec<Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == name => Some(items),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor output has no `mod {name}`"))
}

/// progenitor's `Client::new` unwraps the reqwest builder and hard-codes a 15 s timeout;
/// clients are built through `Client::builder()` / `Client::from_env()` instead.
fn remove_panicking_constructor(file: &mut syn::File) -> Result<(), String> {
    let mut removed = false;
    for item in &mut file.items {
        if let Item::Impl(imp) = item {
            if imp.trait_.is_none() && is_named(&imp.self_ty, "Client") {
                let before = imp.items.len();
                imp.items
                    .retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
                removed |= imp.items.len() != before;
            }
        }
    }
    if removed {
        Ok(())
    } else {
        Err("progenitor output has no `Client::new` to replace".into())
    }
}

/// Adds the open enums and gives each tagged union a catch-all variant.
fn extend_types(types: &mut Vec<Item>, plan: &Plan) -> Result<(), String> {
    for (name, e) in &plan.open_enums {
        types.extend(open_enums::items(&type_name(name), e)?);
    }
    for union in &plan.tagged_unions {
        let ident = type_name(union);
        let found = types.iter_mut().find_map(|item| match item {
            Item::Enum(en) if en.ident == ident => Some(en),
            _ => None,
        });
        let Some(en) = found else {
            return Err(format!("typify emitted no enum for tagged union `{union}`"));
        };
        if !en
            .attrs
            .iter()
            .any(|a| quote!(#a).to_string().contains("tag ="))
        {
            return Err(format!("typify did not make `{union}` internally tagged"));
        }
        en.variants.push(parse_quote! {
            /// A variant this version of the client does not know (a newer server sent
            /// it); its fields are not kept. Upgrade the crate to read them.
            #[serde(other)]
            Unknown
        });
    }
    Ok(())
}

/// progenitor's `send` returns its own error type, which loses the status of a non-JSON
/// error body and names no operation. Each builder's `send` becomes a private `send_raw`
/// wrapped by a `send` returning `crate::Error`; list builders also get `stream`.
fn rewrite_builders(builder: &mut [Item], spec: &Spec, api: &Api) -> Result<(), String> {
    let mut seen = Vec::new();
    for item in builder.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(op) = rewrite_send(imp, api)? else {
            continue;
        };
        super::builder_text::english_setter_errors(imp, op);
        super::builder_text::bounded_setters(imp, op, &spec.raw);
        super::builder_text::drop_api_version_header(imp);
        super::builder_text::drop_needless_allowances(imp);
        seen.push(op.id);
        // One impl per builder: `send` and `stream` join the setters, so a reader finds
        // the whole builder in one place.
        match wrapper_impl(imp, op, spec)? {
            Item::Impl(wrapper) => imp.items.extend(wrapper.items),
            _ => return Err(format!("{}: the send/stream impl did not parse", op.id)),
        }
    }
    for op in &api.operations {
        if !seen.contains(&op.id) {
            return Err(format!("progenitor emitted no builder for {}", op.id));
        }
    }
    Ok(())
}

/// Renames `send` to `send_raw` and puts the spec's operationId into its
/// `OperationInfo`, so retries and tracing name operations as the API does.
fn rewrite_send<'a>(imp: &mut ItemImpl, api: &'a Api<'a>) -> Result<Option<&'a Op<'a>>, String> {
    let Some(send) = imp.items.iter_mut().find_map(|i| match i {
        ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    }) else {
        return Ok(None);
    };
    let mut finder = OperationIdLiteral::default();
    finder.visit_block_mut(&mut send.block);
    let Some(literal) = finder.literal else {
        return Err("a builder's send() has no OperationInfo".into());
    };
    let op = api
        .operations
        .iter()
        .find(|o| o.rust_method == literal.value())
        .ok_or_else(|| format!("no spec operation for progenitor's `{}`", literal.value()))?;
    let mut replace = ReplaceOperationId {
        with: LitStr::new(op.id, Span::call_site()),
    };
    replace.visit_block_mut(&mut send.block);
    let mut paths = CheckPathSegments::default();
    paths.visit_block_mut(&mut send.block);
    if let Some(error) = paths.error {
        return Err(format!("{}: {error}", op.id));
    }
    DecodeSuccess.visit_block_mut(&mut send.block);
    send.sig.ident = format_ident!("send_raw");
    send.vis = syn::Visibility::Inherited;
    send.attrs.retain(|a| !a.path().is_ident("doc"));
    Ok(Some(op))
}

/// `ResponseValue::from_response(response)` → `crate::runtime::decode::success(response)`:
/// the same result without cloning the headers or holding a chunked body twice.
struct DecodeSuccess;

impl VisitMut for DecodeSuccess {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let is_from_response = matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.len() == 2
                && p.path.segments[0].ident == "ResponseValue"
                && p.path.segments[1].ident == "from_response");
        if is_from_response {
            *call.func = syn::parse_quote!(crate::runtime::decode::success);
        }
    }
}

#[derive(Default)]
struct OperationIdLiteral {
    literal: Option<LitStr>,
}

impl VisitMut for OperationIdLiteral {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        if node.path.is_ident("OperationInfo") {
            for field in &node.fields {
                if let (syn::Member::Named(name), syn::Expr::Lit(lit)) =
                    (&field.member, &field.expr)
                {
                    if let (true, syn::Lit::Str(s)) = (name == "operation_id", &lit.lit) {
                        self.literal = Some(s.clone());
                    }
                }
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, node);
    }
}

struct ReplaceOperationId {
    with: LitStr,
}

impl VisitMut for ReplaceOperationId {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        if node.path.is_ident("OperationInfo") {
            for field in &mut node.fields {
                if matches!(&field.member, syn::Member::Named(n) if n == "operation_id") {
                    let lit = &self.with;
                    field.expr = parse_quote!(#lit);
                }
            }
        }
    }
}

/// Replaces every `encode_path(&x.to_string())` in the URL's `format!` with
/// `crate::runtime::path::segment("x", &x)?`: an empty, `.` or `..` path parameter is an
/// `InvalidRequest` naming it instead of a URL that normalisation rewrites, and the value
/// is percent-encoded while the URL is formatted (two allocations a parameter fewer).
#[derive(Default)]
struct CheckPathSegments {
    error: Option<String>,
}

impl CheckPathSegments {
    fn wrap(&mut self, expr: &mut syn::Expr) {
        let syn::Expr::Call(call) = expr else { return };
        let is_encode_path =
            matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("encode_path"));
        if !is_encode_path || call.args.len() != 1 {
            return;
        }
        let arg = &call.args[0];
        let ident = match arg {
            syn::Expr::Reference(r) => match &*r.expr {
                syn::Expr::MethodCall(m) if m.method == "to_string" => match &*m.receiver {
                    syn::Expr::Path(p) => p.path.get_ident().cloned(),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let Some(ident) = ident else {
            self.error = Some(format!(
                "unexpected encode_path argument `{}`",
                quote!(#arg)
            ));
            return;
        };
        let name = ident.to_string();
        *expr = parse_quote! {
            crate::runtime::path::segment(#name, &#ident).map_err(Error::InvalidRequest)?
        };
    }
}

impl VisitMut for CheckPathSegments {
    fn visit_expr_mut(&mut self, node: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, node);
        self.wrap(node);
    }

    fn visit_macro_mut(&mut self, node: &mut syn::Macro) {
        if !node.path.is_ident("format") {
            return;
        }
        match crate::syntax::macro_args(node) {
            Ok(mut args) => {
                for arg in args.iter_mut() {
                    self.visit_expr_mut(arg);
                }
                crate::syntax::set_macro_args(node, &args);
            }
            Err(error) => self.error = Some(format!("cannot read a format! call: {error}")),
        }
    }
}

/// The success type `T` of `send_raw() -> Result<ResponseValue<T>, Error<()>>`.
fn success_type(imp: &ItemImpl) -> Result<syn::Type, String> {
    let send = imp
        .items
        .iter()
        .find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == "send_raw" => Some(f),
            _ => None,
        })
        .ok_or("send_raw missing")?;
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return Err("send() returns nothing".into());
    };
    let first_generic = |ty: &syn::Type| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
    };
    first_generic(ty)
        .and_then(|response_value| first_generic(&response_value))
        .ok_or_else(|| "send() does not return Result<ResponseValue<T>, _>".into())
}

fn status_constant(status: u16) -> Result<TokenStream, String> {
    Ok(match status {
        200 => quote!(OK),
        201 => quote!(CREATED),
        202 => quote!(ACCEPTED),
        204 => quote!(NO_CONTENT),
        other => return Err(format!("no StatusCode constant for success status {other}")),
    })
}

fn operation_doc(spec: &Spec, op: &Op) -> String {
    let raw = spec
        .raw
        .pointer(&crate::pointer::operation(op.path, op.method))
        .cloned()
        .unwrap_or_default();
    let summary = raw
        .get("summary")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let description = raw
        .get("description")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    format!(
        " {summary}: `{} {}` (operation `{}`).\n\n {description}\n\n # Errors\n\n A non-2xx answer is an [`Error::Api`](crate::Error::Api) carrying the status and the \
         API's `errorCode`, `msg` and `details`; transport failures, undecodable bodies and \
         invalid builder arguments are the other [`Error`](crate::Error) variants.",
        op.method.to_uppercase(),
        op.path,
        op.id
    )
}

fn wrapper_impl(imp: &ItemImpl, op: &Op, spec: &Spec) -> Result<Item, String> {
    let self_ty = &imp.self_ty;
    let generics = &imp.generics;
    let success = success_type(imp)?;
    let spec_id = op.id;
    let status = status_constant(op.status)?;
    let doc = operation_doc(spec, op);
    let stream = match &op.pagination {
        None => quote!(),
        Some(p) => {
            let item_ty = format_ident!("{}", type_name(p.item_schema));
            let items = format_ident!("{}", p.items.to_snake_case());
            let param = format_ident!("{}", p.style.to_snake_case());
            let param_name = p.style;
            let stream_doc = format!(
                " Every item of every page, fetched lazily: the next page is requested (with the \
                 `{param_name}` from `nextPageUri`) only when the current one is used up, so one \
                 page is in memory at a time. The stream ends after the last page or the first error; \
                 a cursor the stream already followed, or more pages than \
                 `ClientBuilder::max_pages` (10,000 by default), is an `Error::Pagination`."
            );
            // `nextPageUri` is `Option<String>` unless the spec makes it required and
            // not nullable.
            let next = format_ident!("{}", p.next.to_snake_case());
            let next_uri = if p.next_required {
                quote!(Some(page.#next))
            } else {
                quote!(page.#next)
            };
            quote! {
                #[doc = #stream_doc]
                pub fn stream(
                    self,
                ) -> ::futures_util::stream::BoxStream<'a, ::std::result::Result<types::#item_ty, crate::Error>> {
                    let paging = crate::runtime::paginate::Paging::new(#spec_id, #param_name, self.client.config());
                    let start = self.#param.clone().ok().flatten();
                    paging.stream(self, start, Self::send, Self::#param, |page| (page.#items, #next_uri))
                }
            }
        }
    };
    Ok(parse_quote! {
        impl #generics #self_ty {
            #[doc = #doc]
            pub async fn send(self) -> ::std::result::Result<#success, crate::Error> {
                let client = self.client;
                match self.send_raw().await {
                    Ok(response) => Ok(response.into_inner()),
                    Err(error) => Err(crate::runtime::response::from_progenitor(
                        #spec_id,
                        ::reqwest::StatusCode::#status,
                        client.config(),
                        error,
                    )
                    .await),
                }
            }
            #stream
        }
    })
}

/// Construction, retries and tracing: the pieces that tie progenitor's `Client` to the
/// runtime.
fn client_additions() -> Vec<Item> {
    let file: syn::File = parse_quote! {
        impl ClientHooks<crate::runtime::ClientConfig> for Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                crate::runtime::retry::execute(&self.client, &self.inner, request, info.operation_id).await
            }
        }

        impl Client {
            /// Starts configuring a client: API key, base URL, timeouts, retries.
            pub fn builder() -> crate::ClientBuilder {
                crate::ClientBuilder::new()
            }

            /// A client configured from the environment: `NGROK_AI_API_KEY` (required) and
            /// `NGROK_AI_BASE_URL` (optional, default `https://api.ngrok.ai`).
            pub fn from_env() -> ::std::result::Result<Self, crate::Error> {
                crate::ClientBuilder::from_env()?.build()
            }

            /// The configuration this client sends requests with.
            pub fn config(&self) -> &crate::runtime::ClientConfig {
                &self.inner
            }

            /// A copy of this client that uses `policy` for its retries, e.g.
            /// `client.with_retry_policy(RetryPolicy::default().with_retry_non_idempotent(true))`
            /// to let one call site retry a POST. The HTTP connection pool is shared.
            pub fn with_retry_policy(&self, policy: crate::RetryPolicy) -> Self {
                let mut client = self.clone();
                client.inner = client.inner.with_retry_policy(policy);
                client
            }
        }

        impl crate::ClientBuilder {
            /// Builds the client; fails (never panics) on a missing API key or a bad base URL.
            pub fn build(self) -> ::std::result::Result<Client, crate::Error> {
                let (base_url, http, config) = self.build_parts()?;
                Ok(Client::new_with_client(&base_url, http, config))
            }
        }
    };
    file.items
}
