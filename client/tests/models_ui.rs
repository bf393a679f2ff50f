//! Compile tests of consumer code against the models (without the HTTP client):
//! `ui/pass/*.rs` must compile under `#![deny(warnings)]`; `ui/fail/*.rs` must be
//! rejected with the recorded diagnostics (update with `TRYBUILD=overwrite`).

#[test]
fn models_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
