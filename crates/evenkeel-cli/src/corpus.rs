//! Reading a labelled corpus: every `*.jsonl` file of a folder, in name order.

use crate::input;
use anyhow::{bail, Context, Result};
use evenkeel_core::eval::LabelledItem;
use evenkeel_model::corpus::Meta;
use std::path::Path;

pub struct Corpus {
    pub items: Vec<LabelledItem>,
    /// Industry and channel of each item, where given.
    pub meta: Vec<Meta>,
    /// (file name, bytes), for the corpus hash.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Read `dir` (or a single `.jsonl` file). A bad line is an error naming file and line: a
/// model must not be trained on a corpus that silently lost items.
pub fn load(dir: &Path) -> Result<Corpus> {
    let mut paths: Vec<std::path::PathBuf> = if dir.is_file() {
        vec![dir.to_path_buf()]
    } else {
        std::fs::read_dir(dir)
            .with_context(|| format!("cannot read corpus folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect()
    };
    paths.sort();
    if paths.is_empty() {
        bail!("{}: no .jsonl files", dir.display());
    }
    let mut items = Vec::new();
    let mut meta = Vec::new();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in &paths {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        input::for_each_line(&bytes[..], |n, line| {
            let parsed = line.and_then(|l| {
                let item = serde_json::from_str::<LabelledItem>(l).map_err(|e| e.to_string())?;
                let meta = serde_json::from_str::<Meta>(l).map_err(|e| e.to_string())?;
                Ok((item, meta))
            });
            match parsed {
                Ok((item, m)) => {
                    items.push(item);
                    meta.push(m);
                }
                Err(e) => problems.push(format!("{}:{n}: {e}", path.display())),
            }
            Ok(())
        })?;
        files.push((name, bytes));
    }
    if !problems.is_empty() {
        bail!("{} bad line(s) in the corpus:\n{}", problems.len(), problems.join("\n"));
    }
    Ok(Corpus { items, meta, files })
}

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The corpus folder (or one .jsonl file).
    #[arg(value_name = "DIR", default_value = "data/corpus")]
    corpus: std::path::PathBuf,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

/// `evenkeel corpus-stats`: what the corpus holds, and how many replies nearly repeat another.
pub fn stats(args: StatsArgs) -> Result<std::process::ExitCode> {
    let c = load(&args.corpus)?;
    let pairs: Vec<(LabelledItem, Meta)> = c.items.into_iter().zip(c.meta).collect();
    let st = evenkeel_model::corpus::stats(&pairs);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&st)?);
        return Ok(std::process::ExitCode::SUCCESS);
    }
    println!("{} items in {} files", st.items, c.files.len());
    for (title, map) in [
        ("stance", &st.stance),
        ("cue (items with the cue)", &st.cue),
        ("industry", &st.industry),
        ("channel", &st.channel),
        ("customer emotion", &st.customer_emotion),
        ("reply length", &st.length_band),
    ] {
        println!("\n{title}:");
        for (k, v) in map {
            println!("  {k:<24} {v:>5}  {:>5.1}%", 100.0 * *v as f64 / st.items.max(1) as f64);
        }
    }
    println!(
        "\nnear-duplicate pairs (Jaccard over word 3-grams > 0.8): {} = {:.2}% of items",
        st.near_duplicate_pairs,
        100.0 * st.near_duplicate_rate
    );
    for (a, b, j) in &st.examples {
        println!("  {a} ~ {b}  ({j})");
    }
    Ok(std::process::ExitCode::SUCCESS)
}
