//! The web trainer's API: scenarios, attempts scored against each scene's criteria, the quiz,
//! and progress per signed-in trainee (the token's id; "open" in open mode). The choices are
//! `evenkeel-coach`'s, the same as the terminal coach's.

use crate::auth::AnyAgent;
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::store::{now_ms, Attempt, QuizAnswer};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use evenkeel_coach::plan::{self, Past};
use evenkeel_coach::scenario::Scenario;
use evenkeel_core::Stance;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// A scene as the trainee first sees it: no model reply, no pitfalls.
fn brief(s: &Scenario) -> Value {
    json!({"id": s.id, "title": s.title, "industry": s.industry, "channel": s.channel, "emotion": s.emotion, "customer": s.customer, "context": s.context})
}

async fn history(state: &AppState, trainee: &str) -> Result<Vec<Past>, ApiError> {
    Ok(state.store.attempts(trainee).await?.into_iter().map(Attempt::past).collect())
}

pub async fn scenarios(State(state): State<Arc<AppState>>, _caller: AnyAgent) -> Json<Value> {
    let list: Vec<Value> = state.scenarios.iter().map(|s| json!({"id": s.id, "title": s.title, "industry": s.industry, "channel": s.channel, "emotion": s.emotion})).collect();
    Json(json!({"scenarios": list}))
}

pub async fn scenario(State(state): State<Arc<AppState>>, _caller: AnyAgent, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let s = state.scenarios.iter().find(|s| s.id == id).ok_or_else(|| ApiError::not_found(format!("no scenario `{id}`")))?;
    Ok(Json(brief(s)))
}

pub async fn next(State(state): State<Arc<AppState>>, AnyAgent(caller): AnyAgent) -> Result<Json<Value>, ApiError> {
    let h = history(&state, &caller.id).await?;
    let s = plan::next(&state.scenarios, &h).ok_or_else(|| ApiError::not_found("the scenario library is empty"))?;
    Ok(Json(brief(s)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttemptRequest {
    pub scenario: String,
    pub reply: String,
}

pub async fn attempt(State(state): State<Arc<AppState>>, AnyAgent(caller): AnyAgent, ApiJson(req): ApiJson<AttemptRequest>) -> Result<Json<Value>, ApiError> {
    let s = state.scenarios.iter().find(|s| s.id == req.scenario).ok_or_else(|| ApiError::unprocessable(format!("no scenario `{}`", req.scenario)))?;
    if req.reply.trim().is_empty() {
        return Err(ApiError::unprocessable("`reply` is empty"));
    }
    let sc = evenkeel_coach::score::score(&state.engine, s, &req.reply);
    state.store.record_attempt(&caller.id, &Attempt::scored(&s.id, &sc)).await?;
    Ok(Json(json!({"score": sc, "model_reply": s.model_reply, "pitfalls": s.pitfalls})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizQuery {
    #[serde(default)]
    pub n: Option<usize>,
    #[serde(default)]
    pub seed: Option<u64>,
}

pub async fn quiz(State(state): State<Arc<AppState>>, _caller: AnyAgent, ApiQuery(q): ApiQuery<QuizQuery>) -> Result<Json<Value>, ApiError> {
    let n = q.n.unwrap_or(5);
    if !(1..=50).contains(&n) {
        return Err(ApiError::bad_request(format!("`n` is {n}; a round has 1 to 50 items")));
    }
    let items = plan::quiz_items(&state.scenarios);
    let round = plan::quiz_round(&items, n, q.seed.unwrap_or_else(|| now_ms() as u64));
    let shown: Vec<Value> = round.iter().map(|i| json!({"id": i.id, "customer": i.customer, "reply": i.reply})).collect();
    Ok(Json(json!({"items": shown})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizAnswerRequest {
    pub item: String,
    pub answer: Stance,
}

pub async fn answer(State(state): State<Arc<AppState>>, AnyAgent(caller): AnyAgent, ApiJson(req): ApiJson<QuizAnswerRequest>) -> Result<Json<Value>, ApiError> {
    let items = plan::quiz_items(&state.scenarios);
    let item = items.iter().find(|i| i.id == req.item).ok_or_else(|| ApiError::unprocessable(format!("no quiz item `{}`", req.item)))?;
    let q = QuizAnswer { item: item.id.clone(), at: now_ms(), answer: req.answer.name().into(), truth: item.stance.name().into() };
    state.store.record_quiz(&caller.id, &q).await?;
    let analysis = state.engine.analyze(&item.reply, Some(&item.customer));
    Ok(Json(json!({"correct": req.answer == item.stance, "truth": item.stance, "why": item.why, "analysis": analysis})))
}

pub async fn progress(State(state): State<Arc<AppState>>, AnyAgent(caller): AnyAgent) -> Result<Json<Value>, ApiError> {
    let h = history(&state, &caller.id).await?;
    let quiz: Vec<(String, String)> = state.store.quiz_answers(&caller.id).await?.into_iter().map(|q| (q.truth, q.answer)).collect();
    let mut v = serde_json::to_value(plan::progress(&h, &quiz)).expect("serialises");
    v["trainee"] = json!(caller.id);
    Ok(Json(v))
}
