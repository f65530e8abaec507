//! Cue detectors: pack patterns found in a document, then the context checks a phrase list
//! cannot express: word edges, negation and hedging scope, question sense, person awareness
//! (`not_after`), exclusions (`unless`), and which findings shadow others.

use crate::cue::Cue;
use crate::document::{Document, Sentence, Span};
use crate::pack::{Negation, QuestionSense, Rule, SpanScope};
use regex::Regex;
use std::sync::OnceLock;

/// A rule that matched and passed its context checks, before overlapping findings are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub rule: usize,
    pub cue: Cue,
    pub span: Span,
    /// The sentence the match lies in, for shadowing.
    pub sentence: Span,
}

/// Words that negate or hedge what follows them within a clause: "I won't promise",
/// "not a disaster", "I can't guarantee", "never said it was unacceptable".
/// ("without" is not one: "closing it without warning would feel like a slap" still acknowledges.)
fn negator() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?:\b(?:not|no|never|cannot|hardly|neither|nor)|n['’]?t)\b")
            .expect("negator regex")
    })
}

/// How many words before a match the negation scope reaches.
const NEGATION_WORDS: usize = 4;

/// Does the char before `start` and the char after `end` leave the match on word edges?
fn on_word_edges(text: &str, span: Span) -> bool {
    let m = &text[span.start..span.end];
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    if let (Some(first), Some(prev)) = (m.chars().next(), text[..span.start].chars().next_back()) {
        if is_word(first) && is_word(prev) {
            return false;
        }
    }
    if let (Some(last), Some(next)) = (m.chars().next_back(), text[span.end..].chars().next()) {
        if is_word(last) && is_word(next) {
            return false;
        }
    }
    true
}

/// The last `n` words of `s` (a suffix of it).
fn last_words(s: &str, n: usize) -> &str {
    let mut count = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices().rev() {
        if c.is_whitespace() {
            if in_word {
                count += 1;
                if count == n {
                    return &s[i..];
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    s
}

/// How far (in bytes) context checks look around a match: enough for any clause, and it keeps
/// a 5 MB reply without a full stop linear.
const WINDOW: usize = 400;

/// The start of the context window before `pos`: the sentence start, or `WINDOW` bytes back.
fn window_start(text: &str, sentence: Span, pos: usize) -> usize {
    let mut lo = sentence.start.min(pos).max(pos.saturating_sub(WINDOW));
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    lo
}

/// The end of the context window after `pos`.
fn window_end(text: &str, sentence: Span, pos: usize) -> usize {
    let mut hi = sentence.end.max(pos).min(pos + WINDOW).min(text.len());
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    hi.max(pos)
}

/// Start of the clause that holds byte `pos`, within `sentence`.
fn clause_start(text: &str, sentence: Span, pos: usize) -> usize {
    let lo = window_start(text, sentence, pos);
    text[lo..pos]
        .char_indices()
        .rev()
        .find(|&(_, c)| matches!(c, ',' | ';' | ':' | '—' | '–' | '(' | ')'))
        .map(|(i, c)| lo + i + c.len_utf8())
        .unwrap_or(lo)
}

/// Is the match negated or hedged by what comes just before it in its clause?
pub fn is_negated(text: &str, sentence: Span, start: usize) -> bool {
    let cs = clause_start(text, sentence, start);
    negator().is_match(last_words(&text[cs..start], NEGATION_WORDS))
}

fn passes_context(doc: &Document, rule: &Rule, span: Span, sentence: &Sentence) -> bool {
    let text = doc.text;
    match rule.question {
        QuestionSense::Any => {}
        QuestionSense::Only if !sentence.is_question => return false,
        QuestionSense::Never if sentence.is_question => return false,
        _ => {}
    }
    if rule.negation == Negation::Suppress && is_negated(text, sentence.span, span.start) {
        return false;
    }
    let lo = window_start(text, sentence.span, span.start);
    if !rule.not_after.is_empty() {
        let before = &text[lo..span.start];
        if rule
            .not_after
            .iter()
            .any(|re| re.searcher().is_match(before))
        {
            return false;
        }
    }
    if !rule.unless.is_empty() {
        let hi = window_end(text, sentence.span, span.end);
        let s = &text[lo..hi];
        if rule.unless.iter().any(|re| re.searcher().is_match(s)) {
            return false;
        }
    }
    true
}

/// Find every match of pattern `pattern` of rule `rule_idx` that starts in `sentence` and
/// passes its context checks. (Context checks still see the whole reply around the match.)
pub fn detect_pattern(
    doc: &Document,
    rules: &[Rule],
    (rule_idx, pattern): (usize, usize),
    sentence: &Sentence,
    out: &mut Vec<Candidate>,
) {
    let rule = &rules[rule_idx];
    let re = rule.patterns[pattern].searcher();
    let text = doc.text;
    let hay = &text[..sentence.span.end];
    let mut at = sentence.span.start;
    while at < hay.len() {
        let Some(m) = re.search(&regex_automata::Input::new(hay).range(at..)) else {
            break;
        };
        let span = Span::new(m.start(), m.end());
        // Move on by one char past the start, so overlapping later matches are still seen.
        at = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
        if span.is_empty() || !on_word_edges(text, span) {
            continue;
        }
        if !passes_context(doc, rule, span, sentence) {
            continue;
        }
        let out_span = match rule.span {
            SpanScope::Match => span,
            SpanScope::Clause => doc.clause_around(span),
            SpanScope::Sentence => {
                let s = sentence.span;
                Span::new(s.start.min(span.start), s.end.max(span.end))
            }
        };
        out.push(Candidate {
            rule: rule_idx,
            cue: rule.cue,
            span: out_span,
            sentence: sentence.span,
        });
        // One candidate per match start is enough; skip past the match.
        at = at.max(m.end());
    }
}

/// Apply `shadows` and merge overlapping candidates of the same cue (the earliest, then the
/// longest, wins). The result is sorted by position. Linear after sorting, so a reply with a
/// hundred thousand findings is no slower per finding than one with three.
pub fn resolve(rules: &[Rule], mut cands: Vec<Candidate>) -> Vec<Candidate> {
    // For each cue, the sentences in which a finding of another rule shadows it; sentences do
    // not overlap one another, so sorted by start they are also sorted by end.
    let mut shadowed: Vec<Vec<Span>> = vec![Vec::new(); Cue::ALL.len()];
    for c in &cands {
        for &cue in &rules[c.rule].shadows {
            shadowed[cue as usize].push(c.sentence);
        }
    }
    for spans in &mut shadowed {
        spans.sort_unstable();
        spans.dedup();
    }
    cands.retain(|c| {
        let spans = &shadowed[c.cue as usize];
        let i = spans.partition_point(|s| s.end <= c.span.start);
        !spans[i..]
            .iter()
            .take_while(|s| s.start < c.span.end)
            .any(|s| s.overlaps(&c.span))
    });
    cands.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
            .then(a.rule.cmp(&b.rule))
    });
    // Kept spans start no later than the candidate, so it overlaps one of its cue exactly when
    // the furthest end kept for that cue lies beyond its start.
    let mut reach: Vec<usize> = vec![0; Cue::ALL.len()];
    let mut kept: Vec<Candidate> = Vec::with_capacity(cands.len());
    for c in cands {
        let r = &mut reach[c.cue as usize];
        if *r > c.span.start && !c.span.is_empty() {
            continue;
        }
        *r = (*r).max(c.span.end);
        kept.push(c);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_edges() {
        let t = "also sorry";
        assert!(!on_word_edges(t, Span::new(2, 10)));
        assert!(on_word_edges(t, Span::new(5, 10)));
    }

    #[test]
    fn negation_scope_is_the_clause() {
        let t = "I won't promise it arrives tomorrow";
        let s = Span::new(0, t.len());
        assert!(is_negated(t, s, t.find("promise").unwrap()));
        let t = "No worries, I'll sort that now";
        let s = Span::new(0, t.len());
        assert!(!is_negated(t, s, t.find("I'll").unwrap()));
        let t = "This is not great and it is not something I can fix, but we will call";
        let s = Span::new(0, t.len());
        assert!(!is_negated(t, s, t.find("we will").unwrap()));
    }
}
