//! Findings: what the analyzer reports for every cue it found, with its exact span, why it
//! matters and what to say instead. This is the JSON contract every front end reuses.

use crate::cue::{Cue, Emotion, Severity, Side, Stance};
use serde::Serialize;
use std::sync::Arc;

/// Version of the JSON result; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A replacement the user can apply with one click.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    /// `replace` (the span with `text`) or `remove` (the span).
    pub kind: &'static str,
    pub text: Arc<str>,
}

/// One cue found on one span of the reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub cue: Cue,
    pub side: Side,
    pub severity: Severity,
    /// Half-open byte offsets into the reply: `reply[start..end] == text`.
    pub start: usize,
    pub end: usize,
    /// The same range in UTF-16 code units, for browsers.
    pub utf16_start: usize,
    pub utf16_end: usize,
    /// 1-based line and column (in chars) of `start`.
    pub line: usize,
    pub column: usize,
    pub text: String,
    /// `pack.rule` that found it; use it to switch the rule off in `evenkeel.toml`.
    pub rule: Arc<str>,
    /// One sentence: why this matters, for this instance.
    pub message: Arc<str>,
    /// What to say or do instead (absent for empathy-side markers that need no change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// For a finding the learned model added (rule `model.<cue>`): its probability. Rule
    /// findings have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// Scores in [0, 1]: how strongly the reply shows each family of cues (see README, "Scores").
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub empathy: f64,
    pub sympathy: f64,
    pub dismissive: f64,
}

/// The analyzer's verdict on one reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub schema_version: u32,
    pub stance: Stance,
    pub scores: Scores,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_emotion: Option<Emotion>,
    /// Short remarks on the reply as a whole (a missed acknowledgment, help that never came).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Which engine produced this: `rules`, `model` or `hybrid`.
    pub engine: &'static str,
    /// With a model: the stance classifier's probability for each stance, as a second opinion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stance_probabilities: Option<std::collections::BTreeMap<Stance, f64>>,
}

impl Analysis {
    /// The set of cues found, in taxonomy order.
    pub fn cues(&self) -> Vec<Cue> {
        let mut c: Vec<Cue> = self.findings.iter().map(|f| f.cue).collect();
        c.sort();
        c.dedup();
        c
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an analysis always serialises")
    }
}
