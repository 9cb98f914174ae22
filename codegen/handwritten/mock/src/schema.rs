//! Validation of JSON values against the spec's component schemas, which the generator
//! embeds as one JSON Schema 2020-12 document (`$defs`).

use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

/// Formats that JSON Schema 2020-12 defines and that the spec uses only as annotations;
/// only `date-time` is asserted, as in the generator's example checks.
const ANNOTATION_ONLY_FORMATS: [&str; 19] = [
    "date",
    "duration",
    "email",
    "hostname",
    "idn-email",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "iri",
    "iri-reference",
    "json-pointer",
    "regex",
    "relative-json-pointer",
    "time",
    "uri",
    "uri-reference",
    "uri-template",
    "uuid",
    "byte",
];

/// What is wrong with a value, and where (a JSON pointer, `""` for the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON pointer of the offending value, e.g. `/name`.
    pub field: String,
    /// What is wrong with it, without repeating the value (it may be a secret).
    pub reason: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "(root): {}", self.reason)
        } else {
            write!(f, "{}: {}", self.field, self.reason)
        }
    }
}

type Validators = HashMap<String, Validator>;

fn validators() -> &'static Result<Validators, String> {
    static VALIDATORS: OnceLock<Result<Validators, String>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let document: Value = serde_json::from_str(crate::spec::SCHEMAS_JSON)
            .map_err(|e| format!("embedded schemas.json does not parse: {e}"))?;
        let defs = document
            .get("$defs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut out = HashMap::new();
        for name in defs.keys() {
            let mut root = document.clone();
            if let Value::Object(map) = &mut root {
                map.insert(
                    "$ref".to_owned(),
                    Value::String(format!("#/$defs/{}", escape_pointer(name))),
                );
            }
            let mut options = jsonschema::draft202012::options().should_validate_formats(true);
            for format in ANNOTATION_ONLY_FORMATS {
                options = options.with_format(format, |_: &str| true);
            }
            let validator = options
                .build(&root)
                .map_err(|e| format!("schema {name} does not compile: {e}"))?;
            out.insert(name.clone(), validator);
        }
        Ok(out)
    })
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Checks `value` against the component schema `schema` (e.g. `AIGatewayAccessKeyCreate`)
/// and returns the first problem found.
///
/// An unknown schema name, or embedded schemas that do not compile (a generator bug),
/// are reported as a problem at the root rather than a panic.
pub fn validate(schema: &str, value: &Value) -> Result<(), FieldError> {
    let validators = match validators() {
        Ok(v) => v,
        Err(message) => return Err(FieldError::new("", message.clone())),
    };
    let Some(validator) = validators.get(schema) else {
        return Err(FieldError::new("", format!("no schema named {schema}")));
    };
    match validator.validate(value) {
        Ok(()) => Ok(()),
        Err(error) => Err(describe(&error)),
    }
}

/// Names of every schema the mock can validate against.
pub fn schema_names() -> Vec<String> {
    match validators() {
        Ok(v) => {
            let mut names: Vec<String> = v.keys().cloned().collect();
            names.sort();
            names
        }
        Err(_) => Vec::new(),
    }
}

fn join(path: &str, property: &str) -> String {
    format!("{path}/{}", escape_pointer(property))
}

fn type_text(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => t.as_str().to_owned(),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// Turns a validation error into a field and a reason that never quote the value.
fn describe(error: &ValidationError<'_>) -> FieldError {
    let path = error.instance_path().as_str().to_owned();
    let at = |reason: String| FieldError::new(path.clone(), reason);
    match error.kind() {
        ValidationErrorKind::Required { property } => FieldError::new(
            join(&path, property.as_str().unwrap_or_default()),
            "is required",
        ),
        ValidationErrorKind::AdditionalProperties { unexpected } => FieldError::new(
            join(&path, unexpected.first().map(String::as_str).unwrap_or("?")),
            "is not a known field",
        ),
        ValidationErrorKind::Type { kind } => at(format!("must be of type {}", type_text(kind))),
        ValidationErrorKind::Enum { options } => at(format!("must be one of {options}")),
        ValidationErrorKind::Constant { expected_value } => at(format!("must be {expected_value}")),
        ValidationErrorKind::MaxLength { limit } => {
            at(format!("must be at most {limit} characters long"))
        }
        ValidationErrorKind::MinLength { limit } => {
            at(format!("must be at least {limit} characters long"))
        }
        ValidationErrorKind::Maximum { limit } => at(format!("must be at most {limit}")),
        ValidationErrorKind::Minimum { limit } => at(format!("must be at least {limit}")),
        ValidationErrorKind::ExclusiveMaximum { limit } => at(format!("must be less than {limit}")),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            at(format!("must be greater than {limit}"))
        }
        ValidationErrorKind::MaxItems { limit } => at(format!("must have at most {limit} items")),
        ValidationErrorKind::MinItems { limit } => {
            at(format!("must have at least {limit} item(s)"))
        }
        ValidationErrorKind::Format { format } => at(format!("must be a valid {format}")),
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // Nullable references are `anyOf: [<schema>, {type: null}]`: report why the
            // most specific alternative failed (the deepest error; the first on a tie).
            let best = context
                .iter()
                .filter_map(|branch| branch.first())
                .max_by_key(|e| {
                    (
                        e.instance_path().as_str().len(),
                        // Prefer anything over "must be null" at the same depth.
                        !matches!(e.kind(), ValidationErrorKind::Type { kind: TypeKind::Single(t) } if t.as_str() == "null"),
                    )
                });
            match best {
                Some(inner) => describe(inner),
                None => at("does not match any allowed shape".to_owned()),
            }
        }
        other => at(format!("violates `{}`", other.keyword())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_component_schema_compiles() {
        assert!(validators().is_ok(), "{:?}", validators().as_ref().err());
        assert!(schema_names().len() >= 50);
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (json!({"name": 5}), "/name", "must be of type string"),
            (
                json!({"name": "x".repeat(256)}),
                "/name",
                "must be at most 255 characters long",
            ),
            (json!({"nope": 1}), "/nope", "is not a known field"),
            (
                json!({"router": {"rules": [{"steps": [{"type": "bogus"}]}]}, "name": "a"}),
                "/router/rules/0/steps/0/type",
                "must be one of",
            ),
        ];
        for (value, field, reason) in cases {
            let schema = if value.get("router").is_some() {
                "AIGatewayAccessKeyConfigurationCreate"
            } else {
                "AIGatewayAccessKeyCreate"
            };
            let err = validate(schema, &value).unwrap_err();
            assert_eq!(err.field, field, "{value}");
            assert!(err.reason.starts_with(reason), "{err}");
        }
        let err = validate("AIGatewayProviderAPIKeyCreate", &json!({"name": "a"})).unwrap_err();
        assert_eq!(err.reason, "is required");
        assert!(err.field == "/providerId" || err.field == "/value");
    }

    #[test]
    fn nullable_wrappers_report_the_inner_problem() {
        let err = validate(
            "AIGatewayAccessKeyConfigurationUpdate",
            &json!({"access": {"providers": {"allow": [1]}}}),
        )
        .unwrap_err();
        assert_eq!(err.field, "/access/providers/allow/0");
        assert_eq!(err.reason, "must be of type string");
        assert!(validate(
            "AIGatewayAccessKeyConfigurationUpdate",
            &json!({"access": null})
        )
        .is_ok());
    }

    #[test]
    fn date_time_is_asserted_and_secrets_are_not_quoted() {
        let err = validate(
            "CreditTransactionCredits",
            &json!({"type": "credits", "amountCents": 1, "category": "purchase", "createdAt": "yesterday"}),
        )
        .unwrap_err();
        assert_eq!(err.field, "/createdAt");
        let err = validate(
            "AIGatewayProviderAPIKeyRotate",
            &json!({"name": "n", "value": ["sk-secret"]}),
        )
        .unwrap_err();
        assert!(!err.to_string().contains("sk-secret"), "{err}");
    }

    #[test]
    fn response_schemas_catch_off_spec_responses() {
        let err = validate("AIGatewayAccessKey", &json!({"id": "aigk_1"})).unwrap_err();
        assert_eq!(err.reason, "is required");
        let err = validate(
            "Error",
            &json!({"statusCode": 400, "msg": "m", "details": {"a": 1}}),
        )
        .unwrap_err();
        assert_eq!(err.field, "/details/a");
    }

    #[test]
    fn unknown_schema_is_an_error() {
        assert!(validate("Nope", &json!({})).is_err());
    }
}
