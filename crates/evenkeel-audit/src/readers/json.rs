//! Small helpers for reading fields out of JSON records whatever type the export used.

use serde_json::Value;

/// The value at a dotted path (`author.type`), if any.
pub fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(x) = v.get(path) {
        return Some(x);
    }
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// A scalar as text: strings as they are, numbers and booleans printed; null and absent are
/// `None`, and so are objects and arrays (not a scalar).
pub fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Like [`text`], but an empty or blank string counts as absent.
pub fn nonblank(v: Option<&Value>) -> Option<String> {
    text(v).filter(|s| !s.trim().is_empty())
}
