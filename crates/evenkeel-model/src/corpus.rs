//! What a corpus holds: counts per stance, cue, industry, channel, emotion and length band, and
//! its near-duplicate rate (pairs of replies whose word 3-gram sets have Jaccard similarity
//! above a threshold). A corpus of templates shows up here before it shows up in the model.

use evenkeel_core::eval::LabelledItem;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Metadata the corpus carries beyond the TAXONOMY.md fields.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    pub items: usize,
    pub stance: BTreeMap<String, usize>,
    pub cue: BTreeMap<String, usize>,
    pub industry: BTreeMap<String, usize>,
    pub channel: BTreeMap<String, usize>,
    pub customer_emotion: BTreeMap<String, usize>,
    pub length_band: BTreeMap<String, usize>,
    pub near_duplicate_pairs: usize,
    /// Near-duplicate pairs over all items (the measure: at most 1%).
    pub near_duplicate_rate: f64,
    pub examples: Vec<(String, String, f64)>,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// Word-count band: "1-9", "10-49", "50-99", "100-200", "200+".
pub fn length_band(reply: &str) -> &'static str {
    match words(reply).len() {
        0..=9 => "01-09 words",
        10..=49 => "10-49 words",
        50..=99 => "50-99 words",
        100..=200 => "100-200 words",
        _ => "over 200 words",
    }
}

fn shingles(s: &str) -> HashSet<String> {
    let w = words(s);
    if w.len() < 3 {
        return w.into_iter().collect();
    }
    w.windows(3).map(|t| t.join(" ")).collect()
}

/// Pairs `(i, j, jaccard)` with similarity above `threshold`. Candidate pairs come from an
/// inverted index of shingles, so unrelated replies are never compared.
pub fn near_duplicates(replies: &[&str], threshold: f64) -> Vec<(usize, usize, f64)> {
    let sets: Vec<HashSet<String>> = replies.iter().map(|r| shingles(r)).collect();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in sets.iter().enumerate() {
        for g in s {
            index.entry(g.as_str()).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (i, s) in sets.iter().enumerate() {
        if s.is_empty() {
            continue;
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for g in s {
            for &j in &index[g.as_str()] {
                if j > i {
                    *shared.entry(j).or_default() += 1;
                }
            }
        }
        for (j, inter) in shared {
            let union = s.len() + sets[j].len() - inter;
            let jac = inter as f64 / union as f64;
            if jac > threshold {
                out.push((i, j, jac));
            }
        }
    }
    out.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    out
}

pub fn stats(items: &[(LabelledItem, Meta)]) -> Stats {
    let mut st = Stats {
        items: items.len(),
        ..Stats::default()
    };
    for (item, meta) in items {
        *st.stance.entry(item.stance.name().to_string()).or_default() += 1;
        for c in &item.cues {
            *st.cue.entry(c.name().to_string()).or_default() += 1;
        }
        *st.industry
            .entry(meta.industry.clone().unwrap_or_else(|| "(none)".into()))
            .or_default() += 1;
        *st.channel
            .entry(meta.channel.clone().unwrap_or_else(|| "(none)".into()))
            .or_default() += 1;
        let e = item.customer_emotion.map_or("(none given)", |e| e.name());
        *st.customer_emotion.entry(e.to_string()).or_default() += 1;
        *st.length_band
            .entry(length_band(&item.reply).to_string())
            .or_default() += 1;
    }
    let replies: Vec<&str> = items.iter().map(|(i, _)| i.reply.as_str()).collect();
    let dups = near_duplicates(&replies, 0.8);
    st.near_duplicate_pairs = dups.len();
    st.near_duplicate_rate = if items.is_empty() {
        0.0
    } else {
        dups.len() as f64 / items.len() as f64
    };
    st.examples = dups
        .iter()
        .take(10)
        .map(|&(i, j, jac)| {
            let id = |k: usize| items[k].0.id.clone().unwrap_or_else(|| format!("#{k}"));
            (id(i), id(j), (jac * 1000.0).round() / 1000.0)
        })
        .collect();
    st
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_are_found_and_different_replies_are_not() {
        let r = [
            "I'm so sorry your parcel has not arrived yet, I have chased the courier today.",
            "I'm so sorry your parcel has not arrived yet, I have chased the courier today!",
            "Your refund was issued this morning and should show in three to five days.",
        ];
        let d = near_duplicates(&r, 0.8);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].0, d[0].1), (0, 1));
        assert!(near_duplicates(&r[1..], 0.8).is_empty());
    }
}
