//! `evenkeel.toml`: one configuration for every front end. The CLI finds and reads the file;
//! this module only parses and validates its text, so the analyzer stays free of I/O.
//!
//! ```toml
//! packs = ["rules/acme.toml"]          # extra rule packs, relative to this file
//! allow_phrases = ["We value your feedback"]
//! fail_on = ["sympathetic", "dismissive"]
//!
//! [rules]
//! "platitude.value-customer" = "off"   # switch a rule off
//! "acme.refund-guarantee" = "high"     # or change its severity
//! "pity" = "off"                       # a whole pack
//! ```

use crate::cue::Stance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Extra rule packs to load after the built-in ones.
    #[serde(default)]
    pub packs: Vec<String>,
    /// Per-rule (or per-pack) level: `off`, `info`, `low`, `medium` or `high`.
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    /// Literal company phrases that never produce a finding (matched without regard to case).
    #[serde(default)]
    pub allow_phrases: Vec<String>,
    /// Stances that make `evenkeel check` exit 1.
    #[serde(default)]
    pub fail_on: Option<Vec<Stance>>,
}

impl Config {
    /// Parse the text of an `evenkeel.toml`; errors carry the line.
    pub fn parse(file: &str, source: &str) -> Result<Config, String> {
        toml::from_str(source).map_err(|e| {
            let line = e
                .span()
                .map(|s| source[..s.start.min(source.len())].matches('\n').count() + 1);
            let message = crate::pack::toml_message(source, &e);
            match line {
                Some(l) => format!("{file}:{l}: {message}"),
                None => format!("{file}: {message}"),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let c = Config::parse(
            "evenkeel.toml",
            "fail_on = [\"dismissive\"]\n[rules]\n\"pity\" = \"off\"\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(vec![Stance::Dismissive]));
        assert_eq!(c.rules["pity"], "off");
        let e = Config::parse("evenkeel.toml", "\n\nallow = []\n").unwrap_err();
        assert!(e.starts_with("evenkeel.toml:3:"), "{e}");
    }
}
