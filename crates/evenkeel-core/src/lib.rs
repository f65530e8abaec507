//! # evenkeel-core
//!
//! The evenkeel analyzer tells empathy from sympathy in a customer-support reply. It is pure:
//! no I/O, no terminal, no async. Every front end (CLI, audit, server, coach) is a client.
//!
//! The path of a reply, top to bottom:
//! 1. [`document`]: text → sentences with byte spans;
//! 2. [`pattern`] and [`pack`]: the declarative rule packs (`rules/*.toml`), compiled;
//! 3. [`detect`]: cue detectors (pack patterns plus negation, question sense, person awareness);
//! 4. [`stance`]: the stance decision of TAXONOMY.md and the scores;
//! 5. [`finding`]: findings with spans, explanations and suggestions — the JSON contract.
//!
//! [`analyzer`] ties these together; [`eval`] scores it against labelled data.
//!
//! ```
//! let analyzer = evenkeel_core::Analyzer::builtin();
//! let a = analyzer.analyze("I can understand why that makes you angry.", None);
//! assert_eq!(a.stance, evenkeel_core::Stance::Empathetic);
//! ```

pub mod analyzer;
pub mod config;
pub mod cue;
pub mod detect;
pub mod document;
pub mod emotion;
pub mod eval;
pub mod examples;
pub mod finding;
pub mod pack;
pub mod pattern;
pub mod prefilter;
pub mod stance;

pub use analyzer::{Analyzer, AnalyzerBuilder, BUILTIN_PACKS};
pub use config::Config;
pub use cue::{Cue, Emotion, Severity, Side, Stance};
pub use finding::{Analysis, Finding, Fix, Scores, SCHEMA_VERSION};
