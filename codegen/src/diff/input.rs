//! The two sides of a diff: a file, or the spec at a git revision (`git:REV`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{CodegenError, Problem, Result};
use crate::load::{parse_spec, Spec};
use crate::validate::validate;
use crate::SPEC_PATH;

/// Where a description comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, relative to the current directory.
    File(PathBuf),
    /// `spec/ngrok-ai.yaml` at a git revision of the repository (`git:HEAD`, `git:v0.1.0`),
    /// or any object `git show` prints, such as a blob ID (`git:<sha>`).
    Git(String),
}

impl Source {
    /// `git:REV` → [`Source::Git`]; anything else is a file.
    pub fn parse(arg: &str) -> Source {
        match arg.strip_prefix("git:") {
            Some(rev) => Source::Git(if rev.is_empty() {
                "HEAD".into()
            } else {
                rev.into()
            }),
            None => Source::File(PathBuf::from(arg)),
        }
    }

    /// The default new side: the working tree's spec.
    pub fn working_tree(root: &Path) -> Source {
        Source::File(root.join(SPEC_PATH))
    }

    /// Reads, parses and validates the description, as `regen` does.
    ///
    /// # Errors
    /// [`CodegenError::Io`] when the file or revision cannot be read; otherwise what
    /// [`parse_spec`] and [`validate`] report, naming the source.
    pub fn load(&self, root: &Path) -> Result<Spec> {
        self.load_with(root, false)
    }

    /// [`Source::load`]; with `wire`, problems of authoring only (a missing description or
    /// summary, an example that does not match) are let through, so a description written
    /// by someone else can be compared on wire facts.
    ///
    /// # Errors
    /// As [`Source::load`].
    pub fn load_with(&self, root: &Path, wire: bool) -> Result<Spec> {
        let (name, text) = match self {
            Source::File(path) => (
                path.clone(),
                std::fs::read_to_string(path).map_err(|source| CodegenError::Io {
                    path: path.clone(),
                    source,
                })?,
            ),
            Source::Git(rev) => {
                let object = if rev.len() == 40
                    && rev.bytes().all(|b| b.is_ascii_hexdigit())
                    && is_blob(root, rev)
                {
                    rev.clone()
                } else {
                    format!("{rev}:{SPEC_PATH}")
                };
                (
                    PathBuf::from(format!("git:{object}")),
                    git_show(root, &object)?,
                )
            }
        };
        if wire {
            parse_for_wire(&name, &text)
        } else {
            parse(&name, &text)
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Git(rev) => write!(f, "git:{rev}"),
        }
    }
}

/// Parses and validates spec text.
pub(super) fn parse(name: &Path, text: &str) -> Result<Spec> {
    let spec = parse_spec(name, text)?;
    validate(&spec)?;
    Ok(spec)
}

/// Parses and validates spec text, ignoring authoring problems ([`is_authoring`]).
pub(super) fn parse_for_wire(name: &Path, text: &str) -> Result<Spec> {
    let spec = parse_spec(name, text)?;
    match validate(&spec) {
        Err(CodegenError::Invalid { file, problems }) => {
            let problems: Vec<_> = problems.into_iter().filter(|p| !is_authoring(p)).collect();
            if problems.is_empty() {
                Ok(spec)
            } else {
                Err(CodegenError::Invalid { file, problems })
            }
        }
        other => other.map(|()| spec),
    }
}

/// A rule of how we write our own spec, not of what the wire is: descriptions, summaries
/// and examples.
fn is_authoring(problem: &Problem) -> bool {
    let m = &problem.message;
    m.contains("no description")
        || m.contains("no summary")
        || m.contains("example")
        || problem.location.ends_with("/summary")
        || problem.location.ends_with("/description")
        || problem.location.contains("/example")
}

fn is_blob(root: &Path, object: &str) -> bool {
    Command::new("git")
        .current_dir(root)
        .args(["cat-file", "-t", object])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"blob"))
}

/// `git show OBJECT` in `root`: the text of a file at a revision (`REV:path`) or a blob.
///
/// # Errors
/// [`CodegenError::Io`] naming `git:OBJECT` when git fails or is missing.
pub fn git_show(root: &Path, object: &str) -> Result<String> {
    let fail = |message: String| CodegenError::Io {
        path: PathBuf::from(format!("git:{object}")),
        source: std::io::Error::other(message),
    };
    let out = Command::new("git")
        .current_dir(root)
        .args(["show", object])
        .output()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(fail(String::from_utf8_lossy(&out.stderr).trim().to_owned()));
    }
    String::from_utf8(out.stdout).map_err(|e| fail(e.to_string()))
}
