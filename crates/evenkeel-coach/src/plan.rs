//! What to practise next, the quiz's items, and progress: pure functions over the library and a
//! trainee's history, so that every front end (terminal, web) decides the same way.

use crate::scenario::Scenario;
use evenkeel_core::{Cue, Emotion, Stance};
use serde::Serialize;
use std::collections::BTreeMap;

/// One attempt as the planner sees it (the store keeps these).
#[derive(Debug, Clone, PartialEq)]
pub struct Past {
    pub scenario: String,
    pub at_ms: i64,
    pub score: u32,
    pub met: Vec<String>,
    pub missed: Vec<String>,
    pub risky: Vec<String>,
}

/// The criteria a scenario can ask for.
pub const CRITERIA: [&str; 4] = ["acknowledge", "explore", "act", "avoid_pitfalls"];

/// How often the trainee met each criterion, oldest attempts first: (met, tried).
pub fn criterion_rates(history: &[Past]) -> BTreeMap<&'static str, (u32, u32)> {
    let mut out: BTreeMap<&'static str, (u32, u32)> =
        CRITERIA.iter().map(|&c| (c, (0, 0))).collect();
    for p in history {
        for c in CRITERIA {
            let e = out.get_mut(c).expect("known");
            if p.met.iter().any(|m| m == c) {
                e.0 += 1;
                e.1 += 1;
            } else if p.missed.iter().any(|m| m == c) {
                e.1 += 1;
            }
        }
    }
    out
}

/// The next scenario: one that asks for what the trainee does least well and invites the
/// risky cues they slip into most, preferring scenes they have practised least; ties go to
/// library order, so the choice is deterministic.
pub fn next<'a>(library: &'a [Scenario], history: &[Past]) -> Option<&'a Scenario> {
    let rates = criterion_rates(history);
    // Weakness of a criterion: its miss rate, with an untried criterion counted as half-known.
    let weakness = |c: &str| {
        let (met, tried) = rates[c];
        if tried == 0 {
            0.5
        } else {
            1.0 - met as f64 / tried as f64
        }
    };
    let mut slips: BTreeMap<&str, u32> = BTreeMap::new();
    for p in history {
        for r in &p.risky {
            *slips.entry(r.as_str()).or_default() += 1;
        }
    }
    let practised = |id: &str| history.iter().filter(|p| p.scenario == id).count() as f64;
    let last = history.last().map(|p| p.scenario.as_str());
    library
        .iter()
        .filter(|s| Some(s.id.as_str()) != last || library.len() == 1)
        .map(|s| {
            let mut w = weakness("act") + weakness("avoid_pitfalls");
            if s.emotion != Emotion::None {
                w += weakness("acknowledge");
            }
            if !s.need_is_clear {
                w += weakness("explore");
            }
            let invites: u32 = s
                .pitfalls
                .iter()
                .map(|p| slips.get(p.cue.name()).copied().unwrap_or(0))
                .sum();
            let score = w + 0.25 * invites as f64 - 1.5 * practised(&s.id);
            (s, score)
        })
        .fold(None, |best: Option<(&Scenario, f64)>, (s, v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((s, v)),
        })
        .map(|(s, _)| s)
}

/// A reply to label in the quiz.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuizItem {
    /// Opaque and stable (a hash of `scenario-id#model` or `scenario-id#pitfall-N`).
    pub id: String,
    pub customer: String,
    pub reply: String,
    pub stance: Stance,
    /// Why, in a sentence, when the library says (a pitfall's `why`).
    pub why: Option<String>,
    /// For pitfalls: the cue that makes it what it is.
    pub cue: Option<Cue>,
}

/// An item's id that does not give its answer away (`#model` would), stable across runs.
fn opaque(key: &str) -> String {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    format!("q-{:012x}", h & 0xffff_ffff_ffff)
}

/// Every labelled reply of the library: model replies (empathetic) and pitfalls.
pub fn quiz_items(library: &[Scenario]) -> Vec<QuizItem> {
    let mut out = Vec::new();
    for s in library {
        out.push(QuizItem {
            id: opaque(&format!("{}#model", s.id)),
            customer: s.customer_text(),
            reply: s.model_reply.clone(),
            stance: Stance::Empathetic,
            why: None,
            cue: None,
        });
        for (i, p) in s.pitfalls.iter().enumerate() {
            out.push(QuizItem {
                id: opaque(&format!("{}#pitfall-{}", s.id, i + 1)),
                customer: s.customer_text(),
                reply: p.example.clone(),
                stance: p.stance,
                why: Some(p.why.clone()),
                cue: Some(p.cue),
            });
        }
    }
    out
}

/// `n` quiz items in an order drawn from `seed`, balanced between empathetic replies and the
/// rest, never the same item twice.
pub fn quiz_round(items: &[QuizItem], n: usize, seed: u64) -> Vec<QuizItem> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    // A small xorshift: deterministic for a seed, no dependency.
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..order.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    let (mut good, mut other): (Vec<usize>, Vec<usize>) = order
        .into_iter()
        .partition(|&i| items[i].stance == Stance::Empathetic);
    let mut out = Vec::new();
    while out.len() < n && (!good.is_empty() || !other.is_empty()) {
        // About one empathetic reply in three.
        let take_good = out.len() % 3 == 1 && !good.is_empty() || other.is_empty();
        let i = if take_good { good.pop() } else { other.pop() };
        if let Some(i) = i {
            out.push(items[i].clone());
        }
    }
    out
}

/// Progress in numbers, for `evenkeel coach --progress` and the web trainer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Progress {
    pub attempts: usize,
    pub mean_score: Option<f64>,
    /// Per criterion: share met in the earlier half of the attempts and in the later half.
    pub criteria: BTreeMap<&'static str, Trend>,
    /// Risky cues found in the trainee's replies, most frequent first.
    pub slips: Vec<(String, u32)>,
    /// Attempts in a row, up to the latest, that met every criterion.
    pub clean_streak: usize,
    /// Days in a row, up to the latest attempt's day, with at least one attempt.
    pub day_streak: usize,
    pub quiz_answers: usize,
    pub quiz_correct: usize,
    /// (truth, answer) pairs answered wrongly, most frequent first.
    pub confusions: Vec<(String, String, u32)>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Trend {
    pub earlier: Option<f64>,
    pub later: Option<f64>,
}

pub fn progress(history: &[Past], quiz: &[(String, String)]) -> Progress {
    let half = history.len() / 2;
    let rate = |part: &[Past], c: &str| {
        let r = criterion_rates(part)[c];
        (r.1 > 0).then(|| r.0 as f64 / r.1 as f64)
    };
    let criteria = CRITERIA
        .iter()
        .map(|&c| {
            (
                c,
                Trend {
                    earlier: rate(&history[..half], c),
                    later: rate(&history[half..], c),
                },
            )
        })
        .collect();
    let mut slips: BTreeMap<String, u32> = BTreeMap::new();
    for p in history {
        for r in &p.risky {
            *slips.entry(r.clone()).or_default() += 1;
        }
    }
    let mut slips: Vec<(String, u32)> = slips.into_iter().collect();
    slips.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let clean_streak = history
        .iter()
        .rev()
        .take_while(|p| p.missed.is_empty())
        .count();
    let mut days: Vec<i64> = history
        .iter()
        .map(|p| p.at_ms.div_euclid(86_400_000))
        .collect();
    days.dedup();
    let mut day_streak = 0;
    if let Some(&last) = days.last() {
        day_streak = 1;
        for w in days.windows(2).rev() {
            if w[1] - w[0] == 1 {
                day_streak += 1;
            } else {
                break;
            }
        }
        let _ = last;
    }
    let mut conf: BTreeMap<(String, String), u32> = BTreeMap::new();
    for (truth, answer) in quiz.iter().filter(|(t, a)| t != a) {
        *conf.entry((truth.clone(), answer.clone())).or_default() += 1;
    }
    let mut confusions: Vec<(String, String, u32)> =
        conf.into_iter().map(|((t, a), n)| (t, a, n)).collect();
    confusions.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    Progress {
        attempts: history.len(),
        mean_score: (!history.is_empty())
            .then(|| history.iter().map(|p| p.score as f64).sum::<f64>() / history.len() as f64),
        criteria,
        slips,
        clean_streak,
        day_streak,
        quiz_answers: quiz.len(),
        quiz_correct: quiz.iter().filter(|(t, a)| t == a).count(),
        confusions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtin;

    fn past(id: &str, day: i64, missed: &[&str], risky: &[&str]) -> Past {
        Past {
            scenario: id.into(),
            at_ms: day * 86_400_000 + 1000,
            score: if missed.is_empty() { 100 } else { 50 },
            met: CRITERIA
                .iter()
                .filter(|c| !missed.contains(c))
                .map(|c| c.to_string())
                .collect(),
            missed: missed.iter().map(|c| c.to_string()).collect(),
            risky: risky.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn the_next_scene_asks_for_what_the_trainee_misses() {
        let lib = builtin();
        let h = vec![
            past(&lib[0].id, 1, &["explore"], &["overpromise"]),
            past(&lib[1].id, 1, &["explore"], &["overpromise"]),
        ];
        let n = next(&lib, &h).unwrap();
        assert!(!n.need_is_clear, "{} should need exploring", n.id);
        assert!(
            n.pitfalls.iter().any(|p| p.cue == Cue::Overpromise),
            "{} should invite overpromising",
            n.id
        );
        assert_ne!(n.id, lib[1].id, "not the scene just done");
        assert_eq!(next(&lib, &h).unwrap().id, n.id, "deterministic");
    }

    #[test]
    fn progress_counts_trends_streaks_and_confusions() {
        let h = vec![
            past("a", 1, &["acknowledge"], &["mirrors_emotion"]),
            past("b", 2, &[], &[]),
            past("c", 4, &[], &[]),
            past("d", 5, &[], &[]),
        ];
        let q = vec![
            ("sympathetic".to_string(), "empathetic".to_string()),
            ("dismissive".into(), "dismissive".into()),
            ("sympathetic".into(), "empathetic".into()),
        ];
        let p = progress(&h, &q);
        assert_eq!(p.attempts, 4);
        assert_eq!(p.clean_streak, 3);
        assert_eq!(p.day_streak, 2, "days 4 and 5");
        assert_eq!(
            p.criteria["acknowledge"],
            Trend {
                earlier: Some(0.5),
                later: Some(1.0)
            }
        );
        assert_eq!(p.slips, vec![("mirrors_emotion".to_string(), 1)]);
        assert_eq!((p.quiz_answers, p.quiz_correct), (3, 1));
        assert_eq!(
            p.confusions,
            vec![("sympathetic".to_string(), "empathetic".to_string(), 2)]
        );
    }

    #[test]
    fn a_quiz_round_is_deterministic_mixed_and_without_repeats() {
        let items = quiz_items(&builtin());
        let a = quiz_round(&items, 9, 42);
        assert_eq!(a, quiz_round(&items, 9, 42));
        assert_ne!(a, quiz_round(&items, 9, 43));
        let ids: std::collections::BTreeSet<_> = a.iter().map(|i| &i.id).collect();
        assert_eq!(ids.len(), 9);
        let all: std::collections::BTreeSet<_> = items.iter().map(|i| &i.id).collect();
        assert_eq!(all.len(), items.len(), "ids are unique");
        assert!(items
            .iter()
            .all(|i| i.id.starts_with("q-") && !i.id.contains("model")));
        assert!(
            a.iter().any(|i| i.stance == Stance::Empathetic)
                && a.iter().any(|i| i.stance != Stance::Empathetic)
        );
    }
}
