//! Generic CSV with a mapping: the first line of the input is the `--map` spec (a leading `\t`
//! makes the export tab-separated), the rest the export. Every CSV record after the header is
//! one input record: the reader yields one turn or one malformed record for it, unless it is a
//! blank line or an internal note (a false-like `public` value in a full row).
#![no_main]
use evenkeel_audit::mapping::{is_private, Mapping};
use evenkeel_audit::readers::CsvReader;
use evenkeel_audit::Record;
use evenkeel_fuzz::check_agent_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (spec, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let Ok(spec) = std::str::from_utf8(spec) else { return };
    let (tabs, spec) = match spec.strip_prefix('\t') {
        Some(s) => (true, s),
        None => (false, spec),
    };
    let Ok(mapping) = Mapping::parse(spec) else { return };
    let reader = match CsvReader::new(body, "f.csv", &mapping, tabs) {
        Ok(r) => r,
        Err(e) => {
            assert!(e.to_string().starts_with("f.csv: "), "{e}");
            return;
        }
    };
    let records: Vec<Record> = reader.collect();

    // The same bytes counted record by record with a plain CSV reader.
    let mut plain = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(if tabs { b'\t' } else { b',' })
        .from_reader(body);
    let mut rows = plain.byte_records();
    let header: Vec<String> = match rows.next() {
        Some(Ok(h)) => h.iter().map(|f| String::from_utf8_lossy(f).trim().trim_start_matches('\u{feff}').to_string()).collect(),
        _ => return, // CsvReader::new accepted a header the plain reader cannot read: not checked
    };
    let public = header.iter().position(|n| *n == mapping.public).or_else(|| header.iter().position(|n| n.eq_ignore_ascii_case(&mapping.public)));
    let mut expected = 0usize;
    for row in rows {
        let Ok(row) = row else {
            expected += 1;
            continue;
        };
        let fields: Result<Vec<&str>, _> = row.iter().map(std::str::from_utf8).collect();
        let Ok(fields) = fields else {
            expected += 1; // not UTF-8: unreadable
            continue;
        };
        if fields.len() == 1 && fields[0].trim().is_empty() {
            continue; // blank line
        }
        if fields.len() == header.len() && public.is_some_and(|i| is_private(fields[i])) {
            continue; // internal note
        }
        expected += 1;
    }
    assert_eq!(records.len(), expected, "turns + malformed != CSV records that are neither blank nor notes");
    let mut last = 0;
    for r in &records {
        let line = match r {
            Ok(t) => {
                assert!(!t.conversation.trim().is_empty());
                check_agent_text(&t.text);
                t.source.line
            }
            Err(m) => m.line,
        };
        assert!(line >= last, "records out of order");
        last = line;
    }
});
