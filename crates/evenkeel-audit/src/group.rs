//! Turns into conversations. Exports list a conversation's turns together (Zendesk, Intercom,
//! most CSV) or interleave them in time order (message tables). Both are read in one pass: a
//! conversation stays open until `window` records have gone by without a turn of it, so
//! memory is bounded by the conversations in flight, not by the file.

use crate::turn::{Malformed, Record, Turn};
use std::collections::{HashMap, HashSet, VecDeque};

/// One conversation's turns, in time order where every turn has a time, else in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub turns: Vec<Turn>,
    /// True when turns of an already closed conversation appeared again later (further apart
    /// in the input than the window): this is a second part, analysed on its own.
    pub continued: bool,
}

/// What grouping yields, in a deterministic order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Conversation(Conversation),
    Malformed(Malformed),
}

/// How many closed ids are remembered to notice a conversation split far apart.
const REMEMBER_CLOSED: usize = 100_000;

pub struct Grouper<I> {
    records: I,
    window: u64,
    seen: u64,
    open: HashMap<String, Open>,
    ready: VecDeque<Item>,
    closed: HashSet<String>,
    closed_order: VecDeque<String>,
    /// The most recent conversation: contiguous exports never touch the map.
    current: Option<Open>,
    finished: bool,
}

struct Open {
    id: String,
    first: u64,
    last: u64,
    turns: Vec<Turn>,
    continued: bool,
}

impl<I: Iterator<Item = Record>> Grouper<I> {
    pub fn new(records: I, window: u64) -> Self {
        Grouper {
            records,
            window: window.max(1),
            seen: 0,
            open: HashMap::new(),
            ready: VecDeque::new(),
            closed: HashSet::new(),
            closed_order: VecDeque::new(),
            current: None,
            finished: false,
        }
    }

    fn close(&mut self, mut c: Open) {
        if c.turns.iter().all(|t| t.time.as_deref().and_then(crate::time::parse).is_some()) {
            // Stable: turns at the same second keep their input order.
            c.turns.sort_by_cached_key(|t| t.time.as_deref().and_then(crate::time::parse));
        }
        if self.closed.insert(c.id.clone()) {
            self.closed_order.push_back(c.id.clone());
            if self.closed_order.len() > REMEMBER_CLOSED {
                let old = self.closed_order.pop_front().expect("non-empty");
                self.closed.remove(&old);
            }
        }
        self.ready.push_back(Item::Conversation(Conversation { id: c.id, turns: c.turns, continued: c.continued }));
    }

    /// Closes the conversations idle for longer than the window, oldest first.
    fn expire(&mut self, all: bool) {
        let limit = self.seen.saturating_sub(self.window);
        let mut idle: Vec<String> = self.open.iter().filter(|(_, o)| all || o.last < limit).map(|(k, _)| k.clone()).collect();
        if idle.is_empty() {
            return;
        }
        idle.sort_by_key(|k| self.open[k].first);
        for k in idle {
            let o = self.open.remove(&k).expect("open");
            self.close(o);
        }
    }

    fn push(&mut self, turn: Turn) {
        self.seen += 1;
        let n = self.seen;
        if let Some(cur) = &mut self.current {
            if cur.id == turn.conversation {
                cur.last = n;
                cur.turns.push(turn);
                return;
            }
        }
        // Another conversation: park the current one among the open ones.
        if let Some(cur) = self.current.take() {
            match self.open.get_mut(&cur.id) {
                Some(o) => {
                    o.last = cur.last;
                    o.turns.extend(cur.turns);
                }
                None => {
                    self.open.insert(cur.id.clone(), cur);
                }
            }
        }
        let next = match self.open.remove(&turn.conversation) {
            Some(mut o) => {
                o.last = n;
                o.turns.push(turn);
                o
            }
            None => {
                let continued = self.closed.contains(&turn.conversation);
                Open { id: turn.conversation.clone(), first: n, last: n, turns: vec![turn], continued }
            }
        };
        self.current = Some(next);
        if n % 256 == 0 || self.open.len() as u64 > self.window {
            self.expire(false);
        }
    }
}

impl<I: Iterator<Item = Record>> Iterator for Grouper<I> {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            match self.records.next() {
                Some(Ok(turn)) => self.push(turn),
                Some(Err(m)) => {
                    self.seen += 1;
                    self.ready.push_back(Item::Malformed(m));
                }
                None => {
                    self.finished = true;
                    if let Some(cur) = self.current.take() {
                        match self.open.get_mut(&cur.id) {
                            Some(o) => o.turns.extend(cur.turns),
                            None => {
                                self.open.insert(cur.id.clone(), cur);
                            }
                        }
                    }
                    self.expire(true);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turn::{Role, Source};

    fn turn(c: &str, line: u64, time: Option<&str>) -> Record {
        Ok(Turn {
            conversation: c.into(),
            role: Role::Customer,
            agent: None,
            team: None,
            time: time.map(str::to_string),
            text: format!("{c}{line}"),
            source: Source { file: "f".into(), line },
        })
    }

    fn ids(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Conversation(c) => format!("{}:{}", c.id, c.turns.len()),
                Item::Malformed(m) => format!("bad{}", m.line),
            })
            .collect()
    }

    #[test]
    fn contiguous_and_interleaved_inputs_give_whole_conversations() {
        let recs = vec![turn("a", 1, None), turn("b", 2, None), turn("a", 3, None), turn("c", 4, None), turn("b", 5, None)];
        let items: Vec<Item> = Grouper::new(recs.into_iter(), 100).collect();
        assert_eq!(ids(&items), vec!["a:2", "b:2", "c:1"]);
    }

    #[test]
    fn a_conversation_far_apart_is_a_continued_second_part() {
        let mut recs = vec![turn("a", 1, None)];
        recs.extend((2..20).map(|i| turn(&format!("x{i}"), i, None)));
        recs.push(turn("a", 20, None));
        let items: Vec<Item> = Grouper::new(recs.into_iter(), 4).collect();
        let parts: Vec<&Conversation> = items
            .iter()
            .filter_map(|i| match i {
                Item::Conversation(c) if c.id == "a" => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(parts.len(), 2);
        assert!(!parts[0].continued && parts[1].continued);
    }

    #[test]
    fn turns_are_put_in_time_order_and_malformed_records_pass_through() {
        let recs = vec![
            turn("a", 1, Some("2026-01-05T10:05:00Z")),
            Err(Malformed { file: "f".into(), line: 2, field: None, reason: "x".into() }),
            turn("a", 3, Some("2026-01-05T10:00:00Z")),
        ];
        let items: Vec<Item> = Grouper::new(recs.into_iter(), 10).collect();
        assert_eq!(ids(&items), vec!["bad2", "a:2"]);
        let Item::Conversation(c) = &items[1] else { panic!() };
        assert_eq!(c.turns[0].source.line, 3);
    }

    #[test]
    fn every_turn_comes_out_once() {
        // A pseudo-random interleaving of 50 conversations.
        let mut x = 12345u64;
        let recs: Vec<Record> = (0..2000)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                turn(&format!("c{}", x % 50), i, None)
            })
            .collect();
        let items: Vec<Item> = Grouper::new(recs.into_iter(), 16).collect();
        let total: usize = items.iter().map(|i| if let Item::Conversation(c) = i { c.turns.len() } else { 0 }).sum();
        assert_eq!(total, 2000);
    }
}
