//! String enums that keep values they do not know: a server adding a value must not make
//! an old client fail to decode a whole response.

use heck::ToUpperCamelCase;
use quote::{format_ident, quote};
use syn::Item;

use crate::normalise::OpenEnum;

/// The enum, its string conversions and its serde impls, as items of `mod types`.
pub fn items(name: &str, e: &OpenEnum) -> Result<Vec<Item>, String> {
    let ident = format_ident!("{name}");
    let mut variants = Vec::new();
    for value in &e.values {
        let variant = value.to_upper_camel_case();
        if variant.is_empty()
            || variant == "Unknown"
            || !variant.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            return Err(format!(
                "enum value {value:?} of {name} has no usable Rust name"
            ));
        }
        if let Some((_, other)) = variants.iter().find(|(v, _)| *v == variant) {
            return Err(format!(
                "enum values {other:?} and {value:?} of {name} both become the Rust variant `{variant}`"
            ));
        }
        variants.push((format_ident!("{variant}"), value.clone()));
    }
    let doc = format!(
        " {}\n\n Open enum: a value this client does not know decodes as `Unknown` and is sent back unchanged.",
        e.description.as_deref().unwrap_or("A string enum of the API.")
    );
    let decls = variants.iter().map(|(v, s)| {
        let d = format!(" `{s}`");
        quote!(#[doc = #d] #v,)
    });
    let to_str = variants.iter().map(|(v, s)| quote!(Self::#v => #s,));
    let from_str = variants.iter().map(|(v, s)| quote!(#s => Self::#v,));
    let file: syn::File = syn::parse2(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(#decls)*
            /// A value this version of the client does not know.
            Unknown(::std::string::String),
        }

        impl #ident {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    })
    .map_err(|e| format!("open enum {name}: {e}"))?;
    Ok(file.items)
}
