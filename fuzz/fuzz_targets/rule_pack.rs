//! A user's rule pack (TOML): after the built-in packs, as `evenkeel.toml`'s `packs` loads
//! it. A pack is refused with a message that points inside the file, or it builds an
//! analyzer whose findings keep their promises.
#![no_main]
use evenkeel_core::analyzer::BUILTIN_PACKS;
use evenkeel_core::pack::{Pack, Shared};
use evenkeel_core::AnalyzerBuilder;
use evenkeel_fuzz::check_analysis;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Macros and cue defaults of the built-in packs, as a user's pack sees them.
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let mut s = Shared::default();
        for (file, src) in BUILTIN_PACKS {
            let p = Pack::parse(file, src, &s).expect("built-in packs parse");
            s.absorb(&p);
        }
        s
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let lines = source.matches('\n').count() + 1;
    let pack = match Pack::parse("acme.toml", source, shared()) {
        Ok(p) => p,
        Err(e) => {
            assert_eq!(e.file, "acme.toml");
            assert!(!e.message.is_empty());
            if let Some(l) = e.line {
                assert!(l >= 1 && l <= lines, "error line {l} outside a file of {lines} lines: {e}");
            }
            return;
        }
    };
    let name = pack.name.clone();
    assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    if let Err(e) = pack.compile_all() {
        if let Some(l) = e.line {
            assert!(l >= 1 && l <= lines, "error line {l} outside a file of {lines} lines: {e}");
        }
        return;
    }
    // The user's pack alone (macros from the built-ins) through the whole analyzer.
    let mut b = AnalyzerBuilder::empty();
    for (file, src) in BUILTIN_PACKS.iter().filter(|(f, _)| *f == "rules/common.toml") {
        b.add_builtin_pack(file, src).expect("common pack");
    }
    if b.add_pack("acme.toml", source).is_err() {
        return;
    }
    let Ok(analyzer) = b.build() else { return };
    for reply in [
        "I'm so sorry, this is not acceptable! My team was irresponsible.\nCalm down, you should have read the terms.",
        "I can see how frustrating this has been. Could you tell me what happened? I've reset your password. Café – naïve 😀 ok.",
    ] {
        check_analysis(reply, &analyzer.analyze(reply, Some("I'm furious!")));
    }
});
