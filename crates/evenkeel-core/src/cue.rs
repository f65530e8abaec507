//! The vocabulary of TAXONOMY.md (version 2): cues, the side each belongs to, stances, customer
//! emotions and severities. Every front end and every labelled data set speaks these names.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One of the thirteen cues a reply can carry on exact spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cue {
    AcknowledgesEmotion,
    Validates,
    Explores,
    OffersAction,
    Apologizes,
    MirrorsEmotion,
    BlamesOwnSide,
    Pity,
    Overpromise,
    Condemns,
    Platitude,
    Minimizes,
    BlamesCustomer,
}

impl Cue {
    pub const ALL: [Cue; 13] = [
        Cue::AcknowledgesEmotion,
        Cue::Validates,
        Cue::Explores,
        Cue::OffersAction,
        Cue::Apologizes,
        Cue::MirrorsEmotion,
        Cue::BlamesOwnSide,
        Cue::Pity,
        Cue::Overpromise,
        Cue::Condemns,
        Cue::Platitude,
        Cue::Minimizes,
        Cue::BlamesCustomer,
    ];

    /// The cues that make a reply sympathetic on their own (SYM in TAXONOMY.md).
    pub const SYM: [Cue; 5] = [
        Cue::MirrorsEmotion,
        Cue::BlamesOwnSide,
        Cue::Pity,
        Cue::Overpromise,
        Cue::Condemns,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Cue::AcknowledgesEmotion => "acknowledges_emotion",
            Cue::Validates => "validates",
            Cue::Explores => "explores",
            Cue::OffersAction => "offers_action",
            Cue::Apologizes => "apologizes",
            Cue::MirrorsEmotion => "mirrors_emotion",
            Cue::BlamesOwnSide => "blames_own_side",
            Cue::Pity => "pity",
            Cue::Overpromise => "overpromise",
            Cue::Condemns => "condemns",
            Cue::Platitude => "platitude",
            Cue::Minimizes => "minimizes",
            Cue::BlamesCustomer => "blames_customer",
        }
    }

    pub fn side(self) -> Side {
        match self {
            Cue::AcknowledgesEmotion
            | Cue::Validates
            | Cue::Explores
            | Cue::OffersAction
            | Cue::Apologizes => Side::Empathy,
            Cue::MirrorsEmotion
            | Cue::BlamesOwnSide
            | Cue::Pity
            | Cue::Overpromise
            | Cue::Condemns
            | Cue::Platitude => Side::Sympathy,
            Cue::Minimizes | Cue::BlamesCustomer => Side::Dismissive,
        }
    }

    /// The severity a finding of this cue gets unless its rule says otherwise. Empathy-side cues
    /// are markers of what went well, so they are `info`, never errors.
    pub fn default_severity(self) -> Severity {
        match self {
            Cue::AcknowledgesEmotion
            | Cue::Validates
            | Cue::Explores
            | Cue::OffersAction
            | Cue::Apologizes => Severity::Info,
            Cue::Platitude => Severity::Low,
            Cue::Pity | Cue::Overpromise | Cue::Minimizes => Severity::Medium,
            Cue::MirrorsEmotion | Cue::BlamesOwnSide | Cue::Condemns | Cue::BlamesCustomer => {
                Severity::High
            }
        }
    }
}

impl fmt::Display for Cue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Cue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cue::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown cue `{s}` (expected one of: {})", names(&Cue::ALL)))
    }
}

fn names(cues: &[Cue]) -> String {
    cues.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}

/// Which of the three families a cue belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Empathy,
    Sympathy,
    Dismissive,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Empathy => "empathy",
            Side::Sympathy => "sympathy",
            Side::Dismissive => "dismissive",
        }
    }
}

/// The one stance a reply takes. It follows from the cues (see [`crate::stance::decide`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Empathetic,
    Sympathetic,
    Neutral,
    Dismissive,
}

impl Stance {
    pub const ALL: [Stance; 4] = [
        Stance::Empathetic,
        Stance::Sympathetic,
        Stance::Neutral,
        Stance::Dismissive,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stance::Empathetic => "empathetic",
            Stance::Sympathetic => "sympathetic",
            Stance::Neutral => "neutral",
            Stance::Dismissive => "dismissive",
        }
    }
}

impl fmt::Display for Stance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Stance {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stance::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| {
                format!("unknown stance `{s}` (expected empathetic, sympathetic, neutral or dismissive)")
            })
    }
}

/// The dominant emotion of a customer message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Emotion {
    Anger,
    Frustration,
    Sadness,
    Anxiety,
    Confusion,
    Disappointment,
    None,
}

impl Emotion {
    pub const ALL: [Emotion; 7] = [
        Emotion::Anger,
        Emotion::Frustration,
        Emotion::Sadness,
        Emotion::Anxiety,
        Emotion::Confusion,
        Emotion::Disappointment,
        Emotion::None,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Emotion::Anger => "anger",
            Emotion::Frustration => "frustration",
            Emotion::Sadness => "sadness",
            Emotion::Anxiety => "anxiety",
            Emotion::Confusion => "confusion",
            Emotion::Disappointment => "disappointment",
            Emotion::None => "none",
        }
    }
}

impl Emotion {
    /// How a person with this emotion sounds: "angry", "anxious" (for messages to agents).
    pub fn adjective(self) -> &'static str {
        match self {
            Emotion::Anger => "angry",
            Emotion::Frustration => "frustrated",
            Emotion::Sadness => "sad",
            Emotion::Anxiety => "anxious",
            Emotion::Confusion => "confused",
            Emotion::Disappointment => "disappointed",
            Emotion::None => "calm",
        }
    }
}

impl fmt::Display for Emotion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Emotion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Emotion::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown emotion `{s}`"))
    }
}

/// How much a finding matters. Ordered: `info < low < medium < high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            _ => Err(format!(
                "unknown severity `{s}` (expected info, low, medium or high)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Cue::ALL {
            assert_eq!(c.name().parse::<Cue>().unwrap(), c);
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.name())
            );
        }
        for s in Stance::ALL {
            assert_eq!(s.name().parse::<Stance>().unwrap(), s);
        }
        for e in Emotion::ALL {
            assert_eq!(e.name().parse::<Emotion>().unwrap(), e);
        }
        assert!("angry".parse::<Cue>().is_err());
    }
}
