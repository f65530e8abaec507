//! Writes N synthetic replies as JSON Lines (`{"id":..,"reply":..}`) for `scripts/bench.sh`.
//! Usage: `cargo run --release -p evenkeel-core --example gen_replies -- 100000 > replies.jsonl`

#[path = "../benches/corpus.rs"]
mod corpus;

use std::io::{BufWriter, Write};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let out = std::io::stdout();
    let mut w = BufWriter::new(out.lock());
    for (i, r) in corpus::replies(n).iter().enumerate() {
        let line = serde_json::json!({"id": format!("b{i}"), "reply": r});
        writeln!(w, "{line}").expect("write to stdout");
    }
}
