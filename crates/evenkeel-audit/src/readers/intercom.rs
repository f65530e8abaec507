//! Intercom conversations, one per line, as `GET /conversations/{id}` returns them: the
//! opening `source` message and the `conversation_parts`. Authors of type `user`, `lead` or
//! `contact` are the customer, `admin` an agent, `bot` a bot. Notes are private and skipped;
//! parts without a body (assignments, closes) are events, not turns.

use crate::readers::json::{nonblank, text};
use crate::readers::JsonLines;
use crate::turn::{Malformed, Record, Role, Source, Turn};
use serde_json::Value;
use std::collections::VecDeque;
use std::io::BufRead;

pub fn looks_like(v: &Value) -> bool {
    v.get("conversation_parts").is_some() || v.get("type").and_then(Value::as_str) == Some("conversation")
}

pub struct IntercomReader<R> {
    lines: JsonLines<R>,
    file: String,
    pending: VecDeque<Record>,
}

impl<R: BufRead> IntercomReader<R> {
    pub fn new(input: R, file: &str) -> Self {
        IntercomReader { lines: JsonLines::new(input), file: file.into(), pending: VecDeque::new() }
    }

    fn conversation(&mut self, line: u64, v: &Value) {
        let bad = |field: &str, reason: &str| Err(Malformed { file: self.file.clone(), line, field: Some(field.into()), reason: reason.into() });
        let Some(id) = nonblank(v.get("id")) else {
            self.pending.push_back(bad("id", "missing conversation id"));
            return;
        };
        let team = nonblank(v.get("team_assignee_id")).map(|t| format!("team {t}"));
        let parts = match v.get("conversation_parts") {
            None | Some(Value::Null) => Vec::new(),
            Some(p) => match p.get("conversation_parts").or(Some(p)).and_then(Value::as_array) {
                Some(a) => a.iter().collect(),
                None => {
                    self.pending.push_back(bad("conversation_parts", "not a list of parts"));
                    return;
                }
            },
        };
        let mut items: Vec<(String, &Value)> = Vec::with_capacity(parts.len() + 1);
        if let Some(s) = v.get("source").filter(|s| !s.is_null()) {
            items.push(("source".into(), s));
        }
        items.extend(parts.into_iter().enumerate().map(|(i, p)| (format!("conversation_parts[{i}]"), p)));
        let created = v.get("created_at");
        for (field, p) in items {
            let part_type = p.get("part_type").and_then(Value::as_str).unwrap_or("comment");
            if part_type == "note" || p.get("body").is_none_or(Value::is_null) && field != "source" {
                continue;
            }
            let Some(body) = text(p.get("body")) else {
                self.pending.push_back(bad(&format!("{field}.body"), "missing or not text"));
                continue;
            };
            let author = p.get("author");
            let kind = author.and_then(|a| a.get("type")).and_then(Value::as_str).unwrap_or("");
            let role = match kind {
                "user" | "lead" | "contact" => Role::Customer,
                "admin" | "team" => Role::Agent,
                "bot" => Role::Bot,
                _ => Role::Unknown,
            };
            let agent = match role {
                Role::Customer => None,
                _ => author.and_then(|a| nonblank(a.get("name")).or_else(|| nonblank(a.get("id")).map(|i| format!("admin {i}")))),
            };
            let time = if field == "source" { nonblank(created) } else { nonblank(p.get("created_at")) };
            self.pending.push_back(Ok(Turn {
                conversation: id.clone(),
                role,
                agent,
                team: team.clone(),
                time,
                text: crate::email::agent_text(&body),
                source: Source { file: self.file.clone(), line },
            }));
        }
    }
}

impl<R: BufRead> Iterator for IntercomReader<R> {
    type Item = Record;
    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Some(r);
            }
            let (line, v) = self.lines.next()?;
            match v {
                Ok(v) => self.conversation(line, &v),
                Err(reason) => self.pending.push_back(Err(Malformed { file: self.file.clone(), line, field: None, reason })),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONV: &str = r#"{"type":"conversation","id":"215","created_at":1767607200,"team_assignee_id":"31","source":{"type":"conversation","body":"<p>My card was charged <b>twice</b>!</p>","author":{"type":"user","id":"u1","name":"Jo","email":"jo@example.com"}},"conversation_parts":{"type":"conversation_part.list","conversation_parts":[{"part_type":"comment","body":"<p>Hi! I'm Fin, a bot.</p>","created_at":1767607210,"author":{"type":"bot","id":"b1","name":"Fin"}},{"part_type":"assignment","body":null,"created_at":1767607220,"author":{"type":"admin","id":"501","name":"Sam Lee"}},{"part_type":"note","body":"<p>refund pending</p>","author":{"type":"admin","id":"501","name":"Sam Lee"}},{"part_type":"comment","body":"<p>I can see two charges, and I understand why that's alarming.</p>","created_at":1767607300,"author":{"type":"admin","id":"501","name":"Sam Lee"}}],"total_count":4}}"#;

    #[test]
    fn source_and_parts_become_turns() {
        let t: Vec<Turn> = IntercomReader::new(CONV.as_bytes(), "i.jsonl").map(Result::unwrap).collect();
        assert_eq!(t.len(), 3, "the assignment event and the note are not turns");
        assert_eq!((t[0].role, t[0].text.as_str()), (Role::Customer, "My card was charged twice!"));
        assert_eq!(t[0].time.as_deref(), Some("1767607200"));
        assert_eq!((t[1].role, t[1].agent.as_deref()), (Role::Bot, Some("Fin")));
        assert_eq!((t[2].role, t[2].agent.as_deref()), (Role::Agent, Some("Sam Lee")));
        assert_eq!(t[2].team.as_deref(), Some("team 31"));
    }

    #[test]
    fn unknown_author_types_and_bad_parts() {
        let s = r#"{"id":"1","conversation_parts":{"conversation_parts":[{"part_type":"comment","body":"x","author":{"type":"visitor_bot"}},{"part_type":"comment","body":{"html":"?"},"author":{"type":"admin"}}]}}
{"id":"2","conversation_parts":7}
{"type":"conversation"}"#;
        let rows: Vec<Record> = IntercomReader::new(s.as_bytes(), "i.jsonl").collect();
        assert_eq!(rows[0].as_ref().unwrap().role, Role::Unknown);
        assert!(matches!(&rows[1], Err(m) if m.line == 1 && m.field.as_deref() == Some("conversation_parts[1].body")));
        assert!(matches!(&rows[2], Err(m) if m.line == 2 && m.field.as_deref() == Some("conversation_parts")));
        assert!(matches!(&rows[3], Err(m) if m.line == 3 && m.field.as_deref() == Some("id")));
    }

    #[test]
    fn nested_quotes_empty_bodies_and_a_truncated_last_line() {
        let s = format!(
            "{}\n{}\n{}",
            r#"{"id":"9","source":{"body":"<p>Still no refund.</p>","author":{"type":"user"}},"conversation_parts":{"conversation_parts":[{"part_type":"comment","body":"<p>I hear you, that's a long wait. Which card did you pay with?</p><blockquote><p>On Mon, Jo wrote:</p><blockquote><p>you people are useless</p></blockquote></blockquote>","author":{"type":"admin","name":"Sam"}},{"part_type":"comment","body":"","author":{"type":"admin","name":"Sam"}}]}}"#,
            r#"{"id":"10","source":{"body":"hello","author":{"type":"user"}},"conversation_parts":{"conversation_parts":[]}}"#,
            r#"{"id":"11","source":{"body":"cut sh"#
        );
        let rows: Vec<Record> = IntercomReader::new(s.as_bytes(), "i.jsonl").collect();
        let t: Vec<&Turn> = rows.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(t[1].text, "I hear you, that's a long wait. Which card did you pay with?", "both quote levels cut");
        assert_eq!(t[2].text, "", "an empty body is an empty turn, judged as nothing");
        assert_eq!(t[3].conversation, "10");
        let bad: Vec<&Malformed> = rows.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
        assert!(bad[0].reason.contains("cut short"), "{}", bad[0].reason);
    }
}
