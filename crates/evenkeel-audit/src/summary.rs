//! The audit's totals: folded one conversation at a time, in input order, so that the same
//! input always gives the same summary, whichever core analysed what and however often the
//! audit was interrupted. The running [`Aggregate`] holds only counts and a few examples (it
//! is saved with every checkpoint); [`Aggregate::summary`] turns it into the rates, scorecards,
//! trends and wellbeing signal that `summary.json`, `agents.csv` and the report show.

use crate::conversation::{ConversationResult, TurnResult};
use crate::turn::{Malformed, Role};
use evenkeel_core::{Cue, Emotion, Side, Stance};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Malformed records listed one by one in `summary.json`; beyond this they are only counted.
pub const MALFORMED_LISTED: usize = 1000;
/// Worst and best examples shown in the report.
pub const EXAMPLES: usize = 8;
/// At most this many of the shown examples come from one agent, so one bad day does not hide
/// the rest of the team.
pub const EXAMPLES_PER_AGENT: usize = 2;
/// Candidates kept while reading, from which the examples are chosen.
const CANDIDATES: usize = 64;
/// How many most frequent cues a scorecard lists.
const TOP_CUES: usize = 5;
/// The wellbeing signal needs this many turns in both the first and the last third of an
/// agent's weeks, and a rise of at least [`WELLBEING_RISE`] in the share between them.
pub const WELLBEING_MIN_TURNS: u64 = 20;
pub const WELLBEING_RISE: f64 = 0.10;
/// Agent turns without a name are counted under this one.
pub const UNKNOWN_AGENT: &str = "(no agent name)";
pub const NO_TEAM: &str = "(no team)";

/// Counts behind one scorecard (an agent, a team, all humans, all bots) or one week.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub turns: u64,
    /// In [`Stance::ALL`] order.
    pub stances: [u64; 4],
    /// Turns answering a customer who had expressed an emotion, and of those, the ones that
    /// acknowledged it.
    pub emotional: u64,
    pub acknowledged: u64,
    /// Emotional turns that solved or asked, and of those, the ones that asked first.
    pub explore_applicable: u64,
    pub explored_first: u64,
    /// Sympathetic or dismissive turns the customer answered, and of those, the answers more
    /// heated than before; the same for empathetic turns, as the baseline.
    pub risky_answered: u64,
    pub risky_rose: u64,
    pub empathetic_answered: u64,
    pub empathetic_rose: u64,
    /// Turns that mirror the customer's emotion or grovel (two apologies or more).
    pub strain: u64,
    /// Turns in which each cue was found, by cue name.
    pub cues: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, t: &TurnResult) {
        self.turns += 1;
        self.stances[stance_index(t.analysis.stance)] += 1;
        let r = &t.responsiveness;
        if let Some(a) = r.acknowledged {
            self.emotional += 1;
            self.acknowledged += a as u64;
        }
        if let Some(e) = r.explored_before_solving {
            self.explore_applicable += 1;
            self.explored_first += e as u64;
        }
        if let Some(rose) = r.emotion_rose {
            if t.is_risky() {
                self.risky_answered += 1;
                self.risky_rose += rose as u64;
            } else if t.analysis.stance == Stance::Empathetic {
                self.empathetic_answered += 1;
                self.empathetic_rose += rose as u64;
            }
        }
        self.strain += strained(t) as u64;
        for c in t.analysis.cues() {
            *self.cues.entry(c.name().to_string()).or_default() += 1;
        }
    }
}

/// The wellbeing signal's sign of strain: the agent takes the customer's distress on
/// (`mirrors_emotion`) or grovels (apologising twice or more in one reply).
pub fn strained(t: &TurnResult) -> bool {
    let apologies = t.analysis.findings.iter().filter(|f| f.cue == Cue::Apologizes).count();
    t.analysis.findings.iter().any(|f| f.cue == Cue::MirrorsEmotion) || apologies >= 2
}

fn stance_index(s: Stance) -> usize {
    Stance::ALL.iter().position(|&x| x == s).expect("a stance")
}

/// One agent's (or bot's) running counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentTally {
    pub all: Tally,
    /// Turns per team the agent answered in; the most frequent is theirs.
    pub teams: BTreeMap<String, u64>,
    /// Per ISO week (`2026-W02`): turns and strained turns, for the wellbeing signal.
    pub weeks: BTreeMap<String, [u64; 2]>,
}

/// A reply kept as an example, with what the report needs to show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub conversation: String,
    pub turn: usize,
    pub agent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_emotion: Option<Emotion>,
    pub reply: String,
    pub stance: Stance,
    /// How far the reply leans (sympathy or dismissiveness for the worst, empathy for the
    /// best), in thousandths: integers, so a resumed audit compares exactly.
    pub weight: u32,
    pub findings: Vec<ExampleFinding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleFinding {
    pub cue: Cue,
    pub side: Side,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Example {
    fn of(t: &TurnResult, weight: f64) -> Example {
        let a = &t.analysis;
        Example {
            conversation: t.conversation.clone(),
            turn: t.turn,
            agent: agent_name(t).to_string(),
            team: t.team.clone(),
            time: t.time.clone(),
            customer: t.customer.clone(),
            customer_emotion: a.customer_emotion.filter(|&e| e != Emotion::None),
            reply: t.reply.clone(),
            stance: a.stance,
            weight: (weight.clamp(0.0, 4.0) * 1000.0).round() as u32,
            findings: a
                .findings
                .iter()
                .map(|f| ExampleFinding {
                    cue: f.cue,
                    side: f.side,
                    start: f.start,
                    end: f.end,
                    text: f.text.clone(),
                    message: f.message.to_string(),
                    suggestion: f.suggestion.as_ref().map(|s| s.to_string()),
                })
                .collect(),
            notes: a.notes.clone(),
        }
    }
}

fn agent_name(t: &TurnResult) -> &str {
    t.agent.as_deref().unwrap_or(UNKNOWN_AGENT)
}

/// Everything the audit has counted so far. Saved with each checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    pub conversations: u64,
    pub continued_conversations: u64,
    pub customer_turns: u64,
    pub empty_turns: u64,
    pub unknown_turns: u64,
    pub undated_turns: u64,
    pub customer_emotions: BTreeMap<String, u64>,
    pub humans: Tally,
    pub bots: Tally,
    pub agents: BTreeMap<String, AgentTally>,
    pub bot_names: BTreeMap<String, u64>,
    pub teams: BTreeMap<String, Tally>,
    pub weeks: BTreeMap<String, Tally>,
    pub malformed_count: u64,
    pub malformed: Vec<Malformed>,
    pub worst: Vec<Example>,
    pub best: Vec<Example>,
}

impl Aggregate {
    pub fn add_malformed(&mut self, m: Malformed) {
        self.malformed_count += 1;
        if self.malformed.len() < MALFORMED_LISTED {
            self.malformed.push(m);
        }
    }

    pub fn add(&mut self, c: &ConversationResult) {
        self.conversations += 1;
        self.continued_conversations += c.continued as u64;
        self.customer_turns += c.customer_emotions.len() as u64;
        self.empty_turns += c.empty_turns;
        self.unknown_turns += c.unknown_turns;
        for e in &c.customer_emotions {
            *self.customer_emotions.entry(e.name().to_string()).or_default() += 1;
        }
        for t in &c.turns {
            if t.role == Role::Bot {
                self.bots.add(t);
                *self.bot_names.entry(agent_name(t).to_string()).or_default() += 1;
                continue;
            }
            self.humans.add(t);
            let team = t.team.clone().unwrap_or_else(|| NO_TEAM.to_string());
            self.teams.entry(team.clone()).or_default().add(t);
            let agent = self.agents.entry(agent_name(t).to_string()).or_default();
            agent.all.add(t);
            *agent.teams.entry(team).or_default() += 1;
            match t.time.as_deref().and_then(crate::time::parse) {
                Some(time) => {
                    let week = crate::time::week(time);
                    let w = agent.weeks.entry(week.clone()).or_default();
                    w[0] += 1;
                    w[1] += strained(t) as u64;
                    self.weeks.entry(week).or_default().add(t);
                }
                None => self.undated_turns += 1,
            }
            self.consider_example(t);
        }
    }

    fn consider_example(&mut self, t: &TurnResult) {
        let a = &t.analysis;
        let emotional = t.responsiveness.customer_emotional;
        if t.is_risky() {
            // The more it leans, and the more it mattered, the worse.
            let lean = a.scores.sympathy.max(a.scores.dismissive);
            let missed = (t.responsiveness.acknowledged == Some(false)) as u8 as f64 * 0.25;
            keep(&mut self.worst, Example::of(t, lean + missed + emotional as u8 as f64 * 0.25));
        } else if a.stance == Stance::Empathetic {
            let asked = (t.responsiveness.explored_before_solving == Some(true)) as u8 as f64 * 0.25;
            keep(&mut self.best, Example::of(t, a.scores.empathy + asked + emotional as u8 as f64 * 0.5));
        }
    }

    /// Rates, scorecards, trends and the wellbeing signal.
    pub fn summary(&self, meta: Meta) -> Summary {
        let mut agents: Vec<Scorecard> = self
            .agents
            .iter()
            .map(|(name, a)| {
                let team = a.teams.iter().max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0))).map(|(t, _)| t.clone());
                let mut s = Scorecard::new(name, team, &a.all);
                s.wellbeing = Some(wellbeing(&a.weeks));
                s
            })
            .collect();
        agents.sort_by(|a, b| b.turns.cmp(&a.turns).then(a.name.cmp(&b.name)));
        let mut teams: Vec<Scorecard> = self.teams.iter().map(|(name, t)| Scorecard::new(name, None, t)).collect();
        teams.sort_by(|a, b| b.turns.cmp(&a.turns).then(a.name.cmp(&b.name)));
        let weeks = self
            .weeks
            .iter()
            .map(|(week, t)| Week {
                week: week.clone(),
                turns: t.turns,
                stances: stance_map(&t.stances),
                strained: t.strain,
                acknowledgment_rate: rate(t.acknowledged, t.emotional),
            })
            .collect();
        let rising: Vec<String> = agents.iter().filter(|a| a.wellbeing.as_ref().is_some_and(|w| w.rising)).map(|a| a.name.clone()).collect();
        Summary {
            meta,
            totals: Totals {
                conversations: self.conversations,
                continued_conversations: self.continued_conversations,
                customer_turns: self.customer_turns,
                agent_turns: self.humans.turns,
                bot_turns: self.bots.turns,
                empty_turns: self.empty_turns,
                unknown_author_turns: self.unknown_turns,
                undated_agent_turns: self.undated_turns,
                malformed_records: self.malformed_count,
            },
            customer_emotions: self.customer_emotions.clone(),
            humans: Scorecard::new("all agents", None, &self.humans),
            bots: BotReport {
                card: Scorecard::new("all bots", None, &self.bots),
                names: self.bot_names.clone(),
            },
            agents,
            teams,
            weeks,
            wellbeing: Wellbeing {
                rule: format!(
                    "an agent's share of replies that mirror the customer's emotion or grovel (two apologies or more) rose by {:.0} points or more from the first third of their weeks to the last, with at least {} replies in each",
                    WELLBEING_RISE * 100.0,
                    WELLBEING_MIN_TURNS
                ),
                rising,
            },
            malformed: MalformedReport {
                count: self.malformed_count,
                listed: self.malformed.clone(),
                not_listed: self.malformed_count.saturating_sub(self.malformed.len() as u64),
            },
            worst_examples: choose(&self.worst),
            best_examples: choose(&self.best),
        }
    }
}

/// Keeps the heaviest candidates; on a tie the one read first stays (deterministic).
pub(crate) fn keep(list: &mut Vec<Example>, e: Example) {
    if list.len() >= CANDIDATES && list.last().is_some_and(|l| l.weight >= e.weight) {
        return;
    }
    // The same words again (a macro, a template): keep the heavier instance only.
    if let Some(i) = list.iter().position(|x| x.reply == e.reply) {
        if list[i].weight >= e.weight {
            return;
        }
        list.remove(i);
    }
    let at = list.partition_point(|x| x.weight >= e.weight);
    list.insert(at, e);
    list.truncate(CANDIDATES);
}

/// The shown examples: heaviest first, no more than [`EXAMPLES_PER_AGENT`] per agent, and
/// no reply twice (templated replies recur; one instance teaches as much as two).
fn choose(candidates: &[Example]) -> Vec<Example> {
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out: Vec<Example> = Vec::new();
    for e in candidates {
        if out.iter().any(|o| o.reply == e.reply) {
            continue;
        }
        let n = per.entry(&e.agent).or_default();
        if *n < EXAMPLES_PER_AGENT {
            *n += 1;
            out.push(e.clone());
        }
        if out.len() == EXAMPLES {
            break;
        }
    }
    out
}

fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| round3(part as f64 / whole as f64))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn stance_map(counts: &[u64; 4]) -> BTreeMap<Stance, u64> {
    Stance::ALL.iter().map(|&s| (s, counts[stance_index(s)])).collect()
}

/// The wellbeing signal for one agent's weeks.
pub fn wellbeing(weeks: &BTreeMap<String, [u64; 2]>) -> AgentWellbeing {
    let w: Vec<(&String, &[u64; 2])> = weeks.iter().collect();
    let third = w.len() / 3;
    let sum = |part: &[(&String, &[u64; 2])]| part.iter().fold([0u64; 2], |a, (_, c)| [a[0] + c[0], a[1] + c[1]]);
    let (first, last) = if third == 0 { ([0, 0], [0, 0]) } else { (sum(&w[..third]), sum(&w[w.len() - third..])) };
    let first_share = rate(first[1], first[0]);
    let last_share = rate(last[1], last[0]);
    let enough = first[0] >= WELLBEING_MIN_TURNS && last[0] >= WELLBEING_MIN_TURNS;
    let rising = enough && matches!((first_share, last_share), (Some(f), Some(l)) if l - f >= WELLBEING_RISE - 1e-9);
    AgentWellbeing {
        first_share,
        last_share,
        rising,
        weeks: w.iter().map(|(k, c)| WeekShare { week: (*k).clone(), turns: c[0], strained: c[1] }).collect(),
    }
}

/// Who ran the audit, how, on what.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    pub evenkeel_version: String,
    pub engine: String,
    pub inputs: Vec<Input>,
    pub redacted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Input {
    pub file: String,
    pub format: String,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub meta: Meta,
    pub totals: Totals,
    pub customer_emotions: BTreeMap<String, u64>,
    /// Team totals: every human agent's turns together.
    pub humans: Scorecard,
    pub bots: BotReport,
    pub agents: Vec<Scorecard>,
    pub teams: Vec<Scorecard>,
    pub weeks: Vec<Week>,
    pub wellbeing: Wellbeing,
    pub malformed: MalformedReport,
    pub worst_examples: Vec<Example>,
    pub best_examples: Vec<Example>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub conversations: u64,
    /// Conversations whose turns appeared again far apart in the input, analysed in parts.
    pub continued_conversations: u64,
    pub customer_turns: u64,
    pub agent_turns: u64,
    pub bot_turns: u64,
    pub empty_turns: u64,
    pub unknown_author_turns: u64,
    pub undated_agent_turns: u64,
    pub malformed_records: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BotReport {
    #[serde(flatten)]
    pub card: Scorecard,
    /// Turns per bot.
    pub names: BTreeMap<String, u64>,
}

/// One agent's, one team's or everyone's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub turns: u64,
    pub stances: BTreeMap<Stance, u64>,
    /// Share of turns per stance.
    pub rates: BTreeMap<Stance, f64>,
    /// Turns answering an emotional customer.
    pub emotional_turns: u64,
    /// Of those, the share that acknowledged the emotion (`null` when there were none).
    pub acknowledgment_rate: Option<f64>,
    pub explored_before_solving_rate: Option<f64>,
    /// How often the customer's next turn was more heated, after sympathetic or dismissive
    /// replies and, as the baseline, after empathetic ones.
    pub emotion_rose_after_risky: Option<f64>,
    pub emotion_rose_after_empathetic: Option<f64>,
    /// Share of replies that mirror the customer's emotion or grovel.
    pub strain_rate: Option<f64>,
    pub top_cues: Vec<CueCount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wellbeing: Option<AgentWellbeing>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CueCount {
    pub cue: String,
    pub turns: u64,
}

impl Scorecard {
    fn new(name: &str, team: Option<String>, t: &Tally) -> Scorecard {
        let mut cues: Vec<CueCount> = t.cues.iter().map(|(c, &n)| CueCount { cue: c.clone(), turns: n }).collect();
        cues.sort_by(|a, b| b.turns.cmp(&a.turns).then(a.cue.cmp(&b.cue)));
        cues.truncate(TOP_CUES);
        Scorecard {
            name: name.to_string(),
            team,
            turns: t.turns,
            stances: stance_map(&t.stances),
            rates: Stance::ALL.iter().map(|&s| (s, rate(t.stances[stance_index(s)], t.turns).unwrap_or(0.0))).collect(),
            emotional_turns: t.emotional,
            acknowledgment_rate: rate(t.acknowledged, t.emotional),
            explored_before_solving_rate: rate(t.explored_first, t.explore_applicable),
            emotion_rose_after_risky: rate(t.risky_rose, t.risky_answered),
            emotion_rose_after_empathetic: rate(t.empathetic_rose, t.empathetic_answered),
            strain_rate: rate(t.strain, t.turns),
            top_cues: cues,
            wellbeing: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Week {
    pub week: String,
    pub turns: u64,
    pub stances: BTreeMap<Stance, u64>,
    pub strained: u64,
    pub acknowledgment_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Wellbeing {
    /// The rule, in words, so that a reader of the file knows what "rising" means.
    pub rule: String,
    /// Agents whose share is rising.
    pub rising: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgentWellbeing {
    pub first_share: Option<f64>,
    pub last_share: Option<f64>,
    pub rising: bool,
    pub weeks: Vec<WeekShare>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekShare {
    pub week: String,
    pub turns: u64,
    pub strained: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MalformedReport {
    pub count: u64,
    pub listed: Vec<Malformed>,
    pub not_listed: u64,
}

/// `agents.csv`: one row per agent. A cell that a spreadsheet would read as a formula (it
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.
pub fn write_agents_csv<W: std::io::Write>(s: &Summary, out: W) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "agent",
        "team",
        "turns",
        "empathetic_rate",
        "sympathetic_rate",
        "neutral_rate",
        "dismissive_rate",
        "emotional_turns",
        "acknowledgment_rate",
        "explored_before_solving_rate",
        "emotion_rose_after_risky",
        "strain_rate",
        "wellbeing_rising",
        "top_cues",
    ])?;
    let opt = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
    for a in &s.agents {
        let r = |st: Stance| format!("{}", a.rates[&st]);
        w.write_record([
            safe_cell(&a.name),
            safe_cell(a.team.as_deref().unwrap_or("")),
            a.turns.to_string(),
            r(Stance::Empathetic),
            r(Stance::Sympathetic),
            r(Stance::Neutral),
            r(Stance::Dismissive),
            a.emotional_turns.to_string(),
            opt(a.acknowledgment_rate),
            opt(a.explored_before_solving_rate),
            opt(a.emotion_rose_after_risky),
            opt(a.strain_rate),
            a.wellbeing.as_ref().is_some_and(|w| w.rising).to_string(),
            a.top_cues.iter().map(|c| format!("{} ({})", c.cue, c.turns)).collect::<Vec<_>>().join("; "),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Neutralises spreadsheet formulas (CSV injection).
pub fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::analyze;
    use crate::turn::{Source, Turn};
    use evenkeel_core::Analyzer;
    use evenkeel_model::{Engine, EngineKind};

    fn turn(role: Role, agent: &str, day: u32, text: &str) -> Turn {
        Turn {
            conversation: "c".into(),
            role,
            agent: (role != Role::Customer).then(|| agent.to_string()),
            team: (role == Role::Agent).then(|| "Billing".to_string()),
            time: Some(format!("2026-01-{day:02}T10:00:00Z")),
            text: text.into(),
            source: Source { file: "f".into(), line: 1 },
        }
    }

    fn conversation(agent: &str, day: u32, reply: &str) -> ConversationResult {
        let engine = Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap();
        let turns = [
            turn(Role::Customer, "", day, "I'm so angry, the refund never arrived!"),
            turn(Role::Bot, "Helper", day, "Thanks, an agent will be with you shortly."),
            turn(Role::Agent, agent, day, reply),
        ];
        analyze(&engine, &format!("{agent}-{day}"), false, &turns)
    }

    #[test]
    fn scorecards_count_stances_acknowledgment_and_keep_bots_apart() {
        let mut agg = Aggregate::default();
        agg.add(&conversation("Ana", 5, "I can understand why that makes you angry. I've checked and the refund left us today."));
        agg.add(&conversation("Ana", 6, "I'm so angry about this too, our billing team is so irresponsible!"));
        agg.add(&conversation("Bo", 12, "Refunds take 10 days, as our terms say."));
        let s = agg.summary(Meta::default());
        assert_eq!(s.totals.conversations, 3);
        assert_eq!(s.totals.agent_turns, 3);
        assert_eq!(s.totals.bot_turns, 3);
        assert_eq!(s.bots.names["Helper"], 3);
        let ana = s.agents.iter().find(|a| a.name == "Ana").unwrap();
        assert_eq!(ana.turns, 2);
        assert_eq!(ana.stances[&Stance::Empathetic], 1);
        assert_eq!(ana.stances[&Stance::Sympathetic], 1);
        assert_eq!(ana.acknowledgment_rate, Some(0.5));
        assert_eq!(ana.team.as_deref(), Some("Billing"));
        assert_eq!(s.teams.len(), 1);
        assert_eq!(s.teams[0].turns, 3);
        assert_eq!(s.worst_examples[0].agent, "Ana");
        assert!(s.worst_examples[0].findings.iter().any(|f| f.cue == Cue::BlamesOwnSide));
        assert_eq!(s.best_examples.len(), 1);
        assert_eq!(s.weeks.len(), 2, "{:?}", s.weeks.iter().map(|w| &w.week).collect::<Vec<_>>());
    }

    #[test]
    fn a_rising_share_of_mirroring_is_flagged_and_a_steady_one_is_not() {
        let mut weeks = BTreeMap::new();
        for (i, strained) in [2u64, 3, 2, 5, 8, 10].iter().enumerate() {
            weeks.insert(format!("2026-W{:02}", i + 1), [20, *strained]);
        }
        let w = wellbeing(&weeks);
        assert_eq!(w.first_share, Some(0.125));
        assert_eq!(w.last_share, Some(0.45));
        assert!(w.rising);
        let steady: BTreeMap<String, [u64; 2]> = (1..=6).map(|i| (format!("2026-W{i:02}"), [20, 4])).collect();
        assert!(!wellbeing(&steady).rising);
        let few: BTreeMap<String, [u64; 2]> = (1..=6).map(|i| (format!("2026-W{i:02}"), [3, i])).collect();
        assert!(!wellbeing(&few).rising, "too few replies to say");
    }

    #[test]
    fn malformed_records_are_all_counted_and_the_first_listed() {
        let mut agg = Aggregate::default();
        for line in 1..=(MALFORMED_LISTED as u64 + 5) {
            agg.add_malformed(Malformed { file: "x.csv".into(), line, field: None, reason: "bad".into() });
        }
        let s = agg.summary(Meta::default());
        assert_eq!(s.malformed.count, MALFORMED_LISTED as u64 + 5);
        assert_eq!(s.malformed.listed.len(), MALFORMED_LISTED);
        assert_eq!(s.malformed.not_listed, 5);
    }

    #[test]
    fn examples_are_capped_per_agent_and_ties_keep_the_first() {
        let mut agg = Aggregate::default();
        for day in 1..=5 {
            agg.add(&conversation("Ana", day, &format!("I'm so angry about this too, our billing team is so irresponsible! (#{day})")));
        }
        agg.add(&conversation("Bo", 9, "I'm so angry about this too, our billing team is so irresponsible! (#9)"));
        agg.add(&conversation("Cy", 10, "I'm so angry about this too, our billing team is so irresponsible! (#9)"));
        let s = agg.summary(Meta::default());
        let who: Vec<(&str, &str)> = s.worst_examples.iter().map(|e| (e.agent.as_str(), e.conversation.as_str())).collect();
        assert_eq!(who, [("Ana", "Ana-1"), ("Ana", "Ana-2"), ("Bo", "Bo-9")], "Cy's reply is Bo's, word for word");
    }

    #[test]
    fn formulas_are_neutralised_in_agents_csv() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("Ana"), "Ana");
        let mut agg = Aggregate::default();
        agg.add(&conversation("-2+3", 5, "Refunds take 10 days."));
        let mut out = Vec::new();
        write_agents_csv(&agg.summary(Meta::default()), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().nth(1).unwrap().starts_with("'-2+3,Billing,1,"), "{text}");
    }

    #[test]
    fn the_aggregate_survives_a_checkpoint_round_trip() {
        let mut agg = Aggregate::default();
        agg.add(&conversation("Ana", 5, "I'm so angry about this too, our billing team is so irresponsible!"));
        agg.add_malformed(Malformed { file: "x.csv".into(), line: 3, field: Some("text".into()), reason: "bad".into() });
        let back: Aggregate = serde_json::from_str(&serde_json::to_string(&agg).unwrap()).unwrap();
        assert_eq!(back, agg);
    }
}
