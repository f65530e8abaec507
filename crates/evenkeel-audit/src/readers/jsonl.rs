//! Generic JSON Lines: one object per turn; `--map` names the keys (dotted paths allowed).

use crate::mapping::{is_private, Mapping, REQUIRED};
use crate::readers::json::{at, nonblank, text};
use crate::readers::JsonLines;
use crate::turn::{Malformed, Record, Role, Source, Turn};
use std::io::BufRead;

pub struct JsonlReader<R> {
    lines: JsonLines<R>,
    file: String,
    mapping: Mapping,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(input: R, file: &str, mapping: Mapping) -> Self {
        JsonlReader { lines: JsonLines::new(input), file: file.into(), mapping }
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Record;
    fn next(&mut self) -> Option<Record> {
        loop {
            let (line, value) = self.lines.next()?;
            let bad = |field: Option<&str>, reason: String| {
                Some(Err(Malformed { file: self.file.clone(), line, field: field.map(str::to_string), reason }))
            };
            let v = match value {
                Ok(v) => v,
                Err(e) => return bad(None, e),
            };
            let m = &self.mapping;
            if text(at(&v, &m.public)).is_some_and(|p| is_private(&p)) {
                continue;
            }
            for field in REQUIRED {
                let key = m.column(field);
                if at(&v, key).is_none() {
                    return bad(Some(key), format!("missing (the {field} of the turn)"));
                }
            }
            let Some(conversation) = nonblank(at(&v, &m.conversation)) else {
                return bad(Some(&m.conversation), "empty conversation id".into());
            };
            let body = match at(&v, &m.text) {
                Some(serde_json::Value::Null) => String::new(),
                other => match text(other) {
                    Some(t) => t,
                    None => return bad(Some(&m.text), "not text".into()),
                },
            };
            let role = Role::from_label(&text(at(&v, &m.author)).unwrap_or_default());
            return Some(Ok(Turn {
                conversation,
                role,
                agent: if role == Role::Customer { None } else { nonblank(at(&v, &m.agent)) },
                team: nonblank(at(&v, &m.team)),
                time: nonblank(at(&v, &m.time)),
                text: crate::email::agent_text(&body),
                source: Source { file: self.file.clone(), line },
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str, map: &str) -> Vec<Record> {
        JsonlReader::new(s.as_bytes(), "t.jsonl", Mapping::parse(map).unwrap()).collect()
    }

    #[test]
    fn reads_turns_with_dotted_keys() {
        let rows = read(
            "{\"ticket\":{\"id\":7},\"from\":{\"type\":\"admin\",\"name\":\"Sam\"},\"body\":\"On it.\"}\n\n{\"ticket\":{\"id\":7},\"from\":{\"type\":\"user\"},\"body\":\"thx\"}\n",
            "conversation=ticket.id,author=from.type,agent=from.name,text=body",
        );
        let t: Vec<Turn> = rows.into_iter().map(Result::unwrap).collect();
        assert_eq!(t[0].conversation, "7");
        assert_eq!(t[0].agent.as_deref(), Some("Sam"));
        assert_eq!(t[1].role, Role::Customer);
        assert_eq!(t[1].source.line, 3, "blank lines still count");
    }

    #[test]
    fn bad_lines_are_counted_where_they_are() {
        let rows = read(
            "{\"conversation\":1,\"author\":\"agent\",\"text\":\"ok\"}\n[1,2]\n{\"conversation\":1,\"text\":\"no author\"}\n{\"conversation\":1,\"author\":\"agent\",\"text\":{\"a\":1}}\n{\"conversation\":1,\"author\":\"agent\",\"te",
            "",
        );
        assert!(rows[0].is_ok());
        let errs: Vec<&Malformed> = rows[1..].iter().map(|r| r.as_ref().unwrap_err()).collect();
        assert_eq!(errs.iter().map(|m| m.line).collect::<Vec<_>>(), vec![2, 3, 4, 5]);
        assert_eq!(errs[1].field.as_deref(), Some("author"));
        assert_eq!(errs[2].field.as_deref(), Some("text"));
        assert!(errs[3].reason.contains("cut short"), "{}", errs[3].reason);
    }

    #[test]
    fn not_utf8_is_a_malformed_line() {
        let mut bytes = b"{\"conversation\":1,\"author\":\"agent\",\"text\":\"caf".to_vec();
        bytes.extend([0xff, b'"', b'}', b'\n']);
        let rows: Vec<Record> = JsonlReader::new(&bytes[..], "t.jsonl", Mapping::default()).collect();
        assert!(matches!(&rows[0], Err(m) if m.reason.contains("UTF-8")));
    }
}
