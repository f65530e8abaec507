//! Inputs the fuzz targets (`fuzz/`, `scripts/fuzz.sh`) found that broke a promise, kept as
//! named regression tests. Each input is in `tests/fuzz/`, as the fuzzer wrote it.

use evenkeel_coach::rewrite::rewrite;
use evenkeel_core::Analyzer;
use evenkeel_model::{embedded, Engine, EngineKind};

fn engine() -> Engine {
    Engine::new(
        Analyzer::builtin(),
        embedded::default_model(),
        EngineKind::Hybrid,
    )
    .unwrap()
}

/// fuzz target `api`, route `POST /v1/rewrite`: a thin space (U+2009, three bytes) before a
/// capitalised word made the name finder slice inside it, and the rewrite panicked.
#[test]
fn rewrite_survives_a_wide_space_before_a_name() {
    let input = include_bytes!("fuzz/api-rewrite-thin-space.bin");
    assert_eq!(input[0], 2, "route 2 is POST /v1/rewrite");
    let body: serde_json::Value = serde_json::from_slice(&input[1..]).unwrap();
    let reply = body["reply"].as_str().unwrap();
    assert!(reply.contains('\u{2009}'));
    let e = engine();
    let r = rewrite(&e, reply, None);
    assert_eq!(r.stance_after, e.analyze(&r.text, None).stance);
}

/// The same, reduced to a sentence a person might write (a narrow no-break space after a
/// comma, as French keyboards and some editors insert).
#[test]
fn rewrite_keeps_a_name_after_a_narrow_space() {
    let e = engine();
    for space in ['\u{2009}', '\u{202f}', '\u{3000}'] {
        let reply =
            format!("I promise it arrives tomorrow,{space}Sam. So sorry, this is a disgrace.");
        let r = rewrite(&e, &reply, None);
        assert!(r.text.contains("Sam"), "{space:?}: {}", r.text);
    }
}
