//! Invariants shared by the fuzz targets. Each is stated from the outside (TAXONOMY.md, the
//! `Finding` contract, what a reader promises about its records), not by calling the code
//! under test again, so that a bug in that code cannot also hide in its check.

use evenkeel_core::{Analysis, Analyzer};
use evenkeel_model::{Engine, EngineKind};
use std::sync::OnceLock;

/// The engine every front end uses by default: rules plus the embedded model (hybrid).
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let model = evenkeel_model::embedded::default_model();
        let kind = if model.is_some() { EngineKind::Hybrid } else { EngineKind::Rules };
        Engine::new(Analyzer::builtin(), model, kind).expect("the default engine builds")
    })
}

/// Splits fuzz bytes into a reply and an optional customer message at the first NUL.
pub fn reply_and_customer(data: &[u8]) -> Option<(&str, Option<&str>)> {
    let s = std::str::from_utf8(data).ok()?;
    Some(match s.split_once('\0') {
        Some((r, c)) => (r, Some(c)),
        None => (s, None),
    })
}

/// The stance rule of TAXONOMY.md ("Stance (one per reply): it follows from the cues"),
/// written out over cue names.
pub fn taxonomy_stance(cues: &[&str]) -> &'static str {
    let has = |c: &str| cues.contains(&c);
    const SYM: [&str; 5] = ["mirrors_emotion", "blames_own_side", "pity", "overpromise", "condemns"];
    if SYM.iter().any(|c| has(c)) {
        return "sympathetic";
    }
    if has("platitude") && cues.iter().all(|c| *c == "platitude" || *c == "apologizes") {
        return "sympathetic";
    }
    if has("minimizes") || has("blames_customer") {
        return "dismissive";
    }
    if has("acknowledges_emotion") || has("validates") || has("explores") {
        return "empathetic";
    }
    "neutral"
}

/// Everything an [`Analysis`] of `reply` promises:
/// - every finding's byte range lies on char boundaries inside the reply, is not empty, and
///   `reply[start..end] == text`;
/// - its UTF-16 range slices the same text out of the reply's UTF-16 form;
/// - its line and column (1-based, columns in chars) are where `start` is;
/// - the stance follows from the findings' cues by the rule of TAXONOMY.md;
/// - scores and probabilities lie in [0, 1]; the JSON form is valid JSON.
pub fn check_analysis(reply: &str, a: &Analysis) {
    let utf16: Vec<u16> = reply.encode_utf16().collect();
    for f in &a.findings {
        assert!(f.start < f.end && f.end <= reply.len(), "finding {:?} [{}..{}] outside a reply of {} bytes", f.cue, f.start, f.end, reply.len());
        assert!(reply.is_char_boundary(f.start) && reply.is_char_boundary(f.end), "finding {:?} [{}..{}] not on char boundaries", f.cue, f.start, f.end);
        assert_eq!(&reply[f.start..f.end], f.text, "finding text is not reply[start..end]");
        assert!(f.utf16_start <= f.utf16_end && f.utf16_end <= utf16.len(), "UTF-16 range [{}..{}] outside {} units", f.utf16_start, f.utf16_end, utf16.len());
        assert_eq!(reply[..f.start].encode_utf16().count(), f.utf16_start, "UTF-16 start is not the byte start");
        let by_utf16 = String::from_utf16(&utf16[f.utf16_start..f.utf16_end]).expect("UTF-16 range splits a surrogate pair");
        assert_eq!(by_utf16, f.text, "the UTF-16 range slices other text");
        let before = &reply[..f.start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        assert_eq!((f.line, f.column), (line, column), "line:column of the finding");
        assert_eq!(f.side, f.cue.side());
        if let Some(p) = f.confidence {
            assert!((0.0..=1.0).contains(&p), "confidence {p}");
        }
    }
    let mut cues: Vec<&str> = a.findings.iter().map(|f| f.cue.name()).collect();
    cues.sort_unstable();
    cues.dedup();
    assert_eq!(a.stance.name(), taxonomy_stance(&cues), "stance does not follow from the cues {cues:?}");
    for s in [a.scores.empathy, a.scores.sympathy, a.scores.dismissive] {
        assert!((0.0..=1.0).contains(&s), "score {s}");
    }
    if let Some(p) = &a.stance_probabilities {
        for v in p.values() {
            assert!((0.0..=1.0).contains(v), "stance probability {v}");
        }
    }
    let json: serde_json::Value = serde_json::from_str(&a.to_json()).expect("the analysis serialises to JSON");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(a.findings.len()));
}

/// A key or dotted path in a JSON object, as `--map` names it: the key itself first, then
/// the path through nested objects.
pub fn json_at<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    if let Some(x) = v.as_object().and_then(|o| o.get(path)) {
        return Some(x);
    }
    let mut cur = v;
    for k in path.split('.') {
        cur = cur.as_object()?.get(k)?;
    }
    Some(cur)
}

/// The scalar text of a JSON value (strings as they are, numbers and booleans printed).
pub fn json_text(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn json_nonblank(v: Option<&serde_json::Value>) -> Option<String> {
    json_text(v).filter(|s| !s.trim().is_empty())
}

/// The input records of a JSON Lines file: its lines (1-based numbers) that are not blank.
/// A line that is not UTF-8 is a record (a malformed one); a line that parses is returned
/// with its value when it is an object.
pub fn json_lines(data: &[u8]) -> Vec<(u64, Option<serde_json::Value>)> {
    let mut out = Vec::new();
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if data.ends_with(b"\n") || data.is_empty() {
        lines.pop();
    }
    for (i, line) in lines.iter().enumerate() {
        let n = i as u64 + 1;
        match std::str::from_utf8(line) {
            Ok(t) if t.trim().is_empty() => {}
            Ok(t) => out.push((n, serde_json::from_str::<serde_json::Value>(t.trim()).ok().filter(|v| v.is_object()))),
            Err(_) => out.push((n, None)),
        }
    }
    out
}

/// Checks that records come in file order and counts them per line.
pub fn per_line<T, E>(records: &[Result<T, E>], line_of: impl Fn(&Result<T, E>) -> u64) -> std::collections::BTreeMap<u64, (usize, usize)> {
    let mut map = std::collections::BTreeMap::new();
    let mut last = 0;
    for r in records {
        let l = line_of(r);
        assert!(l >= last, "records out of file order: line {l} after line {last}");
        last = l;
        let e = map.entry(l).or_insert((0usize, 0usize));
        if r.is_ok() {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    map
}

/// What agent_text promises whatever the body: plain text, trimmed, no carriage returns, at
/// most one blank line in a row.
pub fn check_agent_text(out: &str) {
    assert!(!out.contains('\r'), "a carriage return survived: {out:?}");
    assert_eq!(out.trim(), out, "not trimmed: {out:?}");
    assert!(!out.contains("\n\n\n"), "more than one blank line in a row: {out:?}");
}
