//! A report as text (for people) or JSON (for tools).

use std::fmt::Write as _;

use super::change::{Group, Report};
use super::rules::{Class, Rule};

/// The text report: one heading per operation or schema, one entry per change.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let mode = if report.wire {
        " (wire facts only)"
    } else {
        ""
    };
    let _ = writeln!(out, "comparing {} → {}{mode}", report.old, report.new);
    let mut group: Option<&Group> = None;
    for change in &report.changes {
        if group != Some(&change.group) {
            let _ = writeln!(out, "\n{}", change.group);
            group = Some(&change.group);
        }
        let _ = writeln!(out, "  {:<13} {}", change.class.as_str(), change.message);
        let _ = writeln!(out, "  {:<13} at {} ({})", "", change.pointer, change.rule);
        if let Some(note) = change.note {
            let _ = writeln!(out, "  {:<13} {note}", "");
        }
    }
    let _ = writeln!(out, "\n{}", report.summary());
    let decoded_as_unknown = report.changes.iter().any(|c| {
        matches!(c.rule, Rule::EnumValueAdded | Rule::VariantAdded) && c.class == Class::Additive
    });
    if decoded_as_unknown {
        let _ = writeln!(
            out,
            "note: a new enum value or union variant is additive: the client decodes values it does not know as `Unknown`"
        );
    }
    out
}

/// The JSON report: `{"old", "new", "wire", "summary": {..}, "changes": [..]}`.
pub fn json(report: &Report) -> String {
    let value = serde_json::json!({
        "old": report.old,
        "new": report.new,
        "wire": report.wire,
        "summary": {
            "breaking": report.count(Class::Breaking),
            "additive": report.count(Class::Additive),
            "informational": report.count(Class::Informational),
            "worst": report.worst(),
        },
        "changes": report.changes,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
