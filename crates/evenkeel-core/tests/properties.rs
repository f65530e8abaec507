//! Properties that hold for every input, checked on arbitrary strings: the analyzer never
//! panics, and every finding it returns points at real words of the reply in every unit a
//! front end might use (bytes, UTF-16, line and column).

use evenkeel_core::{stance, Analyzer, Cue};
use proptest::prelude::*;
use std::sync::OnceLock;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(Analyzer::builtin)
}

/// Text that looks like replies often enough to produce findings: cue phrases, punctuation,
/// emoji and accents, glued together at random, and sometimes cut at odd places.
fn replyish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "I'm so sorry",
        "I can see why that's frustrating",
        "this is not acceptable",
        "my team",
        "Did you even read",
        "you should have",
        "calm down",
        "I promise",
        "could you tell me",
        "what happened",
        "?",
        "!",
        ".",
        ",",
        " ",
        "\n",
        "’",
        "é",
        "👋",
        "n't",
        "not",
        "never",
        "our billing department",
        "It's just",
        "poor you",
        "—",
        "\u{0}",
        "\r\n",
        "🇬🇧",
        "ﬁ",
        "İ",
        "ß",
        "\u{200d}",
        "\t",
        "...",
        "@handle",
        "can't promise",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn check_invariants(reply: &str, customer: Option<&str>) {
    let a = analyzer().analyze(reply, customer);
    let mut last = (0usize, 0usize);
    for f in &a.findings {
        assert!(
            f.start < f.end && f.end <= reply.len(),
            "span out of range: {f:?}"
        );
        assert!(reply.is_char_boundary(f.start) && reply.is_char_boundary(f.end));
        assert_eq!(&reply[f.start..f.end], &*f.text);
        let utf16_start: usize = reply[..f.start].encode_utf16().count();
        let utf16_len: usize = reply[f.start..f.end].encode_utf16().count();
        assert_eq!(f.utf16_start, utf16_start);
        assert_eq!(f.utf16_end, utf16_start + utf16_len);
        let before = &reply[..f.start];
        assert_eq!(f.line, before.matches('\n').count() + 1);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        assert_eq!(f.column, reply[line_start..f.start].chars().count() + 1);
        assert_eq!(f.side, f.cue.side());
        assert!(!f.message.is_empty());
        assert!(
            (f.start, f.end) >= (last.0, 0),
            "findings are sorted by start"
        );
        last = (f.start, f.end);
    }
    let mut cues: Vec<Cue> = a.findings.iter().map(|f| f.cue).collect();
    cues.sort();
    cues.dedup();
    assert_eq!(
        a.stance,
        stance::decide(&cues),
        "the stance follows from the cues by the one rule"
    );
    for s in [a.scores.empathy, a.scores.sympathy, a.scores.dismissive] {
        assert!(
            (0.0..=1.0).contains(&s),
            "score out of range: {:?}",
            a.scores
        );
    }
    assert_eq!(a.customer_emotion.is_some(), customer.is_some());
    // The JSON contract always serialises and parses back.
    let v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), a.findings.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_string_is_analysed_without_panic(reply in any::<String>(), customer in proptest::option::of(any::<String>())) {
        check_invariants(&reply, customer.as_deref());
    }

    #[test]
    fn reply_like_text_gives_well_formed_findings(reply in replyish(), customer in proptest::option::of(replyish())) {
        check_invariants(&reply, customer.as_deref());
    }
}

#[test]
fn the_empty_reply_is_neutral_with_no_findings() {
    let a = analyzer().analyze("", None);
    assert!(a.findings.is_empty());
    assert_eq!(a.stance, evenkeel_core::Stance::Neutral);
}
