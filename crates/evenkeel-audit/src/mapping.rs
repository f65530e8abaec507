//! Which column (CSV) or key (JSON Lines) holds which part of a turn:
//! `--map conversation=ticket_id,author=role,agent=assignee,text=body,time=created_at`.

use serde::{Deserialize, Serialize};

/// The parts of a turn a generic export can map.
pub const FIELDS: [&str; 7] = ["conversation", "author", "agent", "team", "time", "text", "public"];
/// Without these no turn can be built.
pub const REQUIRED: [&str; 3] = ["conversation", "author", "text"];

/// Column or key name for each part of a turn. Unmapped parts use their own name
/// (`conversation`, `author`, ...). JSON keys may be dotted paths (`author.type`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub conversation: String,
    pub author: String,
    pub agent: String,
    pub team: String,
    pub time: String,
    pub text: String,
    /// Rows whose value here is false-like (`false`, `0`, `no`, `private`, `internal`) are
    /// internal notes, not replies to the customer, and are skipped.
    pub public: String,
}

impl Default for Mapping {
    fn default() -> Mapping {
        Mapping {
            conversation: "conversation".into(),
            author: "author".into(),
            agent: "agent".into(),
            team: "team".into(),
            time: "time".into(),
            text: "text".into(),
            public: "public".into(),
        }
    }
}

impl Mapping {
    /// Parses `field=column,field=column`; unknown fields and empty columns are errors.
    pub fn parse(spec: &str) -> Result<Mapping, String> {
        let mut m = Mapping::default();
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, column) = pair
                .split_once('=')
                .ok_or_else(|| format!("--map: `{pair}` is not FIELD=COLUMN"))?;
            let (field, column) = (field.trim(), column.trim());
            if column.is_empty() {
                return Err(format!("--map: `{field}` is mapped to an empty column name"));
            }
            let slot = match field {
                "conversation" => &mut m.conversation,
                "author" | "role" => &mut m.author,
                "agent" => &mut m.agent,
                "team" => &mut m.team,
                "time" => &mut m.time,
                "text" | "body" => &mut m.text,
                "public" => &mut m.public,
                other => {
                    return Err(format!("--map: unknown field `{other}`; the fields are {}", FIELDS.join(", ")))
                }
            };
            *slot = column.to_string();
        }
        Ok(m)
    }

    pub fn column(&self, field: &str) -> &str {
        match field {
            "conversation" => &self.conversation,
            "author" => &self.author,
            "agent" => &self.agent,
            "team" => &self.team,
            "time" => &self.time,
            "text" => &self.text,
            "public" => &self.public,
            _ => unreachable!("not a mapping field: {field}"),
        }
    }
}

/// Whether a `public` value marks an internal note.
pub fn is_private(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "n" | "private" | "internal" | "note"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_issue_example() {
        let m = Mapping::parse("conversation=ticket_id,author=role,agent=assignee,text=body,time=created_at").unwrap();
        assert_eq!(m.conversation, "ticket_id");
        assert_eq!(m.author, "role");
        assert_eq!(m.agent, "assignee");
        assert_eq!(m.text, "body");
        assert_eq!(m.time, "created_at");
        assert_eq!(m.team, "team", "unmapped fields keep their own name");
    }

    #[test]
    fn rejects_unknown_fields_and_bad_pairs() {
        assert!(Mapping::parse("customer=x").unwrap_err().contains("unknown field `customer`"));
        assert!(Mapping::parse("text").unwrap_err().contains("FIELD=COLUMN"));
        assert!(Mapping::parse("text=").unwrap_err().contains("empty"));
    }

    #[test]
    fn private_values() {
        assert!(is_private("FALSE"));
        assert!(is_private(" internal "));
        assert!(!is_private("true"));
        assert!(!is_private(""));
    }
}
