//! The rewrite's last resort: risky words that carry facts, restated as plain facts.
//!
//! Removing a risky phrase is easy until it holds a fact the customer needs: "our baggage
//! handlers at Gatwick have been a shambles", "you should have read clause 14", "you'll get
//! every penny of that £700 back". Keeping the phrase keeps the blame or the promise; dropping
//! it loses the fact. So the phrase is replaced by a neutral sentence that carries its facts
//! and nothing else:
//! - a policy reference becomes where the details are: "The details are in clause 14.";
//! - a noun phrase naming who or what was involved is kept as that: "This involved our baggage
//!   handlers at Gatwick.";
//! - anything else lists the facts: "For reference: £700, Friday."
//!
//! A phrase without facts simply goes. What was around it stays, unless only filler is left.

use crate::rewrite::{dangling, only_filler, protected_spans, sentences, tidy};
use regex::Regex;
use std::sync::LazyLock;

/// `text` with every span of `spans` (byte ranges of risky findings) removed or restated.
pub(crate) fn restate_spans(text: &str, spans: &[(usize, usize)]) -> String {
    let mut spans: Vec<(usize, usize)> = spans.to_vec();
    spans.sort();
    // Merge overlapping spans: one restatement for one stretch of risky words.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            // Overlapping or only a comma or space apart: one stretch.
            Some(last)
                if a <= last.1
                    || text
                        .get(last.1..a)
                        .is_some_and(|g| g.chars().all(|c| c == ' ' || c == ',')) =>
            {
                last.1 = last.1.max(b)
            }
            _ => merged.push((a, b)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for s in sentences(text) {
        let here: Vec<(usize, usize)> = merged
            .iter()
            .filter(|&&(a, b)| a < s.end && b > s.start)
            .map(|&(a, b)| (a.max(s.start), b.min(s.end)))
            .collect();
        if here.is_empty() {
            continue;
        }
        out.push_str(&text[last..s.start]);
        let mut parts: Vec<String> = Vec::new();
        let sentence = &text[s.start..s.end];
        if sentence.starts_with("This involved ") || sentence.starts_with("The details are in ") {
            // A restatement read as risky in its turn (the model may take "our Glasgow desk
            // staff" for blame): only the bare facts are left.
            out.push_str(&list_facts(sentence).unwrap_or_default());
            last = s.end;
            continue;
        }
        let mut at = s.start;
        for (a, b) in here {
            if a > at {
                parts.extend(fragment(&text[at..a]));
            }
            parts.extend(restatement(&text[a..b]));
            at = at.max(b);
        }
        if at < s.end {
            if let Some(f) = fragment(&text[at..s.end]) {
                // ", which you can find in section 7.3" goes on the sentence before it.
                let relative = ["Which ", "Who ", "Where "]
                    .iter()
                    .any(|w| f.starts_with(w));
                match parts.last_mut() {
                    Some(prev) if relative && prev.ends_with('.') => {
                        prev.pop();
                        prev.push_str(", ");
                        prev.push_str(&lower_first_word(&f));
                    }
                    _ => parts.push(f),
                }
            }
        }
        let sentence = parts.join(" ");
        out.push_str(&sentence);
        last = s.end;
        if sentence.is_empty() {
            // Nothing left: the whitespace after the sentence goes too.
            let after = &text[s.end..];
            last = s.end + (after.len() - after.trim_start_matches([' ', '\t']).len());
        }
    }
    out.push_str(&text[last..]);
    out
}

/// What is left of a sentence beside the risky words, as a sentence of its own, unless it is
/// only filler or a dangling piece without facts.
fn fragment(s: &str) -> Option<String> {
    let t = tidy(s)
        .trim_end_matches([',', ';', ':', '—', '–', '-', ' '])
        .to_string();
    let facts = !protected_spans(&t).is_empty();
    if t.is_empty() || !facts && (only_filler(&t) || dangling(&t)) {
        return None;
    }
    Some(if t.ends_with(['.', '!', '?', '…']) {
        t
    } else {
        format!("{t}.")
    })
}

/// The facts of `risky` as a neutral sentence, or `None` when it carries none.
fn restatement(risky: &str) -> Option<String> {
    let facts = protected_spans(risky);
    if facts.is_empty() {
        return None;
    }
    // "section 7 of your credit card agreement", "clause 14", "page 11 of your tenancy agreement".
    static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:section|clause|page|paragraph|part|article|chapter|schedule|condition|rule|term)s?\s+\d+(?:\.\d+)*[a-z]?(?:\s+(?:of|in)\s+(?:our|the|your)(?:\s+(?:[A-Z][\w’'-]*|of|and|&|[a-z]+(?:\s+(?:terms|agreement|conditions|policy|wording|booklet|guide|contract))?))*?\s+(?:Terms(?:\s+(?:of|and)\s+[A-Z]\w+)*|[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*|terms|agreement|conditions|policy|wording|booklet|guide|contract|rules))?").expect("valid")
    });
    let refs: Vec<(usize, usize)> = REFERENCE
        .find_iter(risky)
        .map(|m| (m.start(), m.end()))
        .collect();
    if !refs.is_empty()
        && facts
            .iter()
            .all(|&(a, b)| refs.iter().any(|&(r0, r1)| r0 <= a && b <= r1))
    {
        let phrases: Vec<&str> = refs.iter().map(|&(a, b)| &risky[a..b]).collect();
        return Some(format!(
            "The details are in {}.",
            lower_first(&phrases.join(" and "))
        ));
    }
    if let Some(np) = noun_phrase(risky, &facts) {
        static DOCUMENT: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"\b(Terms|Policy|Conditions|Agreement|Guide|FAQ|FAQs|Regulations|Rules|Handbook|Charter)\b").expect("valid")
        });
        if DOCUMENT.is_match(&np) {
            return Some(format!("The details are in {}.", lower_first(&np)));
        }
        return Some(format!("This involved {}.", lower_first(&np)));
    }
    list_facts(risky)
}

/// "For reference: " and the facts of `risky`, or `None` when it has none.
fn list_facts(risky: &str) -> Option<String> {
    let facts = protected_spans(risky);
    if facts.is_empty() {
        return None;
    }
    // Names side by side are one name: "Harbour Bank", not "Harbour, Bank".
    let mut joined: Vec<(usize, usize)> = Vec::new();
    for &(a, b) in &facts {
        match joined.last_mut() {
            Some(last) if risky[last.1..a].chars().all(|c| c == ' ') => last.1 = b,
            _ => joined.push((a, b)),
        }
    }
    let mut phrases: Vec<String> = joined
        .iter()
        .map(|&(a, b)| fact_phrase(risky, a, b))
        .collect();
    phrases.dedup();
    Some(format!("For reference: {}.", phrases.join(", ")))
}

/// Words that end a noun phrase: verbs, auxiliaries, negations, relative words.
const NOT_IN_PHRASE: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "have",
    "has",
    "had",
    "haven't",
    "hasn't",
    "hadn't",
    "do",
    "does",
    "did",
    "didn't",
    "don't",
    "doesn't",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "should",
    "shouldn't",
    "would",
    "wouldn't",
    "will",
    "won't",
    "must",
    "may",
    "might",
    "never",
    "not",
    "no",
    "keeps",
    "keep",
    "kept",
    "made",
    "make",
    "makes",
    "let",
    "lets",
    "failed",
    "forgot",
    "lost",
    "messed",
    "dropped",
    "pushed",
    "shipped",
    "sent",
    "told",
    "said",
    "gave",
    "took",
    "seem",
    "seems",
    "seemed",
    "who",
    "which",
    "that",
    "whose",
    "where",
    "when",
    "if",
    "because",
    "and",
    "but",
    "or",
    "so",
    "to",
    "get",
    "got",
    "need",
    "needs",
    "want",
    "wants",
    "know",
    "knew",
    "think",
    "thought",
    "treat",
    "treated",
    "listen",
    "listened",
    "ignored",
];
/// Words that open a noun phrase.
const DETERMINERS: &[&str] = &[
    "our", "my", "the", "their", "his", "her", "your", "this", "these", "those", "a", "an", "that",
];
/// Prepositions that do not join a noun phrase's parts ("handlers at Gatwick" does; "your
/// money by Friday" is two things).
const NOT_JOINING: &[&str] = &[
    "by", "before", "after", "until", "till", "within", "for", "from", "to", "with", "without",
    "about", "since", "during", "than", "like", "into", "onto", "over", "under", "every", "each",
    "per", "via",
];
/// Names that say when, not who: "this Christmas" was not involved in anything.
const TIMES: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "christmas",
    "easter",
    "xmas",
];
const QUANTIFIERS: &[&str] = &[
    "some", "one", "half", "all", "most", "several", "many", "none", "two", "three", "each", "any",
];

fn bare(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .replace('’', "'")
        .to_lowercase()
}

/// A noun phrase opened by a determiner that holds every fact of `s`: "our handling agent in
/// Palma", "some of our Manchester desk team", "the Hove branch".
fn noun_phrase(s: &str, facts: &[(usize, usize)]) -> Option<String> {
    let words: Vec<(usize, usize)> = s
        .split_whitespace()
        .map(|w| {
            let start = w.as_ptr() as usize - s.as_ptr() as usize;
            (start, start + w.len())
        })
        .collect();
    // Names only: "that £700 back by Friday" is not who was involved.
    if facts
        .iter()
        .any(|&(a, _)| !s[a..].starts_with(char::is_uppercase))
    {
        return None;
    }
    let fact_word = |a: usize, b: usize| s[a..b].to_lowercase();
    if facts.iter().any(|&(a, b)| {
        DETERMINERS.contains(&fact_word(a, b).as_str())
            || QUANTIFIERS.contains(&fact_word(a, b).as_str())
    }) {
        return None;
    }
    let first = facts.first()?.0;
    let last = facts.iter().map(|f| f.1).max()?;
    let i = words.iter().position(|&(a, b)| a <= first && first < b)?;
    let k = words.iter().position(|&(a, b)| a < last && last <= b)?;
    // Back to a determiner, through nothing that ends a phrase.
    let mut start = None;
    for j in (i.saturating_sub(6)..=i).rev() {
        let w = bare(&s[words[j].0..words[j].1]);
        if j < i
            && (NOT_IN_PHRASE.contains(&w.as_str()) && w != "that"
                || NOT_JOINING.contains(&w.as_str())
                || w.ends_with("ly")
                || w.ends_with("ing")
                || w.ends_with("ed"))
        {
            return None;
        }
        if DETERMINERS.contains(&w.as_str()) {
            start = Some(j);
            if j >= 2
                && bare(&s[words[j - 1].0..words[j - 1].1]) == "of"
                && QUANTIFIERS.contains(&bare(&s[words[j - 2].0..words[j - 2].1]).as_str())
            {
                start = Some(j - 2);
            }
            break;
        }
    }
    let start = start?;
    // "this Christmas", "your Friday": a time, not who was involved.
    if start + 1 == i && TIMES.contains(&bare(&s[words[i].0..words[i].1]).as_str()) {
        return None;
    }
    // Between the first and the last fact, and after the last, only phrase words.
    let mut end = k;
    for j in i..=k {
        let w = bare(&s[words[j].0..words[j].1]);
        let name = s[words[j].0..].starts_with(char::is_uppercase);
        if !name && !["of", "and", "&", "the", "at", "in", "on"].contains(&w.as_str()) {
            return None;
        }
    }
    while end + 1 < words.len() && end < k + 2 {
        let raw = &s[words[end].0..words[end].1];
        if raw.ends_with([',', '.', ';', ':', '!', '?']) {
            break;
        }
        let w = bare(&s[words[end + 1].0..words[end + 1].1]);
        if w.is_empty()
            || NOT_IN_PHRASE.contains(&w.as_str())
            || NOT_JOINING.contains(&w.as_str())
            || w.ends_with("ly")
            || w.ends_with("ed")
            || w.ends_with("ing")
        {
            break;
        }
        // A word followed by "every", "the", "our" ... is a verb taking an object
        // ("overbooks every summer"), not part of the name.
        if let Some(&(a2, b2)) = words.get(end + 2) {
            let after = bare(&s[a2..b2]);
            if DETERMINERS.contains(&after.as_str())
                || QUANTIFIERS.contains(&after.as_str())
                || after == "every"
            {
                break;
            }
        }
        end += 1;
    }
    let phrase = &s[words[start].0..words[end].1];
    Some(
        phrase
            .trim_end_matches([',', '.', ';', ':', '!', '?'])
            .to_string(),
    )
}

/// A fact with the word that says what it is: "section 7", "10 days", "ref WCH-2291".
fn fact_phrase(s: &str, a: usize, b: usize) -> String {
    static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(section|clause|page|ref|reference|order|case|ticket|flight|booking|account|invoice|form|step|room|gate|platform|version|number|no\.)\s*[#:]?\s*$").expect("valid")
    });
    static AFTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(%|percent|pm|am|p\.m\.|a\.m\.|days?|weeks?|months?|years?|hours?|minutes?|mins?|working days|business days|GB|MB|TB|kg|miles?|km|passengers?|items?|nights?)\b").expect("valid")
    });
    // The whole word the fact is in: "V5", "FP57", "5MB", "80th".
    let is_part = |c: char| c.is_alphanumeric() || matches!(c, '-' | '/' | '.' | '£' | '$' | '€');
    let mut a = a;
    let mut b = b;
    while let Some(c) = s[..a].chars().next_back().filter(|&c| is_part(c)) {
        a -= c.len_utf8();
    }
    while let Some(c) = s[b..].chars().next().filter(|&c| is_part(c)) {
        b += c.len_utf8();
    }
    let trimmed = s[a..b].trim_end_matches(['.', '-', '/']);
    let b = a + trimmed.len();
    let mut start = BEFORE.find(&s[..a]).map_or(a, |m| m.start());
    if let Some(c) = s[..start]
        .chars()
        .next_back()
        .filter(|c| matches!(c, '£' | '$' | '€' | '#'))
    {
        start -= c.len_utf8();
    }
    let end = AFTER.find(&s[b..]).map_or(b, |m| b + m.end());
    s[start..end].trim().to_string()
}

/// `s` with its first letter in lower case.
fn lower_first_word(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        // Only a determiner or a common word: "Our team" → "our team", "Terms" stays.
        Some(c)
            if c.is_uppercase()
                && DETERMINERS
                    .iter()
                    .chain(QUANTIFIERS)
                    .any(|d| s.to_lowercase().starts_with(&format!("{d} "))) =>
        {
            c.to_lowercase().collect::<String>() + chars.as_str()
        }
        Some(c)
            if c.is_uppercase()
                && [
                    "section",
                    "clause",
                    "page",
                    "paragraph",
                    "part",
                    "article",
                    "chapter",
                    "schedule",
                    "condition",
                    "rule",
                    "term",
                ]
                .iter()
                .any(|d| s.to_lowercase().starts_with(d)) =>
        {
            c.to_lowercase().collect::<String>() + chars.as_str()
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(s: &str) -> String {
        restate_spans(s, &[(0, s.len())])
    }

    #[test]
    fn blame_that_names_a_place_keeps_who_was_involved() {
        assert_eq!(
            whole("Our baggage handlers at Gatwick have been a shambles lately."),
            "This involved our baggage handlers at Gatwick."
        );
        assert_eq!(
            whole("Some of our Manchester desk team have no idea how to treat people."),
            "This involved some of our Manchester desk team."
        );
    }

    #[test]
    fn a_policy_reference_becomes_where_the_details_are() {
        assert_eq!(
            whole("You should have read clause 14 before moving out."),
            "The details are in clause 14."
        );
        assert_eq!(
            whole("Per section 12 of our Terms of Service."),
            "The details are in section 12 of our Terms of Service."
        );
    }

    #[test]
    fn other_facts_are_listed_and_a_phrase_without_facts_goes() {
        assert_eq!(
            whole("You'll get every penny of that £700 back by Friday, I'll make sure."),
            "For reference: £700, Friday."
        );
        assert_eq!(whole("This will never happen again."), "");
    }

    #[test]
    fn a_relative_clause_after_a_restatement_stays_attached() {
        let t = "Unlimited plans are subject to the Fair Use Policy, which you can find in section 7.3 of our Terms.";
        let end = t.find(", which").unwrap();
        assert_eq!(
            restate_spans(t, &[(0, end)]),
            "The details are in the Fair Use Policy, which you can find in section 7.3 of our Terms."
        );
    }

    #[test]
    fn words_beside_the_risky_span_stay() {
        let t =
            "I'm afraid the Hove branch didn't bother to send it, and I have told their manager.";
        let end = t.find(", and").unwrap();
        let got = restate_spans(t, &[(0, end)]);
        assert_eq!(
            got,
            "This involved the Hove branch. I have told their manager."
        );
    }
}
