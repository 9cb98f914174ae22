//! Puts an [`Output`] on disk without touching files whose bytes did not change (so an
//! unchanged spec rebuilds nothing), and compares an [`Output`] with the disk for
//! `cargo xtask check`.

use std::path::{Path, PathBuf};

use crate::error::{CodegenError, Result};
use crate::generate::Output;

/// What [`write`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
}

/// One file whose content on disk differs from what the generator produces.
#[derive(Debug, PartialEq, Eq)]
pub struct Difference {
    pub path: PathBuf,
    /// What the generator produces; `None` if the file should not exist.
    pub expected: Option<String>,
    /// What is on disk; `None` if the file is missing.
    pub actual: Option<String>,
}

fn read_if_exists(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CodegenError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Files under the owned directories that the generator no longer produces.
fn strays(root: &Path, output: &Output) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for dir in &output.owned_dirs {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            let entries = match std::fs::read_dir(&d) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => return Err(CodegenError::Io { path: d, source }),
            };
            for entry in entries {
                let entry = entry.map_err(|source| CodegenError::Io {
                    path: d.clone(),
                    source,
                })?;
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(relative) = path.strip_prefix(root) {
                    if !output.files.contains_key(relative) {
                        found.push(relative.to_path_buf());
                    }
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Compares `output` with the tree under `root`; empty when `generated/` is fresh.
pub fn differences(root: &Path, output: &Output) -> Result<Vec<Difference>> {
    let mut diffs = Vec::new();
    for (path, expected) in &output.files {
        let actual = read_if_exists(&root.join(path))?;
        if actual.as_deref() != Some(expected.as_str()) {
            diffs.push(Difference {
                path: path.clone(),
                expected: Some(expected.clone()),
                actual,
            });
        }
    }
    for path in strays(root, output)? {
        let actual = read_if_exists(&root.join(&path))?;
        diffs.push(Difference {
            path,
            expected: None,
            actual,
        });
    }
    Ok(diffs)
}

/// Writes the files that changed (through a temporary file and a rename, so a reader
/// never sees half a file) and removes files the generator no longer produces.
pub fn write(root: &Path, output: &Output) -> Result<Report> {
    let mut report = Report::default();
    for (path, contents) in &output.files {
        let target = root.join(path);
        if read_if_exists(&target)?.as_deref() == Some(contents.as_str()) {
            report.unchanged += 1;
            continue;
        }
        let write_err = |source| CodegenError::Write {
            path: target.clone(),
            source,
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(write_err)?;
        }
        let temporary = target.with_extension("regen-tmp");
        std::fs::write(&temporary, contents).map_err(write_err)?;
        std::fs::rename(&temporary, &target).map_err(write_err)?;
        report.written.push(path.clone());
    }
    for path in strays(root, output)? {
        std::fs::remove_file(root.join(&path)).map_err(|source| CodegenError::Write {
            path: root.join(&path),
            source,
        })?;
        report.removed.push(path);
    }
    Ok(report)
}
