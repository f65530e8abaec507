//! `evenkeel eval`: score the analyzer against labelled JSON Lines data.

use crate::input::{self, display};
use crate::setup::{self, Options};
use anyhow::{Context, Result};
use evenkeel_core::eval::{evaluate, EvalReport, LabelledItem};
use evenkeel_core::Analysis;
use evenkeel_model::linear::TrainOptions;
use evenkeel_model::{Engine, EngineKind};
use std::io::{BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labelled JSON Lines files (TAXONOMY.md format); each is scored on its own.
    #[arg(long = "dataset", short = 'd', value_name = "FILE", required_unless_present = "cv")]
    datasets: Vec<PathBuf>,
    /// K-fold cross-validation on the corpus instead: train on K-1 folds, score the held-out
    /// fold, and report over all held-out predictions (uses --engine; default hybrid).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(2..=20))]
    cv: Option<u32>,
    /// The corpus for --cv.
    #[arg(long, value_name = "DIR", default_value = "data/corpus")]
    corpus: PathBuf,
    /// text (for people) or json (one report object per dataset).
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// List up to N items whose stance was wrong, with the cues missed and added.
    #[arg(long, value_name = "N", default_value_t = 0)]
    show_errors: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(opts: &Options, args: Args, _color: bool) -> Result<ExitCode> {
    if let Some(k) = args.cv {
        return cross_validate(opts, &args, k as usize);
    }
    let (analyzer, _) = setup::engine(opts)?;
    let mut out = std::io::stdout().lock();
    let mut any_bad = false;
    for path in &args.datasets {
        let (pairs, bad) = load(&analyzer, path)?;
        any_bad |= bad > 0;
        let report = evaluate(&pairs);
        match args.format {
            Format::Json => {
                let mut v = serde_json::to_value(&report)?;
                v["dataset"] = serde_json::json!(display(path));
                v["skipped_lines"] = serde_json::json!(bad);
                writeln!(out, "{v}")?;
            }
            Format::Text => text(&mut out, &display(path), &report, bad, args.show_errors, &pairs)?,
        }
    }
    Ok(if any_bad { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// Read and analyse every item; bad lines are reported on stderr and skipped.
fn load(analyzer: &Engine, path: &PathBuf) -> Result<(Vec<(LabelledItem, Analysis)>, usize)> {
    let name = display(path);
    let f = std::fs::File::open(path).with_context(|| format!("cannot read {name}"))?;
    let mut pairs = Vec::new();
    let mut bad = 0;
    input::for_each_line(BufReader::new(f), |n, line| {
        let item = line.and_then(|l| {
            serde_json::from_str::<LabelledItem>(l).map_err(|e| format!("not a labelled item: {e}"))
        });
        match item {
            Ok(item) => {
                let a = analyzer.analyze(&item.reply, item.customer.as_deref());
                pairs.push((item, a));
            }
            Err(msg) => {
                bad += 1;
                eprintln!("{name}:{n}: {msg}");
            }
        }
        Ok(())
    })?;
    Ok((pairs, bad))
}

fn text(
    out: &mut impl Write,
    name: &str,
    r: &EvalReport,
    bad: usize,
    show_errors: usize,
    pairs: &[(LabelledItem, Analysis)],
) -> Result<()> {
    writeln!(out, "== {name}: {} items{}", r.n, if bad > 0 { format!(" ({bad} lines skipped)") } else { String::new() })?;
    writeln!(out, "stance   accuracy {:.3}   macro-F1 {:.3}", r.stance.accuracy, r.stance.macro_f1)?;
    writeln!(out, "  {:<13} {:>6} {:>6} {:>6} {:>7}", "class", "P", "R", "F1", "support")?;
    for (k, p) in &r.stance.per_class {
        writeln!(out, "  {k:<13} {:>6.3} {:>6.3} {:>6.3} {:>7}", p.precision, p.recall, p.f1, p.support)?;
    }
    writeln!(out, "  confusion (rows gold, columns predicted):")?;
    let cols: Vec<&String> = r.stance.confusion.keys().collect();
    write!(out, "  {:<13}", "")?;
    for c in &cols {
        write!(out, " {:>11}", c)?;
    }
    writeln!(out)?;
    for (g, row) in &r.stance.confusion {
        write!(out, "  {g:<13}")?;
        for c in &cols {
            write!(out, " {:>11}", row[*c])?;
        }
        writeln!(out)?;
    }
    writeln!(out, "cues     micro-F1 {:.3}   macro-F1 {:.3}", r.cues.micro_f1, r.cues.macro_f1)?;
    for (k, p) in &r.cues.per_cue {
        if p.support == 0 && p.precision == 0.0 {
            continue;
        }
        writeln!(out, "  {k:<21} {:>6.3} {:>6.3} {:>6.3} {:>7}", p.precision, p.recall, p.f1, p.support)?;
    }
    if let Some(s) = &r.spans {
        writeln!(out, "spans    P {:.3}  R {:.3}  F1 {:.3}  ({} items with spans; overlap with a gold span of the same cue)", s.precision, s.recall, s.f1, s.items)?;
    }
    if let Some(e) = &r.customer_emotion {
        writeln!(out, "customer emotion  accuracy {:.3}   macro-F1 {:.3} ({} items)", e.accuracy, e.macro_f1, e.n)?;
    }
    let mut weak: Vec<_> = r.rules.iter().filter(|(_, x)| x.fired >= 2 && x.precision < 0.6).collect();
    weak.sort_by(|a, b| a.1.precision.partial_cmp(&b.1.precision).unwrap_or(std::cmp::Ordering::Equal));
    if !weak.is_empty() {
        writeln!(out, "rules with precision below 0.6 (fired ≥ 2):")?;
        for (id, x) in weak.iter().take(10) {
            writeln!(out, "  {id:<45} fired {:>3}  correct {:>3}  precision {:.2}", x.fired, x.correct, x.precision)?;
        }
    }
    if show_errors > 0 {
        writeln!(out, "stance errors:")?;
        let mut shown = 0;
        for (item, a) in pairs {
            if item.stance == a.stance {
                continue;
            }
            shown += 1;
            if shown > show_errors {
                break;
            }
            let gold: Vec<String> = item.cues.iter().map(|c| c.to_string()).collect();
            let got: Vec<String> = a.cues().iter().map(|c| c.to_string()).collect();
            writeln!(out, "  {} gold {} [{}] got {} [{}]", item.id.as_deref().unwrap_or("?"), item.stance, gold.join(","), a.stance, got.join(","))?;
            let reply: String = item.reply.chars().take(240).collect();
            writeln!(out, "      {}", reply.replace('\n', " "))?;
            for f in &a.findings {
                writeln!(out, "      - {} \"{}\" ({})", f.cue, f.text, f.rule)?;
            }
        }
    }
    writeln!(out)?;
    Ok(())
}

/// `--cv K`: every corpus item is scored by a model that never saw it.
fn cross_validate(opts: &Options, args: &Args, k: usize) -> Result<ExitCode> {
    let (analyzer, _) = setup::analyzer(opts)?;
    let corpus = crate::corpus::load(&args.corpus)?;
    let kind = opts.engine.unwrap_or(EngineKind::Hybrid);
    let folds = evenkeel_model::train::folds(corpus.items.len(), k, 7);
    let mut pairs: Vec<Option<(LabelledItem, Analysis)>> = vec![None; corpus.items.len()];
    let mut engine = Engine::new(analyzer, None, EngineKind::Rules).map_err(anyhow::Error::msg)?;
    for fold in 0..k {
        let train: Vec<LabelledItem> = corpus.items.iter().zip(&folds).filter(|(_, &f)| f != fold).map(|(i, _)| i.clone()).collect();
        let model = evenkeel_model::train::train(&train, &engine.analyzer, "cross-validation", &TrainOptions::default());
        engine = Engine::new(engine.analyzer, Some(model), kind).map_err(anyhow::Error::msg)?;
        if let Some(t) = opts.add_threshold {
            engine.add_threshold = t;
        }
        for (i, item) in corpus.items.iter().enumerate().filter(|(i, _)| folds[*i] == fold) {
            pairs[i] = Some((item.clone(), engine.analyze(&item.reply, item.customer.as_deref())));
        }
        eprintln!("fold {}/{k} done", fold + 1);
    }
    let pairs: Vec<(LabelledItem, Analysis)> = pairs.into_iter().flatten().collect();
    let report = evaluate(&pairs);
    let name = format!("{} ({k}-fold cross-validation, {} engine)", display(&args.corpus), kind.name());
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let mut v = serde_json::to_value(&report)?;
            v["dataset"] = serde_json::json!(name);
            v["folds"] = serde_json::json!(k);
            writeln!(out, "{v}")?;
        }
        Format::Text => text(&mut out, &name, &report, 0, args.show_errors, &pairs)?,
    }
    Ok(ExitCode::SUCCESS)
}
