//! Text output for people: the stance, then each finding with its words underlined, why it
//! matters and what to say instead.

use crate::ColorChoice;
use evenkeel_core::{Analysis, Side, Stance};
use std::io::{IsTerminal, Write};

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn side(&self, side: Side, s: &str) -> String {
        self.wrap(
            match side {
                Side::Empathy => "32",
                Side::Sympathy => "33",
                Side::Dismissive => "31",
            },
            s,
        )
    }
    fn stance(&self, stance: Stance, s: &str) -> String {
        self.wrap(
            match stance {
                Stance::Empathetic => "1;32",
                Stance::Sympathetic => "1;33",
                Stance::Dismissive => "1;31",
                Stance::Neutral => "1",
            },
            s,
        )
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

/// Write the whole analysis of `reply`.
pub fn analysis(out: &mut impl Write, reply: &str, a: &Analysis, color: bool) -> std::io::Result<()> {
    let p = Paint(color);
    writeln!(
        out,
        "{}  {}",
        p.stance(a.stance, &format!("stance: {}", a.stance)),
        p.dim(&format!(
            "empathy {:.2} · sympathy {:.2} · dismissive {:.2}",
            a.scores.empathy, a.scores.sympathy, a.scores.dismissive
        ))
    )?;
    if let Some(e) = a.customer_emotion {
        writeln!(out, "{}", p.dim(&format!("customer emotion: {e}")))?;
    }
    if a.findings.is_empty() {
        writeln!(out, "no cues found")?;
    }
    let lines: Vec<&str> = reply.split('\n').collect();
    for f in &a.findings {
        writeln!(out)?;
        writeln!(
            out,
            "{} {} {}",
            p.side(f.side, &format!("{}", f.cue)),
            p.dim(&format!("({}, {})", f.side.name(), f.severity.name())),
            p.dim(&format!("at {}:{}", f.line, f.column)),
        )?;
        // The line of the reply with the finding underlined (first line of a multi-line span).
        if let Some(line) = lines.get(f.line - 1) {
            let line = line.trim_end_matches('\r');
            let col = f.column - 1;
            let shown: String = line.chars().collect();
            let width = f.text.split('\n').next().unwrap_or("").chars().count().max(1);
            let width = width.min(shown.chars().count().saturating_sub(col).max(1));
            if shown.chars().count() <= 200 {
                writeln!(out, "  {}", shown)?;
                writeln!(out, "  {}{}", " ".repeat(col), p.side(f.side, &"^".repeat(width)))?;
            } else {
                writeln!(out, "  \"{}\"", f.text)?;
            }
        }
        writeln!(out, "  {}", f.message)?;
        if let Some(s) = &f.suggestion {
            writeln!(out, "  {} {}", p.wrap("1", "try:"), s)?;
        }
        if let Some(fix) = &f.fix {
            if fix.kind == "replace" {
                writeln!(out, "  {} \"{}\" → \"{}\"", p.wrap("1", "rewrite:"), f.text, fix.text)?;
            } else {
                writeln!(out, "  {} \"{}\"", p.wrap("1", "remove:"), f.text)?;
            }
        }
        let origin = match f.confidence {
            Some(c) => format!("rule: {} (learned model, confidence {c:.2})", f.rule),
            None => format!("rule: {}", f.rule),
        };
        writeln!(out, "  {}", p.dim(&origin))?;
    }
    if !a.notes.is_empty() {
        writeln!(out)?;
        for n in &a.notes {
            writeln!(out, "note: {n}")?;
        }
    }
    Ok(())
}
