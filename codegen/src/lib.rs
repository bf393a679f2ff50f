//! OpenAPI 3.0 description -> Rust source code.
