//! Whole-reply rewrites towards empathy, deterministic and offline.
//!
//! What a rewrite does, in order:
//! 1. **Removes what hurts**: every sympathy-side or dismissive finding (mirroring, blame of
//!    one's own side, pity, condemnation, unkeepable promises, platitudes, minimising, blaming
//!    the customer). A sentence that held nothing else goes; a sentence that also carries facts
//!    (numbers, dates, names, links, addresses) or an action keeps them and loses only the risky
//!    words. A promise keeps its content and loses its certainty.
//! 2. **Keeps every fact**: numbers, dates, e-mail addresses, links and names of the original
//!    survive; so does every action the agent offered.
//! 3. **Opens with an acknowledgment** that fits what the customer feels (from their message
//!    when given), after the greeting if the reply has one.
//! 4. **Asks** where the customer's need is unclear: when no action remains, a question about
//!    what happened comes before the sign-off.
//!
//! The result is analysed again; [`Rewrite::stance_after`] says what the analyzer thinks of it.

use evenkeel_core::{Analysis, Cue, Emotion, Side, Stance};
use evenkeel_model::Engine;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, Serialize)]
pub struct Rewrite {
    pub text: String,
    pub stance_before: Stance,
    pub stance_after: Stance,
    /// The risky words taken out, with their cue.
    pub removed: Vec<Removed>,
    /// Sentences added (the acknowledgment, a question).
    pub added: Vec<String>,
    /// Facts of the original that did not survive (empty when all did).
    pub lost: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    pub cue: Cue,
    pub text: String,
}

/// Tokens a rewrite must keep: numbers (with their units and separators), e-mail addresses,
/// links, and capitalised words that are not the first word of a sentence (names of people,
/// products, places, days and months).
pub fn protected(text: &str) -> Vec<String> {
    let mut out: Vec<String> = protected_spans(text)
        .into_iter()
        .map(|(a, b)| text[a..b].to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Where the [`protected`] tokens of `text` are, in order, without overlaps.
pub(crate) fn protected_spans(text: &str) -> Vec<(usize, usize)> {
    static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?x)
            https?://[^\s<>()]+[^\s<>().,;:!?'\x22]
          | www\.[^\s<>()]+[^\s<>().,;:!?'\x22]
          | [\w.+-]+@[\w-]+(?:\.[\w-]+)+
          | \d+(?:[.,:/-]\d+)*
        ",
        )
        .expect("valid")
    });
    // "100% sure", "it'll 100% be there", "I promise you 100%": certainty, not a fact. Only
    // "100% of", "a 100% refund" and the like state one.
    static PERCENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^(?:%|\s*per ?cent)").expect("valid"));
    static FACT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:%|\s*per ?cent)\s*(?:of|off|refund|refunded|discount|cashback|reimbursement|reimbursed|cotton|wool|recycled|renewable|charged|capacity|battery|uptime|cover|covered|increase|decrease|rise|deposit|payment|paid|fee|co-payment|match)\b").expect("valid")
    });
    let certainty = |m: &regex::Match| {
        m.as_str() == "100"
            && PERCENT.is_match(&text[m.end()..])
            && !FACT_AFTER.is_match(&text[m.end()..])
    };
    let mut out: Vec<(usize, usize)> = TOKEN
        .find_iter(text)
        .filter(|m| !certainty(m))
        .map(|m| (m.start(), m.end()))
        .collect();
    out.extend(names(text));
    out.sort();
    // A name inside a link or an address is part of that token.
    let mut kept: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (a, b) in out {
        match kept.last() {
            Some(&(_, e)) if a < e => {}
            _ => kept.push((a, b)),
        }
    }
    kept
}

/// Capitalised words that are not at the start of a sentence or line, and not "I".
fn names(text: &str) -> Vec<(usize, usize)> {
    // Capitalised, not shouted: "Priya", "Friday", "McAfee"; not "AGAIN".
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b[A-Z][\p{L}'’-]*\p{Ll}[\p{L}'’-]*\b").expect("valid"));
    let mut out = Vec::new();
    for m in WORD.find_iter(text) {
        let w = m.as_str();
        if w == "I" || w.starts_with("I'") || w.starts_with("I’") {
            continue;
        }
        // "Oh my God", "good Lord": an exclamation, not a name.
        if ["God", "Gosh", "Lord", "Christ", "Jesus", "Heavens"].contains(&w) {
            let before = text[..m.start()].trim_end().to_lowercase();
            if before.ends_with("my")
                || before.ends_with("oh")
                || before.ends_with("good")
                || before.ends_with("dear")
                || before.ends_with("thank")
            {
                continue;
            }
        }
        let mut before =
            text[..m.start()].trim_end_matches([' ', '\t', '"', '\'', '(', '“', '‘', '*']);
        // "@dani_k Ugh, ..." and "^MR Thanks": a handle or a signature tag opens the sentence.
        // The last word starts after the last whitespace char, whatever its width (a thin
        // space is three bytes).
        while let Some(i) = before
            .char_indices()
            .rfind(|&(_, c)| c.is_whitespace())
            .map(|(i, c)| i + c.len_utf8())
            .or(Some(0))
        {
            let last_word = &before[i..];
            if (last_word.starts_with('@') || last_word.starts_with('^')) && last_word.len() > 1 {
                before = before[..i].trim_end();
            } else {
                break;
            }
        }
        // After an end mark, a line break, or an emoji standing in for one.
        let sentence_start = before.is_empty()
            || before.ends_with(['.', '!', '?', '\n', ':', '…'])
            || before.chars().last().is_some_and(|c| {
                !c.is_alphanumeric()
                    && !c.is_ascii()
                    && !matches!(c, '’' | '‘' | '“' | '”' | '–' | '—' | '£' | '€')
            });
        if !sentence_start {
            out.push((m.start(), m.end()));
        }
    }
    out
}

/// A sentence of the reply: `text[start..end]`, the sentence's own words without the
/// whitespace that follows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sentence {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Sentences end at `.`, `!`, `?` or `…` (and any run of them, and closing quotes or
/// brackets) followed by whitespace, and at line breaks.
pub(crate) fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '\n' {
            if let Some(s) = start.take() {
                out.push(Sentence { start: s, end: at });
            }
            i += 1;
            continue;
        }
        if start.is_none() && !c.is_whitespace() {
            start = Some(at);
        }
        // An emoji followed by a space ends a sentence the way "!" would ("too 😤 Reinstall").
        if is_emoji(c) && chars.get(i + 1).is_some_and(|&(_, n)| n.is_whitespace()) {
            if let Some(s) = start.take() {
                out.push(Sentence {
                    start: s,
                    end: at + c.len_utf8(),
                });
            }
            i += 1;
            continue;
        }
        if matches!(c, '.' | '!' | '?' | '…') {
            let mut j = i + 1;
            while j < chars.len()
                && matches!(
                    chars[j].1,
                    '.' | '!' | '?' | '…' | '"' | '\'' | ')' | '”' | '’'
                )
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
            if j == chars.len() || chars[j].1.is_whitespace() {
                if let Some(s) = start.take() {
                    out.push(Sentence { start: s, end });
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    if let Some(s) = start {
        let end = text.trim_end().len().max(s);
        out.push(Sentence { start: s, end });
    }
    out
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F000..=0x1F2FF)
}

fn is_risky(cue: Cue) -> bool {
    cue.side() != Side::Empathy
}

/// An opening line or sign-off: kept where it is, never judged for content.
fn is_greeting(s: &str) -> bool {
    static G: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings)\b[^.!?]{0,40}[,!.]?$").expect("valid")
    });
    // "Ms. Delgado," or "Mr and Mrs Novak,": a short line that ends in a comma.
    static NAME_LINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Z][\w.’' -]{1,40},$").expect("valid"));
    G.is_match(s.trim()) || NAME_LINE.is_match(s.trim()) && s.split_whitespace().count() <= 5
}

fn is_signoff(s: &str) -> bool {
    static S: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(kind regards|best regards|regards|best|thanks|thank you|many thanks|cheers|warm regards|warmest regards|sincerely|yours sincerely|yours faithfully|yours truly|yours|all the best|take care|with thanks|best wishes)\b[^.!?]{0,30}[,.!]?$|^[-–—]\s*\S").expect("valid")
    });
    S.is_match(s.trim())
}

/// What is left of a clause ends mid-phrase ("it must all be", "this is so"): a fragment.
pub(crate) fn dangling(s: &str) -> bool {
    const OPEN: &[&str] = &[
        "be", "is", "are", "was", "were", "been", "am", "so", "too", "very", "really", "the", "a",
        "an", "of", "to", "for", "with", "and", "but", "at", "in", "on", "my", "our", "your",
        "that", "this", "just", "feel", "feels", "felt", "makes", "made", "me", "must", "would",
        "could",
    ];
    let last = s
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .rsplit(|c: char| !c.is_alphanumeric() && c != '\'')
        .next()
        .unwrap_or("")
        .to_lowercase();
    OPEN.contains(&last.as_str())
}

/// A sentence that is only an exclamation of alarm.
fn is_exclamation(s: &str) -> bool {
    static E: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(wow+|oh+ (no+|dear|my( god| gosh)?|wow)|ugh+|argh+|yikes|omg|geez|jeez|gosh|good grief|damn|blimey|whoa|oh+)[\s,]*(that'?s|this is)?\s*(terrible|awful|horrible|crazy|insane|unbelievable)?\s*[!.?…]*$").expect("valid")
    });
    E.is_match(s.trim())
}

/// Words that carry no fact once the risky words are gone ("so", "really", "and", "but").
pub(crate) fn only_filler(s: &str) -> bool {
    const FILLER: &[&str] = &[
        "and",
        "but",
        "so",
        "oh",
        "wow",
        "honestly",
        "really",
        "very",
        "just",
        "also",
        "too",
        "again",
        "this",
        "that",
        "it",
        "is",
        "was",
        "i",
        "am",
        "we",
        "are",
        "you",
        "the",
        "a",
        "an",
        "of",
        "to",
        "for",
        "with",
        "me",
        "us",
        "our",
        "my",
        "your",
        "as",
        "well",
        "all",
        "about",
        "on",
        "at",
        "in",
        "here",
        "there",
        "now",
        "yes",
        "no",
        "okay",
        "ok",
        "sorry",
        "please",
        "however",
        "because",
        "which",
        "what",
        "be",
        "been",
        "not",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "completely",
        "totally",
        "absolutely",
        "frankly",
        "clearly",
        "obviously",
        "seriously",
        "literally",
        "such",
        "thing",
        "things",
        "they",
        "them",
        "he",
        "she",
        "its",
        "it's",
        "that's",
        "this's",
        "i'm",
        "we're",
        "you're",
    ];
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.len() < 3 || words.iter().all(|w| FILLER.contains(&w.as_str()))
}

/// Certainty about what others or the future will do, made into what the agent does.
fn soften_promise(s: &str) -> String {
    static SURE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(i'?m|i am|we'?re|we are) (100% |absolutely |completely |totally )?(sure|certain|confident)( that)?\s+").expect("valid")
    });
    let s = SURE.replace_all(s, "").to_string();
    let s = s.as_str();
    static PROMISE_THAT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(i|we) (can |will )?(personally )?(100% )?(promise|guarantee|assure|swear to|swear)( you| to you)?,? that\s+").expect("valid")
    });
    static CERTAIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i),?\s*\b(i|we) (can |will )?(personally )?(100% )?(promise|guarantee|swear)( you[\s,])?\b[!.]?|\b(i|we) (can )?assure you\b,?|\b(definitely|certainly|absolutely|for sure|without (a )?doubt|surely)\b,?|,?\s*you have my word\b|,?\s*whatever it takes\b").expect("valid")
    });
    // Words that shrink the problem or needle the customer: "it's literally $40", "did you
    // even look", "it's only £75".
    static SHRINK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(literally|only|just|merely|simply|even|obviously|clearly|actually|honestly)\b\s*|\b(a|an|the) (100% )?guarantee (that )?|\bgiving you (a )?(100% )?guarantee (that )?|\b100% (sure|certain)\b,?\s*|\b100%\s+(?P<verb>have|get|be|see|receive|arrive|work|fix|sort|solve|resolve|refund|deliver|send|call|email|replace|repair)\b").expect("valid")
    });
    // Pointing at the rules instead of giving a reason: the reference stays, as where the
    // details are, not as the answer.
    static CITES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)[,;]?\s*\b(as per|per|in line with|in accordance with|as stated in|as set out in|as outlined in|as explained in|as listed in|as listed on|according to|as required by|which is a requirement under)\s+(our|the|your)\s+").expect("valid")
    });
    let s = CITES
        .replace_all(s, "; the details are in ${2} ")
        .to_string();
    let s = s.as_str();
    // "..., I guarantee it." / "I promise you that!": the whole aside goes.
    static ASIDE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i),?\s*\b(i|we) (promise|guarantee|swear)( you)?( it| that| this)?\s*([.!?]+|$)",
        )
        .expect("valid")
    });
    let s = ASIDE.replace_all(s, "$5").to_string();
    let s = PROMISE_THAT.replace_all(&s, " ").to_string();
    let s = CERTAIN.replace_all(&s, " ").to_string();
    let s = SHRINK.replace_all(&s, "$verb").to_string();
    static NEVER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(this|it|that) will never happen (to you )?again\b[^.!?]*")
            .expect("valid")
    });
    NEVER
        .replace_all(&s, "I've passed this on so it can be looked at")
        .to_string()
}

/// Tidies a sentence after words were taken out: spaces, stray punctuation, capital letter.
pub(crate) fn tidy(s: &str) -> String {
    static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[ \t]{2,}").expect("valid"));
    static BEFORE_PUNCT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s+([,.;:!?])").expect("valid"));
    static DOUBLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"([,;:])\s*([,.;:!?])").expect("valid"));
    static LEADING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[\s,;:.!?—–-]+").expect("valid"));
    static LEADING_JOIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(and|but|so|also|plus|because|as)\b[\s,]*").expect("valid")
    });
    let mut s = SPACES.replace_all(s.trim(), " ").to_string();
    s = BEFORE_PUNCT.replace_all(&s, "$1").to_string();
    s = DOUBLE.replace_all(&s, "$2").to_string();
    s = LEADING.replace(&s, "").to_string();
    s = LEADING_JOIN.replace(&s, "").to_string();
    static TRAILING_JOIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)[\s,]+(and|but|so|or|because|as)\s*([.!?…]*)$").expect("valid")
    });
    s = TRAILING_JOIN.replace(&s, "$2").to_string();
    let s = s.trim().to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().collect::<String>() + chars.as_str(),
        Some(_) => s,
        None => s,
    }
}

/// An acknowledgment that names what the customer feels, from their side.
fn acknowledgment(emotion: Emotion) -> &'static str {
    match emotion {
        Emotion::Anger => "I can understand why this has made you angry.",
        Emotion::Frustration => "I can see why this is so frustrating.",
        Emotion::Sadness => {
            "I'm sorry you're going through this; I can see how much it matters to you."
        }
        Emotion::Anxiety => {
            "I can understand why this is worrying, and I want to help you get it settled."
        }
        Emotion::Confusion => "I can see why this is confusing, so let me go through it with you.",
        Emotion::Disappointment => "I can understand why this is disappointing.",
        Emotion::None => "I can see why this matters to you.",
    }
}

const QUESTION: &str =
    "Could you tell me a bit more about what happened, so I can look into it properly?";

/// Rewrites `reply` towards empathy. `customer` is the message it answers, if known.
/// A social reply's leading `@handles` and trailing `^XY` signature stay where they are.
pub fn rewrite(engine: &Engine, reply: &str, customer: Option<&str>) -> Rewrite {
    static HANDLES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*((?:@\w+[\s,]*)+)").expect("valid"));
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s+(\^\w{1,4}|[-–—]\s?\w{1,12})\s*$").expect("valid"));
    let head = HANDLES.captures(reply).map(|c| c[1].trim_end().to_string());
    let body = match &head {
        Some(h) => reply.trim_start()[h.len()..].trim_start(),
        None => reply,
    };
    let tail = TAG.captures(body).map(|c| c[1].to_string());
    let body = match &tail {
        Some(t) => body.trim_end()[..body.trim_end().len() - t.len()].trim_end(),
        None => body,
    };
    if head.is_none() && tail.is_none() {
        return rewrite_body(engine, reply, customer);
    }
    let mut r = rewrite_body(engine, body, customer);
    r.stance_before = engine.analyze(reply, customer).stance;
    if let Some(h) = head {
        r.text = format!("{h} {}", r.text);
    }
    if let Some(t) = tail {
        r.text = format!("{} {t}", r.text);
    }
    r.stance_after = engine.analyze(&r.text, customer).stance;
    let kept = protected(&r.text);
    r.lost = protected(reply)
        .into_iter()
        .filter(|t| !kept.contains(t) && !r.text.contains(t.as_str()))
        .collect();
    r
}

fn rewrite_body(engine: &Engine, reply: &str, customer: Option<&str>) -> Rewrite {
    let before = engine.analyze(reply, customer);
    let (mut text, mut removed) = remove_risky(reply, &before, true);
    // A second pass for what the first left (a softened promise still read as one, a risky
    // phrase that shared a clause with facts).
    // Taking words out can make what is left read differently ("we are unable to refund" is
    // a closed door once nothing else is said), so this repeats, a few times at most.
    for _ in 0..3 {
        let again = engine.analyze(&text, customer);
        if !again.findings.iter().any(|f| is_risky(f.cue)) {
            break;
        }
        let (t, r) = remove_risky(&text, &again, false);
        if t == text {
            break;
        }
        text = t;
        removed.extend(r);
    }
    // What is still risky carries facts that removing would lose: restated as plain facts.
    text = settle(engine, &text, customer, &mut removed);
    let mut added = Vec::new();
    let analysis = engine.analyze(&text, customer);
    let cues = analysis.cues();
    let felt = customer
        .map(|c| engine.customer_emotion(c))
        .filter(|&e| e != Emotion::None)
        .or_else(|| implied_emotion(&before));
    // A name the agent addressed the customer by ("..., Lou.") stays in the reply.
    // So does a name that went with words taken out ("Honestly Carla our refunds department is
    // a shambles"): the acknowledgment addresses them by it.
    let name = vocative(reply)
        .filter(|n| !text.contains(n.as_str()))
        .or_else(|| {
            let lost: Vec<String> = names(reply)
                .into_iter()
                .map(|(a, b)| reply[a..b].to_string())
                .filter(|n| !text.contains(n.as_str()))
                .collect();
            (!lost.is_empty()).then(|| lost.join(" and "))
        });
    if !cues.contains(&Cue::AcknowledgesEmotion) && !cues.contains(&Cue::Validates) {
        let ack = acknowledgment(felt.unwrap_or(Emotion::None));
        let ack = match &name {
            Some(n) => format!("{}, {n}.", ack.trim_end_matches('.')),
            None => ack.to_string(),
        };
        text = insert_opening(&text, &ack);
        added.push(ack);
    } else if let Some(n) = &name {
        text = insert_opening(&text, &format!("{n},")).replacen(
            &format!("{n}, "),
            &format!("{n}, "),
            1,
        );
    }
    let analysis = engine.analyze(&text, customer);
    let cues = analysis.cues();
    if !cues.contains(&Cue::OffersAction) && !cues.contains(&Cue::Explores) {
        text = insert_closing(&text, QUESTION);
        added.push(QUESTION.to_string());
    }
    // The added lines change the context the model reads; what that makes risky goes too.
    text = settle(engine, &text, customer, &mut removed);
    let mut after = engine.analyze(&text, customer);
    let cues = after.cues();
    if added.is_empty()
        && !cues.contains(&Cue::AcknowledgesEmotion)
        && !cues.contains(&Cue::Validates)
    {
        // What acknowledged the feeling went with the risky words beside it.
        let ack = acknowledgment(felt.unwrap_or(Emotion::None)).to_string();
        text = insert_opening(&text, &ack);
        added.push(ack);
        after = engine.analyze(&text, customer);
    }
    let kept = protected(&text);
    let lost = protected(reply)
        .into_iter()
        .filter(|t| !kept.contains(t) && !text.contains(t.as_str()))
        .collect();
    Rewrite {
        text,
        stance_before: before.stance,
        stance_after: after.stance,
        removed,
        added,
        lost,
    }
}

/// Restates (or removes) whatever evenkeel still finds risky in `text`, until nothing is or
/// three rounds have passed.
fn settle(
    engine: &Engine,
    text: &str,
    customer: Option<&str>,
    removed: &mut Vec<Removed>,
) -> String {
    let mut text = text.to_string();
    for _ in 0..3 {
        let a = engine.analyze(&text, customer);
        let risky: Vec<_> = a.findings.iter().filter(|f| is_risky(f.cue)).collect();
        if risky.is_empty() {
            break;
        }
        removed.extend(risky.iter().map(|f| Removed {
            cue: f.cue,
            text: f.text.clone(),
        }));
        let spans: Vec<(usize, usize)> = risky.iter().map(|f| (f.start, f.end)).collect();
        let next = clean_blank_lines(&crate::restate::restate_spans(&text, &spans));
        if next == text {
            break;
        }
        text = next;
    }
    text
}

/// The customer's name when the reply addresses them by it: a capitalised word between a comma
/// and a comma or the end of a sentence ("Three months is a scandal, Amara.").
fn vocative(reply: &str) -> Option<String> {
    static V: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r",\s+([A-Z][\p{Ll}'’-]+)\s*(?:[,.!?]|$)").expect("valid"));
    static NOT: &[&str] = &[
        "Please",
        "Thanks",
        "Thank",
        "Sorry",
        "Honestly",
        "Unfortunately",
        "However",
        "Sadly",
        "Also",
        "Okay",
        "Ok",
        "Yes",
        "No",
        "Again",
        "Though",
        "Too",
        "Anyway",
        "Cheers",
        "Regards",
        "Best",
    ];
    V.captures_iter(reply)
        .map(|c| c[1].to_string())
        .find(|n| !NOT.contains(&n.as_str()))
}

/// What the agent's own words suggest the customer feels, when the customer's message is not
/// given: mirroring and condemning answer anger, pity answers sadness.
fn implied_emotion(a: &Analysis) -> Option<Emotion> {
    let cues = a.cues();
    if cues.contains(&Cue::MirrorsEmotion)
        || cues.contains(&Cue::Condemns)
        || cues.contains(&Cue::BlamesOwnSide)
    {
        Some(Emotion::Frustration)
    } else if cues.contains(&Cue::Pity) {
        Some(Emotion::Sadness)
    } else if cues.contains(&Cue::Minimizes) || cues.contains(&Cue::BlamesCustomer) {
        Some(Emotion::Frustration)
    } else {
        None
    }
}

/// Clauses of a sentence: split after commas, semicolons, dashes and before "and", "but",
/// "so", as byte ranges into the reply.
fn clauses(reply: &str, s: Sentence) -> Vec<(usize, usize)> {
    static SPLIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[,;]\s+|\s+[—–-]\s+|\s+(?:and|but|so|because|as)\s+").expect("valid")
    });
    let text = &reply[s.start..s.end];
    let mut out = Vec::new();
    let mut at = 0;
    for m in SPLIT.find_iter(text) {
        if m.start() > at {
            out.push((s.start + at, s.start + m.start()));
        }
        at = m.start();
    }
    out.push((s.start + at, s.end));
    out
}

/// Words of certainty about what others or the future will do.
static CERTAINTY_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(i|we) (can |will )?(personally )?(100% )?(promise|guarantee|swear)\b|\b100%\s+(sure|certain|have|get|be|fix|sort|solve|resolve|refund|deliver|send|replace|repair)\b|\b(definitely|guaranteed)\b").expect("valid")
});

/// Takes the risky findings out of `reply`, sentence by sentence and clause by clause. With
/// `soften`, a promise that carries a fact or an action keeps them and loses its certainty;
/// without it (the second pass), what is still risky goes.
fn remove_risky(reply: &str, a: &Analysis, soften: bool) -> (String, Vec<Removed>) {
    let risky: Vec<_> = a.findings.iter().filter(|f| is_risky(f.cue)).collect();
    let mut removed = Vec::new();
    if risky.is_empty() {
        return (reply.to_string(), removed);
    }
    let actions: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.cue == Cue::OffersAction)
        .collect();
    let overlaps = |f: &&evenkeel_core::Finding, a0: usize, a1: usize| f.start < a1 && f.end > a0;
    let mut out = String::with_capacity(reply.len());
    let mut last = 0;
    for s in sentences(reply) {
        let here: Vec<_> = risky
            .iter()
            .filter(|f| overlaps(f, s.start, s.end))
            .collect();
        out.push_str(&reply[last..s.start]);
        last = s.end;
        let sentence = &reply[s.start..s.end];
        let drop_sentence = |last: &mut usize| {
            let after = &reply[s.end..];
            *last = s.end + (after.len() - after.trim_start_matches([' ', '\t']).len());
        };
        if here.is_empty() {
            if is_exclamation(sentence) {
                // "Wow!", "Oh no!!": the agent's own alarm, which a calm reply does without.
                drop_sentence(&mut last);
            } else if soften && CERTAINTY_WORDS.is_match(sentence) {
                // A promise the analyzer did not flag is still a promise.
                out.push_str(&tidy(&soften_promise(sentence)));
            } else {
                out.push_str(sentence);
            }
            continue;
        }
        for f in &here {
            removed.push(Removed {
                cue: f.cue,
                text: f.text.clone(),
            });
        }
        let promise_only = here.iter().all(|f| f.cue == Cue::Overpromise);
        let has_action = actions.iter().any(|f| overlaps(f, s.start, s.end));
        if soften && promise_only && (has_action || !protected(sentence).is_empty()) {
            out.push_str(&tidy(&soften_promise(sentence)));
            continue;
        }
        // Clause by clause: a clause without risk stays; a risky clause keeps only its facts
        // and actions, without the risky words; one with neither goes.
        let mut kept: Vec<String> = Vec::new();
        let mut dropped_before = false;
        for (c0, c1) in clauses(reply, s) {
            let clause = &reply[c0..c1];
            let risk: Vec<_> = here.iter().filter(|f| overlaps(f, c0, c1)).collect();
            if risk.is_empty() {
                // "…is a disgrace, Rachel, and …": the name goes with the dropped clause (the
                // acknowledgment takes it up).
                let lone_name = clause
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .chars()
                    .all(char::is_alphabetic)
                    && clause
                        .trim_start_matches(|c: char| !c.is_alphanumeric())
                        .starts_with(char::is_uppercase)
                    && clause
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .split_whitespace()
                        .count()
                        == 1;
                if dropped_before && lone_name {
                    continue;
                }
                kept.push(clause.to_string());
                continue;
            }
            let acts = actions.iter().any(|f| overlaps(f, c0, c1));
            // A finding that spans the whole sentence does not make each of its clauses risky: an
            // action clause inside it stays, without any certainty.
            if acts
                && risk.iter().all(|f| f.start < c0 || f.end > c1)
                && !CERTAINTY_WORDS.is_match(clause)
                && risk.iter().all(|f| f.end - f.start > (c1 - c0) * 2)
            {
                kept.push(soften_promise(clause));
                continue;
            }
            dropped_before = true;
            if protected(clause).is_empty() && !acts {
                continue;
            }
            let mut rest = String::new();
            let mut at = c0;
            let mut spans: Vec<(usize, usize)> = risk
                .iter()
                .map(|f| (f.start.max(c0), f.end.min(c1)))
                .collect();
            spans.sort();
            for (a0, a1) in spans {
                if a0 > at {
                    rest.push_str(&reply[at..a0]);
                }
                at = at.max(a1);
            }
            if at < c1 {
                rest.push_str(&reply[at..c1]);
            }
            // Facts the risky words carried are kept as they were: better a blunt clause than a
            // lost date or name.
            let lost: Vec<String> = protected(clause)
                .into_iter()
                .filter(|t| !rest.contains(t.as_str()))
                .collect();
            if !lost.is_empty() {
                rest = soften_promise(clause);
            }
            let facts_left = !protected(&rest).is_empty();
            if (!only_filler(&rest) && !dangling(&rest)) || facts_left {
                kept.push(rest);
            }
        }
        let joined = tidy(
            &kept
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        );
        if joined.is_empty()
            || (only_filler(&joined) || dropped_before && dangling(&joined))
                && protected(&joined).is_empty()
        {
            drop_sentence(&mut last);
            continue;
        }
        let ends = joined.ends_with(['.', '!', '?', '…']);
        out.push_str(&joined);
        if !ends {
            out.push('.');
        }
    }
    out.push_str(&reply[last..]);
    (clean_blank_lines(&out), removed)
}

fn clean_blank_lines(s: &str) -> String {
    static BLANKS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\n[ \t]*\n([ \t]*\n)+").expect("valid"));
    static LINE_SPACE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^[ \t]+|[ \t]+$").expect("valid"));
    let s = LINE_SPACE.replace_all(s, "");
    BLANKS.replace_all(&s, "\n\n").trim().to_string()
}

/// Puts `line` first, after a greeting line if there is one.
fn insert_opening(text: &str, line: &str) -> String {
    let first = sentences(text).into_iter().next();
    match first {
        Some(s) if is_greeting(&text[s.start..s.end]) => {
            let rest = &text[s.end..];
            let body = rest.trim_start();
            let gap = &rest[..rest.len() - body.len()];
            if gap.contains('\n') {
                // The acknowledgment opens the body, after the greeting's own line break(s).
                format!("{}{gap}{line} {body}", &text[..s.end])
                    .trim_end()
                    .to_string()
            } else {
                format!("{} {line} {body}", &text[..s.end])
                    .trim_end()
                    .to_string()
            }
        }
        _ if text.trim().is_empty() => line.to_string(),
        _ => format!("{line} {}", text.trim_start()),
    }
}

/// Puts `line` last, before a sign-off if there is one.
fn insert_closing(text: &str, line: &str) -> String {
    let ss = sentences(text);
    // Sign-off lines at the end (and the name under them).
    let mut cut = None;
    for s in ss.iter().rev().take(3) {
        if is_signoff(&text[s.start..s.end]) {
            cut = Some(s.start);
        }
    }
    match cut {
        Some(at) => {
            let head = text[..at].trim_end();
            // The same break before the sign-off as the original had.
            let gap = &text[head.len()..at];
            let sep = if gap.contains('\n') { gap } else { " " };
            format!("{head} {line}{sep}{}", &text[at..])
        }
        None => format!("{} {line}", text.trim_end()),
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

    #[test]
    fn the_articles_sympathetic_reply_becomes_empathetic() {
        let r = rewrite(
            &engine(),
            "Wow! This is so irresponsible of my team. I apologize for their inconsistency. This is not acceptable.",
            Some("I've been waiting three weeks for my refund and nobody answers. I'm furious."),
        );
        assert_eq!(r.stance_before, Stance::Sympathetic);
        assert_eq!(r.stance_after, Stance::Empathetic, "{}", r.text);
        assert!(
            r.text.starts_with("I can "),
            "opens with an acknowledgment: {}",
            r.text
        );
        assert!(
            !r.text.contains("irresponsible")
                && !r.text.contains("not acceptable")
                && !r.text.contains("Wow"),
            "{}",
            r.text
        );
    }

    #[test]
    fn facts_and_actions_survive() {
        let reply = "Hi Priya,\nUgh, our billing team messed up AGAIN, I'm so sorry. I've refunded the £42.50 to your card ending 4242 and you will definitely see it by Friday 14 March. Details are at https://example.com/refunds or write to billing@example.com.\nKind regards,\nTom";
        let r = rewrite(&engine(), reply, Some("You charged me twice!!"));
        for t in [
            "£42.50",
            "42.50",
            "4242",
            "Friday",
            "14",
            "March",
            "https://example.com/refunds",
            "billing@example.com",
            "Priya",
            "Tom",
        ] {
            assert!(
                r.text.contains(t.trim_start_matches('£')),
                "{t} lost: {}",
                r.text
            );
        }
        assert!(r.lost.is_empty(), "{:?}", r.lost);
        assert!(r.text.starts_with("Hi Priya,\n"), "{}", r.text);
        assert!(r.text.ends_with("Kind regards,\nTom"), "{}", r.text);
        assert!(!r.text.to_lowercase().contains("definitely"), "{}", r.text);
    }

    #[test]
    fn a_cold_reply_with_nothing_to_act_on_gets_a_question() {
        let r = rewrite(
            &engine(),
            "That's our policy. You should have read the terms.",
            Some("Why was I charged a cancellation fee?"),
        );
        assert_eq!(r.stance_before, Stance::Dismissive);
        assert!(r.text.contains(QUESTION), "{}", r.text);
        assert_eq!(r.stance_after, Stance::Empathetic, "{}", r.text);
    }

    #[test]
    fn an_action_sharing_a_sentence_with_a_promise_stays_and_a_lone_name_moves_up() {
        let r = rewrite(
            &engine(),
            "Six hours with no water is a disgrace, Rachel, and I'm so sorry you and the kids went through that. I've flagged it with our ops director and I promise you this will never happen again.",
            None,
        );
        assert!(
            r.text.contains("I've flagged it with our ops director"),
            "{}",
            r.text
        );
        assert!(
            !r.text.contains("never happen again") && !r.text.contains("disgrace"),
            "{}",
            r.text
        );
        assert!(
            r.text.starts_with("Rachel, ") || r.text.contains(", Rachel."),
            "{}",
            r.text
        );
        assert!(
            !r.text.contains("andthis") && !r.text.contains("Rachel, and"),
            "{}",
            r.text
        );
    }

    #[test]
    fn a_policy_citation_becomes_where_the_details_are_and_questions_go_before_the_sign_off() {
        let r = rewrite(&engine(), "Dear Mr Evans,\n\nRefund requests are reviewed per our Terms of Service. The decision is final.\n\nYours sincerely,\nClaims Team", Some("Why was my refund refused?"));
        assert!(
            r.text.contains("Terms of Service") && !r.text.contains("per our"),
            "{}",
            r.text
        );
        assert!(
            r.text.ends_with("\n\nYours sincerely,\nClaims Team"),
            "{}",
            r.text
        );
    }

    #[test]
    fn no_fragment_is_left_where_pity_was_taken_out() {
        let r = rewrite(&engine(), "Aww bless your heart, it must all be so bewildering for you at your age! Tap 'Accounts' at the bottom and your pension shows on the 1st of each month.", None);
        assert!(
            !r.text.contains("must all be") && !r.text.contains("your age"),
            "{}",
            r.text
        );
        assert!(
            r.text.contains("Tap 'Accounts' at the bottom"),
            "{}",
            r.text
        );
    }

    #[test]
    fn an_emoji_ends_a_sentence() {
        let t = "It drives me up the wall too 😤 Reinstall it and log in again.";
        let got: Vec<&str> = sentences(t).iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(
            got,
            [
                "It drives me up the wall too 😤",
                "Reinstall it and log in again."
            ]
        );
    }

    #[test]
    fn protected_tokens_are_numbers_links_addresses_and_names() {
        let p = protected("Hi Sam, your order 12-345 ships on Monday. See www.example.com/x or mail a@b.co. I think Acme Ltd. will call.");
        for t in [
            "12-345",
            "Monday",
            "www.example.com/x",
            "a@b.co",
            "Acme",
            "Ltd",
            "Sam",
        ] {
            assert!(p.contains(&t.to_string()), "{t}: {p:?}");
        }
        assert!(
            !p.contains(&"Hi".to_string())
                && !p.contains(&"See".to_string())
                && !p.contains(&"I".to_string()),
            "{p:?}"
        );
    }

    #[test]
    fn sentences_split_on_end_marks_and_lines() {
        let t = "Hi Ana,\nThis is bad!! Really? Yes... OK.";
        let got: Vec<&str> = sentences(t).iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(
            got,
            ["Hi Ana,", "This is bad!!", "Really?", "Yes...", "OK."]
        );
    }
}

/// Checks a rewrite drafted elsewhere (a language model): it is accepted only if evenkeel
/// reads it as empathetic and every fact of the original (see [`protected`]) is still in it.
/// `Err` says why not, for the fallback to the deterministic rewrite.
pub fn accept_draft(
    engine: &Engine,
    original: &str,
    draft: &str,
    customer: Option<&str>,
) -> Result<Rewrite, String> {
    let draft = draft.trim();
    if draft.is_empty() {
        return Err("the draft is empty".into());
    }
    let after = engine.analyze(draft, customer);
    if after.stance != Stance::Empathetic {
        return Err(format!(
            "evenkeel reads the draft as {}",
            after.stance.name()
        ));
    }
    let missing: Vec<String> = protected(original)
        .into_iter()
        .filter(|t| !draft.contains(t.as_str()))
        .collect();
    if !missing.is_empty() {
        return Err(format!("the draft drops {}", missing.join(", ")));
    }
    let before = engine.analyze(original, customer);
    Ok(Rewrite {
        text: draft.to_string(),
        stance_before: before.stance,
        stance_after: after.stance,
        removed: before
            .findings
            .iter()
            .filter(|f| is_risky(f.cue))
            .map(|f| Removed {
                cue: f.cue,
                text: f.text.clone(),
            })
            .collect(),
        added: Vec::new(),
        lost: Vec::new(),
    })
}

/// The instructions a language model gets for a draft.
pub const LLM_INSTRUCTIONS: &str = "You rewrite customer-support replies from sympathy to empathy. Remove the agent's own anger or distress, blame of colleagues or the company, pity, moral condemnation, and promises about outcomes the agent does not control. Keep every fact, number, date, name, link, e-mail address and action of the original, word for word. Open by acknowledging the customer's feeling from their side, in one sentence. If the customer's need is unclear, ask one question about it. Keep the length and the register. Answer with the rewritten reply only.";

#[cfg(test)]
mod draft_tests {
    use super::*;
    use evenkeel_core::Analyzer;
    use evenkeel_model::EngineKind;

    #[test]
    fn a_draft_is_accepted_only_when_empathetic_and_complete() {
        let e = Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap();
        let original =
            "Ugh, our courier team is useless. Your parcel 88231 will definitely arrive on Friday.";
        let good = "I can see why this is so frustrating. I've chased parcel 88231 with the courier and they expect to deliver it on Friday.";
        assert!(accept_draft(&e, original, good, None).is_ok());
        let drops =
            "I can see why this is so frustrating. I've chased your parcel with the courier.";
        assert!(accept_draft(&e, original, drops, None)
            .unwrap_err()
            .contains("88231"));
        let sympathetic = "Our courier team is useless, parcel 88231 on Friday.";
        assert!(accept_draft(&e, original, sympathetic, None)
            .unwrap_err()
            .contains("sympathetic"));
    }
}
