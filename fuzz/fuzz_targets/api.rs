//! The JSON request bodies of the API. The first byte picks the route, the rest is the body;
//! what deserialises goes through the handler's own checks and its pure work (the analysis,
//! the rewrite, the scoring), whose results must keep the analyzer's promises.
//! Routes: 0 POST /v1/check, 1 POST /v1/check/batch, 2 POST /v1/rewrite,
//! 3 POST /v1/coach/attempt, 4 POST /v1/coach/quiz/answer, 5 POST /v1/tokens.
#![no_main]
use evenkeel_coach::scenario::Scenario;
use evenkeel_fuzz::{check_analysis, engine};
use evenkeel_server::routes::check::{BatchRequest, CheckRequest};
use evenkeel_server::routes::coach::{AttemptRequest, QuizAnswerRequest};
use evenkeel_server::routes::system::NewToken;
use evenkeel_server::BATCH_LIMIT;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn scenarios() -> &'static [Scenario] {
    static S: OnceLock<Vec<Scenario>> = OnceLock::new();
    S.get_or_init(evenkeel_coach::scenario::builtin)
}

/// `customer` as the handlers pass it on: absent when blank.
fn customer(c: &Option<String>) -> Option<&str> {
    c.as_deref().filter(|c| !c.trim().is_empty())
}

fuzz_target!(|data: &[u8]| {
    let Some((&route, body)) = data.split_first() else { return };
    let e = engine();
    match route % 6 {
        0 => {
            let Ok(req) = serde_json::from_slice::<CheckRequest>(body) else { return };
            check_analysis(&req.reply, &e.analyze(&req.reply, customer(&req.customer)));
        }
        1 => {
            let Ok(req) = serde_json::from_slice::<BatchRequest>(body) else { return };
            if req.items.len() > BATCH_LIMIT {
                return;
            }
            for item in &req.items {
                check_analysis(&item.reply, &e.analyze(&item.reply, customer(&item.customer)));
            }
        }
        2 => {
            let Ok(req) = serde_json::from_slice::<CheckRequest>(body) else { return };
            if req.reply.trim().is_empty() {
                return;
            }
            let c = customer(&req.customer);
            let r = evenkeel_coach::rewrite(e, &req.reply, c);
            assert_eq!(r.stance_before, e.analyze(&req.reply, c).stance, "stance_before is not the reply's stance");
            assert_eq!(r.stance_after, e.analyze(&r.text, c).stance, "stance_after is not the rewritten text's stance");
            let json = serde_json::to_string(&r).expect("a rewrite serialises");
            assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        }
        3 => {
            let Ok(req) = serde_json::from_slice::<AttemptRequest>(body) else { return };
            // An unknown scenario is refused; try the first one instead so the reply is scored.
            let s = scenarios().iter().find(|s| s.id == req.scenario).unwrap_or(&scenarios()[0]);
            if req.reply.trim().is_empty() {
                return;
            }
            let sc = evenkeel_coach::score::score(e, s, &req.reply);
            check_analysis(&req.reply, &sc.analysis);
            assert!(sc.percent <= 100, "percent {}", sc.percent);
            assert!(serde_json::to_string(&sc).is_ok());
        }
        4 => {
            let Ok(req) = serde_json::from_slice::<QuizAnswerRequest>(body) else { return };
            let items = evenkeel_coach::plan::quiz_items(scenarios());
            let _ = items.iter().find(|i| i.id == req.item);
            let _ = req.answer.name();
        }
        _ => {
            let Ok(req) = serde_json::from_slice::<NewToken>(body) else { return };
            let name = req.name.unwrap_or_default();
            let _ = name.chars().count() > 200;
            let _ = req.role.name();
        }
    }
});
