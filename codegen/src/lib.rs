//! OpenAPI 3.0 or 3.1 description (JSON or YAML) -> Rust source code.
//!
//! The pipeline, one module per step, data flowing one way:
//! [`parse`] (JSON or YAML text -> `openapiv3::OpenAPI`, YAML read by [`yaml`]) -> [`types`]
//! (the type space: every schema named once, deduplicated, `allOf` merged, unions
//! classified, cycles found; split into `convert`, `merge`, `unions`, `dedup` and `graph`)
//! and [`operations`] (the operation IR: `params`, `body`, `responses`, `pagination`,
//! `media`) ->
//! [`emit_models`] / [`emit_client`]
//! (tokens: made only there and in the helpers they call, [`doc`], [`json_number`] and
//! [`json_bytes`]) ->
//! [`render`] (`syn::File` -> prettyplease -> text with an `@generated` header).
//!
//! Shared by the steps: [`resolve`] is the one `$ref` resolver (into
//! `#/components/{schemas,parameters,requestBodies,responses}`); [`names`] is the only
//! place identifiers and type names are made; [`error`] and [`pointer`](mod@pointer) make
//! every error name its place in the spec, [`yaml`] finding its line and column when one is
//! reported. The steps record each construct the generator does not support and go on, so
//! one run finds them all; [`skip`] decides what a partial generation leaves out for them.
//! [`route_schema`] exports one component and what it references as a JSON Schema
//! document, and [`predicate`] turns such a schema into Rust functions that say whether a
//! value is valid under it; [`envelope`] reads the error envelope a description declares; [`krate`] wraps
//! the output in a standalone crate and tells its files from others by their header.
//! [`doc`] makes descriptions safe as doc comments and
//! [`json_number`] writes whole `f64`s as JSON integers; [`json_bytes`] reads and writes
//! binary properties (`Vec<u8>`) in JSON.
//!
//! Nothing here names a particular API: which component is a "route document" is a
//! setting, decided by the caller.

pub mod doc;
pub mod downgrade;
pub mod emit_client;
pub mod emit_models;
pub mod envelope;
pub mod error;
pub mod hoist;
pub mod json_bytes;
pub mod json_number;
pub mod krate;
pub mod names;
pub mod operations;
pub mod parse;
pub mod pointer;
pub mod predicate;
pub mod render;
pub mod resolve;
pub mod route_schema;
pub mod skip;
pub mod standalone;
pub mod types;
pub mod yaml;

pub use error::{Construct, Error, Position};
pub use pointer::Pointer;
pub use skip::Skipped;
pub use types::{TypeId, TypeRef, TypeSpace};

use std::collections::BTreeMap;

/// What to generate and how to label it.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How the spec is named in `@generated` headers, e.g. `spec/dynamic-routing.openapi.json`.
    pub spec_path: String,
    /// The component exported as a JSON Schema document (`RouteDefinition` for our spec);
    /// `None` to skip. The spec can also name it with `x-dynroute-document: true` on the
    /// component, which is used when this is `None`.
    pub document_component: Option<String>,
    /// `$id` of the exported JSON Schema.
    pub document_id: String,
    /// Generate what can be generated and leave out each operation and type that needs an
    /// unsupported construct (listed in [`Output::skipped`]), instead of failing with
    /// [`Error::Unsupported`].
    pub skip_unsupported: bool,
}

impl Settings {
    /// Settings for `spec_path` with no document export.
    pub fn new(spec_path: impl Into<String>) -> Self {
        Settings {
            spec_path: spec_path.into(),
            document_component: None,
            document_id: "route.schema.json".to_string(),
            skip_unsupported: false,
        }
    }
}

/// The generated text, by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Rust files of the crate, by path relative to its `src/` (`models.rs`, ...).
    pub src: BTreeMap<String, String>,
    /// The JSON Schema of the document component, when one was selected.
    pub document_schema: Option<String>,
    /// How many named types the models hold.
    pub types: usize,
    /// How many operations the client has.
    pub operations: usize,
    /// What [`Settings::skip_unsupported`] left out, sorted by pointer (empty otherwise).
    pub skipped: Vec<Skipped>,
}

/// Generates every output file from the text of an OpenAPI 3.0 or 3.1 description, JSON or YAML.
///
/// Every unsupported construct is found in one run: without
/// [`Settings::skip_unsupported`] they are one [`Error::Unsupported`] that lists them all
/// (sorted by pointer); with it, the operations and types that need them are left out and
/// listed in [`Output::skipped`]. Errors and skipped items carry the line and column of
/// their pointers.
pub fn generate(spec_text: &str, settings: &Settings) -> Result<Output, Error> {
    let text = parse::without_bom(spec_text);
    let mut output = build(text, settings).map_err(|error| error.located(text))?;
    let mut slots: Vec<_> = output
        .skipped
        .iter_mut()
        .flat_map(Skipped::constructs_mut)
        .collect();
    error::fill(text, &mut slots);
    Ok(output)
}

/// [`generate`] on text without a byte order mark, positions not looked up; pointers name
/// places as the text has them.
fn build(text: &str, settings: &Settings) -> Result<Output, Error> {
    let parsed = parse::read(text)?;
    if parsed.moves.is_empty() {
        return build_from(parsed, settings);
    }
    let moves = parsed.moves.clone();
    let original = |pointer: &pointer::Pointer| moves.original(pointer);
    let mut output = build_from(parsed, settings).map_err(|e| e.relocated(original))?;
    for skipped in &mut output.skipped {
        skipped.relocate(&original);
    }
    Ok(output)
}

/// [`build`] once the description is read.
fn build_from(parsed: parse::Parsed, settings: &Settings) -> Result<Output, Error> {
    let parse::Parsed {
        spec, value: raw, ..
    } = parsed;
    let mut space = TypeSpace::new(&spec)?;

    // Operations add the schemas of their parameters, bodies and responses to the type
    // space, so it is finalized (unused types dropped) only after them.
    let mut client = operations::collect(&spec, &mut space)?;

    space.finalize()?;
    let mut unsupported = space.unsupported();
    unsupported.extend(client.refused.iter().flat_map(|r| r.constructs.clone()));
    if !unsupported.is_empty() && !settings.skip_unsupported {
        return Err(Error::unsupported_all(unsupported));
    }
    let skipped = skip::leave_out(&mut client, &space);
    let mut output = Output {
        types: space.types().count(),
        operations: client.operations.len(),
        skipped,
        ..Output::default()
    };
    output.src.insert(
        "models.rs".to_string(),
        render::render(emit_models::emit(&space), "models.rs", &settings.spec_path)?,
    );
    // Without operations there is no client: the crate is the models alone.
    if !client.operations.is_empty() {
        output.src.insert(
            "operations.rs".to_string(),
            render::render(
                emit_client::emit(&client, &space),
                "operations.rs",
                &settings.spec_path,
            )?,
        );
    }

    // The JSON Schema export works on the raw JSON, so that keywords `openapiv3` does
    // not model survive unchanged.
    let document = settings
        .document_component
        .clone()
        .or_else(|| route_schema::marked_component(&raw));
    if let Some(component) = document {
        output.document_schema = Some(route_schema::export(
            &raw,
            &component,
            &settings.document_id,
            &settings.spec_path,
        )?);
    }
    Ok(output)
}
