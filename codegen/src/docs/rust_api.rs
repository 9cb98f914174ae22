//! The generated client as the examples must use it, read from the client generator's
//! in-memory output (`src/api/{types,builder,mod}.rs`), so that field types, setter
//! types, enum variants and method names are the real ones rather than guesses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use quote::ToTokens;
use syn::{Attribute, Fields, GenericArgument, Item, PathArguments, Type};

use crate::generate::ClientSyntax;
use crate::syntax::serde_rename;

/// A Rust type of the generated API, reduced to what examples and tables need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    Secret,
    Bool,
    /// `i64`, `i32`, `u64`, `u32`, `f64`, ...
    Prim(String),
    /// `NonZeroU64`, `NonZeroU32`.
    NonZero(String),
    DateTime,
    Option(Box<Ty>),
    Vec(Box<Ty>),
    Nullable(Box<Ty>),
    /// A map keyed by strings.
    Map(Box<Ty>),
    Json,
    /// A type of `types`: a struct or an enum.
    Named(String),
    Other(String),
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::String => f.write_str("String"),
            Ty::Secret => f.write_str("Secret"),
            Ty::Bool => f.write_str("bool"),
            Ty::Prim(p) | Ty::NonZero(p) | Ty::Named(p) | Ty::Other(p) => f.write_str(p),
            Ty::DateTime => f.write_str("DateTime<Utc>"),
            Ty::Option(t) => write!(f, "Option<{t}>"),
            Ty::Vec(t) => write!(f, "Vec<{t}>"),
            Ty::Nullable(t) => write!(f, "Nullable<{t}>"),
            Ty::Map(t) => write!(f, "HashMap<String, {t}>"),
            Ty::Json => f.write_str("serde_json::Value"),
        }
    }
}

impl Ty {
    fn from_syn(ty: &Type) -> Ty {
        let Type::Path(path) = ty else {
            return Ty::Other(ty.to_token_stream().to_string());
        };
        let Some(last) = path.path.segments.last() else {
            return Ty::Other(ty.to_token_stream().to_string());
        };
        let args: Vec<&Type> = match &last.arguments {
            PathArguments::AngleBracketed(a) => a
                .args
                .iter()
                .filter_map(|g| match g {
                    GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let arg = |i: usize| Box::new(args.get(i).map_or(Ty::Json, |t| Ty::from_syn(t)));
        let name = last.ident.to_string();
        match name.as_str() {
            "String" => Ty::String,
            "Secret" => Ty::Secret,
            "bool" => Ty::Bool,
            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64" => {
                Ty::Prim(name)
            }
            "NonZeroU64" | "NonZeroU32" | "NonZeroI64" | "NonZeroI32" => Ty::NonZero(name),
            "DateTime" => Ty::DateTime,
            "Option" => Ty::Option(arg(0)),
            "Vec" => Ty::Vec(arg(0)),
            "Nullable" => Ty::Nullable(arg(0)),
            "HashMap" | "BTreeMap" => Ty::Map(arg(1)),
            "Value" => Ty::Json,
            _ if args.is_empty() => Ty::Named(name),
            _ => Ty::Other(ty.to_token_stream().to_string()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub ident: String,
    /// The name on the wire (`serde(rename)`, else the identifier).
    pub json: String,
    pub ty: Ty,
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub derives_default: bool,
    pub fields: Vec<Field>,
}

impl Struct {
    pub fn field(&self, json: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.json == json)
    }
}

#[derive(Debug, Clone)]
pub struct Variant {
    /// The value on the wire.
    pub wire: String,
    pub ident: String,
    /// `true` for unit variants (enum values), `false` for struct/tuple variants.
    pub unit: bool,
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub variants: Vec<Variant>,
}

impl Enum {
    pub fn variant(&self, wire: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.unit && v.wire == wire)
    }
}

#[derive(Debug, Default)]
pub struct RustApi {
    pub structs: BTreeMap<String, Struct>,
    pub enums: BTreeMap<String, Enum>,
    /// Builder of each operation (`ListAccessKeys`): setter → the type it converts into.
    pub builders: BTreeMap<String, BTreeMap<String, Ty>>,
    /// Methods of `Client`.
    pub methods: BTreeSet<String>,
}

impl RustApi {
    /// Reads the crate generated into `crate_dir` (e.g. `generated/ngrok-ai`) from `client`.
    pub fn read(client: &ClientSyntax) -> Result<Self, String> {
        let mut api = RustApi::default();
        for item in &client.types.items {
            match item {
                Item::Struct(s) => {
                    let derives_default = s.attrs.iter().any(|a| {
                        a.path().is_ident("derive")
                            && a.to_token_stream().to_string().contains("Default")
                    });
                    let fields = match &s.fields {
                        Fields::Named(named) => named
                            .named
                            .iter()
                            .filter_map(|f| {
                                let ident = f.ident.as_ref()?.to_string();
                                let json = serde_rename(&f.attrs)
                                    .unwrap_or_else(|| ident.trim_start_matches("r#").to_string());
                                Some(Field {
                                    ident,
                                    json,
                                    ty: Ty::from_syn(&f.ty),
                                })
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    api.structs.insert(
                        s.ident.to_string(),
                        Struct {
                            derives_default,
                            fields,
                        },
                    );
                }
                Item::Enum(e) => {
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| {
                            let ident = v.ident.to_string();
                            let wire = serde_rename(&v.attrs)
                                .or_else(|| backticked_doc(&v.attrs))
                                .unwrap_or_else(|| ident.clone());
                            Variant {
                                wire,
                                ident,
                                unit: matches!(v.fields, Fields::Unit),
                            }
                        })
                        .collect();
                    api.enums.insert(e.ident.to_string(), Enum { variants });
                }
                _ => {}
            }
        }
        for item in &client.builder.items {
            let Item::Struct(s) = item else { continue };
            let Fields::Named(named) = &s.fields else {
                continue;
            };
            let setters = named
                .named
                .iter()
                .filter_map(|f| {
                    let ident = f.ident.as_ref()?.to_string();
                    // Setters fill `Result<T, String>` fields; `client` is no setter.
                    let inner = result_ok_type(&f.ty)?;
                    Some((ident, Ty::from_syn(inner)))
                })
                .collect();
            api.builders.insert(s.ident.to_string(), setters);
        }
        for item in &client.api_mod.items {
            let Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() || imp.self_ty.to_token_stream().to_string() != "Client" {
                continue;
            }
            for it in &imp.items {
                if let syn::ImplItem::Fn(f) = it {
                    api.methods.insert(f.sig.ident.to_string());
                }
            }
        }
        Ok(api)
    }

    /// The field of `struct_name` sent as `json`.
    pub fn field(&self, struct_name: &str, json: &str) -> Option<&Field> {
        self.structs.get(struct_name)?.field(json)
    }
}

/// `T` of a `Result<T, E>` type.
fn result_ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// A doc comment that is exactly `` `value` `` (how the open enums document their values).
fn backticked_doc(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        let syn::Meta::NameValue(nv) = &a.meta else {
            return None;
        };
        if !nv.path.is_ident("doc") {
            return None;
        }
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        else {
            return None;
        };
        let text = s.value();
        let inner = text
            .trim()
            .strip_prefix('`')?
            .strip_suffix('`')?
            .to_string();
        (!inner.contains('`')).then_some(inner)
    })
}
