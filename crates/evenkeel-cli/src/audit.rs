//! `evenkeel audit` and `evenkeel demo-data`: the terminal side of `evenkeel-audit`. The
//! pipeline, the scorecards and the report live in that crate; here are the arguments, the
//! progress bar and the closing lines.

use crate::setup;
use anyhow::{Context, Result};
use evenkeel_audit::demo::{self, DemoOptions};
use evenkeel_audit::mapping::Mapping;
use evenkeel_audit::readers::Format;
use evenkeel_audit::run::{self, Options, Progress};
use evenkeel_core::Stance;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Export files: CSV or JSON Lines (columns named by --map), Zendesk tickets or Intercom
    /// conversations as JSON Lines. The format is detected per file unless --format is given.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Folder for results.jsonl, summary.json, agents.csv and report.html (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Read every input as this format: csv, jsonl, zendesk or intercom.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    format: Option<Format>,
    /// Which column (CSV) or key (JSON Lines; dotted paths allowed) holds each part of a turn,
    /// e.g. `conversation=ticket_id,author=role,agent=assignee,text=body,time=created_at`.
    /// Parts: conversation, author, agent, team, time, text, public.
    #[arg(long, value_name = "FIELD=COLUMN,...", value_parser = parse_map)]
    map: Option<Mapping>,
    /// Continue an interrupted audit in --out: what was done is kept, the rest is analysed.
    #[arg(long)]
    resume: bool,
    /// Replace an earlier audit's outputs in --out.
    #[arg(long, conflicts_with = "resume")]
    overwrite: bool,
    /// Mask e-mail addresses, phone numbers, card numbers and order or account numbers in
    /// every output (before analysis, so spans stay exact).
    #[arg(long)]
    redact: bool,
    /// Records that may pass before a conversation with no new turn is considered complete
    /// (raise it for exports that interleave many conversations).
    #[arg(long, value_name = "RECORDS", default_value_t = 10_000)]
    window: u64,
    /// Worker threads (default: every core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar and no closing summary (errors still go to standard error).
    #[arg(long, short)]
    quiet: bool,
    /// Conversations per batch and per checkpoint (tests make it small to interrupt audits).
    #[arg(long, value_name = "N", default_value_t = 2_000, hide = true)]
    batch: usize,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_map(s: &str) -> Result<Mapping, String> {
    Mapping::parse(s)
}

pub fn run(setup: &setup::Options, args: Args) -> Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("cannot start the worker threads")?;
    }
    let (engine, _) = setup::engine(setup)?;
    let mut opts = Options::new(args.inputs, args.out);
    opts.format = args.format;
    opts.mapping = args.map.unwrap_or_default();
    opts.resume = args.resume;
    opts.overwrite = args.overwrite;
    opts.redact = args.redact;
    opts.window = args.window;
    opts.batch = args.batch;

    let bar = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(8));
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} [{bar:24}] {percent:>3}% of {total_bytes} · {msg} · ETA {eta}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Some(bar)
    } else {
        None
    };
    let started = Instant::now();
    let on_progress = |p: Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_read);
            let secs = started.elapsed().as_secs_f64().max(1e-3);
            let fresh = p.conversations.saturating_sub(p.resumed_from) as f64;
            let resumed = if p.resumed_from > 0 { format!(" ({} earlier)", thousands(p.resumed_from)) } else { String::new() };
            bar.set_message(format!("{} conversations{resumed} · {}/s", thousands(p.conversations), thousands((fresh / secs) as u64)));
        }
    };
    let outcome = run::run(&engine, &opts, &on_progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let outcome = outcome?;
    if args.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    let s = &outcome.summary;
    let t = &s.totals;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "audited {} conversations: {} agent turns, {} bot turns, {} customer turns ({:.1} s{})",
        thousands(t.conversations),
        thousands(t.agent_turns),
        thousands(t.bot_turns),
        thousands(t.customer_turns),
        started.elapsed().as_secs_f64(),
        if outcome.resumed_from > 0 { format!("; resumed after {} conversations", thousands(outcome.resumed_from)) } else { String::new() }
    )?;
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    writeln!(
        out,
        "  agents: {}",
        Stance::ALL.iter().map(|st| format!("{} {}", st.name(), pct(s.humans.rates[st]))).collect::<Vec<_>>().join(" · ")
    )?;
    if let Some(a) = s.humans.acknowledgment_rate {
        writeln!(out, "  the customer's emotion was acknowledged in {} of {} replies to an emotional customer", pct(a), thousands(s.humans.emotional_turns))?;
    }
    if !s.wellbeing.rising.is_empty() {
        writeln!(out, "  wellbeing: a rising share of mirroring or grovelling for {}", s.wellbeing.rising.join(", "))?;
    }
    if t.malformed_records > 0 {
        writeln!(out, "  {} malformed records skipped (listed with their line in summary.json); the first:", thousands(t.malformed_records))?;
        for m in s.malformed.listed.iter().take(3) {
            writeln!(out, "    {m}")?;
        }
    }
    let dir = outcome.out.display();
    writeln!(out, "wrote {dir}/{}, {dir}/{}, {dir}/{}, {dir}/{}", run::RESULTS, run::SUMMARY, run::AGENTS, run::REPORT)?;
    Ok(ExitCode::SUCCESS)
}

/// `12,345`: counts a person reads at a glance.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Write here (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// About this many human agent turns (at least this many; the last conversation is whole).
    #[arg(long, value_name = "N", conflicts_with = "conversations")]
    turns: Option<u64>,
    /// Exactly this many conversations (default: 200 when --turns is not given).
    #[arg(long, value_name = "N")]
    conversations: Option<usize>,
    /// csv, jsonl, zendesk or intercom (default: csv for a `.csv` file, else jsonl).
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    format: Option<Format>,
    /// Same seed, same bytes.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

pub fn demo_data(args: DemoArgs) -> Result<ExitCode> {
    let opts = match (args.turns, args.conversations) {
        (Some(t), _) => DemoOptions::for_agent_turns(t, args.seed),
        (None, c) => DemoOptions { conversations: c.unwrap_or(200), seed: args.seed, agent_turns: None },
    };
    let format = args.format.unwrap_or(if args.out.extension().is_some_and(|e| e == "csv") { Format::Csv } else { Format::Jsonl });
    let to_stdout = args.out.as_os_str() == "-";
    let sink: Box<dyn Write> = if to_stdout {
        Box::new(std::io::stdout().lock())
    } else {
        if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        Box::new(std::fs::File::create(&args.out).with_context(|| format!("cannot write {}", args.out.display()))?)
    };
    let w = BufWriter::with_capacity(1 << 20, sink);
    let counts = match format {
        Format::Csv => demo::write_csv(w, &opts),
        Format::Jsonl => demo::write_jsonl(w, &opts),
        Format::Zendesk => demo::write_zendesk(w, &opts),
        Format::Intercom => demo::write_intercom(w, &opts),
    }
    .with_context(|| format!("cannot write {}", args.out.display()))?;
    if !to_stdout {
        eprintln!(
            "wrote {} ({}): {} conversations, {} agent turns, {} bot turns, {} customer turns",
            args.out.display(),
            format.name(),
            thousands(counts.conversations),
            thousands(counts.agent_turns),
            thousands(counts.bot_turns),
            thousands(counts.customer_turns)
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
