//! A trainee's reply against what its scenario asks for: did it acknowledge the feeling
//! (when there was one), explore (when the need was unclear), act, and stay clear of the
//! pitfalls? Each criterion that applies counts the same; the score is the share met.

use crate::scenario::Scenario;
use evenkeel_core::{Analysis, Cue, Emotion, Side};
use evenkeel_model::Engine;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    /// `acknowledge`, `explore`, `act`, `avoid_pitfalls`.
    pub name: &'static str,
    pub met: bool,
    /// What it asked for, in the scenario's words, or what went wrong.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub analysis: Analysis,
    pub criteria: Vec<Criterion>,
    /// Share of criteria met, 0 to 100.
    pub percent: u32,
    /// Risky cues the reply showed.
    pub risky_cues: Vec<Cue>,
}

pub fn score(engine: &Engine, scenario: &Scenario, reply: &str) -> Score {
    let analysis = engine.analyze(reply, Some(&scenario.customer_text()));
    let cues = analysis.cues();
    let mut criteria = Vec::new();
    if scenario.emotion != Emotion::None {
        let met = cues.contains(&Cue::AcknowledgesEmotion) || cues.contains(&Cue::Validates);
        criteria.push(Criterion {
            name: "acknowledge",
            met,
            detail: format!("name the feeling: {}", scenario.acknowledge),
        });
    }
    if !scenario.need_is_clear {
        criteria.push(Criterion {
            name: "explore",
            met: cues.contains(&Cue::Explores),
            detail: format!("ask: {}", scenario.explore),
        });
    }
    criteria.push(Criterion {
        name: "act",
        met: cues.contains(&Cue::OffersAction),
        detail: format!("do: {}", scenario.act),
    });
    let risky_cues: Vec<Cue> = cues
        .iter()
        .copied()
        .filter(|c| c.side() != Side::Empathy)
        .collect();
    let detail = if risky_cues.is_empty() {
        "no sympathy-side or cold phrases".to_string()
    } else {
        format!(
            "found: {}",
            risky_cues
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    criteria.push(Criterion {
        name: "avoid_pitfalls",
        met: risky_cues.is_empty(),
        detail,
    });
    let met = criteria.iter().filter(|c| c.met).count();
    let percent = (100 * met / criteria.len()) as u32;
    Score {
        analysis,
        criteria,
        percent,
        risky_cues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtin;
    use evenkeel_core::Analyzer;
    use evenkeel_model::EngineKind;

    #[test]
    fn a_model_reply_scores_higher_than_its_pitfalls() {
        let engine = Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap();
        let lib = builtin();
        let s = &lib[0];
        let good = score(&engine, s, &s.model_reply);
        for p in &s.pitfalls {
            let bad = score(&engine, s, &p.example);
            assert!(
                bad.percent < good.percent || !bad.risky_cues.is_empty(),
                "{}: {} vs {}",
                s.id,
                bad.percent,
                good.percent
            );
            assert!(
                !bad.criteria
                    .iter()
                    .find(|c| c.name == "avoid_pitfalls")
                    .unwrap()
                    .met,
                "{}: {}",
                s.id,
                p.example
            );
        }
    }
}
