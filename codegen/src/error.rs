//! The one error type of the generator: what went wrong and where in the spec.

use crate::pointer::Pointer;
use std::fmt;

/// A place in the spec text: 1-based line and column, the column counted in characters
/// (as editors show it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// ` (line L, column C)` when the position is known, else nothing.
struct At<'a>(&'a Option<Position>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(Position { line, column }) => write!(f, " (line {line}, column {column})"),
            None => Ok(()),
        }
    }
}

/// One construct the generator does not handle, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Construct {
    /// The construct, e.g. `object header parameter`.
    pub what: String,
    /// Where it is in the spec.
    pub pointer: Pointer,
    /// Its line and column in the spec text, when known.
    pub position: Option<Position>,
}

impl Construct {
    /// `what` at `pointer`, its position not known yet.
    pub fn new(what: impl Into<String>, pointer: &Pointer) -> Self {
        Construct {
            what: what.into(),
            pointer: pointer.clone(),
            position: None,
        }
    }

    /// Sorts constructs by pointer ([`Pointer::natural_cmp`], then by name) and drops
    /// repeats, so that a list is the same whatever order the generator met them in.
    pub fn sort(constructs: &mut Vec<Construct>) {
        constructs.sort_by(|a, b| {
            a.pointer
                .natural_cmp(&b.pointer)
                .then_with(|| a.what.cmp(&b.what))
        });
        constructs.dedup_by(|a, b| a.pointer == b.pointer && a.what == b.what);
    }
}

impl fmt::Display for Construct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}{}", self.what, self.pointer, At(&self.position))
    }
}

/// An error found while reading or generating from an OpenAPI description.
///
/// Every variant says where: a JSON pointer into the spec (with the line and column it
/// stands at, once [`Error::located`] has looked it up), or a line and column for text that
/// is not valid JSON or YAML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The spec text is not valid JSON or YAML, or holds what JSON cannot (a YAML tag, a
    /// second document, a repeated key, ...).
    #[error("invalid OpenAPI document at line {line}, column {column}: {message}")]
    Parse {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem, in characters.
        column: usize,
        /// What the parser reported.
        message: String,
    },
    /// The text is JSON or YAML but not an OpenAPI 3.0 document: a field of the wrong type,
    /// a required field missing.
    #[error("invalid OpenAPI document at {pointer}{}: {message}", At(position))]
    Shape {
        /// What the OpenAPI model expected.
        message: String,
        /// Where.
        pointer: Pointer,
        /// Its line and column, when known.
        position: Option<Position>,
    },
    /// The document declares a version this generator does not read.
    #[error(
        "unsupported OpenAPI version {found:?} at {pointer}{}: only 3.0.x and 3.1.x are supported",
        At(position)
    )]
    Version {
        /// The version as written.
        found: String,
        /// The field that declares it: `#/openapi`, or `#/swagger` for Swagger 2.0.
        pointer: Pointer,
        /// Its line and column, when known.
        position: Option<Position>,
    },
    /// Constructs the generator does not handle (yet); nothing was emitted. Every one found
    /// is listed, sorted by pointer.
    #[error("{}", Listed(constructs))]
    Unsupported {
        /// The constructs, at least one.
        constructs: Vec<Construct>,
    },
    /// The spec is inconsistent, e.g. a `$ref` that names nothing.
    #[error("invalid: {what} at {pointer}{}", At(position))]
    Invalid {
        /// What is wrong.
        what: String,
        /// Where it is in the spec.
        pointer: Pointer,
        /// Its line and column, when known.
        position: Option<Position>,
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

/// One construct as `unsupported: WHAT at POINTER`, several as a count and one per line.
struct Listed<'a>(&'a [Construct]);

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [one] => write!(f, "unsupported: {one}"),
            many => {
                write!(f, "{} unsupported constructs:", many.len())?;
                for construct in many {
                    write!(f, "\n  {construct}")?;
                }
                Ok(())
            }
        }
    }
}

impl Error {
    /// An [`Error::Unsupported`] for `what` at `pointer`.
    pub fn unsupported(what: impl Into<String>, pointer: &Pointer) -> Self {
        Error::Unsupported {
            constructs: vec![Construct::new(what, pointer)],
        }
    }

    /// An [`Error::Unsupported`] listing `constructs` (at least one) sorted, repeats
    /// dropped.
    pub fn unsupported_all(mut constructs: Vec<Construct>) -> Self {
        Construct::sort(&mut constructs);
        Error::Unsupported { constructs }
    }

    /// An [`Error::Invalid`] for `what` at `pointer`.
    pub fn invalid(what: impl Into<String>, pointer: &Pointer) -> Self {
        Error::Invalid {
            what: what.into(),
            pointer: pointer.clone(),
            position: None,
        }
    }

    /// The constructs of an [`Error::Unsupported`]; any other error is given back.
    pub fn into_constructs(self) -> Result<Vec<Construct>, Error> {
        match self {
            Error::Unsupported { constructs } => Ok(constructs),
            other => Err(other),
        }
    }

    /// The JSON pointer of the error (the first construct's, for a list), when it has one.
    pub fn pointer(&self) -> Option<&Pointer> {
        match self {
            Error::Unsupported { constructs } => constructs.first().map(|c| &c.pointer),
            Error::Shape { pointer, .. }
            | Error::Invalid { pointer, .. }
            | Error::Version { pointer, .. } => Some(pointer),
            Error::Parse { .. } | Error::Render { .. } => None,
        }
    }

    /// The error with each of its pointers passed through `map` (to name places as the
    /// text has them, see [`crate::hoist::Moves`]).
    pub fn relocated(mut self, map: impl Fn(&Pointer) -> Pointer) -> Self {
        match &mut self {
            Error::Unsupported { constructs } => {
                for c in constructs.iter_mut() {
                    c.pointer = map(&c.pointer);
                }
            }
            Error::Shape { pointer, .. }
            | Error::Invalid { pointer, .. }
            | Error::Version { pointer, .. } => *pointer = map(pointer),
            Error::Parse { .. } | Error::Render { .. } => {}
        }
        self
    }

    /// The error with the line and column of each of its pointers in `text`, the spec it
    /// was found in (read again for this, so only errors pay for it).
    pub fn located(mut self, text: &str) -> Self {
        let mut slots: Vec<(&Pointer, &mut Option<Position>)> = match &mut self {
            Error::Unsupported { constructs } => constructs
                .iter_mut()
                .map(|c| (&c.pointer, &mut c.position))
                .collect(),
            Error::Shape {
                pointer, position, ..
            }
            | Error::Invalid {
                pointer, position, ..
            }
            | Error::Version {
                pointer, position, ..
            } => vec![(&*pointer, position)],
            Error::Parse { .. } | Error::Render { .. } => Vec::new(),
        };
        fill(text, &mut slots);
        self
    }
}

/// Sets each position from where its pointer is in `text`.
pub(crate) fn fill(text: &str, slots: &mut [(&Pointer, &mut Option<Position>)]) {
    if slots.is_empty() {
        return;
    }
    let pointers: Vec<Pointer> = slots.iter().map(|(p, _)| (*p).clone()).collect();
    for ((_, slot), found) in slots.iter_mut().zip(crate::yaml::locate(text, &pointers)) {
        **slot = found;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_construct_reads_as_before_and_several_are_listed_in_order() {
        let at = |path: &[&str]| {
            path.iter()
                .fold(Pointer::root(), |pointer, token| pointer.push(*token))
        };
        let one = Error::unsupported("header parameter", &at(&["paths", "/a", "get"]));
        assert_eq!(
            one.to_string(),
            "unsupported: header parameter at #/paths/~1a/get"
        );
        let mut later = Construct::new("`not` schema", &at(&["paths", "/a", "get", "10"]));
        later.position = Some(Position { line: 7, column: 3 });
        let many = Error::unsupported_all(vec![
            later.clone(),
            Construct::new("cookie parameter", &at(&["paths", "/a", "get", "9"])),
            later,
        ]);
        assert_eq!(
            many.to_string(),
            "2 unsupported constructs:\n  cookie parameter at #/paths/~1a/get/9\n  `not` schema at #/paths/~1a/get/10 (line 7, column 3)"
        );
        assert_eq!(
            many.pointer().map(Pointer::to_string).as_deref(),
            Some("#/paths/~1a/get/9")
        );
    }
}
