//! Quality gate: with rules alone, stance macro-F1 stays at or above 0.70 on each labelled
//! development set in ../shared/data (beside the checkout, as in CI). A rule change that makes
//! the engine worse on real replies fails here, not in a user's audit.

use evenkeel_core::eval::{evaluate, LabelledItem};
use evenkeel_core::Analyzer;
use std::path::PathBuf;

fn shared_data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name)
}

fn macro_f1(name: &str) -> f64 {
    let path = shared_data(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; the development sets live in ../shared/data beside the checkout",
            path.display()
        )
    });
    let analyzer = Analyzer::builtin();
    let pairs: Vec<_> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let item: LabelledItem = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
            let a = analyzer.analyze(&item.reply, item.customer.as_deref());
            (item, a)
        })
        .collect();
    assert!(
        pairs.len() > 50,
        "{}: only {} items",
        path.display(),
        pairs.len()
    );
    evaluate(&pairs).stance.macro_f1
}

#[test]
fn real_replies_stance_macro_f1() {
    let f1 = macro_f1("cs-dev.jsonl");
    assert!(f1 >= 0.70, "cs-dev stance macro-F1 {f1:.3} < 0.70");
}

#[test]
fn authored_hard_cases_stance_macro_f1() {
    let f1 = macro_f1("authored-dev.jsonl");
    assert!(f1 >= 0.70, "authored-dev stance macro-F1 {f1:.3} < 0.70");
}
