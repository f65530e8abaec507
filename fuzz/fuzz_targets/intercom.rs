//! Intercom conversations, one JSON object per line. The input records are the lines, and
//! within a conversation its source message and parts: a line that is not a JSON object is one
//! malformed record; a conversation without an id, or whose parts are not a list, is one;
//! otherwise the source and every part with a body is one turn or one malformed record (notes
//! and body-less events such as assignments are skipped).
#![no_main]
use evenkeel_audit::readers::IntercomReader;
use evenkeel_audit::Record;
use evenkeel_fuzz::{check_agent_text, json_lines, json_nonblank, per_line};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn expected(v: &Value) -> usize {
    if json_nonblank(v.get("id")).is_none() {
        return 1;
    }
    let parts: Vec<&Value> = match v.get("conversation_parts") {
        None | Some(Value::Null) => Vec::new(),
        Some(p) => {
            let list = match p {
                Value::Object(o) => o.get("conversation_parts").unwrap_or(p),
                _ => p,
            };
            match list.as_array() {
                Some(a) => a.iter().collect(),
                None => return 1,
            }
        }
    };
    let source = v.get("source").filter(|s| !s.is_null());
    let counts = |p: &Value, is_source: bool| {
        let note = p.get("part_type").and_then(Value::as_str) == Some("note");
        let no_body = p.get("body").is_none_or(Value::is_null);
        !(note || (no_body && !is_source))
    };
    source.iter().filter(|s| counts(s, true)).count() + parts.iter().filter(|p| counts(p, false)).count()
}

fuzz_target!(|data: &[u8]| {
    let records: Vec<Record> = IntercomReader::new(data, "i.jsonl").collect();
    let counts = per_line(&records, |r| match r {
        Ok(t) => t.source.line,
        Err(m) => m.line,
    });
    let mut want = std::collections::BTreeMap::new();
    for (line, value) in json_lines(data) {
        let n = value.as_ref().map_or(1, expected);
        if n > 0 {
            want.insert(line, n);
        }
    }
    let got: std::collections::BTreeMap<u64, usize> = counts.iter().map(|(l, (ok, bad))| (*l, ok + bad)).collect();
    assert_eq!(got, want, "records per line (turns + malformed) != conversations, sources and parts in the input");
    for r in &records {
        if let Ok(t) = r {
            assert!(!t.conversation.trim().is_empty());
            check_agent_text(&t.text);
        }
    }
});
