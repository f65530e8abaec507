//! Text → sentences with byte spans. The first step of a reply's path through the analyzer.
//!
//! Offsets are half-open byte ranges into the original text and are never recomputed by searching
//! the text again; UTF-16 offsets and line/column are derived from them at the edge
//! ([`Document::utf16_offset`], [`Document::line_col`]).

/// A half-open byte range `start..end` into the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One sentence of a reply, with leading social-media handles and whitespace trimmed away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    /// The sentence ends with a question mark: it asks something.
    pub is_question: bool,
}

/// A reply (or customer message) split into sentences.
#[derive(Debug, Clone)]
pub struct Document<'t> {
    pub text: &'t str,
    pub sentences: Vec<Sentence>,
}

impl<'t> Document<'t> {
    pub fn parse(text: &'t str) -> Document<'t> {
        Document {
            text,
            sentences: split_sentences(text),
        }
    }

    /// The sentence that contains byte `pos` (or the nearest one before it).
    pub fn sentence_at(&self, pos: usize) -> Option<&Sentence> {
        let i = self.sentences.partition_point(|s| s.span.start <= pos);
        if i == 0 {
            self.sentences.first()
        } else {
            Some(&self.sentences[i - 1])
        }
    }

    /// The smallest stretch around `span` bounded by clause punctuation (`, ; : — –`), an "and"
    /// or "but" before a new subject, or the sentence edges: the "clause" a cue lives in.
    pub fn clause_around(&self, span: Span) -> Span {
        let sentence = match self.sentence_at(span.start) {
            Some(s) => s.span,
            None => return span,
        };
        // Clauses are short: look at most 400 bytes either way.
        let mut lo = sentence
            .start
            .min(span.start)
            .max(span.start.saturating_sub(400));
        while !self.text.is_char_boundary(lo) {
            lo += 1;
        }
        let mut hi = sentence
            .end
            .max(span.end)
            .min(span.end + 400)
            .min(self.text.len());
        while !self.text.is_char_boundary(hi) {
            hi -= 1;
        }
        let hi = hi.max(span.end);
        let before = &self.text[lo..span.start];
        let start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| is_clause_mark(c))
            .map(|(i, c)| lo + i + c.len_utf8())
            .unwrap_or(lo);
        let after = &self.text[span.end..hi];
        let end = after
            .char_indices()
            .find(|&(_, c)| is_clause_mark(c))
            .map(|(i, _)| span.end + i)
            .unwrap_or(hi);
        // "and" or "but" before a new subject also starts a clause: "I've asked for a refund
        // and I promise you'll have it tomorrow" holds an action and a promise, not one cue.
        let (base, mut start, mut end) = (start, start, end);
        for m in new_clause().captures_iter(&self.text[base..end]) {
            let (Some(joint), Some(subject)) = (m.get(0), m.get(1)) else {
                continue;
            };
            if base + subject.start() <= span.start {
                start = base + subject.start();
            } else if base + joint.start() >= span.end {
                end = base + joint.start();
                break;
            }
        }
        trim(self.text, Span::new(start, end.max(span.end)))
    }

    /// UTF-16 code-unit offset of byte offset `pos` (which must lie on a char boundary).
    pub fn utf16_offset(&self, pos: usize) -> usize {
        utf16_len(&self.text[..pos])
    }

    /// 1-based line and column (in chars) of byte offset `pos`.
    pub fn line_col(&self, pos: usize) -> (usize, usize) {
        let before = &self.text[..pos];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = self.text[line_start..pos].chars().count() + 1;
        (line, col)
    }
}

/// UTF-16 offsets and line/column for a set of byte offsets, computed in one pass over the
/// text (a 5 MB reply with thousands of findings stays linear). Every front end's positions
/// come from here.
pub struct Positions {
    /// (byte offset, utf16 offset, line, column), sorted by byte offset.
    table: Vec<(usize, usize, usize, usize)>,
}

impl Positions {
    /// Positions of every offset in `wanted` (char boundaries of `text`, in any order).
    pub fn new(text: &str, wanted: impl IntoIterator<Item = usize>) -> Positions {
        let mut wanted: Vec<usize> = wanted.into_iter().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut table = Vec::with_capacity(wanted.len());
        let (mut u16, mut line, mut col) = (0usize, 1usize, 1usize);
        let mut last = 0usize;
        for &w in &wanted {
            let chunk = &text[last..w];
            if chunk.is_ascii() {
                // One byte, one UTF-16 unit and one column a char: count, do not decode.
                u16 += chunk.len();
                match chunk.bytes().rposition(|b| b == b'\n') {
                    Some(nl) => {
                        line += chunk.bytes().filter(|&b| b == b'\n').count();
                        col = chunk.len() - nl;
                    }
                    None => col += chunk.len(),
                }
            } else {
                for ch in chunk.chars() {
                    u16 += ch.len_utf16();
                    if ch == '\n' {
                        line += 1;
                        col = 1;
                    } else {
                        col += 1;
                    }
                }
            }
            last = w;
            table.push((w, u16, line, col));
        }
        Positions { table }
    }

    /// (UTF-16 offset, line, column) of `byte`, which must have been asked for in [`Positions::new`].
    pub fn get(&self, byte: usize) -> (usize, usize, usize) {
        let i = self
            .table
            .binary_search_by_key(&byte, |t| t.0)
            .expect("every needed offset is in the table");
        let t = self.table[i];
        (t.1, t.2, t.3)
    }
}

/// Number of UTF-16 code units in `s`: what a browser's string offsets count.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// A coordinating "and" or "but" followed by a subject: where a new clause begins. Group 1 is
/// the subject.
fn new_clause() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\s+(?:and|but)\s+((?:I|we|you|they|he|she|it)(?:['’](?:ll|ve|m|re|s|d))?|this|that)\b",
        )
        .expect("new-clause regex")
    })
}

fn is_clause_mark(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '—' | '–' | '(' | ')')
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Closing characters that may follow a sentence's terminal mark and still belong to it.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '’' | '”' | ')' | ']')
}

/// Trim whitespace from both ends of `span`.
pub fn trim(text: &str, span: Span) -> Span {
    let s = &text[span.start..span.end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    Span::new(span.start + lead, span.start + lead + t.len())
}

/// Abbreviations whose full stop does not end a sentence ("Dr. Patel will call", "e.g. a
/// refund"). Ones that often close a sentence too ("etc.", "Ltd.") are left out on purpose.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "vs", "e.g", "i.e", "approx", "dept", "cf",
];

/// Is the `.` at byte `dot` (the sentence mark run ending at `after`) an abbreviation's?
/// "No." and "Ref." count only before a number: "Order no. 4471", but "The answer is no."
fn is_abbreviation(text: &str, dot: usize, after: usize) -> bool {
    if after != dot + 1 {
        return false;
    }
    let word_start = text[..dot]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(')
        .map_or(0, |(k, c)| k + c.len_utf8());
    let word = text[word_start..dot].to_ascii_lowercase();
    if ABBREVIATIONS.contains(&word.as_str()) {
        return true;
    }
    let next_is_digit = text[after..]
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit() || c == '#');
    matches!(word.as_str(), "no" | "ref" | "tel") && next_is_digit
}

/// Split into sentences: after `.`, `!`, `?` or `…` (and any closing quotes) followed by
/// whitespace, and at line breaks. "3.5" and "e.g.x" do not split because no space follows.
/// Leading `@handles` are not part of a sentence.
fn split_sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mut end = None;
        if c == '\n' {
            end = Some(i);
        } else if is_terminal(c) {
            let mut j = i + c.len_utf8();
            while let Some(&(k, d)) = chars.peek() {
                if is_terminal(d) || is_closer(d) {
                    chars.next();
                    j = k + d.len_utf8();
                } else {
                    break;
                }
            }
            match chars.peek() {
                None => end = Some(j),
                Some(&(_, d))
                    if d.is_whitespace() && !(c == '.' && is_abbreviation(text, i, j)) =>
                {
                    end = Some(j)
                }
                _ => {}
            }
        }
        if let Some(e) = end {
            push_sentence(text, Span::new(start, e), &mut out);
            start = e;
        }
    }
    push_sentence(text, Span::new(start, text.len()), &mut out);
    out
}

fn push_sentence(text: &str, span: Span, out: &mut Vec<Sentence>) {
    let mut span = trim(text, span);
    // Skip leading handles such as "@115945 " and list bullets.
    loop {
        let s = &text[span.start..span.end];
        if let Some(rest) = s.strip_prefix('@') {
            let handle = rest
                .find(|c: char| c.is_whitespace())
                .map(|n| n + 1)
                .unwrap_or(s.len());
            if handle >= s.len() {
                return;
            }
            span = trim(text, Span::new(span.start + handle, span.end));
        } else if let Some(rest) = s.strip_prefix(['-', '*', '•']) {
            if rest.starts_with(char::is_whitespace) {
                span = trim(text, Span::new(span.start + 1, span.end));
            } else {
                break;
            }
        } else {
            break;
        }
    }
    if span.is_empty() {
        return;
    }
    let s = &text[span.start..span.end];
    let is_question = s
        .trim_end_matches(|c: char| {
            is_closer(c) || !c.is_alphanumeric() && c != '?' && c != '.' && c != '!'
        })
        .ends_with('?');
    out.push(Sentence { span, is_question });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Positions counted char by char, as first written.
    fn reference_position(text: &str, byte: usize) -> (usize, usize, usize) {
        let (mut u16, mut line, mut col) = (0, 1, 1);
        for ch in text[..byte].chars() {
            u16 += ch.len_utf16();
            if ch == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        (u16, line, col)
    }

    proptest::proptest! {
        #[test]
        fn positions_are_counted_right_on_any_text(
            text in "[a-z \n.é😀\r]{0,60}",
            cuts in proptest::collection::vec(0usize..64, 0..8),
        ) {
            let bounds: Vec<usize> = cuts
                .into_iter()
                .map(|c| c.min(text.len()))
                .map(|mut c| {
                    while !text.is_char_boundary(c) {
                        c -= 1;
                    }
                    c
                })
                .collect();
            let pos = Positions::new(&text, bounds.iter().copied());
            for &b in &bounds {
                proptest::prop_assert_eq!(pos.get(b), reference_position(&text, b));
            }
        }
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentences("Dr. Patel will call you, e.g. tomorrow. Is that ok?"),
            vec!["Dr. Patel will call you, e.g. tomorrow.", "Is that ok?"]
        );
        assert_eq!(
            sentences("Order no. 4471 shipped. The answer is no. Sorry."),
            vec!["Order no. 4471 shipped.", "The answer is no.", "Sorry."]
        );
    }

    fn sentences(text: &str) -> Vec<&str> {
        let d = Document::parse(text);
        d.sentences
            .iter()
            .map(|s| &text[s.span.start..s.span.end])
            .collect()
    }

    #[test]
    fn splits_on_terminal_marks_and_newlines() {
        assert_eq!(
            sentences("Oh no! I'm sorry.  Could you tell me more?\nThanks ^RO"),
            vec![
                "Oh no!",
                "I'm sorry.",
                "Could you tell me more?",
                "Thanks ^RO"
            ]
        );
    }

    #[test]
    fn keeps_decimals_and_strips_handles() {
        assert_eq!(
            sentences("@123 @AskX Version 5.2.1 is out. Update now!"),
            vec!["Version 5.2.1 is out.", "Update now!"]
        );
    }

    #[test]
    fn questions_are_marked() {
        let d = Document::parse("Which app? It froze. \"Why?\" 🙂");
        let q: Vec<bool> = d.sentences.iter().map(|s| s.is_question).collect();
        assert_eq!(q, vec![true, false, true, false]);
    }

    #[test]
    fn clause_is_bounded_by_commas() {
        let text = "Thanks for waiting, I've reset your password, try again now.";
        let d = Document::parse(text);
        let at = text.find("reset").unwrap();
        let c = d.clause_around(Span::new(at, at + 5));
        assert_eq!(&text[c.start..c.end], "I've reset your password");
    }

    #[test]
    fn and_or_but_before_a_new_subject_starts_a_clause() {
        let text = "I've put a request in to refund the fee and I promise you'll have it back by tomorrow.";
        let d = Document::parse(text);
        let at = text.find("promise").unwrap();
        let c = d.clause_around(Span::new(at, at + 7));
        assert_eq!(
            &text[c.start..c.end],
            "I promise you'll have it back by tomorrow."
        );
        let at = text.find("refund").unwrap();
        let c = d.clause_around(Span::new(at, at + 6));
        assert_eq!(
            &text[c.start..c.end],
            "I've put a request in to refund the fee"
        );
        // Without a new subject, "and" joins inside one clause.
        let text = "We checked the meter and found nothing wrong, sorry.";
        let d = Document::parse(text);
        let at = text.find("found").unwrap();
        let c = d.clause_around(Span::new(at, at + 5));
        assert_eq!(
            &text[c.start..c.end],
            "We checked the meter and found nothing wrong"
        );
    }

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let d = Document::parse("😀 é x");
        assert_eq!(d.utf16_offset("😀 é ".len()), 5);
        assert_eq!(d.line_col("😀 é ".len()), (1, 5));
    }
}
