//! The terminal coach as a trainee uses it: a real pseudo-terminal, keystrokes typed in, and
//! what the screen shows checked after each step.

use expectrl::{Eof, Regex, Session};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_evenkeel");

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("evenkeel-coach-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spawn(dir: &PathBuf, args: &[&str]) -> Session {
    let mut cmd = Command::new(BIN);
    cmd.args(["--engine", "rules", "--color", "never"]).args(args).current_dir(dir).env("NO_COLOR", "1");
    let mut s = Session::spawn(cmd).expect("the coach starts under a pseudo-terminal");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s
}

#[test]
fn a_trainee_practises_a_scenario_takes_the_quiz_and_sees_progress() {
    let dir = workdir("session");
    let mut s = spawn(&dir, &["coach", "--trainee", "ana", "--db", "coach.db", "--scenario", "gaming-teen-ban-appeal"]);
    s.expect("A 15-year-old banned").unwrap();
    s.expect("Your reply (an empty line ends it):").unwrap();
    // A sympathetic first draft: it promises what the ban team decides.
    s.send_line("Oh no, that's so unfair, I'm so sorry!").unwrap();
    s.send_line("Don't worry, I promise the review team will definitely unban you.").unwrap();
    s.send_line("").unwrap();
    let shown = s.expect("Another scenario?").unwrap();
    let screen = String::from_utf8_lossy(shown.before()).to_string();
    assert!(screen.contains("stance: sympathetic"), "{screen}");
    assert!(screen.contains("overpromise"), "{screen}");
    assert!(screen.contains("✗ avoid_pitfalls"), "{screen}");
    assert!(screen.contains("A reply that does all of this:") && screen.contains("rift.example.com/appeal"), "{screen}");
    s.send_line("q").unwrap();
    s.expect("Thanks for practising.").unwrap();
    s.expect(Eof).unwrap();

    let mut q = spawn(&dir, &["coach", "--trainee", "ana", "--db", "coach.db", "--quiz", "--questions", "2", "--seed", "7"]);
    for _ in 0..2 {
        q.expect("The reply:").unwrap();
        q.expect("ismissive? ").unwrap();
        q.send_line("x").unwrap();
        q.expect("Type e, s, n or d.").unwrap();
        q.send_line("e").unwrap();
        q.expect(Regex("(✓ Right:|✗ It is) ")).unwrap();
    }
    q.expect(Regex("Quiz score: \\d of 2\\.")).unwrap();
    q.expect(Eof).unwrap();

    let mut p = spawn(&dir, &["coach", "--trainee", "ana", "--db", "coach.db", "--progress"]);
    p.expect("Progress of ana: 1 scenario attempts, 2 quiz answers").unwrap();
    p.expect(Regex("avoid_pitfalls +— +0%")).unwrap();
    p.expect("overpromise ×1").unwrap();
    p.expect(Regex("quiz: \\d of 2 right")).unwrap();
    p.expect(Eof).unwrap();
}
