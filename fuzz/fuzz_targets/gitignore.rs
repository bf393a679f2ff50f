//! `.gitignore` lines and paths through the matcher `dynroute validate` walks with
//! (`cli/src/gitignore.rs`, compiled in here by path: it needs only std). The input is the
//! text of an ignore file, then a line holding only `---`, then one path a line. Nothing may
//! panic or hang, and what is matched must hold together:
//!
//! * a glob that escapes every byte of a path matches exactly that path;
//! * a path matches its lines whatever folder they are relative to, when given below it;
//! * a match of the path alone is what `matched_or_parents` says first.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

#[path = "../../cli/src/gitignore.rs"]
#[allow(dead_code)]
mod gitignore;

use gitignore::{Match, Patterns, wildmatch};

fuzz_target!(|data: &[u8]| {
    let (lines, paths) = match data.windows(5).position(|w| w == b"\n---\n") {
        Some(at) => (&data[..at], &data[at + 5..]),
        None => (data, &b"a/b/c"[..]),
    };
    let here = Patterns::from_file_bytes(Path::new("/r"), lines);
    let there = Patterns::from_file_bytes(Path::new("/elsewhere/deeper"), lines);
    for path in paths.split(|&b| b == b'\n').take(64) {
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        let path = path.trim_matches('/');
        if path.is_empty() || path.contains('\0') || path.split('/').any(|n| n.is_empty() || n == "." || n == "..") {
            continue;
        }
        let escaped: Vec<u8> = path.bytes().flat_map(|b| [b'\\', b]).collect();
        assert!(wildmatch(&escaped, path.as_bytes()), "{path}");
        for is_dir in [false, true] {
            let alone = here.matched(&Path::new("/r").join(path), is_dir);
            assert_eq!(
                alone,
                there.matched(&Path::new("/elsewhere/deeper").join(path), is_dir),
                "{path}"
            );
            let with_parents = here.matched_or_parents(&Path::new("/r").join(path), is_dir);
            if alone != Match::None {
                assert_eq!(with_parents, alone, "{path}");
            }
            assert_eq!(here.matched(&Path::new("/other").join(path), is_dir), Match::None);
        }
    }
});
