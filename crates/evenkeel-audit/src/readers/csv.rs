//! Generic CSV: one row per turn; `--map` names the columns.

use crate::mapping::{is_private, Mapping, FIELDS, REQUIRED};
use crate::readers::OpenError;
use crate::turn::{Malformed, Record, Role, Source, Turn};
use std::io::Read;

pub struct CsvReader<R: Read> {
    rdr: csv::Reader<R>,
    file: String,
    /// Column index of each of [`FIELDS`], where the header has it.
    index: [Option<usize>; 7],
    width: usize,
    record: csv::StringRecord,
    done: bool,
}

impl<R: Read> CsvReader<R> {
    /// Reads the header; a header without the required columns is an error that names what
    /// is missing and what the header has.
    pub fn new(input: R, file: &str, mapping: &Mapping, tabs: bool) -> Result<Self, OpenError> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(if tabs { b'\t' } else { b',' })
            .from_reader(input);
        let header = rdr
            .headers()
            .map_err(|e| OpenError::Format { file: file.into(), message: format!("cannot read the CSV header: {e}") })?
            .clone();
        let names: Vec<String> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect();
        let mut index = [None; 7];
        for (i, field) in FIELDS.iter().enumerate() {
            let column = mapping.column(field);
            index[i] = names.iter().position(|n| n == column).or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(column)));
        }
        let missing: Vec<String> = REQUIRED
            .iter()
            .filter(|f| index[FIELDS.iter().position(|x| x == *f).unwrap()].is_none())
            .map(|f| format!("{f} (column `{}`)", mapping.column(f)))
            .collect();
        if !missing.is_empty() {
            return Err(OpenError::Format {
                file: file.into(),
                message: format!(
                    "line 1: the header has no column for {}; it has: {}. Name the columns with --map, e.g. --map conversation=ticket_id,author=role,text=body",
                    missing.join(", "),
                    names.join(", ")
                ),
            });
        }
        Ok(CsvReader { rdr, file: file.into(), index, width: names.len(), record: csv::StringRecord::new(), done: false })
    }

    fn get(&self, field: usize) -> Option<&str> {
        self.index[field].and_then(|i| self.record.get(i))
    }

    fn malformed(&self, line: u64, field: Option<&str>, reason: String) -> Malformed {
        Malformed { file: self.file.clone(), line, field: field.map(str::to_string), reason }
    }
}

impl<R: Read> Iterator for CsvReader<R> {
    type Item = Record;
    fn next(&mut self) -> Option<Record> {
        loop {
            if self.done {
                return None;
            }
            let line_before = self.rdr.position().line();
            match self.rdr.read_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map_or(line_before, |p| p.line());
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.done = true;
                    }
                    return Some(Err(self.malformed(line, None, format!("unreadable row: {e}"))));
                }
                Ok(true) => {}
            }
            let line = self.record.position().map_or(line_before, |p| p.line());
            if self.record.len() == 1 && self.record.get(0).is_some_and(|f| f.trim().is_empty()) {
                continue; // a blank line
            }
            if self.record.len() != self.width {
                let hint = if self.record.len() < self.width { " (a truncated row, or a quote left open?)" } else { " (an unquoted comma or quote?)" };
                let reason = format!("the row has {} fields, the header {}{hint}", self.record.len(), self.width);
                return Some(Err(self.malformed(line, None, reason)));
            }
            let [conv, author, agent, team, time, text, public] = [0, 1, 2, 3, 4, 5, 6];
            if self.get(public).is_some_and(is_private) {
                continue;
            }
            let Some(conversation) = self.get(conv).map(str::trim).filter(|s| !s.is_empty()) else {
                return Some(Err(self.malformed(line, Some(FIELDS[conv]), "empty conversation id".into())));
            };
            let label = self.get(author).unwrap_or("");
            let role = Role::from_label(label);
            let nonempty = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            let turn = Turn {
                conversation: conversation.to_string(),
                role,
                agent: if role == Role::Customer { None } else { nonempty(self.get(agent)) },
                team: nonempty(self.get(team)),
                time: nonempty(self.get(time)),
                text: crate::email::agent_text(self.get(text).unwrap_or("")),
                source: Source { file: self.file.clone(), line },
            };
            return Some(Ok(turn));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(csv: &str, map: &str) -> Vec<Record> {
        CsvReader::new(csv.as_bytes(), "t.csv", &Mapping::parse(map).unwrap(), false).unwrap().collect()
    }

    #[test]
    fn embedded_newlines_and_quotes_keep_their_row_and_line() {
        let rows = read(
            "conversation,author,text\n1,customer,\"My order, the one with \"\"express\"\" shipping,\nnever came\"\n1,agent,I can see why that's worrying.\n",
            "",
        );
        let turns: Vec<&Turn> = rows.iter().map(|r| r.as_ref().unwrap()).collect();
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].text, "My order, the one with \"express\" shipping,\nnever came");
        assert_eq!(turns[0].role, Role::Customer);
        assert_eq!(turns[1].source.line, 4, "the second row starts on line 4");
    }

    #[test]
    fn mapping_names_the_columns() {
        let rows = read(
            "ticket_id,role,assignee,body,created_at\nT-9,end-user,,It broke again!!,2026-01-05T10:00:00Z\nT-9,agent,Maya,Let me look.,2026-01-05T10:05:00Z\n",
            "conversation=ticket_id,author=role,agent=assignee,text=body,time=created_at",
        );
        let t: Vec<Turn> = rows.into_iter().map(Result::unwrap).collect();
        assert_eq!(t[1].agent.as_deref(), Some("Maya"));
        assert_eq!(t[1].time.as_deref(), Some("2026-01-05T10:05:00Z"));
        assert_eq!(t[0].agent, None);
    }

    #[test]
    fn missing_required_columns_name_what_is_there() {
        let err = CsvReader::new("id,who,body\n".as_bytes(), "t.csv", &Mapping::default(), false).err().unwrap();
        let msg = err.to_string();
        assert!(msg.contains("t.csv: line 1"), "{msg}");
        assert!(msg.contains("conversation (column `conversation`)"), "{msg}");
        assert!(msg.contains("it has: id, who, body"), "{msg}");
    }

    #[test]
    fn short_rows_and_truncated_last_rows_are_malformed_not_fatal() {
        let rows = read("conversation,author,text\n1,customer\n1,agent,Hello there\n2,agent,\"cut off mid", "");
        assert!(matches!(&rows[0], Err(m) if m.line == 2 && m.reason.contains("2 fields")));
        assert!(rows[1].is_ok());
        // The open quote swallows the rest of the file: one short row, reported.
        assert!(matches!(&rows[2], Ok(t) if t.text == "cut off mid") || matches!(&rows[2], Err(m) if m.line == 4));
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn unknown_authors_empty_bodies_and_private_notes() {
        let rows = read(
            "conversation,author,text,public\n1,supervisor,hm,true\n1,agent,,true\n1,agent,internal only,false\n,agent,no id,true\n",
            "",
        );
        assert_eq!(rows.len(), 3, "the private note is skipped");
        assert_eq!(rows[0].as_ref().unwrap().role, Role::Unknown);
        assert_eq!(rows[1].as_ref().unwrap().text, "");
        assert!(matches!(&rows[2], Err(m) if m.field.as_deref() == Some("conversation") && m.line == 5));
    }

    #[test]
    fn html_bodies_become_the_agents_own_words() {
        let rows = read(
            "conversation,author,text\n1,agent,\"<p>I can see why that's frustrating.</p><blockquote>you people are useless</blockquote>\"\n",
            "",
        );
        let t = rows[0].as_ref().unwrap();
        assert!(t.text.contains("frustrating"));
        assert!(!t.text.contains("useless"));
    }
}
