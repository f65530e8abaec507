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
                // Whole words only ("hell" is not in "help"); a signal that starts or ends
                // with punctuation or an emoji needs no edge there.
                let is_word = |c: char| c.is_alphanumeric();
                let m_text = m.as_str();
                let start_ok = !m_text.starts_with(is_word)
                    || text[..m.start()]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !is_word(c));
                let end_ok = !m_text.ends_with(is_word)
                    || text[m.end()..].chars().next().is_none_or(|c| !is_word(c));
                let edge_ok = start_ok && end_ok;
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
    let mut best_score = 0.69f32;
    for (i, &s) in score.iter().enumerate() {
        if s > best_score {
            best = PRIORITY[i];
            best_score = s;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use crate::{Analyzer, Emotion};

    #[test]
    fn signals_are_whole_words() {
        let a = Analyzer::builtin();
        // "help" must not count as the swear word "hell".
        assert_eq!(
            a.customer_emotion("Hi team, I need your help changing a flight."),
            Emotion::None
        );
    }

    #[test]
    fn common_emotions() {
        let a = Analyzer::builtin();
        assert_eq!(
            a.customer_emotion("This is the WORST service, I'm furious!!"),
            Emotion::Anger
        );
        assert_eq!(
            a.customer_emotion("Still not working after I tried everything again"),
            Emotion::Frustration
        );
        assert_eq!(
            a.customer_emotion("I'm really worried, where is my passport? I fly tomorrow"),
            Emotion::Anxiety
        );
        assert_eq!(
            a.customer_emotion("I don't understand what this charge means"),
            Emotion::Confusion
        );
        assert_eq!(
            a.customer_emotion("What time does the shop open on Sunday?"),
            Emotion::None
        );
    }
}
