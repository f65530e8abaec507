//! The scenario library (`data/scenarios/*.toml`, see its README): situations to practise on,
//! each with what a strong reply does and the pitfalls it invites. Built into the binary; a
//! folder of one's own can be used instead.

use evenkeel_core::{Cue, Emotion, Side, Stance};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub industry: String,
    pub channel: String,
    /// The customer's dominant emotion.
    pub emotion: Emotion,
    /// The customer's message(s), in order.
    pub customer: Vec<String>,
    /// What the agent knows and may do, limits included.
    pub context: String,
    /// The feeling a strong reply names.
    pub acknowledge: String,
    /// What a strong reply asks about ("" when nothing needs asking).
    pub explore: String,
    /// What a strong reply does.
    pub act: String,
    /// False when the customer's need has to be explored before it can be met.
    pub need_is_clear: bool,
    pub model_reply: String,
    #[serde(default, rename = "pitfall")]
    pub pitfalls: Vec<Pitfall>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pitfall {
    pub cue: Cue,
    pub stance: Stance,
    pub example: String,
    pub why: String,
}

impl Scenario {
    /// The customer's messages as the analyzer reads them.
    pub fn customer_text(&self) -> String {
        self.customer.join("\n")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ScenarioError {
    pub file: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    scenario: Vec<Scenario>,
}

const CHANNELS: &[&str] = &["chat", "email", "social", "phone"];

/// Parses one library file and checks what TOML cannot: known channels, messages present,
/// pitfalls on the risky side.
pub fn parse(file: &str, text: &str) -> Result<Vec<Scenario>, ScenarioError> {
    let err = |message: String| ScenarioError {
        file: file.to_string(),
        message,
    };
    let f: File = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    for s in &f.scenario {
        let at = |m: &str| err(format!("scenario `{}`: {m}", s.id));
        if s.id.trim().is_empty() || s.id.contains(char::is_whitespace) {
            return Err(at("`id` must be one word, kebab-case"));
        }
        if !CHANNELS.contains(&s.channel.as_str()) {
            return Err(at(&format!(
                "channel `{}` is not one of {}",
                s.channel,
                CHANNELS.join(", ")
            )));
        }
        if s.customer.is_empty() || s.customer.iter().any(|m| m.trim().is_empty()) {
            return Err(at("`customer` needs at least one message, none empty"));
        }
        if s.model_reply.trim().is_empty() {
            return Err(at("`model_reply` is empty"));
        }
        if s.pitfalls.is_empty() {
            return Err(at("at least one `[[scenario.pitfall]]` is needed"));
        }
        for p in &s.pitfalls {
            if p.cue.side() == Side::Empathy {
                return Err(at(&format!("pitfall cue `{}` is on the empathy side; pitfalls are sympathy or dismissive cues", p.cue.name())));
            }
        }
    }
    Ok(f.scenario)
}

/// Every `*.toml` in `dir`, in name order; ids must be unique across files.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, ScenarioError> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| ScenarioError {
            file: dir.display().to_string(),
            message: e.to_string(),
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).map_err(|e| ScenarioError {
            file: p.display().to_string(),
            message: e.to_string(),
        })?;
        files.push((p.display().to_string(), text));
    }
    from_files(files.iter().map(|(f, t)| (f.as_str(), t.as_str())))
}

/// The library built into the binary.
pub fn builtin() -> Vec<Scenario> {
    from_files(BUILTIN.iter().copied())
        .expect("the built-in scenarios are valid (a test checks them)")
}

fn from_files<'a>(
    files: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Scenario>, ScenarioError> {
    let mut all: Vec<Scenario> = Vec::new();
    for (file, text) in files {
        for s in parse(file, text)? {
            if all.iter().any(|x| x.id == s.id) {
                return Err(ScenarioError {
                    file: file.to_string(),
                    message: format!("scenario id `{}` is used twice", s.id),
                });
            }
            all.push(s);
        }
    }
    Ok(all)
}

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[scenario]]
id = "x"
title = "X"
industry = "banking"
channel = "chat"
emotion = "anger"
customer = ["You locked me out again!"]
context = "You can reset access; you cannot waive the fee."
acknowledge = "anger at being locked out twice"
explore = "what happened when they tried to log in"
act = "reset access"
need_is_clear = false
model_reply = "I can understand why being locked out again has made you angry."

[[scenario.pitfall]]
cue = "mirrors_emotion"
stance = "sympathetic"
example = "I'm furious too!"
why = "Two angry people."
"#;

    #[test]
    fn a_scenario_parses_and_bad_ones_say_why() {
        let s = parse("a.toml", ONE).unwrap();
        assert_eq!(s[0].pitfalls[0].cue, Cue::MirrorsEmotion);
        assert_eq!(s[0].emotion, Emotion::Anger);
        let e = parse("a.toml", &ONE.replace("\"chat\"", "\"fax\"")).unwrap_err();
        assert!(
            e.to_string().contains("a.toml") && e.to_string().contains("fax"),
            "{e}"
        );
        let e = parse("a.toml", &ONE.replace("mirrors_emotion", "explores")).unwrap_err();
        assert!(e.to_string().contains("empathy side"), "{e}");
        let e = parse("a.toml", &ONE.replace("need_is_clear = false\n", "")).unwrap_err();
        assert!(e.to_string().contains("need_is_clear"), "{e}");
        let e = from_files([("a.toml", ONE), ("b.toml", ONE)].into_iter()).unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
    }
}
