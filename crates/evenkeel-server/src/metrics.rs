//! `/metrics` in the Prometheus text format: requests by route and status, request latency,
//! and the analyzer's own time per reply. One registry per server, so tests can run several
//! servers in one process.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};
use std::sync::Arc;
use std::time::Instant;

pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub analyzer: Histogram,
    pub audits_running: IntGauge,
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let requests = IntCounterVec::new(Opts::new("evenkeel_http_requests_total", "HTTP requests by route, method and status."), &["route", "method", "status"])
            .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("evenkeel_http_request_duration_seconds", "Time to answer a request, by route.")
                .buckets(vec![0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0]),
            &["route"],
        )
        .expect("valid metric");
        let analyzer = Histogram::with_opts(
            HistogramOpts::new("evenkeel_analyzer_duration_seconds", "Time the engine took per reply.")
                .buckets(vec![0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01]),
        )
        .expect("valid metric");
        let audits_running = IntGauge::new("evenkeel_audits_running", "Audits running on this instance.").expect("valid metric");
        for m in [Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>, Box::new(latency.clone()), Box::new(analyzer.clone()), Box::new(audits_running.clone())] {
            registry.register(m).expect("registered once");
        }
        Metrics { registry, requests, latency, analyzer, audits_running }
    }

    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).expect("text encoding");
        String::from_utf8(out).expect("UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Counts and times every request under the route it matched (`unmatched` otherwise, so that
/// scanning for random paths cannot blow up the label set).
pub async fn track(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    state.metrics.latency.with_label_values(&[&route]).observe(started.elapsed().as_secs_f64());
    state.metrics.requests.with_label_values(&[&route, &method, response.status().as_str()]).inc();
    response
}
