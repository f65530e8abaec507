//! Reading replies: whole inputs and JSON Lines, with errors that name the file and line and
//! never stop the other lines.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::io::{BufRead, Read};
use std::path::Path;

/// Read all of `path` (`-` is standard input) as UTF-8, or say where it is not.
pub fn read_text(path: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    let name = display(path);
    if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        anyhow::anyhow!("{name}:{line}: not valid UTF-8 (byte {at}); evenkeel reads UTF-8 text")
    })
}

pub fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// One reply to check, from a JSON Lines record. Other fields are ignored.
#[derive(Debug, Deserialize)]
pub struct Record {
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    pub reply: String,
    #[serde(default)]
    pub customer: Option<String>,
}

/// Call `f` with every line of `reader` (1-based number, and the line or why it is unusable).
/// Blank lines are skipped. Invalid UTF-8 is reported for its line; reading goes on.
pub fn for_each_line<R: BufRead>(
    mut reader: R,
    mut f: impl FnMut(usize, Result<&str, String>) -> Result<()>,
) -> Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut n = 0;
    loop {
        buf.clear();
        let read = reader.read_until(b'\n', &mut buf).context("cannot read input")?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        // A UTF-8 byte-order mark on the first line is not part of the data.
        let line_bytes = if n == 1 && buf.starts_with(b"\xEF\xBB\xBF") { &buf[3..] } else { &buf[..] };
        match std::str::from_utf8(line_bytes) {
            Ok(s) if s.trim().is_empty() => continue,
            Ok(s) => f(n, Ok(s))?,
            Err(e) => f(n, Err(format!("not valid UTF-8 (at byte {} of the line)", e.valid_up_to())))?,
        }
    }
}

/// Parse a JSON Lines record, with an error that says which field is wrong.
pub fn parse_record(line: &str) -> Result<Record, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let obj = value.as_object().ok_or("a record must be a JSON object")?;
    match obj.get("reply") {
        None => return Err("missing field `reply`".into()),
        Some(serde_json::Value::String(_)) => {}
        Some(_) => return Err("field `reply` must be a string".into()),
    }
    if let Some(c) = obj.get("customer") {
        if !c.is_string() && !c.is_null() {
            return Err("field `customer` must be a string".into());
        }
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_name_the_bad_field() {
        assert!(parse_record("{\"reply\": \"hi\"}").is_ok());
        assert_eq!(parse_record("{\"text\": \"hi\"}").unwrap_err(), "missing field `reply`");
        assert_eq!(parse_record("{\"reply\": 3}").unwrap_err(), "field `reply` must be a string");
        assert!(parse_record("{oops").unwrap_err().starts_with("not JSON"));
        assert_eq!(parse_record("[1]").unwrap_err(), "a record must be a JSON object");
    }

    #[test]
    fn lines_go_on_after_bad_utf8() {
        let data: &[u8] = b"{\"reply\":\"a\"}\n\xff\xfe\n\n{\"reply\":\"b\"}\r\n";
        let mut seen = Vec::new();
        for_each_line(data, |n, l| {
            seen.push((n, l.map(str::to_string)));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].0, 1);
        assert!(seen[1].1.is_err() && seen[1].0 == 2);
        assert_eq!(seen[2], (4, Ok("{\"reply\":\"b\"}".to_string())));
    }
}
