//! The one error type of the generator: what went wrong and where in the spec.

use crate::pointer::Pointer;

/// An error found while reading or generating from an OpenAPI description.
///
/// Every variant says where: a JSON pointer into the spec, or a line and
/// column for text that is not valid JSON/YAML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The spec text is not valid JSON (or YAML) or does not have the shape of an
    /// OpenAPI document.
    #[error("invalid OpenAPI document at line {line}, column {column}: {message}")]
    Parse {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the parser reported.
        message: String,
    },
    /// The document declares a version this generator does not read.
    #[error("unsupported OpenAPI version {found:?} at {pointer}: only 3.0.x is supported")]
    Version {
        /// The version as written.
        found: String,
        /// The field that declares it: `#/openapi`, or `#/swagger` for Swagger 2.0.
        pointer: Pointer,
    },
    /// A construct the generator does not handle (yet); nothing was emitted.
    #[error("unsupported: {what} at {pointer}")]
    Unsupported {
        /// The construct, e.g. `multipart/form-data request body`.
        what: String,
        /// Where it is in the spec.
        pointer: Pointer,
    },
    /// The spec is inconsistent, e.g. a `$ref` that names nothing.
    #[error("invalid: {what} at {pointer}")]
    Invalid {
        /// What is wrong.
        what: String,
        /// Where it is in the spec.
        pointer: Pointer,
    },
    /// The generated tokens did not form valid Rust. This is a bug in the
    /// generator, reported instead of writing a broken file.
    #[error("internal error: generated {file} is not valid Rust: {message}")]
    Render {
        /// Which output file.
        file: String,
        /// The syntax error.
        message: String,
    },
}

impl Error {
    /// An [`Error::Unsupported`] for `what` at `pointer`.
    pub fn unsupported(what: impl Into<String>, pointer: &Pointer) -> Self {
        Error::Unsupported {
            what: what.into(),
            pointer: pointer.clone(),
        }
    }

    /// An [`Error::Invalid`] for `what` at `pointer`.
    pub fn invalid(what: impl Into<String>, pointer: &Pointer) -> Self {
        Error::Invalid {
            what: what.into(),
            pointer: pointer.clone(),
        }
    }

    /// The JSON pointer of the error, when it has one.
    pub fn pointer(&self) -> Option<&Pointer> {
        match self {
            Error::Unsupported { pointer, .. }
            | Error::Invalid { pointer, .. }
            | Error::Version { pointer, .. } => Some(pointer),
            Error::Parse { .. } | Error::Render { .. } => None,
        }
    }
}
