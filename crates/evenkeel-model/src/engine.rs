//! One `analyze` for every front end, whichever engine is chosen.
//!
//! How rules and model combine (`hybrid`, the default):
//! 1. The rules run first; every rule finding stands. They are precise and explain themselves.
//! 2. For each cue the rules did not find (other than `offers_action` and `apologizes`, which
//!    never change a stance), the model's reply-level detector gives a probability. When it
//!    reaches [`ADD_THRESHOLD`] and the stance classifier gives [`STANCE_AGREEMENT`] to the
//!    stance the cue pulls towards, the token tagger marks where the cue is and a finding is
//!    added on those words (rule `model.<cue>`, its `confidence` shown). No span of three
//!    words or more, no finding: the model never adds a cue it cannot point at.
//! 3. The stance follows from the combined cues by the TAXONOMY.md rule, as always; the stance
//!    classifier's probabilities are reported beside it (`stance_probabilities`) as a second
//!    opinion, and a note says when it disagrees.
//! 4. The customer's emotion comes from the model's classifier when it is fairly sure
//!    ([`EMOTION_CONFIDENCE`]), else from the rule packs' phrase signals.
//!
//! `model` alone uses the same steps without rule findings (rule activations remain
//! features); `rules` is the rule engine unchanged.

use crate::features::{reply_features, rule_cover};
use crate::model::{Model, Prediction, ReplyHead, TaggedSpan, REPLY_BUCKETS};
use crate::tokens::tokenize_document;
use evenkeel_core::document::{Document, Positions};
use evenkeel_core::{stance, Analysis, Analyzer, Cue, Finding, Side, Stance};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Reply-level probability from which the model adds a cue the rules missed.
pub const ADD_THRESHOLD: f32 = 0.9;
/// The stance classifier's probability for the stance a cue pulls towards, needed before the
/// model may add that cue.
pub const STANCE_AGREEMENT: f32 = 0.8;
/// With `--engine model`, the reply-level probability from which a cue is reported.
pub const MODEL_THRESHOLD: f32 = 0.5;
/// The emotion classifier's probability from which its answer replaces the phrase signals'.
pub const EMOTION_CONFIDENCE: f32 = 0.6;
/// Token probability from which a token belongs to a tagged span.
pub const TAG_THRESHOLD: f32 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineKind {
    Rules,
    Model,
    #[default]
    Hybrid,
}

impl EngineKind {
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Rules => "rules",
            EngineKind::Model => "model",
            EngineKind::Hybrid => "hybrid",
        }
    }
}

impl std::str::FromStr for EngineKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "rules" => Ok(EngineKind::Rules),
            "model" => Ok(EngineKind::Model),
            "hybrid" => Ok(EngineKind::Hybrid),
            _ => Err(format!(
                "unknown engine `{s}` (expected rules, model or hybrid)"
            )),
        }
    }
}

/// The texts a model finding shows for each cue, taken from the rule packs so that a cue reads
/// the same whoever found it.
struct CueTexts {
    rule: Arc<str>,
    message: Arc<str>,
    suggestion: Option<Arc<str>>,
}

pub struct Engine {
    pub analyzer: Analyzer,
    pub model: Option<Model>,
    pub kind: EngineKind,
    /// Reply-level probability from which the model adds a cue (default [`ADD_THRESHOLD`]).
    pub add_threshold: f32,
    texts: Vec<CueTexts>,
    /// The model's reply-level classifiers laid out for speed (see [`ReplyHead`]).
    head: Option<ReplyHead>,
}

impl Engine {
    /// `model` may be `None` only for [`EngineKind::Rules`].
    pub fn new(
        analyzer: Analyzer,
        model: Option<Model>,
        kind: EngineKind,
    ) -> Result<Engine, String> {
        if kind != EngineKind::Rules && model.is_none() {
            return Err(format!("the {} engine needs a model", kind.name()));
        }
        let texts = Cue::ALL
            .iter()
            .map(|&cue| {
                let rule = analyzer
                    .rules()
                    .iter()
                    .find(|r| r.cue == cue && !r.message.contains("{text}"));
                CueTexts {
                    rule: format!("model.{}", cue.name()).into(),
                    message: rule.map_or_else(
                        || format!("The model reads this as {}.", cue.name()).into(),
                        |r| r.shared.message.clone(),
                    ),
                    suggestion: rule.and_then(|r| r.shared.suggestion.clone()),
                }
            })
            .collect();
        let head = model.as_ref().and_then(ReplyHead::new);
        Ok(Engine {
            analyzer,
            model,
            kind,
            add_threshold: ADD_THRESHOLD,
            texts,
            head,
        })
    }

    pub fn analyze(&self, reply: &str, customer: Option<&str>) -> Analysis {
        self.analyze_with_emotion(reply, customer.map(|c| self.customer_emotion(c)))
    }

    /// [`Engine::analyze`] for a reply whose customer's emotion is already known (from
    /// [`Engine::customer_emotion`]; `None`: no customer message).
    pub fn analyze_with_emotion(
        &self,
        reply: &str,
        customer_emotion: Option<evenkeel_core::Emotion>,
    ) -> Analysis {
        let doc = Document::parse(reply);
        let rules = self.analyzer.analyze_document(&doc, customer_emotion);
        let model = match (&self.model, self.kind) {
            (Some(m), EngineKind::Model | EngineKind::Hybrid) => m,
            _ => return rules,
        };
        let tokens = tokenize_document(&doc);
        let pred = match &self.head {
            Some(head) => {
                let (stance, cues) = head.predict(&reply_features(&tokens, &rules, REPLY_BUCKETS));
                Prediction {
                    stance,
                    cues,
                    emotion: None,
                }
            }
            None => model.predict(&tokens, None, &rules),
        };
        let hybrid = self.kind == EngineKind::Hybrid;
        let have: Vec<Cue> = if hybrid {
            rules.findings.iter().map(|f| f.cue).collect()
        } else {
            Vec::new()
        };
        let mut added: Vec<(TaggedSpan, f32)> = Vec::new();
        let mut cover: Option<Vec<u16>> = None;
        for cue in Cue::ALL {
            let p = pred.cues[cue as usize];
            let threshold = if hybrid {
                self.add_threshold
            } else {
                MODEL_THRESHOLD
            };
            if have.contains(&cue) || p < threshold {
                continue;
            }
            if hybrid && !self.hybrid_may_add(cue, &pred) {
                continue;
            }
            let cover = cover.get_or_insert_with(|| rule_cover(&tokens, &rules));
            let spans = model.tag(&tokens, cover, cue, TAG_THRESHOLD);
            // In hybrid, one or two words are too little evidence for a cue the rules did not
            // see: spans are clauses.
            let min_words = if hybrid { 3 } else { 1 };
            let words_in = |s: &TaggedSpan| {
                let first = tokens.partition_point(|t| t.start < s.start);
                tokens[first..]
                    .iter()
                    .take_while(|t| t.end <= s.end)
                    .filter(|t| t.is_word)
                    .take(min_words)
                    .count()
            };
            added.extend(
                spans
                    .into_iter()
                    .filter(|s| words_in(s) >= min_words)
                    .map(|s| (s, p)),
            );
        }
        let mut findings: Vec<Finding> = if hybrid { rules.findings } else { Vec::new() };
        findings.extend(self.model_findings(reply, added));
        findings.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut cues: Vec<Cue> = findings.iter().map(|f| f.cue).collect();
        cues.sort();
        cues.dedup();
        let decided = stance::decide(&cues);
        let mut notes = evenkeel_core::analyzer::notes(decided, &cues, customer_emotion);
        let probs: BTreeMap<Stance, f64> = Stance::ALL
            .iter()
            .map(|&s| (s, round(pred.stance[crate::model::stance_index(s)])))
            .collect();
        let (best, pbest) = probs.iter().fold(
            (decided, 0.0),
            |b, (&s, &p)| if p > b.1 { (s, p) } else { b },
        );
        if best != decided && pbest >= 0.8 {
            notes.push(format!("The learned model reads this reply as {} (p = {pbest:.2}); the cues found make it {}.", best.name(), decided.name()));
        }
        Analysis {
            schema_version: rules.schema_version,
            stance: decided,
            scores: stance::scores(&findings),
            findings,
            customer_emotion,
            notes,
            engine: self.kind.name(),
            stance_probabilities: Some(probs),
        }
    }

    /// The customer's emotion in one message, decided as [`Engine::analyze`] decides it: the
    /// model's classifier where it is fairly sure, else the rule packs' phrase signals.
    pub fn customer_emotion(&self, customer: &str) -> evenkeel_core::Emotion {
        let rules = self.analyzer.customer_emotion(customer);
        match (&self.model, self.kind) {
            (Some(m), EngineKind::Model | EngineKind::Hybrid) => {
                let (e, p) = m.emotion(customer);
                if p >= EMOTION_CONFIDENCE {
                    e
                } else {
                    rules
                }
            }
            _ => rules,
        }
    }

    /// The hybrid engine's extra conditions for a cue the rules missed. Offering an action or
    /// apologising never changes a stance, and the rules find them well: the model does not
    /// add them. Nor does it add the cold cues: whether a refusal minimises or a remark blames
    /// hangs on exact wording (a limit with its reason, a fact that implies an error) that the
    /// rules spell out and the model reads poorly on real replies; calling an agent dismissive
    /// on the model's word alone is the costliest mistake it can make. Any other cue needs the
    /// stance classifier to agree that the reply leans the way the cue pulls: two independent
    /// readings, or no finding.
    fn hybrid_may_add(&self, cue: Cue, pred: &Prediction) -> bool {
        let pulls = match cue.side() {
            _ if matches!(cue, Cue::OffersAction | Cue::Apologizes) => return false,
            Side::Dismissive => return false,
            Side::Sympathy => Stance::Sympathetic,
            Side::Empathy => Stance::Empathetic,
        };
        pred.stance[crate::model::stance_index(pulls)] >= STANCE_AGREEMENT
    }

    /// Findings for the spans the model added.
    fn model_findings(&self, reply: &str, added: Vec<(TaggedSpan, f32)>) -> Vec<Finding> {
        let pos = Positions::new(reply, added.iter().flat_map(|(s, _)| [s.start, s.end]));
        added
            .into_iter()
            .map(|(s, p)| {
                let (utf16_start, line, column) = pos.get(s.start);
                let (utf16_end, _, _) = pos.get(s.end);
                let t = &self.texts[s.cue as usize];
                Finding {
                    cue: s.cue,
                    side: s.cue.side(),
                    severity: s.cue.default_severity(),
                    start: s.start,
                    end: s.end,
                    utf16_start,
                    utf16_end,
                    line,
                    column,
                    text: reply[s.start..s.end].to_string(),
                    rule: t.rule.clone(),
                    message: t.message.clone(),
                    suggestion: t.suggestion.clone(),
                    fix: None,
                    confidence: Some(round((p + s.probability) / 2.0)),
                }
            })
            .collect()
    }
}

fn round(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}
