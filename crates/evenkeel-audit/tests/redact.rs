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
