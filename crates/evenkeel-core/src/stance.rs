//! The stance decision of TAXONOMY.md, and the three scores.

use crate::cue::{Cue, Side, Stance};
use crate::finding::{Finding, Scores};

/// The stance follows from the set of cues by one rule (TAXONOMY.md, "Stance"):
/// 1. any of mirrors_emotion, blames_own_side, pity, overpromise, condemns → sympathetic;
/// 2. only lip service (`platitude`, perhaps with `apologizes`) → sympathetic;
/// 3. minimizes or blames_customer → dismissive;
/// 4. acknowledges_emotion, validates or explores → empathetic;
/// 5. else neutral.
pub fn decide(cues: &[Cue]) -> Stance {
    let has = |c: Cue| cues.contains(&c);
    if Cue::SYM.iter().any(|&c| has(c)) {
        return Stance::Sympathetic;
    }
    if has(Cue::Platitude)
        && cues
            .iter()
            .all(|&c| matches!(c, Cue::Platitude | Cue::Apologizes))
    {
        return Stance::Sympathetic;
    }
    if has(Cue::Minimizes) || has(Cue::BlamesCustomer) {
        return Stance::Dismissive;
    }
    if has(Cue::AcknowledgesEmotion) || has(Cue::Validates) || has(Cue::Explores) {
        return Stance::Empathetic;
    }
    Stance::Neutral
}

/// How much one finding of a cue adds to its side's score.
pub fn weight(cue: Cue) -> f64 {
    match cue {
        Cue::AcknowledgesEmotion => 0.6,
        Cue::Validates => 0.5,
        Cue::Explores => 0.5,
        Cue::OffersAction => 0.25,
        Cue::Apologizes => 0.1,
        Cue::MirrorsEmotion | Cue::BlamesOwnSide | Cue::Condemns => 0.7,
        Cue::Pity | Cue::Overpromise => 0.6,
        Cue::Platitude => 0.3,
        Cue::Minimizes => 0.6,
        Cue::BlamesCustomer => 0.7,
    }
}

/// Each side's score is `1 − Π(1 − wᵢ)` over its findings: 0 with none, rising towards 1 with
/// each further finding, never above 1. Empathy-side findings count only while the reply is
/// not sympathetic or dismissive for half their weight: warmth beside a lecture is worth less.
pub fn scores(findings: &[Finding]) -> Scores {
    let mut keep = [1.0f64; 3];
    let cold_or_sym = findings
        .iter()
        .any(|f| f.side != Side::Empathy && f.cue != Cue::Platitude);
    for f in findings {
        let mut w = weight(f.cue);
        let i = match f.side {
            Side::Empathy => {
                if cold_or_sym {
                    w *= 0.5;
                }
                0
            }
            Side::Sympathy => 1,
            Side::Dismissive => 2,
        };
        keep[i] *= 1.0 - w;
    }
    let r = |k: f64| ((1.0 - k) * 1000.0).round() / 1000.0;
    Scores {
        empathy: r(keep[0]),
        sympathy: r(keep[1]),
        dismissive: r(keep[2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cue::*;

    #[test]
    fn decision_order() {
        assert_eq!(
            decide(&[AcknowledgesEmotion, Overpromise]),
            Stance::Sympathetic
        );
        assert_eq!(decide(&[Platitude]), Stance::Sympathetic);
        assert_eq!(decide(&[Platitude, Apologizes]), Stance::Sympathetic);
        assert_eq!(decide(&[Platitude, OffersAction]), Stance::Neutral);
        assert_eq!(decide(&[Platitude, Minimizes]), Stance::Dismissive);
        assert_eq!(
            decide(&[AcknowledgesEmotion, BlamesCustomer]),
            Stance::Dismissive
        );
        assert_eq!(decide(&[Explores, Platitude]), Stance::Empathetic);
        assert_eq!(decide(&[Apologizes, OffersAction]), Stance::Neutral);
        assert_eq!(decide(&[]), Stance::Neutral);
    }
}
