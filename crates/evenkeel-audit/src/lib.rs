//! evenkeel's audit: every conversation of a helpdesk export, scored.
//!
//! Readers turn real export formats into [`Turn`]s; conversations are analysed one at a time
//! by the same engine as `evenkeel check`; the results are folded into scorecards and a
//! self-contained HTML report. Reading and writing files happens here, at the edge; what a
//! turn means is decided in `evenkeel-core`.

pub mod conversation;
pub mod demo;
pub mod email;
pub mod group;
pub mod mapping;
pub mod partial;
pub mod readers;
pub mod redact;
pub mod report;
pub mod run;
pub mod summary;
pub mod time;
pub mod turn;

pub use turn::{Malformed, Record, Role, Source, Turn};
