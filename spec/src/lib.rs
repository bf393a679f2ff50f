//! The dynroute OpenAPI description, and a checker for wire compatibility.
//!
//! `spec/dynamic-routing.openapi.json` is the one source of truth of the workspace: the
//! generator reads it, and the validator reads the route schema derived from it. This crate
//! makes the text available to Rust code and holds [`compat`], which proves that the
//! description stays wire-compatible with Cloudflare's official one.

pub mod compat;

/// The text of `spec/dynamic-routing.openapi.json`.
pub const OPENAPI: &str = include_str!("../dynamic-routing.openapi.json");
