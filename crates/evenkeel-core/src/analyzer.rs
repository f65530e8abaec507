//! The analyzer: one reply (and the customer message it answers) in, an [`Analysis`] out.
//!
//! text → [`Document`] (sentences with spans) → cue detectors ([`crate::detect`], driven by the
//! rule packs) → stance decision ([`crate::stance`]) → findings with explanations and
//! suggestions ([`crate::finding`]).

use crate::config::Config;
use crate::cue::{Cue, Emotion, Severity, Stance};
use crate::detect::{detect_pattern, resolve, Candidate};
use crate::document::{Document, Positions, Span};
use crate::emotion;
use crate::finding::{Analysis, Finding, Fix, SCHEMA_VERSION};
use crate::pack::{EmotionSignal, Pack, PackError, Rule, Shared};
use crate::prefilter::Prefilter;
use crate::stance;
use std::collections::BTreeMap;

/// The built-in rule packs, embedded in the binary: `(file name, TOML source)`.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    (
        "rules/common.toml",
        include_str!("../../../rules/common.toml"),
    ),
    (
        "rules/acknowledges_emotion.toml",
        include_str!("../../../rules/acknowledges_emotion.toml"),
    ),
    (
        "rules/validates.toml",
        include_str!("../../../rules/validates.toml"),
    ),
    (
        "rules/explores.toml",
        include_str!("../../../rules/explores.toml"),
    ),
    (
        "rules/offers_action.toml",
        include_str!("../../../rules/offers_action.toml"),
    ),
    (
        "rules/apologizes.toml",
        include_str!("../../../rules/apologizes.toml"),
    ),
    (
        "rules/mirrors_emotion.toml",
        include_str!("../../../rules/mirrors_emotion.toml"),
    ),
    (
        "rules/blames_own_side.toml",
        include_str!("../../../rules/blames_own_side.toml"),
    ),
    ("rules/pity.toml", include_str!("../../../rules/pity.toml")),
    (
        "rules/overpromise.toml",
        include_str!("../../../rules/overpromise.toml"),
    ),
    (
        "rules/condemns.toml",
        include_str!("../../../rules/condemns.toml"),
    ),
    (
        "rules/platitude.toml",
        include_str!("../../../rules/platitude.toml"),
    ),
    (
        "rules/minimizes.toml",
        include_str!("../../../rules/minimizes.toml"),
    ),
    (
        "rules/blames_customer.toml",
        include_str!("../../../rules/blames_customer.toml"),
    ),
    (
        "rules/emotion.toml",
        include_str!("../../../rules/emotion.toml"),
    ),
];

/// Collects packs and configuration, then compiles them into an [`Analyzer`].
#[derive(Debug, Default)]
pub struct AnalyzerBuilder {
    packs: Vec<Pack>,
    shared: Shared,
    levels: BTreeMap<String, String>,
    allow_phrases: Vec<String>,
}

impl AnalyzerBuilder {
    /// A builder with no packs at all.
    pub fn empty() -> AnalyzerBuilder {
        AnalyzerBuilder::default()
    }

    /// A builder with the built-in packs.
    pub fn builtin() -> AnalyzerBuilder {
        let mut b = AnalyzerBuilder::empty();
        for (file, src) in BUILTIN_PACKS {
            b.add_builtin_pack(file, src)
                .unwrap_or_else(|e| panic!("built-in pack is invalid: {e}"));
        }
        b
    }

    /// Parse and add a pack; its macros and cue defaults become visible to later packs.
    /// Every pattern is compiled here, so a user's broken pack fails at load, not mid-run.
    pub fn add_pack(&mut self, file: &str, source: &str) -> Result<&mut Self, PackError> {
        let pack = Pack::parse(file, source, &self.shared)?;
        pack.compile_all()?;
        self.push_pack(file, pack)
    }

    /// Add one of [`BUILTIN_PACKS`]: checked, but its regexes compile on first use
    /// (`tests/rule_examples.rs` compiles them all), so that one-off checks start fast.
    pub fn add_builtin_pack(&mut self, file: &str, source: &str) -> Result<&mut Self, PackError> {
        let pack = Pack::parse(file, source, &self.shared)?;
        self.push_pack(file, pack)
    }

    fn push_pack(&mut self, file: &str, pack: Pack) -> Result<&mut Self, PackError> {
        if self.packs.iter().any(|p| p.name == pack.name) {
            return Err(PackError {
                file: file.to_string(),
                line: None,
                rule: None,
                message: format!("a pack named `{}` is already loaded", pack.name),
            });
        }
        self.shared.absorb(&pack);
        self.packs.push(pack);
        Ok(self)
    }

    /// Apply rule levels and allowed phrases from `evenkeel.toml` (packs named there must
    /// have been added already). An unknown rule or pack id is an error, not a silent no-op.
    pub fn apply_config(&mut self, config: &Config) -> Result<&mut Self, String> {
        for (id, level) in &config.rules {
            let known = self.packs.iter().any(|p| &p.name == id)
                || self
                    .packs
                    .iter()
                    .flat_map(|p| &p.rules)
                    .any(|r| &r.id == id);
            if !known {
                return Err(format!(
                    "[rules]: unknown rule or pack `{id}` (see `evenkeel rules list`)"
                ));
            }
            if level != "off" {
                level
                    .parse::<Severity>()
                    .map_err(|e| format!("[rules] `{id}`: {e} or off"))?;
            }
            self.levels.insert(id.clone(), level.clone());
        }
        for p in &config.allow_phrases {
            if p.trim().is_empty() {
                return Err("allow_phrases: an allowed phrase may not be empty".into());
            }
            self.allow_phrases.push(p.to_lowercase());
        }
        Ok(self)
    }

    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }

    pub fn build(self) -> Result<Analyzer, String> {
        let mut rules = Vec::new();
        let mut emotions = Vec::new();
        let mut pack_names = Vec::new();
        for pack in self.packs {
            pack_names.push((pack.name.clone(), pack.description.clone()));
            let pack_level = self.levels.get(&pack.name).cloned();
            for mut rule in pack.rules {
                let level = self
                    .levels
                    .get(&rule.id)
                    .cloned()
                    .or_else(|| pack_level.clone());
                match level.as_deref() {
                    Some("off") => continue,
                    Some(l) => rule.severity = l.parse().expect("validated in apply_config"),
                    None => {}
                }
                rules.push(rule);
            }
            emotions.extend(pack.emotions);
        }
        let mut owners = Vec::new();
        let mut sources = Vec::new();
        for (ri, r) in rules.iter().enumerate() {
            for (pi, s) in r.sources.iter().enumerate() {
                owners.push((ri, pi));
                sources.push(s.clone());
            }
        }
        // Same engine settings as each rule's own regex (see `pattern::build_regex`); a pattern
        // the ASCII engine cannot take runs on every sentence.
        let ascii: Vec<Option<String>> = sources
            .iter()
            .map(|s| crate::pattern::ascii_engine_source(s))
            .collect();
        let prefilter = Prefilter::new(&ascii);
        Ok(Analyzer {
            rules,
            prefilter,
            owners,
            emotions,
            allow_phrases: self.allow_phrases,
            packs: pack_names,
        })
    }
}

/// The compiled analyzer. Cheap to share between threads; build it once.
#[derive(Debug, Clone)]
pub struct Analyzer {
    rules: Vec<Rule>,
    /// Which patterns to run on which sentence (see [`crate::prefilter`]).
    prefilter: Prefilter,
    /// For each pattern of the prefilter: (rule index, pattern index within the rule).
    owners: Vec<(usize, usize)>,
    emotions: Vec<EmotionSignal>,
    allow_phrases: Vec<String>,
    packs: Vec<(String, String)>,
}

impl Analyzer {
    /// The analyzer with the built-in packs and no configuration.
    pub fn builtin() -> Analyzer {
        AnalyzerBuilder::builtin()
            .build()
            .expect("built-in packs compile")
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// `(name, description)` of every loaded pack.
    pub fn packs(&self) -> &[(String, String)] {
        &self.packs
    }

    fn candidates(&self, doc: &Document) -> Vec<Candidate> {
        let mut cands = Vec::with_capacity(8);
        if doc.text.is_empty() {
            return cands;
        }
        // Sentence by sentence: every pattern's own search then runs over one short sentence
        // instead of the whole reply.
        let spans: Vec<(usize, usize)> = doc
            .sentences
            .iter()
            .map(|s| (s.span.start, s.span.end))
            .collect();
        for run in self.prefilter.candidates(doc.text, &spans) {
            let (ri, pi) = self.owners[run.pattern as usize];
            detect_pattern(
                doc,
                &self.rules,
                (ri, pi),
                &doc.sentences[run.sentence as usize],
                &mut cands,
            );
        }
        cands
    }

    /// Does rule `id` match `text` (after its context checks), whatever other rules do?
    pub fn rule_fires(&self, id: &str, text: &str) -> bool {
        let doc = Document::parse(text);
        self.candidates(&doc)
            .iter()
            .any(|c| self.rules[c.rule].id == id)
    }

    /// Analyse one reply, optionally with the customer message it answers.
    pub fn analyze(&self, reply: &str, customer: Option<&str>) -> Analysis {
        self.analyze_with_emotion(reply, customer.map(|c| self.customer_emotion(c)))
    }

    /// Analyse one reply whose customer's emotion is already known (an audit reads each
    /// customer turn once; `None`: no customer message).
    pub fn analyze_with_emotion(&self, reply: &str, customer_emotion: Option<Emotion>) -> Analysis {
        self.analyze_document(&Document::parse(reply), customer_emotion)
    }

    /// [`Analyzer::analyze_with_emotion`] for a reply already split into sentences, so that a
    /// caller that needs the sentences too (the learned model) splits it once.
    pub fn analyze_document(&self, doc: &Document, customer_emotion: Option<Emotion>) -> Analysis {
        let reply = doc.text;
        let mut cands = resolve(&self.rules, self.candidates(doc));
        if !self.allow_phrases.is_empty() {
            let allowed = self.allowed_spans(reply);
            cands.retain(|c| !allowed.iter().any(|a| a.overlaps(&c.span)));
        }
        let positions =
            Positions::new(reply, cands.iter().flat_map(|c| [c.span.start, c.span.end]));
        let findings: Vec<Finding> = cands
            .iter()
            .map(|c| self.finding(reply, c, &positions))
            .collect();
        let mut cues: Vec<Cue> = findings.iter().map(|f| f.cue).collect();
        cues.sort();
        cues.dedup();
        let stance = stance::decide(&cues);
        let scores = stance::scores(&findings);
        let notes = notes(stance, &cues, customer_emotion);
        Analysis {
            schema_version: SCHEMA_VERSION,
            stance,
            scores,
            findings,
            customer_emotion,
            notes,
            engine: "rules",
            stance_probabilities: None,
        }
    }

    /// The customer's dominant emotion on its own.
    pub fn customer_emotion(&self, customer: &str) -> Emotion {
        emotion::classify(&self.emotions, customer)
    }

    fn allowed_spans(&self, text: &str) -> Vec<Span> {
        // Lower-casing can change byte lengths outside ASCII; only search when it does not.
        let lower = text.to_lowercase();
        if lower.len() != text.len() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for p in &self.allow_phrases {
            let mut from = 0;
            while let Some(i) = lower[from..].find(p.as_str()) {
                out.push(Span::new(from + i, from + i + p.len()));
                from += i + p.len().max(1);
            }
        }
        out
    }

    fn finding(&self, reply: &str, c: &Candidate, pos: &Positions) -> Finding {
        let rule = &self.rules[c.rule];
        let t = &rule.shared;
        let text = reply[c.span.start..c.span.end].to_string();
        let message = if t.message.contains("{text}") {
            t.message.replace("{text}", &text).into()
        } else {
            t.message.clone()
        };
        let fix = t.replacement.as_ref().map(|r| Fix {
            kind: if r.is_empty() { "remove" } else { "replace" },
            text: r.clone(),
        });
        let (utf16_start, line, column) = pos.get(c.span.start);
        let (utf16_end, _, _) = pos.get(c.span.end);
        Finding {
            cue: c.cue,
            side: c.cue.side(),
            severity: rule.severity,
            start: c.span.start,
            end: c.span.end,
            utf16_start,
            utf16_end,
            line,
            column,
            text,
            rule: t.id.clone(),
            message,
            suggestion: t.suggestion.clone(),
            fix,
            confidence: None,
        }
    }
}

/// Remarks on the reply as a whole. No verdict where none is due: a missing acknowledgment is
/// only noted when the customer expressed an emotion.
pub fn notes(stance: Stance, cues: &[Cue], emotion: Option<Emotion>) -> Vec<String> {
    let mut out = Vec::new();
    let acknowledged = cues.contains(&Cue::AcknowledgesEmotion) || cues.contains(&Cue::Validates);
    if let Some(e) = emotion.filter(|&e| e != Emotion::None) {
        if !acknowledged {
            out.push(format!(
                "The customer sounds {}, and the reply does not acknowledge it: name the feeling from their side before solving.",
                e.adjective()
            ));
        }
    }
    if stance == Stance::Empathetic
        && !cues.contains(&Cue::OffersAction)
        && !cues.contains(&Cue::Explores)
    {
        out.push(
            "The feeling is acknowledged, but no next step follows: say what you will do.".into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_packs_load() {
        let a = Analyzer::builtin();
        assert!(a.rules().len() > 13);
        for cue in Cue::ALL {
            assert!(a.rules().iter().any(|r| r.cue == cue), "no rule for {cue}");
        }
    }

    /// Every pattern on every sentence, without the prefilter.
    fn unfiltered(a: &Analyzer, text: &str) -> Vec<Candidate> {
        let doc = Document::parse(text);
        let mut cands = Vec::new();
        for sentence in &doc.sentences {
            for &(ri, pi) in &a.owners {
                detect_pattern(&doc, &a.rules, (ri, pi), sentence, &mut cands);
            }
        }
        resolve(&a.rules, cands)
    }

    /// The prefilter may only skip patterns that would not have matched: on every example of
    /// every built-in rule, glued together in pairs and shouted, it finds exactly what running
    /// every pattern finds.
    #[test]
    fn the_prefilter_never_changes_a_finding() {
        let a = Analyzer::builtin();
        let mut texts: Vec<String> = Vec::new();
        for r in a.rules() {
            for t in r.must_match.iter().chain(&r.must_not_match) {
                texts.push(t.replace(['[', ']'], ""));
            }
        }
        let n = texts.len();
        for i in 0..n {
            texts.push(format!("{} {}", texts[i], texts[(i * 7 + 3) % n]));
            texts.push(texts[i].to_uppercase());
        }
        let mut found = 0;
        for t in &texts {
            let doc = Document::parse(t);
            let fast = resolve(&a.rules, a.candidates(&doc));
            assert_eq!(fast, unfiltered(&a, t), "on {t:?}");
            found += fast.len();
        }
        assert!(
            found > texts.len() / 2,
            "the examples should find plenty: {found}"
        );
        assert!(
            a.prefilter.always_run() < 10,
            "{} patterns have no factor",
            a.prefilter.always_run()
        );
    }

    #[test]
    fn unknown_rule_in_config_is_an_error() {
        let mut b = AnalyzerBuilder::builtin();
        let cfg = Config::parse("evenkeel.toml", "[rules]\n\"nope.nothing\" = \"off\"\n").unwrap();
        let e = b.apply_config(&cfg).unwrap_err();
        assert!(e.contains("nope.nothing"), "{e}");
    }
}
