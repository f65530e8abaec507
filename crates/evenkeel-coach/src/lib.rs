//! evenkeel's coaching: the practice partner. It rewrites a reply towards empathy, sets scenes
//! from the scenario library, scores a trainee's reply against what the scene asks for, and
//! picks the next scene by the trainee's weakest cues. A pure library: the terminal coach, the
//! API and the web trainer are its front ends.

pub mod plan;
mod restate;
pub mod rewrite;
pub mod scenario;
pub mod score;

pub use rewrite::{rewrite, Rewrite};
