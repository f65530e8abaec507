//! The phrase-pattern language of rule packs, compiled to regular expressions.
//!
//! A pattern is a sequence of words separated by spaces. Between two words any run of
//! whitespace, or a comma, is accepted, so "sorry, your order" matches `sorry your order`;
//! where a word edge already separates them nothing is needed, so `I 'll` matches "I'll".
//! Matching ignores case, and `'` in a pattern also matches the typographic `’`.
//!
//! | syntax            | meaning                                                         |
//! |-------------------|-----------------------------------------------------------------|
//! | `(a|b c)`         | either alternative (spaces inside work as between words)        |
//! | `word?`, `(a|b)?` | the element is optional (`hearts?` is an optional *word*; write `(heart|hearts)`) |
//! | `~word`           | the word with its inflections: `~apologize` → apologizes, apologized, apologizing |
//! | `{gap}`, `{gap:N}`| up to 3 (or N) arbitrary words, never across a sentence mark     |
//! | `{NAME}`          | a macro from a pack's `[macros]` table                           |
//! | anything else     | a regular expression fragment (`\d+`, `colou?r`, `[!]+`)        |
//!
//! Matches must start and end on word edges; the analyzer checks that after matching, so a
//! pattern for "so sorry" never fires inside "also sorry".

use std::collections::HashMap;

/// The separator put between two consecutive elements.
const SEP: &str = r"(?:\s*,\s*|\s+|\b)";

/// Compile `pattern` into a regular-expression source string. `macros` maps macro names to
/// pattern text (itself in this language, without macros or gaps).
pub fn compile(pattern: &str, macros: &HashMap<String, String>) -> Result<String, String> {
    let pattern = tidy_groups(pattern);
    let elements = split_elements(&pattern)?;
    if elements.is_empty() {
        return Err("empty pattern".into());
    }
    let mut out = String::new();
    // Whether a separator is owed before the next element.
    let mut need_sep = false;
    let n = elements.len();
    for (idx, el) in elements.iter().enumerate() {
        if let Some(max) = gap_size(el)? {
            if idx == 0 || idx == n - 1 {
                return Err(format!("`{el}` cannot start or end a pattern"));
            }
            if need_sep {
                out.push_str(SEP);
            }
            out.push_str(&format!(r"(?:[^\s.!?;:]+{SEP}){{0,{max}}}"));
            need_sep = false;
            continue;
        }
        let (body, optional) = match el.strip_suffix('?') {
            Some(b) if is_whole_element(b) => (b, true),
            _ => (el.as_str(), false),
        };
        let re = element(body, macros)?;
        if optional {
            if idx == n - 1 {
                if need_sep {
                    out.push_str(&format!("(?:{SEP}{re})?"));
                } else {
                    out.push_str(&format!("(?:{re})?"));
                }
                need_sep = true;
            } else {
                if need_sep {
                    out.push_str(SEP);
                }
                out.push_str(&format!("(?:{re}{SEP})?"));
                need_sep = false;
            }
        } else {
            if need_sep {
                out.push_str(SEP);
            }
            out.push_str(&format!("(?:{re})"));
            need_sep = true;
        }
    }
    // Half word boundaries on both ends: no word character may touch the match from outside.
    // Inside the regex (not only as a filter afterwards) so that alternation backtracks to a
    // longer alternative: "(ok|okay)" finds "okay" instead of failing on "ok|ay".
    Ok(format!(r"\b{{start-half}}(?:{out})\b{{end-half}}"))
}

/// Build the regex for compiled pattern source `src` the way every rule regex is built: case
/// insensitive, with ASCII word boundaries (which keep the fast DFA engines in play) but
/// Unicode whitespace between words and Unicode characters inside `{gap}`s.
/// A fragment an ASCII-mode regex cannot express (a user's `[^x]` class, say) falls back to
/// full Unicode mode: slower, never wrong.
pub fn build_regex(src: &str) -> Result<regex::Regex, regex::Error> {
    let ascii = regex::RegexBuilder::new(&for_ascii_engine(src))
        .case_insensitive(true)
        .unicode(false)
        .size_limit(8 << 20)
        .build();
    ascii.or_else(|_| {
        regex::RegexBuilder::new(src)
            .case_insensitive(true)
            .size_limit(8 << 20)
            .build()
    })
}

/// [`build_regex`] as a bare `regex_automata` regex without a prefilter (see
/// [`LazyRegex::searcher`]); `None` where neither mode compiles it.
fn build_searcher(src: &str) -> Option<regex_automata::meta::Regex> {
    use regex_automata::{meta, util::syntax};
    let config = meta::Config::new()
        .auto_prefilter(false)
        .nfa_size_limit(Some(8 << 20));
    let build = |src: &str, unicode: bool| {
        meta::Regex::builder()
            .configure(config.clone())
            .syntax(
                syntax::Config::new()
                    .case_insensitive(true)
                    .unicode(unicode),
            )
            .build(src)
            .ok()
    };
    build(&for_ascii_engine(src), false).or_else(|| build(src, true))
}

/// `src` rewritten for the ASCII engine, if that engine can take it (otherwise the prefilter
/// lets the pattern through always). Parsing is enough to know, and far cheaper than compiling.
pub fn ascii_engine_source(src: &str) -> Option<String> {
    let ascii = for_ascii_engine(src);
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .unicode(false)
        .build()
        .parse(&ascii)
        .is_ok()
        .then_some(ascii)
}

/// A rule regex that is checked when its pack loads but compiled the first time a reply needs
/// it. A pack holds hundreds of patterns and a single reply touches a handful, so a one-off
/// `evenkeel check` should not pay for compiling them all.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    src: String,
    re: std::sync::OnceLock<regex::Regex>,
    searcher: std::sync::OnceLock<regex_automata::meta::Regex>,
}

impl LazyRegex {
    /// Check `src` (syntax, and that it cannot match the empty string when `non_empty`) without
    /// compiling it.
    pub fn new(src: String, non_empty: bool) -> Result<LazyRegex, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .build()
            .parse(&src)
            .map_err(|e| e.to_string())?;
        if non_empty && hir.properties().minimum_len() == Some(0) {
            return Err("it matches the empty string".into());
        }
        Ok(LazyRegex {
            src,
            re: std::sync::OnceLock::new(),
            searcher: std::sync::OnceLock::new(),
        })
    }

    /// Compile now, reporting what would otherwise only show on first use (a size limit).
    pub fn compile(&self) -> Result<&regex::Regex, String> {
        if let Some(re) = self.re.get() {
            return Ok(re);
        }
        let re = build_regex(&self.src).map_err(|e| e.to_string())?;
        Ok(self.re.get_or_init(|| re))
    }

    /// The same regex for the analyzer's hot loop: the same syntax and semantics, without a
    /// literal prefilter of its own. The analyzer runs a pattern only on a sentence where its
    /// prefilter found the pattern's required strings already; searching them out a second
    /// time, on a sentence of sixty bytes, cost more than the search itself.
    pub fn searcher(&self) -> &regex_automata::meta::Regex {
        self.searcher.get_or_init(|| {
            build_searcher(&self.src).unwrap_or_else(|| {
                regex_automata::meta::Regex::new(r"[^\s\S]").expect("never-matching regex")
            })
        })
    }

    /// The regex source after macro expansion.
    pub fn as_str(&self) -> &str {
        &self.src
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = regex::Regex;
    /// Compiles on first use. Packs are compiled eagerly when they are tested or loaded from a
    /// user's config, so the fallback (a regex that never matches) is for the impossible case.
    fn deref(&self) -> &regex::Regex {
        self.re.get_or_init(|| {
            build_regex(&self.src)
                .unwrap_or_else(|_| regex::Regex::new(r"[^\s\S]").expect("never-matching regex"))
        })
    }
}

/// Rewrite compiled source for a regex built with Unicode mode off (see [`build_regex`]).
pub fn for_ascii_engine(src: &str) -> String {
    src.replace(SEP, r"(?:(?u:\s)*,(?u:\s)*|(?u:\s)+|\b)")
        .replace("['’]", "(?:'|’)")
        .replace(r"[^\s.!?;:]", r"(?u:[^\s.!?;:])")
        .replace(r"\S", r"(?u:\S)")
        .replace(r"\W", r"(?u:\W)")
        .replace("[\\s,]", r"(?u:[\s,])")
}

/// Drop spaces just inside a group and around `|`: "(also |now )?" means "(also|now)?", not
/// "also" followed by a second separator.
fn tidy_groups(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    // Where each open group starts in `out`.
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                out.push(c);
                if let Some(&d) = chars.get(i + 1) {
                    out.push(d);
                }
                i += 2;
                continue;
            }
            '(' => {
                open.push(out.len());
                out.push(c);
            }
            ')' => {
                // "(really )?no" keeps its space: the group is glued to the next word, so the
                // space inside it is the only separator. A group that stands alone loses the
                // spaces at the end of its alternatives.
                let mut j = i + 1;
                if chars.get(j) == Some(&'?') {
                    j += 1;
                }
                let glued = chars
                    .get(j)
                    .is_some_and(|d| !d.is_whitespace() && *d != ')' && *d != '|');
                if let Some(start) = open.pop() {
                    if !glued {
                        let inner: Vec<char> = out.split_off(start + 1);
                        let mut depth = 0i32;
                        let mut kept: Vec<char> = Vec::with_capacity(inner.len());
                        let mut escaped = false;
                        for &d in &inner {
                            if !escaped && depth == 0 && d == '|' {
                                while kept.last() == Some(&' ') {
                                    kept.pop();
                                }
                            }
                            if !escaped {
                                match d {
                                    '(' => depth += 1,
                                    ')' => depth -= 1,
                                    _ => {}
                                }
                            }
                            escaped = !escaped && d == '\\';
                            kept.push(d);
                        }
                        while kept.last() == Some(&' ') {
                            kept.pop();
                        }
                        out.extend(kept);
                    }
                }
                out.push(c);
            }
            c => out.push(c),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// `(...)`, `{...}` or a plain word: what a trailing `?` makes optional as a whole. Anything
/// else keeps `?` as a regex quantifier (`sorry!?`).
fn is_whole_element(b: &str) -> bool {
    let group = closes_at_end(b, '(', ')') || closes_at_end(b, '{', '}');
    let word = !b.is_empty()
        && b.chars()
            .all(|c| c.is_alphanumeric() || c == '\'' || c == '~');
    group || word
}

/// Does `b` start with `open` whose matching `close` is its last character? "(a|b)" does;
/// "(a)(b)" does not, so a trailing `?` there stays a regex quantifier on the last group.
fn closes_at_end(b: &str, open: char, close: char) -> bool {
    if !b.starts_with(open) || !b.ends_with(close) {
        return false;
    }
    let mut depth = 0i32;
    let mut escaped = false;
    for (i, c) in b.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
        } else if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return i + c.len_utf8() == b.len();
            }
        }
    }
    false
}

fn gap_size(el: &str) -> Result<Option<usize>, String> {
    if el == "{gap}" {
        return Ok(Some(3));
    }
    if let Some(n) = el.strip_prefix("{gap:").and_then(|r| r.strip_suffix('}')) {
        let n: usize = n
            .parse()
            .map_err(|_| format!("`{el}`: the gap size must be a number"))?;
        if n == 0 || n > 8 {
            return Err(format!("`{el}`: the gap size must be between 1 and 8"));
        }
        return Ok(Some(n));
    }
    Ok(None)
}

/// Split at spaces that are not inside parentheses, brackets or braces.
fn split_elements(pattern: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth: i32 = 0;
    let mut escaped = false;
    for c in pattern.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                cur.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                cur.push(c);
            }
            ')' | ']' | '}' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("unbalanced `{c}` in pattern"));
                }
                cur.push(c);
            }
            c if c.is_whitespace() && depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if depth != 0 {
        return Err("unbalanced brackets in pattern".into());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Translate one element (no top-level spaces) to regex source.
fn element(el: &str, macros: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let chars: Vec<char> = el.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                out.push(c);
                if let Some(&d) = chars.get(i + 1) {
                    out.push(d);
                }
                i += 2;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ if in_class => {
                if c == '\'' {
                    out.push_str("'’");
                } else {
                    out.push(c);
                }
            }
            '\'' | '’' => out.push_str("['’]"),
            ' ' | '\t' => {
                // Spaces inside a group: like between words.
                while chars.get(i + 1).is_some_and(|d| d.is_whitespace()) {
                    i += 1;
                }
                out.push_str(SEP);
            }
            '{' => {
                let close = chars[i..]
                    .iter()
                    .position(|&d| d == '}')
                    .ok_or("unclosed `{` in pattern")?;
                let name: String = chars[i + 1..i + close].iter().collect();
                if name.starts_with("gap") {
                    return Err(format!("`{{{name}}}` must stand alone between words"));
                }
                let body = macros
                    .get(&name)
                    .ok_or_else(|| format!("unknown macro `{{{name}}}`"))?;
                if body.contains('{') {
                    return Err(format!("macro `{name}` may not use macros or gaps"));
                }
                let inner = split_elements(body)?
                    .iter()
                    .map(|e| element(e, macros))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(SEP);
                out.push_str(&format!("(?:{inner})"));
                i += close;
            }
            '~' => {
                let word: String = chars[i + 1..]
                    .iter()
                    .take_while(|d| d.is_alphabetic())
                    .collect();
                if word.is_empty() {
                    return Err("`~` must be followed by a word".into());
                }
                out.push_str(&inflections(&word));
                i += word.chars().count();
            }
            '(' => {
                // Make groups non-capturing unless already special.
                if chars.get(i + 1) == Some(&'?') {
                    out.push('(');
                } else {
                    out.push_str("(?:");
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    Ok(out)
}

/// A regex alternation of the common English inflections of `word`, in both the -ize and -ise
/// spellings where that applies.
pub fn inflections(word: &str) -> String {
    let w = word.to_lowercase();
    let mut forms = forms_of(&w);
    if w.contains("iz") {
        forms.extend(forms_of(&w.replace("iz", "is")));
    }
    // Longest first, so the alternation prefers the full inflected form.
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    forms.dedup();
    format!("(?:{})", forms.join("|"))
}

fn forms_of(w: &str) -> Vec<String> {
    let mut forms = vec![w.to_string()];
    if let Some(stem) = w.strip_suffix('e') {
        forms.extend([format!("{w}s"), format!("{w}d"), format!("{stem}ing")]);
    } else if let Some(stem) = w
        .strip_suffix('y')
        .filter(|s| s.chars().last().is_some_and(|c| !"aeiou".contains(c)))
    {
        forms.extend([
            format!("{stem}ies"),
            format!("{stem}ied"),
            format!("{w}ing"),
            format!("{stem}ier"),
            format!("{stem}iest"),
            format!("{stem}ily"),
        ]);
    } else {
        let es = if w.ends_with('s') || w.ends_with("sh") || w.ends_with("ch") || w.ends_with('x') {
            "es"
        } else {
            "s"
        };
        forms.extend([format!("{w}{es}"), format!("{w}ed"), format!("{w}ing")]);
        // Doubled final consonant: stop → stopped, upset → upsetting.
        if let Some(last) = w.chars().last() {
            if !"aeiouwxy".contains(last) && w.len() <= 6 {
                forms.extend([format!("{w}{last}ed"), format!("{w}{last}ing")]);
            }
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::RegexBuilder;

    fn matches(pattern: &str, text: &str) -> Option<String> {
        let mut macros = HashMap::new();
        macros.insert("INTENS".to_string(), "(so|really|truly)".to_string());
        let src = compile(pattern, &macros).unwrap();
        let re = RegexBuilder::new(&src)
            .case_insensitive(true)
            .build()
            .unwrap();
        re.find(text).map(|m| m.as_str().to_string())
    }

    #[test]
    fn words_tolerate_spacing_commas_and_case() {
        assert_eq!(
            matches("sorry your order", "Sorry,  your order"),
            Some("Sorry,  your order".into())
        );
        assert_eq!(matches("i'm angry", "I’m angry"), Some("I’m angry".into()));
    }

    #[test]
    fn optional_elements_and_gaps() {
        assert_eq!(
            matches("i am {INTENS}? angry", "i am angry"),
            Some("i am angry".into())
        );
        assert_eq!(
            matches("i am {INTENS}? angry", "I am truly angry"),
            Some("I am truly angry".into())
        );
        assert_eq!(
            matches("angry {gap:2} too", "angry about it too"),
            Some("angry about it too".into())
        );
        assert_eq!(matches("angry {gap:2} too", "angry. About it, too"), None);
        assert_eq!(matches("angry {gap:1} too", "angry about it too"), None);
        assert_eq!(matches("so sorry!?", "so sorry!"), Some("so sorry!".into()));
    }

    #[test]
    fn alternatives_are_tried_until_one_ends_on_a_word_edge() {
        assert_eq!(
            matches("was (ok|okay)", "it was okay."),
            Some("was okay".into())
        );
        assert_eq!(matches("sorry", "also sorry"), Some("sorry".into()));
        assert_eq!(matches("so sorry", "also sorry"), None);
    }

    #[test]
    fn spaces_inside_groups() {
        // A space just inside a group that stands alone is not a second separator.
        assert_eq!(
            matches("I (also |now )? checked", "I also checked"),
            Some("I also checked".into())
        );
        assert_eq!(
            matches("I (also |now )? checked", "I checked"),
            Some("I checked".into())
        );
        // Glued to the next word, the space inside the group is the separator.
        assert_eq!(
            matches("there is (really )?no need", "there is really no need"),
            Some("there is really no need".into())
        );
        assert_eq!(
            matches("there is (really )?no need", "there is no need"),
            Some("there is no need".into())
        );
        assert_eq!(
            matches("we (also |now )?called", "we now called"),
            Some("we now called".into())
        );
        // Only a whole group is made optional by `?`; "(a)(b)?" makes just "(b)" optional.
        assert_eq!(matches("it is (sad|bad)( for me)?", "it is so"), None);
        assert_eq!(
            matches("it is (sad|bad)( for me)?", "it is sad for me"),
            Some("it is sad for me".into())
        );
    }

    #[test]
    fn inflections_cover_common_forms() {
        for t in ["apologize", "apologizes", "apologized", "apologising"] {
            assert!(matches("~apologize", t).is_some(), "{t}");
        }
        for t in ["blame", "blamed", "blaming"] {
            assert!(matches("~blame", t).is_some(), "{t}");
        }
        for t in ["worry", "worries", "worried"] {
            assert!(matches("~worry", t).is_some(), "{t}");
        }
    }

    #[test]
    fn bad_patterns_are_errors() {
        let m = HashMap::new();
        assert!(compile("(open", &m).is_err());
        assert!(compile("{gap} x", &m).is_err());
        assert!(compile("x {NOPE}", &m).is_err());
        assert!(compile("", &m).is_err());
    }
}
