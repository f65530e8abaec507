//! Training: labelled items in, a [`Model`] out. Deterministic: the corpus is taken in the
//! order given, every random choice comes from the seed, and nothing runs in parallel.

use crate::features::{customer_features, reply_features, rule_cover, token_features, Features};
use crate::linear::{Binary, Softmax, TrainOptions};
use crate::model::{
    emotion_index, stance_index, Model, CUSTOMER_BUCKETS, REPLY_BUCKETS, TOKEN_BUCKETS,
};
use crate::tokens::tokenize;
use evenkeel_core::eval::LabelledItem;
use evenkeel_core::{Analyzer, Cue, Emotion, Stance};
use sha2::{Digest, Sha256};

/// SHA-256 over the corpus files, each as its name, its length and its bytes, in name order:
/// the model records it, and a test checks the embedded model against the corpus in the tree.
pub fn corpus_hash(files: &[(String, Vec<u8>)]) -> String {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = Sha256::new();
    for (name, bytes) in sorted {
        h.update(name.as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Byte ranges of the gold spans in the reply (each span text found where it occurs; a text
/// that occurs twice claims its occurrences in turn).
pub fn gold_ranges(item: &LabelledItem) -> Vec<(Cue, usize, usize)> {
    let mut out: Vec<(Cue, usize, usize)> = Vec::new();
    for s in item.spans.iter().flatten() {
        if s.text.is_empty() {
            continue;
        }
        let mut from = 0;
        let mut found = None;
        while let Some(i) = item.reply[from..].find(&s.text) {
            let r = (s.cue, from + i, from + i + s.text.len());
            if !out.contains(&r) {
                found = Some(r);
                break;
            }
            from += i + 1;
            while !item.reply.is_char_boundary(from) {
                from += 1;
            }
        }
        if let Some(r) = found.or_else(|| {
            item.reply
                .find(&s.text)
                .map(|i| (s.cue, i, i + s.text.len()))
        }) {
            out.push(r);
        }
    }
    out
}

/// Train every part of the model on `items`.
pub fn train(
    items: &[LabelledItem],
    analyzer: &Analyzer,
    corpus_sha256: &str,
    opts: &TrainOptions,
) -> Model {
    let mut reply_data: Vec<(Features, usize)> = Vec::with_capacity(items.len());
    let mut cue_labels: Vec<[bool; 13]> = Vec::with_capacity(items.len());
    let mut token_data: Vec<Features> = Vec::new();
    let mut token_labels: Vec<u16> = Vec::new();
    let mut emotion_data: Vec<(Features, usize)> = Vec::new();
    for item in items {
        let rules = analyzer.analyze(&item.reply, None);
        let tokens = tokenize(&item.reply);
        reply_data.push((
            reply_features(&tokens, &rules, REPLY_BUCKETS),
            stance_index(item.stance),
        ));
        let mut present = [false; 13];
        for c in &item.cues {
            present[*c as usize] = true;
        }
        cue_labels.push(present);
        if item.spans.is_some() {
            let gold = gold_ranges(item);
            let cover = rule_cover(&tokens, &rules);
            for (i, t) in tokens.iter().enumerate() {
                token_data.push(token_features(&tokens, i, &cover, TOKEN_BUCKETS));
                let bits = gold
                    .iter()
                    .filter(|(_, s, e)| *s < t.end && t.start < *e)
                    .fold(0u16, |acc, (c, _, _)| acc | (1 << *c as u16));
                token_labels.push(bits);
            }
        }
        if let (Some(c), Some(e)) = (&item.customer, item.customer_emotion) {
            let ct = tokenize(c);
            emotion_data.push((
                customer_features(&ct, c, CUSTOMER_BUCKETS),
                emotion_index(e),
            ));
        }
    }

    let stance_weights = balance(&reply_data, Stance::ALL.len());
    let stance = Softmax::train(&reply_data, 4, REPLY_BUCKETS, &stance_weights, opts);
    let emotion_weights = balance(&emotion_data, Emotion::ALL.len());
    let emotion = Softmax::train(&emotion_data, 7, CUSTOMER_BUCKETS, &emotion_weights, opts);

    let mut cue_present = Vec::new();
    let mut tagger = Vec::new();
    for cue in Cue::ALL {
        let k = cue as usize;
        let data: Vec<(&Features, bool)> = reply_data
            .iter()
            .zip(&cue_labels)
            .map(|((x, _), l)| (x, l[k]))
            .collect();
        let pos = data.iter().filter(|d| d.1).count().max(1);
        let weight = ((data.len() - pos) as f32 / pos as f32).clamp(1.0, 4.0);
        cue_present.push(Binary::train(
            &data,
            REPLY_BUCKETS,
            weight,
            &TrainOptions {
                seed: opts.seed ^ (k as u64 + 1),
                ..*opts
            },
        ));

        let tdata: Vec<(&Features, bool)> = token_data
            .iter()
            .zip(&token_labels)
            .map(|(x, l)| (x, l & (1 << k) != 0))
            .collect();
        let tpos = tdata.iter().filter(|d| d.1).count().max(1);
        let tweight = ((tdata.len() - tpos) as f32 / tpos as f32).clamp(1.0, 3.0);
        let topts = TrainOptions {
            seed: opts.seed ^ (0x100 + k as u64),
            epochs: opts.epochs.min(6),
            ..*opts
        };
        tagger.push(Binary::train(&tdata, TOKEN_BUCKETS, tweight, &topts));
    }

    Model {
        corpus_sha256: corpus_sha256.to_string(),
        items: items.len() as u32,
        seed: opts.seed,
        stance,
        emotion,
        cue_present,
        tagger,
    }
    .quantized()
}

/// Class weights that make every class count as much as the most common one, capped.
fn balance(data: &[(Features, usize)], classes: usize) -> Vec<f32> {
    let mut counts = vec![0usize; classes];
    for (_, y) in data {
        counts[*y] += 1;
    }
    let max = *counts.iter().max().unwrap_or(&1) as f32;
    counts
        .iter()
        .map(|&c| {
            if c == 0 {
                1.0
            } else {
                (max / c as f32).min(5.0)
            }
        })
        .collect()
}

/// Split `n` items into `k` folds deterministically (item `i` goes to fold `perm(i) % k`).
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    crate::linear::Rng::new(seed).shuffle(&mut order);
    let mut fold = vec![0; n];
    for (pos, &i) in order.iter().enumerate() {
        fold[i] = pos % k;
    }
    fold
}
