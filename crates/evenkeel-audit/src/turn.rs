//! What every reader produces: one turn of a conversation, in the order the export gives, and
//! the records it could not read, with where they were.

use serde::{Deserialize, Serialize};

/// Who wrote a turn. Bots are reported apart from people; an author the export does not
/// identify is `Unknown` and is neither judged nor counted as the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
    Bot,
    Unknown,
}

impl Role {
    /// The usual words helpdesks use for their authors (`end-user`, `admin`, `requester`, ...).
    pub fn from_label(label: &str) -> Role {
        let l = label.trim().to_ascii_lowercase().replace(['-', '_', ' '], "");
        match l.as_str() {
            "customer" | "enduser" | "user" | "requester" | "contact" | "lead" | "client" | "visitor" | "end" => Role::Customer,
            "agent" | "admin" | "staff" | "support" | "operator" | "rep" | "employee" | "teammate" => Role::Agent,
            "bot" | "system" | "automation" | "autoresponder" | "workflow" | "operatorbot" => Role::Bot,
            _ => Role::Unknown,
        }
    }
}

/// One message in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub conversation: String,
    pub role: Role,
    /// The agent's name or id for agent and bot turns (whoever wrote it); the customer's turns
    /// carry none, so no customer identity reaches the outputs.
    pub agent: Option<String>,
    pub team: Option<String>,
    /// As the export gives it (ISO 8601 or Unix seconds); normalised by [`crate::time`].
    pub time: Option<String>,
    /// Plain text: HTML already turned into text, quoted earlier mail and signatures removed.
    pub text: String,
    /// Where it came from, for error messages and for the results.
    pub source: Source,
}

/// A record's place in its input: the file and the 1-based line (text formats) or record
/// number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub line: u64,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A record a reader could not use. Counted and listed in `summary.json`; never stops the
/// audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Malformed {
    pub file: String,
    pub line: u64,
    /// The field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.reason)
    }
}

/// What a reader yields, in input order.
pub type Record = Result<Turn, Malformed>;
