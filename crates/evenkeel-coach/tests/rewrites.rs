//! Every sympathetic and dismissive reply of the corpus and of the development sets, rewritten
//! and measured: is the rewrite empathetic by evenkeel's own analysis, does it keep every
//! number, date, e-mail address, link and capitalised name of the original, and is it neither
//! empty nor much longer? The failures are written to target/rewrite-failures.txt, every
//! before/after pair to target/rewrites.txt.

use evenkeel_coach::rewrite::{protected, rewrite};
use evenkeel_core::eval::LabelledItem;
use evenkeel_core::{Analyzer, Stance};
use evenkeel_model::{embedded, Engine, EngineKind};
use std::path::PathBuf;

fn items(dir: &PathBuf) -> Vec<(String, LabelledItem)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(move |l| {
                    (
                        name.clone(),
                        serde_json::from_str::<LabelledItem>(l).unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

#[test]
fn risky_replies_are_rewritten_to_empathy_keeping_every_fact() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut all = items(&root.join("data/corpus"));
    let shared = root.join("../shared/data");
    if shared.is_dir() {
        all.extend(items(&shared));
    }
    let kind = if embedded::default_model().is_some() {
        EngineKind::Hybrid
    } else {
        EngineKind::Rules
    };
    let engine = Engine::new(Analyzer::builtin(), embedded::default_model(), kind).unwrap();
    let (mut n, mut empathetic, mut kept, mut sized) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut pairs = Vec::new();
    for (file, item) in &all {
        if !matches!(item.stance, Stance::Sympathetic | Stance::Dismissive) {
            continue;
        }
        n += 1;
        let r = rewrite(&engine, &item.reply, item.customer.as_deref());
        pairs.push(format!(
            "{file} {}\n  before: {}\n  after:  {}",
            item.id.as_deref().unwrap_or("?"),
            item.reply,
            r.text
        ));
        let ok_stance = r.stance_after == Stance::Empathetic;
        let missing: Vec<String> = protected(&item.reply)
            .into_iter()
            .filter(|t| !r.text.contains(t.as_str()))
            .collect();
        let ok_size = !r.text.trim().is_empty() && words(&r.text) <= 2 * words(&item.reply) + 40;
        empathetic += ok_stance as usize;
        kept += missing.is_empty() as usize;
        sized += ok_size as usize;
        if !(ok_stance && missing.is_empty() && ok_size) {
            failures.push(format!(
                "{file} {}: stance {:?}, missing {missing:?}\n  before: {}\n  after:  {}",
                item.id.as_deref().unwrap_or("?"),
                r.stance_after,
                item.reply,
                r.text
            ));
        }
    }
    eprintln!(
        "rewrites: {n} risky replies; empathetic {empathetic}, facts kept {kept}, size ok {sized}"
    );
    for f in failures.iter().take(40) {
        eprintln!("{f}");
    }
    std::fs::write(
        root.join("target/rewrite-failures.txt"),
        failures.join("\n"),
    )
    .ok();
    // Every pair, for reading: a rewrite can pass these checks and still read badly.
    std::fs::write(root.join("target/rewrites.txt"), pairs.join("\n")).ok();
    assert!(n > 2000, "the corpus has its risky replies");
    assert_eq!(
        empathetic, n,
        "every rewrite reads as empathetic; see target/rewrite-failures.txt"
    );
    assert_eq!(
        kept, n,
        "every rewrite keeps every fact; see target/rewrite-failures.txt"
    );
    assert_eq!(
        sized, n,
        "every rewrite is non-empty and at most twice the original plus 40 words"
    );
}
