//! Replies per second for the rule engine on one core: `cargo bench -p evenkeel-core`.
//! `scripts/bench.sh` measures the whole `check --jsonl` path on 100,000 replies.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use evenkeel_core::Analyzer;

#[path = "corpus.rs"]
mod corpus;

fn analyze(c: &mut Criterion) {
    let analyzer = Analyzer::builtin();
    let replies = corpus::replies(10_000);
    let mut g = c.benchmark_group("analyzer");
    g.throughput(Throughput::Elements(replies.len() as u64));
    g.sample_size(10);
    g.bench_function("analyze 10k replies", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for r in &replies {
                n += analyzer.analyze(r, None).findings.len();
            }
            n
        })
    });
    g.finish();
    c.bench_function("build analyzer", |b| b.iter(Analyzer::builtin));
}

criterion_group!(benches, analyze);
criterion_main!(benches);
