//! A route test file, JSON or YAML, through the reader `dynroute test` uses: nothing may
//! panic, hang or exhaust memory (nested aliases, deep nesting, odd scalars), and every
//! position it reports lies inside the text.
#![no_main]

use dynroute_engine::{suite, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let lines = source.split('\n').count();
    match text::parse(source) {
        Ok(document) => {
            if let Err(e) = suite::read(&document) {
                assert!(e.line >= 1 && e.line <= lines, "{e:?} outside {lines} lines");
            }
        }
        Err(e) => assert!(e.line >= 1 && e.line <= lines + 1, "{e:?} outside {lines} lines"),
    }
});
