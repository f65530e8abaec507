//! The handlers, one module per part of the API.

pub mod audits;
pub mod check;
pub mod coach;
pub mod pages;
pub mod system;
