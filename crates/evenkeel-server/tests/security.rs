//! The server's security promises (SECURITY.md), each tested over real TCP, on SQLite and on
//! PostgreSQL when `EVENKEEL_TEST_POSTGRES` names a server: every route in `ROUTES` refuses a
//! token of the wrong role; tokens are stored only as SHA-256 hashes and a stored hash is no
//! token; bodies over the limits get 413; a client that sends its request too slowly is cut
//! off at the time limit; a lead never sees another lead's audit.

use evenkeel_core::Analyzer;
use evenkeel_model::{Engine, EngineKind};
use evenkeel_server::{router, state, Config, JSON_LIMIT, ROUTES};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static N: AtomicU32 = AtomicU32::new(0);

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evenkeel-security-{}-{name}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn backends(name: &str) -> Vec<String> {
    let mut urls = vec![format!("sqlite://{}/evenkeel.db", scratch(name).display())];
    match std::env::var("EVENKEEL_TEST_POSTGRES") {
        Ok(base) if !base.is_empty() => {
            sqlx::any::install_default_drivers();
            let db = format!("eks_{}_{}_{}", name.replace('-', "_"), std::process::id(), N.fetch_add(1, Ordering::Relaxed));
            let pool = sqlx::AnyPool::connect(&base).await.unwrap_or_else(|e| panic!("EVENKEEL_TEST_POSTGRES={base}: {e}"));
            sqlx::query(&format!("CREATE DATABASE {db}")).execute(&pool).await.unwrap();
            pool.close().await;
            urls.push(format!("{}/{db}", &base[..base.rfind('/').unwrap()]));
        }
        _ => eprintln!("NOTICE: EVENKEEL_TEST_POSTGRES is not set: {name} runs on SQLite only"),
    }
    urls
}

struct Server {
    base: String,
    addr: std::net::SocketAddr,
    client: Client,
    db: String,
}

async fn start(db: &str, tweak: impl FnOnce(&mut Config)) -> Server {
    let mut config = Config::new(db, scratch("data"));
    tweak(&mut config);
    let engine = Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap();
    let app = router(state(engine, &config).await.unwrap(), config.timeout);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { base: format!("http://{addr}"), addr, client: Client::new(), db: db.to_string() }
}

impl Server {
    async fn token(&self, role: &str) -> String {
        let store = evenkeel_server::store::Store::open(&self.db).await.unwrap();
        store.create_token(role.parse().unwrap(), "test").await.unwrap().0
    }

    fn req(&self, method: Method, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let r = self.client.request(method, format!("{}{path}", self.base));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }
}

/// An error response has the documented shape: (status, code).
async fn error_of(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    let v: Value = r.json().await.expect("errors are JSON");
    let code = v["error"]["code"].as_str().unwrap_or_else(|| panic!("no error.code in {v}")).to_string();
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    (status, code)
}

/// Who may call each route: `None` public, `Some(None)` anyone (a token is optional),
/// `Some(Some(role))` that role or above. Every route in `ROUTES` must be here, so a new route
/// cannot be added without saying who may call it.
fn access(method: &str, path: &str) -> Option<Option<&'static str>> {
    match (method, path) {
        ("GET", "/" | "/audits" | "/trainer" | "/assets/{file}" | "/healthz" | "/metrics" | "/openapi.json") => None,
        ("GET", "/v1/session") => Some(None),
        ("POST", "/v1/check" | "/v1/check/batch" | "/v1/rewrite" | "/v1/coach/attempts" | "/v1/coach/quiz") => Some(Some("agent")),
        ("GET", "/v1/coach/scenarios" | "/v1/coach/scenarios/{id}" | "/v1/coach/next" | "/v1/coach/quiz" | "/v1/coach/progress") => Some(Some("agent")),
        ("POST" | "GET", "/v1/audits") | ("GET", "/v1/audits/{id}" | "/v1/audits/{id}/report") => Some(Some("lead")),
        ("GET" | "POST", "/v1/tokens") | ("DELETE", "/v1/tokens/{id}") => Some(Some("admin")),
        _ => panic!("{method} {path} is in ROUTES but this test does not say who may call it"),
    }
}

#[tokio::test]
async fn every_route_refuses_a_token_of_the_wrong_role() {
    for db in backends("roles").await {
        let s = start(&db, |_| {}).await;
        let tokens = [("agent", s.token("agent").await), ("lead", s.token("lead").await), ("admin", s.token("admin").await)];
        let rank = |r: &str| ["agent", "lead", "admin"].iter().position(|x| *x == r).unwrap();
        let (mut refused, mut lower) = (0, 0);
        for (method, route) in ROUTES {
            let path = route.replace("{file}", "style.css").replace("{id}", "x");
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            match access(method, route) {
                None => {
                    let r = s.req(m, &path, None).send().await.unwrap();
                    assert!(r.status().is_success(), "{method} {route} is public: {}", r.status());
                }
                Some(None) => {
                    let r = s.req(m.clone(), &path, None).send().await.unwrap();
                    assert_eq!(r.status(), StatusCode::OK, "{method} {route}");
                    let (status, code) = error_of(s.req(m, &path, Some("ek_forged")).send().await.unwrap()).await;
                    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "unauthorized"), "{method} {route}: a token that is sent must be valid");
                }
                Some(Some(role)) => {
                    lower += rank(role);
                    let (status, code) = error_of(s.req(m.clone(), &path, None).send().await.unwrap()).await;
                    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "unauthorized"), "{method} {route} without a token");
                    for (name, token) in &tokens {
                        let r = s.req(m.clone(), &path, Some(token)).header("content-type", "application/json").body("{}").send().await.unwrap();
                        if rank(name) < rank(role) {
                            let (status, code) = error_of(r).await;
                            assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"), "{method} {route} as {name}");
                            refused += 1;
                        } else {
                            assert!(![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&r.status()), "{method} {route} as {name}: {}", r.status());
                        }
                    }
                }
            }
        }
        // Every role below each route's was tried and refused: 4 lead routes × agent, 3 admin
        // routes × agent and lead.
        assert_eq!(refused, lower);
        assert!(refused >= 10, "{refused}");
    }
}

#[tokio::test]
async fn tokens_are_stored_only_as_sha256_hashes_and_a_hash_is_no_token() {
    for db in backends("hashes").await {
        let s = start(&db, |_| {}).await;
        let admin = s.token("admin").await;
        let r = s.req(Method::POST, "/v1/tokens", Some(&admin)).json(&json!({"role": "agent", "name": "Ana"})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let agent = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db).await.unwrap();
        let rows = sqlx::query("SELECT id, hash, role, name FROM tokens").fetch_all(&pool).await.unwrap();
        assert_eq!(rows.len(), 2);
        let mut stored = Vec::new();
        for row in &rows {
            for col in ["id", "hash", "role", "name"] {
                let v: String = row.try_get(col).unwrap();
                assert!(!v.contains(&admin) && !v.contains(&agent), "a token is stored in the `{col}` column");
            }
            stored.push(row.try_get::<String, _>("hash").unwrap());
        }
        for t in [&admin, &agent] {
            assert!(stored.contains(&hex::encode(Sha256::digest(t.as_bytes()))), "the SHA-256 of each token is what is kept");
        }
        pool.close().await;
        if let Some(file) = db.strip_prefix("sqlite://") {
            // Nor anywhere in the database's files (the write-ahead log included).
            for f in [file.to_string(), format!("{file}-wal")] {
                if let Ok(bytes) = std::fs::read(&f) {
                    let text = String::from_utf8_lossy(&bytes);
                    assert!(!text.contains(&admin[3..]) && !text.contains(&agent[3..]), "{f} holds a token");
                }
            }
        }
        // The stored hash is not a token, nor is a token one character off.
        for forged in [stored[0].clone(), format!("ek_{}", stored[0]), format!("{}x", &agent[..agent.len() - 1]), agent.to_uppercase()] {
            let (status, _) = error_of(s.req(Method::POST, "/v1/check", Some(&forged)).json(&json!({"reply": "ok"})).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{forged}");
        }
        let r = s.req(Method::POST, "/v1/check", Some(&agent)).json(&json!({"reply": "ok"})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[test]
fn the_token_hash_is_compared_in_constant_time() {
    // The lookup is by the token's SHA-256 (so timing can at most leak the hash of a guess,
    // never the token); the stored hash is then compared with `subtle`'s constant-time
    // equality. Timing is too noisy to measure in a test, so the code is held to it here.
    let src = include_str!("../src/store.rs");
    let verify = &src[src.find("async fn verify_in_database").expect("verify_in_database")..];
    let verify = &verify[..verify.find("\n    }\n").unwrap()];
    assert!(verify.contains(".ct_eq(") && verify.contains("WHERE hash = $1"), "{verify}");
    assert!(!verify.contains("stored ==") && !verify.contains("== hash"), "{verify}");
    assert!(src.contains("fn hash_token") && src.contains("Sha256::digest(token.as_bytes())"));
}

#[tokio::test]
async fn bodies_over_the_limits_are_refused_with_413() {
    let db = backends("limits").await.remove(0);
    let s = start(&db, |c| c.max_upload = 64 * 1024).await;
    let agent = s.token("agent").await;
    let lead = s.token("lead").await;
    let big = json!({"reply": "a".repeat(JSON_LIMIT + 10)});
    for path in ["/v1/check", "/v1/rewrite", "/v1/coach/attempts"] {
        let (status, code) = error_of(s.req(Method::POST, path, Some(&agent)).json(&big).send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_large"), "{path}");
    }
    let items: Vec<Value> = (0..1001).map(|_| json!({"reply": "ok"})).collect();
    let (status, code) = error_of(s.req(Method::POST, "/v1/check/batch", Some(&agent)).json(&json!({"items": items})).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_large"));
    let (status, code) = error_of(s.req(Method::POST, "/v1/audits", Some(&lead)).body(vec![b'a'; 64 * 1024 + 1]).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_large"));
}

#[tokio::test]
async fn a_client_too_slow_to_send_its_request_is_cut_off_at_the_time_limit() {
    let db = backends("slow").await.remove(0);
    let s = start(&db, |c| c.timeout = Duration::from_secs(1)).await;
    let agent = s.token("agent").await;
    let addr = s.addr;
    let (status, body, took) = tokio::task::spawn_blocking(move || {
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let started = Instant::now();
        // Promises 1,000 bytes and sends 12, then nothing.
        write!(c, "POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {agent}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"reply\": \"a").unwrap();
        let mut buf = vec![0u8; 4096];
        let n = c.read(&mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
        (status, text, started.elapsed())
    })
    .await
    .unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains(r#""code":"timeout""#), "{body}");
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn a_lead_never_sees_another_leads_audit() {
    for db in backends("owners").await {
        let s = start(&db, |_| {}).await;
        let (ana, ben, admin) = (s.token("lead").await, s.token("lead").await, s.token("admin").await);
        let export = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/exports/turns.csv")).unwrap();
        let r = s.req(Method::POST, "/v1/audits?name=turns.csv", Some(&ana)).body(export).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
        let started = Instant::now();
        loop {
            let v: Value = s.req(Method::GET, &format!("/v1/audits/{id}"), Some(&ana)).send().await.unwrap().json().await.unwrap();
            if v["status"] == "done" {
                break;
            }
            assert!(v["status"] != "failed" && started.elapsed() < Duration::from_secs(30), "{v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for path in [format!("/v1/audits/{id}"), format!("/v1/audits/{id}/report")] {
            let (status, code) = error_of(s.req(Method::GET, &path, Some(&ben)).send().await.unwrap()).await;
            assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"), "{path} as another lead");
            assert_eq!(s.req(Method::GET, &path, Some(&ana)).send().await.unwrap().status(), StatusCode::OK, "{path} as its owner");
            assert_eq!(s.req(Method::GET, &path, Some(&admin)).send().await.unwrap().status(), StatusCode::OK, "{path} as an admin");
        }
        let list: Value = s.req(Method::GET, "/v1/audits", Some(&ben)).send().await.unwrap().json().await.unwrap();
        assert_eq!(list["audits"].as_array().unwrap().len(), 0, "{list}");
    }
}

/// No route is meant to panic, but if one does (a bug the fuzzers have not found yet), the
/// client gets the documented JSON error, the panic's text (which may quote a customer) stays
/// out of the answer, and the server goes on answering. The same `catch_panics` that
/// `router` applies is put around a route that panics on purpose.
#[tokio::test]
async fn a_handler_that_panics_answers_500_json_and_the_server_goes_on() {
    use axum::routing::get;
    async fn boom() -> &'static str {
        panic!("secret customer text 4111 1111 1111 1111")
    }
    let app = evenkeel_server::catch_panics(
        axum::Router::new()
            .route("/boom", get(boom))
            .route("/fine", get(|| async { "still here" })),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::new();
    for _ in 0..3 {
        let r = client.get(format!("http://{addr}/boom")).send().await.expect("a panic must not drop the connection");
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "internal", "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(!message.contains("secret") && !message.contains("4111"), "the panic's text leaked: {message}");
    }
    let r = client.get(format!("http://{addr}/fine")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "still here");
}
