//! Zendesk tickets with their comments, one ticket per line: the shape of Zendesk's JSON
//! export and of `GET /api/v2/tickets/{id}/comments?include=users` joined to its ticket.
//! Accepted per line: a ticket with a `comments` array; `{"ticket": {...}, "comments": [...]}`;
//! or a page `{"tickets": [...]}`. Sideloaded `users` (with `role`) and `groups` (with
//! `name`) are used where present.

use crate::readers::json::{nonblank, text};
use crate::readers::JsonLines;
use crate::turn::{Malformed, Record, Role, Source, Turn};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::io::BufRead;

pub fn looks_like(v: &Value) -> bool {
    v.get("comments").is_some() || v.get("tickets").is_some() || v.get("ticket").is_some()
}

pub struct ZendeskReader<R> {
    lines: JsonLines<R>,
    file: String,
    pending: VecDeque<Record>,
}

impl<R: BufRead> ZendeskReader<R> {
    pub fn new(input: R, file: &str) -> Self {
        ZendeskReader { lines: JsonLines::new(input), file: file.into(), pending: VecDeque::new() }
    }

    fn read_line(&mut self, line: u64, v: Value) {
        let users = |v: &Value| v.get("users").and_then(Value::as_array).cloned().unwrap_or_default();
        let groups = |v: &Value| v.get("groups").and_then(Value::as_array).cloned().unwrap_or_default();
        if let Some(tickets) = v.get("tickets").and_then(Value::as_array) {
            let (u, g) = (users(&v), groups(&v));
            for (i, t) in tickets.iter().enumerate() {
                let comments = t.get("comments");
                self.ticket(line, &format!("tickets[{i}]."), t, comments, &u, &g);
            }
        } else if let Some(t) = v.get("ticket") {
            let mut u = users(&v);
            u.extend(users(t));
            let comments = v.get("comments").or_else(|| t.get("comments"));
            self.ticket(line, "", t, comments, &u, &groups(&v));
        } else {
            self.ticket(line, "", &v, v.get("comments"), &users(&v), &groups(&v));
        }
    }

    fn ticket(&mut self, line: u64, at: &str, t: &Value, comments: Option<&Value>, users: &[Value], groups: &[Value]) {
        let bad = |field: String, reason: &str| Err(Malformed { file: self.file.clone(), line, field: Some(field), reason: reason.into() });
        let Some(id) = nonblank(t.get("id")) else {
            self.pending.push_back(bad(format!("{at}id"), "missing ticket id"));
            return;
        };
        let Some(comments) = comments.and_then(Value::as_array) else {
            self.pending.push_back(bad(format!("{at}comments"), "missing or not a list; export tickets with their comments"));
            return;
        };
        let people: HashMap<String, (String, Option<String>)> = users
            .iter()
            .filter_map(|u| Some((text(u.get("id"))?, (text(u.get("role")).unwrap_or_default(), nonblank(u.get("name"))))))
            .collect();
        let requester = text(t.get("requester_id"));
        let team = nonblank(t.get("group_id")).map(|g| {
            groups
                .iter()
                .find(|x| text(x.get("id")).as_deref() == Some(&g))
                .and_then(|x| nonblank(x.get("name")))
                .unwrap_or_else(|| format!("group {g}"))
        });
        for (i, c) in comments.iter().enumerate() {
            let field = |f: &str| format!("{at}comments[{i}].{f}");
            if !c.is_object() {
                self.pending.push_back(bad(field("").trim_end_matches('.').into(), "not an object"));
                continue;
            }
            if c.get("public").and_then(Value::as_bool) == Some(false) {
                continue; // an internal note: not said to the customer
            }
            let body = ["html_body", "plain_body", "body"].iter().find_map(|k| nonblank(c.get(*k)));
            let body = match body {
                Some(b) => b,
                None if ["html_body", "plain_body", "body"].iter().any(|k| c.get(*k).is_some()) => String::new(),
                None => {
                    self.pending.push_back(bad(field("body"), "missing"));
                    continue;
                }
            };
            let author = text(c.get("author_id"));
            let channel = c.pointer("/via/channel").and_then(Value::as_str).unwrap_or("");
            let person = author.as_ref().and_then(|a| people.get(a));
            let role = match (author.as_deref(), person) {
                (None, _) => Role::Unknown,
                (Some("-1"), _) => Role::Bot,
                _ if matches!(channel, "rule" | "automation" | "answer_bot" | "answer_bot_for_agents") => Role::Bot,
                (Some(a), _) if requester.as_deref() == Some(a) && person.is_none_or(|p| p.0 == "end-user") => Role::Customer,
                (_, Some((r, _))) => match r.as_str() {
                    "end-user" => Role::Customer,
                    "agent" | "admin" => Role::Agent,
                    _ => Role::Unknown,
                },
                (Some(_), None) => Role::Agent,
            };
            let agent = match role {
                Role::Customer => None,
                _ => person.and_then(|p| p.1.clone()).or_else(|| author.as_ref().map(|a| format!("agent {a}"))),
            };
            self.pending.push_back(Ok(Turn {
                conversation: id.clone(),
                role,
                agent,
                team: team.clone(),
                time: nonblank(c.get("created_at")),
                text: crate::email::agent_text(&body),
                source: Source { file: self.file.clone(), line },
            }));
        }
    }
}

impl<R: BufRead> Iterator for ZendeskReader<R> {
    type Item = Record;
    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Some(r);
            }
            let (line, v) = self.lines.next()?;
            match v {
                Ok(v) => self.read_line(line, v),
                Err(reason) => self.pending.push_back(Err(Malformed { file: self.file.clone(), line, field: None, reason })),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Vec<Record> {
        ZendeskReader::new(s.as_bytes(), "z.jsonl").collect()
    }

    const TICKET: &str = r#"{"id":101,"requester_id":9,"assignee_id":5,"group_id":31,"comments":[{"id":1,"author_id":9,"public":true,"body":"Where is my refund??","created_at":"2026-01-05T09:00:00Z"},{"id":2,"author_id":5,"public":false,"body":"customer is annoying","created_at":"2026-01-05T09:01:00Z"},{"id":3,"author_id":5,"public":true,"html_body":"<div class=\"zd-comment\"><p>I understand how worrying a missing refund is.</p><p>Kind regards,<br>Maya Patel<br>Billing</p></div>","created_at":"2026-01-05T09:10:00Z"},{"id":4,"author_id":-1,"public":true,"body":"This ticket was solved.","via":{"channel":"rule"}}],"users":[{"id":5,"name":"Maya Patel","role":"agent"},{"id":9,"name":"R. Doe","role":"end-user"}],"groups":[{"id":31,"name":"Billing"}]}"#;

    #[test]
    fn comments_become_turns_with_roles_names_and_teams() {
        let t: Vec<Turn> = read(TICKET).into_iter().map(Result::unwrap).collect();
        assert_eq!(t.len(), 3, "the private note is skipped");
        assert_eq!(t[0].role, Role::Customer);
        assert_eq!(t[0].agent, None);
        assert_eq!(t[1].role, Role::Agent);
        assert_eq!(t[1].agent.as_deref(), Some("Maya Patel"));
        assert_eq!(t[1].team.as_deref(), Some("Billing"));
        assert_eq!(t[1].text, "I understand how worrying a missing refund is.", "signature stripped");
        assert_eq!(t[2].role, Role::Bot);
        assert!(t.iter().all(|x| x.conversation == "101"));
    }

    #[test]
    fn without_users_the_requester_is_the_customer() {
        let t: Vec<Turn> = read(r#"{"ticket":{"id":"7","requester_id":1},"comments":[{"author_id":1,"body":"hi"},{"author_id":2,"body":"hello"}]}"#)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(t[0].role, Role::Customer);
        assert_eq!(t[1].role, Role::Agent);
        assert_eq!(t[1].agent.as_deref(), Some("agent 2"));
    }

    #[test]
    fn broken_tickets_and_comments_are_reported_with_line_and_field() {
        let input = format!("{TICKET}\n{{\"id\":5}}\n{{\"id\":6,\"comments\":[{{\"author_id\":1}},7]}}\n{{\"id\":8,\"comm");
        let rows = read(&input);
        let errs: Vec<&Malformed> = rows.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errs.len(), 4);
        assert_eq!((errs[0].line, errs[0].field.as_deref()), (2, Some("comments")));
        assert_eq!((errs[1].line, errs[1].field.as_deref()), (3, Some("comments[0].body")));
        assert_eq!((errs[2].line, errs[2].field.as_deref()), (3, Some("comments[1]")));
        assert_eq!(errs[3].line, 4);
    }

    #[test]
    fn pages_of_tickets() {
        let rows = read(r#"{"tickets":[{"id":1,"requester_id":3,"comments":[{"author_id":3,"body":"a"}]},{"id":2,"requester_id":3,"comments":[{"author_id":4,"body":"b"}]}]}"#);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].as_ref().unwrap().conversation, "2");
    }

    #[test]
    fn nested_quoted_mail_and_plain_text_quotes_are_cut() {
        let t: Vec<Turn> = read(
            r#"{"id":3,"requester_id":9,"comments":[{"author_id":9,"public":true,"body":"Why was I charged again?\n\n> On 2 Jan, Support wrote:\n> > Your refund is on its way."},{"author_id":5,"public":true,"html_body":"<div><p>I can see why a second charge is alarming. I've reversed it.</p><div class=\"gmail_quote\">On Tue, R. Doe wrote:<blockquote><p>Why was I charged again?</p><blockquote>Your refund is on its way.</blockquote></blockquote></div></div>"}],"users":[{"id":5,"name":"Maya","role":"agent"},{"id":9,"name":"R. Doe","role":"end-user"}]}"#,
        )
        .into_iter()
        .map(Result::unwrap)
        .collect();
        assert_eq!(t[0].text, "Why was I charged again?");
        assert_eq!(t[1].text, "I can see why a second charge is alarming. I've reversed it.");
    }
}
