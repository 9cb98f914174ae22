//! The model builders' setters of optional text fields take a `&str`, a `String` or an
//! `Option<String>` (`crate::runtime::setter::IntoOptional`): typify's bound,
//! `TryInto<Option<String>>`, made callers write `.name("support-bot".to_string())`.

use syn::visit_mut::VisitMut;
use syn::{parse_quote, ImplItemFn, Item};

/// Rewrites every such setter in `mod types` (its `builder` module included); returns how
/// many it rewrote.
pub fn take_str(types: &mut [Item]) -> usize {
    let mut pass = Setters { rewritten: 0 };
    for item in types.iter_mut() {
        pass.visit_item_mut(item);
    }
    pass.rewritten
}

struct Setters {
    rewritten: usize,
}

impl VisitMut for Setters {
    fn visit_impl_item_fn_mut(&mut self, f: &mut ImplItemFn) {
        let Some(where_clause) = &f.sig.generics.where_clause else {
            return;
        };
        let bound = quote::quote!(#where_clause).to_string().replace(' ', "");
        let optional_string = "T:::std::convert::TryInto<::std::option::Option<::std::string::String>>,T::Error:::std::fmt::Display";
        if !bound.contains(optional_string) || f.sig.inputs.len() != 2 {
            return;
        }
        // `self.field = value.try_into().map_err(..)` → the field, set from the value.
        let Some(syn::Stmt::Expr(syn::Expr::Assign(assign), _)) = f.block.stmts.first() else {
            return;
        };
        let target = assign.left.clone();
        f.sig.generics.where_clause = Some(parse_quote!(
            where T: crate::runtime::setter::IntoOptional<::std::string::String>
        ));
        f.block = parse_quote!({
            #target = Ok(crate::runtime::setter::IntoOptional::into_optional(value));
            self
        });
        self.rewritten += 1;
    }
}
