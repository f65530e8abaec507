//! Zendesk tickets, one JSON object per line. The input records are the lines, and within a
//! ticket its comments: a line that is not a JSON object is one malformed record; a ticket
//! without an id or a list of comments is one; otherwise every comment is one turn or one
//! malformed record, except private notes (`"public": false`), which are skipped.
#![no_main]
use evenkeel_audit::readers::ZendeskReader;
use evenkeel_audit::Record;
use evenkeel_fuzz::{check_agent_text, json_lines, json_nonblank, per_line};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn ticket(t: &Value, comments: Option<&Value>) -> usize {
    if json_nonblank(t.get("id")).is_none() {
        return 1;
    }
    let Some(comments) = comments.and_then(Value::as_array) else { return 1 };
    comments.iter().filter(|c| !(c.is_object() && c.get("public") == Some(&Value::Bool(false)))).count()
}

fn expected(v: &Value) -> usize {
    if let Some(tickets) = v.get("tickets").and_then(Value::as_array) {
        tickets.iter().map(|t| ticket(t, t.get("comments"))).sum()
    } else if let Some(t) = v.get("ticket") {
        ticket(t, v.get("comments").or_else(|| t.get("comments")))
    } else {
        ticket(v, v.get("comments"))
    }
}

fuzz_target!(|data: &[u8]| {
    let records: Vec<Record> = ZendeskReader::new(data, "z.jsonl").collect();
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
    assert_eq!(got, want, "records per line (turns + malformed) != tickets and comments in the input");
    for r in &records {
        if let Ok(t) = r {
            assert!(!t.conversation.trim().is_empty());
            check_agent_text(&t.text);
        }
    }
});
