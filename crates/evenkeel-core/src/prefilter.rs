//! Which patterns are worth running on which sentence.
//!
//! A reply touches a handful of the several hundred pack patterns. Running each pattern's regex
//! on every sentence would be slow; so would one regex set of them all, whose lazy DFA keeps
//! building new states on varied text. Instead each pattern is reduced to its *required
//! factors*: the parts every match must contain, each a small set of alternative strings
//! ("(can|could|would)", "you", "(tell|send|share)"), each string with the word edges every
//! match has around it (a *needle*: "you" as a whole word is not the "you" in "your"). The
//! sentence's words are looked up for the needles that are whole words (most of them), one
//! Aho-Corasick automaton finds the rest in a single pass over the reply, and a pattern is run
//! on a sentence only when all its factors (up to [`MAX_FACTORS`], the most selective) occur
//! in it.
//! A pattern without any factor (all gaps and classes) runs on every sentence.
//!
//! Factors are necessary conditions, never sufficient ones: the pattern's own regex and its
//! context checks still decide. So the prefilter can only make the analyzer faster, never
//! change a finding; a test in `analyzer.rs` checks that against running every pattern.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// How many alternative strings a factor may have before it is not worth it.
const MAX_FACTOR_STRINGS: usize = 512;
/// Classes up to this many characters are expanded into alternatives (`['’]`, `[sz]`).
const MAX_CLASS_CHARS: usize = 4;
/// How many factors of a pattern are checked (the most selective first).
const MAX_FACTORS: usize = 4;

/// The compiled prefilter over every pattern of an analyzer.
///
/// A common short string ("you", "we") belongs to many factors; recording every factor of
/// every string found would cost more than the regexes it saves. So only a pattern's most
/// selective factor (its *trigger*) is indexed by string; its other factors (its
/// *conditions*) are looked up, once per triggered pattern, in the set of strings found in
/// the sentence.
#[derive(Debug, Clone)]
pub struct Prefilter {
    /// Finds every factor string that is not a [`Word`] (ASCII case-insensitively, as the rule
    /// regexes match).
    ac: Option<AhoCorasick>,
    /// For each string of `ac`: its needle for each [`Edges`] combination (`NONE`: unused).
    needles_of: Vec<[u32; 4]>,
    /// The needles that are whole words, found by looking up each word of a sentence: most
    /// needles are short words ("it", "we", "is") that Aho-Corasick would also report inside
    /// every longer word, and half its reports were those.
    words: FxHashMap<Word, u32>,
    /// For each needle: the patterns whose trigger factor holds it.
    string_triggers: Lists,
    /// For each factor: its needles.
    factor_strings: Lists,
    /// For each factor: the [`Signature`] of its needles.
    factor_signatures: Vec<Signature>,
    /// For each pattern: its conditions, factors of which some string must occur too.
    conditions: Lists,
    /// For each pattern: sets of bytes one of which must occur in the sentence (`$£€` of a
    /// price, the digits of `\d+`), indices into `byte_sets`. Such parts have no string worth
    /// looking for, but one look at the sentence's bytes rules them out.
    byte_conditions: Lists,
    byte_sets: Vec<ByteSet>,
    /// Patterns without a factor: run on every sentence.
    always: Vec<u32>,
}

impl Prefilter {
    /// `sources[i]`: pattern `i` rewritten for the ASCII engine, or `None` when that engine
    /// cannot take it (such a pattern is always run).
    pub fn new(sources: &[Option<String>]) -> Prefilter {
        let mut string_index: HashMap<Vec<u8>, u32> = HashMap::new();
        let mut strings: Vec<Vec<u8>> = Vec::new();
        let mut needles_of: Vec<[u32; 4]> = Vec::new();
        let mut needle_count = 0u32;
        let mut factor_index: HashMap<Vec<Needle>, u32> = HashMap::new();
        let mut factor_strings: Vec<Vec<u32>> = Vec::new();
        let mut conditions = Vec::with_capacity(sources.len());
        let mut triggers: Vec<(u32, u32)> = Vec::new();
        let mut always = Vec::new();
        let mut byte_conditions = Vec::with_capacity(sources.len());
        for (i, src) in sources.iter().enumerate() {
            let Required { mut factors, bytes } = src.as_deref().map(required).unwrap_or_default();
            byte_conditions.push(bytes);
            // A condition with a one-letter string ("s" of "[sz]") holds in nearly every
            // sentence, and finding that letter all over the reply costs more than the check
            // saves (measured: a fifth of the rule engine's instructions).
            let mut first = true;
            factors.retain(|f| std::mem::take(&mut first) || shortest(f) >= MIN_CONDITION_BYTES);
            if factors.is_empty() {
                always.push(i as u32);
                conditions.push(Vec::new());
                continue;
            }
            let mut ids = Vec::new();
            for f in factors {
                let id = *factor_index.entry(f.clone()).or_insert_with(|| {
                    let ids = f
                        .iter()
                        .map(|n| {
                            let s = *string_index.entry(n.bytes.clone()).or_insert_with(|| {
                                strings.push(n.bytes.clone());
                                needles_of.push([NONE; 4]);
                                (strings.len() - 1) as u32
                            });
                            let id = &mut needles_of[s as usize][n.edges as usize];
                            if *id == NONE {
                                *id = needle_count;
                                needle_count += 1;
                            }
                            *id
                        })
                        .collect();
                    factor_strings.push(ids);
                    (factor_strings.len() - 1) as u32
                });
                ids.push(id);
            }
            triggers.push((ids[0], i as u32));
            // The conditions with the fewest strings are the cheapest to look up: first.
            let mut rest = ids[1..].to_vec();
            rest.sort_by_key(|&f| factor_strings[f as usize].len());
            conditions.push(rest);
        }
        let mut string_triggers: Vec<Vec<u32>> = vec![Vec::new(); needle_count as usize];
        for (f, p) in triggers {
            for &s in &factor_strings[f as usize] {
                string_triggers[s as usize].push(p);
            }
        }
        let factor_signatures = factor_strings
            .iter()
            .map(|list| {
                let mut sig = Signature::default();
                list.iter().for_each(|&s| sig.add(s));
                sig
            })
            .collect();
        let (string_triggers, factor_strings, conditions) = (
            Lists::new(&string_triggers),
            Lists::new(&factor_strings),
            Lists::new(&conditions),
        );
        let mut byte_sets: Vec<ByteSet> = Vec::new();
        let byte_conditions: Vec<Vec<u32>> = byte_conditions
            .into_iter()
            .map(|sets| {
                sets.into_iter()
                    .map(|set| {
                        byte_sets.push(set);
                        (byte_sets.len() - 1) as u32
                    })
                    .collect()
            })
            .collect();
        let byte_conditions = Lists::new(&byte_conditions);
        // A string needed only as a whole word is looked up word by word; the rest are left to
        // Aho-Corasick.
        let mut words = FxHashMap::default();
        let mut ac_strings = Vec::new();
        let mut ac_needles = Vec::new();
        for (bytes, ids) in strings.into_iter().zip(needles_of) {
            let whole = Edges::BEFORE | Edges::AFTER;
            let only_whole = (0..4).all(|e| (ids[e] == NONE) == (e as u8 != whole));
            match Word::new(&bytes) {
                Some(w) if only_whole && bytes.iter().all(|&b| is_word_byte(b)) => {
                    words.insert(w, ids[whole as usize]);
                }
                _ => {
                    ac_strings.push(bytes);
                    ac_needles.push(ids);
                }
            }
        }
        let ac = (!ac_strings.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&ac_strings)
                .expect("a few thousand short literals always build")
        });
        Prefilter {
            byte_sets,
            byte_conditions,
            ac,
            needles_of: ac_needles,
            words,
            string_triggers,
            factor_strings,
            factor_signatures,
            conditions,
            always,
        }
    }

    /// How many patterns have no factor and run on every sentence.
    pub fn always_run(&self) -> usize {
        self.always.len()
    }

    /// The patterns to run on each sentence (`sentences`: sorted, non-overlapping byte ranges
    /// of `text`), in ascending order of sentence and pattern: those all of whose factors
    /// have a needle lying wholly inside that sentence. (One flat list: a reply costs one
    /// allocation here, not one a sentence.)
    pub fn candidates(&self, text: &str, sentences: &[(usize, usize)]) -> Vec<Run> {
        let mut out: Vec<Run> = Vec::with_capacity(32);
        self.find(text, sentences, &mut out);
        if !self.always.is_empty() {
            for i in 0..sentences.len() as u32 {
                out.extend(self.always.iter().map(|&p| Run {
                    sentence: i,
                    pattern: p,
                }));
            }
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    /// The patterns whose factors occur, sentence by sentence, appended to `out`.
    fn find(&self, text: &str, sentences: &[(usize, usize)], out: &mut Vec<Run>) {
        // One sentence is collected at a time, then its patterns are decided.
        let mut seen = Seen {
            bits: Bits::new(self.string_triggers.len()),
            found: Vec::with_capacity(64),
            signature: Signature::default(),
        };
        let mut chosen = Bits::new(self.conditions.len());
        let bytes = text.as_bytes();
        let mut matches = self.ac.as_ref().map(|ac| ac.find_overlapping_iter(bytes));
        let mut next = matches.as_mut().and_then(Iterator::next);
        for (i, &(s, e)) in sentences.iter().enumerate() {
            // The sentence's words. (One cut by the sentence's start has no edge before it.)
            let mut at = s;
            while at < e {
                if !is_word_byte(bytes[at]) {
                    at += 1;
                    continue;
                }
                let start = at;
                while at < e && is_word_byte(bytes[at]) {
                    at += 1;
                }
                if start == s && s > 0 && is_word_byte(bytes[s - 1]) {
                    continue;
                }
                let found_word = Word::new(&bytes[start..at]).and_then(|w| self.words.get(&w));
                if let Some(&k) = found_word {
                    seen.mark(k);
                }
            }
            // Overlapping matches come in order of where they end: those that end in this
            // sentence come now.
            while let Some(m) = next.filter(|m| m.end() <= e) {
                next = matches.as_mut().and_then(Iterator::next);
                let (start, end) = (m.start(), m.end());
                if start < s {
                    continue;
                }
                // Which of the string's needles this occurrence is: all those whose edges it
                // has. (A pattern runs on its sentence alone, so the sentence's end is an edge.)
                let mut has = Edges::NONE;
                if start == 0 || !is_word_byte(bytes[start - 1]) {
                    has |= Edges::BEFORE;
                }
                if end >= e || !is_word_byte(bytes[end]) {
                    has |= Edges::AFTER;
                }
                for (edges, &k) in self.needles_of[m.pattern().as_usize()].iter().enumerate() {
                    if k != NONE && edges as u8 & !has == 0 {
                        seen.mark(k);
                    }
                }
            }
            if !seen.found.is_empty() {
                self.decide((i as u32, &bytes[s..e]), &mut seen, &mut chosen, out);
            }
        }
    }

    /// The patterns to run on sentence `i`, whose needles are `seen`; then forget them.
    fn decide(
        &self,
        (i, sentence): (u32, &[u8]),
        seen: &mut Seen,
        chosen: &mut Bits,
        out: &mut Vec<Run>,
    ) {
        let first = out.len();
        let mut bytes: Option<ByteSet> = None;
        for &s in seen.found.iter() {
            for &p in self.string_triggers.get(s) {
                if !chosen.insert(p) {
                    continue;
                }
                let mut all = self.conditions.get(p).iter().all(|&f| {
                    // Most conditions fail; the signatures rule out most of those without a
                    // look at their needles.
                    self.factor_signatures[f as usize].meets(&seen.signature)
                        && self.factor_strings.get(f).iter().any(|&n| seen.bits.has(n))
                });
                if !all {
                    continue;
                }
                let byte_conditions = self.byte_conditions.get(p);
                if !byte_conditions.is_empty() {
                    let bytes = bytes.get_or_insert_with(|| ByteSet::of(sentence));
                    all = byte_conditions
                        .iter()
                        .all(|&b| self.byte_sets[b as usize].meets(bytes));
                }
                if all {
                    out.push(Run {
                        sentence: i,
                        pattern: p,
                    });
                }
            }
        }
        for &s in seen.found.iter() {
            for &p in self.string_triggers.get(s) {
                chosen.remove(p);
            }
            seen.bits.remove(s);
        }
        seen.found.clear();
        seen.signature = Signature::default();
        out[first..].sort_unstable();
    }
}

/// A pattern worth running on a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Run {
    pub sentence: u32,
    pub pattern: u32,
}

/// The needles found in one sentence so far.
struct Seen {
    bits: Bits,
    found: Vec<u32>,
    signature: Signature,
}

impl Seen {
    fn mark(&mut self, needle: u32) {
        if self.bits.insert(needle) {
            self.found.push(needle);
            self.signature.add(needle);
        }
    }
}

/// A 256-bit summary of a set of strings (bit `id % 256` of each). Two sets whose signatures
/// share no bit share no string.
#[derive(Debug, Clone, Copy, Default)]
struct Signature([u64; 4]);

impl Signature {
    fn add(&mut self, string: u32) {
        self.0[(string as usize / 64) % 4] |= 1 << (string % 64);
    }
    fn meets(&self, other: &Signature) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
}

/// A set of bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn of(bytes: &[u8]) -> ByteSet {
        let mut set = ByteSet::default();
        bytes.iter().for_each(|&b| set.add(b));
        set
    }
    fn add(&mut self, b: u8) {
        self.0[b as usize / 64] |= 1 << (b % 64);
    }
    fn meets(&self, other: &ByteSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
    fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }
    fn union(mut self, other: &ByteSet) -> ByteSet {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
        self
    }
}

/// Lists of numbers in one allocation: list `i` is `items[starts[i]..starts[i + 1]]`.
#[derive(Debug, Clone)]
struct Lists {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    fn new(lists: &[Vec<u32>]) -> Lists {
        let mut starts = Vec::with_capacity(lists.len() + 1);
        starts.push(0);
        let mut items = Vec::new();
        for l in lists {
            items.extend_from_slice(l);
            starts.push(items.len() as u32);
        }
        Lists { starts, items }
    }
    fn len(&self) -> usize {
        self.starts.len() - 1
    }
    fn get(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

/// A fixed-size bit set.
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn has(&self, i: u32) -> bool {
        self.0[i as usize / 64] & (1 << (i % 64)) != 0
    }
    /// Set bit `i`; true when it was not set before.
    fn insert(&mut self, i: u32) -> bool {
        let (w, b) = (i as usize / 64, 1u64 << (i % 64));
        let new = self.0[w] & b == 0;
        self.0[w] |= b;
        new
    }
    fn remove(&mut self, i: u32) {
        self.0[i as usize / 64] &= !(1 << (i % 64));
    }
}

/// A factor string with the word edges every match has around it. Most pattern words stand
/// between word edges (`\\b`, a space, a comma), so "it" of `it is` cannot be the "it" inside
/// "with": an occurrence counts only where the text has the edges the pattern demands.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Needle {
    bytes: Vec<u8>,
    /// [`Edges`] bits; an edge is only demanded beside a word byte of the string.
    edges: u8,
}

impl Needle {
    fn new(bytes: Vec<u8>, before: bool, after: bool) -> Needle {
        let mut edges = Edges::NONE;
        if before && bytes.first().is_some_and(|&b| is_word_byte(b)) {
            edges |= Edges::BEFORE;
        }
        if after && bytes.last().is_some_and(|&b| is_word_byte(b)) {
            edges |= Edges::AFTER;
        }
        Needle { bytes, edges }
    }
}

/// Word edges around an occurrence, as bits: no word byte just before it, none just after.
struct Edges;

impl Edges {
    const NONE: u8 = 0;
    const BEFORE: u8 = 1;
    const AFTER: u8 = 2;
}

/// A word of up to sixteen bytes, lower-cased, as one number: a cheap key to hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Word(u128);

impl Word {
    fn new(bytes: &[u8]) -> Option<Word> {
        if bytes.is_empty() || bytes.len() > 16 {
            return None;
        }
        let mut buf = [0u8; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        buf.make_ascii_lowercase();
        // Word bytes are never zero, so the padding keeps words of different lengths apart.
        Some(Word(u128::from_le_bytes(buf)))
    }
}

/// A needle slot no pattern uses.
const NONE: u32 = u32::MAX;

/// A word byte as the rule regexes' ASCII `\\b` sees it (any byte of a non-ASCII char is not).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// What every match of a pattern must contain, read off its regex.
#[derive(Debug, Default)]
struct Required {
    /// The factors, most selective first: the required parts of the regex's top-level
    /// sequence that have one, each as the needles one of which every match contains. Empty
    /// when the pattern has none (it can match with nothing but classes and gaps).
    factors: Vec<Vec<Needle>>,
    /// The byte conditions: for the parts that have no string worth looking for (a price's
    /// `(\$|£|€)`, `\d+`), a small set of bytes one of which every match of the part holds.
    /// Only bytes of chars without case are used, so matching without regard to case cannot
    /// reach a byte outside the set.
    bytes: Vec<ByteSet>,
}

/// [`Required`] of regex `src`, from one parse and one factor a part.
fn required(src: &str) -> Required {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .case_insensitive(false)
        .unicode(false)
        .utf8(false)
        .build()
        .parse(src)
    else {
        return Required::default();
    };
    let mut parts = Vec::new();
    sequence(&hir, &mut parts);
    // Nothing is known of the text around a match.
    let (befores, afters) = edges_around(&parts, false, false);
    let mut factors = Vec::new();
    let mut bytes = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        let f = factor(part, befores[i], afters[i]);
        if f.as_ref().is_none_or(|f| shortest(f) < MIN_CONDITION_BYTES) {
            // A full stop, a comma or an apostrophe is in nearly every sentence.
            bytes.extend(byte_set(part).filter(|set| !set.meets(&ByteSet::of(b".,'"))));
        }
        if let Some(f) = f {
            let mut f: Vec<Needle> = f
                .into_iter()
                .map(|n| Needle {
                    bytes: n.bytes.to_ascii_lowercase(),
                    ..n
                })
                .collect();
            f.sort();
            f.dedup();
            factors.push(f);
        }
    }
    factors.sort_by(|a, b| {
        if better(a, b) {
            std::cmp::Ordering::Less
        } else if better(b, a) {
            std::cmp::Ordering::Greater
        } else {
            a.cmp(b)
        }
    });
    factors.dedup();
    factors.truncate(MAX_FACTORS);
    bytes.sort_by_key(ByteSet::len);
    bytes.dedup();
    bytes.truncate(MAX_FACTORS);
    Required { factors, bytes }
}

/// At most this many bytes make a byte condition: more would hold in most sentences.
const MAX_CONDITION_BYTES: u32 = 16;

/// A set of bytes one of which every match of `hir` holds, if there is a small one made of
/// caseless chars (each char stands for its last byte).
fn byte_set(hir: &Hir) -> Option<ByteSet> {
    // A char's last byte; `None` for a char with case (or a byte that is not a char).
    let last_byte = |c: char| {
        (!c.is_alphabetic() && c.to_lowercase().eq([c]) && c.to_uppercase().eq([c])).then(|| {
            let mut b = [0u8; 4];
            *c.encode_utf8(&mut b)
                .as_bytes()
                .last()
                .expect("a char has bytes")
        })
    };
    let set = match hir.kind() {
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).ok()?;
            let c = text.chars().find_map(last_byte)?;
            let mut set = ByteSet::default();
            set.add(c);
            set
        }
        HirKind::Class(class) => {
            let mut set = ByteSet::default();
            let mut n = 0;
            let mut add = |c: char| -> Option<()> {
                n += 1;
                (n <= MAX_CONDITION_BYTES).then_some(())?;
                set.add(last_byte(c)?);
                Some(())
            };
            match class {
                Class::Bytes(c) => {
                    for r in c.iter() {
                        for b in r.start()..=r.end() {
                            add(char::from(b).is_ascii().then_some(char::from(b))?)?;
                        }
                    }
                }
                Class::Unicode(c) => {
                    for r in c.iter() {
                        for ch in r.start()..=r.end() {
                            add(ch)?;
                        }
                    }
                }
            }
            set
        }
        HirKind::Capture(c) => byte_set(&c.sub)?,
        HirKind::Repetition(r) if r.min >= 1 => byte_set(&r.sub)?,
        HirKind::Concat(parts) => parts.iter().filter_map(byte_set).min_by_key(ByteSet::len)?,
        HirKind::Alternation(alts) => alts
            .iter()
            .map(byte_set)
            .try_fold(ByteSet::default(), |acc, s| Some(acc.union(&s?)))?,
        _ => return None,
    };
    (set.len() <= MAX_CONDITION_BYTES).then_some(set)
}

/// The parts of `hir` taken as a sequence, looking through groups and nested sequences.
fn sequence<'h>(hir: &'h Hir, out: &mut Vec<&'h Hir>) {
    match hir.kind() {
        HirKind::Concat(parts) => parts.iter().for_each(|p| sequence(p, out)),
        HirKind::Capture(c) => sequence(&c.sub, out),
        _ => out.push(hir),
    }
}

/// For each of a sequence of `parts`: is there an edge just before it, and just after it,
/// given whether there is one before the first and after the last?
fn edges_around(parts: &[&Hir], before: bool, after: bool) -> (Vec<bool>, Vec<bool>) {
    let mut befores = Vec::with_capacity(parts.len());
    let mut b = before;
    for p in parts {
        befores.push(b);
        b = edge_after(p, b);
    }
    let mut afters = vec![false; parts.len()];
    let mut a = after;
    for (i, p) in parts.iter().enumerate().rev() {
        afters[i] = a;
        a = edge_before(p, a);
    }
    (befores, afters)
}

/// Does every match of `hir` leave an edge for a word that follows it: does it end with a
/// byte that is not a word byte, or with an assertion that a word may only start there (`\\b`
/// before a word byte, `\\b{start-half}`)? `before`: there is one where it starts, which only
/// an empty match passes on.
fn edge_after(hir: &Hir, before: bool) -> bool {
    use regex_syntax::hir::Look;
    match hir.kind() {
        HirKind::Empty => before,
        HirKind::Literal(lit) => lit.0.last().map_or(before, |&b| !is_word_byte(b)),
        HirKind::Class(class) => !class_has_word_byte(class),
        HirKind::Look(look) => {
            before
                || matches!(
                    look,
                    Look::Start
                        | Look::StartLF
                        | Look::StartCRLF
                        | Look::WordAscii
                        | Look::WordUnicode
                        | Look::WordStartAscii
                        | Look::WordStartUnicode
                        | Look::WordStartHalfAscii
                        | Look::WordStartHalfUnicode
                )
        }
        HirKind::Capture(c) => edge_after(&c.sub, before),
        HirKind::Concat(parts) => parts.iter().fold(before, |b, p| edge_after(p, b)),
        HirKind::Alternation(alts) => alts.iter().all(|a| edge_after(a, before)),
        HirKind::Repetition(r) => {
            // One pass starts where the repetition starts; later ones after another pass.
            let passes = if r.max == Some(1) {
                edge_after(&r.sub, before)
            } else {
                edge_after(&r.sub, false)
            };
            passes && (r.min > 0 || before)
        }
    }
}

/// [`edge_after`] the other way round: does every match of `hir` start with a byte that is not
/// a word byte, or with an assertion that a word may only end there? `after`: there is an edge
/// where it ends.
fn edge_before(hir: &Hir, after: bool) -> bool {
    use regex_syntax::hir::Look;
    match hir.kind() {
        HirKind::Empty => after,
        HirKind::Literal(lit) => lit.0.first().map_or(after, |&b| !is_word_byte(b)),
        HirKind::Class(class) => !class_has_word_byte(class),
        HirKind::Look(look) => {
            after
                || matches!(
                    look,
                    Look::End
                        | Look::EndLF
                        | Look::EndCRLF
                        | Look::WordAscii
                        | Look::WordUnicode
                        | Look::WordEndAscii
                        | Look::WordEndUnicode
                        | Look::WordEndHalfAscii
                        | Look::WordEndHalfUnicode
                )
        }
        HirKind::Capture(c) => edge_before(&c.sub, after),
        HirKind::Concat(parts) => parts.iter().rev().fold(after, |a, p| edge_before(p, a)),
        HirKind::Alternation(alts) => alts.iter().all(|a| edge_before(a, after)),
        HirKind::Repetition(r) => {
            let passes = if r.max == Some(1) {
                edge_before(&r.sub, after)
            } else {
                edge_before(&r.sub, false)
            };
            passes && (r.min > 0 || after)
        }
    }
}

/// Can `class` match a word byte (or a char holding one)?
fn class_has_word_byte(class: &Class) -> bool {
    let word = |lo: u32, hi: u32| {
        [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]
            .iter()
            .any(|&(a, b)| lo <= b as u32 && a as u32 <= hi)
    };
    match class {
        Class::Bytes(c) => c.iter().any(|r| word(r.start() as u32, r.end() as u32)),
        Class::Unicode(c) => c.iter().any(|r| word(r.start() as u32, r.end() as u32)),
    }
}

/// The strings one of which every match of regex `src` must contain (its best factor).
#[cfg(test)]
fn required_factor(src: &str) -> Option<Vec<Needle>> {
    required(src).factors.into_iter().next()
}

/// The best set of needles one of which every match of `hir` contains; `before` and `after`:
/// whether every match has an edge just before and just after it.
fn factor(hir: &Hir, before: bool, after: bool) -> Option<Vec<Needle>> {
    let mut best: Option<Vec<Needle>> =
        language(hir)
            .filter(|l| !l.iter().any(Vec::is_empty))
            .map(|l| {
                l.into_iter()
                    .map(|s| Needle::new(s, before, after))
                    .collect()
            });
    let mut offer = |cand: Option<Vec<Needle>>| {
        if let Some(c) = cand {
            if best.as_ref().is_none_or(|b| better(&c, b)) {
                best = Some(c);
            }
        }
    };
    match hir.kind() {
        // Every match contains a match of each part: any part's factor will do.
        HirKind::Concat(parts) => {
            let parts: Vec<&Hir> = parts.iter().collect();
            let (befores, afters) = edges_around(&parts, before, after);
            for (i, p) in parts.iter().enumerate() {
                offer(factor(p, befores[i], afters[i]));
            }
        }
        // Every match is a match of one alternative: it contains that alternative's factor.
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                all.extend(factor(a, before, after)?);
            }
            all.sort();
            all.dedup();
            if all.len() <= MAX_FACTOR_STRINGS {
                offer(Some(all));
            }
        }
        HirKind::Capture(c) => offer(factor(&c.sub, before, after)),
        HirKind::Repetition(r) if r.min >= 1 => {
            // Later passes of the repetition start after an earlier pass, not at its start.
            let again = r.max != Some(1);
            offer(factor(
                &r.sub,
                before && (!again || edge_after(&r.sub, false)),
                after && (!again || edge_before(&r.sub, false)),
            ))
        }
        _ => {}
    }
    best
}

/// Is factor `a` more selective than `b`: a longer shortest string, then fewer strings?
fn better(a: &[Needle], b: &[Needle]) -> bool {
    (shortest(a), std::cmp::Reverse(a.len())) > (shortest(b), std::cmp::Reverse(b.len()))
}

/// The length of the shortest string of a factor.
fn shortest(f: &[Needle]) -> usize {
    f.iter().map(|n| n.bytes.len()).min().unwrap_or(0)
}

/// Conditions whose shortest string is shorter than this are not checked.
const MIN_CONDITION_BYTES: usize = 2;

/// Every string `hir` can match, when there are few of them (look-arounds match the empty
/// string here: they only narrow where the strings may occur).
fn language(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let lang = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![Vec::new()],
        HirKind::Literal(lit) => vec![lit.0.to_vec()],
        HirKind::Class(class) => class_strings(class)?,
        HirKind::Capture(c) => language(&c.sub)?,
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 4 {
                return None;
            }
            let sub = language(&r.sub)?;
            let mut all: Vec<Vec<u8>> = Vec::new();
            let mut layer: Vec<Vec<u8>> = vec![Vec::new()];
            for n in 0..=max {
                if n >= r.min {
                    all.extend(layer.iter().cloned());
                }
                if n < max {
                    layer = product(&layer, &sub)?;
                }
            }
            all
        }
        HirKind::Concat(parts) => {
            let mut acc: Vec<Vec<u8>> = vec![Vec::new()];
            for p in parts {
                acc = product(&acc, &language(p)?)?;
            }
            acc
        }
        HirKind::Alternation(alts) => {
            let mut acc = Vec::new();
            for a in alts {
                acc.extend(language(a)?);
                if acc.len() > MAX_FACTOR_STRINGS {
                    return None;
                }
            }
            acc
        }
    };
    let mut lang = lang;
    lang.sort();
    lang.dedup();
    (lang.len() <= MAX_FACTOR_STRINGS).then_some(lang)
}

fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len().saturating_mul(b.len()) > MAX_FACTOR_STRINGS {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
            .collect(),
    )
}

fn class_strings(class: &Class) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    match class {
        Class::Bytes(c) => {
            for r in c.iter() {
                for b in r.start()..=r.end() {
                    out.push(vec![b]);
                    if out.len() > MAX_CLASS_CHARS {
                        return None;
                    }
                }
            }
        }
        Class::Unicode(c) => {
            for r in c.iter() {
                for ch in r.start()..=r.end() {
                    out.push(ch.to_string().into_bytes());
                    if out.len() > MAX_CLASS_CHARS {
                        return None;
                    }
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern;
    use std::collections::HashMap;

    fn factor(p: &str) -> Vec<String> {
        let src =
            pattern::ascii_engine_source(&pattern::compile(p, &HashMap::new()).unwrap()).unwrap();
        let mut v: Vec<String> = required_factor(&src)
            .unwrap_or_default()
            .into_iter()
            .map(|n| String::from_utf8_lossy(&n.bytes).to_lowercase())
            .collect();
        v.dedup();
        v
    }

    #[test]
    fn the_rarest_required_word_is_chosen() {
        assert_eq!(factor("I (really )?understand how"), ["understand"]);
        assert_eq!(
            factor("(so|very) (frustrating|annoying)"),
            ["annoying", "frustrating"]
        );
        assert_eq!(factor("we {gap} shambles"), ["shambles"]);
    }

    #[test]
    fn optional_words_are_never_required() {
        assert_eq!(factor("(totally )?unacceptable"), ["unacceptable"]);
        assert_eq!(factor("sorry (for the inconvenience)?"), ["sorry"]);
    }

    #[test]
    fn candidates_are_listed_for_the_sentence_holding_the_word() {
        let srcs: Vec<Option<String>> = ["so sorry", "understand"]
            .iter()
            .map(|p| pattern::ascii_engine_source(&pattern::compile(p, &HashMap::new()).unwrap()))
            .collect();
        let pf = Prefilter::new(&srcs);
        let text = "I am so SORRY. I understand.";
        let c = pf.candidates(text, &[(0, 14), (15, 28)]);
        let runs: Vec<(u32, u32)> = c.iter().map(|r| (r.sentence, r.pattern)).collect();
        assert_eq!(runs, vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn a_word_of_a_pattern_is_not_found_inside_a_longer_word() {
        let srcs: Vec<Option<String>> = ["so sorry", "understand", "~apologize"]
            .iter()
            .map(|p| pattern::ascii_engine_source(&pattern::compile(p, &HashMap::new()).unwrap()))
            .collect();
        let pf = Prefilter::new(&srcs);
        // "so" inside "SORRY" and "also", "understand" inside "misunderstanding": no run.
        let text = "Also SORRY. A misunderstanding.";
        assert!(pf.candidates(text, &[(0, 11), (12, 31)]).is_empty());
        // A word may end where its sentence ends, and `~apologize` is a word start only.
        let text = "I understand_ We apologised";
        let c = pf.candidates(text, &[(0, 12), (13, 27)]);
        let runs: Vec<(u32, u32)> = c.iter().map(|r| (r.sentence, r.pattern)).collect();
        assert_eq!(runs, vec![(0, 1), (1, 2)]);
    }

    #[test]
    fn a_price_needs_a_currency_sign_and_a_digit() {
        let src = |p: &str| {
            pattern::ascii_engine_source(&pattern::compile(p, &HashMap::new()).unwrap()).unwrap()
        };
        let sets = required(&src(r"it's only (\$|£|€)\d+[.!]")).bytes;
        let has = |set: &ByteSet, text: &str| set.meets(&ByteSet::of(text.as_bytes()));
        assert_eq!(sets.len(), 2, "{sets:?}");
        assert!(sets.iter().all(|s| has(s, "it's only €5.")));
        assert!(sets.iter().all(|s| has(s, "it's only £12!")));
        assert!(!sets.iter().all(|s| has(s, "it's only five euros.")));
        assert!(!sets.iter().all(|s| has(s, "it's only $ five")));
        // Letters have case: they never make a byte condition.
        assert!(required(&src(r"[xy]\d"))
            .bytes
            .iter()
            .all(|s| !has(s, "xy")));
        assert!(required(&src("so sorry")).bytes.is_empty());

        let pf = Prefilter::new(&[Some(src(r"it's only (\$|£|€)\d+"))]);
        assert_eq!(pf.candidates("It's only €3", &[(0, 14)]).len(), 1);
        assert!(pf.candidates("It's only three", &[(0, 15)]).is_empty());
    }

    #[test]
    fn edges_are_demanded_only_where_every_match_has_them() {
        let needles = |p: &str| {
            let src = pattern::ascii_engine_source(&pattern::compile(p, &HashMap::new()).unwrap())
                .unwrap();
            let mut v: Vec<(String, u8)> = required(&src)
                .factors
                .into_iter()
                .flatten()
                .map(|n| (String::from_utf8_lossy(&n.bytes).into_owned(), n.edges))
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let both = Edges::BEFORE | Edges::AFTER;
        assert_eq!(
            needles("so sorry"),
            [("so".into(), both), ("sorry".into(), both)]
        );
        // An inflected word is a whole word.
        let inflected = needles("~apologize");
        assert!(
            inflected.contains(&("apologised".into(), both)),
            "{inflected:?}"
        );
        assert!(inflected.iter().all(|(_, e)| *e == both));
        // A raw fragment glued to letters demands nothing on that side.
        assert_eq!(needles(r"refund\w*"), [("refund".into(), Edges::BEFORE)]);
        assert_eq!(needles(r"\d+ refund"), [("refund".into(), both)]);
        assert_eq!(
            needles(r"x\d+refund"),
            [("refund".into(), Edges::AFTER), ("x".into(), Edges::BEFORE)]
        );
    }
}
