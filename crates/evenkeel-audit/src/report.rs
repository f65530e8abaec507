//! The audit's report: the [`Summary`] as one self-contained HTML page for the person who
//! reads support quality — team totals, per-agent and per-team scorecards, weekly trends,
//! the wellbeing signal, the worst and the best replies with every cue highlighted, the bots
//! and the records that could not be read.
//!
//! The page needs nothing but itself: inline CSS, inline SVG charts, no script, no font, no
//! image, no URL (a Content-Security-Policy in the page forbids loading anything). Every text
//! that comes from the input — names, replies, ids, file names, reasons — is HTML-escaped
//! wherever it goes, attributes and SVG text included, and never reaches an `href`, a `style`
//! or an event attribute. [`render`] is pure and deterministic: the same summary always gives
//! the same bytes.
//!
//! Markup contract (checked by `tests/browser/check-report.mjs`): sections `#totals`,
//! `#agents`, `#teams`, `#trends`, `#wellbeing`, `#worst-examples`, `#best-examples`, `#bots`,
//! `#malformed`, in that order, each with an `<h2>`; `table#agent-scorecards` and
//! `table#team-scorecards` with one body row per agent or team; charts
//! `svg.chart[data-chart=agent-stances|weekly-stances|wellbeing]` (and `team-stances`) when
//! there is data to draw; examples as `article.example` with cues as
//! `mark.cue[data-cue][title]` and suggestions in `.suggestion`.

use crate::summary::{Example, ExampleFinding, Scorecard, Summary};
use evenkeel_core::{Cue, Side, Stance};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write};

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($o:expr, $($arg:tt)*) => {{
        let _ = write!($o, $($arg)*);
    }};
}

/// The report as one HTML document.
pub fn render(summary: &Summary) -> String {
    let mut o = String::with_capacity(96 * 1024);
    head(&mut o, summary);
    masthead(&mut o, summary);
    o.push_str("<main class=\"wrap\">\n");
    totals(&mut o, summary);
    agents(&mut o, summary);
    teams(&mut o, summary);
    trends(&mut o, summary);
    wellbeing(&mut o, summary);
    examples(
        &mut o,
        "worst-examples",
        "The worst examples",
        WORST_LEDE,
        &summary.worst_examples,
        "No sympathetic or dismissive replies were found: nothing to show here.",
    );
    examples(
        &mut o,
        "best-examples",
        "The best examples",
        BEST_LEDE,
        &summary.best_examples,
        "No empathetic replies were found: nothing to show here.",
    );
    bots(&mut o, summary);
    malformed(&mut o, summary);
    o.push_str("</main>\n");
    footer(&mut o, summary);
    o.push_str("</body>\n</html>\n");
    o
}

const WORST_LEDE: &str = "The replies that leaned furthest towards sympathy or dismissiveness, weighted by how much it mattered to the customer; at most two per agent. Each highlighted span is a cue; the list beside the reply says why it matters and what to say instead.";
const BEST_LEDE: &str = "The replies that showed empathy most clearly: they acknowledged what the customer felt, explored the concern and worked on what happened. Good material to share with the team.";

// ---------------------------------------------------------------------------------------------
// Text: escaping and number formats.

/// Displays a text HTML-escaped (`& < > " '`): safe in element content and in quoted
/// attributes, SVG included.
struct E<'a>(&'a str);

impl fmt::Display for E<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = 0;
        for (i, c) in self.0.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[last..i])?;
            f.write_str(rep)?;
            last = i + c.len_utf8();
        }
        f.write_str(&self.0[last..])
    }
}

fn esc(s: &str) -> String {
    E(s).to_string()
}

/// A share in 0..1 as a percentage with at most one decimal (`42.5%`, `100%`).
fn pct(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let s = format!("{:.1}", x * 100.0);
    let s = s.strip_suffix(".0").unwrap_or(&s);
    let s = if s == "-0" { "0" } else { s };
    format!("{s}%")
}

/// An optional rate: `None` is a dash.
fn opct(x: Option<f64>) -> String {
    x.map(pct).unwrap_or_else(|| "—".to_string())
}

/// A count with thousands separators.
fn num(n: u64) -> String {
    let d = n.to_string();
    let first = (d.len() - 1) % 3 + 1;
    let mut out = d[..first].to_string();
    for group in d.as_bytes()[first..].chunks(3) {
        out.push(',');
        out.push_str(std::str::from_utf8(group).expect("digits"));
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", num(n), if n == 1 { one } else { many })
}

/// At most `max` characters, with an ellipsis when cut (for SVG labels, which cannot wrap).
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A coordinate, rounded so that output stays small and deterministic.
fn c(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s);
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// `2026-01-05T09:00:00Z` as `2026-01-05 09:00 UTC`; anything else as given.
fn nice_time(t: &str) -> String {
    let b = t.as_bytes();
    if t.len() == 20 && b[10] == b'T' && b[19] == b'Z' && t.is_char_boundary(16) {
        format!("{} {} UTC", &t[..10], &t[11..16])
    } else {
        t.to_string()
    }
}

fn title_case(s: &str) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(f) => f.to_uppercase().chain(ch).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Colours: one per stance, one per cue side (the same hues), used everywhere.

fn stance_fill(s: Stance) -> &'static str {
    match s {
        Stance::Empathetic => "#177e70",
        Stance::Sympathetic => "#e0a030",
        Stance::Neutral => "#b4bcc8",
        Stance::Dismissive => "#b03a5b",
    }
}

/// Text colour on a stance fill, for contrast.
fn stance_ink(s: Stance) -> &'static str {
    match s {
        Stance::Empathetic | Stance::Dismissive => "#ffffff",
        Stance::Sympathetic | Stance::Neutral => "#1d2430",
    }
}

/// Lines of the agents whose strain is rising: blues and violets, apart from the stance hues.
const RISING_COLOURS: [&str; 5] = ["#3b5bdb", "#7048e8", "#1c7ed6", "#862e9c", "#364fc7"];
const INK: &str = "#1d2430";
/// Agent names in chart labels are cut to this many characters (the full name is the tooltip).
const NAME_CHARS: usize = 24;
/// A week with fewer agent replies than this is shown hollow in the wellbeing chart.
const FEW_REPLIES: u64 = 5;
const GRID: &str = "#e3e7ec";

fn side_name(s: Side) -> &'static str {
    s.name()
}

fn cue_side(name: &str) -> Option<Side> {
    name.parse::<Cue>().ok().map(|c| c.side())
}

fn counts(sc: &Scorecard) -> [u64; 4] {
    Stance::ALL.map(|s| sc.stances.get(&s).copied().unwrap_or(0))
}

fn rate_of(sc: &Scorecard, s: Stance) -> f64 {
    sc.rates.get(&s).copied().unwrap_or(0.0)
}

// ---------------------------------------------------------------------------------------------
// Page frame.

fn head(o: &mut String, s: &Summary) {
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may be loaded from anywhere, and no script runs: the report is data, not a page
    // that does things, whatever text the input holds.
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n");
    o.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"color-scheme\" content=\"light\">\n");
    if !s.meta.evenkeel_version.is_empty() {
        w!(o, "<meta name=\"generator\" content=\"evenkeel {}\">\n", E(&s.meta.evenkeel_version));
    }
    o.push_str("<title>evenkeel audit report</title>\n<style>\n");
    o.push_str(CSS);
    o.push_str("</style>\n</head>\n<body>\n");
}

fn masthead(o: &mut String, s: &Summary) {
    let m = &s.meta;
    o.push_str("<header class=\"masthead\">\n<div class=\"wrap\">\n<p class=\"eyebrow\">evenkeel audit</p>\n");
    o.push_str("<h1>Empathy &amp; sympathy in support replies</h1>\n");
    w!(
        o,
        "<p class=\"subtitle\">{} · {} · {}</p>\n",
        plural(s.totals.conversations, "conversation", "conversations"),
        plural(s.totals.agent_turns, "agent reply", "agent replies"),
        plural(s.agents.len() as u64, "agent", "agents"),
    );
    o.push_str("<dl class=\"meta\">\n<div><dt>Inputs</dt><dd>");
    if m.inputs.is_empty() {
        o.push('—');
    } else {
        o.push_str("<ul class=\"inputs\">");
        for i in &m.inputs {
            w!(o, "<li><code>{}</code> <span class=\"fmt\">{}</span></li>", E(&i.file), E(&i.format));
        }
        o.push_str("</ul>");
    }
    o.push_str("</dd></div>\n");
    let dash = |v: &str| if v.is_empty() { "—".to_string() } else { esc(v) };
    w!(o, "<div><dt>Engine</dt><dd>{}</dd></div>\n", dash(&m.engine));
    w!(o, "<div><dt>evenkeel version</dt><dd>{}</dd></div>\n", dash(&m.evenkeel_version));
    w!(
        o,
        "<div><dt>Redacted</dt><dd>{}</dd></div>\n",
        if m.redacted {
            "<span class=\"flag on\">yes</span> personal data masked"
        } else {
            "<span class=\"flag\">no</span> texts as exported"
        }
    );
    o.push_str("</dl>\n<nav class=\"toc\" aria-label=\"Sections\">");
    for (id, label) in [
        ("totals", "Totals"),
        ("agents", "Agents"),
        ("teams", "Teams"),
        ("trends", "Trends"),
        ("wellbeing", "Wellbeing"),
        ("worst-examples", "Worst examples"),
        ("best-examples", "Best examples"),
        ("bots", "Bots"),
        ("malformed", "Malformed records"),
    ] {
        w!(o, "<a href=\"#{id}\">{label}</a>");
    }
    o.push_str("</nav>\n</div>\n</header>\n");
}

fn footer(o: &mut String, s: &Summary) {
    o.push_str("<footer class=\"wrap foot\"><p>");
    if s.meta.evenkeel_version.is_empty() {
        o.push_str("Made by evenkeel");
    } else {
        w!(o, "Made by evenkeel {}", E(&s.meta.evenkeel_version));
    }
    if !s.meta.engine.is_empty() {
        w!(o, " with the {} engine", E(&s.meta.engine));
    }
    o.push_str(". Stances and cues follow the evenkeel taxonomy. Rates are shares of the replies they apply to; a dash means there was nothing to measure.</p></footer>\n");
}

fn section_open(o: &mut String, id: &str, title: &str, lede: &str) {
    w!(o, "<section id=\"{id}\">\n<h2>{title}</h2>\n");
    if !lede.is_empty() {
        w!(o, "<p class=\"lede\">{lede}</p>\n");
    }
}

fn empty(o: &mut String, text: &str) {
    w!(o, "<p class=\"empty\">{text}</p>\n");
}

/// The stance legend, with values when given (text, not colour alone).
fn stance_legend(o: &mut String, values: Option<(&[u64; 4], u64)>, extra: &str) {
    o.push_str("<ul class=\"legend\">");
    for (k, st) in Stance::ALL.iter().enumerate() {
        w!(o, "<li><span class=\"swatch st-{}\"></span>{}", st.name(), title_case(st.name()));
        if let Some((n, total)) = values {
            let share = if total > 0 { n[k] as f64 / total as f64 } else { 0.0 };
            w!(o, " <b>{}</b> <span class=\"n\">({})</span>", pct(share), num(n[k]));
        }
        o.push_str("</li>");
    }
    o.push_str(extra);
    o.push_str("</ul>\n");
}

// ---------------------------------------------------------------------------------------------
// 1. Team totals.

fn totals(o: &mut String, s: &Summary) {
    let t = &s.totals;
    section_open(o, "totals", "Team totals", "All human agents together. Bots are reported apart, at the end.");
    o.push_str("<div class=\"kpis\">\n");
    for (value, label, note, quiet) in [
        (t.conversations, "conversations", "", false),
        (t.agent_turns, "agent turns", "replies by people, judged", false),
        (t.customer_turns, "customer turns", "", false),
        (t.bot_turns, "bot turns", "reported apart", false),
        (t.malformed_records, "malformed records", "could not be read", true),
        (t.empty_turns, "empty turns", "nothing left to judge", true),
        (t.unknown_author_turns, "unknown-author turns", "read, not judged", true),
    ] {
        w!(
            o,
            "<div class=\"kpi{}\"><span class=\"kpi-value\">{}</span><span class=\"kpi-label\">{label}</span>",
            if quiet { " quiet" } else { "" },
            num(value)
        );
        if !note.is_empty() {
            w!(o, "<span class=\"kpi-note\">{note}</span>");
        }
        o.push_str("</div>\n");
    }
    o.push_str("</div>\n");
    let mut notes = Vec::new();
    if t.continued_conversations > 0 {
        notes.push(format!(
            "{} appeared again far apart in the input and {} analysed in parts.",
            plural(t.continued_conversations, "conversation", "conversations"),
            if t.continued_conversations == 1 { "was" } else { "were" }
        ));
    }
    if t.undated_agent_turns > 0 {
        notes.push(format!(
            "{} had no readable time: counted everywhere except in the weekly trends and the wellbeing signal.",
            plural(t.undated_agent_turns, "agent turn", "agent turns")
        ));
    }
    if !notes.is_empty() {
        w!(o, "<p class=\"fine\">{}</p>\n", notes.join(" "));
    }

    let h = &s.humans;
    o.push_str("<h3>How agents replied</h3>\n");
    if h.turns == 0 {
        empty(o, "No agent replies were judged: nothing to show.");
    } else {
        let n = counts(h);
        stance_legend(o, Some((&n, h.turns)), "");
        team_bar(o, &n, h.turns);
        o.push_str("<div class=\"stats\">\n");
        stat(
            o,
            &opct(h.acknowledgment_rate),
            "acknowledged the customer's emotion",
            &format!(
                "Of the {} that answered a customer who had expressed an emotion, the share that named or validated it.",
                plural(h.emotional_turns, "reply", "replies")
            ),
        );
        stat(
            o,
            &opct(h.explored_before_solving_rate),
            "explored before solving",
            "Of the replies to an emotional customer that offered a fix or asked a question, the share that asked about the concern first.",
        );
        let rose = format!("{} <span class=\"vs\">vs</span> {}", opct(h.emotion_rose_after_risky), opct(h.emotion_rose_after_empathetic));
        stat(
            o,
            &rose,
            "customer's emotion rose",
            &format!(
                "The customer's emotion rose after sympathetic or dismissive replies {} of the time, vs after empathetic replies {}.",
                opct(h.emotion_rose_after_risky),
                opct(h.emotion_rose_after_empathetic)
            ),
        );
        o.push_str("</div>\n");
    }

    o.push_str("<h3>What customers felt</h3>\n");
    let total: u64 = s.customer_emotions.values().sum();
    if total == 0 {
        empty(o, "No customer turns were read: nothing to show.");
    } else {
        let mut rows: Vec<(&String, u64)> = s.customer_emotions.iter().map(|(k, &v)| (k, v)).collect();
        // Most frequent first; "none" (no emotion expressed) last.
        rows.sort_by_key(|(k, v)| (k.as_str() == "none", Reverse(*v), k.as_str()));
        let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
        o.push_str("<ul class=\"hbars\">\n");
        for (k, v) in rows {
            let label = if k == "none" { "no emotion expressed".to_string() } else { esc(k) };
            w!(
                o,
                "<li{}><span class=\"hb-label\">{label}</span><span class=\"hb-track\"><span class=\"hb-fill\" style=\"width:{}%\"></span></span><span class=\"hb-value\">{} <span class=\"n\">({})</span></span></li>\n",
                if k == "none" { " class=\"calm\"" } else { "" },
                c(v as f64 / max as f64 * 100.0),
                num(v),
                pct(v as f64 / total as f64)
            );
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}

fn stat(o: &mut String, value: &str, label: &str, explain: &str) {
    w!(o, "<div class=\"stat\"><span class=\"stat-value\">{value}</span><span class=\"stat-label\">{label}</span><p>{explain}</p></div>\n");
}

/// All agents' stance shares as one stacked bar.
fn team_bar(o: &mut String, n: &[u64; 4], total: u64) {
    let (wd, ht) = (1000.0, 44.0);
    w!(
        o,
        "<svg class=\"chart bar\" data-chart=\"team-stances\" viewBox=\"0 0 {wd} {ht}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"Stance shares of all agent replies\"><title>Stance shares of all agent replies</title>\n"
    );
    stacked(o, 0.0, 2.0, wd, 40.0, n, total, "All agents", 56.0);
    o.push_str("</svg>\n");
}

/// One horizontal stacked bar of stance shares, with the share written inside each segment
/// wide enough to hold it.
#[allow(clippy::too_many_arguments)]
fn stacked(o: &mut String, x0: f64, y: f64, width: f64, height: f64, n: &[u64; 4], total: u64, who: &str, min_label: f64) {
    if total == 0 {
        w!(o, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f1f3f5\" stroke=\"{GRID}\"/>", c(x0), c(y), c(width), c(height));
        return;
    }
    let mut x = x0;
    for (k, st) in Stance::ALL.iter().enumerate() {
        if n[k] == 0 {
            continue;
        }
        let share = n[k] as f64 / total as f64;
        let wseg = width * share;
        w!(
            o,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"1.5\"><title>{}: {} {} ({} of {})</title></rect>",
            c(x),
            c(y),
            c(wseg),
            c(height),
            stance_fill(*st),
            E(who),
            st.name(),
            pct(share),
            num(n[k]),
            num(total)
        );
        if wseg >= min_label {
            w!(
                o,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" fill=\"{}\" class=\"seg\">{}</text>",
                c(x + wseg / 2.0),
                c(y + height / 2.0),
                stance_ink(*st),
                pct(share)
            );
        }
        x += wseg;
    }
    o.push('\n');
}

// ---------------------------------------------------------------------------------------------
// 2. and 3. Scorecards.

fn agents(o: &mut String, s: &Summary) {
    section_open(
        o,
        "agents",
        "Per-agent scorecards",
        "Each agent's replies, busiest first. Rates are shares of the replies they apply to: acknowledgment and exploring only count replies to a customer who had expressed an emotion.",
    );
    if s.agents.is_empty() {
        empty(o, "No agent replies were judged: nothing to show.");
        o.push_str("</section>\n");
        return;
    }
    stance_legend(o, None, "");
    agent_chart(o, &s.agents);
    scorecard_table(o, "agent-scorecards", "Scorecards per agent", "Agent", &s.agents, true);
    scorecard_key(o);
    o.push_str("</section>\n");
}

fn teams(o: &mut String, s: &Summary) {
    section_open(o, "teams", "Per-team scorecards", "The same figures per team (the team given on each reply).");
    if s.teams.is_empty() {
        empty(o, "No team replies were judged: nothing to show.");
    } else {
        scorecard_table(o, "team-scorecards", "Scorecards per team", "Team", &s.teams, false);
    }
    o.push_str("</section>\n");
}

/// One stacked bar per agent, names on the left, reply counts on the right.
fn agent_chart(o: &mut String, cards: &[Scorecard]) {
    let (wd, label_w, right_w, row, bar, top, axis) = (1000.0, 212.0, 100.0, 30.0, 20.0, 6.0, 26.0);
    let plot_x = label_w + 12.0;
    let plot_w = wd - plot_x - right_w;
    let ht = top + row * cards.len() as f64 + axis;
    w!(
        o,
        "<div class=\"chart-box\"><svg class=\"chart\" data-chart=\"agent-stances\" viewBox=\"0 0 {wd} {}\" width=\"100%\" preserveAspectRatio=\"xMidYMin meet\" role=\"img\" aria-label=\"Stance shares per agent: one stacked bar per agent\"><title>Stance shares per agent</title>\n",
        c(ht)
    );
    let bottom = top + row * cards.len() as f64;
    for k in 0..=4 {
        let x = plot_x + plot_w * k as f64 / 4.0;
        w!(
            o,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{GRID}\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" class=\"tick\">{}%</text>\n",
            c(top - 2.0),
            c(bottom + 2.0),
            c(bottom + 18.0),
            k * 25,
            x = c(x)
        );
    }
    for (i, a) in cards.iter().enumerate() {
        let y = top + row * i as f64;
        let mid = y + row / 2.0;
        w!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"central\" class=\"name\">{}<title>{}</title></text>",
            c(label_w),
            c(mid),
            E(&short(&a.name, NAME_CHARS)),
            E(&a.name)
        );
        stacked(o, plot_x, mid - bar / 2.0, plot_w, bar, &counts(a), a.turns, &a.name, 40.0);
        w!(
            o,
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" class=\"count\">{}</text>\n",
            c(plot_x + plot_w + 10.0),
            c(mid),
            plural(a.turns, "reply", "replies")
        );
    }
    o.push_str("</svg></div>\n");
}

/// A scorecard table: `first` names the first column (agent, team, bots); `with_team` adds a
/// team column.
fn scorecard_table(o: &mut String, id: &str, caption: &str, first: &str, cards: &[Scorecard], with_team: bool) {
    w!(o, "<div class=\"table-scroll\"><table id=\"{id}\" class=\"scorecards\">\n<caption>{caption}</caption>\n<thead><tr>");
    w!(o, "<th scope=\"col\" class=\"name\">{first}</th>");
    if with_team {
        o.push_str("<th scope=\"col\">Team</th>");
    }
    o.push_str("<th scope=\"col\" class=\"num\">Turns</th>");
    for st in Stance::ALL {
        w!(o, "<th scope=\"col\" class=\"num\"><span class=\"swatch st-{}\"></span>{}</th>", st.name(), title_case(st.name()));
    }
    o.push_str(concat!(
        "<th scope=\"col\" class=\"num\" title=\"Replies to a customer who had expressed an emotion\">Emotional turns</th>",
        "<th scope=\"col\" class=\"num\" title=\"Of the emotional turns, the share that acknowledged or validated the emotion\">Acknow&shy;ledged</th>",
        "<th scope=\"col\" class=\"num\" title=\"Of the emotional turns that solved or asked, the share that asked first\">Explored first</th>",
        "<th scope=\"col\" class=\"num\" title=\"How often the customer's next message was more heated after a sympathetic or dismissive reply\">Rose after risky</th>",
        "<th scope=\"col\" class=\"num\" title=\"Share of replies that mirror the customer's emotion or grovel\">Strain</th>",
        "<th scope=\"col\" title=\"Rising share of strained replies (see Agent wellbeing)\">Well&shy;being</th>",
        "<th scope=\"col\">Top cues</th>",
        "</tr></thead>\n<tbody>\n"
    ));
    for a in cards {
        w!(o, "<tr><th scope=\"row\" class=\"name\">{}</th>", E(&a.name));
        if with_team {
            match &a.team {
                Some(t) => w!(o, "<td>{}</td>", E(t)),
                None => o.push_str("<td class=\"dim\">—</td>"),
            }
        }
        w!(o, "<td class=\"num\">{}</td>", num(a.turns));
        for st in Stance::ALL {
            w!(o, "<td class=\"num\">{}</td>", pct(rate_of(a, st)));
        }
        w!(o, "<td class=\"num\">{}</td>", num(a.emotional_turns));
        for r in [a.acknowledgment_rate, a.explored_before_solving_rate, a.emotion_rose_after_risky, a.strain_rate] {
            w!(o, "<td class=\"num{}\">{}</td>", if r.is_none() { " dim" } else { "" }, opct(r));
        }
        match &a.wellbeing {
            Some(wb) if wb.rising => o.push_str("<td><span class=\"badge rising\">rising</span></td>"),
            Some(_) => o.push_str("<td class=\"dim\">no</td>"),
            None => o.push_str("<td class=\"dim\">—</td>"),
        }
        o.push_str("<td class=\"cues\">");
        if a.top_cues.is_empty() {
            o.push_str("<span class=\"dim\">—</span>");
        }
        for cc in &a.top_cues {
            let side = cue_side(&cc.cue).map(side_name).unwrap_or("other");
            // A long cue name may break after an underscore, so the column stays narrow.
            w!(o, "<span class=\"chip side-{side}\">{} <b>{}</b></span>", esc(&cc.cue).replace('_', "_<wbr>"), num(cc.turns));
        }
        o.push_str("</td></tr>\n");
    }
    o.push_str("</tbody>\n</table></div>\n");
}

/// What the scorecard columns mean, in words (the headers' tooltips do not print).
fn scorecard_key(o: &mut String) {
    o.push_str(concat!(
        "<p class=\"colkey\"><b>Emotional turns</b>: replies to a customer who had expressed an emotion. ",
        "<b>Acknowledged</b>: of those, the share that named or validated the emotion. ",
        "<b>Explored first</b>: of those that offered a fix or asked, the share that asked about the concern first. ",
        "<b>Rose after risky</b>: how often the customer's next message was more heated after a sympathetic or dismissive reply. ",
        "<b>Strain</b>: share of replies that mirror the customer's emotion or grovel. ",
        "<b>Wellbeing</b>: whether that share is rising (see Agent wellbeing).</p>\n"
    ));
}

// ---------------------------------------------------------------------------------------------
// 4. Weekly trends.

/// A week label's two lines: `2026-W02` → (`W02`, `2026`); anything else as given.
fn week_label(wk: &str) -> (String, String) {
    match wk.split_once("-W") {
        Some((y, n)) if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) => (format!("W{}", short(n, 4)), y.to_string()),
        _ => (short(wk, 10), String::new()),
    }
}

/// Every `step`-th label so that labels never crowd (about `px` units each).
fn label_step(n: usize, plot_w: f64, px: f64) -> usize {
    let fit = (plot_w / px).floor().max(1.0) as usize;
    n.div_ceil(fit).max(1)
}

/// x-axis week labels, thinned; the year is written under the first label of each year.
fn week_axis(o: &mut String, weeks: &[&str], x_of: &dyn Fn(usize) -> f64, y: f64, plot_w: f64) {
    let step = label_step(weeks.len(), plot_w, 52.0);
    let mut last_year = String::new();
    for (i, wk) in weeks.iter().enumerate() {
        if i % step != 0 {
            continue;
        }
        let (a, year) = week_label(wk);
        let x = c(x_of(i));
        w!(o, "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" class=\"tick\">{}</text>", c(y), E(&a));
        if !year.is_empty() && year != last_year {
            w!(o, "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" class=\"tick year\">{}</text>", c(y + 14.0), E(&year));
            last_year = year;
        }
    }
    o.push('\n');
}

fn trends(o: &mut String, s: &Summary) {
    section_open(
        o,
        "trends",
        "Weekly trends",
        "The share of each stance among agent replies, per ISO week, with the acknowledgment rate (replies to an emotional customer that acknowledged the emotion) as a line.",
    );
    let weeks: Vec<_> = s.weeks.iter().filter(|w| w.turns > 0).collect();
    if weeks.is_empty() {
        empty(o, "No dated agent replies: no weekly trend to show.");
        o.push_str("</section>\n");
        return;
    }
    let has_ack = weeks.iter().any(|w| w.acknowledgment_rate.is_some());
    stance_legend(o, None, if has_ack { "<li><span class=\"swatch line\"></span>Acknowledgment rate</li>" } else { "" });
    let (wd, ht, left, right, top, bottom) = (1000.0, 320.0, 52.0, 16.0, 12.0, 46.0);
    let plot_w = wd - left - right;
    let plot_h = ht - top - bottom;
    let base = top + plot_h;
    let slot = plot_w / weeks.len() as f64;
    let bar_w = (slot * 0.72).max(1.0);
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);
    w!(
        o,
        "<div class=\"chart-box\"><svg class=\"chart\" data-chart=\"weekly-stances\" viewBox=\"0 0 {wd} {ht}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"Stance shares per week, {} weeks, with the acknowledgment rate as a line\"><title>Stance shares per week</title>\n",
        weeks.len()
    );
    for k in 0..=4 {
        let y = base - plot_h * k as f64 / 4.0;
        w!(
            o,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{GRID}\"/><text x=\"{}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"central\" class=\"tick\">{}%</text>\n",
            c(left),
            c(wd - right),
            c(left - 8.0),
            k * 25,
            y = c(y)
        );
    }
    for (i, wk) in weeks.iter().enumerate() {
        let n = Stance::ALL.map(|st| wk.stances.get(&st).copied().unwrap_or(0));
        let total: u64 = n.iter().sum::<u64>().max(1);
        let summary_line = Stance::ALL
            .iter()
            .enumerate()
            .map(|(k, st)| format!("{} {}", st.name(), pct(n[k] as f64 / total as f64)))
            .collect::<Vec<_>>()
            .join(", ");
        w!(o, "<g><title>{}: {}; {}</title>", E(&wk.week), plural(wk.turns, "reply", "replies"), summary_line);
        let mut y = base;
        for (k, st) in Stance::ALL.iter().enumerate() {
            if n[k] == 0 {
                continue;
            }
            let h = plot_h * n[k] as f64 / total as f64;
            y -= h;
            w!(
                o,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                c(x_of(i) - bar_w / 2.0),
                c(y),
                c(bar_w),
                c(h),
                stance_fill(*st)
            );
        }
        o.push_str("</g>\n");
    }
    if has_ack {
        // One polyline per run of weeks that have a rate.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for (i, wk) in weeks.iter().enumerate() {
            match wk.acknowledgment_rate {
                Some(r) => run.push((x_of(i), base - plot_h * r.clamp(0.0, 1.0))),
                None => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        for r in runs.iter().filter(|r| r.len() > 1) {
            let pts = r.iter().map(|(x, y)| format!("{},{}", c(*x), c(*y))).collect::<Vec<_>>().join(" ");
            w!(o, "<polyline points=\"{pts}\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"5\" stroke-linejoin=\"round\" opacity=\"0.85\"/><polyline points=\"{pts}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n");
        }
        for (i, wk) in weeks.iter().enumerate() {
            if let Some(r) = wk.acknowledgment_rate {
                w!(
                    o,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{INK}\" stroke=\"#fff\" stroke-width=\"1.5\"><title>{}: acknowledgment rate {}</title></circle>",
                    c(x_of(i)),
                    c(base - plot_h * r.clamp(0.0, 1.0)),
                    E(&wk.week),
                    pct(r)
                );
            }
        }
        o.push('\n');
    }
    let names: Vec<&str> = weeks.iter().map(|w| w.week.as_str()).collect();
    week_axis(o, &names, &x_of, base + 18.0, plot_w);
    o.push_str("</svg></div>\n");

    // The numbers behind the chart.
    o.push_str("<details class=\"numbers\"><summary>The numbers per week</summary>\n<div class=\"table-scroll\"><table class=\"compact\"><thead><tr><th scope=\"col\">Week</th><th scope=\"col\" class=\"num\">Replies</th>");
    for st in Stance::ALL {
        w!(o, "<th scope=\"col\" class=\"num\"><span class=\"swatch st-{}\"></span>{}</th>", st.name(), title_case(st.name()));
    }
    o.push_str("<th scope=\"col\" class=\"num\">Acknowledged</th><th scope=\"col\" class=\"num\">Strained</th></tr></thead>\n<tbody>\n");
    for wk in &weeks {
        let n = Stance::ALL.map(|st| wk.stances.get(&st).copied().unwrap_or(0));
        let total = wk.turns.max(1) as f64;
        w!(o, "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>", E(&wk.week), num(wk.turns));
        for v in n {
            w!(o, "<td class=\"num\">{}</td>", pct(v as f64 / total));
        }
        w!(o, "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n", opct(wk.acknowledgment_rate), pct(wk.strained as f64 / total));
    }
    o.push_str("</tbody></table></div></details>\n</section>\n");
}

// ---------------------------------------------------------------------------------------------
// 5. Wellbeing.

fn wellbeing(o: &mut String, s: &Summary) {
    section_open(o, "wellbeing", "Agent wellbeing", "");
    o.push_str("<p class=\"lede\">This looks for agents whose replies increasingly mirror the customer's emotion or grovel — taking the customer's distress on as their own — which the training material ties to exhaustion. A rising share is a prompt for a supportive conversation with the agent, never a performance mark.</p>\n");
    let rising: BTreeSet<&str> = s.wellbeing.rising.iter().map(String::as_str).collect();
    // Each agent's weekly share of strained replies.
    let lines: Vec<Line<'_>> = s
        .agents
        .iter()
        .filter_map(|a| {
            let wb = a.wellbeing.as_ref()?;
            let pts: Vec<_> = wb
                .weeks
                .iter()
                .filter(|w| w.turns > 0)
                .map(|w| (w.week.as_str(), w.strained as f64 / w.turns as f64, w.strained, w.turns))
                .collect();
            (!pts.is_empty()).then_some((a, pts))
        })
        .collect();
    if lines.is_empty() {
        empty(o, "No dated agent replies: no weekly strain to show.");
    } else {
        wellbeing_chart(o, &lines, &rising);
    }

    o.push_str("<h3>Agents with a rising share</h3>\n");
    if s.wellbeing.rising.is_empty() {
        empty(o, "No agent's share of strained replies is rising by the rule below.");
    } else {
        o.push_str("<div class=\"table-scroll\"><table class=\"compact rising-list\"><thead><tr><th scope=\"col\">Agent</th><th scope=\"col\">Team</th><th scope=\"col\" class=\"num\">First third of their weeks</th><th scope=\"col\" class=\"num\">Last third</th><th scope=\"col\" class=\"num\">Change</th></tr></thead>\n<tbody>\n");
        for name in &s.wellbeing.rising {
            let card = s.agents.iter().find(|a| &a.name == name);
            let wb = card.and_then(|a| a.wellbeing.as_ref());
            let (first, last) = (wb.and_then(|w| w.first_share), wb.and_then(|w| w.last_share));
            let change = match (first, last) {
                (Some(f), Some(l)) => format!("{:+.1} points", (l - f) * 100.0),
                _ => "—".to_string(),
            };
            w!(
                o,
                "<tr><th scope=\"row\"><span class=\"badge rising\">rising</span> {}</th><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                E(name),
                card.and_then(|a| a.team.as_deref()).map(esc).unwrap_or_else(|| "—".to_string()),
                opct(first),
                opct(last),
                change
            );
        }
        o.push_str("</tbody></table></div>\n");
    }
    w!(o, "<p class=\"rule\"><b>Rule:</b> {}.</p>\n", E(s.wellbeing.rule.trim_end_matches('.')));
    o.push_str("</section>\n");
}

type Line<'a> = (&'a Scorecard, Vec<(&'a str, f64, u64, u64)>);

fn wellbeing_chart(o: &mut String, lines: &[Line<'_>], rising: &BTreeSet<&str>) {
    let weeks: Vec<&str> = lines.iter().flat_map(|(_, p)| p.iter().map(|q| q.0)).collect::<BTreeSet<_>>().into_iter().collect();
    let index: BTreeMap<&str, usize> = weeks.iter().enumerate().map(|(i, w)| (*w, i)).collect();
    // Weeks with only a few replies give wild shares: they are drawn hollow, left out of the
    // lines and of the scale (a share above the scale sits on its top edge).
    let solid = |q: &(&str, f64, u64, u64)| q.3 >= FEW_REPLIES;
    let any_few = lines.iter().any(|(_, p)| p.iter().any(|q| !solid(q)));
    let max = lines.iter().flat_map(|(_, p)| p.iter().filter(|q| solid(q)).map(|q| q.1)).fold(0.0f64, f64::max);
    let max = if max > 0.0 { max } else { lines.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)).fold(0.0f64, f64::max) };
    let ymax = ((max / 0.2).ceil() * 0.2).clamp(0.2, 1.0);
    let (wd, ht, left, right, top, bottom) = (1000.0, 300.0, 52.0, 170.0, 14.0, 46.0);
    let plot_w = wd - left - right;
    let plot_h = ht - top - bottom;
    let base = top + plot_h;
    let x_of = |i: usize| {
        if weeks.len() <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (weeks.len() - 1) as f64
        }
    };
    let y_of = |v: f64| base - plot_h * (v.clamp(0.0, ymax) / ymax);

    // Legend: the rising agents by colour and name, the others in grey.
    let risers: Vec<&Line<'_>> = lines.iter().filter(|(a, _)| rising.contains(a.name.as_str())).collect();
    o.push_str("<ul class=\"legend\">");
    for (k, (a, _)) in risers.iter().enumerate() {
        w!(
            o,
            "<li><span class=\"swatch line\" style=\"background:{}\"></span>{} <b>rising</b></li>",
            RISING_COLOURS[k % RISING_COLOURS.len()],
            E(&a.name)
        );
    }
    w!(o, "<li><span class=\"swatch line grey\"></span>{}</li>", if risers.is_empty() { "Each agent" } else { "Other agents" });
    if any_few {
        w!(o, "<li><span class=\"swatch hollow\"></span>a week with fewer than {FEW_REPLIES} replies (not joined)</li>");
    }
    o.push_str("</ul>\n");

    w!(
        o,
        "<div class=\"chart-box\"><svg class=\"chart\" data-chart=\"wellbeing\" viewBox=\"0 0 {wd} {ht}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"Weekly share of strained replies per agent, {} highlighted as rising\"><title>Weekly share of strained replies per agent</title>\n",
        plural(risers.len() as u64, "agent", "agents")
    );
    for k in 0..=4 {
        let v = ymax * k as f64 / 4.0;
        let y = c(y_of(v));
        w!(
            o,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{GRID}\"/><text x=\"{}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"central\" class=\"tick\">{}</text>\n",
            c(left),
            c(left + plot_w),
            c(left - 8.0),
            pct(v)
        );
    }
    let path = |pts: &[(&str, f64, u64, u64)]| {
        pts.iter().filter(|q| solid(q)).map(|p| format!("{},{}", c(x_of(index[p.0])), c(y_of(p.1)))).collect::<Vec<_>>()
    };
    let point = |o: &mut String, name: &str, p: &(&str, f64, u64, u64), r: f64, colour: &str| {
        let (fill, stroke) = if solid(p) { (colour, "#fff") } else { ("#fff", colour) };
        w!(
            o,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{r}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.3\"><title>{}, {}: {} ({} of {})</title></circle>",
            c(x_of(index[p.0])),
            c(y_of(p.1)),
            E(name),
            E(p.0),
            pct(p.1),
            num(p.2),
            num(p.3)
        );
    };
    // The others first, in grey, so the rising ones are drawn on top.
    for (a, pts) in lines.iter().filter(|(a, _)| !rising.contains(a.name.as_str())) {
        w!(o, "<g class=\"other\"><title>{}</title>", E(&a.name));
        let line = path(pts);
        if line.len() > 1 {
            w!(
                o,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"#c3cad3\" stroke-width=\"1.6\" stroke-linejoin=\"round\"/>",
                line.join(" ")
            );
        }
        for p in pts {
            point(o, &a.name, p, 2.4, "#aab3bf");
        }
        o.push_str("</g>\n");
    }
    // End labels for the rising, nudged apart so they do not overlap.
    let mut labels: Vec<(f64, f64, usize)> = Vec::new();
    for (k, (a, pts)) in risers.iter().enumerate() {
        let colour = RISING_COLOURS[k % RISING_COLOURS.len()];
        w!(o, "<g class=\"rising\"><title>{} (rising)</title>", E(&a.name));
        let line = path(pts);
        if line.len() > 1 {
            w!(
                o,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"3\" stroke-linejoin=\"round\"/>",
                line.join(" ")
            );
        }
        for p in pts.iter() {
            point(o, &a.name, p, 3.8, colour);
        }
        o.push_str("</g>\n");
        if let Some(p) = pts.iter().rev().find(|q| solid(q)).or(pts.last()) {
            labels.push((y_of(p.1), x_of(index[p.0]), k));
        }
    }
    // Labels right of the plot, level with each line's last solid point, nudged apart.
    labels.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    let mut prev = f64::NEG_INFINITY;
    for (at, x, k) in labels {
        let y = at.max(prev + 15.0);
        prev = y;
        let a = risers[k].0;
        w!(
            o,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-dasharray=\"2 3\"/>",
            c(x + 6.0),
            c(at),
            c(left + plot_w + 16.0),
            c(y),
            RISING_COLOURS[k % RISING_COLOURS.len()]
        );
        w!(
            o,
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" class=\"name\" fill=\"{}\">{}</text>",
            c(left + plot_w + 20.0),
            c(y),
            RISING_COLOURS[k % RISING_COLOURS.len()],
            E(&short(&a.name, 20))
        );
    }
    week_axis(o, &weeks, &x_of, base + 18.0, plot_w);
    o.push_str("</svg></div>\n");
}

// ---------------------------------------------------------------------------------------------
// 6. and 7. Examples.

fn examples(o: &mut String, id: &str, title: &str, lede: &str, list: &[Example], none: &str) {
    section_open(o, id, title, lede);
    if list.is_empty() {
        empty(o, none);
        o.push_str("</section>\n");
        return;
    }
    o.push_str("<ul class=\"legend marks\"><li><mark class=\"key side-empathy\">empathy side</mark></li><li><mark class=\"key side-sympathy\">sympathy side</mark></li><li><mark class=\"key side-dismissive\">dismissive side</mark></li><li class=\"hint\">Hover a highlight for why it matters; numbers match the list.</li></ul>\n");
    for e in list {
        example(o, e);
    }
    o.push_str("</section>\n");
}

fn example(o: &mut String, e: &Example) {
    let st = e.stance.name();
    w!(o, "<article class=\"example st-{st}\">\n<header class=\"ex-head\"><span class=\"badge st-{st}\">{st}</span> <span class=\"who\"><strong>{}</strong>", E(&e.agent));
    if let Some(team) = &e.team {
        w!(o, " <span class=\"team\">{}</span>", E(team));
    }
    o.push_str("</span><span class=\"where\">");
    w!(o, "conversation <code>{}</code> · turn {}", E(&e.conversation), e.turn);
    if let Some(t) = &e.time {
        w!(o, " · <time>{}</time>", E(&nice_time(t)));
    }
    o.push_str("</span></header>\n<div class=\"ex-body\">\n<div class=\"ex-text\">\n");
    if let Some(cust) = e.customer.as_deref().filter(|c| !c.trim().is_empty()) {
        o.push_str("<div class=\"bubble customer\"><p class=\"who-said\">Customer");
        if let Some(em) = e.customer_emotion {
            w!(o, " <span class=\"emotion\">{}</span>", em.adjective());
        }
        w!(o, "</p><p class=\"msg\">{}</p></div>\n", E(cust.trim_end()));
    }
    o.push_str("<div class=\"bubble reply\"><p class=\"who-said\">Reply</p><p class=\"msg\">");
    highlight(o, &e.reply, &e.findings);
    o.push_str("</p></div>\n");
    if !e.notes.is_empty() {
        o.push_str("<ul class=\"notes\">");
        for n in &e.notes {
            w!(o, "<li><b>Note</b> {}</li>", E(n));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</div>\n");
    if e.findings.is_empty() {
        o.push_str("<p class=\"dim findings-none\">No cues were found in this reply.</p>\n");
    } else {
        // Findings that say the same thing (same cue, message and suggestion) are listed once,
        // with the numbers and the quotes of each; in order of first appearance.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, f) in e.findings.iter().enumerate() {
            let same = |g: &Vec<usize>| {
                let h = &e.findings[g[0]];
                h.cue == f.cue && h.side == f.side && h.message == f.message && h.suggestion == f.suggestion
            };
            match groups.iter_mut().find(|g| same(g)) {
                Some(g) => g.push(i),
                None => groups.push(vec![i]),
            }
        }
        o.push_str("<ol class=\"findings\">\n");
        for g in &groups {
            let f = &e.findings[g[0]];
            let side = side_name(f.side);
            w!(o, "<li class=\"finding side-{side}\"><div class=\"f-head\">");
            for &i in g {
                w!(o, "<span class=\"f-n\">{}</span>", i + 1);
            }
            w!(o, "<code class=\"f-cue\">{}</code><span class=\"f-side\">{side} side</span></div>", f.cue.name());
            for &i in g {
                let text = &e.findings[i].text;
                if !text.is_empty() {
                    w!(o, "<q class=\"f-text\">{}</q>", E(text));
                }
            }
            if !f.message.is_empty() {
                w!(o, "<p class=\"f-msg\">{}</p>", E(&f.message));
            }
            if let Some(sug) = f.suggestion.as_deref().filter(|s| !s.trim().is_empty()) {
                w!(o, "<p class=\"suggestion\"><span class=\"s-label\">Instead</span> {}</p>", E(sug));
            }
            o.push_str("</li>\n");
        }
        o.push_str("</ol>\n");
    }
    o.push_str("</div>\n</article>\n");
}

/// A finding whose span can be marked: inside the reply, on character boundaries, not empty.
fn markable(reply: &str, f: &ExampleFinding) -> bool {
    f.start < f.end && f.end <= reply.len() && reply.is_char_boundary(f.start) && reply.is_char_boundary(f.end)
}

/// The reply, escaped, with every markable finding's span wrapped in `<mark class="cue">`.
///
/// The reply is cut at every span boundary; each piece is covered by a stack of findings,
/// outermost first (earlier start, then longer span, then list order). Marks are opened and
/// closed as the stack changes from piece to piece, so nested spans nest and a span crossing
/// another is split into several marks of the same cue. A span that does not cross another
/// is wrapped by exactly one mark holding exactly its text. The mark of a span's last piece
/// carries `data-n`, the finding's number in the list beside the reply.
fn highlight(o: &mut String, reply: &str, findings: &[ExampleFinding]) {
    let valid: Vec<usize> = (0..findings.len()).filter(|&i| markable(reply, &findings[i])).collect();
    let mut cuts: Vec<usize> = vec![0, reply.len()];
    for &i in &valid {
        cuts.push(findings[i].start);
        cuts.push(findings[i].end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let pieces: Vec<(usize, usize, Vec<usize>)> = cuts
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let mut cover: Vec<usize> = valid.iter().copied().filter(|&i| findings[i].start <= a && findings[i].end >= b).collect();
            cover.sort_by_key(|&i| (findings[i].start, Reverse(findings[i].end), i));
            (a, b, cover)
        })
        .collect();
    let mut open: Vec<usize> = Vec::new();
    for (k, (a, b, want)) in pieces.iter().enumerate() {
        let common = open.iter().zip(want).take_while(|(x, y)| x == y).count();
        while open.len() > common {
            open.pop();
            o.push_str("</mark>");
        }
        for depth in common..want.len() {
            let i = want[depth];
            // Where this mark will close: the first piece whose stack no longer starts the same.
            let mut j = k;
            while j + 1 < pieces.len() && pieces[j + 1].2.len() > depth && pieces[j + 1].2[..=depth] == want[..=depth] {
                j += 1;
            }
            let f = &findings[i];
            let last_piece = pieces[j].1 == f.end;
            let side = side_name(f.side);
            w!(o, "<mark class=\"cue side-{side}\" data-cue=\"{}\" data-side=\"{side}\"", f.cue.name());
            if last_piece {
                w!(o, " data-n=\"{}\"", i + 1);
            }
            let title = if f.message.trim().is_empty() { f.cue.name() } else { f.message.as_str() };
            w!(o, " title=\"{}\">", E(title));
            open.push(i);
        }
        w!(o, "{}", E(&reply[*a..*b]));
    }
    for _ in open {
        o.push_str("</mark>");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Bots, 9. malformed records.

fn bots(o: &mut String, s: &Summary) {
    section_open(
        o,
        "bots",
        "Bots, reported apart",
        "Automated replies are judged like any other but kept out of the agents' figures, so that an auto-reply never counts for or against a person.",
    );
    let b = &s.bots;
    if b.card.turns == 0 && b.names.is_empty() {
        empty(o, "No bot turns were found in the input.");
        o.push_str("</section>\n");
        return;
    }
    let n = counts(&b.card);
    stance_legend(o, Some((&n, b.card.turns)), "");
    scorecard_table(o, "bot-scorecard", "All bots together", "Bots", std::slice::from_ref(&b.card), false);
    o.push_str("<h3>Turns per bot</h3>\n<div class=\"table-scroll narrow\"><table class=\"compact\"><thead><tr><th scope=\"col\">Bot</th><th scope=\"col\" class=\"num\">Turns</th><th scope=\"col\" class=\"num\">Share</th></tr></thead>\n<tbody>\n");
    let total: u64 = b.names.values().sum::<u64>().max(1);
    let mut names: Vec<(&String, &u64)> = b.names.iter().collect();
    names.sort_by_key(|(k, v)| (Reverse(**v), k.as_str()));
    for (name, turns) in names {
        w!(
            o,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            E(name),
            num(*turns),
            pct(*turns as f64 / total as f64)
        );
    }
    o.push_str("</tbody></table></div>\n</section>\n");
}

/// Malformed records shown at once; the rest of those listed are folded away.
const MALFORMED_SHOWN: usize = 25;

fn malformed_table(o: &mut String, rows: &[crate::turn::Malformed]) {
    o.push_str("<div class=\"table-scroll\"><table class=\"compact malformed\"><thead><tr><th scope=\"col\">File</th><th scope=\"col\" class=\"num\">Line</th><th scope=\"col\">Field</th><th scope=\"col\" class=\"reason\">Reason</th></tr></thead>\n<tbody>\n");
    for r in rows {
        w!(
            o,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
            E(&r.file),
            r.line,
            r.field.as_deref().map(|f| format!("<code>{}</code>", E(f))).unwrap_or_else(|| "<span class=\"dim\">—</span>".to_string()),
            E(&r.reason)
        );
    }
    o.push_str("</tbody></table></div>\n");
}

fn malformed(o: &mut String, s: &Summary) {
    section_open(o, "malformed", "Malformed records", "Records the readers could not use. They never stop the audit; they are counted and listed here so they can be fixed at the source.");
    let m = &s.malformed;
    if m.count == 0 {
        empty(o, "No malformed records: every record could be read.");
        o.push_str("</section>\n");
        return;
    }
    w!(o, "<p><b>{}</b> could not be read.</p>\n", plural(m.count, "record", "records"));
    let (shown, folded) = m.listed.split_at(m.listed.len().min(MALFORMED_SHOWN));
    if !shown.is_empty() {
        malformed_table(o, shown);
    }
    if !folded.is_empty() {
        w!(o, "<details class=\"numbers\"><summary>Show the other {} listed</summary>\n", plural(folded.len() as u64, "record", "records"));
        malformed_table(o, folded);
        o.push_str("</details>\n");
    }
    if m.not_listed > 0 {
        w!(o, "<p class=\"fine\">{} more not listed.</p>\n", num(m.not_listed));
    }
    o.push_str("</section>\n");
}

// ---------------------------------------------------------------------------------------------
// Style.

const CSS: &str = r#":root{--ink:#1d2430;--muted:#5b6675;--faint:#8a94a3;--line:#e3e7ec;--bg:#f5f6f8;--card:#fff;--head:#1f2f46;
--emp:#177e70;--sym:#e0a030;--neu:#b4bcc8;--dis:#b03a5b;--emp-tint:#d9f0ea;--sym-tint:#fcebc5;--dis-tint:#f7d9e2;--rise:#3b5bdb}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif,"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji";-webkit-font-smoothing:antialiased}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.88em}
.wrap{max-width:1240px;margin:0 auto;padding:0 28px}
.masthead{background:var(--head);color:#fff;padding:44px 0 26px}
.eyebrow{margin:0 0 6px;text-transform:uppercase;letter-spacing:.14em;font-size:.78rem;color:#aab8cc;font-weight:600}
h1{margin:0;font-size:2.1rem;line-height:1.2;letter-spacing:-.015em;font-weight:700}
.subtitle{margin:8px 0 22px;color:#cfd8e4;font-size:1.05rem}
.meta{display:grid;grid-template-columns:minmax(0,2.2fr) repeat(3,minmax(0,1fr));gap:14px 28px;margin:0 0 22px;padding:18px 0 0;border-top:1px solid rgba(255,255,255,.14)}
.meta dt{font-size:.74rem;text-transform:uppercase;letter-spacing:.1em;color:#9fb0c6;margin-bottom:3px}
.meta dd{margin:0;color:#fff;overflow-wrap:anywhere}
.meta code{font-size:.9em;color:#fff}
.inputs{list-style:none;margin:0;padding:0}
.inputs li{margin:0 0 2px}
.fmt{display:inline-block;font-size:.72rem;padding:0 6px;border-radius:4px;background:rgba(255,255,255,.14);color:#dbe4ef;vertical-align:1px}
.flag{display:inline-block;font-size:.78rem;font-weight:700;padding:0 8px;border-radius:999px;background:rgba(255,255,255,.16);margin-right:6px}
.flag.on{background:#2f9e8f}
.toc{display:flex;flex-wrap:wrap;gap:6px 8px}
.toc a{color:#dbe4ef;text-decoration:none;font-size:.86rem;padding:4px 11px;border-radius:999px;border:1px solid rgba(255,255,255,.18)}
.toc a:hover{background:rgba(255,255,255,.1);color:#fff}
main{padding-top:8px;padding-bottom:8px}
section{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:30px 30px 32px;margin:26px 0;box-shadow:0 1px 2px rgba(16,24,40,.04)}
h2{margin:0 0 6px;font-size:1.5rem;line-height:1.25;letter-spacing:-.01em}
h3{margin:30px 0 12px;font-size:1.06rem;color:var(--ink)}
.lede{margin:0 0 20px;color:var(--muted);max-width:75ch}
.empty{margin:8px 0;padding:16px 18px;border:1px dashed var(--line);border-radius:10px;color:var(--muted);background:#fafbfc}
.fine{color:var(--muted);font-size:.9rem;margin:14px 0 0;max-width:80ch}
.dim{color:var(--faint)}
.n{color:var(--muted);font-weight:400}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(132px,1fr));gap:12px}
.kpi.quiet{background:#fff;border-style:dashed}
.kpi.quiet .kpi-value{font-size:1.35rem;color:#3a4452;padding-top:4px}
.kpi{border:1px solid var(--line);border-radius:12px;padding:14px 16px;background:#fbfcfd;display:flex;flex-direction:column}
.kpi-value{font-size:1.65rem;font-weight:700;letter-spacing:-.02em;font-variant-numeric:tabular-nums;line-height:1.2}
.kpi-label{color:var(--ink);font-size:.9rem}
.kpi-note{color:var(--faint);font-size:.78rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:14px;margin-top:22px}
.stat{border-left:4px solid var(--emp);background:#f7faf9;border-radius:0 12px 12px 0;padding:14px 18px}
.stat:nth-child(3){border-left-color:var(--sym);background:#fdfaf3}
.stat-value{display:block;font-size:1.75rem;font-weight:700;letter-spacing:-.02em;font-variant-numeric:tabular-nums;line-height:1.2}
.stat-value .vs{font-size:.95rem;font-weight:500;color:var(--muted);margin:0 4px}
.stat-label{display:block;font-weight:600;margin-bottom:4px}
.stat p{margin:0;color:var(--muted);font-size:.88rem}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;margin:0 0 12px;padding:0;font-size:.9rem}
.legend li{display:flex;align-items:center;gap:6px}
.legend .hint{color:var(--faint);font-size:.84rem}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;flex:none;vertical-align:-1px;margin-right:2px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.swatch.line{height:4px;width:18px;border-radius:2px;background:var(--ink)}
.swatch.grey{background:#c3cad3}
.swatch.hollow{width:10px;height:10px;border-radius:50%;border:1.5px solid #8a94a3;background:#fff}
.swatch.st-empathetic{background:var(--emp)}
.swatch.st-sympathetic{background:var(--sym)}
.swatch.st-neutral{background:var(--neu)}
.swatch.st-dismissive{background:var(--dis)}
th .swatch{width:9px;height:9px;margin-right:5px}
th.num .swatch{display:block;width:100%;max-width:44px;height:5px;border-radius:3px;margin:0 0 5px auto}
.chart-box{margin:6px 0 8px}
svg.chart{display:block;width:100%;height:auto;overflow:visible;font-family:inherit;-webkit-print-color-adjust:exact;print-color-adjust:exact}
svg.chart.bar{margin:4px 0 0}
svg.chart text{font-size:13px}
svg.chart text:not([fill]){fill:var(--ink)}
svg.chart text.tick{font-size:12px;fill:var(--muted)}
svg.chart text.year{font-size:11px;fill:var(--faint)}
svg.chart text.seg{font-size:12.5px;font-weight:600}
svg.chart.bar text.seg{font-size:14px}
svg.chart text.count{font-size:12px;fill:var(--muted)}
svg.chart text.name{font-size:13px}
svg.chart text.name[fill]{font-weight:600}
.hbars{list-style:none;margin:0;padding:0;max-width:760px}
.hbars li{display:grid;grid-template-columns:170px minmax(0,1fr) 120px;align-items:center;gap:12px;padding:4px 0;font-size:.92rem}
.hb-track{height:12px;background:#f0f2f5;border-radius:6px;overflow:hidden}
.hb-fill{display:block;height:100%;background:#6b7f99;border-radius:6px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.hbars li.calm .hb-fill{background:#c3cad3}
.hb-value{font-variant-numeric:tabular-nums;text-align:right}
.table-scroll{overflow-x:auto;margin:18px 0 4px;border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%;font-size:.88rem;font-variant-numeric:tabular-nums}
caption{text-align:left;padding:10px 14px 0;color:var(--muted);font-size:.82rem;caption-side:top}
th,td{padding:9px 12px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
thead th{font-size:.76rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;vertical-align:bottom;background:#fafbfc;white-space:nowrap}
tbody tr:last-child>*{border-bottom:0}
tbody tr:hover{background:#fafbfc}
tbody th{font-weight:600}
.num{text-align:right;white-space:nowrap}
.scorecards{font-size:.84rem}
.scorecards th,.scorecards td{padding:9px 6px}
.scorecards th:first-child,.scorecards td:first-child{padding-left:14px}
.scorecards th:last-child,.scorecards td:last-child{padding-right:14px}
.scorecards th.name{min-width:104px}
.scorecards thead th{white-space:normal;text-transform:none;letter-spacing:0;font-size:.74rem;line-height:1.3}
.colkey{font-size:.82rem;color:var(--muted);margin:10px 0 0;max-width:110ch}
.colkey b{color:var(--ink);font-weight:600}
.table-scroll.narrow{max-width:560px}
table.malformed .reason{width:50%}
.scorecards tbody th.name{position:sticky;left:0;background:#fff;z-index:1}
table.compact{font-size:.86rem}
.cues{min-width:160px}
.chip{display:inline-block;margin:1px 3px 3px 0;padding:0 7px;border-radius:10px;font-size:.72rem;background:#eef1f4;color:var(--ink);border:1px solid transparent}
.chip b{font-weight:600;color:var(--muted)}
.chip.side-empathy{background:var(--emp-tint);border-color:#b5e0d5}
.chip.side-sympathy{background:var(--sym-tint);border-color:#f1d597}
.chip.side-dismissive{background:var(--dis-tint);border-color:#ebb7c6}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:.76rem;font-weight:700;letter-spacing:.02em;text-transform:uppercase;white-space:nowrap;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.badge.st-empathetic{background:var(--emp);color:#fff}
.badge.st-sympathetic{background:var(--sym);color:#1d2430}
.badge.st-neutral{background:var(--neu);color:#1d2430}
.badge.st-dismissive{background:var(--dis);color:#fff}
.badge.rising{background:#e7ecfd;color:#2b44b0;text-transform:none;font-weight:600}
details.numbers{margin-top:14px}
details.numbers summary{cursor:pointer;color:var(--muted);font-size:.9rem}
.rule{font-size:.88rem;color:var(--muted);margin:16px 0 0;max-width:85ch}
.rule b{color:var(--ink)}
.legend.marks mark{font-size:.85rem}
article.example{border:1px solid var(--line);border-left:5px solid var(--neu);border-radius:12px;margin:18px 0;background:#fff;overflow:hidden}
article.example.st-empathetic{border-left-color:var(--emp)}
article.example.st-sympathetic{border-left-color:var(--sym)}
article.example.st-dismissive{border-left-color:var(--dis)}
.ex-head{display:flex;flex-wrap:wrap;align-items:center;gap:6px 12px;padding:12px 18px;border-bottom:1px solid var(--line);background:#fafbfc}
.who strong{font-weight:650}
.team{color:var(--muted);font-size:.9rem;margin-left:4px}
.team::before{content:"· "}
.where{margin-left:auto;color:var(--muted);font-size:.84rem}
.where code{color:var(--ink)}
.where time{white-space:nowrap}
.ex-body{display:grid;grid-template-columns:minmax(0,1.4fr) minmax(0,1fr);gap:0}
.ex-text{padding:16px 18px}
.bubble{border-radius:12px;padding:10px 14px;margin:0 0 12px}
.bubble.customer{background:#f1f3f6;margin-right:12%}
.bubble.reply{background:#fff;border:1px solid var(--line);margin-left:4%}
.who-said{margin:0 0 4px;font-size:.74rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);font-weight:600}
.emotion{text-transform:none;letter-spacing:0;font-weight:600;color:#7a4b00;background:var(--sym-tint);padding:0 7px;border-radius:999px;margin-left:4px}
.msg{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.7}
.bubble.customer .msg{color:#3a4452}
mark.cue,mark.key{color:inherit;border-radius:3px;padding:1px 2px;-webkit-box-decoration-break:clone;box-decoration-break:clone;border-bottom:2px solid;-webkit-print-color-adjust:exact;print-color-adjust:exact}
mark.side-empathy{background:var(--emp-tint);border-bottom-color:var(--emp)}
mark.side-sympathy{background:var(--sym-tint);border-bottom-color:#c98a12;border-bottom-style:dashed}
mark.side-dismissive{background:var(--dis-tint);border-bottom-color:var(--dis);border-bottom-style:dotted;border-bottom-width:3px}
mark.cue mark.cue{padding:1px 0}
mark.cue[data-n]::after{content:attr(data-n);font-size:.66em;font-weight:700;vertical-align:super;line-height:0;margin-left:2px;color:var(--muted)}
.notes{list-style:none;margin:4px 0 0;padding:0;font-size:.88rem;color:var(--muted)}
.notes li{margin:4px 0}
.notes b{font-size:.72rem;text-transform:uppercase;letter-spacing:.06em;margin-right:6px;color:var(--ink)}
.findings{list-style:none;margin:0;padding:14px 18px;background:#fbfcfd;border-left:1px solid var(--line)}
.findings-none{padding:14px 18px;margin:0}
.finding{padding:10px 0 12px;border-bottom:1px solid var(--line)}
.finding:last-child{border-bottom:0}
.f-head{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.f-head .f-n+.f-n{margin-left:-4px}
.f-n{display:inline-flex;align-items:center;justify-content:center;min-width:20px;height:20px;border-radius:10px;font-size:.72rem;font-weight:700;background:#e9edf1;color:var(--ink)}
.finding.side-empathy .f-n{background:var(--emp);color:#fff}
.finding.side-sympathy .f-n{background:var(--sym);color:#1d2430}
.finding.side-dismissive .f-n{background:var(--dis);color:#fff}
.f-cue{font-weight:600;font-size:.84rem}
.f-side{font-size:.76rem;color:var(--muted)}
.f-text{display:block;margin:6px 0 4px;font-style:italic;color:#3a4452;font-size:.9rem}
.f-msg{margin:4px 0 0;font-size:.88rem}
.suggestion{margin:8px 0 0;font-size:.88rem;padding:8px 10px;background:#eef7f4;border-radius:8px;color:#14463f}
.s-label{display:inline-block;font-size:.7rem;text-transform:uppercase;letter-spacing:.07em;font-weight:700;margin-right:6px;color:var(--emp)}
.foot{color:var(--faint);font-size:.84rem;padding-top:4px;padding-bottom:40px}
.foot p{margin:0;max-width:90ch}
@media screen and (max-width:860px){
.wrap{padding:0 14px}
.masthead{padding:28px 0 18px}
h1{font-size:1.6rem}
.meta{grid-template-columns:1fr 1fr}
.meta>div:first-child{grid-column:1/-1}
section{padding:20px 16px 22px;border-radius:12px;margin:16px 0}
.chart-box{overflow-x:auto;-webkit-overflow-scrolling:touch}
.chart-box svg.chart{min-width:640px}
svg.chart text{font-size:16px}
svg.chart text.tick,svg.chart text.count{font-size:15px}
svg.chart text.seg{font-size:15px}
svg.chart.bar text.seg{display:none}
.hbars li{font-size:.86rem}
.ex-body{grid-template-columns:1fr}
.findings{border-left:0;border-top:1px solid var(--line)}
.bubble.customer{margin-right:0}
.bubble.reply{margin-left:0}
.where{margin-left:0;flex-basis:100%}
.hbars li{grid-template-columns:118px minmax(0,1fr) 92px;gap:8px}
}
@media print{
@page{margin:14mm}
body{background:#fff;font-size:11pt}
.masthead{background:#fff;color:var(--ink);padding:0 0 10px;border-bottom:2px solid var(--ink)}
.masthead .eyebrow,.subtitle,.meta dt{color:var(--muted)}
.meta dd,.meta code{color:var(--ink)}
.fmt,.flag{background:#eef1f4;color:var(--ink)}
.toc{display:none}
.wrap{max-width:none;padding:0}
section{box-shadow:none;border:0;border-top:1px solid var(--line);border-radius:0;padding:14px 0;margin:14px 0}
article.example,.kpi,.stat,svg.chart,tr{break-inside:avoid}
h2,h3{break-after:avoid}
.table-scroll,.chart-box{overflow:visible;border:0}
.scorecards tbody th.name{position:static}
tbody tr:hover{background:none}
}
"#;

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::analyze;
    use crate::demo::{self, DemoOptions};
    use crate::summary::{Aggregate, Input, Meta};
    use crate::turn::Malformed;
    use evenkeel_core::Analyzer;
    use evenkeel_model::{Engine, EngineKind};
    use std::sync::OnceLock;

    const SECTIONS: [&str; 9] =
        ["totals", "agents", "teams", "trends", "wellbeing", "worst-examples", "best-examples", "bots", "malformed"];

    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(|| Engine::new(Analyzer::builtin(), None, EngineKind::Rules).unwrap())
    }

    fn meta() -> Meta {
        Meta {
            evenkeel_version: "0.1.0".into(),
            engine: "rules".into(),
            inputs: vec![Input { file: "demo.csv".into(), format: "csv".into() }],
            redacted: false,
        }
    }

    fn aggregate(conversations: usize) -> Aggregate {
        let mut agg = Aggregate::default();
        for turns in demo::conversations(&DemoOptions { conversations, seed: 7, ..DemoOptions::default() }) {
            let id = turns[0].conversation.clone();
            agg.add(&analyze(engine(), &id, false, &turns));
        }
        agg.add_malformed(Malformed { file: "demo.csv".into(), line: 42, field: Some("time".into()), reason: "not a time".into() });
        agg
    }

    /// A realistic summary: the demo data through the rules engine.
    fn demo_summary() -> &'static Summary {
        static S: OnceLock<Summary> = OnceLock::new();
        S.get_or_init(|| aggregate(240).summary(meta()))
    }

    fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
        let a = html.find(from).unwrap_or_else(|| panic!("{from} missing"));
        let rest = &html[a..];
        &rest[..rest.find(to).unwrap_or_else(|| panic!("{to} missing after {from}"))]
    }

    fn section<'a>(html: &'a str, id: &str) -> &'a str {
        between(html, &format!("<section id=\"{id}\">"), "</section>")
    }

    /// Every tag in the page is one the report writes itself, and every element that must be
    /// closed is: injected markup would show up here.
    fn assert_well_formed(html: &str) {
        const ALLOWED: &[&str] = &[
            "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "nav", "section", "article", "h1",
            "h2", "h3", "p", "div", "span", "a", "b", "wbr", "strong", "code", "q", "time", "dl", "dt", "dd", "ul", "ol", "li", "table",
            "caption", "thead", "tbody", "tr", "th", "td", "details", "summary", "mark", "svg", "g", "rect", "line", "polyline", "circle",
            "text",
        ];
        let body = html;
        let mut depth: BTreeMap<String, i64> = BTreeMap::new();
        let mut rest = body;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let closing = rest.starts_with('/');
            let name: String = rest.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '!').collect();
            assert!(ALLOWED.contains(&name.as_str()) || name == "style", "unexpected tag <{name}: …{}", &rest[..rest.len().min(80)]);
            let end = rest.find('>').expect("tag closes");
            let tag = &rest[..end];
            // Attribute names, with the quoted values dropped: no event handlers.
            let names: String = tag.split('"').step_by(2).collect::<Vec<_>>().join(" ");
            assert!(!names.split_whitespace().any(|a| a.to_ascii_lowercase().starts_with("on")), "event attribute in <{tag}>");
            let self_closing = tag.ends_with('/');
            if !self_closing && !["meta", "!DOCTYPE", "wbr"].contains(&name.as_str()) {
                *depth.entry(name).or_default() += if closing { -1 } else { 1 };
            }
        }
        for (name, d) in depth {
            if name != "style" {
                assert_eq!(d, 0, "<{name}> opened and closed unevenly");
            }
        }
    }

    /// The text of a fragment: tags dropped, entities decoded.
    fn text_of(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for ch in html.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => out.push(ch),
                _ => {}
            }
        }
        out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
    }

    fn finding(cue: Cue, start: usize, end: usize, reply: &str) -> ExampleFinding {
        ExampleFinding {
            cue,
            side: cue.side(),
            start,
            end,
            text: reply.get(start..end).unwrap_or("?").to_string(),
            message: format!("why {} matters", cue.name()),
            suggestion: (cue.side() != Side::Empathy).then(|| "say it differently".to_string()),
        }
    }

    fn marked(reply: &str, findings: &[ExampleFinding]) -> String {
        let mut o = String::new();
        highlight(&mut o, reply, findings);
        o
    }

    #[test]
    fn numbers_are_percentages_with_at_most_one_decimal() {
        assert_eq!(pct(0.4567), "45.7%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(0.125), "12.5%");
        assert_eq!(pct(0.3333), "33.3%");
        assert_eq!(pct(f64::NAN), "—");
        assert_eq!(opct(None), "—");
        assert_eq!(opct(Some(0.05)), "5%");
        assert_eq!(num(0), "0");
        assert_eq!(num(1234567), "1,234,567");
        assert_eq!(num(999), "999");
        assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(nice_time("2026-01-05T09:00:00Z"), "2026-01-05 09:00 UTC");
        assert_eq!(nice_time("yesterday"), "yesterday");
        assert_eq!(week_label("2026-W02"), ("W02".to_string(), "2026".to_string()));
        // Two years of weeks: labels thinned to fit.
        assert!(104usize.div_ceil(label_step(104, 932.0, 52.0)) <= 18);
        assert_eq!(label_step(12, 932.0, 52.0), 1);
    }

    #[test]
    fn every_section_is_there_in_order_with_a_heading() {
        let html = render(demo_summary());
        assert!(html.starts_with("<!DOCTYPE html>"));
        let mut last = 0;
        for id in SECTIONS {
            let at = html.find(&format!("<section id=\"{id}\">")).unwrap_or_else(|| panic!("section {id} missing"));
            assert!(at > last, "section {id} out of order");
            last = at;
            assert!(section(&html, id).contains("<h2>"), "section {id} has no heading");
        }
        assert_well_formed(&html);
    }

    #[test]
    fn scorecard_tables_have_one_row_per_agent_and_team() {
        let s = demo_summary();
        assert_eq!(s.agents.len(), 8, "the demo's cast");
        let html = render(s);
        let rows =
            |id: &str| between(&html, &format!("<table id=\"{id}\""), "</table>").split("<tbody>").nth(1).unwrap().matches("<tr>").count();
        assert_eq!(rows("agent-scorecards"), s.agents.len());
        assert_eq!(rows("team-scorecards"), s.teams.len());
        let agents = between(&html, "<table id=\"agent-scorecards\"", "</table>");
        assert!(agents.contains("<thead>"));
        for a in &s.agents {
            assert!(agents.contains(&format!("<th scope=\"row\" class=\"name\">{}</th>", esc(&a.name))), "{}", a.name);
        }
        let teams = between(&html, "<table id=\"team-scorecards\"", "</table>");
        assert!(!teams.contains("<th scope=\"col\">Team</th>"), "no team column for teams");
        // The drifting agent of the demo is flagged, in the table and in the wellbeing list.
        assert!(s.wellbeing.rising.iter().any(|n| n == "Sofia Lindqvist"), "{:?}", s.wellbeing.rising);
        assert!(section(&html, "wellbeing").contains("Sofia Lindqvist"));
        assert!(section(&html, "wellbeing").contains(&esc(&s.wellbeing.rule)));
    }

    #[test]
    fn charts_are_drawn_when_there_is_data() {
        let s = demo_summary();
        let html = render(s);
        for (chart, in_section) in
            [("agent-stances", "agents"), ("weekly-stances", "trends"), ("wellbeing", "wellbeing"), ("team-stances", "totals")]
        {
            let sec = section(&html, in_section);
            let svg = between(sec, &format!("data-chart=\"{chart}\""), "</svg>");
            let open = &sec[sec.find(&format!("data-chart=\"{chart}\"")).unwrap() - 40..];
            assert!(open.contains("<svg class=\"chart"), "{chart}");
            for attr in ["viewBox=\"0 0 ", "width=\"100%\"", "role=\"img\"", "aria-label=\""] {
                assert!(svg.contains(attr), "{chart} lacks {attr}");
            }
            assert!(svg.contains("<title>"), "{chart}");
            assert!(svg.contains("<rect") || svg.contains("<polyline") || svg.contains("<circle"), "{chart} draws nothing");
        }
        let agents = between(&html, "data-chart=\"agent-stances\"", "</svg>");
        for a in &s.agents {
            assert!(agents.contains(&format!(">{}<title>", esc(&short(&a.name, NAME_CHARS)))), "label for {}", a.name);
        }
        let weekly = between(&html, "data-chart=\"weekly-stances\"", "</svg>");
        assert_eq!(weekly.matches("<g><title>").count(), s.weeks.len(), "a column per week");
        assert!(weekly.contains("<polyline"), "the acknowledgment line");
        let wellbeing = between(&html, "data-chart=\"wellbeing\"", "</svg>");
        assert_eq!(wellbeing.matches("<g class=\"rising\">").count(), s.wellbeing.rising.len());
        assert_eq!(wellbeing.matches("<g class=\"").count(), s.agents.len(), "a line per agent");
    }

    #[test]
    fn examples_show_marks_findings_and_suggestions() {
        let s = demo_summary();
        assert!(!s.worst_examples.is_empty() && !s.best_examples.is_empty());
        let html = render(s);
        for (id, list) in [("worst-examples", &s.worst_examples), ("best-examples", &s.best_examples)] {
            let sec = section(&html, id);
            assert_eq!(sec.matches("<article class=\"example").count(), list.len(), "{id}");
            let articles: Vec<&str> = sec.split("<article ").skip(1).collect();
            assert_eq!(articles.len(), list.len(), "{id}");
            for (e, art) in list.iter().zip(articles) {
                assert!(art.starts_with("class=\"example"), "{id}");
                assert!(art.contains(&format!("<code>{}</code> · turn {}", esc(&e.conversation), e.turn)));
                assert!(art.contains(&format!("<span class=\"badge st-{0}\">{0}</span>", e.stance.name())));
                assert!(art.contains(&format!("<strong>{}</strong>", esc(&e.agent))));
                // Each finding listed once by number and quote; the same note is given once.
                let mut notes: Vec<(&str, &Option<String>, Cue)> =
                    e.findings.iter().map(|f| (f.message.as_str(), &f.suggestion, f.cue)).collect();
                notes.sort();
                notes.dedup();
                assert_eq!(art.matches("<li class=\"finding ").count(), notes.len());
                assert_eq!(art.matches("<p class=\"suggestion\">").count(), notes.iter().filter(|n| n.1.is_some()).count());
                for (i, f) in e.findings.iter().enumerate() {
                    assert_eq!(art.matches(&format!("<span class=\"f-n\">{}</span>", i + 1)).count(), 1);
                    assert!(art.contains(&format!("<q class=\"f-text\">{}</q>", esc(&f.text))));
                }
                // A mark around every span that crosses no other, holding exactly its text.
                for (i, f) in e.findings.iter().enumerate() {
                    let crosses = e.findings.iter().enumerate().any(|(j, g)| {
                        j != i
                            && g.start < f.end
                            && f.start < g.end
                            && !(g.start <= f.start && f.end <= g.end)
                            && !(f.start <= g.start && g.end <= f.end)
                    });
                    if crosses || !markable(&e.reply, f) {
                        continue;
                    }
                    let holds_another = e.findings.iter().enumerate().any(|(j, g)| j != i && f.start <= g.start && g.end <= f.end);
                    let opening = format!(
                        "<mark class=\"cue side-{0}\" data-cue=\"{1}\" data-side=\"{0}\" data-n=\"{2}\" title=\"{3}\">",
                        f.side.name(),
                        f.cue.name(),
                        i + 1,
                        esc(&f.message)
                    );
                    let at = art.find(&opening).unwrap_or_else(|| panic!("no mark for {f:?}"));
                    if !holds_another {
                        assert!(art[at + opening.len()..].starts_with(&format!("{}</mark>", esc(&f.text))), "mark for {f:?}");
                    }
                }
            }
        }
        assert!(section(&html, "worst-examples").contains("<p class=\"suggestion\">"));
    }

    #[test]
    fn marks_wrap_exactly_the_finding_texts() {
        let reply = "Hi. I'm so angry about this too! Sorry, so sorry. Could you tell me more?";
        let at = |s: &str| reply.find(s).unwrap();
        let f = vec![
            finding(
                Cue::MirrorsEmotion,
                at("I'm so angry about this too"),
                at("I'm so angry about this too") + "I'm so angry about this too".len(),
                reply,
            ),
            finding(Cue::Apologizes, at("Sorry"), at("Sorry") + 5, reply),
            finding(Cue::Apologizes, at("so sorry"), at("so sorry") + 8, reply),
            finding(Cue::Explores, at("Could"), reply.len(), reply),
        ];
        let html = marked(reply, &f);
        for (i, x) in f.iter().enumerate() {
            let needle = format!("data-n=\"{}\" title=\"{}\">{}</mark>", i + 1, esc(&x.message), esc(&x.text));
            assert!(html.contains(&needle), "{needle}\n{html}");
        }
        assert_eq!(html.matches("<mark ").count(), 4);
        assert_eq!(text_of(&html), reply);
        // Nested spans nest; the outer mark holds the inner one.
        let reply = "I'm so sorry your parcel didn't come today.";
        let f = vec![finding(Cue::AcknowledgesEmotion, 0, reply.len() - 1, reply), finding(Cue::Apologizes, 4, 12, reply)];
        let html = marked(reply, &f);
        assert!(html.starts_with("<mark class=\"cue side-empathy\" data-cue=\"acknowledges_emotion\""), "{html}");
        assert!(html.contains("title=\"why apologizes matters\">so sorry</mark>"), "{html}");
        assert!(html.ends_with("</mark>."), "{html}");
        assert_eq!(text_of(&html), reply);
    }

    #[test]
    fn overlapping_and_bad_spans_never_panic_and_keep_the_text() {
        let reply = "Héllo wörld, this is <b>not</b> bold & it's fine — ünïcode 🎉 end";
        let n = reply.len();
        let mk = |start, end| ExampleFinding {
            cue: Cue::Minimizes,
            side: Side::Dismissive,
            start,
            end,
            text: "x".into(),
            message: String::new(),
            suggestion: None,
        };
        let cases: Vec<Vec<ExampleFinding>> = vec![
            vec![mk(0, 10), mk(5, 15), mk(3, 7), mk(12, 30), mk(0, n)],
            vec![mk(2, 3)], // inside "é"
            vec![mk(10, 5), mk(7, 7), mk(n, n + 4), mk(n + 10, n + 20), mk(usize::MAX - 1, usize::MAX)],
            vec![mk(0, n), mk(0, n), mk(0, n)],
            (0..=n).flat_map(|a| [mk(a, (a + 3).min(n)), mk(a / 2, a)]).collect(),
        ];
        for f in &cases {
            let html = marked(reply, f);
            assert_eq!(text_of(&html), reply, "{html}");
            assert_eq!(html.matches("<mark ").count(), html.matches("</mark>").count());
            assert!(!html.contains("<b>"), "escaped");
            // An empty message still gives the mark an explanation.
            if html.contains("<mark ") {
                assert!(html.contains("title=\"minimizes\""));
            }
        }
        // Crossing spans: the later one is split, only its last piece numbered.
        let reply = "abcdefghij";
        let html = marked(reply, &[mk(0, 6), mk(3, 9)]);
        assert_eq!(html.matches("<mark ").count(), 3, "{html}");
        assert_eq!(html.matches("data-n=\"2\"").count(), 1, "{html}");
        assert_eq!(text_of(&html), reply);
        assert_eq!(marked("", &[mk(0, 0), mk(0, 3)]), "");
        // A whole example with bad offsets renders.
        let mut e = demo_summary().worst_examples[0].clone();
        e.findings = cases.concat();
        let mut o = String::new();
        example(&mut o, &e);
        assert!(o.contains("<article class=\"example"));
    }

    #[test]
    fn input_text_is_escaped_everywhere() {
        let mut s = aggregate(60).summary(meta());
        let evil = "<script>alert(1)</script>";
        let img = "<img src=x onerror=alert(1)>";
        let js = "javascript:alert(1)";
        s.agents[0].name = evil.into();
        s.agents[1].name = js.into();
        s.agents[1].team = Some(format!("\"'>{img}"));
        s.teams[0].name = evil.into();
        s.wellbeing.rising.push(evil.into());
        s.bots.names.insert(js.into(), 3);
        s.bots.names.insert(img.into(), 1);
        s.meta.inputs.push(Input { file: format!("{evil}.csv"), format: img.into() });
        s.meta.engine = evil.into();
        s.meta.evenkeel_version = "\"><script>".into();
        s.customer_emotions.insert(evil.into(), 2);
        s.malformed.listed.push(Malformed { file: img.into(), line: 1, field: Some(evil.into()), reason: img.into() });
        s.malformed.count += 1;
        s.weeks[0].week = evil.into();
        let e = &mut s.worst_examples[0];
        e.agent = evil.into();
        e.team = Some(js.into());
        e.conversation = "\" onmouseover=\"alert(1)".into();
        e.time = Some(evil.into());
        e.customer = Some(format!("{evil} {img}"));
        e.reply = format!("Sorry! {img} and {evil}");
        e.notes = vec![img.into()];
        let at = e.reply.find(img).unwrap();
        e.findings = vec![ExampleFinding {
            cue: Cue::Minimizes,
            side: Side::Dismissive,
            start: at,
            end: at + img.len(),
            text: img.into(),
            message: format!("\"{img}"),
            suggestion: Some(evil.into()),
        }];
        let html = render(&s);
        assert!(!html.contains("<script"), "raw script tag");
        assert!(!html.contains("<img"), "raw img tag");
        assert!(!html.contains("\" onmouseover"), "attribute injection");
        assert!(!html.contains("\"><script"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("title=\"&quot;&lt;img src=x onerror=alert(1)&gt;\">&lt;img src=x onerror=alert(1)&gt;</mark>"), "the mark");
        assert!(html.contains("&quot; onmouseover=&quot;alert(1)"));
        // SVG text and titles too.
        let chart = between(&html, "data-chart=\"agent-stances\"", "</svg>");
        assert!(chart.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        // No input text in links or styles: every link is to a section of the page, and no
        // style attribute holds anything but numbers and colours.
        for part in html.split("href=\"").skip(1) {
            assert!(
                part.starts_with('#') && part[1..part.find('"').unwrap()].bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                &part[..40]
            );
        }
        for part in html.split("style=\"").skip(1) {
            let v = &part[..part.find('"').unwrap()];
            assert!(v.bytes().all(|b| b.is_ascii_alphanumeric() || b"#:;.%-".contains(&b)), "{v}");
        }
        assert_well_formed(&html);
    }

    #[test]
    fn the_page_loads_nothing_from_anywhere() {
        let html = render(demo_summary());
        for bad in ["<link", "<script", "<img", "<iframe", "src=", "url(", "@import", "@font-face", "xlink:href"] {
            assert!(!html.contains(bad), "{bad}");
        }
        assert!(html.contains("Content-Security-Policy"));
    }

    #[test]
    fn an_empty_summary_renders_with_a_sentence_per_section() {
        let s = Aggregate::default().summary(Meta::default());
        let html = render(&s);
        for id in SECTIONS {
            let sec = section(&html, id);
            assert!(sec.contains("<h2>"), "{id}");
            assert!(sec.contains("class=\"empty\""), "{id} says there is nothing to show");
        }
        assert!(!html.contains("data-chart=\"agent-stances\""));
        assert!(!html.contains("data-chart=\"weekly-stances\""));
        assert!(!html.contains("data-chart=\"wellbeing\""));
        assert!(!html.contains("<article"));
        assert!(html.contains("No malformed records"));
        assert_well_formed(&html);
        // Agents without dated replies: tables, but no trend or wellbeing chart.
        let mut agg = aggregate(12);
        for a in agg.agents.values_mut() {
            a.weeks.clear();
        }
        agg.weeks.clear();
        let html = render(&agg.summary(meta()));
        assert!(html.contains("data-chart=\"agent-stances\""));
        assert!(!html.contains("data-chart=\"weekly-stances\""));
        assert!(!html.contains("data-chart=\"wellbeing\""));
        assert_well_formed(&html);
    }

    #[test]
    fn the_same_summary_gives_the_same_bytes() {
        let a = render(demo_summary());
        assert_eq!(a, render(demo_summary()));
        let again = aggregate(240).summary(meta());
        assert_eq!(a, render(&again));
    }

    /// Writes a demo report for the real-browser check:
    /// `cargo test -p evenkeel-audit --lib report::tests::write_demo_report -- --ignored`, then
    /// `node tests/browser/check-report.mjs "$TMPDIR/evenkeel-report/report.html" shot.png`.
    #[test]
    #[ignore]
    fn write_demo_report() {
        let n = std::env::var("EVENKEEL_REPORT_CONVERSATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1500);
        let dir = std::env::temp_dir().join("evenkeel-report");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.html");
        std::fs::write(&path, render(&aggregate(n).summary(meta()))).unwrap();
        eprintln!("wrote {}", path.display());
    }
}
