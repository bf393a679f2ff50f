//! Run inside the crate built from the `numbers` snapshot by `tests/compile.rs`: whole
//! `f64` values are written as JSON integers in every shape a field can have, and other
//! values are unchanged.

use serde_json::json;
use snapshot_numbers::models::{Amount, Measure};

fn measure() -> Measure {
    Measure {
        value: 100.0,
        ratio: Some(0.25),
        samples: Some(vec![1.0, 2.5, -3.0]),
        weights: Some([("a".to_string(), 2.0), ("b".to_string(), 1e300)].into()),
        maybe: None,
        count: Some(7),
        scalar: 3600.0,
        amount: Some(Amount::Number(42.0)),
    }
}

#[test]
fn whole_numbers_are_written_as_integers() {
    let text = serde_json::to_string(&measure()).expect("serializes");
    assert_eq!(
        text,
        r#"{"value":100,"ratio":0.25,"samples":[1,2.5,-3],"weights":{"a":2,"b":1e+300},"count":7,"scalar":3600,"amount":42}"#
    );
}

#[test]
fn both_spellings_decode_to_the_same_value() {
    let written = json!({"value": 100, "scalar": 3600, "samples": [1, 2.5, -3]});
    let floats = json!({"value": 100.0, "scalar": 3600.0, "samples": [1.0, 2.5, -3]});
    let a: Measure = serde_json::from_value(written.clone()).expect("decodes");
    let b: Measure = serde_json::from_value(floats).expect("decodes");
    assert_eq!(a, b);
    let back = serde_json::to_value(&a).expect("serializes");
    assert_eq!(back["value"], written["value"]);
    assert_eq!(back["samples"], written["samples"]);
}

#[test]
fn beyond_exact_integers_floats_stay_floats() {
    let mut big = measure();
    big.value = 2f64.powi(60);
    big.ratio = Some(-0.0);
    let back = serde_json::to_value(&big).expect("serializes");
    assert_eq!(back["value"], json!(2f64.powi(60)));
    assert_eq!(back["ratio"], json!(0));
}
