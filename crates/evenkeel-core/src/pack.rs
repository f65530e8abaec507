//! Rule packs: the declarative half of cue detection.
//!
//! A pack is a TOML file that users can read and extend (see `rules/README.md`). Loading parses
//! it, validates every field and compiles every pattern; an error names the file, the line and
//! the rule id. What a phrase list cannot express (negation scope, question sense, what a rule
//! shadows) is written as per-rule fields that the detectors in [`crate::detect`] interpret.

use crate::cue::{Cue, Emotion, Severity};
use crate::pattern::{self, LazyRegex};
use regex::Regex;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Where a rule's span ends up: the match itself, its clause or its whole sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SpanScope {
    #[default]
    Match,
    Clause,
    Sentence,
}

/// Whether a rule may fire only in questions, never in them, or anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QuestionSense {
    #[default]
    Any,
    Only,
    Never,
}

/// Whether a negation or hedge just before the match ("I won't promise", "not a disaster")
/// cancels the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Negation {
    #[default]
    Suppress,
    Ignore,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackHeader,
    #[serde(default)]
    macros: BTreeMap<String, String>,
    #[serde(default)]
    defaults: BTreeMap<String, CueDefaults>,
    #[serde(default)]
    rule: Vec<RuleFile>,
    #[serde(default)]
    emotion: Vec<EmotionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackHeader {
    name: String,
    #[serde(default)]
    description: String,
}

/// Per-cue texts that every rule of the cue inherits unless it sets its own.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CueDefaults {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub suggestion: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Replacement wording for the matched words (`""` means: remove them).
    #[serde(default)]
    pub replacement: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    cue: String,
    patterns: Vec<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    span: SpanScope,
    #[serde(default)]
    negation: Negation,
    #[serde(default)]
    question: QuestionSense,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    not_after: Vec<String>,
    #[serde(default)]
    shadows: Vec<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    suggestion: Option<String>,
    #[serde(default)]
    replacement: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    must_match: Vec<String>,
    #[serde(default)]
    must_not_match: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmotionFile {
    emotion: String,
    #[serde(default = "one")]
    weight: f32,
    patterns: Vec<String>,
    #[serde(default)]
    negation: Negation,
}

fn one() -> f32 {
    1.0
}

/// A compiled rule, ready for the detectors.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `pack.rule`, stable and printed beside every message.
    pub id: String,
    pub cue: Cue,
    pub severity: Severity,
    /// One regex per pattern, in the order written.
    pub patterns: Vec<LazyRegex>,
    /// The regex sources, for the combined prefilter.
    pub sources: Vec<String>,
    pub span: SpanScope,
    pub negation: Negation,
    pub question: QuestionSense,
    pub unless: Vec<LazyRegex>,
    /// Each anchored at the end: it must end right where the match starts.
    pub not_after: Vec<LazyRegex>,
    pub shadows: Vec<Cue>,
    pub message: String,
    pub suggestion: Option<String>,
    pub replacement: Option<String>,
    pub description: String,
    pub must_match: Vec<String>,
    pub must_not_match: Vec<String>,
    /// Where the rule was written, for error messages: `file:line`.
    pub origin: String,
    /// The texts every finding of this rule repeats, shared rather than copied per finding.
    pub shared: RuleTexts,
}

/// Id, message, suggestion and replacement of a rule, reference-counted.
#[derive(Debug, Clone)]
pub struct RuleTexts {
    pub id: std::sync::Arc<str>,
    pub message: std::sync::Arc<str>,
    pub suggestion: Option<std::sync::Arc<str>>,
    pub replacement: Option<std::sync::Arc<str>>,
}

/// A compiled customer-emotion signal.
#[derive(Debug, Clone)]
pub struct EmotionSignal {
    pub emotion: Emotion,
    pub weight: f32,
    pub patterns: Vec<Regex>,
    pub negation: Negation,
}

/// A loaded pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub description: String,
    pub rules: Vec<Rule>,
    pub emotions: Vec<EmotionSignal>,
    pub macros: BTreeMap<String, String>,
    pub defaults: BTreeMap<String, CueDefaults>,
}

/// A problem in a pack, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    pub line: Option<usize>,
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(r) = &self.rule {
            write!(f, ": rule `{r}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PackError {}

/// Macros and cue defaults visible to every pack: packs loaded earlier lend theirs to later
/// ones, so a user's pack can use `{OWN_SIDE}` from the built-in packs.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    pub macros: HashMap<String, String>,
    pub defaults: BTreeMap<String, CueDefaults>,
}

impl Shared {
    pub fn absorb(&mut self, pack: &Pack) {
        for (k, v) in &pack.macros {
            self.macros.insert(k.clone(), v.clone());
        }
        for (k, v) in &pack.defaults {
            self.defaults.insert(k.clone(), v.clone());
        }
    }
}

/// Compile one pattern (pack language) into a case-insensitive regex.
pub fn compile_pattern(
    source: &str,
    macros: &HashMap<String, String>,
) -> Result<(Regex, String), String> {
    let src = pattern::compile(source, macros)?;
    let re = pattern::build_regex(&src)
        .map_err(|e| format!("pattern `{source}` does not compile: {e}"))?;
    Ok((re, src))
}

/// Check a rule pattern and return it ready to compile on first use.
fn lazy_pattern(source: &str, macros: &HashMap<String, String>) -> Result<LazyRegex, String> {
    let src = pattern::compile(source, macros)?;
    LazyRegex::new(src, true).map_err(|e| format!("pattern `{source}`: {e}"))
}

/// Compile a context pattern (`unless`) so that it only matches on word edges: "ever" must
/// not match inside "every".
fn compile_on_word_edges(
    source: &str,
    macros: &HashMap<String, String>,
) -> Result<LazyRegex, String> {
    let src = pattern::compile(source, macros)?;
    LazyRegex::new(format!(r"(?:^|\W)(?:{src})(?:\W|$)"), false)
        .map_err(|e| format!("pattern `{source}` does not compile: {e}"))
}

impl Pack {
    /// Compile every regex the pack's rules hold, now rather than on first use, so that a
    /// problem only the compiler sees (a pattern too large) is reported where it was written.
    pub fn compile_all(&self) -> Result<(), PackError> {
        for rule in &self.rules {
            let all = rule
                .patterns
                .iter()
                .chain(&rule.unless)
                .chain(&rule.not_after);
            for re in all {
                re.compile().map_err(|message| {
                    let (file, line) = match rule.origin.rsplit_once(':') {
                        Some((f, l)) => (f.to_string(), l.parse().ok()),
                        None => (rule.origin.clone(), None),
                    };
                    PackError {
                        file,
                        line,
                        rule: Some(rule.id.clone()),
                        message,
                    }
                })?;
            }
        }
        Ok(())
    }

    /// Parse and check the pack in `source`, read from `file` (used only in messages).
    pub fn parse(file: &str, source: &str, shared: &Shared) -> Result<Pack, PackError> {
        let err = |line: Option<usize>, rule: Option<&str>, message: String| PackError {
            file: file.to_string(),
            line,
            rule: rule.map(str::to_string),
            message,
        };
        let parsed: PackFile = toml::from_str(source).map_err(|e| {
            let line = e.span().map(|s| line_of(source, s.start));
            err(line, None, toml_message(source, &e))
        })?;
        let name = parsed.pack.name.trim().to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(err(
                line_of_key(source, "name"),
                None,
                format!("pack name `{name}` must be non-empty and use only letters, digits, `-` and `_`"),
            ));
        }
        let mut macros = shared.macros.clone();
        for (k, v) in &parsed.macros {
            macros.insert(k.clone(), v.clone());
        }
        for (k, v) in &parsed.macros {
            // Validate each macro on its own so the error points at it.
            pattern::compile(v, &macros)
                .map_err(|e| err(line_of_key(source, k), None, format!("macro `{k}`: {e}")))?;
        }
        let mut defaults = shared.defaults.clone();
        for (k, v) in &parsed.defaults {
            k.parse::<Cue>()
                .map_err(|e| err(line_of_key(source, &format!("defaults.{k}")), None, e))?;
            defaults.insert(k.clone(), v.clone());
        }

        let mut rules = Vec::with_capacity(parsed.rule.len());
        let mut seen = HashMap::new();
        for r in parsed.rule {
            let line = line_of_rule(source, &r.id);
            let full_id = format!("{name}.{}", r.id);
            let rerr = |m: String| err(line, Some(&full_id), m);
            if r.id.is_empty() || r.id.contains(char::is_whitespace) || r.id.contains('.') {
                return Err(rerr(
                    "a rule id must be non-empty, without spaces or dots".into(),
                ));
            }
            if seen.insert(r.id.clone(), ()).is_some() {
                return Err(rerr("duplicate rule id in this pack".into()));
            }
            let cue: Cue = r.cue.parse().map_err(rerr)?;
            let severity = match &r.severity {
                Some(s) => s.parse().map_err(rerr)?,
                None => cue.default_severity(),
            };
            if r.patterns.is_empty() {
                return Err(rerr("a rule needs at least one pattern".into()));
            }
            let mut patterns = Vec::new();
            let mut sources = Vec::new();
            for p in &r.patterns {
                let re = lazy_pattern(p, &macros).map_err(rerr)?;
                sources.push(re.as_str().to_string());
                patterns.push(re);
            }
            let unless = r
                .unless
                .iter()
                .map(|p| compile_on_word_edges(p, &macros))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| rerr(format!("unless: {e}")))?;
            let not_after = r
                .not_after
                .iter()
                .map(|p| {
                    let src = pattern::compile(p, &macros)?;
                    LazyRegex::new(format!(r"(?:^|\W)(?:{src})[\s,]*$"), false)
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| rerr(format!("not_after: {e}")))?;
            let shadows = r
                .shadows
                .iter()
                .map(|s| s.parse::<Cue>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(rerr)?;
            let d = defaults.get(cue.name()).cloned().unwrap_or_default();
            let message = r.message.or(d.message).ok_or_else(|| {
                rerr(format!(
                    "no message, and no [defaults.{cue}] message to inherit"
                ))
            })?;
            let suggestion = r.suggestion.or(d.suggestion);
            let description = r.description.or(d.description).unwrap_or_default();
            if r.must_match.is_empty() {
                return Err(rerr(
                    "every rule needs at least one `must_match` example".into(),
                ));
            }
            for ex in r.must_match.iter().chain(&r.must_not_match) {
                crate::examples::parse_marked(ex)
                    .map_err(|e| rerr(format!("example `{ex}`: {e}")))?;
            }
            let replacement = r.replacement.or(d.replacement);
            let shared = RuleTexts {
                id: full_id.as_str().into(),
                message: message.as_str().into(),
                suggestion: suggestion.as_deref().map(Into::into),
                replacement: replacement.as_deref().map(Into::into),
            };
            rules.push(Rule {
                id: full_id,
                cue,
                severity,
                patterns,
                sources,
                span: r.span,
                negation: r.negation,
                question: r.question,
                unless,
                not_after,
                shadows,
                message,
                suggestion,
                replacement,
                shared,
                description,
                must_match: r.must_match,
                must_not_match: r.must_not_match,
                origin: format!("{file}:{}", line.unwrap_or(1)),
            });
        }

        let mut emotions = Vec::new();
        for e in parsed.emotion {
            let emotion: Emotion = e
                .emotion
                .parse()
                .map_err(|m| err(line_of_key(source, "emotion"), None, m))?;
            let patterns = e
                .patterns
                .iter()
                .map(|p| compile_pattern(p, &macros).map(|(re, _)| re))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| err(None, None, format!("emotion `{emotion}`: {m}")))?;
            emotions.push(EmotionSignal {
                emotion,
                weight: e.weight,
                patterns,
                negation: e.negation,
            });
        }

        Ok(Pack {
            name,
            description: parsed.pack.description,
            rules,
            emotions,
            macros: parsed.macros,
            defaults: parsed.defaults,
        })
    }
}

/// The message of a TOML error. toml leaves it empty for some syntax errors (a control
/// character in a comment); then say what is at the spot.
pub(crate) fn toml_message(source: &str, e: &toml::de::Error) -> String {
    if !e.message().trim().is_empty() {
        return e.message().to_string();
    }
    match e
        .span()
        .and_then(|s| source.get(s.start..))
        .and_then(|rest| rest.chars().next())
    {
        Some(c) => format!("invalid TOML: unexpected character {c:?}"),
        None => "invalid TOML".to_string(),
    }
}

fn line_of(source: &str, byte: usize) -> usize {
    source[..byte.min(source.len())].matches('\n').count() + 1
}

fn line_of_key(source: &str, key: &str) -> Option<usize> {
    source
        .lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with(key) && t[key.len()..].trim_start().starts_with('=')
                || t.trim_start_matches('[').starts_with(key)
        })
        .map(|i| i + 1)
}

fn line_of_rule(source: &str, id: &str) -> Option<usize> {
    source
        .lines()
        .position(|l| {
            let t = l.trim();
            t.starts_with("id")
                && (t.contains(&format!("\"{id}\"")) || t.contains(&format!("'{id}'")))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
[pack]
name = "demo"

[[rule]]
id = "angry-too"
cue = "mirrors_emotion"
patterns = ["i am angry too"]
message = "Your own anger adds a second upset person."
must_match = ["Honestly [I am angry too]."]
"#;

    #[test]
    fn parses_a_pack() {
        let p = Pack::parse("demo.toml", OK, &Shared::default()).unwrap();
        assert_eq!(p.rules[0].id, "demo.angry-too");
        assert_eq!(p.rules[0].severity, Severity::High);
    }

    #[test]
    fn errors_name_file_line_and_rule() {
        let bad = OK.replace("mirrors_emotion", "mirroring");
        let e = Pack::parse("demo.toml", &bad, &Shared::default()).unwrap_err();
        assert_eq!(e.line, Some(6));
        assert_eq!(e.rule.as_deref(), Some("demo.angry-too"));
        assert!(
            e.to_string()
                .starts_with("demo.toml:6: rule `demo.angry-too`: unknown cue"),
            "{e}"
        );

        let unknown_key = OK.replace("message =", "mesage =");
        let e = Pack::parse("demo.toml", &unknown_key, &Shared::default()).unwrap_err();
        assert!(e.to_string().contains("unknown field `mesage`"), "{e}");

        let no_example = OK.replace("must_match = [\"Honestly [I am angry too].\"]", "");
        let e = Pack::parse("demo.toml", &no_example, &Shared::default()).unwrap_err();
        assert!(e.message.contains("must_match"), "{e}");
    }
}
