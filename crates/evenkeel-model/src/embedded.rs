//! The default model, embedded at build time from `models/default.ekm`.

use crate::Model;

#[cfg(evenkeel_default_model)]
pub const DEFAULT_MODEL_BYTES: Option<&[u8]> = Some(include_bytes!("../../../models/default.ekm"));
#[cfg(not(evenkeel_default_model))]
pub const DEFAULT_MODEL_BYTES: Option<&[u8]> = None;

/// The embedded model, if this build has one. A corrupt embedded file is a build defect, which
/// the test suite catches; here it counts as no model.
pub fn default_model() -> Option<Model> {
    DEFAULT_MODEL_BYTES.and_then(|b| Model::from_bytes(b).ok())
}
