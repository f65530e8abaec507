//! The scenario library is sound: every scenario parses, its model reply is empathetic by
//! evenkeel's own analysis, and every pitfall example takes the stance it claims.

use evenkeel_coach::scenario::{builtin, load_dir};
use evenkeel_core::{Analyzer, Emotion, Stance};
use evenkeel_model::{embedded, Engine, EngineKind};
use std::collections::BTreeSet;
use std::path::PathBuf;

#[test]
fn every_scenario_parses_and_its_examples_take_the_stance_they_claim() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios");
    let lib = load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let ids = |l: &[evenkeel_coach::scenario::Scenario]| {
        l.iter().map(|s| s.id.clone()).collect::<Vec<_>>()
    };
    assert!(
        lib == builtin(),
        "the binary holds the library in data/scenarios (rebuild): {:?} vs {:?}",
        ids(&lib),
        ids(&builtin())
    );
    assert!(
        lib.len() >= 60,
        "{} scenarios; the library needs at least 60",
        lib.len()
    );
    let emotions: BTreeSet<Emotion> = lib.iter().map(|s| s.emotion).collect();
    assert_eq!(emotions.len(), 7, "all seven emotions: {emotions:?}");
    let industries: BTreeSet<&str> = lib.iter().map(|s| s.industry.as_str()).collect();
    assert!(industries.len() >= 12, "{industries:?}");

    let kind = if embedded::default_model().is_some() {
        EngineKind::Hybrid
    } else {
        EngineKind::Rules
    };
    let engine = Engine::new(Analyzer::builtin(), embedded::default_model(), kind).unwrap();
    let mut wrong = Vec::new();
    for s in &lib {
        let customer = s.customer_text();
        let model = engine.analyze(&s.model_reply, Some(&customer));
        if model.stance != Stance::Empathetic {
            wrong.push(format!(
                "{}: model reply is {} ({:?})",
                s.id,
                model.stance.name(),
                model.cues()
            ));
        }
        for p in &s.pitfalls {
            let a = engine.analyze(&p.example, Some(&customer));
            if a.stance != p.stance {
                wrong.push(format!(
                    "{}: pitfall `{}` claims {} but is {} ({:?})",
                    s.id,
                    p.example,
                    p.stance.name(),
                    a.stance.name(),
                    a.cues()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of the library's examples disagree with the analyzer:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
