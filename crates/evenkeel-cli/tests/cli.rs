//! The `evenkeel` binary end to end: real processes, real files, real exit codes.
//! Each test runs in its own temporary directory so that no `evenkeel.toml` leaks in.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::io::Write;

const BIN: &str = env!("CARGO_BIN_EXE_evenkeel");

/// A fresh, empty working directory for one test.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evenkeel-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the evenkeel binary starts");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// `check --format json` on `reply`: the exit code and the parsed analysis.
fn check_json(dir: &Path, reply: &str) -> (i32, Value) {
    let o = run(dir, &["check", "--format", "json", "--text", reply], None);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    (code(&o), v)
}

/// The findings of cue `cue`, as the words they cover.
fn words_of(v: &Value, cue: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["cue"] == cue)
        .map(|f| f["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn article_example_blame_and_condemnation_is_sympathetic() {
    let dir = workdir("article1");
    let reply = "Wow! This is so irresponsible of my team. I apologize for their inconsistency. This is not acceptable.";
    let (code, v) = check_json(&dir, reply);
    assert_eq!(v["stance"], "sympathetic");
    assert_eq!(code, 1, "a sympathetic reply fails the check by default");
    let blame = words_of(&v, "blames_own_side");
    assert!(blame.iter().any(|w| w.contains("irresponsible of my team")), "{blame:?}");
    assert!(words_of(&v, "condemns").iter().any(|w| w == "This is not acceptable"), "{v}");
    // Every finding's offsets point at its own words, in bytes and in UTF-16.
    for f in v["findings"].as_array().unwrap() {
        let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
        assert_eq!(&reply[s..e], f["text"].as_str().unwrap());
        assert_eq!(f["utf16_start"], f["start"], "ASCII text: UTF-16 and byte offsets agree");
        assert!(f["message"].as_str().unwrap().len() > 20);
        assert!(f["side"].is_string() && f["severity"].is_string());
    }
}

#[test]
fn article_example_mirroring_is_sympathetic() {
    let dir = workdir("article2");
    let (code, v) = check_json(&dir, "I'm really angry about those centerpieces, too.");
    assert_eq!(v["stance"], "sympathetic");
    assert_eq!(code, 1);
    assert!(!words_of(&v, "mirrors_emotion").is_empty(), "{v}");
}

#[test]
fn article_example_acknowledgment_is_empathetic() {
    let dir = workdir("article3");
    let (code, v) = check_json(&dir, "I can understand why that makes you angry.");
    assert_eq!(v["stance"], "empathetic");
    assert_eq!(code, 0);
    let ack = words_of(&v, "acknowledges_emotion");
    assert!(ack.iter().any(|w| w.contains("understand why that makes you angry")), "{ack:?}");
    let scores = &v["scores"];
    assert!(scores["empathy"].as_f64().unwrap() > scores["sympathy"].as_f64().unwrap());
}

#[test]
fn article_example_exploring_question_is_empathetic() {
    let dir = workdir("article4");
    let reply = "Greetings! We are sad to know that your experience with your current subscription has not been great. May we ask for your feedback so we can get a better insight into your concerns?";
    let (code, v) = check_json(&dir, reply);
    assert_eq!(v["stance"], "empathetic", "{v}");
    assert_eq!(code, 0);
    let explores = words_of(&v, "explores");
    assert!(explores.iter().any(|w| w.contains("May we ask for your feedback")), "{explores:?}");
}

#[test]
fn text_format_underlines_the_words_and_gives_a_verdict() {
    let dir = workdir("textfmt");
    let o = run(&dir, &["check", "--text", "Calm down, that's our policy."], None);
    let out = stdout(&o);
    assert!(out.starts_with("stance: dismissive"), "{out}");
    assert!(out.contains("^^^"), "spans are underlined: {out}");
    assert!(!out.contains("\u{1b}["), "no colour when NO_COLOR is set and output is a pipe");
    assert_eq!(code(&o), 1);
}

#[test]
fn reply_from_a_file_from_stdin_and_with_the_customer_message() {
    let dir = workdir("sources");
    std::fs::write(dir.join("reply.txt"), "I can see why that would be frustrating. What happened when you tried to pay?").unwrap();
    std::fs::write(dir.join("customer.txt"), "I am furious, this is the third time your app charged me twice!").unwrap();
    let o = run(&dir, &["check", "reply.txt", "--customer-file", "customer.txt", "--format", "json"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["stance"], "empathetic");
    assert_eq!(v["customer_emotion"], "anger");

    let o = run(&dir, &["check", "-", "--format", "json"], Some("It's just a small delay, relax.".as_bytes()));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["stance"], "dismissive", "{v}");
    assert!(v.get("customer_emotion").is_none() || v["customer_emotion"].is_null());
}

#[test]
fn emoji_and_accents_get_utf16_offsets_a_browser_can_use() {
    let dir = workdir("utf16");
    let reply = "Zoë — I’m sorry 😞. I can see why that would be frustrating.";
    let (_, v) = check_json(&dir, reply);
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["cue"] == "acknowledges_emotion").expect("a finding");
    let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
    let (us, ue) = (f["utf16_start"].as_u64().unwrap() as usize, f["utf16_end"].as_u64().unwrap() as usize);
    let utf16: Vec<u16> = reply.encode_utf16().collect();
    assert_eq!(String::from_utf16(&utf16[us..ue]).unwrap(), reply[s..e]);
    assert!(s > us, "ë and 👋 take more bytes than UTF-16 units");
}

#[test]
fn invalid_utf8_is_an_error_naming_file_and_line() {
    let dir = workdir("badutf8");
    std::fs::write(dir.join("reply.txt"), b"Hello,\nI am so sorry \xff\xfe about that\n").unwrap();
    let o = run(&dir, &["check", "reply.txt"], None);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("reply.txt:2"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn empty_input_is_an_error_not_a_verdict() {
    let dir = workdir("empty");
    std::fs::write(dir.join("blank.txt"), "  \n\t\n").unwrap();
    for args in [vec!["check", "blank.txt"], vec!["check", "--text", ""]] {
        let o = run(&dir, &args, None);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains("empty"), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    let o = run(&dir, &["check", "-"], Some(b""));
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("<stdin>"), "{}", stderr(&o));
}

#[test]
fn a_five_megabyte_reply_is_checked() {
    let dir = workdir("huge");
    // One with sentences, one with no sentence mark or line break at all.
    let mut with_marks = String::new();
    while with_marks.len() < 5 << 20 {
        with_marks.push_str("I can see why that would be frustrating. The parcel left the depot at 07:40 today. ");
    }
    let mut one_run = String::new();
    let mut i = 0;
    while one_run.len() < 5 << 20 {
        i += 1;
        if i % 40 == 0 {
            one_run.push_str("and this is not acceptable ");
        } else {
            one_run.push_str("the parcel left the depot at seven and ");
        }
    }
    for (name, text) in [("marks.txt", with_marks), ("run.txt", one_run)] {
        std::fs::write(dir.join(name), &text).unwrap();
        let o = run(&dir, &["check", name, "--format", "json", "--fail-on", "none"], None);
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(!v["findings"].as_array().unwrap().is_empty(), "{name}");
        for f in v["findings"].as_array().unwrap().iter().take(50) {
            let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
            assert_eq!(&text[s..e], f["text"].as_str().unwrap());
        }
    }
}

#[test]
fn jsonl_reports_bad_lines_and_checks_the_rest() {
    let dir = workdir("jsonl");
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice(b"{\"id\": 7, \"reply\": \"I can see why that is frustrating.\"}\n");
    input.extend_from_slice(b"not json at all\n");
    input.extend_from_slice(b"{\"customer\": \"where is my parcel\"}\n");
    input.extend_from_slice(b"{\"reply\": 42}\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"reply\": \"bad bytes \xff here\"}\n");
    input.extend_from_slice(b"{\"id\": \"t-9\", \"reply\": \"This is not acceptable.\", \"customer\": \"I am livid\", \"channel\": \"chat\"}\n");
    std::fs::write(dir.join("replies.jsonl"), &input).unwrap();
    let o = run(&dir, &["check", "--jsonl", "replies.jsonl"], None);
    assert_eq!(code(&o), 2, "bad lines make the run exit 2");
    let err = stderr(&o);
    for line in [2, 3, 4, 6] {
        assert!(err.contains(&format!("replies.jsonl:{line}:")), "line {line} not named: {err}");
    }
    assert!(err.contains("reply"), "{err}");
    let results: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let lines: Vec<u64> = results.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![1, 2, 3, 4, 6, 7], "one output per non-blank input line, in order");
    assert_eq!(results[0]["id"], 7);
    assert_eq!(results[0]["stance"], "empathetic");
    assert!(results[1]["error"].is_string());
    assert_eq!(results[5]["id"], "t-9");
    assert_eq!(results[5]["stance"], "sympathetic");
    assert!(results[5]["customer_emotion"].is_string());

    // The same stream through standard input.
    let o = run(&dir, &["check", "--jsonl", "-"], Some(&input));
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("<stdin>:2:"), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 6);
}

#[test]
fn jsonl_exit_status_follows_fail_on() {
    let dir = workdir("jsonlfail");
    let input = "{\"reply\": \"Thanks, your refund was issued on 3 March.\"}\n{\"reply\": \"You should have read the terms.\"}\n";
    std::fs::write(dir.join("r.jsonl"), input).unwrap();
    assert_eq!(code(&run(&dir, &["check", "--jsonl", "r.jsonl"], None)), 1);
    assert_eq!(code(&run(&dir, &["check", "--jsonl", "r.jsonl", "--fail-on", "sympathetic"], None)), 0);
    assert_eq!(code(&run(&dir, &["check", "--jsonl", "r.jsonl", "--fail-on", "none"], None)), 0);
}

#[test]
fn missing_file_and_unknown_stance_are_usage_errors() {
    let dir = workdir("usage");
    let o = run(&dir, &["check", "no-such-file.txt"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such-file.txt"));
    let o = run(&dir, &["check", "--text", "hi", "--fail-on", "angry"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("angry"));
}

#[test]
fn config_adds_a_pack_switches_rules_off_and_sets_fail_on() {
    let dir = workdir("config");
    std::fs::write(
        dir.join("acme.toml"),
        r#"[pack]
name = "acme"
description = "Acme's banned promises."

[[rule]]
id = "refund-tomorrow"
cue = "overpromise"
patterns = ["refund (will|'ll) (be )?(in your account|back) tomorrow"]
message = "Finance decides when refunds land; promising a day may have to be taken back."
must_match = ["Your refund will be back tomorrow."]
must_not_match = ["Your refund was issued yesterday."]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("evenkeel.toml"),
        "packs = [\"acme.toml\"]\nfail_on = [\"dismissive\"]\n\n[rules]\n\"condemns\" = \"off\"\n",
    )
    .unwrap();
    let (code_, v) = check_json(&dir, "Your refund will be back tomorrow.");
    assert_eq!(v["findings"][0]["rule"], "acme.refund-tomorrow", "{v}");
    assert_eq!(v["stance"], "sympathetic");
    assert_eq!(code_, 0, "fail_on in evenkeel.toml names only dismissive");

    let (_, v) = check_json(&dir, "This is not acceptable.");
    assert!(words_of(&v, "condemns").is_empty(), "the condemns pack is off: {v}");

    // --no-config ignores the file; --config picks one explicitly.
    let o = run(&dir, &["--no-config", "check", "--format", "json", "--text", "This is not acceptable."], None);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(!words_of(&v, "condemns").is_empty());
    let elsewhere = workdir("config-elsewhere");
    let cfg = dir.join("evenkeel.toml");
    let o = run(&elsewhere, &["--config", cfg.to_str().unwrap(), "check", "--format", "json", "--text", "Your refund will be back tomorrow."], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("acme.refund-tomorrow"));

    // The user's pack examples run with `rules test`.
    let o = run(&dir, &["rules", "test"], None);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn config_mistakes_name_the_file_and_line() {
    let dir = workdir("badconfig");
    std::fs::write(dir.join("evenkeel.toml"), "fail_on = [\"dismissive\"]\ncolour = \"red\"\n").unwrap();
    let o = run(&dir, &["check", "--text", "hi"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("evenkeel.toml:2"), "{}", stderr(&o));

    std::fs::write(dir.join("evenkeel.toml"), "[rules]\n\"condemns.no-such-rule\" = \"off\"\n").unwrap();
    let o = run(&dir, &["check", "--text", "hi"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("condemns.no-such-rule"), "{}", stderr(&o));

    std::fs::write(dir.join("broken.toml"), "[pack]\nname = \"broken\"\n\n[[rule]]\nid = \"x\"\ncue = \"kindness\"\npatterns = [\"hello\"]\n").unwrap();
    std::fs::write(dir.join("evenkeel.toml"), "packs = [\"broken.toml\"]\n").unwrap();
    let o = run(&dir, &["check", "--text", "hi"], None);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("broken.toml"), "{err}");
    assert!(err.contains("kindness"), "{err}");
}

#[test]
fn rules_test_fails_when_an_example_does_not_behave() {
    let dir = workdir("rulestest");
    std::fs::write(
        dir.join("team.toml"),
        r#"[pack]
name = "team"

[[rule]]
id = "we-rock"
cue = "platitude"
patterns = ["we rock"]
must_match = ["Honestly, we rock."]
must_not_match = ["We rock and roll all night."]
"#,
    )
    .unwrap();
    std::fs::write(dir.join("evenkeel.toml"), "packs = [\"team.toml\"]\n").unwrap();
    let o = run(&dir, &["rules", "test"], None);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(format!("{}{}", stdout(&o), stderr(&o)).contains("team.we-rock"));
}

#[test]
fn rules_list_and_explain() {
    let dir = workdir("ruleslist");
    let o = run(&dir, &["rules", "list"], None);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.contains("condemns.this-is-unacceptable"), "{out}");
    let o = run(&dir, &["rules", "explain", "condemns.this-is-unacceptable"], None);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("not acceptable"), "{}", stdout(&o));
    let o = run(&dir, &["rules", "explain", "no.such-rule"], None);
    assert_eq!(code(&o), 2);
}

/// A tiny labelled file in the TAXONOMY.md format, written here for the test.
const LABELLED: &str = r#"{"id":"a","customer":"My card was charged twice!","reply":"I can see why that is worrying. Could you tell me the last four digits of the card?","stance":"empathetic","cues":["acknowledges_emotion","explores"],"spans":[{"text":"I can see why that is worrying","cue":"acknowledges_emotion"},{"text":"Could you tell me the last four digits of the card?","cue":"explores"}],"customer_emotion":"anxiety"}
{"id":"b","customer":"Still no refund.","reply":"Your refund was issued on 3 March.","stance":"neutral","cues":[],"spans":[],"customer_emotion":"frustration"}
{"id":"c","customer":"You lost my bag.","reply":"This is not acceptable, our baggage team is useless.","stance":"sympathetic","cues":["condemns","blames_own_side"],"customer_emotion":"anger"}
"#;

#[test]
fn eval_reports_text_and_stable_json() {
    let dir = workdir("eval");
    std::fs::write(dir.join("gold.jsonl"), LABELLED).unwrap();
    let o = run(&dir, &["eval", "-d", "gold.jsonl", "--format", "json"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["n"], 3);
    for key in ["accuracy", "macro_f1", "per_class", "confusion"] {
        assert!(!v["stance"][key].is_null(), "stance.{key} missing: {v}");
    }
    assert!(!v["cues"]["micro_f1"].is_null() && !v["cues"]["per_cue"].is_null());
    assert!(!v["spans"]["f1"].is_null());
    let acc = v["stance"]["accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&acc));

    let o = run(&dir, &["eval", "-d", "gold.jsonl"], None);
    assert!(stdout(&o).contains("macro-F1"), "{}", stdout(&o));
}

#[test]
fn eval_names_a_bad_line_and_scores_the_rest() {
    let dir = workdir("evalbad");
    let mut text = LABELLED.to_string();
    text.push_str("{\"reply\": \"no labels here\"}\n");
    std::fs::write(dir.join("gold.jsonl"), text).unwrap();
    let o = run(&dir, &["eval", "-d", "gold.jsonl", "--format", "json"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("gold.jsonl:4"), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["n"], 3, "the good items are still scored");
}

/// A small corpus for training tests: the first lines of two files of the real corpus.
fn small_corpus(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    for name in ["bank-air.jsonl", "tel-saas.jsonl"] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let head: Vec<&str> = text.lines().take(60).collect();
        std::fs::write(corpus.join(name), head.join("\n") + "\n").unwrap();
    }
    corpus
}

#[test]
fn train_is_deterministic_and_its_model_can_be_used() {
    let dir = workdir("train");
    let corpus = small_corpus(&dir);
    let c = corpus.to_str().unwrap();
    for out in ["a.ekm", "b.ekm"] {
        let o = run(&dir, &["train", "--corpus", c, "--out", out, "--epochs", "3"], None);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(stderr(&o).contains("120 items"), "{}", stderr(&o));
    }
    let a = std::fs::read(dir.join("a.ekm")).unwrap();
    assert!(a == std::fs::read(dir.join("b.ekm")).unwrap(), "two runs gave different model files");

    let o = run(&dir, &["--model", "a.ekm", "--engine", "model", "check", "--format", "json", "--fail-on", "none", "--text", "Ugh, I'm so angry about this too!"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["engine"], "model");
    assert!(v["stance_probabilities"].is_object());

    std::fs::write(dir.join("junk.ekm"), b"not a model").unwrap();
    let o = run(&dir, &["--model", "junk.ekm", "check", "--text", "hi"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("junk.ekm"), "{}", stderr(&o));
}

#[test]
fn cross_validation_and_corpus_stats_run_on_a_corpus() {
    let dir = workdir("cv");
    let corpus = small_corpus(&dir);
    let c = corpus.to_str().unwrap();
    let o = run(&dir, &["eval", "--cv", "2", "--corpus", c, "--format", "json"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["n"], 120, "every item is scored once, out of fold");
    assert_eq!(v["folds"], 2);
    assert!(v["customer_emotion"]["macro_f1"].is_number());

    let o = run(&dir, &["corpus-stats", c, "--json"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["items"], 120);
    let stances: u64 = v["stance"].as_object().unwrap().values().map(|x| x.as_u64().unwrap()).sum();
    assert_eq!(stances, 120);

    // A corpus with a bad line is refused, naming file and line.
    std::fs::write(corpus.join("zz-bad.jsonl"), "{\"reply\": \"no labels\"}\n").unwrap();
    let o = run(&dir, &["train", "--corpus", c, "--out", "x.ekm"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("zz-bad.jsonl:1"), "{}", stderr(&o));
}

#[test]
fn rewrite_prints_an_empathetic_reply_that_keeps_the_facts() {
    let dir = workdir("rewrite");
    let o = run(
        &dir,
        &["--engine", "rules", "rewrite", "-", "--customer", "I was charged twice and I'm furious."],
        Some("Ugh, our billing team messed up AGAIN. I've refunded the £18.99 to your card ending 4242 and I promise it will be back by Friday.".as_bytes()),
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    for fact in ["18.99", "4242", "Friday"] {
        assert!(text.contains(fact), "{fact} kept: {text}");
    }
    assert!(!text.contains("messed up") && !text.contains("promise"), "{text}");
    let o = run(&dir, &["--engine", "rules", "check", "--fail-on", "none", "--format", "json", "--text", text.trim()], None);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["stance"], "empathetic", "{text}");
}

/// A stand-in for an OpenAI-compatible chat endpoint: answers each request with the next
/// draft, and hands back the request bodies it saw.
fn fake_llm(drafts: Vec<&'static str>) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{BufRead, BufReader, Read};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for draft in drafts {
            let (mut stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            seen.push(String::from_utf8(body).unwrap());
            let answer = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": draft}}]}).to_string();
            write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}", answer.len()).unwrap();
        }
        seen
    });
    (url, handle)
}

#[test]
fn an_llm_draft_is_used_only_when_empathetic_and_complete() {
    let dir = workdir("llm");
    let reply = "Ugh, our courier team is useless. Your parcel 88231 will definitely arrive on Friday.";
    let good = "I can see why this is so frustrating. I've chased parcel 88231 with the courier and they expect to deliver it on Friday.";
    let dropped = "I can see why this is so frustrating. I've chased your parcel with the courier.";
    let (url, server) = fake_llm(vec![good, dropped]);
    let o = run(&dir, &["--engine", "rules", "rewrite", "--text", reply, "--customer", "Where is my parcel?!", "--llm", &url], None);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o).trim(), good);
    assert!(String::from_utf8_lossy(&o.stderr).contains("accepted"));
    let o = run(&dir, &["--engine", "rules", "rewrite", "--text", reply, "--llm", &url], None);
    assert_eq!(code(&o), 0);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("not used") && err.contains("88231"), "{err}");
    assert_ne!(stdout(&o).trim(), dropped);
    assert!(stdout(&o).contains("88231") && stdout(&o).contains("Friday"), "{}", stdout(&o));
    let requests = server.join().unwrap();
    assert!(requests[0].contains("Where is my parcel?!") && requests[0].contains("\"messages\""), "{}", requests[0]);
    // No server at all: the reason is given, the deterministic rewrite printed.
    let o = run(&dir, &["--engine", "rules", "rewrite", "--text", reply, "--llm", "http://127.0.0.1:1/v1", "--llm-timeout", "5"], None);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not used"));
    assert!(stdout(&o).contains("88231"));
}
