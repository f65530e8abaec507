//! Quick replies-per-second figures for each engine, one pass after a warm-up pass:
//! `taskset -c 1 cargo run --release -p evenkeel-model --example throughput`.
//! The criterion bench (`cargo bench -p evenkeel-model`) gives the figures with spreads.

use evenkeel_core::Analyzer;
use evenkeel_model::{embedded, Engine, EngineKind};
use std::time::Instant;

#[path = "../../evenkeel-core/benches/corpus.rs"]
mod corpus;

/// `THROUGHPUT_ONLY=corpus/rules` (input/engine) and `THROUGHPUT_PASSES=N` narrow a run for a
/// profiler.
fn main() {
    let only = std::env::var("THROUGHPUT_ONLY").unwrap_or_default();
    let passes: usize = std::env::var("THROUGHPUT_PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    for (name, replies) in [
        ("synthetic", corpus::replies(10_000)),
        ("corpus", corpus::written()),
    ] {
        for kind in [EngineKind::Rules, EngineKind::Hybrid] {
            if !only.is_empty() && only != format!("{name}/{}", kind.name()) {
                continue;
            }
            let engine = Engine::new(Analyzer::builtin(), embedded::default_model(), kind).unwrap();
            let run = || {
                replies
                    .iter()
                    .map(|r| engine.analyze(r, None).findings.len())
                    .sum::<usize>()
            };
            run();
            let t = Instant::now();
            let n = (0..passes).map(|_| run()).last().unwrap_or(0);
            let s = t.elapsed().as_secs_f64() / passes as f64;
            println!(
                "{name:>9} {:>6}: {:>8.0} replies/s ({} replies, {n} findings)",
                kind.name(),
                replies.len() as f64 / s,
                replies.len()
            );
        }
    }
}
