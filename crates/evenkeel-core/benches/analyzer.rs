//! Replies per second for the rule engine on one core: `cargo bench -p evenkeel-core`.
//! `scripts/bench.sh` measures the whole `check --jsonl` path on 100,000 replies.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use evenkeel_core::Analyzer;

#[path = "corpus.rs"]
mod corpus;

fn analyze(c: &mut Criterion) {
    let analyzer = Analyzer::builtin();
    for (name, replies) in [
        ("synthetic 10k", corpus::replies(10_000)),
        ("corpus", corpus::written()),
    ] {
        let mut g = c.benchmark_group("analyzer");
        g.throughput(Throughput::Elements(replies.len() as u64));
        g.sample_size(10);
        g.bench_function(format!("analyze {name}"), |b| {
            b.iter(|| {
                replies
                    .iter()
                    .map(|r| analyzer.analyze(r, None).findings.len())
                    .sum::<usize>()
            })
        });
        g.finish();
    }
    c.bench_function("build analyzer", |b| b.iter(Analyzer::builtin));
}

criterion_group!(benches, analyze);
criterion_main!(benches);
