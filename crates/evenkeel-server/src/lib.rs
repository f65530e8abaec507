//! `evenkeel serve`: the HTTP API, the live-check page agents type into, the audits page for
//! team leads, storage and access control.
//!
//! The server is a front end like the CLI: every finding comes from the same `Engine`, every
//! audit from `evenkeel-audit`. Here are the routes, who may call them, where results are kept,
//! and the limits that keep one bad request from hurting the others.

pub mod auth;
pub mod error;
pub mod metrics;
pub mod routes;
pub mod store;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use evenkeel_model::Engine;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::Store;

/// Largest JSON body `/v1/check` and friends accept.
pub const JSON_LIMIT: usize = 1 << 20;
/// Most replies in one `/v1/check/batch`.
pub const BATCH_LIMIT: usize = 1000;

/// Every route and method the server answers: the OpenAPI document must list exactly these
/// (a test holds them together).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/audits"),
    ("GET", "/trainer"),
    ("GET", "/assets/{file}"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("GET", "/v1/session"),
    ("POST", "/v1/check"),
    ("POST", "/v1/check/batch"),
    ("POST", "/v1/rewrite"),
    ("POST", "/v1/audits"),
    ("GET", "/v1/audits"),
    ("GET", "/v1/audits/{id}"),
    ("GET", "/v1/audits/{id}/report"),
    ("GET", "/v1/coach/scenarios"),
    ("GET", "/v1/coach/scenarios/{id}"),
    ("GET", "/v1/coach/next"),
    ("POST", "/v1/coach/attempts"),
    ("GET", "/v1/coach/quiz"),
    ("POST", "/v1/coach/quiz"),
    ("GET", "/v1/coach/progress"),
    ("GET", "/v1/tokens"),
    ("POST", "/v1/tokens"),
    ("DELETE", "/v1/tokens/{id}"),
];

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// `sqlite://PATH`, a file path, or `postgres://...`.
    pub db: String,
    /// Uploaded exports and audit outputs.
    pub data_dir: PathBuf,
    /// No tokens: a local, single-user mode.
    pub open: bool,
    /// Largest upload accepted by `POST /v1/audits`.
    pub max_upload: u64,
    /// Time limit for a request (uploads excepted: they take as long as the network does).
    pub timeout: Duration,
}

impl Config {
    pub fn new(db: &str, data_dir: PathBuf) -> Config {
        Config {
            addr: ([127, 0, 0, 1], 8080).into(),
            db: db.to_string(),
            data_dir,
            open: false,
            max_upload: 1 << 30,
            timeout: Duration::from_secs(30),
        }
    }
}

pub struct AppState {
    pub engine: Arc<Engine>,
    /// The practice scenarios (the built-in library).
    pub scenarios: Vec<evenkeel_coach::scenario::Scenario>,
    pub store: Store,
    pub metrics: metrics::Metrics,
    pub open: bool,
    pub data_dir: PathBuf,
    pub max_upload: u64,
}

/// Opens the store and builds the state the routes share.
pub async fn state(engine: Engine, config: &Config) -> anyhow::Result<Arc<AppState>> {
    let store = Store::open(&config.db).await?;
    std::fs::create_dir_all(&config.data_dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", config.data_dir.display()))?;
    Ok(Arc::new(AppState {
        engine: Arc::new(engine),
        scenarios: evenkeel_coach::scenario::builtin(),
        store,
        metrics: metrics::Metrics::new(),
        open: config.open,
        data_dir: config.data_dir.clone(),
        max_upload: config.max_upload,
    }))
}

/// The application: every route in [`ROUTES`], with limits, time-outs and metrics.
pub fn router(state: Arc<AppState>, timeout: Duration) -> Router {
    use routes::{audits, check, coach, pages, system};
    let limited = Router::new()
        .route("/", get(pages::index))
        .route("/audits", get(pages::audits))
        .route("/trainer", get(pages::trainer))
        .route("/assets/{file}", get(pages::asset))
        .route("/healthz", get(system::healthz))
        .route("/metrics", get(system::metrics))
        .route("/openapi.json", get(system::openapi))
        .route("/v1/session", get(system::session))
        .route("/v1/check", post(check::one))
        .route("/v1/check/batch", post(check::batch))
        .route("/v1/rewrite", post(check::rewrite))
        .route("/v1/audits", get(audits::list))
        .route("/v1/audits/{id}", get(audits::one))
        .route("/v1/audits/{id}/report", get(audits::report))
        .route("/v1/coach/scenarios", get(coach::scenarios))
        .route("/v1/coach/scenarios/{id}", get(coach::scenario))
        .route("/v1/coach/next", get(coach::next))
        .route("/v1/coach/attempts", post(coach::attempt))
        .route("/v1/coach/quiz", get(coach::quiz).post(coach::answer))
        .route("/v1/coach/progress", get(coach::progress))
        .route("/v1/tokens", get(system::list_tokens).post(system::create_token))
        .route("/v1/tokens/{id}", axum::routing::delete(system::revoke_token))
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(|_: tower::BoxError| async {
                    error::ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "timeout", "the request took longer than this server allows")
                }))
                .layer(tower::timeout::TimeoutLayer::new(timeout)),
        );
    // Uploads stream to disk with their own size limit and no overall time-out.
    let uploads = Router::new().route("/v1/audits", post(audits::upload)).layer(DefaultBodyLimit::disable());
    let app = limited.merge(uploads).fallback(system::not_found).method_not_allowed_fallback(system::method_not_allowed);
    // The panic net sits inside the metrics, so a panicked request is counted as the 500 it got.
    catch_panics(app).layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track)).with_state(state)
}

/// A handler that panics answers `500` with the documented JSON error instead of dropping the
/// connection, and the server goes on serving. No route is meant to panic (the fuzzers hunt
/// for such bugs); this is the net under them. The message says nothing about the panic: its
/// text may quote a customer's reply.
pub fn catch_panics<S: Clone + Send + Sync + 'static>(app: Router<S>) -> Router<S> {
    app.layer(tower_http::catch_panic::CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
        tracing::error!("a request handler panicked; answered 500");
        axum::response::IntoResponse::into_response(error::ApiError::internal(
            "evenkeel hit a bug while answering this request. Please report it with the request that caused it.",
        ))
    }))
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn serve(engine: Engine, config: Config) -> anyhow::Result<()> {
    let state = state(engine, &config).await?;
    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr()?;
    if config.open {
        eprintln!("evenkeel serve: WARNING: --open: no access control. Anyone who can reach {addr} may check replies, run audits and read them. Use it only on your own machine.");
    }
    eprintln!("evenkeel serve: listening on http://{addr} (database: {}, data: {})", state.store.url, config.data_dir.display());
    let app = router(state, config.timeout);
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
