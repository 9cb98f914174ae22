//! The rules: every kind of change the diff reports, and how each is classified for the
//! callers of the generated client.
//!
//! The principle: a change is **breaking** when an existing caller's code may stop
//! compiling or its program may stop working (a method, field or variant disappears or
//! changes type; the API refuses a request it accepted; a response lacks what it had);
//! **additive** when existing callers keep working and new ones can do more; and
//! **informational** when only prose, examples or other non-wire text changed. Several rules
//! depend on the direction of the schema: a field callers send (request) or one they read
//! (response). A schema used both ways takes the worse of the two.

use serde::Serialize;

/// How a change affects existing callers of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Informational,
    Additive,
    Breaking,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Informational => "informational",
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a schema is used: sent by callers, read by them, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dir {
    pub request: bool,
    pub response: bool,
}

impl Dir {
    pub const REQUEST: Dir = Dir {
        request: true,
        response: false,
    };
    pub const RESPONSE: Dir = Dir {
        request: false,
        response: true,
    };
    pub const BOTH: Dir = Dir {
        request: true,
        response: true,
    };
    pub const NONE: Dir = Dir {
        request: false,
        response: false,
    };

    pub fn union(self, other: Dir) -> Dir {
        Dir {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }

    /// Whether `other` adds a direction this one lacks.
    pub fn misses(self, other: Dir) -> bool {
        (other.request && !self.request) || (other.response && !self.response)
    }
}

/// Every kind of change. The kebab-case name ([`Rule::id`]) is what `--format json`
/// prints and what the corpus tests name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    // The API as a whole.
    ServerChanged,
    SecurityChanged,
    InfoChanged,
    TagChanged,
    // Operations.
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    OperationMoved,
    OperationTagChanged,
    // Parameters.
    OptionalParameterAdded,
    RequiredParameterAdded,
    ParameterRemoved,
    ParameterRequired,
    ParameterOptional,
    PathParameterRenamed,
    // Bodies and responses.
    OptionalRequestBodyAdded,
    RequiredRequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyRequired,
    RequestBodyOptional,
    SuccessStatusChanged,
    ResponseBodyChanged,
    ResponseAdded,
    ResponseRemoved,
    PaginationAdded,
    PaginationRemoved,
    PaginationChanged,
    // Schemas.
    SchemaAdded,
    SchemaRemoved,
    TypeRenamed,
    OptionalPropertyAdded,
    RequiredPropertyAdded,
    PropertyRemoved,
    PropertyRequired,
    PropertyOptional,
    NullableAdded,
    NullableRemoved,
    TypeChanged,
    FormatChanged,
    EnumValueAdded,
    EnumValueRemoved,
    BoundTightened,
    BoundLoosened,
    DefaultChanged,
    AdditionalPropertiesTightened,
    AdditionalPropertiesLoosened,
    VariantAdded,
    VariantRemoved,
    IdPrefixChanged,
    IdPrefixAdded,
    IdPrefixRemoved,
    SecretChanged,
    ExtensionChanged,
    KeywordChanged,
    // Text.
    DescriptionChanged,
    ExampleChanged,
    OrderChanged,
}

impl Rule {
    /// Every rule, for documentation and for the corpus's coverage check.
    pub const ALL: [Rule; 57] = [
        Rule::ServerChanged,
        Rule::SecurityChanged,
        Rule::InfoChanged,
        Rule::TagChanged,
        Rule::OperationAdded,
        Rule::OperationRemoved,
        Rule::OperationRenamed,
        Rule::OperationMoved,
        Rule::OperationTagChanged,
        Rule::OptionalParameterAdded,
        Rule::RequiredParameterAdded,
        Rule::ParameterRemoved,
        Rule::ParameterRequired,
        Rule::ParameterOptional,
        Rule::PathParameterRenamed,
        Rule::OptionalRequestBodyAdded,
        Rule::RequiredRequestBodyAdded,
        Rule::RequestBodyRemoved,
        Rule::RequestBodyRequired,
        Rule::RequestBodyOptional,
        Rule::SuccessStatusChanged,
        Rule::ResponseBodyChanged,
        Rule::ResponseAdded,
        Rule::ResponseRemoved,
        Rule::PaginationAdded,
        Rule::PaginationRemoved,
        Rule::PaginationChanged,
        Rule::SchemaAdded,
        Rule::SchemaRemoved,
        Rule::TypeRenamed,
        Rule::OptionalPropertyAdded,
        Rule::RequiredPropertyAdded,
        Rule::PropertyRemoved,
        Rule::PropertyRequired,
        Rule::PropertyOptional,
        Rule::NullableAdded,
        Rule::NullableRemoved,
        Rule::TypeChanged,
        Rule::FormatChanged,
        Rule::EnumValueAdded,
        Rule::EnumValueRemoved,
        Rule::BoundTightened,
        Rule::BoundLoosened,
        Rule::DefaultChanged,
        Rule::AdditionalPropertiesTightened,
        Rule::AdditionalPropertiesLoosened,
        Rule::VariantAdded,
        Rule::VariantRemoved,
        Rule::IdPrefixChanged,
        Rule::IdPrefixAdded,
        Rule::IdPrefixRemoved,
        Rule::SecretChanged,
        Rule::ExtensionChanged,
        Rule::KeywordChanged,
        Rule::DescriptionChanged,
        Rule::ExampleChanged,
        Rule::OrderChanged,
    ];

    /// The rule's name, e.g. `enum-value-added`.
    pub fn id(self) -> &'static str {
        use Rule as R;
        match self {
            R::ServerChanged => "server-changed",
            R::SecurityChanged => "security-changed",
            R::InfoChanged => "info-changed",
            R::TagChanged => "tag-changed",
            R::OperationAdded => "operation-added",
            R::OperationRemoved => "operation-removed",
            R::OperationRenamed => "operation-renamed",
            R::OperationMoved => "operation-moved",
            R::OperationTagChanged => "operation-tag-changed",
            R::OptionalParameterAdded => "optional-parameter-added",
            R::RequiredParameterAdded => "required-parameter-added",
            R::ParameterRemoved => "parameter-removed",
            R::ParameterRequired => "parameter-required",
            R::ParameterOptional => "parameter-optional",
            R::PathParameterRenamed => "path-parameter-renamed",
            R::OptionalRequestBodyAdded => "optional-request-body-added",
            R::RequiredRequestBodyAdded => "required-request-body-added",
            R::RequestBodyRemoved => "request-body-removed",
            R::RequestBodyRequired => "request-body-required",
            R::RequestBodyOptional => "request-body-optional",
            R::SuccessStatusChanged => "success-status-changed",
            R::ResponseBodyChanged => "response-body-changed",
            R::ResponseAdded => "response-added",
            R::ResponseRemoved => "response-removed",
            R::PaginationAdded => "pagination-added",
            R::PaginationRemoved => "pagination-removed",
            R::PaginationChanged => "pagination-changed",
            R::SchemaAdded => "schema-added",
            R::SchemaRemoved => "schema-removed",
            R::TypeRenamed => "type-renamed",
            R::OptionalPropertyAdded => "optional-property-added",
            R::RequiredPropertyAdded => "required-property-added",
            R::PropertyRemoved => "property-removed",
            R::PropertyRequired => "property-required",
            R::PropertyOptional => "property-optional",
            R::NullableAdded => "nullable-added",
            R::NullableRemoved => "nullable-removed",
            R::TypeChanged => "type-changed",
            R::FormatChanged => "format-changed",
            R::EnumValueAdded => "enum-value-added",
            R::EnumValueRemoved => "enum-value-removed",
            R::BoundTightened => "bound-tightened",
            R::BoundLoosened => "bound-loosened",
            R::DefaultChanged => "default-changed",
            R::AdditionalPropertiesTightened => "additional-properties-tightened",
            R::AdditionalPropertiesLoosened => "additional-properties-loosened",
            R::VariantAdded => "variant-added",
            R::VariantRemoved => "variant-removed",
            R::IdPrefixChanged => "id-prefix-changed",
            R::IdPrefixAdded => "id-prefix-added",
            R::IdPrefixRemoved => "id-prefix-removed",
            R::SecretChanged => "secret-changed",
            R::ExtensionChanged => "extension-changed",
            R::KeywordChanged => "keyword-changed",
            R::DescriptionChanged => "description-changed",
            R::ExampleChanged => "example-changed",
            R::OrderChanged => "order-changed",
        }
    }

    /// Whether the rule states a wire fact: `--wire` keeps only these. Prose, examples,
    /// ordering, Rust names (operationIds, component names, path-parameter names), tags
    /// and client-side extensions (`x-ngrok-secret`, foreign `x-…`) are not.
    pub fn is_wire(self) -> bool {
        use Rule as R;
        !matches!(
            self,
            R::InfoChanged
                | R::TagChanged
                | R::OperationRenamed
                | R::OperationTagChanged
                | R::PathParameterRenamed
                | R::SchemaAdded
                | R::SchemaRemoved
                | R::TypeRenamed
                | R::SecretChanged
                | R::ExtensionChanged
                | R::DescriptionChanged
                | R::ExampleChanged
                | R::OrderChanged
        )
    }

    /// The class of a change by this rule to a schema used in `dir`.
    pub fn class(self, dir: Dir) -> Class {
        // A schema no operation uses is classified as if it were used both ways.
        let dir = if dir == Dir::NONE { Dir::BOTH } else { dir };
        let request = dir.request.then(|| self.class_one(true));
        let response = dir.response.then(|| self.class_one(false));
        request.max(response).unwrap_or(Class::Breaking)
    }

    fn class_one(self, request: bool) -> Class {
        use Class::{Additive as A, Breaking as B, Informational as I};
        use Rule as R;
        match self {
            R::ServerChanged | R::SecurityChanged => B,
            R::InfoChanged | R::TagChanged | R::OperationTagChanged => I,
            R::OperationAdded => A,
            R::OperationRemoved | R::OperationRenamed | R::OperationMoved => B,
            R::OptionalParameterAdded | R::ParameterOptional => A,
            R::RequiredParameterAdded | R::ParameterRemoved | R::ParameterRequired => B,
            R::PathParameterRenamed => B,
            R::OptionalRequestBodyAdded | R::RequestBodyOptional => A,
            R::RequiredRequestBodyAdded | R::RequestBodyRemoved | R::RequestBodyRequired => B,
            R::SuccessStatusChanged | R::ResponseBodyChanged => B,
            R::ResponseAdded => A,
            R::ResponseRemoved => I,
            R::PaginationAdded => A,
            R::PaginationRemoved | R::PaginationChanged => B,
            R::SchemaAdded => A,
            R::SchemaRemoved | R::TypeRenamed => B,
            R::OptionalPropertyAdded => A,
            R::RequiredPropertyAdded => {
                if request {
                    B
                } else {
                    A
                }
            }
            R::PropertyRemoved => B,
            // A request field made required is refused when absent; a response field made
            // required changes its generated type from `Option<T>` to `T`.
            R::PropertyRequired => B,
            R::PropertyOptional | R::NullableAdded => {
                if request {
                    A
                } else {
                    B
                }
            }
            R::NullableRemoved => B,
            R::TypeChanged | R::FormatChanged => B,
            R::EnumValueAdded => A,
            R::EnumValueRemoved => B,
            R::BoundTightened | R::AdditionalPropertiesTightened => {
                if request {
                    B
                } else {
                    I
                }
            }
            R::BoundLoosened | R::AdditionalPropertiesLoosened => {
                if request {
                    A
                } else {
                    I
                }
            }
            R::DefaultChanged => I,
            R::VariantAdded => A,
            R::VariantRemoved => B,
            R::IdPrefixChanged | R::SecretChanged => B,
            // Stating or dropping a prefix the IDs already had changes no ID.
            R::IdPrefixAdded | R::IdPrefixRemoved => I,
            R::ExtensionChanged => I,
            // A keyword the diff does not model: assume the worst.
            R::KeywordChanged => B,
            R::DescriptionChanged | R::ExampleChanged | R::OrderChanged => I,
        }
    }

    /// Why a change by this rule has its class, where that is not obvious.
    pub fn note(self, dir: Dir) -> Option<&'static str> {
        use Rule as R;
        Some(match self {
            R::EnumValueAdded if dir.response => {
                "additive: the client decodes a value it does not know as `Unknown(..)`, so existing callers keep working"
            }
            R::EnumValueRemoved if !dir.request => {
                "breaking: the variant disappears from the generated enum"
            }
            R::VariantAdded if dir.response => {
                "additive: the client decodes an unknown variant as `Unknown`"
            }
            R::PropertyRequired if !dir.request => {
                "breaking: the generated field's type changes from `Option<T>` to `T`"
            }
            R::NullableRemoved if !dir.request => {
                "breaking: the generated field's type may change from `Option<T>` to `T`"
            }
            R::PropertyOptional | R::NullableAdded if dir.response => {
                "breaking: callers get nothing or null where they had a value"
            }
            R::BoundTightened | R::BoundLoosened if !dir.request => {
                "informational: the client does not check bounds in responses"
            }
            R::AdditionalPropertiesLoosened | R::AdditionalPropertiesTightened if !dir.request => {
                "informational: the client ignores unknown response fields"
            }
            R::ResponseRemoved => "informational: the client decodes errors of every status alike",
            R::TypeRenamed => "breaking: the generated Rust type is renamed",
            R::OperationRenamed => "breaking: the generated method is renamed",
            R::SecretChanged => "breaking: the field's type changes to or from `Secret`",
            R::KeywordChanged => "breaking: a keyword the diff does not model; assumed breaking",
            _ => return None,
        })
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_take_the_worse_class() {
        assert_eq!(
            Rule::RequiredPropertyAdded.class(Dir::RESPONSE),
            Class::Additive
        );
        assert_eq!(
            Rule::RequiredPropertyAdded.class(Dir::REQUEST),
            Class::Breaking
        );
        assert_eq!(
            Rule::RequiredPropertyAdded.class(Dir::BOTH),
            Class::Breaking
        );
        assert_eq!(Rule::PropertyOptional.class(Dir::REQUEST), Class::Additive);
        assert_eq!(Rule::PropertyOptional.class(Dir::RESPONSE), Class::Breaking);
        assert_eq!(Rule::EnumValueAdded.class(Dir::RESPONSE), Class::Additive);
        assert!(Rule::EnumValueAdded
            .note(Dir::RESPONSE)
            .unwrap()
            .contains("Unknown"));
        // Unused schemas are classified as if used both ways.
        assert_eq!(Rule::NullableAdded.class(Dir::NONE), Class::Breaking);
    }

    #[test]
    fn names_are_unique() {
        let mut ids: Vec<_> = Rule::ALL.iter().map(|r| r.id()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
