//! The audit in pieces, for engines that split the work across machines (Spark, through the
//! Python package): each piece reads its own conversations, analyses them with the same code
//! as `evenkeel audit`, and folds them into its own [`Aggregate`]; the pieces' aggregates are
//! then [merged](Aggregate::merge) and turned into `summary.json`, `agents.csv` and the report
//! by [`Aggregate::summary`], exactly as one audit would.
//!
//! What can differ from one `evenkeel audit` run: counts and rates never (merging adds counts,
//! which is associative and commutative). The worst and best examples and the malformed records
//! listed are kept in reading order on ties: pieces merged in reading order give exactly one
//! reader's aggregate (a test checks it), pieces merged in another order may keep other
//! examples of the same weight.

use crate::conversation::{self, ConversationResult};
use crate::group::{Conversation, Grouper, Item};
use crate::mapping::is_private;
use crate::summary::{keep, Aggregate, AgentTally, Tally, MALFORMED_LISTED};
use crate::turn::{Malformed, Record, Role, Source, Turn};
use crate::redact;
use evenkeel_model::Engine;
use std::collections::BTreeMap;

/// One row of a turn table, its parts named as in `--map` (conversation, author, agent, team,
/// time, text, public); `None` where the table has no such column or the cell is null.
#[derive(Debug, Clone, Copy, Default)]
pub struct Row<'a> {
    pub conversation: Option<&'a str>,
    pub author: Option<&'a str>,
    pub agent: Option<&'a str>,
    pub team: Option<&'a str>,
    pub time: Option<&'a str>,
    pub text: Option<&'a str>,
    pub public: Option<&'a str>,
}

/// A turn-table row as the CSV reader reads it: `None` for an internal note (skipped), a
/// [`Malformed`] for a row without a conversation id, else the turn (HTML turned into text,
/// quotes and signatures cut). A test checks that this agrees with the CSV reader row by row.
pub fn turn_from_row(row: &Row<'_>, source: Source) -> Option<Record> {
    if row.public.is_some_and(is_private) {
        return None;
    }
    let Some(conversation) = row.conversation.map(str::trim).filter(|s| !s.is_empty()) else {
        return Some(Err(Malformed { file: source.file, line: source.line, field: Some("conversation".into()), reason: "empty conversation id".into() }));
    };
    let role = Role::from_label(row.author.unwrap_or(""));
    let nonempty = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    Some(Ok(Turn {
        conversation: conversation.to_string(),
        role,
        agent: if role == Role::Customer { None } else { nonempty(row.agent) },
        team: nonempty(row.team),
        time: nonempty(row.time),
        text: crate::email::agent_text(row.text.unwrap_or("")),
        source,
    }))
}

/// One conversation's turns (all of them, in input order) as `evenkeel audit` groups them:
/// sorted by time where every turn has one, in input order otherwise.
pub fn conversation_of(turns: Vec<Turn>) -> Option<Conversation> {
    let mut g = Grouper::new(turns.into_iter().map(Ok), u64::MAX);
    match g.next() {
        Some(Item::Conversation(c)) => {
            debug_assert!(g.next().is_none(), "one conversation's turns make one conversation");
            Some(c)
        }
        _ => None,
    }
}

/// Analyses one conversation exactly as `evenkeel audit` does (with `--redact`: masked first).
pub fn analyse(engine: &Engine, c: &Conversation, redacting: bool) -> ConversationResult {
    if redacting {
        let masked: Vec<Turn> = c.turns.iter().map(redact::turn).collect();
        conversation::analyze(engine, &redact::text(&c.id), c.continued, &masked)
    } else {
        conversation::analyze(engine, &c.id, c.continued, &c.turns)
    }
}

/// A turn masked as `--redact` masks it (the same maskers as the audit's own reading).
/// A malformed record as `evenkeel audit` lists it (with `--redact`: its reason masked).
pub fn malformed(mut m: Malformed, redacting: bool) -> Malformed {
    if redacting {
        m.reason = redact::text(&m.reason);
    }
    m
}

impl Tally {
    /// Adds another tally's counts to this one.
    pub fn merge(&mut self, other: &Tally) {
        self.turns += other.turns;
        for (a, b) in self.stances.iter_mut().zip(other.stances) {
            *a += b;
        }
        self.emotional += other.emotional;
        self.acknowledged += other.acknowledged;
        self.explore_applicable += other.explore_applicable;
        self.explored_first += other.explored_first;
        self.risky_answered += other.risky_answered;
        self.risky_rose += other.risky_rose;
        self.empathetic_answered += other.empathetic_answered;
        self.empathetic_rose += other.empathetic_rose;
        self.strain += other.strain;
        add_counts(&mut self.cues, &other.cues);
    }
}

impl AgentTally {
    pub fn merge(&mut self, other: &AgentTally) {
        self.all.merge(&other.all);
        add_counts(&mut self.teams, &other.teams);
        for (week, c) in &other.weeks {
            let w = self.weeks.entry(week.clone()).or_default();
            w[0] += c[0];
            w[1] += c[1];
        }
    }
}

fn add_counts(into: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (k, n) in from {
        *into.entry(k.clone()).or_default() += n;
    }
}

impl Aggregate {
    /// Folds another piece of the same audit into this one. Every count (and so every rate,
    /// scorecard, trend and the wellbeing signal) comes out as if one audit had read both
    /// pieces; the examples and listed malformed records are chosen from both by the same
    /// rules, with this piece's first on a tie.
    pub fn merge(&mut self, other: &Aggregate) {
        self.conversations += other.conversations;
        self.continued_conversations += other.continued_conversations;
        self.customer_turns += other.customer_turns;
        self.empty_turns += other.empty_turns;
        self.unknown_turns += other.unknown_turns;
        self.undated_turns += other.undated_turns;
        add_counts(&mut self.customer_emotions, &other.customer_emotions);
        self.humans.merge(&other.humans);
        self.bots.merge(&other.bots);
        for (name, a) in &other.agents {
            self.agents.entry(name.clone()).or_default().merge(a);
        }
        add_counts(&mut self.bot_names, &other.bot_names);
        for (name, t) in &other.teams {
            self.teams.entry(name.clone()).or_default().merge(t);
        }
        for (week, t) in &other.weeks {
            self.weeks.entry(week.clone()).or_default().merge(t);
        }
        self.malformed_count += other.malformed_count;
        let room = MALFORMED_LISTED.saturating_sub(self.malformed.len());
        self.malformed.extend(other.malformed.iter().take(room).cloned());
        for e in &other.worst {
            keep(&mut self.worst, e.clone());
        }
        for e in &other.best {
            keep(&mut self.best, e.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{self, DemoOptions};
    use crate::mapping::{Mapping, FIELDS};
    use crate::readers::CsvReader;
    use crate::summary::Meta;
    use evenkeel_core::Analyzer;
    use evenkeel_model::EngineKind;

    fn demo_csv(conversations: usize) -> Vec<u8> {
        let mut out = Vec::new();
        demo::write_csv(&mut out, &DemoOptions { conversations, seed: 11, agent_turns: None }).unwrap();
        out
    }

    /// Every row of the demo CSV, read by the CSV reader and by [`turn_from_row`] from the raw
    /// cells, gives the same record.
    #[test]
    fn rows_read_like_the_csv_reader() {
        let bytes = demo_csv(60);
        let from_reader: Vec<Record> = CsvReader::new(&bytes[..], "d.csv", &Mapping::default(), false).unwrap().collect();
        let mut raw = csv::Reader::from_reader(&bytes[..]);
        let header: Vec<String> = raw.headers().unwrap().iter().map(str::to_string).collect();
        let col = |f: &str| header.iter().position(|h| h == f);
        let idx: Vec<Option<usize>> = FIELDS.iter().map(|f| col(f)).collect();
        let mut from_rows = Vec::new();
        for rec in raw.records() {
            let rec = rec.unwrap();
            let line = rec.position().unwrap().line();
            let get = |i: usize| idx[i].and_then(|j| rec.get(j));
            let row = Row { conversation: get(0), author: get(1), agent: get(2), team: get(3), time: get(4), text: get(5), public: get(6) };
            if let Some(r) = turn_from_row(&row, Source { file: "d.csv".into(), line }) {
                from_rows.push(r);
            }
        }
        assert!(from_reader.len() > 100);
        assert_eq!(from_rows, from_reader);
    }

    /// The demo export audited in two halves and merged gives the counts of one audit.
    #[test]
    fn merged_pieces_count_like_one_audit() {
        let engine = Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap();
        let bytes = demo_csv(80);
        let items: Vec<Item> = Grouper::new(CsvReader::new(&bytes[..], "d.csv", &Mapping::default(), false).unwrap(), 10_000).collect();
        let fold = |items: &[Item]| {
            let mut a = Aggregate::default();
            for i in items {
                match i {
                    Item::Conversation(c) => {
                        let regrouped = conversation_of(c.turns.clone()).unwrap();
                        assert_eq!(&regrouped.turns, &c.turns);
                        a.add(&analyse(&engine, c, false));
                    }
                    Item::Malformed(m) => a.add_malformed(malformed(m.clone(), false)),
                }
            }
            a
        };
        let whole = fold(&items);
        let (x, y) = items.split_at(items.len() / 3);
        // Counts add up whatever the order of the pieces.
        let mut merged = fold(y);
        merged.merge(&fold(x));
        let (w, m) = (whole.summary(Meta::default()), merged.summary(Meta::default()));
        let json = |v: &dyn erased::Ser| v.json();
        assert_eq!(json(&w.totals), json(&m.totals));
        assert_eq!(json(&w.agents), json(&m.agents));
        assert_eq!(json(&w.teams), json(&m.teams));
        assert_eq!(json(&w.humans), json(&m.humans));
        assert_eq!(json(&w.bots), json(&m.bots));
        assert_eq!(json(&w.weeks), json(&m.weeks));
        assert_eq!(json(&w.wellbeing), json(&m.wellbeing));
        assert_eq!(w.customer_emotions, m.customer_emotions);
        // The examples are kept by weight, ties in reading order: pieces merged in reading
        // order keep exactly what one reader keeps.
        let mut in_order = fold(x);
        in_order.merge(&fold(y));
        assert_eq!(in_order, whole);
    }

    mod erased {
        pub trait Ser {
            fn json(&self) -> String;
        }
        impl<T: serde::Serialize> Ser for T {
            fn json(&self) -> String {
                serde_json::to_string(self).unwrap()
            }
        }
    }
}
