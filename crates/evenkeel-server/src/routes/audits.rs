//! Audits over HTTP: an export is uploaded (streamed to disk, never held in memory), audited
//! in the background by the same pipeline as `evenkeel audit`, and its progress, summary and
//! report are read back. An audit belongs to the token that uploaded it; admins see all.

use crate::auth::{Caller, LeadOrAdmin};
use crate::error::{ApiError, ApiQuery};
use crate::store::{random_hex, AuditProgress, AuditRecord, Role};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use evenkeel_audit::mapping::Mapping;
use evenkeel_audit::readers::Format;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    pub format: Option<String>,
    pub map: Option<String>,
    /// The file's name, for the list of audits and for telling CSV from JSON Lines.
    pub name: Option<String>,
    #[serde(default)]
    pub redact: bool,
}

/// Removes a half-written upload when the request ends early (the client went away, the body
/// was too large): no half audit is ever visible.
struct Partial(Option<PathBuf>);

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub async fn upload(State(state): State<Arc<AppState>>, LeadOrAdmin(caller): LeadOrAdmin, ApiQuery(q): ApiQuery<UploadQuery>, headers: HeaderMap, body: Body) -> Result<(StatusCode, Json<Value>), ApiError> {
    // Absent means "detect"; a `format` that is sent must be one of the four (the pages leave
    // it out rather than send it empty).
    let format: Option<Format> = match q.format.as_deref() {
        None => None,
        Some(f @ ("csv" | "jsonl" | "zendesk" | "intercom")) => Some(f.parse().map_err(ApiError::bad_request)?),
        Some(other) => return Err(ApiError::bad_request(format!("unknown format `{other}`; the formats are csv, jsonl, zendesk and intercom"))),
    };
    let mapping = q.map.as_deref().filter(|m| !m.is_empty()).map(Mapping::parse).transpose().map_err(ApiError::bad_request)?.unwrap_or_default();
    if let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        if ct.starts_with("multipart/") || ct.starts_with("application/x-www-form-urlencoded") {
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send the export itself as the body (Content-Type: application/octet-stream, text/csv or application/x-ndjson), not a form"));
        }
    }
    if let Some(len) = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok()) {
        if len > state.max_upload {
            return Err(ApiError::too_large(format!("the upload is {len} bytes; this server accepts at most {}", state.max_upload)));
        }
    }
    let name = q.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "upload".into());
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();

    let id = random_hex(12);
    let dir = state.data_dir.join("audits").join(&id);
    tokio::fs::create_dir_all(&dir).await.map_err(|e| ApiError::internal(format!("cannot store the upload: {e}")))?;
    let mut partial = Partial(Some(dir.clone()));
    let part = dir.join("upload.part");
    let mut file = tokio::fs::File::create(&part).await.map_err(|e| ApiError::internal(format!("cannot store the upload: {e}")))?;
    let mut stream = body.into_data_stream();
    let mut size: u64 = 0;
    let mut head: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("the upload broke off: {e}")))?;
        size += chunk.len() as u64;
        if size > state.max_upload {
            return Err(ApiError::too_large(format!("the upload is larger than the {} bytes this server accepts", state.max_upload)));
        }
        if head.len() < 4096 {
            head.extend_from_slice(&chunk[..chunk.len().min(4096 - head.len())]);
        }
        file.write_all(&chunk).await.map_err(|e| ApiError::internal(format!("cannot store the upload: {e}")))?;
    }
    file.flush().await.map_err(|e| ApiError::internal(format!("cannot store the upload: {e}")))?;
    drop(file);
    if size == 0 {
        return Err(ApiError::unprocessable("the upload is empty"));
    }
    // The readers tell CSV from JSON Lines by the file name: name it after what it holds.
    let json_like = head.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b == b'{' || b == b'[');
    let ext = match format {
        Some(Format::Csv) => "csv",
        Some(_) => "jsonl",
        None if name.to_ascii_lowercase().ends_with(".csv") || !json_like => "csv",
        None => "jsonl",
    };
    let input = dir.join(format!("input.{ext}"));
    tokio::fs::rename(&part, &input).await.map_err(|e| ApiError::internal(format!("cannot store the upload: {e}")))?;
    state.store.create_audit(&id, &caller.id, &name, size as i64).await?;
    partial.0 = None;

    let mut opts = evenkeel_audit::run::Options::new(vec![input.clone()], dir.join("out"));
    opts.format = format;
    opts.mapping = mapping;
    opts.redact = q.redact;
    // Results, errors and the report name the file as it was uploaded, not where it is kept.
    opts.labels = Some(vec![name.clone()]);
    tokio::spawn(run_audit(state.clone(), id.clone(), opts, input));
    Ok((StatusCode::ACCEPTED, Json(json!({"id": id, "status": "queued"}))))
}

/// Runs one audit on a blocking thread, writing its progress to the store at most every
/// quarter second, then its summary and report.
async fn run_audit(state: Arc<AppState>, id: String, opts: evenkeel_audit::run::Options, input: PathBuf) {
    state.metrics.audits_running.inc();
    let handle = tokio::runtime::Handle::current();
    let engine = state.engine.clone();
    let store = state.store.clone();
    let audit_id = id.clone();
    let result = tokio::task::spawn_blocking(move || {
        let last = Mutex::new(Instant::now() - Duration::from_secs(1));
        let progress = |p: evenkeel_audit::run::Progress| {
            let mut last = last.lock().expect("not poisoned");
            if last.elapsed() < Duration::from_millis(250) {
                return;
            }
            *last = Instant::now();
            let p = AuditProgress { bytes_read: p.bytes_read as i64, bytes_total: p.bytes_total as i64, conversations: p.conversations as i64, agent_turns: p.agent_turns as i64 };
            if let Err(e) = handle.block_on(store.audit_progress(&audit_id, p)) {
                tracing::warn!("audit {audit_id}: cannot record progress: {e}");
            }
        };
        let outcome = evenkeel_audit::run::run(&engine, &opts, &progress)?;
        let summary = std::fs::read_to_string(opts.out.join(evenkeel_audit::run::SUMMARY)).map_err(|e| anyhow::anyhow!("cannot read the summary: {e}"))?;
        let report = std::fs::read_to_string(opts.out.join(evenkeel_audit::run::REPORT)).map_err(|e| anyhow::anyhow!("cannot read the report: {e}"))?;
        Ok::<_, anyhow::Error>((outcome, summary, report))
    })
    .await;
    let finished = match result {
        Ok(Ok((outcome, summary, report))) => {
            let t = &outcome.summary.totals;
            let bytes = std::fs::metadata(&input).map(|m| m.len() as i64).unwrap_or(0);
            let p = AuditProgress { bytes_read: bytes, bytes_total: bytes, conversations: t.conversations as i64, agent_turns: t.agent_turns as i64 };
            state.store.audit_done(&id, p, &summary, &report).await
        }
        Ok(Err(e)) => state.store.audit_failed(&id, &format!("{e:#}")).await,
        Err(e) => state.store.audit_failed(&id, &format!("the audit stopped unexpectedly: {e}")).await,
    };
    if let Err(e) = finished {
        tracing::warn!("audit {id}: cannot record the outcome: {e}");
    }
    // The export itself is not kept once it has been audited.
    let _ = tokio::fs::remove_file(&input).await;
    state.metrics.audits_running.dec();
}

/// The audit if the caller may see it: their own, or any for an admin. Someone else's audit is
/// "not found", so ids cannot be probed.
async fn visible(state: &AppState, caller: &Caller, id: &str) -> Result<AuditRecord, ApiError> {
    caller.require(Role::Lead)?;
    match state.store.audit(id).await? {
        Some(a) if caller.role == Role::Admin || a.owner == caller.id => Ok(a),
        _ => Err(ApiError::not_found(format!("no audit `{id}`"))),
    }
}

pub async fn one(State(state): State<Arc<AppState>>, LeadOrAdmin(caller): LeadOrAdmin, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let a = visible(&state, &caller, &id).await?;
    let mut v = serde_json::to_value(&a).expect("serialises");
    let summary = if a.status == "done" {
        state.store.audit_summary(&id).await?.and_then(|s| serde_json::from_str::<Value>(&s).ok())
    } else {
        None
    };
    v["summary"] = summary.unwrap_or(Value::Null);
    Ok(Json(v))
}

pub async fn list(State(state): State<Arc<AppState>>, LeadOrAdmin(caller): LeadOrAdmin) -> Result<Json<Value>, ApiError> {
    let owner = (caller.role != Role::Admin).then_some(caller.id.as_str());
    Ok(Json(json!({"audits": state.store.audits(owner).await?})))
}

pub async fn report(State(state): State<Arc<AppState>>, LeadOrAdmin(caller): LeadOrAdmin, Path(id): Path<String>) -> Result<Response, ApiError> {
    let a = visible(&state, &caller, &id).await?;
    if a.status != "done" {
        return Err(ApiError::new(StatusCode::CONFLICT, "not_ready", format!("the audit is {}; the report comes when it is done", a.status)));
    }
    let html = state.store.audit_report(&id).await?.ok_or_else(|| ApiError::not_found("this audit has no report"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        html,
    )
        .into_response())
}
