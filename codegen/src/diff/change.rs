//! What the diff finds: one [`Change`] per fact, grouped by operation or schema.

use serde::Serialize;

use super::rules::{Class, Dir, Rule};

/// What a change belongs to; the text output prints one heading per group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Group {
    /// Servers, security, info, tags.
    Api,
    /// An operation, by its operationId in the new description (the old one if removed).
    Operation(String),
    /// A shared parameter (`components.parameters`), by its name in the new description.
    Parameter(String),
    /// A component schema, by its name in the new description (the old one if removed).
    Schema(String),
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Group::Api => f.write_str("API"),
            Group::Operation(id) => write!(f, "operation {id}"),
            Group::Parameter(name) => write!(f, "parameter {name}"),
            Group::Schema(name) => write!(f, "schema {name}"),
        }
    }
}

/// One difference between the two descriptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub group: Group,
    /// JSON pointer of the fact: into the new description, or into the old one for what
    /// was removed.
    pub pointer: String,
    #[serde(serialize_with = "rule_id")]
    pub rule: Rule,
    pub class: Class,
    /// What changed, in a sentence.
    pub message: String,
    /// Why the change has its class, where that is not obvious.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

fn rule_id<S: serde::Serializer>(rule: &Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id())
}

impl Change {
    pub fn new(group: Group, pointer: String, rule: Rule, dir: Dir, message: String) -> Self {
        Change {
            group,
            pointer,
            rule,
            class: rule.class(dir),
            message,
            note: rule.note(dir),
        }
    }
}

/// Every change between two descriptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// How the old description was named on the command line (`git:HEAD`, a file).
    pub old: String,
    pub new: String,
    /// Whether only wire facts were compared (`--wire`).
    pub wire: bool,
    /// Sorted by group, then pointer.
    pub changes: Vec<Change>,
}

impl Report {
    /// The most severe class found; `None` when nothing changed.
    pub fn worst(&self) -> Option<Class> {
        self.changes.iter().map(|c| c.class).max()
    }

    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// The changes of one class, in report order.
    pub fn of(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.class == class)
    }

    /// `3 changes: 1 breaking, 1 additive, 1 informational`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "no changes".into();
        }
        format!(
            "{} change{}: {} breaking, {} additive, {} informational",
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            self.count(Class::Breaking),
            self.count(Class::Additive),
            self.count(Class::Informational)
        )
    }
}
