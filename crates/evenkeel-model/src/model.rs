//! The model file (`.ekm`) and inference. The file is little-endian binary: a magic, a format
//! version, the SHA-256 of the corpus it was trained on, then each linear model as 16-bit
//! weights with one scale. Nothing in it depends on the machine or the time it was made.

use crate::features::{customer_features, reply_features, token_features_into};
use crate::linear::{dequantize, quantize, Binary, Softmax};
use crate::tokens::{tokenize, Token};
use evenkeel_core::{Analysis, Cue, Emotion, Stance};

pub const MAGIC: &[u8; 4] = b"EKM\x01";
/// Bumped whenever features, hashing or layout change: an old file is then refused, not misread.
pub const FORMAT_VERSION: u32 = 1;
pub const REPLY_BUCKETS: u32 = 1 << 16;
pub const TOKEN_BUCKETS: u32 = 1 << 16;
pub const CUSTOMER_BUCKETS: u32 = 1 << 15;

/// A trained model: what `evenkeel train` writes and the binary embeds.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Hex SHA-256 of the corpus files (see [`crate::train::corpus_hash`]).
    pub corpus_sha256: String,
    pub items: u32,
    pub seed: u64,
    /// Over [`Stance::ALL`].
    pub stance: Softmax,
    /// Over [`Emotion::ALL`].
    pub emotion: Softmax,
    /// Per cue (in [`Cue::ALL`] order): is the cue somewhere in the reply?
    pub cue_present: Vec<Binary>,
    /// Per cue: does this token belong to a span of the cue?
    pub tagger: Vec<Binary>,
}

/// What the model says about one reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub stance: [f32; 4],
    pub cues: [f32; 13],
    pub emotion: Option<(Emotion, f32)>,
}

/// A span the tagger marks for a cue, with the mean token probability.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedSpan {
    pub cue: Cue,
    pub start: usize,
    pub end: usize,
    pub probability: f32,
}

impl Model {
    /// Reply-level predictions (cheap: one pass of hashed features).
    pub fn predict(
        &self,
        tokens: &[Token],
        customer: Option<&str>,
        rules: &Analysis,
    ) -> Prediction {
        let x = reply_features(tokens, rules, REPLY_BUCKETS);
        let p = self.stance.probabilities(&x);
        let mut stance = [0f32; 4];
        stance.copy_from_slice(&p[..4]);
        let mut cues = [0f32; 13];
        for (i, m) in self.cue_present.iter().enumerate() {
            cues[i] = m.probability(&x);
        }
        let emotion = customer.map(|c| self.emotion(c));
        Prediction {
            stance,
            cues,
            emotion,
        }
    }

    /// The customer's most likely emotion and its probability.
    pub fn emotion(&self, customer: &str) -> (Emotion, f32) {
        let ct = tokenize(customer);
        let p = self
            .emotion
            .probabilities(&customer_features(&ct, customer, CUSTOMER_BUCKETS));
        let (i, v) = p
            .iter()
            .enumerate()
            .fold((0, 0f32), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
        (Emotion::ALL[i], v)
    }

    /// Token spans of `cue`: runs of tokens whose probability reaches `threshold`, joined
    /// across one-token gaps, kept within a sentence. `cover` is
    /// [`rule_cover`](crate::features::rule_cover) of the tokens, computed once per reply.
    pub fn tag(
        &self,
        tokens: &[Token],
        cover: &[u16],
        cue: Cue,
        threshold: f32,
    ) -> Vec<TaggedSpan> {
        let m = &self.tagger[cue as usize];
        let mut x = Vec::with_capacity(48);
        let probs: Vec<f32> = (0..tokens.len())
            .map(|i| {
                token_features_into(&mut x, tokens, i, cover, TOKEN_BUCKETS);
                m.probability(&x)
            })
            .collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if probs[i] < threshold {
                i += 1;
                continue;
            }
            let (first, mut last) = (i, i);
            let mut j = i + 1;
            while j < tokens.len() && tokens[j].sentence == tokens[first].sentence {
                if probs[j] >= threshold {
                    last = j;
                } else if j > last + 1 {
                    break;
                }
                j += 1;
            }
            let mean = probs[first..=last].iter().sum::<f32>() / (last - first + 1) as f32;
            out.push(TaggedSpan {
                cue,
                start: tokens[first].start,
                end: tokens[last].end,
                probability: mean,
            });
            i = last + 1;
        }
        out
    }

    /// The model as bytes: deterministic, so the same model always gives the same file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let hash = self.corpus_sha256.as_bytes();
        b.extend_from_slice(&(hash.len() as u32).to_le_bytes());
        b.extend_from_slice(hash);
        b.extend_from_slice(&self.items.to_le_bytes());
        b.extend_from_slice(&self.seed.to_le_bytes());
        write_matrix(
            &mut b,
            self.stance.classes as u32,
            self.stance.buckets,
            &self.stance.weights,
        );
        write_matrix(
            &mut b,
            self.emotion.classes as u32,
            self.emotion.buckets,
            &self.emotion.weights,
        );
        for m in self.cue_present.iter().chain(&self.tagger) {
            write_matrix(&mut b, 1, m.buckets, &m.weights);
        }
        b
    }

    pub fn from_bytes(b: &[u8]) -> Result<Model, String> {
        let mut r = Reader { b, at: 0 };
        if r.take(4)? != MAGIC {
            return Err("not an evenkeel model file (bad magic)".into());
        }
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(format!("model format {version}, this evenkeel reads format {FORMAT_VERSION}: retrain it with `evenkeel train`"));
        }
        let n = r.u32()? as usize;
        let corpus_sha256 =
            String::from_utf8(r.take(n)?.to_vec()).map_err(|_| "corrupt corpus hash")?;
        let items = r.u32()?;
        let seed = u64::from_le_bytes(r.take(8)?.try_into().expect("8 bytes"));
        let (c, bk, w) = r.matrix()?;
        let stance = Softmax {
            classes: c as usize,
            buckets: bk,
            weights: w,
        };
        let (c, bk, w) = r.matrix()?;
        let emotion = Softmax {
            classes: c as usize,
            buckets: bk,
            weights: w,
        };
        if stance.classes != 4 || emotion.classes != 7 {
            return Err("model has the wrong number of stances or emotions".into());
        }
        let mut bins = Vec::new();
        for _ in 0..26 {
            let (_, bk, w) = r.matrix()?;
            bins.push(Binary {
                buckets: bk,
                weights: w,
            });
        }
        if r.at != b.len() {
            return Err("trailing bytes after the model".into());
        }
        let tagger = bins.split_off(13);
        Ok(Model {
            corpus_sha256,
            items,
            seed,
            stance,
            emotion,
            cue_present: bins,
            tagger,
        })
    }

    /// Round every weight through its stored form, so a freshly trained model predicts exactly
    /// what the same model read back from its file predicts.
    pub fn quantized(mut self) -> Model {
        let q = |w: &mut Vec<f32>| {
            let (s, v) = quantize(w);
            *w = dequantize(s, &v);
        };
        q(&mut self.stance.weights);
        q(&mut self.emotion.weights);
        for m in self.cue_present.iter_mut().chain(self.tagger.iter_mut()) {
            q(&mut m.weights);
        }
        self
    }
}

/// The stance classifier and the thirteen cue detectors, laid out for inference. They read the
/// same reply features; stored apart, every feature costs seventeen scattered loads from four
/// megabytes of weights, which is most of the hybrid engine's time. One row of seventeen
/// weights per bucket scores them all in one pass, a cache line or two per feature. The sums
/// run in the same order as [`Model::predict`]'s, so the probabilities are the same bits.
#[derive(Debug, Clone)]
pub struct ReplyHead {
    rows: Vec<[f32; 17]>,
}

impl ReplyHead {
    /// `None` when the stance classifier and the cue detectors hash into different bucket
    /// counts (a model this version did not write); [`Model::predict`] still works then.
    pub fn new(m: &Model) -> Option<ReplyHead> {
        let b = m.stance.buckets as usize;
        if m.stance.classes != 4
            || m.cue_present.len() != 13
            || m.cue_present.iter().any(|c| c.buckets as usize != b)
        {
            return None;
        }
        let rows = (0..b)
            .map(|k| {
                let mut r = [0f32; 17];
                for (c, w) in r.iter_mut().take(4).enumerate() {
                    *w = m.stance.weights[c * b + k];
                }
                for (i, cue) in m.cue_present.iter().enumerate() {
                    r[4 + i] = cue.weights[k];
                }
                r
            })
            .collect();
        Some(ReplyHead { rows })
    }

    /// Stance probabilities and each cue's probability for reply features `x`.
    pub fn predict(&self, x: &[u32]) -> ([f32; 4], [f32; 13]) {
        let mut z = [0f32; 17];
        for &f in x {
            let row = &self.rows[f as usize];
            for (a, w) in z.iter_mut().zip(row) {
                *a += w;
            }
        }
        let mut stance = [0f32; 4];
        stance.copy_from_slice(&z[..4]);
        crate::linear::softmax_in_place(&mut stance);
        let mut cues = [0f32; 13];
        for (p, &v) in cues.iter_mut().zip(&z[4..]) {
            *p = 1.0 / (1.0 + (-v).exp());
        }
        (stance, cues)
    }
}

/// Index of `stance` in [`Stance::ALL`].
pub fn stance_index(stance: Stance) -> usize {
    Stance::ALL
        .iter()
        .position(|&s| s == stance)
        .expect("a stance")
}

pub fn emotion_index(e: Emotion) -> usize {
    Emotion::ALL
        .iter()
        .position(|&x| x == e)
        .expect("an emotion")
}

fn write_matrix(b: &mut Vec<u8>, rows: u32, buckets: u32, w: &[f32]) {
    let (scale, q) = quantize(w);
    b.extend_from_slice(&rows.to_le_bytes());
    b.extend_from_slice(&buckets.to_le_bytes());
    b.extend_from_slice(&scale.to_le_bytes());
    for v in q {
        b.extend_from_slice(&v.to_le_bytes());
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or("model file is truncated")?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn matrix(&mut self) -> Result<(u32, u32, Vec<f32>), String> {
        let rows = self.u32()?;
        let buckets = self.u32()?;
        if !buckets.is_power_of_two() || buckets > 1 << 24 || rows == 0 || rows > 64 {
            return Err("model file has an impossible matrix shape".into());
        }
        let scale = f32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes"));
        let n = rows as usize * buckets as usize;
        let raw = self.take(n * 2)?;
        let q: Vec<i16> = raw
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        Ok((rows, buckets, dequantize(scale, &q)))
    }
}
