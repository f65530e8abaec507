//! HTML e-mail to text: `html_to_text` and `agent_text` on any body. Beyond not crashing (and
//! not hanging: libFuzzer's timeout), the agent's text is plain, trimmed and has no runs of
//! blank lines; a body that is not HTML only loses lines, it never gains words; and the text
//! grows at most linearly with the input.
#![no_main]
use evenkeel_audit::email::{agent_text, html_to_text, looks_like_html};
use evenkeel_fuzz::check_agent_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let text = html_to_text(body);
    assert!(text.len() <= 4 * body.len() + 64, "html_to_text grew {} bytes into {}", body.len(), text.len());
    let own = agent_text(body);
    check_agent_text(&own);
    assert!(own.len() <= 4 * body.len() + 64, "agent_text grew {} bytes into {}", body.len(), own.len());
    if !looks_like_html(body) {
        let plain = body.replace("\r\n", "\n").replace('\r', "\n");
        assert!(own.len() <= plain.len(), "plain text grew");
        for line in own.lines() {
            assert!(plain.contains(line), "line {line:?} is not in the body");
        }
    }
});
