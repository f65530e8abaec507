//! Evaluation against labelled data in the TAXONOMY.md format: stance accuracy and macro-F1,
//! per-class and per-cue precision/recall/F1, the confusion matrix, span F1 (a predicted span
//! counts when it overlaps a gold span of the same cue) and per-rule precision.

use crate::cue::{Cue, Emotion, Stance};
use crate::finding::Analysis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One labelled item (extra fields in the data are ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledItem {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub customer: Option<String>,
    pub reply: String,
    pub stance: Stance,
    #[serde(default)]
    pub cues: Vec<Cue>,
    #[serde(default)]
    pub spans: Option<Vec<GoldSpan>>,
    #[serde(default)]
    pub customer_emotion: Option<Emotion>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldSpan {
    pub text: String,
    pub cue: Cue,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

impl Prf {
    fn from_counts(tp: usize, fp: usize, fn_: usize) -> Prf {
        let p = if tp + fp == 0 {
            0.0
        } else {
            tp as f64 / (tp + fp) as f64
        };
        let r = if tp + fn_ == 0 {
            0.0
        } else {
            tp as f64 / (tp + fn_) as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Prf {
            precision: round(p),
            recall: round(r),
            f1: round(f),
            support: tp + fn_,
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

#[derive(Debug, Clone, Serialize)]
pub struct StanceReport {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_class: BTreeMap<String, Prf>,
    /// `confusion[gold][predicted]` = count.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CueReport {
    pub micro_f1: f64,
    pub macro_f1: f64,
    pub per_cue: BTreeMap<String, Prf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpanReport {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Items that carried spans.
    pub items: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// Findings of the rule.
    pub fired: usize,
    /// Of those, in items whose gold cues include the rule's cue.
    pub correct: usize,
    pub precision: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EmotionReport {
    pub accuracy: f64,
    /// Mean F1 over the emotions present in the gold labels.
    pub macro_f1: f64,
    pub n: usize,
}

/// A disagreement, for `--show-errors`.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub id: Option<String>,
    pub gold: Stance,
    pub predicted: Stance,
    pub missing_cues: Vec<Cue>,
    pub extra_cues: Vec<Cue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub schema_version: u32,
    pub n: usize,
    pub stance: StanceReport,
    pub cues: CueReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spans: Option<SpanReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_emotion: Option<EmotionReport>,
    pub rules: BTreeMap<String, RuleReport>,
    #[serde(skip)]
    pub misses: Vec<Miss>,
}

/// Score predictions against gold labels. `pairs[i]` is an item and the analysis of its reply.
pub fn evaluate(pairs: &[(LabelledItem, Analysis)]) -> EvalReport {
    let n = pairs.len();
    // Stance.
    let mut confusion: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for g in Stance::ALL {
        let row = confusion.entry(g.name().into()).or_default();
        for p in Stance::ALL {
            row.insert(p.name().into(), 0);
        }
    }
    let mut correct = 0;
    for (item, a) in pairs {
        *confusion
            .get_mut(item.stance.name())
            .unwrap()
            .get_mut(a.stance.name())
            .unwrap() += 1;
        if item.stance == a.stance {
            correct += 1;
        }
    }
    let mut per_class = BTreeMap::new();
    let mut f1_sum = 0.0;
    let mut classes = 0;
    for s in Stance::ALL {
        let tp = confusion[s.name()][s.name()];
        let fp: usize = Stance::ALL
            .iter()
            .filter(|g| **g != s)
            .map(|g| confusion[g.name()][s.name()])
            .sum();
        let fn_: usize = Stance::ALL
            .iter()
            .filter(|p| **p != s)
            .map(|p| confusion[s.name()][p.name()])
            .sum();
        let prf = Prf::from_counts(tp, fp, fn_);
        // Macro-F1 over classes present in gold or predictions.
        if tp + fp + fn_ > 0 {
            f1_sum += prf.f1;
            classes += 1;
        }
        per_class.insert(s.name().to_string(), prf);
    }
    let stance = StanceReport {
        accuracy: round(if n == 0 {
            0.0
        } else {
            correct as f64 / n as f64
        }),
        macro_f1: round(if classes == 0 {
            0.0
        } else {
            f1_sum / classes as f64
        }),
        per_class,
        confusion,
    };

    // Cues, as presence per reply.
    let mut per_cue = BTreeMap::new();
    let (mut tp_all, mut fp_all, mut fn_all) = (0, 0, 0);
    let mut cue_f1_sum = 0.0;
    let mut cue_classes = 0;
    for cue in Cue::ALL {
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        for (item, a) in pairs {
            let gold = item.cues.contains(&cue);
            let pred = a.findings.iter().any(|f| f.cue == cue);
            match (gold, pred) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                _ => {}
            }
        }
        tp_all += tp;
        fp_all += fp;
        fn_all += fn_;
        let prf = Prf::from_counts(tp, fp, fn_);
        if tp + fp + fn_ > 0 {
            cue_f1_sum += prf.f1;
            cue_classes += 1;
        }
        per_cue.insert(cue.name().to_string(), prf);
    }
    let cues = CueReport {
        micro_f1: Prf::from_counts(tp_all, fp_all, fn_all).f1,
        macro_f1: round(if cue_classes == 0 {
            0.0
        } else {
            cue_f1_sum / cue_classes as f64
        }),
        per_cue,
    };

    // Spans: overlap with a gold span of the same cue, in items that carry spans.
    let mut span_items = 0;
    let (mut p_match, mut p_total, mut g_match, mut g_total) = (0, 0, 0, 0);
    for (item, a) in pairs {
        let Some(spans) = &item.spans else { continue };
        span_items += 1;
        let gold: Vec<(Cue, usize, usize)> = spans
            .iter()
            .filter_map(|s| {
                item.reply
                    .find(&s.text)
                    .map(|i| (s.cue, i, i + s.text.len()))
            })
            .collect();
        let overlaps =
            |c: Cue, s: usize, e: usize, c2: Cue, s2: usize, e2: usize| c == c2 && s < e2 && s2 < e;
        for f in &a.findings {
            p_total += 1;
            if gold
                .iter()
                .any(|&(c, s, e)| overlaps(f.cue, f.start, f.end, c, s, e))
            {
                p_match += 1;
            }
        }
        for &(c, s, e) in &gold {
            g_total += 1;
            if a.findings
                .iter()
                .any(|f| overlaps(f.cue, f.start, f.end, c, s, e))
            {
                g_match += 1;
            }
        }
    }
    let spans = (span_items > 0).then(|| {
        let p = if p_total == 0 {
            0.0
        } else {
            p_match as f64 / p_total as f64
        };
        let r = if g_total == 0 {
            0.0
        } else {
            g_match as f64 / g_total as f64
        };
        SpanReport {
            precision: round(p),
            recall: round(r),
            f1: round(if p + r == 0.0 {
                0.0
            } else {
                2.0 * p * r / (p + r)
            }),
            items: span_items,
        }
    });

    // Customer emotion where labelled and predicted.
    let emo: Vec<(Emotion, Emotion)> = pairs
        .iter()
        .filter_map(|(i, a)| Some((i.customer_emotion?, a.customer_emotion?)))
        .collect();
    let customer_emotion = (!emo.is_empty()).then(|| {
        let present: Vec<Emotion> = Emotion::ALL
            .iter()
            .copied()
            .filter(|e| emo.iter().any(|(g, _)| g == e))
            .collect();
        let f1s: Vec<f64> = present
            .iter()
            .map(|&e| {
                let tp = emo.iter().filter(|(g, p)| *g == e && *p == e).count();
                let fp = emo.iter().filter(|(g, p)| *g != e && *p == e).count();
                let fn_ = emo.iter().filter(|(g, p)| *g == e && *p != e).count();
                Prf::from_counts(tp, fp, fn_).f1
            })
            .collect();
        EmotionReport {
            accuracy: round(emo.iter().filter(|(g, p)| g == p).count() as f64 / emo.len() as f64),
            macro_f1: round(f1s.iter().sum::<f64>() / f1s.len().max(1) as f64),
            n: emo.len(),
        }
    });

    // Per-rule precision: a finding is right when the item's gold cues include its cue.
    let mut rules: BTreeMap<String, RuleReport> = BTreeMap::new();
    for (item, a) in pairs {
        for f in &a.findings {
            let r = rules.entry(f.rule.to_string()).or_insert(RuleReport {
                fired: 0,
                correct: 0,
                precision: 0.0,
            });
            r.fired += 1;
            if item.cues.contains(&f.cue) {
                r.correct += 1;
            }
        }
    }
    for r in rules.values_mut() {
        r.precision = round(r.correct as f64 / r.fired as f64);
    }

    let misses = pairs
        .iter()
        .filter(|(i, a)| i.stance != a.stance)
        .map(|(i, a)| {
            let pred = a.cues();
            Miss {
                id: i.id.clone(),
                gold: i.stance,
                predicted: a.stance,
                missing_cues: i
                    .cues
                    .iter()
                    .copied()
                    .filter(|c| !pred.contains(c))
                    .collect(),
                extra_cues: pred
                    .iter()
                    .copied()
                    .filter(|c| !i.cues.contains(c))
                    .collect(),
            }
        })
        .collect();

    EvalReport {
        schema_version: crate::finding::SCHEMA_VERSION,
        n,
        stance,
        cues,
        spans,
        customer_emotion,
        rules,
        misses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Scores;

    fn item(stance: Stance, cues: &[Cue]) -> LabelledItem {
        LabelledItem {
            id: None,
            customer: None,
            reply: "x".into(),
            stance,
            cues: cues.to_vec(),
            spans: None,
            customer_emotion: None,
        }
    }

    fn analysis(stance: Stance) -> Analysis {
        Analysis {
            schema_version: 1,
            stance,
            scores: Scores {
                empathy: 0.0,
                sympathy: 0.0,
                dismissive: 0.0,
            },
            findings: vec![],
            customer_emotion: None,
            notes: vec![],
            engine: "rules",
            stance_probabilities: None,
        }
    }

    #[test]
    fn stance_metrics() {
        let pairs = vec![
            (item(Stance::Neutral, &[]), analysis(Stance::Neutral)),
            (item(Stance::Neutral, &[]), analysis(Stance::Empathetic)),
            (item(Stance::Empathetic, &[]), analysis(Stance::Empathetic)),
            (item(Stance::Dismissive, &[]), analysis(Stance::Neutral)),
        ];
        let r = evaluate(&pairs);
        assert_eq!(r.n, 4);
        assert_eq!(r.stance.accuracy, 0.5);
        assert_eq!(r.stance.confusion["neutral"]["empathetic"], 1);
        // neutral: p=1/2 r=1/2 f=.5; empathetic: p=1/2 r=1 f=.6667; dismissive: f=0.
        assert_eq!(r.stance.per_class["empathetic"].f1, 0.6667);
        assert_eq!(r.stance.macro_f1, round((0.5 + 0.6667 + 0.0) / 3.0));
    }
}
