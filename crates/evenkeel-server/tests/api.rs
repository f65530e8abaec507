//! The API over real TCP, against each storage back end: a SQLite file, and PostgreSQL on
//! loopback when `EVENKEEL_TEST_POSTGRES` names a server (`.ci/run` starts one; without it the
//! PostgreSQL runs are skipped with a notice). Every route, every role, bad input.

use evenkeel_core::Analyzer;
use evenkeel_model::{Engine, EngineKind};
use evenkeel_server::{router, state, Config, ROUTES};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

static N: AtomicU32 = AtomicU32::new(0);

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evenkeel-server-{}-{name}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The database URLs to run each test against: always a new SQLite file; a new PostgreSQL
/// database when a server is configured.
async fn backends(name: &str) -> Vec<String> {
    let mut urls = vec![format!("sqlite://{}/evenkeel.db", scratch(name).display())];
    match std::env::var("EVENKEEL_TEST_POSTGRES") {
        Ok(base) if !base.is_empty() => urls.push(fresh_postgres(&base, name).await),
        _ => eprintln!("NOTICE: EVENKEEL_TEST_POSTGRES is not set: {name} runs on SQLite only (scripts/ensure-postgres.sh starts a server)"),
    }
    urls
}

/// A database of its own on the configured PostgreSQL server, so tests do not see each other.
async fn fresh_postgres(base: &str, name: &str) -> String {
    sqlx::any::install_default_drivers();
    let db = format!("ek_{}_{}_{}", name.replace('-', "_"), std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let pool = sqlx::AnyPool::connect(base).await.unwrap_or_else(|e| panic!("EVENKEEL_TEST_POSTGRES={base}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {db}")).execute(&pool).await.unwrap();
    pool.close().await;
    let cut = base.rfind('/').expect("a database in the URL");
    format!("{}/{db}", &base[..cut])
}

struct Server {
    base: String,
    client: Client,
    db: String,
    data: PathBuf,
}

fn engine() -> Engine {
    Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap()
}

async fn start(db: &str, tweak: impl FnOnce(&mut Config)) -> Server {
    let data = scratch("data");
    let mut config = Config::new(db, data.clone());
    tweak(&mut config);
    let st = state(engine(), &config).await.unwrap();
    let app = router(st, config.timeout);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { base: format!("http://{addr}"), client: Client::new(), db: db.to_string(), data }
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

    async fn json(&self, method: Method, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let r = self.req(method, path, token).json(&body).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// An error response has the documented shape.
async fn error_of(r: reqwest::Response) -> (StatusCode, String, String) {
    let status = r.status();
    let v: Value = r.json().await.expect("errors are JSON");
    let code = v["error"]["code"].as_str().unwrap_or_else(|| panic!("no error.code in {v}")).to_string();
    let message = v["error"]["message"].as_str().unwrap_or_else(|| panic!("no error.message in {v}")).to_string();
    assert!(!message.is_empty());
    (status, code, message)
}

fn export() -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/exports/turns.csv")).unwrap()
}

async fn wait_done(s: &Server, id: &str, token: &str) -> Value {
    for _ in 0..600 {
        let (status, v) = s.json(Method::GET, &format!("/v1/audits/{id}"), Some(token), Value::Null).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        match v["status"].as_str().unwrap() {
            "done" => return v,
            "failed" => panic!("audit failed: {v}"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    panic!("the audit did not finish in 30 s");
}

#[tokio::test]
async fn openapi_documents_exactly_the_routes_that_answer() {
    let doc: Value = serde_json::from_str(evenkeel_server::routes::system::OPENAPI).unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (m.to_uppercase(), path.clone())))
        .collect();
    let served: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented, served, "openapi.json and ROUTES differ");

    let db = backends("openapi").await.remove(0);
    let s = start(&db, |_| {}).await;
    let admin = s.token("admin").await;
    for (method, path) in ROUTES {
        let concrete = path.replace("{file}", "live.js").replace("{id}", "missing-id");
        let r = s.req(Method::from_bytes(method.as_bytes()).unwrap(), &concrete, Some(&admin)).header("content-type", "application/json").body("{}").send().await.unwrap();
        let status = r.status();
        let body = r.text().await.unwrap();
        assert!(!body.contains("no route"), "{method} {path} is documented but not routed: {status} {body}");
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }
    let (status, code, _) = error_of(s.req(Method::GET, "/v1/nothing", Some(&admin)).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
    let (status, code, _) = error_of(s.req(Method::PUT, "/v1/check", Some(&admin)).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
}

#[tokio::test]
async fn every_route_refuses_a_missing_or_wrong_token_and_the_wrong_role() {
    for db in backends("roles").await {
        let s = start(&db, |_| {}).await;
        let agent = s.token("agent").await;
        let lead = s.token("lead").await;
        let admin = s.token("admin").await;
        // Who may call what: the lowest role, or None for public routes.
        let needs: &[(&str, &str, Option<&str>)] = &[
            ("GET", "/", None),
            ("GET", "/audits", None),
            ("GET", "/healthz", None),
            ("GET", "/metrics", None),
            ("GET", "/openapi.json", None),
            ("POST", "/v1/check", Some("agent")),
            ("POST", "/v1/check/batch", Some("agent")),
            ("POST", "/v1/rewrite", Some("agent")),
            ("GET", "/trainer", None),
            ("GET", "/v1/coach/scenarios", Some("agent")),
            ("GET", "/v1/coach/next", Some("agent")),
            ("POST", "/v1/coach/attempts", Some("agent")),
            ("GET", "/v1/coach/quiz", Some("agent")),
            ("POST", "/v1/coach/quiz", Some("agent")),
            ("GET", "/v1/coach/progress", Some("agent")),
            ("POST", "/v1/audits", Some("lead")),
            ("GET", "/v1/audits", Some("lead")),
            ("GET", "/v1/audits/x", Some("lead")),
            ("GET", "/v1/audits/x/report", Some("lead")),
            ("GET", "/v1/tokens", Some("admin")),
            ("POST", "/v1/tokens", Some("admin")),
            ("DELETE", "/v1/tokens/x", Some("admin")),
        ];
        for (method, path, role) in needs {
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            let Some(role) = role else {
                let r = s.req(m, path, None).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::OK, "{method} {path} is public");
                continue;
            };
            let (status, code, _) = error_of(s.req(m.clone(), path, None).send().await.unwrap()).await;
            assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "unauthorized"), "{method} {path} without a token");
            let (status, _, _) = error_of(s.req(m.clone(), path, Some("ek_not-a-real-token")).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} with a wrong token");
            let rank = |r: &str| ["agent", "lead", "admin"].iter().position(|x| *x == r).unwrap();
            for (name, token) in [("agent", &agent), ("lead", &lead), ("admin", &admin)] {
                let r = s.req(m.clone(), path, Some(token)).header("content-type", "application/json").body("{}").send().await.unwrap();
                if rank(name) < rank(role) {
                    let (status, code, message) = error_of(r).await;
                    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"), "{method} {path} as {name}");
                    assert!(message.contains(role), "{message}");
                } else {
                    assert!(![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&r.status()), "{method} {path} as {name}: {}", r.status());
                }
            }
        }
        // A session tells the page who it is.
        let (_, v) = s.json(Method::GET, "/v1/session", Some(&lead), Value::Null).await;
        assert_eq!(v, json!({"open": false, "role": "lead"}));
        let (_, v) = s.json(Method::GET, "/v1/session", None, Value::Null).await;
        assert_eq!(v, json!({"open": false, "role": null}));
    }
}

#[tokio::test]
async fn check_returns_the_analyzers_json_contract() {
    for db in backends("check").await {
        let s = start(&db, |_| {}).await;
        let agent = s.token("agent").await;
        let reply = "Wow! This is so irresponsible of my team 😡. I apologize for their inconsistency. This is not acceptable.";
        let customer = "Three weeks and still no refund. I'm furious.";
        let (status, v) = s.json(Method::POST, "/v1/check", Some(&agent), json!({"reply": reply, "customer": customer})).await;
        assert_eq!(status, StatusCode::OK);
        let direct: Value = serde_json::from_str(&engine().analyze(reply, Some(customer)).to_json()).unwrap();
        assert_eq!(v, direct, "the API returns exactly what the analyzer computes");
        assert_eq!(v["stance"], "sympathetic");
        let cues: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["cue"].as_str().unwrap()).collect();
        assert!(cues.contains(&"blames_own_side") && cues.contains(&"condemns"), "{cues:?}");

        let (status, v) = s
            .json(Method::POST, "/v1/check/batch", Some(&agent), json!({"items": [{"id": "a", "reply": reply}, {"id": 7, "reply": "I can understand why that makes you angry.", "customer": customer}]}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let results = v["results"].as_array().unwrap();
        assert_eq!((results[0]["id"].clone(), results[1]["id"].clone()), (json!("a"), json!(7)));
        assert_eq!(results[1]["stance"], "empathetic");
        let many: Vec<Value> = (0..1001).map(|_| json!({"reply": "ok"})).collect();
        let (status, v) = s.json(Method::POST, "/v1/check/batch", Some(&agent), json!({"items": many})).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_json_error() {
    let db = backends("bad-input").await.remove(0);
    let s = start(&db, |_| {}).await;
    let admin = s.token("admin").await;
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str, &str)> = vec![
        (s.req(Method::POST, "/v1/check", Some(&admin)).header("content-type", "application/json").body("{\"reply\": "), StatusCode::BAD_REQUEST, "bad_request", "not valid JSON"),
        (s.req(Method::POST, "/v1/check", Some(&admin)).header("content-type", "text/plain").body("{\"reply\":\"hi\"}"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "application/json"),
        (s.req(Method::POST, "/v1/check", Some(&admin)).json(&json!({"customer": "hi"})), StatusCode::UNPROCESSABLE_ENTITY, "invalid", "reply"),
        (s.req(Method::POST, "/v1/check", Some(&admin)).json(&json!({"reply": "hi", "replly": 1})), StatusCode::UNPROCESSABLE_ENTITY, "invalid", "replly"),
        (s.req(Method::POST, "/v1/check", Some(&admin)).json(&json!({"reply": "x".repeat(2 << 20)})), StatusCode::PAYLOAD_TOO_LARGE, "too_large", "larger"),
        (s.req(Method::GET, "/v1/audits/no-such-audit", Some(&admin)), StatusCode::NOT_FOUND, "not_found", "no-such-audit"),
        (s.req(Method::GET, "/v1/audits/no-such-audit/report", Some(&admin)), StatusCode::NOT_FOUND, "not_found", "no-such-audit"),
        (s.req(Method::POST, "/v1/audits?format=xls", Some(&admin)).body("a,b\n"), StatusCode::BAD_REQUEST, "bad_request", "xls"),
        (s.req(Method::POST, "/v1/audits?map=txt=body", Some(&admin)).body("a,b\n"), StatusCode::BAD_REQUEST, "bad_request", "txt"),
        (s.req(Method::POST, "/v1/audits?colour=red", Some(&admin)).body("a,b\n"), StatusCode::BAD_REQUEST, "bad_request", "colour"),
        (s.req(Method::POST, "/v1/audits", Some(&admin)).body(""), StatusCode::UNPROCESSABLE_ENTITY, "invalid", "empty"),
        (s.req(Method::POST, "/v1/audits", Some(&admin)).header("content-type", "multipart/form-data; boundary=x").body("--x--"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "body"),
        (s.req(Method::POST, "/v1/tokens", Some(&admin)).json(&json!({"role": "boss"})), StatusCode::UNPROCESSABLE_ENTITY, "invalid", "boss"),
        (s.req(Method::DELETE, "/v1/tokens/nope", Some(&admin)), StatusCode::NOT_FOUND, "not_found", "nope"),
    ];
    for (req, want_status, want_code, want_in_message) in cases {
        let (status, code, message) = error_of(req.send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (want_status, want_code), "{message}");
        assert!(message.contains(want_in_message), "`{message}` should mention `{want_in_message}`");
    }
}

#[tokio::test]
async fn an_uploaded_export_is_audited_and_only_its_owner_and_admins_see_it() {
    for db in backends("audits").await {
        let s = start(&db, |_| {}).await;
        let lead = s.token("lead").await;
        let other = s.token("lead").await;
        let admin = s.token("admin").await;
        let r = s.req(Method::POST, "/v1/audits?name=turns.csv", Some(&lead)).header("content-type", "text/csv").body(export()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let v: Value = r.json().await.unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        let done = wait_done(&s, &id, &lead).await;
        assert_eq!(done["summary"]["totals"]["conversations"], 20);
        assert_eq!(done["summary"]["inputs"][0]["file"], "turns.csv", "named as uploaded, not by the server's path");
        assert_eq!(done["file_name"], "turns.csv");
        assert_eq!(done["progress"]["conversations"], 20);
        let r = s.req(Method::GET, &format!("/v1/audits/{id}/report"), Some(&lead)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(r.text().await.unwrap().contains("id=\"worst-examples\""));
        // Someone else's audit is not found; an admin sees it.
        let (status, code, _) = error_of(s.req(Method::GET, &format!("/v1/audits/{id}"), Some(&other)).send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
        let (status, _) = s.json(Method::GET, &format!("/v1/audits/{id}"), Some(&admin), Value::Null).await;
        assert_eq!(status, StatusCode::OK);
        let (_, mine) = s.json(Method::GET, "/v1/audits", Some(&lead), Value::Null).await;
        let (_, theirs) = s.json(Method::GET, "/v1/audits", Some(&other), Value::Null).await;
        assert_eq!(mine["audits"].as_array().unwrap().len(), 1);
        assert_eq!(theirs["audits"].as_array().unwrap().len(), 0);
        assert!(mine["audits"][0].get("summary").is_none(), "the list is light");
        // The export is not kept once audited.
        let input = s.data.join("audits").join(&id).join("input.csv");
        for _ in 0..100 {
            if !input.exists() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(!input.exists());
    }
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_and_leaves_nothing_behind() {
    let db = backends("upload-limit").await.remove(0);
    let s = start(&db, |c| c.max_upload = 4096).await;
    let lead = s.token("lead").await;
    // Streamed without a length, so the limit is enforced while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..10).map(|_| Ok(vec![b'a'; 1000])).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let (status, code, _) = error_of(s.req(Method::POST, "/v1/audits", Some(&lead)).body(body).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_large"));
    let (status, code, _) = error_of(s.req(Method::POST, "/v1/audits", Some(&lead)).body(vec![b'a'; 5000]).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_large"));
    let (_, v) = s.json(Method::GET, "/v1/audits", Some(&lead), Value::Null).await;
    assert_eq!(v["audits"].as_array().unwrap().len(), 0);
    let left: Vec<_> = std::fs::read_dir(s.data.join("audits")).map(|d| d.collect()).unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn admins_manage_tokens_and_a_revoked_token_stops_working() {
    for db in backends("tokens").await {
        let s = start(&db, |_| {}).await;
        let admin = s.token("admin").await;
        let (status, v) = s.json(Method::POST, "/v1/tokens", Some(&admin), json!({"role": "agent", "name": "Ana"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let token = v["token"].as_str().unwrap().to_string();
        let id = v["id"].as_str().unwrap().to_string();
        let (status, _) = s.json(Method::POST, "/v1/check", Some(&token), json!({"reply": "ok"})).await;
        assert_eq!(status, StatusCode::OK);
        let (_, list) = s.json(Method::GET, "/v1/tokens", Some(&admin), Value::Null).await;
        let text = list.to_string();
        assert!(text.contains(&id) && text.contains("Ana") && !text.contains(&token), "tokens are never listed: {text}");
        let r = s.req(Method::DELETE, &format!("/v1/tokens/{id}"), Some(&admin)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let (status, _) = s.json(Method::POST, "/v1/check", Some(&token), json!({"reply": "ok"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn open_mode_needs_no_token_but_checks_one_that_is_sent() {
    let db = backends("open").await.remove(0);
    let s = start(&db, |c| c.open = true).await;
    let (status, v) = s.json(Method::POST, "/v1/check", None, json!({"reply": "ok"})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, v) = s.json(Method::GET, "/v1/session", None, Value::Null).await;
    assert_eq!(v, json!({"open": true, "role": "admin"}));
    let (status, _) = s.json(Method::POST, "/v1/check", Some("ek_wrong"), json!({"reply": "ok"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn health_and_metrics_report_what_happened() {
    let db = backends("metrics").await.remove(0);
    let s = start(&db, |_| {}).await;
    let agent = s.token("agent").await;
    let (status, v) = s.json(Method::GET, "/healthz", None, Value::Null).await;
    assert_eq!((status, v), (StatusCode::OK, json!({"status": "ok", "database": "ok"})));
    for _ in 0..3 {
        s.json(Method::POST, "/v1/check", Some(&agent), json!({"reply": "ok"})).await;
    }
    s.json(Method::POST, "/v1/check", None, json!({"reply": "ok"})).await;
    let r = s.req(Method::GET, "/metrics", None).send().await.unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = r.text().await.unwrap();
    assert!(text.contains(r#"evenkeel_http_requests_total{method="POST",route="/v1/check",status="200"} 3"#), "{text}");
    assert!(text.contains(r#"evenkeel_http_requests_total{method="POST",route="/v1/check",status="401"} 1"#));
    assert!(text.contains("evenkeel_analyzer_duration_seconds_count 3"));
    assert!(text.contains("evenkeel_http_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn the_pages_and_their_assets_are_served_by_the_binary() {
    let db = backends("pages").await.remove(0);
    let s = start(&db, |_| {}).await;
    for (path, kind) in [("/", "text/html"), ("/audits", "text/html"), ("/assets/live.js", "text/javascript"), ("/assets/style.css", "text/css"), ("/assets/audits.js", "text/javascript")] {
        let r = s.req(Method::GET, path, None).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with(kind), "{path}");
        assert!(r.headers().contains_key("content-security-policy"), "{path}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("http://") && !body.contains("https://") || path.ends_with(".js"), "{path} refers to another origin");
    }
    let r = s.req(Method::GET, "/assets/..%2Fsrc%2Flib.rs", None).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_a_json_503() {
    let db = backends("timeout").await.remove(0);
    let s = start(&db, |c| c.timeout = Duration::from_millis(1)).await;
    let agent = s.token("agent").await;
    let items: Vec<Value> = (0..1000).map(|i| json!({"reply": format!("This is so irresponsible of my team, I am so sorry, number {i}. This is not acceptable.")})).collect();
    let (status, code, message) = error_of(s.req(Method::POST, "/v1/check/batch", Some(&agent)).json(&json!({"items": items})).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::SERVICE_UNAVAILABLE, "timeout"), "{message}");
}

#[tokio::test]
async fn rewrite_turns_the_articles_reply_empathetic() {
    let db = backends("rewrite").await.remove(0);
    let s = start(&db, |_| {}).await;
    let agent = s.token("agent").await;
    let reply = "Wow! This is so irresponsible of my team. I apologize for their inconsistency. This is not acceptable. Your refund of £40 went out on 3 May.";
    let (status, v) = s.json(Method::POST, "/v1/rewrite", Some(&agent), json!({"reply": reply, "customer": "Three weeks and no refund!"})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!((v["stance_before"].as_str(), v["stance_after"].as_str()), (Some("sympathetic"), Some("empathetic")), "{v}");
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("£40") && text.contains("3 May") && !text.contains("irresponsible"), "{text}");
    let (status, code, _) = error_of(s.req(Method::POST, "/v1/rewrite", Some(&agent)).json(&json!({"reply": "  "})).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
}

#[tokio::test]
async fn a_trainee_practises_and_quizzes_and_progress_is_theirs_alone() {
    for db in backends("coach").await {
        let s = start(&db, |_| {}).await;
        let ana = s.token("agent").await;
        let bo = s.token("agent").await;
        let (status, next) = s.json(Method::GET, "/v1/coach/next", Some(&ana), Value::Null).await;
        assert_eq!(status, StatusCode::OK, "{next}");
        assert!(next.get("model_reply").is_none() && next["customer"].as_array().is_some_and(|c| !c.is_empty()), "{next}");
        let id = next["id"].as_str().unwrap().to_string();
        let (status, v) = s.json(Method::POST, "/v1/coach/attempts", Some(&ana), json!({"scenario": id, "reply": "I promise this will never happen again, our team is useless."})).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["score"]["analysis"]["stance"], "sympathetic");
        assert!(v["score"]["criteria"].as_array().unwrap().iter().any(|c| c["name"] == "avoid_pitfalls" && c["met"] == false), "{v}");
        assert!(!v["model_reply"].as_str().unwrap().is_empty() && !v["pitfalls"].as_array().unwrap().is_empty());
        let (_, quiz) = s.json(Method::GET, "/v1/coach/quiz?n=3&seed=5", Some(&ana), Value::Null).await;
        let items = quiz["items"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert!(items[0].get("stance").is_none(), "answers are not given away: {}", items[0]);
        let (status, a) = s.json(Method::POST, "/v1/coach/quiz", Some(&ana), json!({"item": items[0]["id"], "answer": "neutral"})).await;
        assert_eq!(status, StatusCode::OK, "{a}");
        assert!(a["correct"].is_boolean() && a["truth"].is_string() && a["analysis"]["stance"].is_string(), "{a}");
        let (_, p) = s.json(Method::GET, "/v1/coach/progress", Some(&ana), Value::Null).await;
        assert_eq!((p["attempts"].as_u64(), p["quiz_answers"].as_u64()), (Some(1), Some(1)), "{p}");
        assert_eq!(p["slips"][0][0], "blames_own_side", "{p}");
        let (_, other) = s.json(Method::GET, "/v1/coach/progress", Some(&bo), Value::Null).await;
        assert_eq!((other["attempts"].as_u64(), other["quiz_answers"].as_u64()), (Some(0), Some(0)), "{other}");
        // The next scene for Ana is not the one she just did.
        let (_, again) = s.json(Method::GET, "/v1/coach/next", Some(&ana), Value::Null).await;
        assert_ne!(again["id"], next["id"]);
        let (status, code, _) = error_of(s.req(Method::POST, "/v1/coach/attempts", Some(&ana)).json(&json!({"scenario": "nope", "reply": "hi"})).send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
        let (status, _) = s.json(Method::POST, "/v1/coach/quiz", Some(&ana), json!({"item": items[0]["id"], "answer": "warm"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
