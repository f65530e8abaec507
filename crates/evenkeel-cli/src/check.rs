//! `evenkeel check`: one reply in, findings out; or a JSON Lines stream of replies with
//! `--jsonl`, one result line per input line.

use crate::input::{self, display};
use crate::render;
use crate::setup::{self, Options};
use anyhow::{bail, Result};
use clap::ValueEnum;
use evenkeel_core::Stance;
use evenkeel_model::Engine;
use std::io::{BufReader, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "Exit status: 0 the reply is empathetic or neutral; 1 it is sympathetic or dismissive (the stances --fail-on, or `fail_on` in evenkeel.toml, names); 2 bad usage or input.\n\nExamples:\n  evenkeel check --text \"I can understand why that makes you angry.\"\n  evenkeel check reply.txt --customer-file message.txt --format json\n  evenkeel check --jsonl replies.jsonl > findings.jsonl")]
pub struct Args {
    /// The reply, or with --jsonl the JSON Lines file of replies; `-` or nothing reads standard input.
    #[arg(value_name = "FILE", conflicts_with = "text")]
    file: Option<PathBuf>,
    /// The reply text itself.
    #[arg(short, long, value_name = "REPLY")]
    text: Option<String>,
    /// The customer message the reply answers (improves the notes, adds the customer's emotion).
    #[arg(short, long, value_name = "MESSAGE", conflicts_with = "customer_file")]
    customer: Option<String>,
    /// Read the customer message from a file.
    #[arg(long, value_name = "FILE")]
    customer_file: Option<PathBuf>,
    /// Input is JSON Lines: one `{"reply": ..., "customer"?: ..., "id"?: ...}` per line; output
    /// is one JSON result per line. Bad lines are reported and skipped; the rest are checked.
    #[arg(long, conflicts_with_all = ["text", "customer", "customer_file"])]
    jsonl: bool,
    /// Output format for a single reply.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with status 1 when a reply takes one of these stances (comma-separated; `none`
    /// never fails). Default: sympathetic,dismissive.
    #[arg(long, value_delimiter = ',', value_name = "STANCE", value_parser = parse_fail_on)]
    fail_on: Option<Vec<FailOn>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with the words underlined, for people.
    Text,
    /// The analysis as one JSON object (the contract every front end reads).
    Json,
}

/// One value of `--fail-on`: a stance, or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailOn(Option<Stance>);

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s == "none" {
        return Ok(FailOn(None));
    }
    s.parse().map(|st| FailOn(Some(st)))
}

/// The stances that fail a check unless told otherwise: the two that leave the customer worse off.
pub const DEFAULT_FAIL_ON: [Stance; 2] = [Stance::Sympathetic, Stance::Dismissive];

pub fn run(opts: &Options, args: Args, color: bool) -> Result<ExitCode> {
    let (analyzer, loaded) = setup::engine(opts)?;
    let fail_on: Vec<Stance> = match (&args.fail_on, &loaded.config.fail_on) {
        (Some(list), _) => list.iter().filter_map(|f| f.0).collect(),
        (None, Some(list)) => list.clone(),
        (None, None) => DEFAULT_FAIL_ON.to_vec(),
    };
    if args.jsonl {
        return run_jsonl(&analyzer, &args, &fail_on);
    }
    let (reply, source) = match (&args.text, &args.file) {
        (Some(t), _) => (t.clone(), "--text".to_string()),
        (None, Some(f)) => (input::read_text(f)?, display(f)),
        (None, None) => {
            if std::io::stdin().is_terminal() {
                bail!("no reply given: pass --text \"...\", a FILE, or pipe the reply into standard input");
            }
            (input::read_text(std::path::Path::new("-"))?, "<stdin>".to_string())
        }
    };
    if reply.trim().is_empty() {
        bail!("{source}: the reply is empty: there is nothing to check");
    }
    let customer = match (&args.customer, &args.customer_file) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(f)) => Some(input::read_text(f)?),
        _ => None,
    };
    let analysis = analyzer.analyze(&reply, customer.as_deref());
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&analysis)?)?,
        Format::Text => render::analysis(&mut out, &reply, &analysis, color)?,
    }
    Ok(if fail_on.contains(&analysis.stance) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run_jsonl(analyzer: &Engine, args: &Args, fail_on: &[Stance]) -> Result<ExitCode> {
    let path = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let name = display(&path);
    let reader: Box<dyn std::io::BufRead> = if path.as_os_str() == "-" {
        Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock()))
    } else {
        let f = std::fs::File::open(&path).map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?;
        Box::new(BufReader::with_capacity(1 << 16, f))
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let (mut bad, mut failed, mut checked) = (0usize, 0usize, 0usize);
    input::for_each_line(reader, |n, line| {
        let record = line.and_then(input::parse_record);
        match record {
            Ok(rec) => {
                let a = analyzer.analyze(&rec.reply, rec.customer.as_deref());
                checked += 1;
                if fail_on.contains(&a.stance) {
                    failed += 1;
                }
                let json = a.to_json();
                let id = rec.id.map(|v| v.to_string()).unwrap_or_else(|| "null".into());
                // The analysis object with `line` and `id` first.
                writeln!(out, "{{\"line\":{n},\"id\":{id},{}", &json[1..])?;
            }
            Err(msg) => {
                bad += 1;
                eprintln!("{name}:{n}: {msg}");
                let err = serde_json::json!({"line": n, "error": msg});
                writeln!(out, "{err}")?;
            }
        }
        Ok(())
    })?;
    out.flush()?;
    if bad > 0 {
        eprintln!("evenkeel: {bad} line(s) of {name} could not be checked; {checked} were checked");
        return Ok(ExitCode::from(2));
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
