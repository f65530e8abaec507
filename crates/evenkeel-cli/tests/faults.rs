//! Faults an operator meets, on real processes: an audit killed with SIGKILL at random points
//! and resumed; an output folder that fills up or turns read-only in the middle of an audit;
//! PostgreSQL unreachable when the server starts, or restarted under a running server; a client
//! that hangs up in the middle of an upload.
//!
//! The disk faults need a mount namespace of their own (`unshare -rm`, util-linux) for a small
//! tmpfs and a read-only bind mount; the database faults need PostgreSQL's server binaries
//! (`scripts/ensure-postgres.sh` installs them) and start a throwaway cluster of their own on a
//! free loopback port, never the shared one. Without those tools the tests say SKIPPED, and
//! under CI they fail instead.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_evenkeel");
const OUTPUTS: [&str; 4] = ["results.jsonl", "summary.json", "agents.csv", "report.html"];
const CHECKPOINT: &str = ".evenkeel-audit.checkpoint.json";

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evenkeel-faults-{}-{name}", std::process::id()));
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

/// A tool the test needs is missing: skipped with a notice, or a failure under CI.
fn missing(test: &str, what: &str) {
    assert!(std::env::var_os("CI").is_none(), "{test}: CI must run this test, but {what}");
    eprintln!("SKIPPED {test}: {what}");
}

fn read_outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    OUTPUTS.iter().map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}/{f}: {e}", dir.display())))).collect()
}

fn assert_same_outputs(reference: &[(String, Vec<u8>)], dir: &Path, what: &str) {
    for ((name, want), (_, got)) in reference.iter().zip(read_outputs(dir)) {
        assert!(*want == got, "{what}: {name} differs from the uninterrupted run's ({} vs {} bytes)", want.len(), got.len());
    }
    assert!(!dir.join(CHECKPOINT).exists(), "{what}: the checkpoint is removed once the audit completes");
}

/// A small generator for the kill points: a seed from `EVENKEEL_FAULT_SEED` or the clock,
/// printed so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("EVENKEEL_FAULT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
        });
        eprintln!("kill points from EVENKEEL_FAULT_SEED={seed}");
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Runs to kill: at least this many, each at a random moment of the audit.
const KILLS: usize = 20;

#[test]
fn an_audit_killed_at_random_points_resumes_to_byte_identical_outputs() {
    let dir = workdir("kill9");
    // Small, in many batches: each run is mostly start-up and checkpoints, so twenty kills and
    // resumes stay well under a minute or two even on two cores.
    ok(&evenkeel(&dir, &["demo-data", "--out", "demo.csv", "--conversations", "80", "--seed", "21"]));
    let base = ["audit", "demo.csv", "--engine", "rules", "--batch", "2", "--quiet"];
    let started = Instant::now();
    ok(&evenkeel(&dir, &[&base[..], &["--out", "whole"]].concat()));
    let whole_ms = started.elapsed().as_millis() as u64;
    let reference = read_outputs(&dir.join("whole"));
    let mut rng = Rng::new();
    let (mut killed, mut after_checkpoint, mut attempts) = (0usize, 0usize, 0usize);
    let mut points = Vec::new();
    while killed < KILLS {
        attempts += 1;
        assert!(attempts <= KILLS * 3, "only {killed} of {attempts} audits could be killed before they finished");
        let out = format!("run{attempts}");
        let mut child = Command::new(BIN)
            .args([&base[..], &["--out", &out]].concat())
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Every other run anywhere from the start (engine loading, inputs checked) to near the
        // end; the others at a random moment after the first checkpoint, in the thick of it.
        let t0 = Instant::now();
        if killed % 2 == 1 {
            while !dir.join(&out).join(CHECKPOINT).exists() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(Duration::from_millis(rng.below(whole_ms / 3)));
        } else {
            std::thread::sleep(Duration::from_millis(rng.below(whole_ms * 9 / 10)));
        }
        let at = t0.elapsed().as_millis() as u64;
        if child.try_wait().unwrap().is_some() {
            continue; // finished first: not a kill, try another point
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        killed += 1;
        points.push(at);
        let had_checkpoint = dir.join(&out).join(CHECKPOINT).exists();
        after_checkpoint += had_checkpoint as usize;
        let o = evenkeel(&dir, &[&base[..], &["--out", &out, "--resume"]].concat());
        let err = String::from_utf8_lossy(&o.stderr);
        if o.status.code() == Some(2) && err.contains("already completed") {
            // Killed after the last file was written and the checkpoint removed: whole already.
            assert!(!had_checkpoint, "{err}");
        } else {
            assert_eq!(o.status.code(), Some(0), "resume after a kill at {at} ms: {err}");
        }
        assert_same_outputs(&reference, &dir.join(&out), &format!("killed at {at} ms (checkpoint: {had_checkpoint})"));
    }
    eprintln!(
        "kill-and-resume: {killed} runs killed with SIGKILL at {points:?} ms of a {whole_ms} ms audit ({after_checkpoint} after a checkpoint), each resumed to byte-identical outputs"
    );
    assert!(after_checkpoint >= KILLS / 2, "too few kills landed mid-audit ({after_checkpoint} of {killed}); the input is too small for this machine");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The disk faults, run inside a private mount namespace: `$T` is a tmpfs of `SIZE` KiB.
/// 1. `full`: the audit runs out of room part way through results.jsonl; the tmpfs is then
///    enlarged and the audit resumed.
/// 2. `ro`: once the audit has written a checkpoint, its output folder is bind-mounted over
///    itself read-only (the open results.jsonl stays writable, as a file already open would);
///    the read-only mount is then lifted and the audit resumed.
/// The state after each fault and after each resume is copied out for the test to read.
const DISK_FAULTS: &str = r#"
set -u
BIN=$1; INPUT=$2; W=$3; SIZE=$4
cd "$W" || exit 89
T=$W/mnt
mkdir -p "$T"
mount -t tmpfs -o size=${SIZE}k tmpfs "$T" || { echo "cannot mount a tmpfs" >&2; exit 90; }
A=(audit "$INPUT" --engine rules --batch 8 --quiet)

"$BIN" "${A[@]}" --out "$T/full" 2>"$W/full.err"; echo $? >"$W/full.rc"
cp -a "$T/full" "$W/full-after"
mount -o remount,size=262144k "$T" || exit 91
"$BIN" "${A[@]}" --out "$T/full" --resume 2>"$W/full-resume.err"; echo $? >"$W/full-resume.rc"
cp -a "$T/full" "$W/full-resumed"

"$BIN" "${A[@]}" --out "$T/ro" 2>"$W/ro.err" &
pid=$!
for _ in $(seq 1 6000); do [ -e "$T/ro/.evenkeel-audit.checkpoint.json" ] && break; sleep 0.005; done
mount --bind "$T/ro" "$T/ro" && mount -o remount,bind,ro "$T/ro"; echo $? >"$W/ro.mount"
wait $pid; echo $? >"$W/ro.rc"
cp -a "$T/ro" "$W/ro-after"
umount "$T/ro" || exit 92
"$BIN" "${A[@]}" --out "$T/ro" --resume 2>"$W/ro-resume.err"; echo $? >"$W/ro-resume.rc"
cp -a "$T/ro" "$W/ro-resumed"
umount "$T"
exit 0
"#;

fn unshare_works() -> bool {
    Command::new("unshare").args(["-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt && umount /mnt"]).stdin(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).trim().to_string()
}

/// What a fault leaves behind is a resumable state, never a corrupt output: no summary,
/// scorecards or report (they are only written whole, at the end), a checkpoint that parses, and
/// no half-written temporary file.
fn assert_resumable(after: &Path, what: &str) {
    for f in ["summary.json", "agents.csv", "report.html"] {
        assert!(!after.join(f).exists(), "{what}: {f} was written although the audit failed");
    }
    if let Ok(bytes) = std::fs::read(after.join(CHECKPOINT)) {
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{what}: the checkpoint is not whole JSON: {e}"));
        assert!(v["results_bytes"].as_u64().is_some(), "{what}: {v}");
        let results = std::fs::metadata(after.join("results.jsonl")).map(|m| m.len()).unwrap_or(0);
        assert!(results >= v["results_bytes"].as_u64().unwrap(), "{what}: results.jsonl is shorter than its checkpoint");
    }
    let leftovers: Vec<String> = std::fs::read_dir(after).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "{what}: temporary files left behind: {leftovers:?}");
}

#[test]
fn a_full_or_read_only_output_folder_fails_clearly_and_resumes_to_the_same_outputs() {
    const TEST: &str = "a_full_or_read_only_output_folder_fails_clearly_and_resumes_to_the_same_outputs";
    if !unshare_works() {
        return missing(TEST, "`unshare -rm` cannot mount a tmpfs here (util-linux, user namespaces)");
    }
    let dir = workdir("disk");
    ok(&evenkeel(&dir, &["demo-data", "--out", "demo.csv", "--conversations", "400", "--seed", "22"]));
    ok(&evenkeel(&dir, &["audit", "demo.csv", "--engine", "rules", "--batch", "8", "--quiet", "--out", "whole"]));
    let reference = read_outputs(&dir.join("whole"));
    // Room for about a third of results.jsonl.
    let size_kb = (reference[0].1.len() / 3 / 1024).max(64);
    let o = Command::new("unshare")
        .args(["-rm", "bash", "-c", DISK_FAULTS, "bash", BIN, "demo.csv", dir.to_str().unwrap(), &size_kb.to_string()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "the fault script: {}", String::from_utf8_lossy(&o.stderr));

    // Full: status 2, the file and the reason named, a hint to resume.
    let err = text(&dir.join("full.err"));
    assert_eq!(text(&dir.join("full.rc")), "2", "a full disk is an error: {err}");
    assert!(err.contains("No space left on device") && err.contains("full/") && err.contains("--resume"), "a clear message: {err}");
    assert!(err.lines().count() <= 2, "one clear message, not a trace: {err}");
    assert_resumable(&dir.join("full-after"), "disk full");
    assert_eq!(text(&dir.join("full-resume.rc")), "0", "{}", text(&dir.join("full-resume.err")));
    assert_same_outputs(&reference, &dir.join("full-resumed"), "resumed after the disk filled up");

    // Read-only: the same.
    assert_eq!(text(&dir.join("ro.mount")), "0", "the read-only bind mount");
    let err = text(&dir.join("ro.err"));
    assert_eq!(text(&dir.join("ro.rc")), "2", "a read-only folder is an error: {err}");
    assert!(err.contains("Read-only file system") && err.contains("ro/") && err.contains("--resume"), "a clear message: {err}");
    assert_resumable(&dir.join("ro-after"), "read-only folder");
    assert!(dir.join("ro-after").join(CHECKPOINT).exists(), "the checkpoint written before the fault is kept");
    assert_eq!(text(&dir.join("ro-resume.rc")), "0", "{}", text(&dir.join("ro-resume.err")));
    assert_same_outputs(&reference, &dir.join("ro-resumed"), "resumed after the folder was read-only");
    eprintln!("disk faults: a {size_kb} KiB tmpfs filled up mid-audit, and a folder turned read-only mid-audit; both failed with status 2 and resumed to identical outputs");
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------------------ servers

/// A server process, killed when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, db: &str, extra: &[&str]) -> Served {
    let mut child = Command::new(BIN)
        .args(["--engine", "rules", "serve", "--addr", "127.0.0.1:0", "--db", db, "--data-dir", "data"])
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    loop {
        let Some(Ok(line)) = lines.next() else { panic!("the server ended before it listened: {seen}") };
        seen.push_str(&line);
        seen.push('\n');
        if let Some(rest) = line.split("listening on ").nth(1) {
            let base = rest.split_whitespace().next().unwrap().to_string();
            std::thread::spawn(move || for _ in lines {});
            return Served { child, base };
        }
    }
}

fn token(dir: &Path, db: &str, role: &str) -> String {
    let o = evenkeel(dir, &["token", "create", "--role", role, "--db", db]);
    ok(&o).lines().last().unwrap().to_string()
}

/// A minimal HTTP/1.1 client over a fresh connection: (status, body).
fn http(base: &str, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("not HTTP: {raw:?}"));
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    // Chunked bodies: the JSON is what lies between the first `{` and the last `}`.
    let body = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) if raw.to_ascii_lowercase().contains("transfer-encoding: chunked") => body[a..=b].to_string(),
        _ => body,
    };
    (status, body)
}

fn error_code(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("the error is not JSON ({e}): {body}"));
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    v["error"]["code"].as_str().unwrap_or_else(|| panic!("no error.code: {v}")).to_string()
}

/// A throwaway PostgreSQL cluster of this test's own, on a free loopback port, stopped (and
/// its files removed) when dropped. Run as the `postgres` user (or `nobody`) when the test runs
/// as root, since PostgreSQL refuses to run as root.
struct Pg {
    bindir: PathBuf,
    root: PathBuf,
    port: u16,
    run_as: Vec<String>,
}

impl Pg {
    fn bindir() -> Option<PathBuf> {
        if let Some(d) = std::env::var_os("EVENKEEL_PG_BINDIR") {
            return Some(PathBuf::from(d));
        }
        let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql").ok()?.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|p| p.join("pg_ctl").is_file()).collect();
        dirs.sort_by_key(|p| p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0));
        dirs.pop()
    }

    fn new(name: &str) -> Option<Pg> {
        let bindir = Pg::bindir()?;
        let root = std::env::temp_dir().join(format!("evenkeel-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let mut run_as = Vec::new();
        if Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0") {
            let user = if Command::new("id").arg("postgres").output().is_ok_and(|o| o.status.success()) { "postgres" } else { "nobody" };
            assert!(Command::new("chown").arg(user).arg(&root).status().unwrap().success());
            run_as = vec!["runuser".into(), "-u".into(), user.into(), "--".into()];
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let pg = Pg { bindir, root, port, run_as };
        let o = pg.command("initdb").arg("-D").arg(pg.root.join("data")).args(["--auth=trust", "--username=postgres", "-E", "UTF8", "--locale=C", "--no-sync"]).output().unwrap();
        assert!(o.status.success(), "initdb: {}", String::from_utf8_lossy(&o.stderr));
        Some(pg)
    }

    fn command(&self, tool: &str) -> Command {
        let bin = self.bindir.join(tool);
        let mut c = match self.run_as.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        c.current_dir("/").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        c
    }

    fn url(&self) -> String {
        format!("postgres://postgres:not-a-secret@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let opts = format!("-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off", self.port);
        let o = self.command("pg_ctl").arg("-D").arg(self.root.join("data")).arg("-l").arg(self.root.join("log")).args(["-w", "-t", "60", "-o", &opts, "start"]).output().unwrap();
        assert!(o.status.success(), "pg_ctl start: {} {}", String::from_utf8_lossy(&o.stderr), std::fs::read_to_string(self.root.join("log")).unwrap_or_default());
    }

    fn stop(&self) {
        let _ = self.command("pg_ctl").arg("-D").arg(self.root.join("data")).args(["-m", "fast", "-w", "-t", "60", "stop"]).output();
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn postgres_unreachable_at_start_exits_2_and_an_outage_gives_503s_then_recovers() {
    const TEST: &str = "postgres_unreachable_at_start_exits_2_and_an_outage_gives_503s_then_recovers";
    let Some(pg) = Pg::new("outage") else {
        return missing(TEST, "no PostgreSQL server binaries under /usr/lib/postgresql (scripts/ensure-postgres.sh installs them)");
    };
    let dir = workdir("pg");
    let url = pg.url();
    let shown = url.replace("not-a-secret", "***");

    // Not running: `serve` names the database (without its password) and exits 2.
    let started = Instant::now();
    let o = evenkeel(&dir, &["--engine", "rules", "serve", "--addr", "127.0.0.1:0", "--db", &url]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("cannot open the database {shown}")), "{err}");
    assert!(!err.contains("not-a-secret"), "the password is never printed: {err}");
    assert!(started.elapsed() < Duration::from_secs(20), "it gave up in {:?}", started.elapsed());

    pg.start();
    let lead = token(&dir, &url, "lead");
    let server = serve(&dir, &url, &["--timeout", "20"]);
    let pid = server.child.id();
    let (status, body) = http(&server.base, "GET", "/v1/audits", Some(&lead), b"");
    assert_eq!(status, 200, "{body}");
    assert_eq!(http(&server.base, "GET", "/healthz", None, b"").0, 200);

    // The outage: every route that needs the database answers 503 with the documented error,
    // in bounded time, and the server keeps running.
    pg.stop();
    let mut outage = Vec::new();
    for round in 0..2 {
        if round == 1 {
            // Past the verified-token cache: now even checking the token needs the database.
            std::thread::sleep(Duration::from_millis(5_200));
        }
        for (method, path, body) in [("GET", "/v1/audits", ""), ("GET", "/v1/coach/progress", ""), ("POST", "/v1/tokens", r#"{"role":"agent"}"#)] {
            let t = Instant::now();
            let (status, text) = http(&server.base, method, path, Some(&lead), body.as_bytes());
            if path == "/v1/tokens" && round == 0 {
                // A lead may not manage tokens: refused before the database is needed while the
                // token is still cached, or 503 if checking the token already needed it.
                assert!(status == 403 || status == 503, "{status} {text}");
                continue;
            }
            assert_eq!(status, 503, "{method} {path} during the outage: {text}");
            assert_eq!(error_code(&text), "unavailable", "{text}");
            assert!(t.elapsed() < Duration::from_secs(15), "{method} {path} took {:?}", t.elapsed());
            outage.push(status);
        }
        let (status, text) = http(&server.base, "GET", "/healthz", None, b"");
        assert_eq!(status, 503, "{text}");
    }
    assert!(server.child.id() == pid);

    // PostgreSQL is back: the same process recovers, without a restart.
    pg.start();
    let t = Instant::now();
    loop {
        let (status, body) = http(&server.base, "GET", "/v1/audits", Some(&lead), b"");
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        assert!(t.elapsed() < Duration::from_secs(30), "not recovered 30 s after PostgreSQL came back");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(http(&server.base, "GET", "/healthz", None, b"").0, 200);
    let (status, body) = http(&server.base, "GET", "/v1/coach/progress", Some(&lead), b"");
    assert_eq!(status, 200, "{body}");
    eprintln!("postgres outage: {} requests answered 503 during the outage; recovered {:?} after the restart", outage.len(), t.elapsed());
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_client_that_hangs_up_mid_upload_leaves_no_audit_behind() {
    let dir = workdir("hangup");
    let lead = token(&dir, "evenkeel.db", "lead");
    let server = serve(&dir, "evenkeel.db", &[]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let export = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/exports/turns.csv")).unwrap();
    let audits = dir.join("data/audits");
    for framing in ["content-length", "chunked"] {
        let mut s = TcpStream::connect(&addr).unwrap();
        let length = match framing {
            "chunked" => "Transfer-Encoding: chunked\r\n".to_string(),
            _ => format!("Content-Length: {}\r\n", export.len() * 100),
        };
        let head = format!("POST /v1/audits?name=turns.csv HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {lead}\r\nContent-Type: text/csv\r\n{length}\r\n");
        s.write_all(head.as_bytes()).unwrap();
        for _ in 0..20 {
            if framing == "chunked" {
                s.write_all(format!("{:x}\r\n", export.len()).as_bytes()).unwrap();
                s.write_all(&export).unwrap();
                s.write_all(b"\r\n").unwrap();
            } else {
                s.write_all(&export).unwrap();
            }
        }
        s.flush().unwrap();
        // The upload is on its way to disk...
        let t = Instant::now();
        while !std::fs::read_dir(&audits).map(|d| d.count() > 0).unwrap_or(false) {
            assert!(t.elapsed() < Duration::from_secs(10), "{framing}: the upload never reached the data folder");
            std::thread::sleep(Duration::from_millis(10));
        }
        // ... when the client goes away.
        drop(s);
        let t = Instant::now();
        loop {
            let left: Vec<_> = std::fs::read_dir(&audits).unwrap().map(|e| e.unwrap().path()).collect();
            if left.is_empty() {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(10), "{framing}: half an upload left behind: {left:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
        let (status, body) = http(&server.base, "GET", "/v1/audits", Some(&lead), b"");
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["audits"].as_array().unwrap().len(), 0, "{framing}: an audit is visible: {v}");
    }
    // The server is none the worse: a whole upload is accepted.
    let (status, body) = http(&server.base, "POST", "/v1/audits?name=turns.csv", Some(&lead), &export);
    assert_eq!(status, 202, "{body}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
