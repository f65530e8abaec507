//! The analyzer through the default engine (rules + model, hybrid): a reply, and after the
//! first NUL byte the customer message it answers.
#![no_main]
use evenkeel_fuzz::{check_analysis, engine, reply_and_customer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((reply, customer)) = reply_and_customer(data) else { return };
    let e = engine();
    let a = e.analyze(reply, customer);
    check_analysis(reply, &a);
    // The rules alone keep the same promises.
    let r = e.analyzer.analyze(reply, customer);
    check_analysis(reply, &r);
    assert_eq!(a.customer_emotion.is_some(), customer.is_some());
});
