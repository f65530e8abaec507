//! Replies per second for each engine on one core: `cargo bench -p evenkeel-model`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use evenkeel_core::Analyzer;
use evenkeel_model::{embedded, Engine, EngineKind};

#[path = "../../evenkeel-core/benches/corpus.rs"]
mod corpus;

fn engines(c: &mut Criterion) {
    let replies = corpus::replies(10_000);
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(replies.len() as u64));
    g.sample_size(10);
    for kind in [EngineKind::Rules, EngineKind::Hybrid, EngineKind::Model] {
        let engine = Engine::new(Analyzer::builtin(), embedded::default_model(), kind).unwrap();
        g.bench_function(format!("{} 10k replies", kind.name()), |b| {
            b.iter(|| replies.iter().map(|r| engine.analyze(r, None).findings.len()).sum::<usize>())
        });
    }
    g.finish();
}

criterion_group!(benches, engines);
criterion_main!(benches);
