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
    assert!(
        examples > 100,
        "only {examples} examples: packs lost their examples?"
    );
    if !failures.is_empty() {
        let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
        panic!(
            "{} rule examples failed:\n{}",
            failures.len(),
            report.join("\n")
        );
    }
}

/// The example pack in rules/README.md is real: it parses, and its examples behave.
#[test]
fn the_documented_example_pack_works() {
    let readme = include_str!("../../../rules/README.md");
    let start = readme.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let len = readme[start..].find("```").expect("block end");
    let pack = &readme[start..start + len];
    let mut b = evenkeel_core::AnalyzerBuilder::builtin();
    b.add_pack("rules/README.md", pack)
        .unwrap_or_else(|e| panic!("{e}"));
    let analyzer = b.build().unwrap();
    let rule = analyzer
        .rule("acme.refund-guarantee")
        .expect("the example rule");
    let failures = check_rule(&analyzer, rule);
    assert!(failures.is_empty(), "{failures:?}");
}

/// Built-in packs compile their regexes on first use; every one of them must compile.
#[test]
fn every_builtin_regex_compiles() {
    let b = evenkeel_core::AnalyzerBuilder::builtin();
    for pack in b.packs() {
        pack.compile_all().unwrap_or_else(|e| panic!("{e}"));
    }
}

/// A user's pack is compiled when it loads, so a pattern too large for the regex engine is an
/// error naming its file and rule rather than a rule that silently never fires.
#[test]
fn user_pack_too_large_to_compile_is_an_error_at_load() {
    // Long gaps of "any word" compile to a very large automaton.
    let words: Vec<String> = (0..1500).map(|i| format!("w{i}")).collect();
    let pattern = words.join(" {gap:8} ");
    let pack = format!(
        "[pack]\nname = \"big\"\n[[rule]]\nid = \"huge\"\ncue = \"platitude\"\nmust_match = [\"w0 w1\"]\npatterns = [\"{pattern}\"]\n"
    );
    let mut b = evenkeel_core::AnalyzerBuilder::builtin();
    match b.add_pack("big.toml", &pack) {
        Ok(_) => panic!("a pattern over the size limit loaded"),
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.contains("size limit") || text.contains("exceeds"),
                "{text}"
            );
            assert!(text.contains("big.toml"), "{text}");
            assert!(text.contains("huge"), "{text}");
        }
    }
}
