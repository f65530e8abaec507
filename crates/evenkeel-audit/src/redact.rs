//! `--redact`: customer data masked before anything is analysed or written, so that no output
//! file (results, summary, scorecards, report) can carry it. What is masked: e-mail
//! addresses, payment card numbers (Luhn-valid, 13 to 19 digits), phone numbers, and order,
//! account and similar reference numbers. Masking happens before the analysis, so the spans in
//! the results point into the masked text and stay exact.
//!
//! Masks name what was there (`[email]`, `[card]`, `[phone]`, `[order]`, `[account]`,
//! `[reference]`, `[number]`), so a reader of the report still follows the conversation.
//!
//! Agent names that are e-mail addresses become a stable pseudonym (`agent-3f9c…`): the same
//! address always gives the same pseudonym, so scorecards still add up per person.

use regex::{Captures, Regex};
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}").expect("valid"));

/// 13 to 19 digits, in groups split by single spaces or dashes (`4111 1111 1111 1111`,
/// `3782-822463-10005`). Whether it is a card is decided by the Luhn check.
static CARD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d(?:[ -]?\d){12,18}\b").expect("valid"));

/// A reference number after a word that says what it is: `order #88231`, `account no. 12-3456`,
/// `booking ref: XK92J4`, `invoice INV-20391`. The number needs at least three digits, so
/// `order two` or `account settings` are left alone.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?P<kind>order|account|acct|a/c|invoice|booking|reservation|reference|ref|confirmation|policy|member(?:ship)?|customer|case|tracking|iban|sort\ code|routing|contract|subscription|claim|loan|meter)
          (?:\s+(?:number|num|no\.?|id|code))?\s*(?:[:\#]\s*|is\s+|\s)\#?
          (?P<id>[A-Z0-9][A-Z0-9/-]*\d[A-Z0-9/-]*\d[A-Z0-9/-]*\d[A-Z0-9/-]*|[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*)",
    )
    .expect("valid")
});

/// A phone number: an optional `+country`, then digits in groups split by spaces, dots,
/// dashes or brackets, nine digits at least (fewer is a time, a price, a date or a PIN), or
/// seven after a `+country` prefix or an area code in brackets.
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d[\d .-]{6,}\d").expect("valid"));

/// `#88231` or a bare run of seven digits or more: an identifier of some kind.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"#\d{3,}\b|\b\d{7,}\b").expect("valid"));

/// Masks every e-mail address, card number, phone number and reference number in `text`.
pub fn text(text: &str) -> String {
    if !text.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
        return text.to_string();
    }
    let s = EMAIL.replace_all(text, "[email]");
    let s = CARD.replace_all(&s, |c: &Captures| {
        let m = &c[0];
        let digits: Vec<u32> = m.chars().filter_map(|ch| ch.to_digit(10)).collect();
        if luhn(&digits) {
            "[card]".to_string()
        } else {
            m.to_string()
        }
    });
    // Phones before references: "order 100 000 0000" is a phone number after a word, not an
    // order number of three digits.
    let s = PHONE.replace_all(&s, |c: &Captures| {
        let m = &c[0];
        // An international prefix or an area code in brackets says "phone" on its own.
        let min = if m.starts_with('+') || m.starts_with('(') { 7 } else { 9 };
        if m.chars().filter(char::is_ascii_digit).count() >= min {
            "[phone]".to_string()
        } else {
            m.to_string()
        }
    });
    let s = REFERENCE.replace_all(&s, |c: &Captures| {
        let whole = &c[0];
        let id = c.name("id").expect("id group");
        let start = id.start() - c.get(0).expect("match").start();
        format!("{}[{}]", &whole[..start], label(&c["kind"]))
    });
    let s = NUMBER.replace_all(&s, "[number]");
    s.into_owned()
}

/// An agent's name or id: an e-mail address becomes a stable pseudonym; anything else is
/// masked like text.
pub fn agent(name: &str) -> String {
    if let Some(m) = EMAIL.find(name) {
        if m.as_str().len() == name.trim().len() {
            return format!("agent-{:08x}", fnv(name.trim().to_ascii_lowercase().as_bytes()) as u32);
        }
    }
    text(name)
}

fn label(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "order" | "invoice" | "booking" | "reservation" | "tracking" | "subscription" => "order",
        "reference" | "ref" | "confirmation" | "case" | "claim" => "reference",
        _ => "account",
    }
}

/// A turn with every field that can carry customer data masked: the conversation id, the agent
/// (a stable pseudonym), the team and the text. One place, so the audit and the Spark job mask
/// the same fields.
pub fn turn(t: &crate::turn::Turn) -> crate::turn::Turn {
    crate::turn::Turn {
        conversation: text(&t.conversation),
        role: t.role,
        agent: t.agent.as_deref().map(agent),
        team: t.team.as_deref().map(text),
        time: t.time.clone(),
        text: text(&t.text),
        source: t.source.clone(),
    }
}

/// The Luhn checksum every payment card number satisfies.
pub fn luhn(digits: &[u32]) -> bool {
    if digits.len() < 13 || digits.len() > 19 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum % 10 == 0
}

/// FNV-1a: stable across runs and platforms, unlike the standard hasher.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_cards_phones_and_references_are_masked() {
        let cases = [
            ("write to jane.doe+billing@mail.example.co.uk today", "write to [email] today"),
            ("card 4111 1111 1111 1111 was charged", "card [card] was charged"),
            ("Amex 3782-822463-10005 declined", "Amex [card] declined"),
            ("call me on 07700 900123 after six", "call me on [phone] after six"),
            ("or +1 (555) 010-4477 works", "or [phone] works"),
            ("text +1 555-0178 now", "text [phone] now"),
            ("my order #88231 never came", "my order #[order] never came"),
            ("Order number: A-99120 is late", "Order number: [order] is late"),
            ("account no. 12-3456-78 was frozen", "account no. [account] was frozen"),
            ("booking ref XK92J4 please", "booking ref [reference] please"),
            ("ticket 12345678 again", "ticket [number] again"),
        ];
        for (input, want) in cases {
            assert_eq!(text(input), want, "{input}");
        }
    }

    #[test]
    fn ordinary_numbers_and_words_are_left_alone() {
        for s in [
            "I'll call you back at 10:30 on 2026-01-05.",
            "The refund of £1,240.50 goes out in 3-5 working days.",
            "Your account settings are under Profile.",
            "Order two of them and the second is half price.",
            "Use code 4821 at the till.",
            "card ending 1111",
        ] {
            assert_eq!(text(s), s);
        }
    }

    #[test]
    fn long_numbers_that_fail_luhn_are_still_masked() {
        for s in ["ref 1234 5678 9012 3456", "id 1234567890123456", "member 99 1234 5678"] {
            let r = text(s);
            assert!(!r.chars().any(|c| c.is_ascii_digit()), "{s} -> {r}");
        }
    }

    #[test]
    fn agent_emails_become_stable_pseudonyms() {
        let a = agent("maya@example.com");
        assert!(a.starts_with("agent-") && a.len() == 14, "{a}");
        assert_eq!(a, agent("Maya@Example.com "));
        assert_ne!(a, agent("tom@example.com"));
        assert_eq!(agent("Maya Patel"), "Maya Patel");
    }

    #[test]
    fn luhn_accepts_test_cards_and_rejects_neighbours() {
        let d = |s: &str| s.chars().filter_map(|c| c.to_digit(10)).collect::<Vec<_>>();
        assert!(luhn(&d("4111111111111111")));
        assert!(luhn(&d("5555555555554444")));
        assert!(!luhn(&d("4111111111111112")));
    }
}
