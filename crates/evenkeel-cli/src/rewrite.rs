//! `evenkeel rewrite`: a sympathetic or dismissive reply, rewritten towards empathy.

use crate::setup;
use anyhow::{Context, Result};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The reply: a file, or `-` (the default) for standard input.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// The reply as text instead of a file.
    #[arg(long, conflicts_with = "file")]
    text: Option<String>,
    /// The customer's message the reply answers (the acknowledgment then fits their feeling).
    #[arg(long)]
    customer: Option<String>,
    /// `text` prints the rewritten reply; `json` adds what was removed, added and kept.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

pub fn run(setup: &setup::Options, args: Args) -> Result<ExitCode> {
    let reply = match (&args.text, &args.file) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) if p.as_os_str() != "-" => std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        _ => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("cannot read standard input")?;
            s
        }
    };
    if reply.trim().is_empty() {
        anyhow::bail!("the reply is empty: pass a file, `-` with text on standard input, or --text");
    }
    let (engine, _) = setup::engine(setup)?;
    let r = evenkeel_coach::rewrite(&engine, reply.trim_end(), args.customer.as_deref());
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!("{}", r.text);
        if !r.lost.is_empty() {
            eprintln!("note: not carried over: {}", r.lost.join(", "));
        }
        if r.stance_after != evenkeel_core::Stance::Empathetic {
            eprintln!("note: evenkeel still reads the rewrite as {}; edit it by hand", r.stance_after.name());
        }
    }
    Ok(ExitCode::SUCCESS)
}
