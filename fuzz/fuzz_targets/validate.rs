//! Arbitrary bytes through the whole pipeline and every output format: nothing may panic,
//! the strict parser must accept exactly what serde_json accepts, and the route schema's
//! quick verdict must agree with the compiled schema.
#![no_main]

use dynroute_validator::output::{Format, render_string};
use dynroute_validator::{Config, check_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // With a small limit too, so the findings left out are counted and reported.
    let mut limited = Config::default();
    limited.limit(Some(3));
    let (Ok(report), Ok(capped)) = (
        check_bytes("fuzz.json", data.to_vec(), &Config::default()),
        check_bytes("fuzz.json", data.to_vec(), &limited),
    ) else {
        return;
    };
    assert_eq!(report.counts(), capped.counts(), "the limit hides findings, not counts");
    let reports = [report, capped];
    for format in [
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Gitlab,
    ] {
        let _ = render_string(format, &reports);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // serde_json stops at 128 levels of nesting, the validator's parser at 512; compare
    // only where both limits are out of reach.
    if text.matches(['[', '{']).count() < 100 {
        let ours = dynroute_validator::parse::parse(text);
        let serde = serde_json::from_str::<serde_json::Value>(text);
        assert_eq!(ours.is_ok(), serde.is_ok(), "parsers disagree on {text:?}");
        // Both read the same value (duplicate keys aside, where each keeps the last).
        if let (Ok(ours), Ok(serde)) = (&ours, &serde) {
            assert_eq!(&ours.root().to_value(), serde, "values differ for {text:?}");
        }
    }
    if let Some(pairs) = dynroute_validator::verdicts(text) {
        for (quick, compiled) in pairs {
            assert_eq!(quick, compiled, "the quick verdict and the schema disagree on {text:?}");
        }
    }
    if let Ok(parsed) = dynroute_validator::parse::parse(text)
        && let Ok(doc) = dynroute_validator::document::extract(parsed.root())
        && let Some((elements, pointer)) = doc.elements
    {
        let route = dynroute_validator::route::Route::new(elements, &pointer);
        let _ =
            dynroute_validator::draw::draw(&route, dynroute_validator::draw::GraphFormat::Mermaid);
        let _ = dynroute_validator::draw::draw(&route, dynroute_validator::draw::GraphFormat::Dot);
    }
});
