//! The generated crate's next version, and its changelog entry, from a diff.
//!
//! Cargo's semver rules: below 1.0 the minor part is the breaking one, so a breaking
//! change bumps `0.x` to `0.(x+1).0` and anything else bumps the patch; from 1.0 on, a
//! breaking change bumps the major part, an additive one the minor, and an informational
//! one (documentation only) the patch.

use std::fmt::Write as _;

use super::change::Report;
use super::rules::Class;

/// The version after `current` for changes whose worst class is `worst`; `None` when
/// nothing changed.
///
/// # Errors
/// When `current` is not `MAJOR.MINOR.PATCH`.
pub fn next(current: &str, worst: Option<Class>) -> Result<Option<String>, String> {
    let parts: Vec<u64> = current
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`{current}` is not a MAJOR.MINOR.PATCH version"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("`{current}` is not a MAJOR.MINOR.PATCH version"));
    };
    let Some(worst) = worst else {
        return Ok(None);
    };
    Ok(Some(match (major, worst) {
        (0, Class::Breaking) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Class::Breaking) => format!("{}.0.0", major + 1),
        (_, Class::Additive) => format!("{major}.{}.0", minor + 1),
        (_, Class::Informational) => format!("{major}.{minor}.{}", patch + 1),
    }))
}

/// The changelog entry of `version`: breaking and additive changes one per line,
/// informational ones counted.
pub fn changelog_entry(version: &str, date: &str, report: &Report) -> String {
    let mut out = format!("## {version} ({date})\n\n");
    for (class, title) in [
        (Class::Breaking, "Breaking changes"),
        (Class::Additive, "Additions"),
    ] {
        if report.count(class) == 0 {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for change in report.of(class) {
            let _ = writeln!(
                out,
                "- {}: {} (`{}`)",
                change.group, change.message, change.pointer
            );
        }
        out.push('\n');
    }
    let info = report.count(Class::Informational);
    if info > 0 {
        let _ = writeln!(
            out,
            "### Documentation\n\n- {info} change{} to descriptions, examples or ordering.\n",
            if info == 1 { "" } else { "s" }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_cargo_semver() {
        assert_eq!(
            next("0.1.0", Some(Class::Breaking)).unwrap().as_deref(),
            Some("0.2.0")
        );
        assert_eq!(
            next("0.1.3", Some(Class::Additive)).unwrap().as_deref(),
            Some("0.1.4")
        );
        assert_eq!(
            next("0.1.3", Some(Class::Informational))
                .unwrap()
                .as_deref(),
            Some("0.1.4")
        );
        assert_eq!(
            next("1.2.3", Some(Class::Breaking)).unwrap().as_deref(),
            Some("2.0.0")
        );
        assert_eq!(
            next("1.2.3", Some(Class::Additive)).unwrap().as_deref(),
            Some("1.3.0")
        );
        assert_eq!(
            next("1.2.3", Some(Class::Informational))
                .unwrap()
                .as_deref(),
            Some("1.2.4")
        );
        assert_eq!(next("1.2.3", None).unwrap(), None);
        assert!(next("1.2", Some(Class::Breaking)).is_err());
    }
}
