//! Hashed sparse features. Every feature is a string hashed into a fixed number of buckets, so
//! the model has a fixed size whatever the vocabulary; the hash is FNV-1a, stable across
//! platforms and releases, which the model file depends on.

use crate::tokens::Token;
use evenkeel_core::{Analysis, Cue};

/// A sparse feature vector: bucket indices (a feature seen twice appears twice).
pub type Features = Vec<u32>;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x100_0000_01b3;

/// The FNV-1a state after a feature's first part. A feature family ("w", "bi") is hashed once,
/// not once per feature; what follows is hashed on from there, so the buckets are the same.
#[derive(Debug, Clone, Copy)]
struct Tag(u64);

impl Tag {
    const fn new(tag: &str) -> Tag {
        Tag(absorb(FNV_OFFSET, tag.as_bytes()))
    }

    /// Hash one more part (after a separator).
    fn then(self, part: &str) -> Tag {
        self.open().part(part)
    }

    /// The state after the separator that comes before a next part: [`Tag::then`] is
    /// `open().part()`, and a constant tag opened once saves a step of every feature's chain.
    const fn open(self) -> Open {
        Open(absorb(self.0, &[0x1f]))
    }

    fn bucket(self, buckets: u32) -> u32 {
        ((self.0 ^ (self.0 >> 32)) as u32) & (buckets - 1)
    }
}

/// A [`Tag`] with the separator before its next part hashed already.
#[derive(Debug, Clone, Copy)]
struct Open(u64);

impl Open {
    const fn new(tag: &str) -> Open {
        Tag::new(tag).open()
    }

    /// The next part.
    fn part(self, part: &str) -> Tag {
        Tag(absorb(self.0, part.as_bytes()))
    }
}

/// FNV-1a state `h` after `bytes`.
const fn absorb(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

/// Hash `parts` into `0..buckets` (a power of two).
pub fn hash(parts: &[&str], buckets: u32) -> u32 {
    let Some((first, rest)) = parts.split_first() else {
        return Tag(FNV_OFFSET).bucket(buckets);
    };
    rest.iter()
        .fold(Tag::new(first), |h, p| h.then(p))
        .bucket(buckets)
}

struct Sink {
    buckets: u32,
    out: Features,
}

impl Sink {
    fn add(&mut self, parts: &[&str]) {
        self.out.push(hash(parts, self.buckets));
    }

    /// `add(&[tag])` with the tag hashed already.
    fn tag(&mut self, tag: Tag) {
        self.out.push(tag.bucket(self.buckets));
    }

    /// `add(&[tag, part])` with the tag hashed already.
    fn tagged(&mut self, tag: Open, part: &str) {
        self.out.push(tag.part(part).bucket(self.buckets));
    }

    /// `add(&[tag, a, b])` with the tag hashed already.
    fn tagged2(&mut self, tag: Open, a: &str, b: &str) {
        self.out.push(tag.part(a).then(b).bucket(self.buckets));
    }
}

const W: Open = Open::new("w");
const NEG: Open = Open::new("neg");
const Q: Open = Open::new("q");
const FIRST: Open = Open::new("first");
const BI: Open = Open::new("bi");
const CHAR: Open = Open::new("c");

/// Character 4-grams of a word (with edges), for typos and unseen inflections. Each gram is a
/// slice of the word padded in `padded`, a buffer kept from word to word, so a reply costs one
/// allocation however many words it has.
fn char_grams(padded: &mut String, word: &str, mut f: impl FnMut(&str)) {
    padded.clear();
    padded.push('<');
    padded.push_str(word);
    padded.push('>');
    let padded = padded.as_str();
    if padded.is_ascii() {
        // One byte a char: the grams are the four-byte windows.
        for i in 0..padded.len().saturating_sub(3) {
            f(&padded[i..i + 4]);
        }
        return;
    }
    let mut bounds = padded
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(padded.len()));
    let mut ring = [0usize; 5];
    for slot in ring.iter_mut() {
        match bounds.next() {
            Some(b) => *slot = b,
            None => return,
        }
    }
    loop {
        f(&padded[ring[0]..ring[4]]);
        match bounds.next() {
            Some(b) => {
                ring.rotate_left(1);
                ring[4] = b;
            }
            None => return,
        }
    }
}

fn is_word(t: &Token) -> bool {
    t.is_word
}

/// Features of a whole reply, for the stance classifier and the reply-level cue detectors:
/// lemma unigrams and bigrams, negated and question-sentence lemmas, first-sentence lemmas,
/// character 4-grams, length, and the cues the rule engine found.
pub fn reply_features(tokens: &[Token], rules: &Analysis, buckets: u32) -> Features {
    let mut s = Sink {
        buckets,
        out: Vec::with_capacity(tokens.len() * 8 + 16),
    };
    s.add(&["bias"]);
    let words = tokens.iter().filter(|t| is_word(t)).count();
    let band = match words {
        0..=5 => "xs",
        6..=15 => "s",
        16..=40 => "m",
        41..=90 => "l",
        _ => "xl",
    };
    s.add(&["len", band]);
    let mut padded = String::new();
    for (i, t) in tokens.iter().enumerate() {
        s.tagged(W, &t.lemma);
        if t.negated {
            s.tagged(NEG, &t.lemma);
        }
        if t.in_question {
            s.tagged(Q, &t.lemma);
        }
        if t.sentence == 0 {
            s.tagged(FIRST, &t.lemma);
        }
        if let Some(n) = tokens.get(i + 1) {
            s.tagged2(BI, &t.lemma, &n.lemma);
        }
        if is_word(t) && t.lower.len() > 3 {
            char_grams(&mut padded, &t.lower, |g| s.tagged(CHAR, g));
        }
    }
    for f in &rules.findings {
        s.add(&["rule", f.cue.name()]);
    }
    for c in rules.cues() {
        s.add(&["rulecue", c.name()]);
    }
    s.out
}

/// Features of the customer's message, for the emotion classifier.
pub fn customer_features(tokens: &[Token], text: &str, buckets: u32) -> Features {
    let mut s = Sink {
        buckets,
        out: Vec::with_capacity(tokens.len() * 8 + 8),
    };
    s.add(&["bias"]);
    let mut padded = String::new();
    for (i, t) in tokens.iter().enumerate() {
        s.tagged(W, &t.lemma);
        if t.negated {
            s.tagged(NEG, &t.lemma);
        }
        if let Some(n) = tokens.get(i + 1) {
            s.tagged2(BI, &t.lemma, &n.lemma);
        }
        if is_word(t) && t.lower.len() > 3 {
            char_grams(&mut padded, &t.lower, |g| s.tagged(CHAR, g));
        }
    }
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if letters.len() > 8 && upper * 3 > letters.len() {
        s.add(&["shouting"]);
    }
    let bangs = text.matches('!').count();
    s.add(&[
        "bangs",
        if bangs == 0 {
            "0"
        } else if bangs < 3 {
            "1"
        } else {
            "3+"
        },
    ]);
    s.add(&["questions", if text.contains('?') { "y" } else { "n" }]);
    s.out
}

/// Features of token `i`, for the per-cue span tagger: the word and its neighbours, position,
/// question and negation, the sentence's other words, and whether a rule's finding of each cue
/// covers it.
pub fn token_features(tokens: &[Token], i: usize, rule_cover: &[u16], buckets: u32) -> Features {
    let mut out = Vec::with_capacity(48);
    token_features_into(&mut out, tokens, i, rule_cover, buckets);
    out
}

/// [`token_features`] written into `out` (cleared first), so that tagging a reply reuses one
/// buffer for all its tokens.
pub fn token_features_into(
    out: &mut Features,
    tokens: &[Token],
    i: usize,
    rule_cover: &[u16],
    buckets: u32,
) {
    const BIAS: Tag = Tag::new("bias");
    const AROUND: [Open; 6] = [
        Open::new("w-1"),
        Open::new("w+1"),
        Open::new("w-2"),
        Open::new("w+2"),
        Open::new("w-3"),
        Open::new("w+3"),
    ];
    const BI_BEFORE: Open = Open::new("b-");
    const BI_AFTER: Open = Open::new("b+");
    const POS: Open = Open::new("pos");
    const QUESTION: Tag = Tag::new("q");
    const QUESTION_WORD: Open = Open::new("qw");
    const FIRST_SENTENCE: Tag = Tag::new("first");
    const SENTENCE_WORD: Open = Open::new("sw");
    const RULE: Open = Open::new("rt");
    const RULE_WORD: Open = Open::new("rtw");
    out.clear();
    let mut s = Sink {
        buckets,
        out: std::mem::take(out),
    };
    let t = &tokens[i];
    let at = |k: isize| -> &str {
        let j = i as isize + k;
        if j < 0 || j as usize >= tokens.len() || tokens[j as usize].sentence != t.sentence {
            "<s>"
        } else {
            &tokens[j as usize].lemma
        }
    };
    s.tag(BIAS);
    s.tagged(W, &t.lemma);
    for (tag, k) in AROUND.iter().zip([-1, 1, -2, 2, -3, 3]) {
        s.tagged(*tag, at(k));
    }
    s.tagged2(BI_BEFORE, at(-1), &t.lemma);
    s.tagged2(BI_AFTER, &t.lemma, at(1));
    let pos = match t.position {
        0 => "0",
        1..=2 => "1",
        3..=6 => "3",
        _ => "7",
    };
    s.tagged(POS, pos);
    if t.in_question {
        s.tag(QUESTION);
        s.tagged(QUESTION_WORD, &t.lemma);
    }
    if t.negated {
        s.tagged(NEG, &t.lemma);
    }
    if t.sentence == 0 {
        s.tag(FIRST_SENTENCE);
    }
    // The words around it in its sentence (a cue's span is usually a clause: its words vote
    // together). A fixed window keeps this linear however long the sentence.
    let lo = i.saturating_sub(SENTENCE_WINDOW);
    let hi = (i + SENTENCE_WINDOW + 1).min(tokens.len());
    for u in tokens[lo..hi].iter().filter(|u| u.sentence == t.sentence) {
        s.tagged(SENTENCE_WORD, &u.lemma);
    }
    let cover = rule_cover[i];
    for c in Cue::ALL {
        if cover & (1 << c as u16) != 0 {
            s.tagged(RULE, c.name());
            s.tagged2(RULE_WORD, c.name(), &t.lemma);
        }
    }
    *out = s.out;
}

/// How many tokens either side count as "the words around" a token.
pub const SENTENCE_WINDOW: usize = 12;

/// For every token, a bit set of the cues whose rule findings cover it. One sweep: findings
/// and tokens are both in text order.
pub fn rule_cover(tokens: &[Token], rules: &Analysis) -> Vec<u16> {
    let mut findings: Vec<(usize, usize, u16)> = rules
        .findings
        .iter()
        .map(|f| (f.start, f.end, 1u16 << f.cue as u16))
        .collect();
    findings.sort_unstable();
    let mut active: Vec<(usize, usize, u16)> = Vec::new();
    let mut next = 0;
    tokens
        .iter()
        .map(|t| {
            while next < findings.len() && findings[next].0 < t.end {
                active.push(findings[next]);
                next += 1;
            }
            active.retain(|f| f.1 > t.start);
            active
                .iter()
                .filter(|f| f.0 < t.end)
                .fold(0u16, |acc, f| acc | f.2)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_grams_are_the_four_char_windows_of_the_padded_word() {
        let grams = |w: &str| {
            let mut v = Vec::new();
            char_grams(&mut String::new(), w, |g| v.push(g.to_string()));
            v
        };
        assert_eq!(grams("sorry"), ["<sor", "sorr", "orry", "rry>"]);
        assert_eq!(grams("zoë"), ["<zoë", "zoë>"]);
        assert_eq!(grams("ab"), ["<ab>"]);
        assert!(grams("a").is_empty());
    }

    /// The buckets the model file was trained with, computed by a separate (Python) FNV-1a of
    /// `w\x1fsorry`, `bi\x1fi\x1funderstand`, `c\x1f<sor` and `bias`.
    const PINNED: [u32; 4] = [54536, 9841, 17884, 30271];

    #[test]
    fn hashing_is_stable_and_in_range() {
        // The model file depends on these exact values.
        assert_eq!(
            hash(&["w", "sorry"], 1 << 16),
            hash(&["w", "sorry"], 1 << 16)
        );
        assert_ne!(
            hash(&["w", "sorry"], 1 << 20),
            hash(&["ws", "orry"], 1 << 20)
        );
        for p in ["", "a", "émoji 👋"] {
            assert!(hash(&[p], 1 << 10) < 1 << 10);
        }
        // The trained model's buckets: these values must never change.
        assert_eq!(hash(&["w", "sorry"], 1 << 16), PINNED[0]);
        assert_eq!(hash(&["bi", "i", "understand"], 1 << 16), PINNED[1]);
        assert_eq!(hash(&["c", "<sor"], 1 << 16), PINNED[2]);
        assert_eq!(hash(&["bias"], 1 << 15), PINNED[3]);
    }
}
