//! Large and deep inputs: a 200,000-element chain validates without stack overflow, in
//! linear time, and a loop through all of it is reported once with an abbreviated path.

use dynroute_validator::{Config, check_source};

const N: usize = 200_000;

/// start -> m0 -> m1 -> ... -> m(N-3) -> end, every fallback to end (or, with `looped`,
/// the last model's success back to m0).
fn chain(looped: bool) -> String {
    let models = N - 2;
    let mut s = String::with_capacity(N * 200);
    s.push_str("{\"name\":\"chain\",\"elements\":[\n");
    s.push_str(
        "{\"id\":\"start\",\"type\":\"start\",\"outputs\":{\"next\":{\"elementId\":\"m0\"}}},\n",
    );
    for i in 0..models {
        let next = if i + 1 < models {
            format!("m{}", i + 1)
        } else if looped {
            "m0".to_string()
        } else {
            "end".to_string()
        };
        s.push_str(&format!(
            "{{\"id\":\"m{i}\",\"type\":\"model\",\"properties\":{{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"timeout\":1000,\"retries\":1}},\"outputs\":{{\"success\":{{\"elementId\":\"{next}\"}},\"fallback\":{{\"elementId\":\"end\"}}}}}},\n"
        ));
    }
    s.push_str("{\"id\":\"end\",\"type\":\"end\",\"outputs\":{}}\n]}");
    s
}

#[test]
fn a_200k_element_chain_is_clean() {
    let diagnostics =
        check_source("chain.json", &chain(false), &Config::default()).expect("schema");
    assert!(diagnostics.is_empty(), "{:?}", diagnostics.first());
}

#[test]
fn a_200k_element_loop_is_reported_once_with_its_path() {
    let diagnostics = check_source("loop.json", &chain(true), &Config::default()).expect("schema");
    let cycles: Vec<_> = diagnostics.iter().filter(|d| d.rule == "cycle").collect();
    assert_eq!(cycles.len(), 1, "{diagnostics:?}");
    assert!(cycles[0].message.starts_with("loop: `m0` -> `m1` -> "));
    assert!(
        cycles[0].message.ends_with("-> `m199997` -> `m0`"),
        "{}",
        cycles[0].message
    );
    assert_eq!(cycles[0].line, N);
}

#[test]
fn suggestions_for_many_dangling_references_are_bounded() {
    // 5,000 end elements whose outputs all name a missing, similar id: suggesting for every
    // one would compare 5,000 references with 5,000 ids.
    let n = 5_000;
    let mut s = String::from(
        "[{\"id\":\"s\",\"type\":\"start\",\"outputs\":{\"next\":{\"elementId\":\"e0\"}}}",
    );
    for i in 0..n {
        s.push_str(&format!(
            ",{{\"id\":\"e{i}\",\"type\":\"end\",\"outputs\":{{\"x\":{{\"elementId\":\"q{i}\"}}}}}}"
        ));
    }
    s.push(']');
    let diagnostics = check_source("many.json", &s, &Config::default()).expect("schema");
    let dangling: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.rule == "dangling-reference")
        .collect();
    assert_eq!(dangling.len(), n);
    assert!(
        dangling[0].help.starts_with("did you mean `e0`?"),
        "{}",
        dangling[0].help
    );
    assert!(!dangling[n - 1].help.contains("did you mean"));
}
