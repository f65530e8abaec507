//! Inputs the fuzz targets (`fuzz/`, `scripts/fuzz.sh`) found that broke a promise, kept as
//! named regression tests. Each input is in `tests/fuzz/`, as the fuzzer wrote it.

use evenkeel_core::analyzer::BUILTIN_PACKS;
use evenkeel_core::pack::{Pack, Shared};

fn builtin_shared() -> Shared {
    let mut s = Shared::default();
    for (file, src) in BUILTIN_PACKS {
        let p = Pack::parse(file, src, &s).expect("built-in packs parse");
        s.absorb(&p);
    }
    s
}

/// fuzz target `rule_pack`: a pack refused with an empty message (nothing to tell the user).
#[test]
fn rule_pack_error_always_has_a_message() {
    let source = include_str!("fuzz/rule_pack-empty-message.toml");
    let e = Pack::parse("acme.toml", source, &builtin_shared()).unwrap_err();
    assert!(!e.message.is_empty(), "empty message: {e:?}");
}

/// The same, reduced: toml 0.8 gives no message for a control character in a comment.
#[test]
fn rule_pack_control_character_in_a_comment_is_named() {
    let e = Pack::parse(
        "acme.toml",
        "# a\u{11}\n[pack]\nname = \"x\"\n",
        &Shared::default(),
    )
    .unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("\\u{11}"), "{e}");
}

/// `evenkeel.toml` takes the same way through toml: its error must say something too.
#[test]
fn config_control_character_in_a_comment_is_named() {
    let e = evenkeel_core::Config::parse("evenkeel.toml", "# a\u{0}b\nfail_on = []\n").unwrap_err();
    assert!(e.starts_with("evenkeel.toml:1: "), "{e}");
    assert!(e.len() > "evenkeel.toml:1: ".len(), "empty message: {e:?}");
}
