//! `evenkeel`: the command line. A thin front end over `evenkeel-core`: it reads files and
//! standard input, finds `evenkeel.toml`, prints, and sets the exit code. Every finding is
//! computed by the analyzer.

mod audit;
mod check;
mod coach;
mod corpus;
mod eval;
mod input;
mod render;
mod rewrite;
mod rules;
mod serve;
mod setup;
mod train;

use clap::{Parser, Subcommand, ValueEnum};
use evenkeel_model::EngineKind;
use std::path::PathBuf;
use std::process::ExitCode;

/// Tells empathy from sympathy in customer-support replies.
#[derive(Debug, Parser)]
#[command(name = "evenkeel", version, about, long_about = None)]
struct Cli {
    /// Configuration file (default: ./evenkeel.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore ./evenkeel.toml.
    #[arg(long, global = true, conflicts_with = "config")]
    no_config: bool,
    /// Read the built-in packs from this folder instead of the embedded copies (for rule
    /// authors: edit `rules/*.toml` and re-run without rebuilding).
    #[arg(long, global = true, value_name = "DIR", hide = true)]
    rules_dir: Option<PathBuf>,
    /// Which engine decides: rules, model, or hybrid (rules plus what the learned model adds;
    /// the default when a model is embedded).
    #[arg(long, global = true, value_name = "ENGINE", value_parser = parse_engine)]
    engine: Option<EngineKind>,
    /// Use this model file instead of the one embedded in the binary.
    #[arg(long, global = true, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Probability from which the model adds a cue the rules missed (calibration only).
    #[arg(long, global = true, value_name = "P", hide = true)]
    add_threshold: Option<f32>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check one reply (from --text, a file, or standard input), or many with --jsonl.
    Check(check::Args),
    /// Audit whole helpdesk exports: every conversation scored, scorecards, trends and a report.
    Audit(audit::Args),
    /// Write a realistic synthetic helpdesk export (for trying the audit, tests and benchmarks).
    DemoData(audit::DemoArgs),
    /// Practise on scenarios, take the empathy-or-sympathy quiz, see progress.
    Coach(coach::Args),
    /// Rewrite a sympathetic or dismissive reply towards empathy, keeping its facts.
    Rewrite(rewrite::Args),
    /// Serve the API, the live-check page and the audits page.
    Serve(serve::Args),
    /// Create, list and revoke API tokens.
    #[command(subcommand)]
    Token(serve::TokenCommand),
    /// Score the analyzer against labelled JSON Lines data (TAXONOMY.md format).
    Eval(eval::Args),
    /// List, explain and test rules.
    #[command(subcommand)]
    Rules(rules::Command),
    /// Train the learned model on a labelled corpus (deterministic: same corpus and seed, same bytes).
    Train(train::Args),
    /// Counts per stance, cue, industry, channel, emotion and length, and the near-duplicate rate.
    CorpusStats(corpus::StatsArgs),
    /// Print the configuration in effect and where it came from.
    Config,
}

fn parse_engine(s: &str) -> Result<EngineKind, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = render::use_color(cli.color);
    let setup = setup::Options {
        config: cli.config,
        no_config: cli.no_config,
        rules_dir: cli.rules_dir,
        engine: cli.engine,
        model: cli.model,
        add_threshold: cli.add_threshold,
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&setup, args, color),
        Command::Audit(args) => audit::run(&setup, args),
        Command::DemoData(args) => audit::demo_data(args),
        Command::Coach(args) => coach::run(&setup, args, color),
        Command::Rewrite(args) => rewrite::run(&setup, args),
        Command::Serve(args) => serve::serve(&setup, args),
        Command::Token(cmd) => serve::token(cmd),
        Command::Eval(args) => eval::run(&setup, args, color),
        Command::Rules(cmd) => rules::run(&setup, cmd, color),
        Command::Train(args) => train::run(&setup, args),
        Command::CorpusStats(args) => corpus::stats(args),
        Command::Config => setup::show(&setup),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("evenkeel: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
