//! The pure parts of `cargo xtask bench`: reading the scripts' pairs and criterion's estimates,
//! ratios, goals, the table. The harness itself runs the benchmarks and installs peers, which
//! takes minutes: it is run by hand (`cargo xtask bench --quick`), not by `cargo test`.

use xtask::bench::{
    ALL_PARTS, GOALS, Goal, Measurement, Part, Unit, criterion_median, format_value, goal_for,
    goals_met, parse_tsv, ratio, render_table, significant, unmeasured,
};

fn pair(work_id: &str, peer_id: &str, ours: f64, theirs: f64, unit: Unit) -> Measurement {
    Measurement {
        work_id: work_id.to_string(),
        work: format!("{work_id} work"),
        ours,
        peer_id: peer_id.to_string(),
        peer: format!("{peer_id} peer"),
        theirs,
        unit,
    }
}

fn goal(work_id: &str, peer_id: &str) -> &'static Goal {
    GOALS
        .iter()
        .find(|g| g.work_id == work_id && g.peer_id == peer_id)
        .unwrap_or_else(|| panic!("no goal for {work_id} against {peer_id}"))
}

#[test]
fn ratio_is_ours_over_theirs_and_infinite_without_a_peer_value() {
    assert_eq!(ratio(1.0, 4.0), 0.25);
    assert_eq!(pair("w", "p", 3.0, 2.0, Unit::Seconds).ratio(), 1.5);
    assert_eq!(ratio(1.0, 0.0), f64::INFINITY);
    assert!(!goal("typical", "jsonschema-cli").met(ratio(1.0, 0.0)));
    assert!(!goal("typical", "jsonschema-cli").met(f64::NAN));
}

#[test]
fn goals_are_met_at_their_bound() {
    let cases = [
        ("typical", "jsonschema-cli", 0.5),
        ("typical", "check-jsonschema", 1.0 / 150.0),
        ("typical-hook", "jsonschema-cli", 0.5),
        ("typical-hook", "check-jsonschema", 1.0 / 150.0),
        ("large-chain", "serde_json-parse", 1.5),
        ("large-chain-memory", "file-size", 10.0),
        ("large-mixed", "serde_json-parse", 1.5),
        ("large-mixed-memory", "file-size", 10.0),
        ("many", "jsonschema-cli", 0.5),
        ("crate-check", "progenitor-tls", 1.0),
        ("client-get", "bare-reqwest", 1.05),
        ("client-decode", "serde_json-from_slice", 1.2),
    ];
    assert_eq!(GOALS.len(), cases.len());
    for (work_id, peer_id, bound) in cases {
        let g = goal(work_id, peer_id);
        assert_eq!(g.max_ratio, bound, "{work_id} against {peer_id}");
        assert!(g.met(bound));
        assert!(g.met(bound * 0.99));
        assert!(!g.met(bound * 1.01));
    }
    // 150x faster: 2.6 ms against 391 ms is 150.4x, 2.7 ms is 144.8x.
    let check_jsonschema = goal("typical", "check-jsonschema");
    assert!(check_jsonschema.met(ratio(2.6e-3, 0.391)));
    assert!(!check_jsonschema.met(ratio(2.7e-3, 0.391)));
}

#[test]
fn a_goal_applies_to_its_work_and_peer_only() {
    let typical = pair("typical", "jsonschema-cli", 1.0, 1.0, Unit::Seconds);
    assert_eq!(
        goal_for(GOALS, &typical),
        Some(goal("typical", "jsonschema-cli"))
    );
    // ajv-cli has no goal, nor jsonschema-cli on the large routes, nor progenitor without TLS.
    for (work_id, peer_id) in [
        ("typical", "ajv-cli"),
        ("large-chain", "jsonschema-cli"),
        ("large-chain-memory", "serde_json-parse"),
        ("crate-check", "progenitor"),
        ("crate-packages", "progenitor-tls"),
    ] {
        let m = pair(work_id, peer_id, 1.0, 1.0, Unit::Seconds);
        assert_eq!(goal_for(GOALS, &m), None, "{work_id} against {peer_id}");
    }
}

#[test]
fn every_part_has_a_goal_and_the_unmeasured_goals_are_those_of_the_parts_run() {
    for part in ALL_PARTS {
        assert!(GOALS.iter().any(|g| g.part == part), "{part:?}");
    }
    let measured = [pair("typical", "jsonschema-cli", 1.0, 2.0, Unit::Seconds)];
    let missing = unmeasured(GOALS, &[Part::Validate], &measured);
    assert_eq!(
        missing,
        [
            goal("typical", "check-jsonschema"),
            goal("typical-hook", "jsonschema-cli"),
            goal("typical-hook", "check-jsonschema"),
        ]
    );
    assert!(
        unmeasured(
            GOALS,
            &[Part::Many],
            &[pair("many", "jsonschema-cli", 1.0, 1.0, Unit::Seconds)]
        )
        .is_empty()
    );
    assert_eq!(unmeasured(GOALS, &ALL_PARTS, &[]).len(), GOALS.len());
}

#[test]
fn tsv_lines_are_read_with_their_units() {
    let text = "# comment\n\
        typical\ttypical file\t0.0099\tjsonschema-cli\tjsonschema-cli 0.60.2\t0.0064\ts\n\
        \n\
        large-chain-memory\tlarge route: peak memory\t125829120\tfile-size\tfile size\t34477690\tB\n\
        crate-packages\tpackages\t101\tprogenitor\tprogenitor 0.15.1\t82\tn\n";
    let read = parse_tsv(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.len(), 3);
    assert_eq!(
        read[0],
        Measurement {
            work_id: "typical".into(),
            work: "typical file".into(),
            ours: 0.0099,
            peer_id: "jsonschema-cli".into(),
            peer: "jsonschema-cli 0.60.2".into(),
            theirs: 0.0064,
            unit: Unit::Seconds,
        }
    );
    assert_eq!(read[1].unit, Unit::Bytes);
    assert_eq!(read[2].unit, Unit::Count);
    assert_eq!(read[2].ours, 101.0);
}

#[test]
fn bad_tsv_lines_are_errors_that_name_the_line() {
    for (text, says) in [
        ("a\tb\t1\tp\tq\t2\n", "expected 7"),
        (
            "a\tb\tfast\tp\tq\t2\ts\n",
            "\"fast\" is not a measured value",
        ),
        ("a\tb\t1\tp\tq\tNaN\ts\n", "\"NaN\" is not a measured value"),
        ("a\tb\t-1\tp\tq\t2\ts\n", "\"-1\" is not a measured value"),
        ("a\tb\t1\tp\tq\t2\tms\n", "not s, B or n"),
    ] {
        let error = parse_tsv(&format!("# first\n{text}")).expect_err(text);
        assert!(error.starts_with("line 2: "), "{error}");
        assert!(error.contains(says), "{error}");
    }
}

#[test]
fn criterion_medians_are_read_in_seconds() {
    let estimates = r#"{"mean":{"point_estimate":477318.1},"median":{"confidence_interval":{"lower_bound":1.0,"upper_bound":2.0},"point_estimate":136500.0,"standard_error":3.0}}"#;
    let seconds = criterion_median(estimates).unwrap_or_else(|e| panic!("{e}"));
    assert!((seconds - 136.5e-6).abs() < 1e-12, "{seconds}");
    assert!(criterion_median(r#"{"mean":{"point_estimate":1.0}}"#).is_err());
    assert!(criterion_median("not json").is_err());
}

#[test]
fn values_are_written_in_their_unit_with_three_significant_digits() {
    assert_eq!(significant(1.554), "1.55");
    assert_eq!(significant(0.0226), "0.0226");
    assert_eq!(significant(12.345), "12.3");
    assert_eq!(significant(150.4), "150");
    assert_eq!(significant(0.0), "0");
    assert_eq!(significant(f64::INFINITY), "∞");
    assert_eq!(format_value(0.0099, Unit::Seconds), "9.90 ms");
    assert_eq!(format_value(126.03, Unit::Seconds), "126.03 s");
    assert_eq!(format_value(136.5e-6, Unit::Seconds), "136 µs");
    assert_eq!(format_value(572e-9, Unit::Seconds), "572 ns");
    assert_eq!(
        format_value(120.0 * 1024.0 * 1024.0, Unit::Bytes),
        "120 MiB"
    );
    assert_eq!(format_value(2048.0, Unit::Bytes), "2.00 KiB");
    assert_eq!(format_value(101.0, Unit::Count), "101");
}

#[test]
fn the_table_has_a_row_per_pair_then_the_unmeasured_goals() {
    let measured = [
        pair("typical", "jsonschema-cli", 0.0099, 0.0064, Unit::Seconds),
        pair("typical", "ajv-cli", 0.0098, 0.536, Unit::Seconds),
        pair(
            "large-chain-memory",
            "file-size",
            125_829_120.0,
            34_477_690.0,
            Unit::Bytes,
        ),
    ];
    let missing = [goal("typical", "check-jsonschema")];
    let table = render_table(GOALS, &measured, &missing);
    let expected = "\
| work | dynroute | peer | ratio | goal | met? |
| --- | --- | --- | --- | --- | --- |
| typical work | 9.90 ms | jsonschema-cli peer: 6.40 ms | 1.55x | ≤ 0.5x | no |
| typical work | 9.80 ms | ajv-cli peer: 536 ms | 0.0183x |  |  |
| large-chain-memory work | 120 MiB | file-size peer: 32.9 MiB | 3.65x | ≤ 10x | yes |
| typical file, whole process | | check-jsonschema 0.39.0: not measured | | ≤ 0.0067x (150x faster) | not measured |
";
    assert_eq!(table, expected);
    assert_eq!(goals_met(GOALS, &measured), (1, 2));
}

#[test]
fn pipes_in_labels_do_not_break_the_table() {
    let mut m = pair("w", "p", 1.0, 1.0, Unit::Count);
    m.work = "a | b".into();
    let table = render_table(GOALS, &[m], &[]);
    assert!(table.contains("| a \\| b | 1 |"), "{table}");
}
