//! Synthetic replies for benchmarks only: varied in length, wording and stance so the
//! prefilter and detectors do realistic work. Not labelled data and never used for quality.

/// A tiny deterministic generator (xorshift64*), so every run measures the same input.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const OPEN: &[&str] = &[
    "Hi there!",
    "Hello Sam,",
    "Hey!",
    "Good morning.",
    "@4431",
    "Thanks for reaching out.",
    "",
    "",
    "Hi Priya 👋",
];
const CORE: &[&str] = &[
    "I'm so sorry to hear your parcel didn't arrive today.",
    "I can see why that would be frustrating.",
    "Could you tell me what happened when you tried to log in?",
    "I've escalated this to our delivery team.",
    "Please DM us your order number and we'll take a look.",
    "This is so irresponsible of my team.",
    "That's our policy.",
    "You should have read the terms before booking.",
    "I guarantee it will arrive tomorrow.",
    "Your call is important to us.",
    "It's just a small delay.",
    "What an absolute disaster!!",
    "Oh no! That's not good.",
    "The store opens at 9am and closes at 6pm.",
    "Your refund of £42.10 was issued on 3 March.",
    "Does the app freeze on every screen or only at checkout?",
    "As previously advised, the fee is non-refundable.",
    "I won't pretend this was acceptable.",
    "We are looking into the outage in the Leeds area right now.",
    "You poor thing, this must be so confusing.",
    "Café orders over €20 ship free — naïve question, but did the coupon apply?",
];
const FILLER: &[&str] = &[
    "The tracking page shows it left the depot at 07:40.",
    "Our engineers pushed version 4.2.1 last night.",
    "Your plan renews on the first of the month.",
    "The replacement card will be posted to the address on file.",
    "Some routers need a minute to reconnect after a restart.",
    "Gate changes are shown in the app and on the screens.",
    "Standard delivery is three to five working days.",
    "The booking reference is six letters long.",
    "Points appear in your balance within 48 hours.",
    "The outage affected customers in three regions.",
];
const CLOSE: &[&str] = &[
    "Have a great day!",
    "Thanks, Jo",
    "^RO",
    "Best regards,\nThe Support Team",
    "",
    "",
    "Anything else I can help with?",
];

/// Reply number `i` of a run seeded with `seed`.
pub fn reply(rng: &mut Rng) -> String {
    let mut parts: Vec<&str> = Vec::new();
    parts.push(rng.pick(OPEN));
    let n = 1 + (rng.next() % 6) as usize;
    for _ in 0..n {
        if rng.next() % 3 == 0 {
            parts.push(rng.pick(FILLER));
        } else {
            parts.push(rng.pick(CORE));
        }
    }
    parts.push(rng.pick(CLOSE));
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

/// `n` replies from a fixed seed.
pub fn replies(n: usize) -> Vec<String> {
    let mut rng = Rng::new(0x5EED_0F_E7E4_4EE1);
    (0..n).map(|_| reply(&mut rng)).collect()
}

/// The replies of the project's own corpus (`data/corpus/*.jsonl`), in file order: text
/// written by people, far more varied than [`replies`], so it is the figure to quote. Both
/// benches measure each.
#[allow(dead_code)] // not every includer of this file needs it
pub fn written() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        for line in std::fs::read_to_string(&f)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            out.push(v["reply"].as_str().unwrap().to_string());
        }
    }
    out
}
