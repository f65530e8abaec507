//! `evenkeel train`: the learned model from the labelled corpus.

use crate::corpus;
use crate::setup::{self, Options};
use anyhow::{Context, Result};
use evenkeel_model::linear::TrainOptions;
use evenkeel_model::train::{corpus_hash, train};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  evenkeel train --corpus data/corpus --out models/default.ekm")]
pub struct Args {
    /// Folder of labelled JSON Lines files (TAXONOMY.md format).
    #[arg(long, value_name = "DIR", default_value = "data/corpus")]
    corpus: PathBuf,
    /// Where to write the model.
    #[arg(long, value_name = "FILE", default_value = "models/default.ekm")]
    out: PathBuf,
    /// Seed for the training order: the same corpus and seed give the same bytes.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Passes over the data.
    #[arg(long, default_value_t = 12)]
    epochs: usize,
}

pub fn run(opts: &Options, args: Args) -> Result<ExitCode> {
    let (analyzer, _) = setup::analyzer(opts)?;
    let corpus = corpus::load(&args.corpus)?;
    let hash = corpus_hash(&corpus.files);
    let topts = TrainOptions { seed: args.seed, epochs: args.epochs, ..TrainOptions::default() };
    let model = train(&corpus.items, &analyzer, &hash, &topts);
    let bytes = model.to_bytes();
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
        "trained on {} items from {} files (corpus sha256 {}), wrote {} ({} bytes)",
        corpus.items.len(),
        corpus.files.len(),
        &hash[..16],
        args.out.display(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}
