//! The generated crate's release state, kept outside `generated/` (which only `regen`
//! writes): `release/ngrok-ai.toml` holds the version of `generated/ngrok-ai` (and of
//! `generated/ngrok-ai-mock`, released with it) and the git blob of the spec that version
//! was generated from; `release/CHANGELOG.md` is the changelog, copied by `regen` into
//! `generated/ngrok-ai/CHANGELOG.md`. `cargo xtask release` is what changes both.

use std::path::{Path, PathBuf};

use crate::error::{CodegenError, Result};

/// The release state, relative to the repository root.
pub const STATE_PATH: &str = "release/ngrok-ai.toml";
/// The changelog, relative to the repository root.
pub const CHANGELOG_PATH: &str = "release/CHANGELOG.md";

/// What `release/ngrok-ai.toml` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The crate's version, `MAJOR.MINOR.PATCH`.
    pub version: String,
    /// Git blob ID of `spec/ngrok-ai.yaml` as released in `version` (`git hash-object`):
    /// the baseline `regen` and `release` compare the working tree's spec with.
    pub spec_blob: String,
}

/// The repository root, from the codegen crate's own location (as the runtime sources
/// are found).
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

impl Release {
    /// Reads `release/ngrok-ai.toml` under `root`.
    ///
    /// # Errors
    /// [`CodegenError::Io`] when it cannot be read, [`CodegenError::Parse`] naming the
    /// line when a key is missing or malformed.
    pub fn read(root: &Path) -> Result<Release> {
        let path = root.join(STATE_PATH);
        let text = std::fs::read_to_string(&path).map_err(|source| CodegenError::Io {
            path: path.clone(),
            source,
        })?;
        Self::parse(&path, &text)
    }

    /// Parses the file's text (`key = "value"` lines and `#` comments).
    ///
    /// # Errors
    /// As [`Release::read`].
    pub fn parse(path: &Path, text: &str) -> Result<Release> {
        let fail = |location: String, message: String| CodegenError::Parse {
            file: path.to_path_buf(),
            location,
            message,
        };
        let mut version = None;
        let mut spec_blob = None;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = format!("line {}", i + 1);
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| fail(at.clone(), "expected `key = \"value\"`".into()))?;
            let value = value
                .trim()
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .ok_or_else(|| fail(at.clone(), "the value must be a quoted string".into()))?
                .to_owned();
            match key.trim() {
                "version" => version = Some(value),
                "spec-blob" => spec_blob = Some(value),
                other => return Err(fail(at, format!("unknown key `{other}`"))),
            }
        }
        let version = version.ok_or_else(|| fail(String::new(), "no `version`".into()))?;
        crate::diff::version::next(&version, None).map_err(|m| fail("version".into(), m))?;
        Ok(Release {
            version,
            spec_blob: spec_blob.ok_or_else(|| fail(String::new(), "no `spec-blob`".into()))?,
        })
    }

    /// The file's text.
    pub fn render(&self) -> String {
        format!(
            "# The release state of generated/ngrok-ai (and generated/ngrok-ai-mock). Written by\n\
             # `cargo xtask release`, read by `cargo xtask regen`; see README, \"Releasing the\n\
             # generated crate\".\n\
             version = \"{}\"\n\
             # Git blob of spec/ngrok-ai.yaml as released in this version (`git hash-object`).\n\
             spec-blob = \"{}\"\n",
            self.version, self.spec_blob
        )
    }
}

/// The version of the generated crates, from the repository's release state.
///
/// # Errors
/// As [`Release::read`].
pub fn crate_version() -> Result<String> {
    Release::read(&repository_root()).map(|r| r.version)
}

/// `release/CHANGELOG.md`, as `regen` copies it.
///
/// # Errors
/// [`CodegenError::Io`] when it cannot be read.
pub fn changelog() -> Result<String> {
    let path = repository_root().join(CHANGELOG_PATH);
    std::fs::read_to_string(&path).map_err(|source| CodegenError::Io { path, source })
}

/// Puts `entry` (a `## version` section) at the top of the changelog `text`, after its
/// title and introduction.
pub fn prepend_entry(text: &str, entry: &str) -> String {
    match text.find("\n## ") {
        Some(i) => format!("{}{entry}{}", &text[..i + 1], &text[i + 1..]),
        None => format!("{}\n\n{entry}", text.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips() {
        let r = Release {
            version: "0.3.1".into(),
            spec_blob: "abc".into(),
        };
        assert_eq!(Release::parse(Path::new("x"), &r.render()).unwrap(), r);
        assert!(Release::parse(Path::new("x"), "version = 1\n").is_err());
        assert!(Release::parse(Path::new("x"), "version = \"1\"\nspec-blob = \"a\"\n").is_err());
    }

    #[test]
    fn entries_go_on_top() {
        let text = "# Changelog\n\nIntro.\n\n## 0.1.0\n\nFirst.\n";
        let out = prepend_entry(text, "## 0.2.0\n\nNew.\n\n");
        assert_eq!(
            out,
            "# Changelog\n\nIntro.\n\n## 0.2.0\n\nNew.\n\n## 0.1.0\n\nFirst.\n"
        );
        assert_eq!(prepend_entry("# C\n", "## 1\n"), "# C\n\n## 1\n");
    }
}
