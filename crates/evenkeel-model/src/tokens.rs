//! Words with byte spans, their crude lemmas, and the context a tagger needs: sentence,
//! position, question, negation scope.

use compact_str::CompactString;
use evenkeel_core::document::Document;

/// One word or mark of the reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Lower-cased, typographic apostrophes made plain. (Words are short: kept inline, a
    /// reply's tokens cost no allocation each.)
    pub lower: CompactString,
    pub lemma: CompactString,
    /// Index of the sentence it is in.
    pub sentence: usize,
    /// Position within its sentence (0 = first).
    pub position: usize,
    /// The sentence ends in `?`.
    pub in_question: bool,
    /// Within three words after a negator, in the same clause.
    pub negated: bool,
    /// A word (it starts with a letter or digit), not a mark.
    pub is_word: bool,
}

/// A crude, fast lemma: enough to join "apologize", "apologizes", "apologized".
pub fn lemma(word: &str) -> String {
    compact_lemma(word).into()
}

/// The suffixes [`lemma`] strips, first match wins, and what replaces each.
const SUFFIXES: [(&str, &str); 7] = [
    ("ies", "y"),
    ("ied", "y"),
    ("ing", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
    ("ly", ""),
];

fn compact_lemma(w: &str) -> CompactString {
    let n = w.len();
    for (suffix, keep) in SUFFIXES {
        if n > suffix.len() + 3 && w.ends_with(suffix) && !w.ends_with("ss") {
            let mut l = CompactString::new(&w[..n - suffix.len()]);
            l.push_str(keep);
            return l;
        }
    }
    CompactString::new(w)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Is `w` one of the words that open a negation scope?
fn is_negator(w: &str) -> bool {
    matches!(
        w,
        "not"
            | "no"
            | "never"
            | "cannot"
            | "can't"
            | "won't"
            | "don't"
            | "didn't"
            | "isn't"
            | "wasn't"
            | "aren't"
            | "doesn't"
            | "couldn't"
            | "shouldn't"
            | "wouldn't"
            | "nothing"
            | "hardly"
    ) || w.ends_with("n't")
}

/// Split `text` into tokens: runs of letters and digits (keeping inner apostrophes, so "can't"
/// is one token) and single marks `? ! , .`; everything else separates.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_document(&Document::parse(text))
}

/// [`tokenize`] for a reply already split into sentences (the rule engine has done it once).
pub fn tokenize_document(doc: &Document) -> Vec<Token> {
    let text = doc.text;
    let mut out: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);
    let bytes = text.as_bytes();
    let char_at = |pos: usize| match bytes.get(pos) {
        Some(&b) if b.is_ascii() => Some(b as char),
        Some(_) => text[pos..].chars().next(),
        None => None,
    };
    let mut pos = 0;
    let mut prev: Option<char> = None;
    while let Some(c) = char_at(pos) {
        let start = pos;
        // Handles (@1234), hashtags' marks and links are addresses, not words: skip them whole.
        if prev.is_none_or(char::is_whitespace)
            && (c == '@'
                || text[start..].starts_with("http://")
                || text[start..].starts_with("https://"))
        {
            while let Some(d) = char_at(pos).filter(|d| !d.is_whitespace()) {
                pos += d.len_utf8();
                prev = Some(d);
            }
            continue;
        }
        if is_word_char(c) {
            let mut end = pos + c.len_utf8();
            let mut last = c;
            while let Some(d) = char_at(end) {
                let apostrophe = (d == '\'' || d == '’')
                    && char_at(end + d.len_utf8()).is_some_and(is_word_char);
                if !(is_word_char(d) || apostrophe) {
                    break;
                }
                end += d.len_utf8();
                last = d;
            }
            push(&mut out, text, start, end);
            pos = end;
            prev = Some(last);
        } else {
            if matches!(c, '?' | '!' | ',' | '.' | ';' | ':' | '—') {
                push(&mut out, text, start, start + c.len_utf8());
            }
            pos += c.len_utf8();
            prev = Some(c);
        }
    }
    mark_context(doc, &mut out);
    out
}

/// Sentence, position and question of each token from the document's sentences, and the
/// negation scope: the three words after a negator, within its clause.
fn mark_context(doc: &Document, tokens: &mut [Token]) {
    let mut s_idx = 0;
    let mut pos = 0;
    let mut neg_left = 0;
    for t in tokens.iter_mut() {
        while s_idx + 1 < doc.sentences.len() && doc.sentences[s_idx + 1].span.start <= t.start {
            s_idx += 1;
            pos = 0;
            neg_left = 0;
        }
        t.sentence = s_idx;
        t.position = pos;
        t.in_question = doc.sentences.get(s_idx).is_some_and(|s| s.is_question);
        pos += 1;
        if matches!(
            t.lower.as_str(),
            "," | "." | ";" | ":" | "!" | "?" | "—" | "but"
        ) {
            neg_left = 0;
        } else if neg_left > 0 {
            t.negated = true;
            neg_left -= 1;
        }
        if is_negator(&t.lower) {
            neg_left = 3;
        }
    }
}

fn push(out: &mut Vec<Token>, text: &str, start: usize, end: usize) {
    let word = &text[start..end];
    let lower = if word.is_ascii() {
        let mut l = CompactString::new(word);
        l.make_ascii_lowercase();
        l
    } else {
        let l = word.to_lowercase();
        CompactString::from(if l.contains('’') {
            l.replace('’', "'")
        } else {
            l
        })
    };
    let lemma = compact_lemma(&lower);
    let is_word = lower.chars().next().is_some_and(char::is_alphanumeric);
    out.push(Token {
        start,
        end,
        lower,
        lemma,
        sentence: 0,
        position: 0,
        in_question: false,
        negated: false,
        is_word,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    // The tokenizer's scanning and lower-casing as first written: plain and slow. The fast one
    // must give the same tokens (the context pass, `mark_context`, is shared).
    const REFERENCE_NEGATORS: &[&str] = &[
        "not",
        "no",
        "never",
        "cannot",
        "can't",
        "won't",
        "don't",
        "didn't",
        "isn't",
        "wasn't",
        "aren't",
        "doesn't",
        "couldn't",
        "shouldn't",
        "wouldn't",
        "nothing",
        "hardly",
    ];

    fn reference_lemma(word: &str) -> String {
        let w = word;
        let n = w.len();
        for (suffix, keep) in SUFFIXES {
            if n > suffix.len() + 3 && w.ends_with(suffix) && !w.ends_with("ss") {
                return format!("{}{}", &w[..n - suffix.len()], keep);
            }
        }
        w.to_string()
    }

    fn reference_tokenize(text: &str) -> Vec<Token> {
        let doc = Document::parse(text);
        let mut out: Vec<Token> = Vec::new();
        let bytes: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < bytes.len() {
            let (start, c) = bytes[i];
            // Handles (@1234), hashtags' marks and links are addresses, not words: skip them whole.
            let at_word_start = i == 0 || bytes[i - 1].1.is_whitespace();
            if at_word_start
                && (c == '@'
                    || text[start..].starts_with("http://")
                    || text[start..].starts_with("https://"))
            {
                while i < bytes.len() && !bytes[i].1.is_whitespace() {
                    i += 1;
                }
                continue;
            }
            if is_word_char(c) {
                let mut j = i + 1;
                while j < bytes.len() {
                    let d = bytes[j].1;
                    let apostrophe = (d == '\'' || d == '’')
                        && j + 1 < bytes.len()
                        && is_word_char(bytes[j + 1].1);
                    if is_word_char(d) || apostrophe {
                        j += 1;
                    } else {
                        break;
                    }
                }
                let end = if j < bytes.len() {
                    bytes[j].0
                } else {
                    text.len()
                };
                reference_push(&mut out, text, start, end);
                i = j;
            } else {
                if matches!(c, '?' | '!' | ',' | '.' | ';' | ':' | '—') {
                    reference_push(&mut out, text, start, start + c.len_utf8());
                }
                i += 1;
            }
        }
        mark_context(&doc, &mut out);
        out
    }

    fn reference_push(out: &mut Vec<Token>, text: &str, start: usize, end: usize) {
        let lower = text[start..end].to_lowercase().replace('’', "'");
        let lemma = reference_lemma(&lower);
        let is_word = lower.chars().next().is_some_and(char::is_alphanumeric);
        out.push(Token {
            start,
            end,
            lower: lower.into(),
            lemma: lemma.into(),
            sentence: 0,
            position: 0,
            in_question: false,
            negated: false,
            is_word,
        });
    }

    #[test]
    fn negators_are_the_listed_words_and_any_nt() {
        for w in [
            "not", "hardly", "nothing", "can't", "mustn't", "ain't", "n't",
        ] {
            assert!(is_negator(w), "{w}");
            assert!(REFERENCE_NEGATORS.contains(&w) || w.ends_with("n't"));
        }
        for w in ["no", "never", "cannot"] {
            assert!(is_negator(w) && REFERENCE_NEGATORS.contains(&w), "{w}");
        }
        for w in ["note", "know", "nor", "can", "cant", "n", ""] {
            assert!(!is_negator(w), "{w}");
        }
        for w in REFERENCE_NEGATORS {
            assert!(is_negator(w), "{w}");
        }
    }

    #[test]
    fn the_fast_tokenizer_gives_the_reference_tokens() {
        let texts = [
            "I can’t promise it. Did you apologize?",
            "@116282 see https://t.co/x1 now ^AW",
            "Hi Zoë — ÇA VA? İstanbul’s flights… we’re SO sorry!!! 👋 can''t it's ’tis o’",
            "http://x.y starts it,@me mid-word and hello@there, https:// alone",
            "",
            " ’ ' ’a a’ a'b 3’4 é’é",
            "ﬁne. Straße STRASSE ΣΊΣΥΦΟΣ; worries: delayed, apologies!",
        ];
        for t in texts {
            assert_eq!(tokenize(t), reference_tokenize(t), "on {t:?}");
        }
        for file in ["bank-air.jsonl", "mixed.jsonl", "social-a.jsonl"] {
            let path = format!("{}/../../data/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
            let body = std::fs::read_to_string(&path).expect("corpus file");
            for line in body.lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("json");
                for field in ["reply", "customer"] {
                    if let Some(t) = v[field].as_str() {
                        assert_eq!(tokenize(t), reference_tokenize(t), "on {t:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_tokenizer_agrees_on_any_text(t in "(\\PC|[ ’'@.?!,:;—]|https?://|n't){0,40}") {
            proptest::prop_assert_eq!(tokenize(&t), reference_tokenize(&t));
        }
    }

    #[test]
    fn words_marks_spans_and_scope() {
        let t = "I can’t promise it. Did you apologize?";
        let toks = tokenize(t);
        let words: Vec<&str> = toks.iter().map(|k| &t[k.start..k.end]).collect();
        assert_eq!(
            words,
            [
                "I",
                "can’t",
                "promise",
                "it",
                ".",
                "Did",
                "you",
                "apologize",
                "?"
            ]
        );
        assert_eq!(toks[1].lower, "can't");
        assert!(toks[2].negated && toks[3].negated);
        assert!(!toks[5].negated, "scope ends at the full stop");
        assert_eq!(toks[5].sentence, 1);
        assert_eq!(toks[5].position, 0);
        assert!(toks[7].in_question && !toks[2].in_question);
    }

    #[test]
    fn handles_and_links_are_not_words() {
        let t = "@116282 see https://t.co/x1 now ^AW";
        let words: Vec<&str> = tokenize(t).iter().map(|k| &t[k.start..k.end]).collect();
        assert_eq!(words, ["see", "now", "AW"]);
    }

    #[test]
    fn lemmas_join_inflections() {
        assert_eq!(lemma("worries"), "worry");
        assert_eq!(lemma("waiting"), "wait");
        assert_eq!(lemma("delayed"), "delay");
        assert_eq!(lemma("class"), "class");
    }
}
