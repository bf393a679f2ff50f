//! The client's own cost per call, next to a bare reqwest call of the same request.
//!
//! Both sides send `GET /accounts/{account}/ai-gateway/gateways/{gateway}/routes/{id}` with a
//! bearer token to a keep-alive HTTP/1.1 server on 127.0.0.1 that answers with a fixed
//! `{"success": true, "result": <route with six elements>}` body, and both decode the body into
//! the typed `Route`. The bare call is what a hand-written call would do (one reqwest request,
//! `serde_json::from_slice` into the envelope type); the client adds path encoding, the retry
//! loop, the Cloudflare normaliser's check of the bytes (this body needs no rewrite) and the
//! direct decoding of the envelope from the bytes (no `serde_json::Value`; see
//! `Client::finish_typed` in runtime/src/execute.rs).
//!
//! Run: `cargo bench -p dynroute-client --bench client` (`cargo xtask bench --only client` runs
//! it with the goals). The figures, and instruction counts of the decoding, which do not move
//! with the machine's load, are in README.md ("Performance", in the client's section).

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group};
use fixture::Fixture;

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/route_body.rs"]
mod route_body;

fn bench(c: &mut Criterion) {
    let fixture = Fixture::new();
    let mut group = c.benchmark_group("get_route");
    group.bench_function("dynroute_client", |b| b.iter(|| fixture.get_ours()));
    group.bench_function("bare_reqwest", |b| b.iter(|| fixture.get_bare()));
    group.finish();

    // The same split without the network: what the client does to a received body (the
    // normaliser's check of the bytes, the direct decoding of the envelope) next to one
    // `serde_json::from_slice` into the envelope type.
    let mut group = c.benchmark_group("decode_route");
    group.bench_function("dynroute_client", |b| b.iter(|| fixture.decode_ours()));
    group.bench_function("serde_json", |b| b.iter(|| fixture.decode_bare()));
    group.finish();
}

/// For `cargo xtask bench` (`BENCH_TSV=FILE`): each pair timed in turns of about a millisecond,
/// 8 calls of one side (64 for the decoding) then as many of the other, the side that goes first alternating; each side's time
/// per call is the median over the turns. Both sides meet the machine's load turn by turn, so
/// a change of load during the run moves both, and a turn that a burst of load slowed is
/// outvoted. (Criterion times one side for seconds, then the other: on a shared machine their
/// ratio moved from 0.9x to 2x between runs of the same binaries.) One line a pair is appended
/// to FILE, in the harness's format: work id, work, dynroute's seconds, peer id, peer, the
/// peer's seconds, unit. `BENCH_QUICK=1`: fewer turns.
fn paired_to_tsv(path: &std::ffi::OsStr) {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1");
    let turns = if quick { 20 } else { 2000 };
    let fixture = Fixture::new();
    let get = paired(turns, 8, || fixture.get_ours(), || fixture.get_bare());
    let decode = paired(
        turns,
        64,
        || fixture.decode_ours(),
        || fixture.decode_bare(),
    );
    let lines = [
        (
            "client-get",
            "client get of a route, local keep-alive server (paired turns)",
            get,
            "bare-reqwest",
            "bare reqwest + serde_json::from_slice",
        ),
        (
            "client-decode",
            "client decoding of the same body (paired turns)",
            decode,
            "serde_json-from_slice",
            "one serde_json::from_slice",
        ),
    ]
    .map(|(id, work, [ours, theirs], peer_id, peer)| {
        format!("{id}\t{work}\t{ours:e}\t{peer_id}\t{peer}\t{theirs:e}\ts\n")
    })
    .concat();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("BENCH_TSV can be opened");
    std::io::Write::write_all(&mut file, lines.as_bytes()).expect("BENCH_TSV can be written");
}

/// The median seconds per call of `ours` and of `theirs` over `turns` turns of `calls` calls
/// each (after one turn of each to warm up).
fn paired<A, B>(
    turns: usize,
    calls: u32,
    ours: impl Fn() -> A,
    theirs: impl Fn() -> B,
) -> [f64; 2] {
    let time = |side: &dyn Fn()| {
        let started = Instant::now();
        for _ in 0..calls {
            side();
        }
        started.elapsed().as_secs_f64() / f64::from(calls)
    };
    let ours = || drop(black_box(ours()));
    let theirs = || drop(black_box(theirs()));
    time(&ours);
    time(&theirs);
    let mut spent = [Vec::with_capacity(turns), Vec::with_capacity(turns)];
    for turn in 0..turns {
        if turn % 2 == 0 {
            spent[0].push(time(&ours));
            spent[1].push(time(&theirs));
        } else {
            spent[1].push(time(&theirs));
            spent[0].push(time(&ours));
        }
    }
    spent.map(|mut times| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    })
}

criterion_group!(benches, bench);

fn main() {
    if let Some(path) = std::env::var_os("BENCH_TSV") {
        paired_to_tsv(&path);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
