//! `POST /v1/check` and `POST /v1/check/batch`: the analyzer's JSON contract, as `evenkeel
//! check --format json` prints it.

use crate::auth::AnyAgent;
use crate::error::{ApiError, ApiJson};
use crate::{AppState, BATCH_LIMIT};
use axum::extract::State;
use axum::Json;
use evenkeel_core::Analysis;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub reply: String,
    #[serde(default)]
    pub customer: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    pub reply: String,
    #[serde(default)]
    pub customer: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    pub items: Vec<BatchItem>,
}

#[derive(Debug, Serialize)]
pub struct BatchResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<serde_json::Value>,
    #[serde(flatten)]
    pub analysis: Analysis,
}

fn analyze(state: &AppState, reply: &str, customer: Option<&str>) -> Analysis {
    let started = Instant::now();
    let a = state.engine.analyze(reply, customer.filter(|c| !c.trim().is_empty()));
    state.metrics.analyzer.observe(started.elapsed().as_secs_f64());
    a
}

pub async fn one(State(state): State<Arc<AppState>>, _caller: AnyAgent, ApiJson(req): ApiJson<CheckRequest>) -> Result<Json<Analysis>, ApiError> {
    Ok(Json(analyze(&state, &req.reply, req.customer.as_deref())))
}

pub async fn batch(State(state): State<Arc<AppState>>, _caller: AnyAgent, ApiJson(req): ApiJson<BatchRequest>) -> Result<Json<serde_json::Value>, ApiError> {
    if req.items.len() > BATCH_LIMIT {
        return Err(ApiError::too_large(format!("{} items; a batch holds at most {BATCH_LIMIT}", req.items.len())));
    }
    // Off the async threads: a thousand replies take milliseconds, not microseconds.
    let results = tokio::task::spawn_blocking(move || {
        req.items.into_iter().map(|i| BatchResult { analysis: analyze(&state, &i.reply, i.customer.as_deref()), id: i.id }).collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ApiError::internal(format!("the batch failed: {e}")))?;
    Ok(Json(serde_json::json!({ "results": results })))
}

/// `POST /v1/rewrite`: the reply rewritten towards empathy, with what was removed and added.
pub async fn rewrite(State(state): State<Arc<AppState>>, _caller: AnyAgent, ApiJson(req): ApiJson<CheckRequest>) -> Result<Json<evenkeel_coach::Rewrite>, ApiError> {
    if req.reply.trim().is_empty() {
        return Err(ApiError::unprocessable("`reply` is empty"));
    }
    let customer = req.customer.filter(|c| !c.trim().is_empty());
    Ok(Json(evenkeel_coach::rewrite(&state.engine, &req.reply, customer.as_deref())))
}
