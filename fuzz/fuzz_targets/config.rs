//! `evenkeel.toml`: parse any text; what parses must survive a round trip and, applied to the
//! built-in packs, either be refused with a message or build an analyzer that keeps its
//! promises.
#![no_main]
use evenkeel_core::{AnalyzerBuilder, Config};
use evenkeel_fuzz::check_analysis;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let config = match Config::parse("evenkeel.toml", source) {
        Ok(c) => c,
        Err(e) => {
            let rest = e.strip_prefix("evenkeel.toml").expect("the error names the file");
            let message = rest.trim_start_matches(':').trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(':');
            assert!(!message.trim().is_empty(), "an error without a message: {e:?}");
            if let Some(line) = rest.strip_prefix(':').and_then(|r| r.split(':').next()).and_then(|l| l.parse::<usize>().ok()) {
                assert!(line >= 1 && line <= source.matches('\n').count() + 1, "error line {line} outside the file: {e}");
            }
            return;
        }
    };
    let again = toml::to_string(&config).expect("a parsed config serialises");
    assert_eq!(Config::parse("again.toml", &again).as_ref(), Ok(&config), "round trip through {again:?}");
    if config.rules.is_empty() && config.allow_phrases.is_empty() {
        return;
    }
    let mut b = AnalyzerBuilder::builtin();
    if b.apply_config(&config).is_err() {
        return;
    }
    let analyzer = b.build().expect("a config accepted by apply_config builds");
    for reply in [
        "I'm so sorry, this is not acceptable! My team was irresponsible. Calm down, you should have read the terms.",
        "I can see how frustrating this has been. Could you tell me what happened? I've reset your password.",
        "Your call is important to us. We value every customer.",
    ] {
        check_analysis(reply, &analyzer.analyze(reply, Some("I'm furious, where is my refund?!")));
    }
});
