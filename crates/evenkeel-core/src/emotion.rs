//! The customer's dominant emotion, from the emotion signals of the packs (`[[emotion]]`) plus
//! two cues no phrase list carries: shouting in capitals and runs of exclamation marks.

use crate::cue::Emotion;
use crate::detect::is_negated;
use crate::document::{Document, Span};
use crate::pack::{EmotionSignal, Negation};

/// Ties go to the stronger emotion in this order.
const PRIORITY: [Emotion; 6] = [
    Emotion::Anger,
    Emotion::Frustration,
    Emotion::Anxiety,
    Emotion::Sadness,
    Emotion::Disappointment,
    Emotion::Confusion,
];

fn index(e: Emotion) -> usize {
    PRIORITY.iter().position(|&p| p == e).unwrap_or(0)
}

/// Weighted evidence per emotion, in [`PRIORITY`] order.
pub fn evidence(signals: &[EmotionSignal], text: &str) -> [f32; 6] {
    let mut score = [0f32; 6];
    let doc = Document::parse(text);
    for s in signals {
        for re in &s.patterns {
            for m in re.find_iter(text) {
                let span = Span::new(m.start(), m.end());
                let edge_ok = text[..m.start()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                if !edge_ok {
                    continue;
                }
                if s.negation == Negation::Suppress {
                    if let Some(sent) = doc.sentence_at(span.start) {
                        if is_negated(text, sent.span, span.start) {
                            continue;
                        }
                    }
                }
                score[index(s.emotion)] += s.weight;
            }
        }
    }
    // Shouting: two or more all-capital words of 3+ letters.
    let caps = text
        .split_whitespace()
        .filter(|w| {
            let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
            letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase())
        })
        .count();
    if caps >= 2 {
        score[index(Emotion::Anger)] += 0.5 * caps.min(4) as f32;
    }
    if text.contains("!!") {
        score[index(Emotion::Anger)] += 0.5;
        score[index(Emotion::Frustration)] += 0.3;
    }
    score
}

/// The dominant emotion, or `none` when nothing signals one.
pub fn classify(signals: &[EmotionSignal], text: &str) -> Emotion {
    let score = evidence(signals, text);
    let mut best = Emotion::None;
    let mut best_score = 0.99f32;
    for (i, &s) in score.iter().enumerate() {
        if s > best_score {
            best = PRIORITY[i];
            best_score = s;
        }
    }
    best
}
