//! The one error type of the generator: every failure names the file and, where there is
//! one, the place inside it (a JSON pointer into the spec).

use std::path::PathBuf;

/// One thing wrong with the spec, at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer into the spec document, e.g. `/paths/~1access-keys/get/operationId`.
    pub location: String,
    /// What is wrong there, in a sentence.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not YAML, or not an OpenAPI 3.0 document of the shape we expect.
    #[error("{file}: at {location}: {message}")]
    Parse {
        file: PathBuf,
        location: String,
        message: String,
    },
    /// The document parsed but breaks one or more of our rules.
    #[error("{file}: {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        file: PathBuf,
        problems: Vec<Problem>,
    },
    /// progenitor/typify refused the normalised document (or panicked on it).
    #[error("{file}: code generation failed: {message}")]
    Generate { file: PathBuf, message: String },
    /// Writing the generated tree failed.
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = CodegenError> = std::result::Result<T, E>;
