//! What `cargo xtask generate` writes for this repository, shared by the command and by
//! the freshness test (`xtask/tests/fresh.rs`).

pub mod bench;
pub mod deps;

use dynroute_codegen::standalone::{CrateError, summary};
use dynroute_codegen::{Error, Settings};
use std::path::{Path, PathBuf};

/// The spec, relative to the repository root.
pub const SPEC: &str = "spec/dynamic-routing.openapi.json";
/// Where the generated Rust files of `dynroute-client` go (its hand-written crate root,
/// `client/src/lib.rs`, includes them).
pub const CRATE_SRC: &str = "client/src/generated";
/// Where the JSON Schema of a route document goes.
pub const ROUTE_SCHEMA: &str = "spec/route.schema.json";
/// Where the route schema's predicates go (`dynroute-validator`'s `verdict` module includes
/// them).
pub const ROUTE_PREDICATES: &str = "validator/src/verdict/generated.rs";
/// The predicates written there: name and JSON pointer into the route schema.
pub const PREDICATE_ENTRIES: &[(&str, &str)] =
    &[("route", ""), ("element", "/properties/elements/items")];
/// Where the route schema's property names go, as tables (`dynroute-validator`'s `fields`
/// module includes them), so that no process parses the schema to learn them.
pub const ROUTE_FIELDS: &str = "validator/src/fields/generated.rs";
/// A schema using every keyword the predicate generator checks, and where its predicates go
/// (a test of `dynroute-validator` holds them to a JSON Schema validator).
pub const KEYWORD_SCHEMA: &str = "validator/tests/fixtures/predicate-keywords.schema.json";
/// See [`KEYWORD_SCHEMA`].
pub const KEYWORD_PREDICATES: &str = "validator/src/verdict/keywords.rs";
/// The component of the spec that is a route document.
pub const ROUTE_COMPONENT: &str = "RouteDefinition";
/// `$id` of the route schema: where the file is served from the repository, so that route
/// files can name it by URL as well as by relative path.
pub const ROUTE_SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/dynroute/dynroute/main/spec/route.schema.json";

/// Problems of the xtask commands.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The generator rejected the spec.
    #[error("{path}: {source}")]
    Generate {
        /// The spec file.
        path: PathBuf,
        /// The generator error (with a JSON pointer or line:column).
        source: Error,
    },
    /// A schema has something its predicates cannot check.
    #[error("{path}{message}")]
    Predicates {
        /// The schema file.
        path: PathBuf,
        /// The pointer and what is wrong there (`#/...: ...`).
        message: String,
    },
    /// `generate --spec --out`: see [`dynroute_codegen::standalone`].
    #[error(transparent)]
    Crate(#[from] CrateError),
}

/// The repository root (the parent of this package).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Every generated file of the repository with its expected contents, paths relative
/// to `root`, in a stable order. Each step is told to `progress` as it starts.
pub fn expected_files(
    root: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<(PathBuf, String)>, TaskError> {
    let spec_path = root.join(SPEC);
    progress(format!("reading {SPEC}"));
    let text = read(&spec_path)?;
    let mut settings = Settings::new(SPEC);
    settings.document_component = Some(ROUTE_COMPONENT.to_string());
    settings.document_id = ROUTE_SCHEMA_ID.to_string();
    let output =
        dynroute_codegen::generate(&text, &settings).map_err(|source| TaskError::Generate {
            path: spec_path.clone(),
            source,
        })?;
    progress(summary(&output));
    let mut files: Vec<(PathBuf, String)> = output
        .src
        .into_iter()
        .map(|(file, text)| (Path::new(CRATE_SRC).join(file), text))
        .collect();
    if let Some(schema) = output.document_schema {
        progress(format!("writing the predicates of {ROUTE_SCHEMA}"));
        let predicates = predicates(&schema, ROUTE_SCHEMA, ROUTE_PREDICATES, PREDICATE_ENTRIES)?;
        progress(format!("writing the property names of {ROUTE_SCHEMA}"));
        let fields = fields(&schema)?;
        files.push((PathBuf::from(ROUTE_SCHEMA), schema));
        files.push((PathBuf::from(ROUTE_PREDICATES), predicates));
        files.push((PathBuf::from(ROUTE_FIELDS), fields));
    }
    progress(format!("writing the predicates of {KEYWORD_SCHEMA}"));
    let keywords = read(&root.join(KEYWORD_SCHEMA))?;
    let keywords = predicates(
        &keywords,
        KEYWORD_SCHEMA,
        KEYWORD_PREDICATES,
        &[("keywords", "")],
    )?;
    files.push((PathBuf::from(KEYWORD_PREDICATES), keywords));
    Ok(files)
}

/// The Rust predicates of a JSON Schema (see [`dynroute_codegen::predicate`]), for the
/// schema file `schema_path`, written to `out`.
fn predicates(
    schema: &str,
    schema_path: &str,
    out: &str,
    entries: &[(&str, &str)],
) -> Result<String, TaskError> {
    let refused = |message: String| TaskError::Predicates {
        path: PathBuf::from(schema_path),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_str(schema).map_err(|e| refused(format!(": {e}")))?;
    let tokens = dynroute_codegen::predicate::predicates(&value, entries)
        .map_err(|e| refused(e.to_string()))?;
    dynroute_codegen::render::render(tokens, out, schema_path).map_err(|source| {
        TaskError::Generate {
            path: PathBuf::from(schema_path),
            source,
        }
    })
}

/// The property names of the route schema `schema`, as the validator reads them
/// ([`dynroute_validator::schema::RouteSchema::read`]), written as constant tables: plain
/// strings and slices, so that the validator (which this crate builds on) compiles whatever
/// the tables hold.
fn fields(schema: &str) -> Result<String, TaskError> {
    let read = dynroute_validator::schema::RouteSchema::read(schema).map_err(|e| {
        TaskError::Predicates {
            path: PathBuf::from(ROUTE_SCHEMA),
            message: format!(": {e}"),
        }
    })?;
    fn names(names: &dynroute_validator::fields::Names) -> proc_macro2::TokenStream {
        let names = names.iter();
        quote::quote! { &[#(#names),*] }
    }
    let optional = |list: Option<&dynroute_validator::fields::Names>| match list.map(names) {
        Some(list) => quote::quote! { Some(#list) },
        None => quote::quote! { None },
    };
    let route = names(&read.fields.route);
    let elements = read.fields.elements.iter().map(|e| {
        let (tag, element) = (&e.tag, names(&e.element));
        let (properties, outputs) = (
            optional(e.properties.as_ref()),
            optional(e.outputs.as_ref()),
        );
        quote::quote! { (#tag, #element, #properties, #outputs) }
    });
    let tokens = quote::quote! {
        /// The property names declared on a route document, sorted.
        pub(crate) const ROUTE: &[&str] = #route;

        /// Per element type, in schema order: its tag, the names declared on the element,
        /// those inside its `properties` object (when it has one) and its output names (when
        /// `outputs` is a fixed-shape object, not a map), each sorted.
        pub(crate) const ELEMENTS: &[(&str, &[&str], Option<&[&str]>, Option<&[&str]>)] = &[#(#elements),*];
    };
    dynroute_codegen::render::render(tokens, ROUTE_FIELDS, ROUTE_SCHEMA).map_err(|source| {
        TaskError::Generate {
            path: PathBuf::from(ROUTE_SCHEMA),
            source,
        }
    })
}

/// The files of `expected` whose contents on disk under `root` differ (or are missing).
pub fn stale_files(root: &Path, expected: &[(PathBuf, String)]) -> Vec<PathBuf> {
    expected
        .iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<String, TaskError> {
    std::fs::read_to_string(path).map_err(|source| TaskError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a file (creating its directory), naming it in the error.
pub fn write(path: &Path, text: &str) -> Result<(), TaskError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| TaskError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, text).map_err(|source| TaskError::Io {
        path: path.to_path_buf(),
        source,
    })
}
