//! Readers for helpdesk exports. Each turns one input file into [`Record`]s in file order:
//! a [`Turn`] per message, or a [`Malformed`] that says where and why. A bad record never
//! stops a reader; only a file that cannot be opened or has no usable header does.

mod csv;
mod intercom;
mod json;
mod jsonl;
mod zendesk;

use crate::mapping::Mapping;
use crate::turn::Record;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use self::csv::CsvReader;
pub use intercom::IntercomReader;
pub use jsonl::JsonlReader;
pub use zendesk::ZendeskReader;

/// The export formats `evenkeel audit` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One row per turn, columns named by `--map`.
    Csv,
    /// One JSON object per line per turn, keys named by `--map`.
    Jsonl,
    /// One Zendesk ticket per line, with its `comments` (and optionally sideloaded `users`
    /// and `groups`).
    Zendesk,
    /// One Intercom conversation per line, as `GET /conversations/{id}` returns it.
    Intercom,
}

impl Format {
    pub const NAMES: &'static str = "csv, jsonl, zendesk, intercom";

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Zendesk => "zendesk",
            Format::Intercom => "intercom",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "jsonl" | "ndjson" | "json" => Ok(Format::Jsonl),
            "zendesk" => Ok(Format::Zendesk),
            "intercom" => Ok(Format::Intercom),
            other => Err(format!("unknown format `{other}`; the formats are {}", Format::NAMES)),
        }
    }
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{file}: {source}")]
    Io { file: String, source: io::Error },
    #[error("{file}: {message}")]
    Format { file: String, message: String },
}

/// Counts the bytes read from a file, for the progress bar.
pub struct Counting<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub type Records = Box<dyn Iterator<Item = Record> + Send>;

/// Guesses the format: `.csv`/`.tsv` are CSV; JSON Lines are told apart by the first
/// object's keys (`comments` → Zendesk, `conversation_parts` → Intercom, else generic).
pub fn detect(path: &Path) -> Result<Format, OpenError> {
    let file = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "csv" || ext == "tsv" {
        return Ok(Format::Csv);
    }
    let f = File::open(path).map_err(|source| OpenError::Io { file: file.clone(), source })?;
    let mut line = String::new();
    let mut r = BufReader::new(f);
    loop {
        line.clear();
        // A first line that is not UTF-8 tells nothing; let the generic reader report it.
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return Ok(Format::Jsonl);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    Ok(match serde_json::from_str::<serde_json::Value>(&line) {
        Ok(v) if zendesk::looks_like(&v) => Format::Zendesk,
        Ok(v) if intercom::looks_like(&v) => Format::Intercom,
        Ok(_) => Format::Jsonl,
        Err(_) if ext == "jsonl" || ext == "ndjson" || ext == "json" => Format::Jsonl,
        Err(_) => {
            return Err(OpenError::Format {
                file,
                message: format!("cannot tell the format (not CSV by name, first line not JSON); pass --format {}", Format::NAMES),
            })
        }
    })
}

/// Opens one input. `bytes` is increased as the file is read.
pub fn open(path: &Path, format: Format, mapping: &Mapping, bytes: Arc<AtomicU64>) -> Result<Records, OpenError> {
    open_as(path, &path.display().to_string(), format, mapping, bytes)
}

/// [`open`], naming the file `label` in records and errors (a server names an upload by the
/// name it was sent under, not by where it keeps it).
pub fn open_as(path: &Path, label: &str, format: Format, mapping: &Mapping, bytes: Arc<AtomicU64>) -> Result<Records, OpenError> {
    let file = label.to_string();
    let f = File::open(path).map_err(|source| OpenError::Io { file: file.clone(), source })?;
    let input = BufReader::with_capacity(1 << 16, Counting { inner: f, bytes });
    Ok(match format {
        Format::Csv => Box::new(CsvReader::new(input, &file, mapping, path.extension().is_some_and(|e| e == "tsv"))?),
        Format::Jsonl => Box::new(JsonlReader::new(input, &file, mapping.clone())),
        Format::Zendesk => Box::new(ZendeskReader::new(input, &file)),
        Format::Intercom => Box::new(IntercomReader::new(input, &file)),
    })
}

/// Reads a file as lines of JSON, one object per line, with 1-based line numbers. Blank lines
/// are skipped; a line that is not UTF-8, not JSON or not an object is returned as an error
/// with its number (every export format here has an object per line).
pub(crate) struct JsonLines<R> {
    input: R,
    line_no: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonLines<R> {
    pub fn new(input: R) -> Self {
        JsonLines { input, line_no: 0, buf: Vec::new() }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = (u64, Result<serde_json::Value, String>);
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.input.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.line_no += 1;
                    let item = (self.line_no, Err(format!("read error: {e}")));
                    // An I/O error mid-file: report it once and stop.
                    self.buf.clear();
                    let _ = std::io::copy(&mut (&mut self.input).take(u64::MAX), &mut io::sink());
                    return Some(item);
                }
            }
            self.line_no += 1;
            let truncated = !self.buf.ends_with(b"\n");
            let text = match std::str::from_utf8(&self.buf) {
                Ok(t) => t.trim(),
                Err(e) => return Some((self.line_no, Err(format!("not UTF-8 (byte {})", e.valid_up_to())))),
            };
            if text.is_empty() {
                continue;
            }
            let parsed = serde_json::from_str(text)
                .map_err(|e| {
                    if truncated && e.is_eof() {
                        format!("invalid JSON: the last line is cut short ({e})")
                    } else {
                        format!("invalid JSON: {e}")
                    }
                })
                .and_then(|v: serde_json::Value| if v.is_object() { Ok(v) } else { Err("not a JSON object".to_string()) });
            return Some((self.line_no, parsed));
        }
    }
}
