//! `evenkeel rules`: list the loaded rules, explain one, test a pack's examples.

use crate::setup::{self, Options};
use anyhow::{bail, Context, Result};
use evenkeel_core::examples::check_rule;
use evenkeel_core::Cue;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// One line per rule: id, cue, severity.
    List {
        /// Only rules of this cue.
        #[arg(long)]
        cue: Option<Cue>,
    },
    /// Everything about one rule: what it looks for, why, what to say instead, its examples.
    Explain { id: String },
    /// Run the examples of every rule in these pack files (loaded after the built-in packs),
    /// or of all loaded rules when no file is given.
    Test { packs: Vec<PathBuf> },
}

pub fn run(opts: &Options, cmd: Command, _color: bool) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cmd {
        Command::List { cue } => {
            let (a, _) = setup::analyzer(opts)?;
            for r in a.rules().iter().filter(|r| cue.is_none_or(|c| r.cue == c)) {
                writeln!(out, "{:<48} {:<21} {}", r.id, r.cue.name(), r.severity.name())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { id } => {
            let (a, _) = setup::analyzer(opts)?;
            let Some(r) = a.rule(&id) else {
                bail!("no rule `{id}` is loaded (see `evenkeel rules list`)");
            };
            writeln!(out, "{}  ({}, {}, {})", r.id, r.cue, r.cue.side().name(), r.severity.name())?;
            writeln!(out, "defined at {}", r.origin)?;
            if !r.description.is_empty() {
                writeln!(out, "\n{}", r.description)?;
            }
            writeln!(out, "\nwhy: {}", r.message)?;
            if let Some(s) = &r.suggestion {
                writeln!(out, "instead: {s}")?;
            }
            if let Some(x) = &r.replacement {
                writeln!(out, "rewrite to: \"{x}\"")?;
            }
            writeln!(out, "\nfires on:")?;
            for e in &r.must_match {
                writeln!(out, "  + {e}")?;
            }
            if !r.must_not_match.is_empty() {
                writeln!(out, "does not fire on:")?;
                for e in &r.must_not_match {
                    writeln!(out, "  - {e}")?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { packs } => {
            let loaded = setup::load_config(opts)?;
            let mut b = setup::builder(opts, &loaded)?;
            let mut names = Vec::new();
            for p in &packs {
                let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
                b.add_pack(&p.display().to_string(), &text)?;
                names.push(b.packs().last().expect("just added").name.clone());
            }
            let a = b.build().map_err(anyhow::Error::msg)?;
            let (mut n, mut failures) = (0, Vec::new());
            for r in a.rules() {
                let in_scope = names.is_empty() || names.iter().any(|p| r.id.starts_with(&format!("{p}.")));
                if !in_scope {
                    continue;
                }
                n += r.must_match.len() + r.must_not_match.len();
                failures.extend(check_rule(&a, r));
            }
            for f in &failures {
                writeln!(out, "{f}")?;
            }
            writeln!(out, "{} examples, {} failed", n, failures.len())?;
            Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}
