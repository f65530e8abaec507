//! Health, metrics, the OpenAPI document, the session, and token management.

use crate::auth::{identify, Admin};
use crate::error::{ApiError, ApiJson};
use crate::store::Role;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// The OpenAPI document, kept true by a test against [`crate::ROUTES`].
pub const OPENAPI: &str = include_str!("../../openapi.json");

pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ok", "database": "ok"})).into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable", "database": e.to_string()}))).into_response(),
    }
}

pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render()).into_response()
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// Who the page is talking as: lets the page ask for a token only when one is needed.
pub async fn session(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let caller = identify(&headers, &state).await?;
    Ok(Json(json!({"open": state.open, "role": caller.map(|c| c.role)})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub role: Role,
    #[serde(default)]
    pub name: Option<String>,
}

pub async fn create_token(State(state): State<Arc<AppState>>, _caller: Admin, ApiJson(req): ApiJson<NewToken>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let name = req.name.unwrap_or_default();
    if name.chars().count() > 200 {
        return Err(ApiError::unprocessable("`name` is longer than 200 characters"));
    }
    let (token, info) = state.store.create_token(req.role, &name).await?;
    Ok((StatusCode::CREATED, Json(json!({"token": token, "id": info.id, "role": info.role, "name": info.name, "created_at": info.created_at}))))
}

pub async fn list_tokens(State(state): State<Arc<AppState>>, _caller: Admin) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({"tokens": state.store.list_tokens().await?})))
}

pub async fn revoke_token(State(state): State<Arc<AppState>>, _caller: Admin, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if state.store.revoke_token(&id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no live token with id `{id}`")))
    }
}

pub async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route {method} {}", uri.path()))
}

pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", format!("{} does not accept {method}", uri.path()))
}
