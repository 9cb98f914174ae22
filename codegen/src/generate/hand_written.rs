//! Reading the hand-written crates whose sources the generator copies into `generated/`
//! (`codegen/handwritten/client` into the client, `mock` into the mock, `cli` into the command line).

use std::path::Path;

use crate::error::{CodegenError, Result};

/// A file's text; the error names the file.
pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| CodegenError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Every `.rs` file directly in `dir` as (file name, text), sorted by name so the output
/// does not depend on the order the file system lists them in.
pub fn rust_sources(dir: &Path) -> Result<Vec<(String, String)>> {
    let entries = std::fs::read_dir(dir).map_err(|source| CodegenError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| CodegenError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.extension().is_some_and(|x| x == "rs") {
            files.push((name.to_owned(), read(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

/// The lines of one section of a Cargo manifest (e.g. `[dependencies]`), without its
/// header: the generated crates take their dependencies from the hand-written crates'
/// manifests, so what was tested there is what users get.
pub fn toml_section(manifest: &str, header: &str) -> Option<String> {
    let start = manifest.find(header)? + header.len();
    let rest = &manifest[start..];
    let end = rest.find("\n[").map(|i| i + 1).unwrap_or(rest.len());
    Some(rest[..end].trim_start_matches('\n').to_string())
}
