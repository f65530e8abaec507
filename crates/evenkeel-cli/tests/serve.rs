//! `evenkeel serve` and `evenkeel token` as an operator runs them: real processes, a real
//! port, and the pages driven in a real headless Chromium.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_evenkeel");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evenkeel-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A server process, killed when dropped.
struct Served {
    child: Child,
    base: String,
    stderr_first: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `evenkeel serve` on a free port and waits for its "listening on" line.
fn serve(dir: &Path, extra: &[&str]) -> Served {
    let mut child = Command::new(BIN)
        .args(["--engine", "rules", "serve", "--addr", "127.0.0.1:0", "--db", "evenkeel.db"])
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    let started = Instant::now();
    loop {
        let line = lines.next().expect("the server says where it listens").unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if let Some(rest) = line.split("listening on ").nth(1) {
            let base = rest.split_whitespace().next().unwrap().to_string();
            // Keep draining stderr so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return Served { child, base, stderr_first: seen };
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no listening line: {seen}");
    }
}

fn token(dir: &Path, role: &str) -> String {
    let o = Command::new(BIN).args(["token", "create", "--role", role, "--name", "test", "--db", "evenkeel.db"]).current_dir(dir).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let last = stdout.lines().last().expect("the token is on the last line").to_string();
    assert!(last.starts_with("ek_") && last.len() > 40, "{stdout}");
    last
}

#[test]
fn token_create_prints_the_token_last_and_list_never_shows_it() {
    let dir = workdir("tokens");
    let t = token(&dir, "lead");
    let o = Command::new(BIN).args(["token", "list", "--db", "evenkeel.db"]).current_dir(&dir).output().unwrap();
    let list = String::from_utf8(o.stdout).unwrap();
    assert!(list.contains("lead") && !list.contains(&t), "{list}");
    let o = Command::new(BIN).args(["token", "create", "--role", "boss", "--db", "evenkeel.db"]).current_dir(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("boss"));
}

#[test]
fn open_mode_says_so_loudly_and_an_unreachable_database_exits_2() {
    let dir = workdir("open");
    let s = serve(&dir, &["--open"]);
    assert!(s.stderr_first.contains("WARNING") && s.stderr_first.contains("no access control"), "{}", s.stderr_first);
    drop(s);
    let o = Command::new(BIN)
        .args(["--engine", "rules", "serve", "--addr", "127.0.0.1:0", "--db", "postgres://nobody@127.0.0.1:1/none"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot open the database postgres://nobody@127.0.0.1:1/none"), "{err}");
}

#[test]
fn the_pages_work_in_a_real_headless_browser() {
    let checker = repo().join("tests/browser/check-live.mjs");
    let ready = repo().join("tests/browser/node_modules/playwright-core").is_dir() && Path::new(&std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into())).exists();
    if !ready {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser check: .ci/run calls scripts/ensure-browser.sh first");
        eprintln!("SKIPPED the_pages_work_in_a_real_headless_browser: run scripts/ensure-browser.sh to install chromium and playwright-core");
        return;
    }
    let dir = workdir("browser");
    let lead = token(&dir, "lead");
    let s = serve(&dir, &[]);
    let artifacts = repo().join("target/test-artifacts/live");
    std::fs::create_dir_all(&artifacts).unwrap();
    let export = repo().join("examples/exports/turns.csv");
    let o = Command::new("node").arg(&checker).arg(&s.base).arg(&lead).arg(&artifacts).arg(&export).output().expect("node runs");
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{out}");
    for shot in ["live-sympathetic.png", "live-empathetic.png", "audits.png"] {
        assert!(artifacts.join(shot).is_file(), "{shot} kept as an artifact: {out}");
    }
}

#[test]
fn the_trainer_and_the_rewrite_button_work_in_a_real_headless_browser() {
    let checker = repo().join("tests/browser/check-trainer.mjs");
    let ready = repo().join("tests/browser/node_modules/playwright-core").is_dir() && Path::new(&std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into())).exists();
    if !ready {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser check: .ci/run calls scripts/ensure-browser.sh first");
        eprintln!("SKIPPED the_trainer_and_the_rewrite_button_work_in_a_real_headless_browser: run scripts/ensure-browser.sh");
        return;
    }
    let dir = workdir("trainer");
    let agent = token(&dir, "agent");
    let s = serve(&dir, &[]);
    let artifacts = repo().join("target/test-artifacts/trainer");
    std::fs::create_dir_all(&artifacts).unwrap();
    let o = Command::new("node").arg(&checker).arg(&s.base).arg(&agent).arg(&artifacts).output().expect("node runs");
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{out}");
    for shot in ["trainer-practice.png", "trainer-quiz.png", "live-rewrite.png"] {
        assert!(artifacts.join(shot).is_file(), "{shot} kept as an artifact: {out}");
    }
}
