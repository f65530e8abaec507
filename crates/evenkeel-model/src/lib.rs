//! The learned half of evenkeel. Rules find what they name precisely; this crate learns, from
//! the corpus in `data/corpus/`, what they cannot name: a stance classifier, a per-cue
//! reply-level detector, a per-cue token tagger (so a learned finding still has exact spans),
//! and a customer-emotion classifier. All linear models over hashed sparse features, trained
//! deterministically, stored in a small versioned file ([`model::Model`]).
//!
//! The path: [`tokens`] → [`features`] → [`linear`] → [`model`] (train, save, load) →
//! [`engine`] (rules, model or hybrid). Pure like the core: no files, no clocks, no threads.

pub mod corpus;
pub mod embedded;
pub mod engine;
pub mod features;
pub mod linear;
pub mod model;
pub mod tokens;
pub mod train;

pub use engine::{Engine, EngineKind};
pub use model::Model;
