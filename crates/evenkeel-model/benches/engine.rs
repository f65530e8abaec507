//! Replies per second for each engine on one core: `cargo bench -p evenkeel-model`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use evenkeel_core::Analyzer;
use evenkeel_model::{embedded, Engine, EngineKind};

#[path = "../../evenkeel-core/benches/corpus.rs"]
mod corpus;

/// Two inputs: the synthetic phrase-pool replies, and the corpus' written replies (varied
/// text, the figure to quote).
fn engines(c: &mut Criterion) {
    for (name, replies) in [
        ("synthetic 10k", corpus::replies(10_000)),
        ("corpus", corpus::written()),
    ] {
        let mut g = c.benchmark_group(format!("engine/{name}"));
        g.throughput(Throughput::Elements(replies.len() as u64));
        g.sample_size(10);
        for kind in [EngineKind::Rules, EngineKind::Hybrid, EngineKind::Model] {
            let engine = Engine::new(Analyzer::builtin(), embedded::default_model(), kind).unwrap();
            g.bench_function(kind.name(), |b| {
                b.iter(|| {
                    replies
                        .iter()
                        .map(|r| engine.analyze(r, None).findings.len())
                        .sum::<usize>()
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, engines);
criterion_main!(benches);
