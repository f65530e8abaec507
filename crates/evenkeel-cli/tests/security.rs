//! Security promises of SECURITY.md that need the whole program: HTML and script planted in an
//! export (replies, customer messages, agent, team, conversation and file names) never run in
//! report.html, on the live check, on the trainer or on the audits page, in a real headless
//! Chromium; and spreadsheet formulas planted as agent and team names are neutralised in
//! agents.csv.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_evenkeel");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evenkeel-security-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn evenkeel(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).env("NO_COLOR", "1").stdin(Stdio::null()).output().expect("the evenkeel binary starts")
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "stderr: {}\nstdout: {}", String::from_utf8_lossy(&o.stderr), String::from_utf8_lossy(&o.stdout));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// One CSV field, quoted.
fn field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The fields of a CSV document (RFC 4180: quotes, doubled quotes, newlines in quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

#[test]
fn spreadsheet_formulas_in_agent_and_team_names_are_neutralised_in_agents_csv() {
    let dir = workdir("formulas");
    let formulas = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+2", "-2+3", "@SUM(A1:A9)", "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"];
    let mut csv = String::from("conversation,author,agent,team,time,text\n");
    for (i, f) in formulas.iter().enumerate() {
        csv.push_str(&format!("c{i},customer,,,2026-01-05T10:0{i}:00Z,This is ridiculous!\n"));
        csv.push_str(&format!("c{i},agent,{},{},2026-01-05T10:0{i}:30Z,I can understand why that is frustrating.\n", field(f), field(&format!("{f} team"))));
    }
    std::fs::write(dir.join("formulas.csv"), csv).unwrap();
    ok(&evenkeel(&dir, &["audit", "formulas.csv", "--out", "out", "--engine", "rules"]));
    let rows = parse_csv(&std::fs::read_to_string(dir.join("out/agents.csv")).unwrap());
    // The reader trims names, so the tab and carriage-return ones join `=1+1`.
    assert_eq!(rows.len(), formulas.len(), "{rows:?}");
    let mut neutralised = 0;
    for row in &rows[1..] {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a cell a spreadsheet would run: {cell:?}");
        }
        for cell in &row[..2] {
            assert!(cell.starts_with('\''), "{cell:?} kept its text behind a '");
            assert!(formulas.iter().any(|f| cell[1..].starts_with(f.trim())), "{cell:?}");
            neutralised += 1;
        }
    }
    eprintln!("agents.csv: {neutralised} formula cells neutralised");
}

/// The payloads of tests/browser/check-xss.mjs (the same list).
const PAYLOADS: [&str; 8] = [
    r#"<script>window.__xss.push('script')</script>"#,
    r#"<img src=x onerror="window.__xss.push('img')">"#,
    r#"<a href="javascript:window.__xss.push('href')">click me</a>"#,
    r#""><svg onload="window.__xss.push('svg')">"#,
    r#"</textarea><script>alert('textarea')</script>"#,
    r#"<iframe srcdoc="<script>parent.__xss.push('srcdoc')</script>"></iframe>"#,
    r#"'><details open ontoggle="window.__xss.push('details')">"#,
    r#"javascript:alert('link')"#,
];

/// An export whose every name and message carries the payloads.
fn hostile_export() -> String {
    let mut csv = String::from("conversation,author,agent,team,time,text\n");
    for (i, p) in PAYLOADS.iter().enumerate() {
        let conv = field(&format!("{p} #{i}"));
        csv.push_str(&format!("{conv},customer,,,2026-01-0{}T10:00:00Z,{}\n", i % 9 + 1, field(&format!("I'm furious! {p} Three weeks and no refund."))));
        csv.push_str(&format!(
            "{conv},agent,{},{},2026-01-0{}T10:05:00Z,{}\n",
            field(p),
            field(&format!("Team {p}")),
            i % 9 + 1,
            field(&format!("Wow, this is so irresponsible of my team {p}. This is not acceptable. {p}"))
        ));
    }
    csv
}

struct Served(Child, String);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path) -> Served {
    let mut child = Command::new(BIN)
        .args(["--engine", "rules", "serve", "--addr", "127.0.0.1:0", "--db", "evenkeel.db", "--data-dir", "data"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("the server says where it listens").unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            let base = rest.split_whitespace().next().unwrap().to_string();
            std::thread::spawn(move || for _ in lines {});
            return Served(child, base);
        }
    }
}

/// A whole request with curl-free std: (status, body).
fn post(base: &str, path: &str, token: &str, body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    (raw.split(' ').nth(1).unwrap().parse().unwrap(), raw.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default())
}

fn percent_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[test]
fn html_and_script_in_exports_and_replies_never_run_in_the_report_or_the_pages() {
    const TEST: &str = "html_and_script_in_exports_and_replies_never_run_in_the_report_or_the_pages";
    let checker = repo().join("tests/browser/check-xss.mjs");
    let ready = repo().join("tests/browser/node_modules/playwright-core").is_dir() && Path::new(&std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into())).exists();
    if !ready {
        assert!(std::env::var_os("CI").is_none(), "{TEST}: CI must run the browser check: .ci/run calls scripts/ensure-browser.sh first");
        eprintln!("SKIPPED {TEST}: run scripts/ensure-browser.sh to install chromium and playwright-core");
        return;
    }
    let checker_src = std::fs::read_to_string(&checker).unwrap();
    for p in PAYLOADS {
        assert!(checker_src.contains(&format!("`{p}`")), "check-xss.mjs has the same payloads: {p}");
    }
    let dir = workdir("xss");
    let export = hostile_export();
    std::fs::write(dir.join("hostile.csv"), &export).unwrap();
    ok(&evenkeel(&dir, &["audit", "hostile.csv", "--out", "out", "--engine", "rules"]));
    let report = std::fs::read_to_string(dir.join("out/report.html")).unwrap();
    assert!(!report.contains("<script") && !report.contains("onerror=\"") && !report.contains("<svg onload"), "the report escapes what it shows");

    let lead = ok(&evenkeel(&dir, &["token", "create", "--role", "lead", "--db", "evenkeel.db"])).lines().last().unwrap().to_string();
    let server = serve(&dir);
    // The same export uploaded under hostile file names, for the audits page.
    for p in &PAYLOADS[..3] {
        let (status, body) = post(&server.1, &format!("/v1/audits?format=csv&name={}", percent_encode(&format!("{p}.csv"))), &lead, export.as_bytes());
        assert_eq!(status, 202, "{body}");
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let artifacts = repo().join("target/test-artifacts/xss");
    std::fs::create_dir_all(&artifacts).unwrap();
    let o = Command::new("node").arg(&checker).arg(&server.1).arg(&lead).arg(dir.join("out/report.html")).arg(&artifacts).output().expect("node runs");
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{out}");
    let summary: serde_json::Value = serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().last().unwrap()).unwrap();
    eprintln!("xss: {} payloads, {} placements tried in report.html, /, /trainer and /audits; none ran", summary["payloads"], summary["tried"]);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
