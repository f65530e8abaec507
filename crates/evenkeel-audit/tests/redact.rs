//! `--redact` under planted data: whatever words surround them, e-mail addresses, phone numbers,
//! Luhn-valid card numbers and order or account numbers do not survive.

use evenkeel_audit::redact;
use proptest::prelude::*;

/// A Luhn-valid number of `len` digits starting with `prefix`.
fn card(prefix: &str, body: &[u8], len: usize) -> String {
    let mut d: Vec<u32> = prefix.chars().map(|c| c.to_digit(10).unwrap()).collect();
    d.extend(body.iter().map(|b| (*b % 10) as u32));
    d.truncate(len - 1);
    while d.len() < len - 1 {
        d.push(0);
    }
    let sum: u32 = d.iter().rev().enumerate().map(|(i, &x)| if i % 2 == 0 { if x * 2 > 9 { x * 2 - 9 } else { x * 2 } } else { x }).sum();
    d.push((10 - sum % 10) % 10);
    assert!(redact::luhn(&d));
    d.iter().map(|x| char::from_digit(*x, 10).unwrap()).collect()
}

fn grouped(digits: &str, sep: &str) -> String {
    digits.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(sep)
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["hi", "my", "refund", "is", "late", "please", "call", "me", "on", "Friday", "thanks", "the", "order", "card", "—", "(", ")", ":", "again!", "ok?"]), 0..8)
        .prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn planted_personal_data_never_survives(
        before in words(), after in words(),
        user in "[a-z][a-z0-9._]{0,10}", domain in "[a-z]{2,10}", tld in prop::sample::select(vec!["com", "co.uk", "org", "net", "example"]),
        phone_digits in "[1-9][0-9]{9}", phone_style in 0usize..4,
        card_body in prop::collection::vec(any::<u8>(), 15..19), card_prefix in prop::sample::select(vec!["4", "51", "37", "6011"]), card_len in prop::sample::select(vec![15usize, 16]), card_sep in prop::sample::select(vec!["", " ", "-"]),
        order_no in "[A-Z]{0,2}[0-9]{5,9}", order_word in prop::sample::select(vec!["order", "Order #", "account number", "booking ref", "invoice", "policy no."]),
    ) {
        let email = format!("{user}@{domain}.{tld}");
        let phone = match phone_style {
            0 => phone_digits.clone(),
            1 => format!("{} {} {}", &phone_digits[..3], &phone_digits[3..6], &phone_digits[6..]),
            2 => format!("+44 {} {}", &phone_digits[..4], &phone_digits[4..]),
            _ => format!("({}) {}-{}", &phone_digits[..3], &phone_digits[3..6], &phone_digits[6..]),
        };
        let card = grouped(&card(card_prefix, &card_body, card_len), card_sep);
        let order = format!("{order_word} {order_no}");
        for planted in [&email, &phone, &card, &order] {
            let text = format!("{before} {planted} {after}");
            let masked = redact::text(&text);
            let secret = planted.split_whitespace().last().unwrap().trim_start_matches('#');
            prop_assert!(!masked.contains(secret), "{planted:?} survived in {masked:?}");
            let digits: String = planted.chars().filter(char::is_ascii_digit).collect();
            let left: String = masked.chars().filter(char::is_ascii_digit).collect();
            prop_assert!(digits.len() < 5 || !left.contains(&digits), "the digits of {planted:?} survived in {masked:?}");
        }
    }
}

// ------------------------------------------------------------------------------------------
// The same promise for the files an audit writes: personal data planted in an export, in the
// customers' messages, the agents' replies, the agent and team columns and the conversation
// ids, is found in none of results.jsonl, summary.json, agents.csv and report.html after
// `--redact` (and is found there without it, so the planting is real).

use evenkeel_audit::run;
use evenkeel_core::Analyzer;
use evenkeel_model::{Engine, EngineKind};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::path::Path;
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap());

/// One secret as planted, and what of it must not be found again.
#[derive(Debug, Clone)]
struct Secret {
    kind: &'static str,
    planted: String,
    /// The part that identifies it (the address, the digits, the order number).
    core: String,
}

fn phone_of(digits: &str, style: usize) -> String {
    match style {
        0 => digits.to_string(),
        1 => format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..]),
        2 => format!("+44 {} {}", &digits[..4], &digits[4..]),
        _ => format!("({}) {}-{}", &digits[..3], &digits[3..6], &digits[6..]),
    }
}

#[derive(Debug, Clone)]
struct Plant {
    emails: Vec<String>,
    phones: Vec<String>,
    cards: Vec<String>,
    orders: Vec<String>,
    filler: Vec<String>,
}

fn plants() -> impl Strategy<Value = Plant> {
    let email = ("[a-z][a-z0-9._]{0,10}", "[a-z]{2,10}", prop::sample::select(vec!["com", "co.uk", "org", "net", "example"])).prop_map(|(u, d, t)| format!("{u}@{d}.{t}"));
    let phone = ("[1-9][0-9]{9}", 0usize..4).prop_map(|(d, s)| phone_of(&d, s));
    let card = (prop::collection::vec(any::<u8>(), 15..19), prop::sample::select(vec!["4", "51", "37", "6011"]), prop::sample::select(vec![15usize, 16]), prop::sample::select(vec!["", " ", "-"]))
        .prop_map(|(body, prefix, len, sep)| grouped(&card(prefix, &body, len), sep));
    let order = ("[A-Z]{0,2}[0-9]{5,9}", prop::sample::select(vec!["order", "Order #", "account number", "booking ref", "invoice", "policy no."])).prop_map(|(n, w)| format!("{w} {n}"));
    (
        prop::collection::vec(email, 6),
        prop::collection::vec(phone, 4),
        prop::collection::vec(card, 4),
        prop::collection::vec(order, 5),
        prop::collection::vec(words(), 8),
    )
        .prop_map(|(emails, phones, cards, orders, filler)| Plant { emails, phones, cards, orders, filler })
}

/// A CSV export of four conversations carrying every planted secret, and the secrets.
fn export(p: &Plant) -> (Vec<u8>, Vec<Secret>) {
    let mut secrets = Vec::new();
    let mut plant = |kind: &'static str, s: &str| -> String {
        let core = match kind {
            "email" => s.to_string(),
            "order" => s.split_whitespace().last().unwrap().trim_start_matches('#').to_string(),
            _ => s.chars().filter(char::is_ascii_digit).collect(),
        };
        secrets.push(Secret { kind, planted: s.to_string(), core });
        s.to_string()
    };
    let f = &p.filler;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["conversation", "author", "agent", "team", "time", "text"]).unwrap();
    let rows: Vec<[String; 6]> = vec![
        // A conversation id that is an e-mail address, an agent known by their address.
        [plant("email", &p.emails[0]), "customer".into(), "".into(), "".into(), "2026-01-05T10:00:00Z".into(), format!("{} my card {} was charged twice, call {} {}", f[0], plant("card", &p.cards[0]), plant("phone", &p.phones[0]), f[1])],
        [p.emails[0].clone(), "agent".into(), plant("email", &p.emails[1]), "Billing".into(), "2026-01-05T10:05:00Z".into(), format!("I can see why that is upsetting. I have refunded {} and written to {} {}", plant("order", &p.orders[0]), plant("email", &p.emails[2]), f[2])],
        // An order number as the conversation id; a team named with a phone number.
        [plant("order", &p.orders[1]), "customer".into(), "".into(), "".into(), "2026-01-06T09:00:00Z".into(), format!("This is ridiculous! {} still not here. Card {} {}", plant("order", &p.orders[2]), plant("card", &p.cards[1]), f[3])],
        [p.orders[1].clone(), "agent".into(), "Maya Patel".into(), format!("Escalations {}", plant("phone", &p.phones[1])), "2026-01-06T09:10:00Z".into(), format!("This is so irresponsible of my team. This is not acceptable. Ring me on {} {}", plant("phone", &p.phones[2]), f[4])],
        ["C-3".into(), "customer".into(), "".into(), "".into(), "2026-01-07T09:00:00Z".into(), format!("{} write to {} or {} {}", f[5], plant("email", &p.emails[3]), plant("card", &p.cards[2]), plant("order", &p.orders[3]))],
        ["C-3".into(), "agent".into(), plant("email", &p.emails[4]), "Support".into(), "2026-01-07T09:03:00Z".into(), format!("Just restart it. {} {} {}", plant("card", &p.cards[3]), plant("order", &p.orders[4]), f[6])],
        ["C-3".into(), "customer".into(), "".into(), "".into(), "2026-01-07T09:30:00Z".into(), format!("Still broken!! {} {} {}", plant("phone", &p.phones[3]), plant("email", &p.emails[5]), f[7])],
        ["C-3".into(), "agent".into(), "Sofia Lindqvist".into(), "Support".into(), "2026-01-07T09:35:00Z".into(), "I understand how frustrating this is. Could you tell me what you see on the screen now?".into()],
    ];
    for r in &rows {
        w.write_record(r).unwrap();
    }
    (w.into_inner().unwrap(), secrets)
}

/// Whether `s` is still in `text`: as planted, or (numbers) its digits with the usual
/// separators taken out.
fn survives(s: &Secret, text: &str, squeezed: &str) -> bool {
    if text.contains(&s.planted) || text.contains(&s.core) {
        return true;
    }
    matches!(s.kind, "phone" | "card") && s.core.chars().all(|c| c.is_ascii_digit()) && squeezed.contains(&s.core)
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+' | '\u{a0}')).collect()
}

/// Audits `export` into `out`; the four output files' text.
fn audit(dir: &Path, export: &[u8], redact: bool) -> Vec<(&'static str, String)> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let input = dir.join("export.csv");
    std::fs::write(&input, export).unwrap();
    let mut opts = run::Options::new(vec![input], dir.join("out"));
    opts.redact = redact;
    run::run(&ENGINE, &opts, &|_| {}).unwrap();
    [run::RESULTS, run::SUMMARY, run::AGENTS, run::REPORT].into_iter().map(|f| (f, std::fs::read_to_string(dir.join("out").join(f)).unwrap())).collect()
}

#[test]
fn planted_personal_data_survives_in_no_output_file() {
    const CASES: u32 = 48;
    let dir = std::env::temp_dir().join(format!("evenkeel-redact-outputs-{}", std::process::id()));
    let planted = std::cell::Cell::new(0usize);
    let found = std::cell::Cell::new(0usize);
    let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    let result = runner.run(&plants(), |p| {
        let (csv, secrets) = export(&p);
        // Without --redact the planted data is there to be found: the planting is real.
        let plain = audit(&dir, &csv, false);
        let everything: String = plain.iter().map(|(_, t)| t.as_str()).collect();
        let squeezed = squeeze(&everything);
        for s in &secrets {
            prop_assert!(survives(s, &everything, &squeezed), "{} {:?} is not in the unredacted outputs", s.kind, s.planted);
        }
        for (file, text) in audit(&dir, &csv, true) {
            let squeezed = squeeze(&text);
            for s in &secrets {
                planted.set(planted.get() + 1);
                if survives(s, &text, &squeezed) {
                    found.set(found.get() + 1);
                    return Err(TestCaseError::fail(format!("{file} still holds the {} {:?}", s.kind, s.planted)));
                }
            }
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "redaction of every output file: {} planted secrets ({CASES} audits), {} checks in 4 output files, {} found after --redact",
        planted.get() / 4,
        planted.get(),
        found.get()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert_eq!(found.get(), 0);
}
