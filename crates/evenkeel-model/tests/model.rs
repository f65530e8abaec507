//! The model end to end: training is deterministic, files round-trip, the embedded model is
//! the one trained on the corpus in this tree, and learned findings keep the span contract.

use evenkeel_core::eval::LabelledItem;
use evenkeel_core::Analyzer;
use evenkeel_model::linear::TrainOptions;
use evenkeel_model::train::{corpus_hash, train};
use evenkeel_model::{embedded, Engine, EngineKind, Model};
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus")
}

/// The corpus files as `evenkeel train` reads them: every `.jsonl`, in name order.
fn corpus_files() -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("data/corpus exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn items(files: &[(String, Vec<u8>)], limit: usize) -> Vec<LabelledItem> {
    files
        .iter()
        .flat_map(|(_, b)| {
            std::str::from_utf8(b)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<LabelledItem>>()
        })
        .take(limit)
        .collect()
}

#[test]
fn training_twice_gives_identical_bytes_and_files_round_trip() {
    let files = corpus_files();
    let sample = items(&files, 160);
    let analyzer = Analyzer::builtin();
    let opts = TrainOptions {
        epochs: 3,
        ..TrainOptions::default()
    };
    let a = train(&sample, &analyzer, "test", &opts).to_bytes();
    let b = train(&sample, &analyzer, "test", &opts).to_bytes();
    assert!(a == b, "two trainings on the same data and seed differ");
    let other = train(
        &sample,
        &analyzer,
        "test",
        &TrainOptions { seed: 99, ..opts },
    )
    .to_bytes();
    assert!(a != other, "the seed must matter");
    let m = Model::from_bytes(&a).unwrap();
    assert_eq!(m.to_bytes(), a, "load then save is the identity");
    assert_eq!(m.items, 160);
}

#[test]
fn corrupt_or_foreign_model_files_are_errors() {
    assert!(Model::from_bytes(b"").is_err());
    assert!(Model::from_bytes(b"PK\x03\x04 a zip file").is_err());
    let bytes = embedded::DEFAULT_MODEL_BYTES.expect("this build embeds models/default.ekm");
    assert!(
        Model::from_bytes(&bytes[..bytes.len() / 2]).is_err(),
        "a truncated file"
    );
    let mut v = bytes.to_vec();
    v[4] = 99;
    assert!(Model::from_bytes(&v).unwrap_err().contains("format"));
}

#[test]
fn the_embedded_model_was_trained_on_this_corpus_and_is_small() {
    let bytes = embedded::DEFAULT_MODEL_BYTES.expect("this build embeds models/default.ekm");
    assert!(bytes.len() <= 10 << 20, "model is {} bytes", bytes.len());
    let model = embedded::default_model().expect("the embedded model loads");
    assert_eq!(
        model.corpus_sha256,
        corpus_hash(&corpus_files()),
        "models/default.ekm is stale: run `evenkeel train --corpus data/corpus --out models/default.ekm`"
    );
    let n: usize = corpus_files()
        .iter()
        .map(|(_, b)| {
            std::str::from_utf8(b)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .count()
        })
        .sum();
    assert_eq!(model.items as usize, n);
}

#[test]
fn hybrid_findings_keep_the_span_contract() {
    let engine = Engine::new(
        Analyzer::builtin(),
        embedded::default_model(),
        EngineKind::Hybrid,
    )
    .unwrap();
    let replies = [
        "ugh that drives me up the wall too, honestly the night shift clearly never read your file",
        "Zoë, I get why you're upset 😞 — what happened when you tried the new card?",
        "as per my last email the fee stands",
        "",
        "🙂🙂🙂",
    ];
    for r in replies {
        let a = engine.analyze(r, Some("I am furious!!"));
        assert_eq!(a.engine, "hybrid");
        assert!(a.stance_probabilities.is_some());
        assert!(a.customer_emotion.is_some());
        for f in &a.findings {
            assert_eq!(&r[f.start..f.end], f.text);
            assert_eq!(f.utf16_start, r[..f.start].encode_utf16().count());
            if f.rule.starts_with("model.") {
                let c = f.confidence.expect("model findings carry a confidence");
                assert!((0.0..=1.0).contains(&c));
            }
        }
        let cues = a.cues();
        assert_eq!(a.stance, evenkeel_core::stance::decide(&cues));
    }
    // The rules engine is the analyzer, unchanged.
    let rules = Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap();
    let r = "This is not acceptable.";
    assert_eq!(rules.analyze(r, None), Analyzer::builtin().analyze(r, None));
}

/// The audit asks for each customer turn's emotion on its own; it must be the emotion
/// `analyze` reports for the same message, whichever engine runs.
#[test]
fn customer_emotion_alone_matches_analyze() {
    let Some(model) = embedded::default_model() else {
        return;
    };
    let messages = [
        "This is the third time my card was declined and I am furious.",
        "I'm really worried the payment went through twice, we need that money for rent",
        "hi, can you tell me how to change my delivery address?",
        "I don't understand what this charge on my bill is for",
        "Honestly so disappointed, I expected better from you",
    ];
    for kind in [EngineKind::Rules, EngineKind::Hybrid, EngineKind::Model] {
        let engine = Engine::new(Analyzer::builtin(), Some(model.clone()), kind).unwrap();
        for m in messages {
            let whole = engine.analyze("Thanks for writing in.", Some(m));
            assert_eq!(
                whole.customer_emotion,
                Some(engine.customer_emotion(m)),
                "{kind:?}: {m}"
            );
        }
    }
}

/// The hybrid engine scores replies through the fused [`ReplyHead`]; it must give exactly what
/// the model's separate classifiers give, or the speed-up would change answers.
#[test]
fn the_fused_reply_head_gives_the_same_probabilities_as_the_model() {
    use evenkeel_model::features::reply_features;
    use evenkeel_model::model::{ReplyHead, REPLY_BUCKETS};
    use evenkeel_model::tokens::tokenize;
    let model = embedded::default_model().expect("an embedded model");
    let head = ReplyHead::new(&model).expect("the embedded model has one bucket count");
    let analyzer = Analyzer::builtin();
    for r in [
        "I can see why that makes you angry. What happened when you tried to pay?",
        "This is outrageous, I'm furious on your behalf and I promise it will never happen again!!",
        "As I already explained, the fee stands.",
        "Your refund was issued on 3 May.",
        "",
    ] {
        let rules = analyzer.analyze(r, None);
        let tokens = tokenize(r);
        let p = model.predict(&tokens, None, &rules);
        let (stance, cues) = head.predict(&reply_features(&tokens, &rules, REPLY_BUCKETS));
        assert_eq!(p.stance, stance, "{r}");
        assert_eq!(p.cues, cues, "{r}");
    }
}

/// The embedded model is exactly what `evenkeel train` makes of this corpus with this code: a
/// change to the rules, the features or the training that moves the model fails here until
/// the model is retrained, so the shipped model never drifts from its recipe.
#[test]
fn the_embedded_model_is_what_training_on_this_corpus_gives_today() {
    let files = corpus_files();
    let all = items(&files, usize::MAX);
    let opts = TrainOptions {
        seed: 7,
        epochs: 12,
        ..TrainOptions::default()
    };
    let fresh = train(&all, &Analyzer::builtin(), &corpus_hash(&files), &opts).to_bytes();
    let embedded = embedded::DEFAULT_MODEL_BYTES.expect("this build embeds models/default.ekm");
    assert!(
        fresh == embedded,
        "models/default.ekm is not what training gives now: run `evenkeel train --corpus data/corpus --out models/default.ekm`"
    );
}
