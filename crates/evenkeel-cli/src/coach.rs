//! `evenkeel coach`: practice scenarios, the "empathy or sympathy?" quiz, and progress, in the
//! terminal. The choices (which scene next, how a reply scores) are made in `evenkeel-coach`;
//! progress is kept in the same store as the server.

use crate::{render, serve::DEFAULT_DB, setup};
use anyhow::{Context, Result};
use evenkeel_coach::plan::{self, Past};
use evenkeel_coach::scenario::{self, Scenario};
use evenkeel_coach::score::score;
use evenkeel_core::Stance;
use evenkeel_server::store::{now_ms, Attempt, QuizAnswer, Store};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep progress under this name (in the same database as `evenkeel serve`).
    #[arg(long)]
    trainee: Option<String>,
    #[arg(long, value_name = "URL", env = "EVENKEEL_DB", default_value = DEFAULT_DB)]
    db: String,
    /// The quiz: label replies as empathetic, sympathetic, neutral or dismissive.
    #[arg(long, conflicts_with = "progress")]
    quiz: bool,
    /// Questions in a quiz round.
    #[arg(long, default_value_t = 8)]
    questions: usize,
    /// Show the trainee's progress and stop.
    #[arg(long, requires = "trainee")]
    progress: bool,
    /// Start with this scenario (see `--list`).
    #[arg(long, value_name = "ID")]
    scenario: Option<String>,
    /// List the scenarios and stop.
    #[arg(long)]
    list: bool,
    /// Scenarios from this folder instead of the built-in library.
    #[arg(long, value_name = "DIR")]
    scenarios: Option<PathBuf>,
    /// Seed for the quiz order (default: the clock).
    #[arg(long)]
    seed: Option<u64>,
}

struct Session {
    store: Option<(Store, String)>,
    rt: tokio::runtime::Runtime,
}

impl Session {
    fn history(&self) -> Result<Vec<Past>> {
        let Some((store, who)) = &self.store else { return Ok(Vec::new()) };
        Ok(self.rt.block_on(store.attempts(who))?.into_iter().map(Attempt::past).collect())
    }
}

pub fn run(setup: &setup::Options, args: Args, color: bool) -> Result<ExitCode> {
    let library = match &args.scenarios {
        Some(dir) => scenario::load_dir(dir)?,
        None => scenario::builtin(),
    };
    let mut out = std::io::stdout().lock();
    if args.list {
        for s in &library {
            writeln!(out, "{:<44} {:<15} {:<7} {:<14} {}", s.id, s.industry, s.channel, s.emotion.name(), s.title)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let store = match &args.trainee {
        Some(name) if !name.trim().is_empty() => Some((rt.block_on(Store::open(&args.db))?, name.trim().to_string())),
        Some(_) => anyhow::bail!("--trainee needs a name"),
        None => None,
    };
    let session = Session { store, rt };
    if args.progress {
        return show_progress(&session, &mut out);
    }
    let (engine, _) = setup::engine(setup)?;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    if args.quiz {
        return quiz(&session, &library, &args, &engine, &mut input, &mut out, color);
    }
    let mut first = match &args.scenario {
        Some(id) => Some(library.iter().find(|s| &s.id == id).with_context(|| format!("no scenario `{id}` (see `evenkeel coach --list`)"))?),
        None => None,
    };
    writeln!(out, "evenkeel coach: reply to each customer as you would at work. Finish a reply with an empty line; Ctrl-D stops.")?;
    let mut round = 0;
    loop {
        let history = session.history()?;
        let Some(s) = first.take().or_else(|| plan::next(&library, &history)) else { break };
        round += 1;
        present(&mut out, round, s)?;
        let Some(reply) = read_reply(&mut input, &mut out)? else { break };
        let sc = score(&engine, s, &reply);
        writeln!(out)?;
        render::analysis(&mut out, &reply, &sc.analysis, color)?;
        writeln!(out, "\nscore: {}%", sc.percent)?;
        for c in &sc.criteria {
            writeln!(out, "  {} {:<15} {}", if c.met { "✓" } else { "✗" }, c.name, c.detail)?;
        }
        writeln!(out, "\nA reply that does all of this:\n{}", indent(&s.model_reply))?;
        if let Some((store, who)) = &session.store {
            session.rt.block_on(store.record_attempt(who, &Attempt::scored(&s.id, &sc)))?;
        }
        write!(out, "\nAnother scenario? [Enter: yes, q: quit] ")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 || line.trim().eq_ignore_ascii_case("q") {
            break;
        }
    }
    writeln!(out, "\nThanks for practising.")?;
    Ok(ExitCode::SUCCESS)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

fn present(out: &mut impl Write, round: usize, s: &Scenario) -> Result<()> {
    writeln!(out, "\n━━ Scenario {round}: {} ({}, {})", s.title, s.industry, s.channel)?;
    writeln!(out, "What you know:\n{}", indent(s.context.trim()))?;
    writeln!(out, "The customer writes:")?;
    for m in &s.customer {
        writeln!(out, "{}", m.lines().map(|l| format!("  > {l}")).collect::<Vec<_>>().join("\n"))?;
    }
    Ok(())
}

/// Lines until an empty line (after some text); `None` at the end of input.
fn read_reply(input: &mut impl BufRead, out: &mut impl Write) -> Result<Option<String>> {
    writeln!(out, "Your reply (an empty line ends it):")?;
    let mut lines: Vec<String> = Vec::new();
    loop {
        write!(out, "│ ")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok((!lines.is_empty()).then(|| lines.join("\n")));
        }
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        if line.trim().is_empty() {
            if lines.is_empty() {
                continue;
            }
            return Ok(Some(lines.join("\n")));
        }
        lines.push(line);
    }
}

fn quiz(session: &Session, library: &[Scenario], args: &Args, engine: &evenkeel_model::Engine, input: &mut impl BufRead, out: &mut impl Write, color: bool) -> Result<ExitCode> {
    let items = plan::quiz_items(library);
    let seed = args.seed.unwrap_or_else(|| now_ms() as u64);
    let round = plan::quiz_round(&items, args.questions.max(1), seed);
    writeln!(out, "evenkeel quiz: is each reply empathetic, sympathetic, neutral or dismissive?")?;
    let mut answers: Vec<(String, String)> = Vec::new();
    for (i, item) in round.iter().enumerate() {
        writeln!(out, "\n━━ Question {} of {}", i + 1, round.len())?;
        writeln!(out, "The customer:\n{}", indent(&item.customer))?;
        writeln!(out, "The reply:\n{}", indent(&item.reply))?;
        let answer = loop {
            write!(out, "[e]mpathetic, [s]ympathetic, [n]eutral or [d]ismissive? ")?;
            out.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                return finish_quiz(session, &answers, out);
            }
            match line.trim().to_ascii_lowercase().chars().next() {
                Some('e') => break Stance::Empathetic,
                Some('s') => break Stance::Sympathetic,
                Some('n') => break Stance::Neutral,
                Some('d') => break Stance::Dismissive,
                _ => writeln!(out, "Type e, s, n or d.")?,
            }
        };
        if answer == item.stance {
            writeln!(out, "✓ Right: {}.", item.stance.name())?;
        } else {
            writeln!(out, "✗ It is {} (you said {}).", item.stance.name(), answer.name())?;
        }
        if let Some(why) = &item.why {
            writeln!(out, "Why: {why}")?;
        }
        let a = engine.analyze(&item.reply, Some(&item.customer));
        render::analysis(out, &item.reply, &a, color)?;
        answers.push((item.stance.name().to_string(), answer.name().to_string()));
        if let Some((store, who)) = &session.store {
            let q = QuizAnswer { item: item.id.clone(), at: now_ms(), answer: answer.name().into(), truth: item.stance.name().into() };
            session.rt.block_on(store.record_quiz(who, &q))?;
        }
    }
    finish_quiz(session, &answers, out)
}

fn finish_quiz(_session: &Session, answers: &[(String, String)], out: &mut impl Write) -> Result<ExitCode> {
    let right = answers.iter().filter(|(t, a)| t == a).count();
    writeln!(out, "\nQuiz score: {right} of {}.", answers.len())?;
    let p = plan::progress(&[], answers);
    for (truth, answer, n) in p.confusions {
        writeln!(out, "  {n}× {truth} taken for {answer}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show_progress(session: &Session, out: &mut impl Write) -> Result<ExitCode> {
    let (store, who) = session.store.as_ref().expect("--progress requires --trainee");
    let history = session.history()?;
    let quiz: Vec<(String, String)> = session.rt.block_on(store.quiz_answers(who))?.into_iter().map(|q| (q.truth, q.answer)).collect();
    let p = plan::progress(&history, &quiz);
    writeln!(out, "Progress of {who}: {} scenario attempts, {} quiz answers", p.attempts, p.quiz_answers)?;
    if let Some(m) = p.mean_score {
        writeln!(out, "mean score: {m:.0}%")?;
    }
    let pct = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{:.0}%", v * 100.0));
    writeln!(out, "criterion         earlier  later")?;
    for (c, t) in &p.criteria {
        let arrow = match (t.earlier, t.later) {
            (Some(a), Some(b)) if b > a + 1e-9 => "↑",
            (Some(a), Some(b)) if b < a - 1e-9 => "↓",
            (Some(_), Some(_)) => "→",
            _ => "",
        };
        writeln!(out, "  {c:<15} {:>7}  {:>5} {arrow}", pct(t.earlier), pct(t.later))?;
    }
    if !p.slips.is_empty() {
        writeln!(out, "slips: {}", p.slips.iter().map(|(c, n)| format!("{c} ×{n}")).collect::<Vec<_>>().join(", "))?;
    }
    writeln!(out, "streaks: {} attempts in a row meeting every criterion; {} days in a row practising", p.clean_streak, p.day_streak)?;
    if p.quiz_answers > 0 {
        writeln!(out, "quiz: {} of {} right", p.quiz_correct, p.quiz_answers)?;
        for (truth, answer, n) in p.confusions.iter().take(5) {
            writeln!(out, "  {n}× {truth} taken for {answer}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
