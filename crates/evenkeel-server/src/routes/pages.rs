//! The pages: the live check at `/`, the audits at `/audits`, and their scripts and styles,
//! all built into the binary (no CDN, works offline).

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// Same-origin only; inline styles are allowed for the audit report shown in a sandboxed frame.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

fn serve(name: &str) -> Response {
    let Some(file) = Assets::get(name) else {
        return crate::error::ApiError::not_found(format!("no asset `{name}`")).into_response();
    };
    let kind = match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        file.data.into_owned(),
    )
        .into_response()
}

pub async fn index() -> Response {
    serve("index.html")
}

pub async fn audits() -> Response {
    serve("audits.html")
}

pub async fn trainer() -> Response {
    serve("trainer.html")
}

pub async fn asset(Path(file): Path<String>) -> Response {
    // Only the scripts and styles; the pages have their own routes.
    if file.ends_with(".html") || file.contains('/') || file.contains("..") {
        return crate::error::ApiError::not_found(format!("no asset `{file}`")).into_response();
    }
    serve(&file)
}
