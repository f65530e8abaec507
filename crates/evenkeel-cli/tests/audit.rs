//! `evenkeel audit` and `evenkeel demo-data` end to end: real processes on real files in every
//! format the audit reads, awkward files, an audit killed midway and resumed, `--redact`, and
//! the report opened in a real headless Chromium.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_evenkeel");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evenkeel-audit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn evenkeel(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the evenkeel binary starts")
}

fn ok(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "stderr: {err}\nstdout: {}", String::from_utf8_lossy(&o.stdout));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn demo(dir: &Path, file: &str, args: &[&str]) -> PathBuf {
    let mut a = vec!["demo-data", "--out", file];
    a.extend_from_slice(args);
    ok(&evenkeel(dir, &a));
    dir.join(file)
}

#[test]
fn every_example_export_gives_the_same_audit() {
    // The four example files hold the same twenty conversations: whatever the format, the
    // audit must find the same turns and judge them the same way.
    let dir = workdir("examples");
    let mut seen: Vec<(String, Value, Value)> = Vec::new();
    for file in ["turns.csv", "turns.jsonl", "zendesk-tickets.jsonl", "intercom-conversations.jsonl"] {
        let input = repo().join("examples/exports").join(file);
        let out = dir.join(file.replace('.', "-"));
        let stdout = ok(&evenkeel(&dir, &["audit", input.to_str().unwrap(), "--out", out.to_str().unwrap()]));
        assert!(stdout.contains("audited 20 conversations"), "{file}: {stdout}");
        for f in ["results.jsonl", "summary.json", "agents.csv", "report.html"] {
            assert!(out.join(f).is_file(), "{file}: {f} missing");
        }
        assert!(!out.join(".evenkeel-audit.checkpoint.json").exists(), "the checkpoint goes when the audit completes");
        let summary = json(&out.join("summary.json"));
        let results = lines(&out.join("results.jsonl"));
        let t = &summary["totals"];
        assert_eq!(results.len() as u64, t["agent_turns"].as_u64().unwrap() + t["bot_turns"].as_u64().unwrap(), "{file}");
        assert_eq!(t["malformed_records"], 0, "{file}: {}", summary["malformed"]);
        for r in &results {
            for key in ["conversation", "role", "time", "reply", "stance", "scores", "findings", "responsiveness", "engine"] {
                assert!(r.get(key).is_some(), "{file}: result without `{key}`: {r}");
            }
            for f in r["findings"].as_array().unwrap() {
                let reply = r["reply"].as_str().unwrap();
                let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
                assert_eq!(&reply[s..e], f["text"].as_str().unwrap(), "{file}: spans point into the reply");
            }
        }
        let agents_csv = std::fs::read_to_string(out.join("agents.csv")).unwrap();
        assert_eq!(agents_csv.lines().count() - 1, summary["agents"].as_array().unwrap().len());
        seen.push((file.to_string(), t.clone(), summary["humans"]["stances"].clone()));
    }
    for (file, totals, stances) in &seen[1..] {
        assert_eq!(totals, &seen[0].1, "{file} and turns.csv count differently");
        assert_eq!(stances, &seen[0].2, "{file} and turns.csv judge differently");
    }
}

#[test]
fn awkward_files_are_read_and_bad_records_listed_without_stopping() {
    let dir = workdir("awkward");
    // Embedded newlines and quotes, an unknown author, an empty body, a row with too few
    // fields, a row without a conversation id, and a last line cut off inside a quote.
    std::fs::write(
        dir.join("tickets.csv"),
        "ticket_id,role,assignee,body,created_at\n\
         T1,end-user,,\"I was charged twice,\nand nobody \"\"helps\"\". I'm furious!\",2026-03-02T09:00:00Z\n\
         T1,agent,Ana,\"I can understand why that makes you angry. Could you tell me what happened when you tried to pay?\",2026-03-02T09:05:00Z\n\
         T1,supervisor,Kim,escalating,2026-03-02T09:06:00Z\n\
         T1,agent,Ana,,2026-03-02T09:07:00Z\n\
         T2,agent,Bo\n\
         ,agent,Bo,no conversation id,2026-03-02T10:00:00Z\n\
         T3,end-user,,where is my parcel,2026-03-03T10:00:00Z\n\
         T3,agent,Bo,\"It's in transit, please wait.\",2026-03-03T10:02:00Z\n\
         T4,agent,Bo,\"cut off mid",
    )
    .unwrap();
    let out = dir.join("out");
    let o = evenkeel(
        &dir,
        &["audit", "tickets.csv", "--out", "out", "--map", "conversation=ticket_id,author=role,agent=assignee,text=body,time=created_at"],
    );
    let stdout = ok(&o);
    assert!(stdout.contains("malformed records skipped"), "{stdout}");
    let s = json(&out.join("summary.json"));
    let listed: Vec<(u64, String)> = s["malformed"]["listed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["line"].as_u64().unwrap(), m["file"].as_str().unwrap().to_string()))
        .collect();
    // Line numbers are the file's own lines (the first record spans lines 2-3).
    assert!(listed.iter().any(|(l, _)| *l == 7), "the short row: {listed:?}");
    assert!(listed.iter().any(|(l, _)| *l == 8), "the row without an id: {listed:?}");
    assert!(listed.iter().all(|(_, f)| f == "tickets.csv"));
    assert_eq!(s["malformed"]["count"].as_u64().unwrap() as usize, listed.len());
    let t = &s["totals"];
    assert_eq!(t["conversations"], 2, "T1 and T3 were read: {t}");
    assert_eq!(t["agent_turns"], 2);
    assert_eq!(t["empty_turns"], 1);
    assert_eq!(t["unknown_author_turns"], 1);
    let results = lines(&out.join("results.jsonl"));
    assert_eq!(results[0]["responsiveness"]["acknowledged"], true, "{}", results[0]);
    assert_eq!(results[0]["source"]["line"], 4);

    // JSON Lines: a line that is not JSON and a truncated last line.
    std::fs::write(
        dir.join("chat.jsonl"),
        "{\"conversation\":\"c1\",\"author\":\"customer\",\"text\":\"hi, my order is late\"}\n\
         {this is not json}\n\
         {\"conversation\":\"c1\",\"author\":\"agent\",\"agent\":\"Ana\",\"text\":\"Thanks, I've checked: it arrives tomorrow.\"}\n\
         {\"conversation\":\"c2\",\"author\":\"agent\",\"agent\":\"Ana\",\"text\":\"Hel",
    )
    .unwrap();
    ok(&evenkeel(&dir, &["audit", "chat.jsonl", "--out", "out2"]));
    let s = json(&dir.join("out2/summary.json"));
    let m = s["malformed"]["listed"].as_array().unwrap();
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(m[0]["line"], 2);
    assert_eq!(m[1]["line"], 4);
    assert!(m[1]["reason"].as_str().unwrap().contains("cut short"), "{}", m[1]);
    assert_eq!(s["totals"]["agent_turns"], 1);
}

#[test]
fn unusable_inputs_are_refused_before_any_work_with_file_and_column() {
    let dir = workdir("refused");
    std::fs::write(dir.join("no-text.csv"), "conversation,author\n1,agent\n").unwrap();
    let o = evenkeel(&dir, &["audit", "no-text.csv", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no-text.csv") && err.contains("text"), "{err}");
    assert!(!dir.join("out/results.jsonl").exists());

    let o = evenkeel(&dir, &["audit", "no-text.csv", "missing.csv", "--out", "out", "--map", "text=author"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.csv"));

    let o = evenkeel(&dir, &["audit", "no-text.csv", "--out", "out", "--map", "txt=body"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("txt"));
}

#[test]
fn redact_leaves_no_personal_data_in_any_output() {
    let dir = workdir("redact");
    demo(&dir, "demo.csv", &["--conversations", "300", "--seed", "3"]);
    let input = std::fs::read_to_string(dir.join("demo.csv")).unwrap();
    let email = regex::Regex::new(r"[\w.+-]+@[\w-]+\.[\w.]+").unwrap();
    let card = regex::Regex::new(r"\b(4111 1111 1111 1111|5555 5555 5555 4444|4000 0566 5566 5556|3782 822463 10005)\b").unwrap();
    let phone = regex::Regex::new(r"07700 900\d{3}|\+1 555-01\d{2}").unwrap();
    let order = regex::Regex::new(r"(?i)order #?\d{4,}").unwrap();
    for (name, re) in [("email", &email), ("card", &card), ("phone", &phone), ("order", &order)] {
        assert!(re.is_match(&input), "the demo data should plant {name}s");
    }
    ok(&evenkeel(&dir, &["audit", "demo.csv", "--out", "out", "--redact"]));
    for f in ["results.jsonl", "summary.json", "agents.csv", "report.html"] {
        let text = std::fs::read_to_string(dir.join("out").join(f)).unwrap();
        for (name, re) in [("email", &email), ("card", &card), ("phone", &phone), ("order", &order)] {
            assert!(!re.is_match(&text), "{f} still holds a {name}: {:?}", re.find(&text).map(|m| m.as_str()));
        }
    }
    assert_eq!(json(&dir.join("out/summary.json"))["redacted"], true);
    let results = std::fs::read_to_string(dir.join("out/results.jsonl")).unwrap();
    assert!(results.contains("[email]") || results.contains("[card]") || results.contains("[phone]"));
}

/// Starts an audit and kills it (SIGKILL) once it has written a checkpoint.
fn audit_killed_midway(dir: &Path, args: &[&str], out: &Path) {
    let mut child = Command::new(BIN).args(args).current_dir(dir).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let checkpoint = out.join(".evenkeel-audit.checkpoint.json");
    let started = Instant::now();
    while !checkpoint.exists() {
        assert!(child.try_wait().unwrap().is_none(), "the audit finished before it could be interrupted; give it more input");
        assert!(started.elapsed() < Duration::from_secs(120), "no checkpoint after two minutes");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn an_audit_killed_midway_resumes_to_the_same_outputs() {
    let dir = workdir("resume");
    demo(&dir, "demo.csv", &["--conversations", "2500", "--seed", "9"]);
    let base = ["audit", "demo.csv", "--engine", "rules", "--batch", "100"];
    let whole = dir.join("whole");
    ok(&evenkeel(&dir, &[&base[..], &["--out", "whole"]].concat()));

    let part = dir.join("part");
    audit_killed_midway(&dir, &[&base[..], &["--out", "part"]].concat(), &part);
    // Without --resume the interrupted audit is not silently replaced.
    let o = evenkeel(&dir, &[&base[..], &["--out", "part"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume"));
    // Other options than the interrupted run's are refused.
    let o = evenkeel(&dir, &[&base[..], &["--out", "part", "--resume", "--redact"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = ok(&evenkeel(&dir, &[&base[..], &["--out", "part", "--resume"]].concat()));
    assert!(stdout.contains("resumed after"), "{stdout}");
    for f in ["results.jsonl", "summary.json", "agents.csv", "report.html"] {
        let a = std::fs::read(whole.join(f)).unwrap();
        let b = std::fs::read(part.join(f)).unwrap();
        assert!(a == b, "{f} differs after kill and resume ({} vs {} bytes)", a.len(), b.len());
    }
}

#[test]
fn demo_data_writes_every_format_at_the_size_asked() {
    let dir = workdir("demo");
    for (file, format) in [("a.csv", "csv"), ("b.jsonl", "jsonl"), ("c.jsonl", "zendesk"), ("d.jsonl", "intercom")] {
        let o = evenkeel(&dir, &["demo-data", "--turns", "400", "--out", file, "--format", format]);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(0), "{err}");
        let agent_turns: u64 = err.split(" agent turns").next().unwrap().rsplit(' ').next().unwrap().replace(',', "").parse().unwrap();
        assert!((400..412).contains(&agent_turns), "{format}: {err}");
        ok(&evenkeel(&dir, &["audit", file, "--out", &format!("out-{format}"), "--engine", "rules"]));
        let s = json(&dir.join(format!("out-{format}/summary.json")));
        assert_eq!(s["totals"]["agent_turns"], agent_turns, "{format}: the audit finds every turn written");
        assert_eq!(s["inputs"][0]["format"], format, "detected");
    }
}

#[test]
fn the_report_works_in_a_real_headless_browser() {
    let checker = repo().join("tests/browser/check-report.mjs");
    let ready = repo().join("tests/browser/node_modules/playwright-core").is_dir() && Path::new(&std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into())).exists();
    if !ready {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser check: .ci/run calls scripts/ensure-browser.sh first");
        eprintln!("SKIPPED the_report_works_in_a_real_headless_browser: run scripts/ensure-browser.sh to install chromium and playwright-core");
        return;
    }
    let dir = workdir("browser");
    demo(&dir, "demo.jsonl", &["--conversations", "600", "--format", "zendesk"]);
    ok(&evenkeel(&dir, &["audit", "demo.jsonl", "--out", "out", "--engine", "rules"]));
    let artifacts = repo().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("audit-report.png");
    let o = Command::new("node").arg(&checker).arg(dir.join("out/report.html")).arg(&shot).output().expect("node runs");
    assert_eq!(o.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "a screenshot was kept at {}", shot.display());
}
