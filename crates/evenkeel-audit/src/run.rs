//! `evenkeel audit`: the pipeline from export files to the four outputs.
//!
//! One thread reads and groups the inputs into conversations and hands them over in batches
//! through a bounded channel (so memory stays flat whatever the file size); the batch is
//! analysed on every core (rayon), then folded and written in input order, so the outputs
//! never depend on which core finished first. After each batch a checkpoint records how far
//! the audit got (items consumed, bytes of `results.jsonl` written, the running totals); it is
//! written to a temporary file and renamed, so it is always whole. `--resume` cuts
//! `results.jsonl` back to the checkpoint and carries on: nothing lost, nothing counted twice.

use crate::conversation::{self, ConversationResult};
use crate::group::{Grouper, Item};
use crate::mapping::Mapping;
use crate::readers::{self, Format, OpenError};
use crate::redact;
use crate::summary::{self, Aggregate, Input, Meta};
use crate::turn::{Malformed, Turn};
use evenkeel_model::Engine;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

pub const RESULTS: &str = "results.jsonl";
pub const SUMMARY: &str = "summary.json";
pub const AGENTS: &str = "agents.csv";
pub const REPORT: &str = "report.html";
/// The checkpoint: how far the audit got. Removed when the audit completes.
pub const CHECKPOINT: &str = ".evenkeel-audit.checkpoint.json";

/// Version of the checkpoint format; a checkpoint of another version is not resumed.
const CHECKPOINT_VERSION: u32 = 1;

#[derive(Debug, Clone)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    /// `None`: detected per file (see [`readers::detect`]).
    pub format: Option<Format>,
    pub mapping: Mapping,
    pub out: PathBuf,
    pub resume: bool,
    /// Replace the outputs of an earlier audit in `out`.
    pub overwrite: bool,
    pub redact: bool,
    /// How many records may pass before a conversation with no new turn is closed.
    pub window: u64,
    /// Conversations per batch (and per checkpoint).
    pub batch: usize,
    /// How the outputs name each input (default: its path).
    pub labels: Option<Vec<String>>,
}

impl Options {
    pub fn new(inputs: Vec<PathBuf>, out: PathBuf) -> Options {
        Options {
            inputs,
            format: None,
            mapping: Mapping::default(),
            out,
            resume: false,
            overwrite: false,
            redact: false,
            window: 10_000,
            batch: 2_000,
            labels: None,
        }
    }
}

/// Where the audit stands, for a progress bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub bytes_read: u64,
    pub bytes_total: u64,
    pub conversations: u64,
    pub agent_turns: u64,
    /// Conversations skipped because an earlier, interrupted run already analysed them.
    pub resumed_from: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{path}: {source}")]
    Write { path: String, source: io::Error },
    #[error("{0}")]
    Usage(String),
    #[error("{path}: the checkpoint cannot be read ({reason}); start again with --overwrite")]
    Checkpoint { path: String, reason: String },
    /// Writing failed once the audit was under way (the disk filled up, the folder became
    /// read-only): what was done is kept, and `--resume` carries on from the last checkpoint.
    #[error("{path}: {error}\nthe audit stopped; what it had done is kept in the output folder: make room (or make the folder writable) and run the same command with --resume to carry on")]
    Interrupted { path: String, error: io::Error },
}

fn write_err(path: &Path) -> impl FnOnce(io::Error) -> AuditError + '_ {
    move |source| AuditError::Write { path: path.display().to_string(), source }
}

/// What the audit did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub summary: summary::Summary,
    pub resumed_from: u64,
    pub out: PathBuf,
}

/// Identifies the audit a checkpoint belongs to: the same inputs (unchanged), read the same
/// way, by the same engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Fingerprint {
    version: String,
    engine: String,
    inputs: Vec<InputPrint>,
    mapping: Mapping,
    redact: bool,
    window: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct InputPrint {
    file: String,
    /// The name the outputs use.
    label: String,
    format: Format,
    bytes: u64,
    modified_ns: u128,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checkpoint {
    checkpoint_version: u32,
    fingerprint: Fingerprint,
    /// Conversations and malformed records consumed, in input order.
    items: u64,
    results_bytes: u64,
    aggregate: Aggregate,
}

/// Runs an audit. `progress` is called after each batch.
pub fn run(engine: &Engine, opts: &Options, progress: &(dyn Fn(Progress) + Sync)) -> Result<Outcome, AuditError> {
    if opts.inputs.is_empty() {
        return Err(AuditError::Usage("no input files".into()));
    }
    // Every input is checked before any work starts: a typo in the third file name should not
    // cost an hour.
    let mut prints = Vec::new();
    for path in &opts.inputs {
        let file = path.display().to_string();
        let meta = fs::metadata(path).map_err(|source| OpenError::Io { file: file.clone(), source })?;
        if meta.is_dir() {
            return Err(OpenError::Format { file, message: "is a folder; pass the export files in it".into() }.into());
        }
        let format = match opts.format {
            Some(f) => f,
            None => readers::detect(path)?,
        };
        let modified_ns = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
        let label = opts.labels.as_ref().and_then(|l| l.get(prints.len()).cloned()).unwrap_or_else(|| file.clone());
        prints.push(InputPrint { file, label, format, bytes: meta.len(), modified_ns });
    }
    // Headers and mappings are checked up front too.
    for p in &prints {
        drop(readers::open_as(Path::new(&p.file), &p.label, p.format, &opts.mapping, Arc::new(AtomicU64::new(0)))?);
    }
    let fingerprint = Fingerprint {
        version: env!("CARGO_PKG_VERSION").to_string(),
        engine: engine.kind.name().to_string(),
        inputs: prints.clone(),
        mapping: opts.mapping.clone(),
        redact: opts.redact,
        window: opts.window,
    };
    let out = &opts.out;
    fs::create_dir_all(out).map_err(write_err(out))?;
    let checkpoint_path = out.join(CHECKPOINT);
    let results_path = out.join(RESULTS);

    let (aggregate, skip, results_bytes) = if opts.resume {
        match read_checkpoint(&checkpoint_path)? {
            Some(c) => {
                if c.fingerprint != fingerprint {
                    return Err(AuditError::Usage(format!(
                        "{}: the interrupted audit there was of other inputs or options (or the inputs changed since); \
                         run it with the same inputs and options, or start again with --overwrite",
                        out.display()
                    )));
                }
                (c.aggregate, c.items, c.results_bytes)
            }
            None if results_path.exists() && fs::metadata(&results_path).map(|m| m.len()).unwrap_or(0) > 0 && summary_exists(out) => {
                return Err(AuditError::Usage(format!(
                    "{}: this audit already completed; nothing to resume (use --overwrite to run it again)",
                    out.display()
                )));
            }
            None => (Aggregate::default(), 0, 0),
        }
    } else {
        if !opts.overwrite && (checkpoint_path.exists() || results_path.exists()) {
            let what = if checkpoint_path.exists() { "an interrupted audit (continue it with --resume)" } else { "an earlier audit" };
            return Err(AuditError::Usage(format!(
                "{} already holds {what}; pass --overwrite to replace it, or choose another --out",
                out.display()
            )));
        }
        let _ = fs::remove_file(&checkpoint_path);
        (Aggregate::default(), 0, 0)
    };

    let mut results = OpenOptions::new().create(true).write(true).truncate(false).open(&results_path).map_err(write_err(&results_path))?;
    let have = results.metadata().map_err(write_err(&results_path))?.len();
    if have < results_bytes {
        return Err(AuditError::Checkpoint {
            path: results_path.display().to_string(),
            reason: format!("it holds {have} bytes, fewer than the {results_bytes} the checkpoint records (was it changed, or the machine cut off?)"),
        });
    }
    results.set_len(results_bytes).map_err(write_err(&results_path))?;
    io::Seek::seek(&mut results, io::SeekFrom::Start(results_bytes)).map_err(write_err(&results_path))?;
    let results = BufWriter::with_capacity(1 << 20, results);

    let at = Resume { aggregate, skip, results_bytes };
    write_outputs(engine, opts, &prints, fingerprint, at, results, results_path, checkpoint_path, progress).map_err(|e| match e {
        AuditError::Write { path, source } => AuditError::Interrupted { path, error: source },
        other => other,
    })
}

/// Where the audit starts: from nothing, or from an interrupted run's checkpoint.
struct Resume {
    aggregate: Aggregate,
    /// Items the interrupted run already folded in.
    skip: u64,
    results_bytes: u64,
}

/// The audit proper, once the inputs are checked and `results.jsonl` is open at the checkpoint:
/// read, analyse, write, checkpoint; then the summary, scorecards and report.
#[allow(clippy::too_many_arguments)]
fn write_outputs(
    engine: &Engine,
    opts: &Options,
    prints: &[InputPrint],
    fingerprint: Fingerprint,
    at: Resume,
    mut results: BufWriter<File>,
    results_path: PathBuf,
    checkpoint_path: PathBuf,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Outcome, AuditError> {
    let out = &opts.out;
    let Resume { aggregate, skip, results_bytes } = at;
    let bytes_total: u64 = prints.iter().map(|p| p.bytes).sum();
    let bytes_read = Arc::new(AtomicU64::new(0));
    let (tx, rx) = mpsc::sync_channel::<Vec<Item>>(2);
    let reader = {
        let prints = prints.to_vec();
        let mapping = opts.mapping.clone();
        let bytes_read = bytes_read.clone();
        let window = opts.window;
        let batch = opts.batch.max(1);
        std::thread::spawn(move || -> Result<(), OpenError> {
            let mut buf = Vec::with_capacity(batch);
            for p in &prints {
                let records = readers::open_as(Path::new(&p.file), &p.label, p.format, &mapping, bytes_read.clone())?;
                for item in Grouper::new(records, window) {
                    buf.push(item);
                    if buf.len() == batch && tx.send(std::mem::replace(&mut buf, Vec::with_capacity(batch))).is_err() {
                        return Ok(());
                    }
                }
            }
            if !buf.is_empty() {
                let _ = tx.send(buf);
            }
            Ok(())
        })
    };

    // Analysis (here, on every core) and writing (a thread of its own) overlap: while batch k
    // is folded and written, batch k+1 is analysed.
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(1);
    let (aggregate, state) = std::thread::scope(|scope| -> Result<(Aggregate, Progress), AuditError> {
        let writer = scope.spawn(|| -> Result<(Aggregate, Progress), AuditError> {
            let mut aggregate = aggregate;
            let mut results_bytes = results_bytes;
            let mut state = Progress { bytes_total, ..Progress::default() };
            for done in done_rx {
                state.resumed_from += done.skipped_conversations;
                for a in &done.analysed {
                    match a {
                        Analysed::Malformed(m) => aggregate.add_malformed(m.clone()),
                        Analysed::Conversation(c, lines) => {
                            results.write_all(lines.as_bytes()).map_err(write_err(&results_path))?;
                            results_bytes += lines.len() as u64;
                            aggregate.add(c);
                            state.agent_turns += c.turns.len() as u64;
                        }
                    }
                }
                state.conversations = aggregate.conversations;
                if !done.analysed.is_empty() {
                    // Flushed, not synced: a killed process loses nothing the kernel has. After a
                    // power cut, a results file shorter than its checkpoint is caught on resume.
                    results.flush().map_err(write_err(&results_path))?;
                    let c = Checkpoint { checkpoint_version: CHECKPOINT_VERSION, fingerprint: fingerprint.clone(), items: done.items, results_bytes, aggregate };
                    write_replace(&checkpoint_path, serde_json::to_vec(&c).expect("a checkpoint serialises").as_slice(), false)?;
                    aggregate = c.aggregate;
                }
                state.bytes_read = bytes_read.load(Ordering::Relaxed);
                progress(state);
            }
            results.flush().map_err(write_err(&results_path))?;
            Ok((aggregate, state))
        });
        let mut items_done = 0u64;
        for batch in rx {
            let n = batch.len() as u64;
            // Items an interrupted run already folded in are read again (reading is cheap) but
            // not analysed or counted again.
            let already = skip.saturating_sub(items_done).min(n) as usize;
            items_done += n;
            let skipped_conversations = batch[..already].iter().filter(|i| matches!(i, Item::Conversation(_))).count() as u64;
            let analysed: Vec<Analysed> = batch[already..].par_iter().map(|item| analyse(engine, item, opts.redact)).collect();
            if done_tx.send(Done { items: items_done, skipped_conversations, analysed }).is_err() {
                break; // the writer failed; its error is returned below
            }
        }
        drop(done_tx);
        writer.join().expect("the writer thread does not panic")
    })?;
    reader.join().expect("the reader thread does not panic")?;

    let meta = Meta {
        evenkeel_version: env!("CARGO_PKG_VERSION").to_string(),
        engine: engine.kind.name().to_string(),
        inputs: prints.iter().map(|p| Input { file: p.label.clone(), format: p.format.name().to_string() }).collect(),
        redacted: opts.redact,
    };
    let summary = aggregate.summary(meta);
    let json = serde_json::to_vec_pretty(&summary).expect("a summary serialises");
    write_atomic(&out.join(SUMMARY), &json)?;
    let mut csv = Vec::new();
    summary::write_agents_csv(&summary, &mut csv).map_err(|e| AuditError::Write { path: out.join(AGENTS).display().to_string(), source: io::Error::other(e) })?;
    write_atomic(&out.join(AGENTS), &csv)?;
    write_atomic(&out.join(REPORT), crate::report::render(&summary).as_bytes())?;
    let _ = fs::remove_file(&checkpoint_path);
    Ok(Outcome { summary, resumed_from: state.resumed_from, out: out.clone() })
}

fn summary_exists(out: &Path) -> bool {
    out.join(SUMMARY).exists()
}

/// One batch, analysed, on its way to the writer.
struct Done {
    /// Items consumed so far, this batch included.
    items: u64,
    /// Conversations of this batch an interrupted run had already done.
    skipped_conversations: u64,
    analysed: Vec<Analysed>,
}

enum Analysed {
    Conversation(ConversationResult, String),
    Malformed(Malformed),
}

/// One item, analysed: the conversation's results and their `results.jsonl` lines.
fn analyse(engine: &Engine, item: &Item, redacting: bool) -> Analysed {
    match item {
        Item::Malformed(m) => {
            let mut m = m.clone();
            if redacting {
                m.reason = redact::text(&m.reason);
            }
            Analysed::Malformed(m)
        }
        Item::Conversation(c) => {
            let masked: Vec<Turn>;
            let (id, turns) = if redacting {
                masked = c.turns.iter().map(redact::turn).collect();
                (redact::text(&c.id), &masked[..])
            } else {
                (c.id.clone(), &c.turns[..])
            };
            let r = conversation::analyze(engine, &id, c.continued, turns);
            let mut lines = String::new();
            for t in &r.turns {
                lines.push_str(&serde_json::to_string(t).expect("a result serialises"));
                lines.push('\n');
            }
            Analysed::Conversation(r, lines)
        }
    }
}

fn read_checkpoint(path: &Path) -> Result<Option<Checkpoint>, AuditError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(AuditError::Checkpoint { path: path.display().to_string(), reason: e.to_string() }),
    };
    let c: Checkpoint = serde_json::from_slice(&bytes).map_err(|e| AuditError::Checkpoint { path: path.display().to_string(), reason: e.to_string() })?;
    if c.checkpoint_version != CHECKPOINT_VERSION {
        return Err(AuditError::Checkpoint { path: path.display().to_string(), reason: format!("version {}, expected {CHECKPOINT_VERSION}", c.checkpoint_version) });
    }
    Ok(Some(c))
}

/// Writes a whole file or nothing: to `NAME.tmp`, synced, then renamed over `NAME`.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), AuditError> {
    write_replace(path, bytes, true)
}

/// Writes to `NAME.tmp` and renames it over `NAME`: a reader (or a resumed run) sees the old
/// file or the new one, never half of one.
fn write_replace(path: &Path, bytes: &[u8], sync: bool) -> Result<(), AuditError> {
    let tmp = path.with_extension(format!("{}.tmp", path.extension().and_then(|e| e.to_str()).unwrap_or("")));
    let written = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        if sync {
            f.sync_data()?;
        }
        Ok(())
    })();
    if let Err(source) = written {
        // No half-written file is left behind (a full disk gets its room back, too).
        let _ = fs::remove_file(&tmp);
        return Err(AuditError::Write { path: tmp.display().to_string(), source });
    }
    fs::rename(&tmp, path).map_err(write_err(path))
}
