//! Linear models over hashed features, trained with AdaGrad SGD in a fixed order drawn from a
//! seeded generator: the same data and seed give the same weights, bit for bit.

use crate::features::Features;

/// Training settings shared by every model.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f32,
    /// L2 shrinkage applied to the weights a step touches.
    pub l2: f32,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            learning_rate: 0.3,
            l2: 1e-5,
            seed: 7,
        }
    }
}

/// xorshift64*: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Multinomial logistic regression: `classes` weight rows of `buckets` weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Softmax {
    pub classes: usize,
    pub buckets: u32,
    pub weights: Vec<f32>,
}

impl Softmax {
    pub fn new(classes: usize, buckets: u32) -> Softmax {
        Softmax {
            classes,
            buckets,
            weights: vec![0.0; classes * buckets as usize],
        }
    }

    /// Class probabilities for features `x`.
    pub fn probabilities(&self, x: &[u32]) -> Vec<f32> {
        let b = self.buckets as usize;
        let mut z: Vec<f32> = (0..self.classes)
            .map(|c| x.iter().map(|&f| self.weights[c * b + f as usize]).sum())
            .collect();
        softmax_in_place(&mut z);
        z
    }

    /// Train on `(features, class)` pairs. `class_weight[c]` scales the loss of class `c`
    /// (to balance rare classes).
    pub fn train(
        data: &[(Features, usize)],
        classes: usize,
        buckets: u32,
        class_weight: &[f32],
        opts: &TrainOptions,
    ) -> Softmax {
        let mut m = Softmax::new(classes, buckets);
        let mut g2 = vec![1e-6f32; m.weights.len()];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = Rng::new(opts.seed);
        let b = buckets as usize;
        for _ in 0..opts.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let (x, y) = &data[i];
                let p = m.probabilities(x);
                let cw = class_weight.get(*y).copied().unwrap_or(1.0);
                for c in 0..classes {
                    let grad = cw * (p[c] - if c == *y { 1.0 } else { 0.0 });
                    if grad.abs() < 1e-7 {
                        continue;
                    }
                    for &f in x {
                        let k = c * b + f as usize;
                        let g = grad + opts.l2 * m.weights[k];
                        g2[k] += g * g;
                        m.weights[k] -= opts.learning_rate * g / g2[k].sqrt();
                    }
                }
            }
        }
        m
    }
}

/// Binary logistic regression.
#[derive(Debug, Clone, PartialEq)]
pub struct Binary {
    pub buckets: u32,
    pub weights: Vec<f32>,
}

impl Binary {
    pub fn new(buckets: u32) -> Binary {
        Binary {
            buckets,
            weights: vec![0.0; buckets as usize],
        }
    }

    pub fn probability(&self, x: &[u32]) -> f32 {
        let z: f32 = x.iter().map(|&f| self.weights[f as usize]).sum();
        1.0 / (1.0 + (-z).exp())
    }

    /// Train on `(features, label)` pairs; positives weigh `positive_weight` times a negative.
    pub fn train(
        data: &[(&Features, bool)],
        buckets: u32,
        positive_weight: f32,
        opts: &TrainOptions,
    ) -> Binary {
        let mut m = Binary::new(buckets);
        let mut g2 = vec![1e-6f32; buckets as usize];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = Rng::new(opts.seed);
        for _ in 0..opts.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let (x, y) = data[i];
                let p = m.probability(x);
                let w = if y { positive_weight } else { 1.0 };
                let grad = w * (p - if y { 1.0 } else { 0.0 });
                if grad.abs() < 1e-7 {
                    continue;
                }
                for &f in x.iter() {
                    let k = f as usize;
                    let g = grad + opts.l2 * m.weights[k];
                    g2[k] += g * g;
                    m.weights[k] -= opts.learning_rate * g / g2[k].sqrt();
                }
            }
        }
        m
    }
}

pub(crate) fn softmax_in_place(z: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
}

/// Weights as 16-bit integers with one scale: how they are stored, and (after a round trip)
/// exactly what inference uses, so training-time and file-loaded models agree.
pub fn quantize(weights: &[f32]) -> (f32, Vec<i16>) {
    let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
    let scale = if max == 0.0 { 1.0 } else { max / 32767.0 };
    (
        scale,
        weights.iter().map(|w| (w / scale).round() as i16).collect(),
    )
}

pub fn dequantize(scale: f32, q: &[i16]) -> Vec<f32> {
    q.iter().map(|&v| v as f32 * scale).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<(Features, usize)> {
        // Feature 1 means class 0, feature 2 class 1, feature 3 class 2; 0 is a bias.
        (0..60)
            .map(|i| (vec![0, 1 + (i % 3) as u32], i % 3))
            .collect()
    }

    #[test]
    fn softmax_learns_a_separable_toy_and_is_deterministic() {
        let opts = TrainOptions::default();
        let a = Softmax::train(&toy(), 3, 8, &[1.0; 3], &opts);
        let b = Softmax::train(&toy(), 3, 8, &[1.0; 3], &opts);
        assert_eq!(a, b);
        for c in 0..3 {
            let p = a.probabilities(&[0, 1 + c as u32]);
            assert!(p[c] > 0.8, "{p:?}");
        }
    }

    #[test]
    fn binary_learns_and_quantization_round_trips_closely() {
        let feats: Vec<Features> = (0..40)
            .map(|i| vec![0, if i % 4 == 0 { 5 } else { 6 }])
            .collect();
        let data: Vec<(&Features, bool)> = feats
            .iter()
            .enumerate()
            .map(|(i, f)| (f, i % 4 == 0))
            .collect();
        let m = Binary::train(&data, 8, 3.0, &TrainOptions::default());
        assert!(m.probability(&[0, 5]) > 0.7);
        assert!(m.probability(&[0, 6]) < 0.3);
        let (s, q) = quantize(&m.weights);
        let back = dequantize(s, &q);
        for (a, b) in m.weights.iter().zip(&back) {
            assert!((a - b).abs() <= s);
        }
    }
}
