//! Every rule of every built-in pack carries examples it must and must not match; this runs
//! all of them through the whole analyzer, so a change to one rule that breaks another's
//! example fails here, with the file and line of the rule.

use evenkeel_core::examples::check_rule;
use evenkeel_core::Analyzer;

#[test]
fn every_rule_example_behaves() {
    let analyzer = Analyzer::builtin();
    let mut failures = Vec::new();
    let mut examples = 0;
    for rule in analyzer.rules() {
        examples += rule.must_match.len() + rule.must_not_match.len();
        failures.extend(check_rule(&analyzer, rule));
    }
    assert!(examples > 100, "only {examples} examples: packs lost their examples?");
    if !failures.is_empty() {
        let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
        panic!("{} rule examples failed:\n{}", failures.len(), report.join("\n"));
    }
}
