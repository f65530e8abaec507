//! Rule examples: every rule carries sentences it must match, with the expected span marked in
//! `[brackets]`, and sentences it must not match. The test suite runs every example of every
//! built-in pack; `evenkeel rules test PACK` does the same for a user's pack.

use crate::analyzer::Analyzer;
use crate::document::Span;
use crate::pack::{Rule, SpanScope};

/// Split "I can see [why you're upset]." into the plain text and the marked spans.
/// `\[` and `\]` stand for literal brackets.
pub fn parse_marked(example: &str) -> Result<(String, Vec<Span>), String> {
    let mut text = String::with_capacity(example.len());
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    let mut chars = example.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(d @ ('[' | ']' | '\\')) => text.push(d),
                Some(d) => {
                    text.push('\\');
                    text.push(d);
                }
                None => text.push('\\'),
            },
            '[' => {
                if open.is_some() {
                    return Err("nested `[` in example".into());
                }
                open = Some(text.len());
            }
            ']' => {
                let s = open.take().ok_or("`]` without `[` in example")?;
                if s == text.len() {
                    return Err("empty `[]` in example".into());
                }
                spans.push(Span::new(s, text.len()));
            }
            c => text.push(c),
        }
    }
    if open.is_some() {
        return Err("unclosed `[` in example".into());
    }
    Ok((text, spans))
}

/// One example that did not behave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    pub origin: String,
    pub example: String,
    pub problem: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: rule `{}`: {}\n    example: {}",
            self.origin, self.rule, self.problem, self.example
        )
    }
}

/// Run the examples of `rule` through the whole `analyzer` (so negation, shadows and other
/// rules take part, as they would on a real reply).
pub fn check_rule(analyzer: &Analyzer, rule: &Rule) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    let fail = |example: &str, problem: String| ExampleFailure {
        rule: rule.id.clone(),
        origin: rule.origin.clone(),
        example: example.to_string(),
        problem,
    };
    for ex in &rule.must_match {
        let (text, marked) = match parse_marked(ex) {
            Ok(x) => x,
            Err(e) => {
                failures.push(fail(ex, e));
                continue;
            }
        };
        let analysis = analyzer.analyze(&text, None);
        let own: Vec<_> = analysis
            .findings
            .iter()
            .filter(|f| f.cue == rule.cue)
            .collect();
        if !analyzer.rule_fires(&rule.id, &text) {
            failures.push(fail(ex, "the rule does not match its own example".into()));
            continue;
        }
        // A `match`-scoped rule must find exactly the marked words; a clause- or
        // sentence-scoped one must find a span that holds them (its clause or sentence).
        let exact = rule.span == SpanScope::Match;
        for m in &marked {
            let hit = |f: &&crate::finding::Finding| {
                if exact {
                    f.start == m.start && f.end == m.end
                } else {
                    f.start <= m.start && m.end <= f.end
                }
            };
            if !own.iter().any(hit) {
                let got: Vec<&str> = own.iter().map(|f| f.text.as_str()).collect();
                failures.push(fail(
                    ex,
                    format!(
                        "expected a `{}` finding on \"{}\", found {:?}",
                        rule.cue,
                        &text[m.start..m.end],
                        got
                    ),
                ));
            }
        }
    }
    for ex in &rule.must_not_match {
        let (text, _) = match parse_marked(ex) {
            Ok(x) => x,
            Err(e) => {
                failures.push(fail(ex, e));
                continue;
            }
        };
        let analysis = analyzer.analyze(&text, None);
        if let Some(f) = analysis.findings.iter().find(|f| f.cue == rule.cue) {
            failures.push(fail(
                ex,
                format!(
                    "must not find `{}`, but rule `{}` found \"{}\"",
                    rule.cue, f.rule, f.text
                ),
            ));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_spans_are_parsed() {
        let (t, s) = parse_marked("I can see [why you're upset]. \\[x\\]").unwrap();
        assert_eq!(t, "I can see why you're upset. [x]");
        assert_eq!(&t[s[0].start..s[0].end], "why you're upset");
        assert!(parse_marked("[open").is_err());
        assert!(parse_marked("close]").is_err());
        assert!(parse_marked("[]").is_err());
    }
}
