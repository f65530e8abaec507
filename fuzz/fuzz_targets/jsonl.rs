//! Generic JSON Lines with a mapping: the first line of the input is the `--map` spec, the rest
//! the export. Every non-blank line is one input record: the reader yields exactly one turn
//! or one malformed record for it, unless it is an internal note (its `public` value is
//! false-like), which is skipped.
#![no_main]
use evenkeel_audit::mapping::{is_private, Mapping};
use evenkeel_audit::readers::JsonlReader;
use evenkeel_audit::Record;
use evenkeel_fuzz::{check_agent_text, json_at, json_lines, json_text, per_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (spec, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let Ok(spec) = std::str::from_utf8(spec) else { return };
    let Ok(mapping) = Mapping::parse(spec) else { return };
    let records: Vec<Record> = JsonlReader::new(body, "f.jsonl", mapping.clone()).collect();
    let counts = per_line(&records, |r| match r {
        Ok(t) => t.source.line,
        Err(m) => m.line,
    });
    let input = json_lines(body);
    let mut expected = std::collections::BTreeMap::new();
    for (line, value) in &input {
        let private = value.as_ref().is_some_and(|v| json_text(json_at(v, &mapping.public)).is_some_and(|p| is_private(&p)));
        if !private {
            expected.insert(*line, 1usize);
        }
    }
    let got: std::collections::BTreeMap<u64, usize> = counts.iter().map(|(l, (ok, bad))| (*l, ok + bad)).collect();
    assert_eq!(got, expected, "records per input line (turns + malformed) != non-blank lines that are not notes");
    for r in &records {
        match r {
            Ok(t) => {
                assert!(!t.conversation.trim().is_empty());
                check_agent_text(&t.text);
            }
            Err(m) => assert!(!m.reason.is_empty()),
        }
    }
});
