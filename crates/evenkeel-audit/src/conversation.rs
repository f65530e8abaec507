//! One conversation, analysed: the customer's emotion in each of their turns, each agent
//! turn's stance and findings (by the same engine as `evenkeel check`), and how the agent
//! responded to what the customer felt.
//!
//! Responsiveness, per agent turn, looks at the customer turns since the previous human agent
//! turn (a bot's auto-reply in between does not count as an answer):
//! - **acknowledged**: the customer expressed an emotion there, and the reply acknowledges or
//!   validates it;
//! - **explored before solving**: the reply asks about the concern before (or instead of)
//!   offering an action, or the agent already explored earlier in the conversation;
//! - **emotion rose**: the customer's next turn is more heated than before the reply. Read
//!   after sympathetic or dismissive turns it shows what those replies do; read after
//!   empathetic ones it is the baseline.

use crate::turn::{Role, Source, Turn};
use evenkeel_core::{Analysis, Cue, Emotion, Stance};
use evenkeel_model::Engine;
use serde::Serialize;

/// One agent or bot turn: a line of `results.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub struct TurnResult {
    pub conversation: String,
    /// 1-based position among the conversation's turns.
    pub turn: usize,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// RFC 3339 in UTC where the export's time could be read, else as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    pub source: Source,
    /// The reply as judged (the agent's own words; masked with `--redact`).
    pub reply: String,
    /// The customer's turns since the agent's previous turn, joined by newlines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(flatten)]
    pub analysis: Analysis,
    pub responsiveness: Responsiveness,
}

/// How the reply answered what the customer felt. `None` where the question does not arise
/// (nothing to acknowledge, no next customer turn).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Responsiveness {
    /// The emotion of each customer turn since the agent's previous turn, in order.
    pub customer_emotions: Vec<Emotion>,
    /// The customer expressed an emotion since the agent's previous turn.
    pub customer_emotional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explored_before_solving: Option<bool>,
    /// The emotion of the customer's next turn, if one came before the next agent turn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_customer_emotion: Option<Emotion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emotion_rose: Option<bool>,
}

/// A conversation's results.
#[derive(Debug, Clone)]
pub struct ConversationResult {
    pub id: String,
    pub continued: bool,
    pub turns: Vec<TurnResult>,
    /// The emotion of every customer turn, in order.
    pub customer_emotions: Vec<Emotion>,
    /// Agent or bot turns with no text left to judge (empty body, only a quote or signature).
    pub empty_turns: u64,
    /// Turns by an author the export did not identify: read, not judged.
    pub unknown_turns: u64,
}

/// How heated an emotion is, for "did it rise": calm, then puzzled or let down, then worried
/// or frustrated, then angry.
pub fn heat(e: Emotion) -> u8 {
    match e {
        Emotion::None => 0,
        Emotion::Confusion | Emotion::Disappointment | Emotion::Sadness => 1,
        Emotion::Anxiety | Emotion::Frustration => 2,
        Emotion::Anger => 3,
    }
}

/// The most heated of several emotions; the latest wins a tie.
fn strongest(es: &[Emotion]) -> Emotion {
    es.iter().copied().fold(Emotion::None, |best, e| if heat(e) >= heat(best) && e != Emotion::None { e } else { best })
}

/// Analyses one conversation. Pure: the same turns always give the same results.
pub fn analyze(engine: &Engine, id: &str, continued: bool, turns: &[Turn]) -> ConversationResult {
    let mut out = ConversationResult {
        id: id.to_string(),
        continued,
        turns: Vec::new(),
        customer_emotions: Vec::new(),
        empty_turns: 0,
        unknown_turns: 0,
    };
    let mut pending_text: Vec<&str> = Vec::new();
    let mut pending_emotions: Vec<Emotion> = Vec::new();
    // The last agent (human) turn waiting to learn the customer's next emotion, with the heat
    // before it.
    let mut awaiting: Option<(usize, u8)> = None;
    let mut explored_so_far = false;
    for (i, t) in turns.iter().enumerate() {
        match t.role {
            Role::Customer => {
                if t.text.trim().is_empty() {
                    continue;
                }
                let e = engine.customer_emotion(&t.text);
                out.customer_emotions.push(e);
                if let Some((k, before)) = awaiting.take() {
                    let r = &mut out.turns[k].responsiveness;
                    r.next_customer_emotion = Some(e);
                    r.emotion_rose = Some(heat(e) > before);
                }
                pending_text.push(&t.text);
                pending_emotions.push(e);
            }
            Role::Unknown => out.unknown_turns += 1,
            Role::Agent | Role::Bot => {
                if t.text.trim().is_empty() {
                    out.empty_turns += 1;
                    continue;
                }
                let customer = (!pending_text.is_empty()).then(|| pending_text.join("\n"));
                // What the customer felt since the last reply: the most heated of their turns'
                // emotions (each classified once, above).
                let felt = strongest(&pending_emotions);
                let analysis = engine.analyze_with_emotion(&t.text, customer.as_ref().map(|_| felt));
                let cues = analysis.cues();
                let emotional = felt != Emotion::None;
                let first = |cue: Cue| analysis.findings.iter().filter(|f| f.cue == cue).map(|f| f.start).min();
                let explores_here = match (first(Cue::Explores), first(Cue::OffersAction)) {
                    (Some(q), Some(a)) => q <= a,
                    (Some(_), None) => true,
                    _ => false,
                };
                let solves = cues.contains(&Cue::OffersAction);
                // A bot's turn (an auto-reply, a triage question) does not answer the customer
                // for the agent: what the customer said stays pending until a person replies.
                let human = t.role == Role::Agent;
                let responsiveness = Responsiveness {
                    customer_emotions: if human { std::mem::take(&mut pending_emotions) } else { pending_emotions.clone() },
                    customer_emotional: emotional,
                    acknowledged: emotional.then(|| cues.contains(&Cue::AcknowledgesEmotion) || cues.contains(&Cue::Validates)),
                    explored_before_solving: (emotional && (solves || explores_here)).then_some(explores_here || explored_so_far),
                    next_customer_emotion: None,
                    emotion_rose: None,
                };
                if human {
                    explored_so_far |= cues.contains(&Cue::Explores);
                    pending_text.clear();
                    awaiting = Some((out.turns.len(), heat(felt)));
                }
                out.turns.push(TurnResult {
                    conversation: id.to_string(),
                    turn: i + 1,
                    role: t.role,
                    agent: t.agent.clone(),
                    team: t.team.clone(),
                    time: t.time.as_deref().map(|s| crate::time::parse(s).map(crate::time::format).unwrap_or_else(|| s.to_string())),
                    source: t.source.clone(),
                    reply: t.text.clone(),
                    customer,
                    analysis,
                    responsiveness,
                });
            }
        }
    }
    out
}

impl TurnResult {
    /// Sympathetic or dismissive: the turns whose effect on the customer the audit watches.
    pub fn is_risky(&self) -> bool {
        matches!(self.analysis.stance, Stance::Sympathetic | Stance::Dismissive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use evenkeel_core::Analyzer;
    use evenkeel_model::EngineKind;

    fn engine() -> Engine {
        Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap()
    }

    fn turn(role: Role, text: &str) -> Turn {
        Turn {
            conversation: "c1".into(),
            role,
            agent: (role != Role::Customer).then(|| "Ana".to_string()),
            team: None,
            time: Some("2026-01-05T10:00:00+01:00".into()),
            text: text.into(),
            source: Source { file: "t.csv".into(), line: 2 },
        }
    }

    #[test]
    fn acknowledgment_is_judged_only_when_the_customer_felt_something() {
        let turns = [
            turn(Role::Customer, "I'm furious, you charged me twice and nobody answers my emails!"),
            turn(Role::Agent, "I can understand why that makes you angry. Could you tell me what happened when you tried to pay the second time?"),
            turn(Role::Customer, "It was the 3rd."),
            turn(Role::Agent, "Thanks. I've refunded it; it shows in 3-5 days."),
        ];
        let r = analyze(&engine(), "c1", false, &turns);
        assert_eq!(r.turns.len(), 2);
        let first = &r.turns[0].responsiveness;
        assert!(first.customer_emotional);
        assert_eq!(first.acknowledged, Some(true));
        assert_eq!(first.explored_before_solving, Some(true));
        assert_eq!(first.emotion_rose, Some(false));
        let second = &r.turns[1].responsiveness;
        assert!(!second.customer_emotional, "{second:?}");
        assert_eq!(second.acknowledged, None);
        assert_eq!(r.turns[1].customer.as_deref(), Some("It was the 3rd."));
        assert_eq!(r.turns[0].time.as_deref(), Some("2026-01-05T09:00:00Z"));
    }

    #[test]
    fn solving_without_a_question_is_not_exploring_and_a_hotter_reply_is_seen() {
        let turns = [
            turn(Role::Customer, "I'm a bit confused, what is this charge on my bill?"),
            turn(Role::Agent, "That's just how billing works, please read the terms before contacting us."),
            turn(Role::Customer, "This is outrageous, I am absolutely furious with you people!"),
        ];
        let r = analyze(&engine(), "c1", false, &turns);
        let t = &r.turns[0];
        assert_eq!(t.analysis.stance, Stance::Dismissive, "{:?}", t.analysis.findings);
        assert_eq!(t.responsiveness.acknowledged, Some(false));
        assert_eq!(t.responsiveness.next_customer_emotion, Some(Emotion::Anger));
        assert_eq!(t.responsiveness.emotion_rose, Some(true));
        assert!(t.is_risky());
    }

    #[test]
    fn empty_and_unknown_turns_are_counted_not_judged_and_bots_are_marked() {
        let turns = [
            turn(Role::Bot, "Thanks for contacting us! An agent will be with you shortly."),
            turn(Role::Customer, "hello?"),
            turn(Role::Agent, "   "),
            turn(Role::Unknown, "note: escalated"),
            turn(Role::Agent, "Hi, I've reset your password; the link is in your inbox."),
        ];
        let r = analyze(&engine(), "c1", false, &turns);
        assert_eq!(r.empty_turns, 1);
        assert_eq!(r.unknown_turns, 1);
        assert_eq!(r.turns.iter().map(|t| (t.role, t.turn)).collect::<Vec<_>>(), [(Role::Bot, 1), (Role::Agent, 5)]);
        assert_eq!(r.customer_emotions.len(), 1);
    }

    #[test]
    fn the_strongest_feeling_since_the_last_reply_counts() {
        assert_eq!(strongest(&[Emotion::Confusion, Emotion::Anger, Emotion::None]), Emotion::Anger);
        assert_eq!(strongest(&[Emotion::None, Emotion::None]), Emotion::None);
        assert_eq!(strongest(&[Emotion::Frustration, Emotion::Anxiety]), Emotion::Anxiety);
    }
}
