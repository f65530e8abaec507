//! Synthetic helpdesk exports for demos, tests and benchmarks (`evenkeel demo-data`).
//!
//! Not labelled training data: the texts are hand-written pools, combined at random, so that the
//! readers, the audit and the report can be exercised end to end on realistic input without
//! touching anyone's real conversations. What makes it useful:
//!
//! * **Deterministic**: the same [`DemoOptions`] always give the same bytes. Each conversation
//!   draws from its own PRNG stream, seeded by `(seed, index)`, so output does not depend on how
//!   it is consumed, and every format holds the *same* conversations (a reader test can compare
//!   formats against each other and against [`conversations`]).
//! * **Streaming**: conversations are generated one at a time; memory stays flat at 400,000
//!   conversations.
//! * **Something to find**: eight agents in three teams with different habits. One (Sofia
//!   Lindqvist, Billing) drifts week by week from empathy towards mirroring and grovelling
//!   apologies — the wear an audit should surface — and one (Greg Holloway, Technical) is mostly
//!   dismissive. Customers calm down after good replies and get angrier after sympathetic or
//!   dismissive ones.
//! * **Traps a reader must handle**: private notes (Zendesk `"public":false`, Intercom
//!   `"note"`), assignment parts with a null body, bot turns, HTML e-mails with a greeting,
//!   a signature and a quoted earlier mail, and personal data (e-mail addresses, phone numbers,
//!   order numbers, test card numbers) for redaction.
//!
//! Formats (see each writer): CSV and JSON Lines with the keys
//! `conversation,author,agent,team,time,text`; Zendesk tickets as NDJSON with comments and
//! sideloaded users and groups; Intercom conversations as NDJSON.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use crate::turn::{Role, Source, Turn};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// How many conversations (with `agent_turns`: how many the time range is planned for).
    pub conversations: usize,
    pub seed: u64,
    /// Stop at the end of the first conversation that brings the agent turns to this number.
    pub agent_turns: Option<u64>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { conversations: 200, seed: 7, agent_turns: None }
    }
}

impl DemoOptions {
    /// Options for about `agent_turns` human agent turns (`evenkeel demo-data --turns N`): the
    /// conversation count is estimated from a sample, and generation stops once the turns are
    /// written (at a conversation's end, so a few more is possible, never fewer).
    pub fn for_agent_turns(agent_turns: u64, seed: u64) -> DemoOptions {
        const SAMPLE: u64 = 2_000;
        let sampled: u64 = (0..SAMPLE).map(|i| agent_turns_of(&generate(seed, i, SAMPLE))).sum();
        let per = (sampled as f64 / SAMPLE as f64).max(0.5);
        let conversations = ((agent_turns as f64 / per).ceil() as usize).max(1);
        DemoOptions { conversations, seed, agent_turns: Some(agent_turns) }
    }
}

fn agent_turns_of(c: &Convo) -> u64 {
    c.turns.iter().filter(|t| t.role == Role::Agent).count() as u64
}

/// What a writer wrote: judged turns only. Private notes and assignment events are not turns
/// and are not counted, so these numbers are what a correct reader must find.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DemoCounts {
    pub conversations: u64,
    pub customer_turns: u64,
    pub agent_turns: u64,
    pub bot_turns: u64,
}

impl DemoCounts {
    fn add(&mut self, c: &Convo) {
        self.conversations += 1;
        for t in &c.turns {
            match t.role {
                Role::Customer => self.customer_turns += 1,
                Role::Agent => self.agent_turns += 1,
                Role::Bot => self.bot_turns += 1,
                Role::Unknown => {}
            }
        }
    }
}

/// The conversations, one `Vec<Turn>` each, in id order (`C-000001`, ...). Agent turns carry
/// the agent's display name and team; bot turns carry the bot's name and no team; customer
/// turns carry neither. Times are ISO 8601 UTC. `source` is `demo` and the 1-based number of
/// the turn in the whole stream.
pub fn conversations(opts: &DemoOptions) -> impl Iterator<Item = Vec<Turn>> {
    let mut line = 0u64;
    convos(opts).map(move |c| c.to_turns(&mut line))
}

/// CSV with a header row `conversation,author,agent,team,time,text`; the rows of one
/// conversation are contiguous and in time order. Quoting by the csv crate, so texts with
/// commas, quotes and newlines survive.
pub fn write_csv<W: Write>(out: W, opts: &DemoOptions) -> io::Result<DemoCounts> {
    let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(out);
    w.write_record(["conversation", "author", "agent", "team", "time", "text"])?;
    let mut counts = DemoCounts::default();
    let mut line = 0u64;
    for c in convos(opts) {
        counts.add(&c);
        for t in c.to_turns(&mut line) {
            w.write_record([
                t.conversation.as_str(),
                author_label(t.role),
                t.agent.as_deref().unwrap_or(""),
                t.team.as_deref().unwrap_or(""),
                t.time.as_deref().unwrap_or(""),
                t.text.as_str(),
            ])?;
        }
    }
    w.flush()?;
    Ok(counts)
}

/// JSON Lines, one object per turn with the CSV's keys; `agent` and `team` are `null` where
/// absent.
pub fn write_jsonl<W: Write>(out: W, opts: &DemoOptions) -> io::Result<DemoCounts> {
    #[derive(Serialize)]
    struct Line<'a> {
        conversation: &'a str,
        author: &'a str,
        agent: Option<&'a str>,
        team: Option<&'a str>,
        time: Option<&'a str>,
        text: &'a str,
    }
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let mut counts = DemoCounts::default();
    let mut line = 0u64;
    for c in convos(opts) {
        counts.add(&c);
        for t in c.to_turns(&mut line) {
            let l = Line {
                conversation: &t.conversation,
                author: author_label(t.role),
                agent: t.agent.as_deref(),
                team: t.team.as_deref(),
                time: t.time.as_deref(),
                text: &t.text,
            };
            serde_json::to_writer(&mut w, &l)?;
            w.write_all(b"\n")?;
        }
    }
    w.flush()?;
    Ok(counts)
}

/// Zendesk tickets as NDJSON, one ticket per line in the shape of the ticket API with its
/// comments and sideloaded `users` and `groups`. Ticket id = conversation number; the requester
/// is user `9000000 + number`; the bot is user `-1` ("Answer Bot") and its comments come
/// `via` `rule`. Private notes (`"public": false`) by the agent appear now and then. On e-mail
/// tickets about half of the agent comments are full e-mails: greeting, paragraphs, signature
/// and the customer's previous mail quoted (Gmail `gmail_quote` or Apple Mail `blockquote`),
/// in `html_body` and in the plain `body`.
pub fn write_zendesk<W: Write>(out: W, opts: &DemoOptions) -> io::Result<DemoCounts> {
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let mut counts = DemoCounts::default();
    for c in convos(opts) {
        counts.add(&c);
        let ticket = zendesk_ticket(&c, opts.seed);
        serde_json::to_writer(&mut w, &ticket)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(counts)
}

/// Intercom conversations as NDJSON, one per line in the shape of `GET /conversations/{id}`.
/// The first turn is the `source` (customer-initiated, or `automated` when the bot spoke
/// first); the rest are `conversation_parts` of type `comment`, with `note` parts (private)
/// and `assignment` parts (body `null`) among them. Times are Unix seconds.
pub fn write_intercom<W: Write>(out: W, opts: &DemoOptions) -> io::Result<DemoCounts> {
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let mut counts = DemoCounts::default();
    for c in convos(opts) {
        counts.add(&c);
        let conv = intercom_conversation(&c, opts.seed);
        serde_json::to_writer(&mut w, &conv)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(counts)
}

fn author_label(role: Role) -> &'static str {
    match role {
        Role::Customer => "customer",
        Role::Agent => "agent",
        Role::Bot => "bot",
        Role::Unknown => "unknown",
    }
}

// ---------------------------------------------------------------------------------------------
// PRNG: splitmix64. Tiny, fast, and good enough to shuffle hand-written texts; one stream per
// conversation (and per format, for format-only extras) so streams never interfere.

#[derive(Debug, Clone)]
struct Rng(u64);

const SALT_CONVO: u64 = 0x636f_6e76;
const SALT_ZENDESK: u64 = 0x7a65_6e64;
const SALT_INTERCOM: u64 = 0x696e_7463;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn new(seed: u64, index: u64, salt: u64) -> Rng {
        Rng(mix(seed ^ mix(index.wrapping_add(mix(salt)))))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in `0..n` (n > 0), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------------
// Cast: teams, agents and their habits.

/// What a pool item is about, as bits: a reply or follow-up is only drawn for an opening it
/// shares a topic with, so "We ship to Norway" never answers a soaked laptop.
type Tags = u64;
// Billing
const PAY: Tags = 1 << 0;
const FRAUD: Tags = 1 << 1;
const INSUR: Tags = 1 << 2;
const CLOSE: Tags = 1 << 3;
const HARD: Tags = 1 << 4;
const XFER: Tags = 1 << 5;
const DOCS: Tags = 1 << 6;
const BEREAVE: Tags = 1 << 7;
const LOYAL: Tags = 1 << 8;
// Technical
const ACCESS: Tags = 1 << 9;
const BUG: Tags = 1 << 10;
const NET: Tags = 1 << 11;
const OUTAGE: Tags = 1 << 12;
const GAME: Tags = 1 << 13;
// Orders
const DELIV: Tags = 1 << 14;
const REFUND: Tags = 1 << 15;
const TRAVEL: Tags = 1 << 16;
const FLIGHT: Tags = 1 << 17;
const HOTEL: Tags = 1 << 18;
const SEAT: Tags = 1 << 19;
const DAMAGE: Tags = 1 << 20;
const OCCASION: Tags = 1 << 21;
const MIXUP: Tags = 1 << 22;
const HOMEDELIV: Tags = 1 << 23;
const LATE: Tags = 1 << 24;
const LOST: Tags = 1 << 25;
// Government services
const APPLY: Tags = 1 << 26;
const GOV: Tags = 1 << 27;
// Calm questions, each its own topic: their answers fit nothing else.
const Q_INVOICE: Tags = 1 << 32;
const Q_USERS: Tags = 1 << 33;
const Q_ADDRESS: Tags = 1 << 34;
const Q_CUTOFF: Tags = 1 << 35;
const Q_EXPORT: Tags = 1 << 36;
const Q_SHIP: Tags = 1 << 37;
const Q_EMAIL: Tags = 1 << 38;
const Q_API: Tags = 1 << 39;
const Q_BAG: Tags = 1 << 40;
const Q_CALLBACK: Tags = 1 << 41;
const Q_STOCK: Tags = 1 << 42;
const Q_LICENCE: Tags = 1 << 43;
const MONEY: Tags = PAY | FRAUD | INSUR | CLOSE | HARD | XFER | DOCS | BEREAVE | LOYAL;
const TECHY: Tags = ACCESS | BUG | NET | OUTAGE | GAME;
const ORDERY: Tags = DELIV | REFUND | TRAVEL | FLIGHT | HOTEL | SEAT | DAMAGE | OCCASION | MIXUP | HOMEDELIV | LATE | LOST;
/// Every complaint.
const ISSUES: Tags = MONEY | TECHY | ORDERY | APPLY | GOV;
/// Every calm question.
const QS: Tags = (1 << 44) - (1 << 32);
const ALL: Tags = ISSUES | QS;
// The opening's emotion, added to its topics: items that only fit some feelings ("you've had
// to chase this far too much") carry these instead of `ISSUES`.
const E_ANGER: Tags = 1 << 48;
const E_FRUST: Tags = 1 << 49;
const E_SAD: Tags = 1 << 50;
const E_ANX: Tags = 1 << 51;
const E_CONF: Tags = 1 << 52;
const E_DISAPP: Tags = 1 << 53;
/// Replies that refer back to an earlier answer ("as I already explained"): never the first.
const LATER: Tags = 1 << 61;
/// Angrier follow-ups that only answer a sympathetic reply ("stop apologising") or only a
/// dismissive one ("don't tell me to calm down").
const AFTER_SYM: Tags = 1 << 59;
const AFTER_DIS: Tags = 1 << 60;
/// An empathetic reply that fits a customer who expressed no emotion (it explores or helps
/// without talking about feelings).
const CALM: Tags = 1 << 62;
/// A sympathetic reply of the agent's own distress: mirroring and grovelling apologies, the
/// drifting agent's growing habit.
const GROVEL: Tags = 1 << 63;

/// Team indices, for the openings.
const B: usize = 0;
const T: usize = 1;
const O: usize = 2;

/// (name, Zendesk group / Intercom team id)
const TEAMS: [(&str, u64); 3] = [("Billing", 31), ("Technical", 32), ("Orders", 33)];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stance {
    Empathetic,
    Sympathetic,
    Neutral,
    Dismissive,
}

const STANCES: [Stance; 4] = [Stance::Empathetic, Stance::Sympathetic, Stance::Neutral, Stance::Dismissive];

#[derive(Debug, Clone, Copy)]
enum Habit {
    /// Weights of empathetic, sympathetic, neutral, dismissive replies.
    Fixed([u64; 4]),
    /// From mostly empathetic in week 1 to mostly sympathetic (and grovelling) in week 12.
    Drifting,
}

struct Agent {
    name: &'static str,
    email: &'static str,
    id: u64,
    team: usize,
    habit: Habit,
}

const AGENTS: [Agent; 8] = [
    Agent { name: "Maya Patel", email: "maya@example.com", id: 501, team: 0, habit: Habit::Fixed([65, 5, 25, 5]) },
    Agent { name: "Tom Becker", email: "tom@example.com", id: 502, team: 0, habit: Habit::Fixed([20, 10, 60, 10]) },
    Agent { name: "Sofia Lindqvist", email: "sofia@example.com", id: 503, team: 0, habit: Habit::Drifting },
    Agent { name: "Daniel Okafor", email: "daniel@example.com", id: 504, team: 1, habit: Habit::Fixed([60, 8, 27, 5]) },
    Agent { name: "Priya Raman", email: "priya@example.com", id: 505, team: 1, habit: Habit::Fixed([40, 5, 50, 5]) },
    Agent { name: "Greg Holloway", email: "greg@example.com", id: 506, team: 1, habit: Habit::Fixed([8, 5, 27, 60]) },
    Agent { name: "Lucía Fernández", email: "lucia@example.com", id: 507, team: 2, habit: Habit::Fixed([55, 12, 28, 5]) },
    Agent { name: "Ken Mori", email: "ken@example.com", id: 508, team: 2, habit: Habit::Fixed([22, 38, 30, 10]) },
];

const TEAM_AGENTS: [&[usize]; 3] = [&[0, 1, 2], &[3, 4, 5], &[6, 7]];

const BOT_NAME: &str = "Answer Bot";

impl Agent {
    fn first_name(&self) -> &'static str {
        self.name.split(' ').next().unwrap_or(self.name)
    }
    /// Stance weights in a given week (0..12), and how often a sympathetic reply is of the
    /// grovelling kind (percent).
    fn weights(&self, week: i64) -> ([u64; 4], u64) {
        match self.habit {
            Habit::Fixed(w) => (w, 30),
            Habit::Drifting => {
                let t = week.clamp(0, 11) as u64; // 0..=11
                ([70 - 4 * t, 5 + 5 * t, 20 - t, 5], 50 + 4 * t)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Time: 12 weeks from Monday 2026-01-05, formatted without a date crate.

/// 2026-01-05T00:00:00Z
const START: i64 = 1_767_571_200;
const WEEKS: i64 = 12;
const DAY: i64 = 86_400;

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

fn iso(ts: i64) -> String {
    let (y, m, d) = civil_from_days(ts.div_euclid(DAY));
    let s = ts.rem_euclid(DAY);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// "Mon, 5 Jan 2026 at 10:04" (Gmail) or "5 Jan 2026, at 10:04" (Apple Mail).
fn mail_date(ts: i64, gmail: bool) -> String {
    const WD: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MO: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = ts.div_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    let s = ts.rem_euclid(DAY);
    let mon = MO[(m - 1) as usize];
    if gmail {
        let wd = WD[(days + 3).rem_euclid(7) as usize];
        format!("{wd}, {d} {mon} {y} at {:02}:{:02}", s / 3600, s / 60 % 60)
    } else {
        format!("{d} {mon} {y}, at {:02}:{:02}", s / 3600, s / 60 % 60)
    }
}

// ---------------------------------------------------------------------------------------------
// One generated conversation, richer than its turns: the writers need the customer's name,
// the channel and the agent's ids.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    Email,
    Web,
    Chat,
}

impl Emotion {
    fn tag(self) -> Tags {
        match self {
            Emotion::Anger => E_ANGER,
            Emotion::Frustration => E_FRUST,
            Emotion::Sadness => E_SAD,
            Emotion::Anxiety => E_ANX,
            Emotion::Confusion => E_CONF,
            Emotion::Disappointment => E_DISAPP,
            Emotion::None => 0,
        }
    }
}

impl Channel {
    fn zendesk(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Web => "web",
            Channel::Chat => "chat",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Emotion {
    Anger,
    Frustration,
    Sadness,
    Anxiety,
    Confusion,
    Disappointment,
    None,
}

#[derive(Debug, Clone)]
struct GenTurn {
    role: Role,
    at: i64,
    text: String,
    /// For agent turns: the stance the reply was drawn for (tests check the agents' habits).
    #[cfg_attr(not(test), allow(dead_code))]
    stance: Option<Stance>,
}

#[derive(Debug, Clone)]
struct Convo {
    number: u64,
    id: String,
    team: usize,
    agent: usize,
    first: &'static str,
    last: &'static str,
    email: String,
    channel: Channel,
    emotion: Emotion,
    /// Whether the customer is still upset after the last turn.
    upset_at_end: bool,
    turns: Vec<GenTurn>,
}

impl Convo {
    fn customer_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    fn to_turns(&self, line: &mut u64) -> Vec<Turn> {
        let agent = &AGENTS[self.agent];
        self.turns
            .iter()
            .map(|t| {
                *line += 1;
                let (name, team) = match t.role {
                    Role::Agent => (Some(agent.name.to_string()), Some(TEAMS[self.team].0.to_string())),
                    Role::Bot => (Some(BOT_NAME.to_string()), None),
                    _ => (None, None),
                };
                Turn {
                    conversation: self.id.clone(),
                    role: t.role,
                    agent: name,
                    team,
                    time: Some(iso(t.at)),
                    text: t.text.clone(),
                    source: Source { file: "demo".to_string(), line: *line },
                }
            })
            .collect()
    }
}

fn convos(opts: &DemoOptions) -> impl Iterator<Item = Convo> {
    let (seed, n) = (opts.seed, opts.conversations.max(1) as u64);
    let limit = opts.agent_turns;
    // With a turn target the plan may fall a little short; generation then runs on past the
    // planned range (a few days later in time) until the target is met.
    let end = if limit.is_some() { u64::MAX } else { opts.conversations as u64 };
    let mut made = 0u64;
    (0..end).map(move |i| generate(seed, i, n)).take_while(move |c| match limit {
        Some(l) if made >= l => false,
        Some(_) => {
            made += agent_turns_of(c);
            true
        }
        None => true,
    })
}

/// What `{slot}`s in the pools are filled with, fixed per conversation so that an order
/// number quoted twice is the same number.
struct Slots {
    name: &'static str,
    agent: &'static str,
    team: &'static str,
    order: String,
    email: String,
    phone: String,
    card: &'static str,
    reference: String,
}

fn fill(template: &str, s: &Slots) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        match &after[..close] {
            "name" => out.push_str(s.name),
            "agent" => out.push_str(s.agent),
            "team" => out.push_str(s.team),
            "order" => out.push_str(&s.order),
            "email" => out.push_str(&s.email),
            "phone" => out.push_str(&s.phone),
            "card" => out.push_str(s.card),
            "ref" => out.push_str(&s.reference),
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Uniform among the items that share a topic with the conversation, carry the `required`
/// flags, none of the `forbidden` ones, and were not used yet in this conversation; when
/// nothing fits, the conditions are relaxed in that order: `required`, freshness, `forbidden`,
/// topic.
fn pick_for(
    rng: &mut Rng,
    pool: &'static [(Tags, &'static str)],
    topics: Tags,
    required: Tags,
    forbidden: Tags,
    used: &[&'static str],
) -> &'static str {
    let fresh = |text: &str| !used.iter().any(|u| u.as_ptr() == text.as_ptr());
    let tries: [(Tags, Tags, Tags, bool); 6] = [
        (topics, required, forbidden, true),
        (topics, 0, forbidden, true),
        (topics, 0, forbidden, false),
        (topics, 0, 0, true),
        (ALL, required, forbidden, true),
        (ALL, 0, 0, false),
    ];
    for (topics, required, forbidden, need_fresh) in tries {
        let fits = |&(tags, text): &(Tags, &'static str)| {
            tags & topics != 0 && tags & required == required && tags & forbidden == 0 && (!need_fresh || fresh(text))
        };
        let n = pool.iter().filter(|x| fits(x)).count();
        if n > 0 {
            let k = rng.below(n as u64) as usize;
            return pool.iter().filter(|x| fits(x)).nth(k).unwrap().1;
        }
    }
    rng.pick(pool).1
}

fn weighted_index(rng: &mut Rng, w: &[u64]) -> usize {
    let total: u64 = w.iter().sum();
    let mut r = rng.below(total);
    for (k, &x) in w.iter().enumerate() {
        if r < x {
            return k;
        }
        r -= x;
    }
    w.len() - 1
}

fn weighted(rng: &mut Rng, w: [u64; 4]) -> Stance {
    STANCES[weighted_index(rng, &w)]
}

/// Weights of conversation lengths 2..=8 turns: longer threads and even lengths (ending on
/// the agent) are favoured, so 400,000 conversations hold over a million agent turns.
const LENGTH_WEIGHTS: [u64; 7] = [6, 6, 14, 10, 18, 12, 34];

fn generate(seed: u64, index: u64, total: u64) -> Convo {
    let mut rng = Rng::new(seed, index, SALT_CONVO);
    let number = index + 1;
    let &(emotion, team, topics, opening) = rng.pick(OPENINGS);
    let topics = topics | emotion.tag();
    let agent_ix = *rng.pick(TEAM_AGENTS[team]);
    let agent = &AGENTS[agent_ix];
    debug_assert_eq!(agent.team, team, "TEAM_AGENTS and AGENTS disagree");
    let first = *rng.pick(FIRST_NAMES);
    let last = *rng.pick(LAST_NAMES);
    let local: String = last.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let email = format!("{}.{}{}@example.net", first.to_ascii_lowercase(), local.to_ascii_lowercase(), number % 97);
    let slots = Slots {
        name: first,
        agent: agent.first_name(),
        team: TEAMS[team].0,
        order: format!("{}", 88_000_000 + rng.below(2_000_000)),
        email: email.clone(),
        phone: if rng.chance(60) {
            format!("07700 900{:03}", rng.below(1000))
        } else {
            format!("+1 555-01{:02}", rng.below(100))
        },
        card: *rng.pick(TEST_CARDS),
        reference: format!("{}", 40_000 + rng.below(60_000)),
    };
    let channel = match rng.below(100) {
        0..=44 => Channel::Email,
        45..=64 => Channel::Web,
        _ => Channel::Chat,
    };
    let fast = channel == Channel::Chat;

    // Spread evenly over the twelve weeks, in id order, at office-ish hours.
    let day = (index * (WEEKS * 7) as u64 / total.max(1)) as i64;
    let mut at = START + day * DAY + rng.range(7 * 3600, 20 * 3600 + 59 * 60);
    let week = (at - START) / (7 * DAY);

    let target = 2 + weighted_index(&mut rng, &LENGTH_WEIGHTS);
    let mut turns: Vec<GenTurn> = Vec::with_capacity(target);
    let push = |turns: &mut Vec<GenTurn>, role, at, text, stance| turns.push(GenTurn { role, at, text, stance });

    let bot_first = channel != Channel::Email && target >= 3 && rng.chance(50);
    if bot_first {
        push(&mut turns, Role::Bot, at, fill(*rng.pick(BOT_GREETINGS), &slots), None);
        at += rng.range(15, 120);
    }
    let mut text = fill(opening, &slots);
    if rng.chance(12) {
        text.push_str(&fill(pick_for(&mut rng, PII_ADDENDA, topics, 0, 0, &[]), &slots));
    }
    push(&mut turns, Role::Customer, at, text, None);
    if bot_first && target - turns.len() >= 3 && rng.chance(60) {
        at += rng.range(3, 20);
        push(&mut turns, Role::Bot, at, fill(*rng.pick(BOT_HANDOFFS), &slots), None);
    }

    let mut upset = emotion != Emotion::None;
    let (weights, grovel_pct) = agent.weights(week);
    let mut used: Vec<&'static str> = Vec::with_capacity(target);
    let mut previous: Option<Stance> = None;
    let mut previous_reply: Option<&'static str> = None;
    while turns.len() < target {
        // Agent reply. People are fairly consistent within one conversation.
        at += if fast { rng.range(60, 900) } else { rng.range(900, 30_000) };
        let mut stance = match previous {
            Some(s) if rng.chance(55) => s,
            _ => weighted(&mut rng, weights),
        };
        if !upset && stance == Stance::Empathetic && rng.chance(50) {
            stance = Stance::Neutral; // nothing to acknowledge: most calm requests get a plain answer
        }
        previous = Some(stance);
        let (pool, required) = match stance {
            Stance::Empathetic => (EMPATHETIC, if upset { 0 } else { CALM }),
            Stance::Sympathetic => (SYMPATHETIC, if rng.chance(grovel_pct) { GROVEL } else { 0 }),
            Stance::Neutral => (NEUTRAL, 0),
            Stance::Dismissive => (DISMISSIVE, 0),
        };
        // Calm customers get replies that explore without talking about feelings, upset ones
        // get the others; only later replies may refer back to an earlier answer.
        let mut forbidden = if upset { CALM } else { 0 };
        if previous_reply.is_none() {
            forbidden |= LATER;
        }
        let reply = pick_for(&mut rng, pool, topics, required, forbidden, &used);
        previous_reply = Some(reply);
        used.push(reply);
        push(&mut turns, Role::Agent, at, fill(reply, &slots), Some(stance));
        if turns.len() >= target {
            break;
        }

        // Customer follow-up, shaped by the reply it answers.
        at += if fast { rng.range(30, 600) } else { rng.range(1800, 60_000) };
        let last = turns.len() + 1 == target;
        let r = rng.below(100);
        let (pool, now_upset) = match stance {
            Stance::Empathetic if last && r < 60 => (CLOSINGS, false),
            Stance::Empathetic if r < 85 => (FOLLOWUPS_CALMER, false),
            Stance::Empathetic => (FOLLOWUPS_MIXED, upset),
            Stance::Neutral if !upset && last && r < 50 => (CLOSINGS, false),
            Stance::Neutral if !upset => (FOLLOWUPS_MIXED, false),
            Stance::Neutral if r < 30 => (FOLLOWUPS_ANGRIER, true),
            Stance::Neutral if r < 85 => (FOLLOWUPS_MIXED, upset),
            Stance::Neutral => (FOLLOWUPS_CALMER, false),
            Stance::Sympathetic | Stance::Dismissive if r < 85 => (FOLLOWUPS_ANGRIER, true),
            Stance::Sympathetic | Stance::Dismissive => (FOLLOWUPS_MIXED, upset),
        };
        upset = now_upset;
        let forbidden = match stance {
            Stance::Sympathetic => AFTER_DIS,
            Stance::Dismissive => AFTER_SYM,
            _ => AFTER_SYM | AFTER_DIS,
        };
        let text = pick_for(&mut rng, pool, topics, 0, forbidden, &used);
        used.push(text);
        push(&mut turns, Role::Customer, at, fill(text, &slots), None);
    }

    Convo {
        number,
        id: format!("C-{number:06}"),
        team,
        agent: agent_ix,
        first,
        last,
        email,
        channel,
        emotion,
        upset_at_end: upset,
        turns,
    }
}

// ---------------------------------------------------------------------------------------------
// HTML and e-mail rendering.

fn push_escaped(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
}

/// `<p>` per blank-line-separated paragraph, `<br>` for single newlines.
fn paragraphs_html(out: &mut String, text: &str) {
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        push_escaped(out, para);
        out.push_str("</p>");
    }
}

/// Splits a reply of three or more sentences into two paragraphs at the sentence boundary
/// nearest its middle, as people do in e-mails.
fn split_paragraphs(text: &str) -> Vec<&str> {
    let bounds: Vec<usize> = text
        .match_indices(['.', '?', '!'])
        .map(|(i, _)| i + 1)
        .filter(|&i| text[i..].starts_with(' '))
        .collect();
    if bounds.len() < 2 {
        return vec![text];
    }
    let mid = text.len() / 2;
    let cut = *bounds.iter().min_by_key(|&&b| b.abs_diff(mid)).unwrap();
    vec![text[..cut].trim(), text[cut..].trim()]
}

struct Rendered {
    body: String,
    html: String,
}

fn simple(text: &str) -> Rendered {
    let mut html = String::with_capacity(text.len() + 48);
    html.push_str("<div class=\"zd-comment\" dir=\"auto\">");
    paragraphs_html(&mut html, text);
    html.push_str("</div>");
    Rendered { body: text.to_string(), html }
}

/// A whole agent e-mail: greeting, the reply in paragraphs, a signature, and the customer's
/// previous mail quoted below an "On ... wrote:" line.
fn agent_email(c: &Convo, text: &str, quoted: &GenTurn, rng: &mut Rng) -> Rendered {
    let agent = &AGENTS[c.agent];
    let team = TEAMS[c.team].0;
    let greeting = match rng.below(3) {
        0 => format!("Hi {},", c.first),
        1 => format!("Dear {} {},", c.first, c.last),
        _ => format!("Hello {},", c.first),
    };
    let signoff = *rng.pick(&["Kind regards,", "Best wishes,", "Many thanks,", "Warm regards,"]);
    let paras = split_paragraphs(text);
    let gmail = rng.chance(50);
    let date = mail_date(quoted.at, gmail);
    let who = c.customer_name();

    let mut body = String::with_capacity(text.len() * 2 + 200);
    body.push_str(&greeting);
    for p in &paras {
        body.push_str("\n\n");
        body.push_str(p);
    }
    body.push_str(&format!("\n\n{signoff}\n{}\n{team} team\n\n", agent.name));
    body.push_str(&format!("On {date}, {who} <{}> wrote:\n", c.email));
    for l in quoted.text.lines() {
        body.push_str("> ");
        body.push_str(l);
        body.push('\n');
    }

    let mut html = String::with_capacity(body.len() * 2);
    html.push_str("<div class=\"zd-comment\" dir=\"auto\"><p>");
    push_escaped(&mut html, &greeting);
    html.push_str("</p>");
    for p in &paras {
        paragraphs_html(&mut html, p);
    }
    html.push_str("<p>");
    push_escaped(&mut html, signoff);
    html.push_str("<br>");
    push_escaped(&mut html, agent.name);
    html.push_str("<br>");
    push_escaped(&mut html, team);
    html.push_str(" team</p>");
    let attribution = format!("On {date}, {who} <{}> wrote:", c.email);
    if gmail {
        html.push_str("<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">");
        push_escaped(&mut html, &attribution);
        html.push_str("<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex\">");
        paragraphs_html(&mut html, &quoted.text);
        html.push_str("</blockquote></div>");
    } else {
        html.push_str("<div><br><div>");
        push_escaped(&mut html, &attribution);
        html.push_str("</div><blockquote type=\"cite\">");
        paragraphs_html(&mut html, &quoted.text);
        html.push_str("</blockquote></div>");
    }
    html.push_str("</div>");
    Rendered { body, html }
}

/// A time for an event after `t` and before `next` (or shortly after `t` at the end).
fn between(rng: &mut Rng, t: i64, next: Option<i64>, lo: i64, hi: i64) -> i64 {
    let at = t + rng.range(lo, hi);
    match next {
        Some(n) if at >= n => (t + (n - t) / 2).max(t),
        _ => at,
    }
}

/// First sentence of the opening, shortened at a word, as people write subject lines.
fn subject_from(text: &str) -> String {
    let end = text
        .char_indices()
        .skip(12)
        .find(|&(_, c)| matches!(c, '.' | '?' | '!' | '\n'))
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let first = text[..end].trim();
    if first.chars().count() <= 70 {
        return first.to_string();
    }
    let mut cut = 0;
    for (i, c) in first.char_indices() {
        if i > 66 {
            break;
        }
        if c == ' ' {
            cut = i;
        }
    }
    format!("{}…", first[..cut].trim_end_matches([',', ' ']))
}

// ---------------------------------------------------------------------------------------------
// Zendesk.

#[derive(Serialize)]
struct ZVia {
    channel: &'static str,
}

#[derive(Serialize)]
struct ZComment {
    id: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    author_id: i64,
    public: bool,
    body: String,
    html_body: String,
    created_at: String,
    via: ZVia,
    attachments: &'static [u8],
}

#[derive(Serialize)]
struct ZUser {
    id: i64,
    name: String,
    email: Option<String>,
    role: &'static str,
}

#[derive(Serialize)]
struct ZGroup {
    id: u64,
    name: &'static str,
}

#[derive(Serialize)]
struct ZTicket {
    id: u64,
    url: String,
    external_id: Option<String>,
    via: ZVia,
    created_at: String,
    updated_at: String,
    #[serde(rename = "type")]
    kind: &'static str,
    subject: String,
    description: String,
    priority: &'static str,
    status: &'static str,
    requester_id: i64,
    submitter_id: i64,
    assignee_id: u64,
    group_id: u64,
    tags: Vec<String>,
    comments: Vec<ZComment>,
    users: Vec<ZUser>,
    groups: Vec<ZGroup>,
}

fn zendesk_ticket(c: &Convo, seed: u64) -> ZTicket {
    let mut rng = Rng::new(seed, c.number - 1, SALT_ZENDESK);
    let agent = &AGENTS[c.agent];
    let requester = 9_000_000 + c.number as i64;
    let channel = c.channel.zendesk();
    let mut comments = Vec::with_capacity(c.turns.len() + 2);
    let mut next_id = c.number * 100;
    let mut last_customer: Option<&GenTurn> = None;
    for (k, t) in c.turns.iter().enumerate() {
        next_id += 1;
        let (author_id, via, rendered) = match t.role {
            Role::Bot => (-1, "rule", simple(&t.text)),
            Role::Agent => {
                let r = match last_customer {
                    Some(q) if c.channel == Channel::Email && rng.chance(50) => agent_email(c, &t.text, q, &mut rng),
                    _ => simple(&t.text),
                };
                (agent.id as i64, channel, r)
            }
            _ => (requester, channel, simple(&t.text)),
        };
        comments.push(ZComment {
            id: next_id,
            kind: "Comment",
            author_id,
            public: true,
            body: rendered.body,
            html_body: rendered.html,
            created_at: iso(t.at),
            via: ZVia { channel: via },
            attachments: &[],
        });
        if t.role == Role::Customer {
            last_customer = Some(t);
        }
        if t.role == Role::Agent && rng.chance(12) {
            let next = c.turns.get(k + 1).map(|n| n.at);
            let note = fill(*rng.pick(INTERNAL_NOTES), &note_slots(c, &mut rng));
            let r = simple(&note);
            next_id += 1;
            comments.push(ZComment {
                id: next_id,
                kind: "Comment",
                author_id: agent.id as i64,
                public: false,
                body: r.body,
                html_body: r.html,
                created_at: iso(between(&mut rng, t.at, next, 30, 600)),
                via: ZVia { channel: "web" },
                attachments: &[],
            });
        }
    }
    let created = c.turns[0].at;
    let updated = comments.last().map(|x| x.created_at.clone()).unwrap_or_else(|| iso(created));
    let opening = c.turns.iter().find(|t| t.role == Role::Customer).map(|t| t.text.as_str()).unwrap_or("");
    let subject = match c.channel {
        Channel::Chat => format!("Chat with {}", c.customer_name()),
        _ => subject_from(opening),
    };
    let mut users = vec![
        ZUser { id: agent.id as i64, name: agent.name.to_string(), email: Some(agent.email.to_string()), role: "agent" },
        ZUser { id: requester, name: c.customer_name(), email: Some(c.email.clone()), role: "end-user" },
    ];
    if c.turns.iter().any(|t| t.role == Role::Bot) {
        users.push(ZUser { id: -1, name: BOT_NAME.to_string(), email: None, role: "agent" });
    }
    let status = if c.upset_at_end && c.turns.last().is_some_and(|t| t.role == Role::Customer) {
        "open"
    } else if rng.chance(70) {
        "solved"
    } else {
        "closed"
    };
    ZTicket {
        id: c.number,
        url: format!("https://example.zendesk.com/api/v2/tickets/{}.json", c.number),
        external_id: None,
        via: ZVia { channel },
        created_at: iso(created),
        updated_at: updated,
        kind: if c.emotion == Emotion::None { "question" } else { "incident" },
        subject,
        description: comments.first().map(|x| x.body.clone()).unwrap_or_default(),
        priority: match c.emotion {
            Emotion::Anger | Emotion::Anxiety => "high",
            Emotion::None => "low",
            _ => "normal",
        },
        status,
        requester_id: requester,
        submitter_id: requester,
        assignee_id: agent.id,
        group_id: TEAMS[c.team].1,
        tags: vec![TEAMS[c.team].0.to_ascii_lowercase(), channel.to_string()],
        comments,
        users,
        groups: vec![ZGroup { id: TEAMS[c.team].1, name: TEAMS[c.team].0 }],
    }
}

fn note_slots(c: &Convo, rng: &mut Rng) -> Slots {
    Slots {
        name: c.first,
        agent: AGENTS[c.agent].first_name(),
        team: TEAMS[c.team].0,
        order: format!("{}", 88_000_000 + rng.below(2_000_000)),
        email: c.email.clone(),
        phone: format!("07700 900{:03}", rng.below(1000)),
        card: *rng.pick(TEST_CARDS),
        reference: format!("{}", 40_000 + rng.below(60_000)),
    }
}

// ---------------------------------------------------------------------------------------------
// Intercom.

#[derive(Serialize)]
struct IAuthor {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    name: String,
    email: String,
}

#[derive(Serialize)]
struct IAssignee {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
}

#[derive(Serialize)]
struct IPart {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    part_type: &'static str,
    body: Option<String>,
    created_at: i64,
    updated_at: i64,
    notified_at: i64,
    assigned_to: Option<IAssignee>,
    author: IAuthor,
    attachments: &'static [u8],
    external_id: Option<String>,
    redacted: bool,
}

#[derive(Serialize)]
struct ISource {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    delivered_as: &'static str,
    subject: &'static str,
    body: String,
    author: IAuthor,
    attachments: &'static [u8],
    url: Option<String>,
    redacted: bool,
}

#[derive(Serialize)]
struct IParts {
    #[serde(rename = "type")]
    kind: &'static str,
    conversation_parts: Vec<IPart>,
    total_count: usize,
}

#[derive(Serialize)]
struct IList<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    items: T,
}

#[derive(Serialize)]
struct IContacts {
    contacts: Vec<IAssignee>,
}

#[derive(Serialize)]
struct ITags {
    tags: Vec<String>,
}

#[derive(Serialize)]
struct IConversation {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    created_at: i64,
    updated_at: i64,
    waiting_since: Option<i64>,
    snoozed_until: Option<i64>,
    title: Option<String>,
    open: bool,
    state: &'static str,
    read: bool,
    priority: &'static str,
    team_assignee_id: String,
    admin_assignee_id: String,
    contacts: IList<IContacts>,
    tags: IList<ITags>,
    source: ISource,
    conversation_parts: IParts,
}

fn intercom_html(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 16);
    paragraphs_html(&mut s, text);
    s
}

fn intercom_conversation(c: &Convo, seed: u64) -> IConversation {
    let mut rng = Rng::new(seed, c.number - 1, SALT_INTERCOM);
    let agent = &AGENTS[c.agent];
    let user_id = format!("u-{}", c.number);
    let author = |role: Role| match role {
        Role::Agent => IAuthor { kind: "admin", id: agent.id.to_string(), name: agent.name.to_string(), email: agent.email.to_string() },
        Role::Bot => IAuthor { kind: "bot", id: "9000001".to_string(), name: BOT_NAME.to_string(), email: "operator@example.com".to_string() },
        _ => IAuthor { kind: "user", id: user_id.clone(), name: c.customer_name(), email: c.email.clone() },
    };
    let first = &c.turns[0];
    let source = ISource {
        kind: "conversation",
        id: format!("{}", c.number * 1000),
        delivered_as: if first.role == Role::Bot { "automated" } else { "customer_initiated" },
        subject: "",
        body: intercom_html(&first.text),
        author: author(first.role),
        attachments: &[],
        url: None,
        redacted: false,
    };
    let mut parts = Vec::with_capacity(c.turns.len() + 2);
    let mut next_id = c.number * 1000;
    let has_bot = c.turns.iter().any(|t| t.role == Role::Bot);
    let mut assigned = false;
    let mut part = |parts: &mut Vec<IPart>, part_type, body, at, assigned_to, author| {
        next_id += 1;
        parts.push(IPart {
            kind: "conversation_part",
            id: next_id.to_string(),
            part_type,
            body,
            created_at: at,
            updated_at: at,
            notified_at: at,
            assigned_to,
            author,
            attachments: &[],
            external_id: None,
            redacted: false,
        });
    };
    for (k, t) in c.turns.iter().enumerate().skip(1) {
        if t.role == Role::Agent && !assigned {
            assigned = true;
            if has_bot || rng.chance(40) {
                let prev = c.turns[k - 1].at;
                let at = (t.at - rng.range(5, 60)).max(prev);
                let by = if has_bot { author(Role::Bot) } else { author(Role::Agent) };
                let to = IAssignee { kind: "admin", id: agent.id.to_string() };
                part(&mut parts, "assignment", None, at, Some(to), by);
            }
        }
        part(&mut parts, "comment", Some(intercom_html(&t.text)), t.at, None, author(t.role));
        if t.role == Role::Agent && rng.chance(12) {
            let next = c.turns.get(k + 1).map(|n| n.at);
            let note = fill(*rng.pick(INTERNAL_NOTES), &note_slots(c, &mut rng));
            let at = between(&mut rng, t.at, next, 30, 600);
            part(&mut parts, "note", Some(intercom_html(&note)), at, None, author(Role::Agent));
        }
    }
    let updated = parts.last().map(|p| p.created_at).unwrap_or(first.at);
    let open = c.upset_at_end && c.turns.last().is_some_and(|t| t.role == Role::Customer);
    let total_count = parts.len();
    IConversation {
        kind: "conversation",
        id: c.number.to_string(),
        created_at: first.at,
        updated_at: updated,
        waiting_since: if open { Some(updated) } else { None },
        snoozed_until: None,
        title: None,
        open,
        state: if open { "open" } else { "closed" },
        read: true,
        priority: if matches!(c.emotion, Emotion::Anger | Emotion::Anxiety) { "priority" } else { "not_priority" },
        team_assignee_id: TEAMS[c.team].1.to_string(),
        admin_assignee_id: agent.id.to_string(),
        contacts: IList { kind: "contact.list", items: IContacts { contacts: vec![IAssignee { kind: "contact", id: user_id.clone() }] } },
        tags: IList { kind: "tag.list", items: ITags { tags: vec![] } },
        source,
        conversation_parts: IParts { kind: "conversation_part.list", conversation_parts: parts, total_count },
    }
}

// ---------------------------------------------------------------------------------------------
// The text pools, hand-written. `{name}` is the customer's first name, `{agent}` the agent's,
// `{team}` the team; `{order}`, `{email}`, `{phone}`, `{card}` and `{ref}` are per-conversation
// made-up data (test card numbers, example.net addresses, Ofcom drama / 555-01xx phone numbers).

const FIRST_NAMES: &[&str] = &[
    "Jordan", "Aisha", "Mateo", "Hannah", "Wei", "Olga", "Samir", "Chloe", "Tunde", "Ingrid", "Diego", "Fatima",
    "Liam", "Nadia", "Kofi", "Emma", "Ravi", "Sinead", "Tomasz", "Yuki", "Marcus", "Leila", "Pieter", "Grace",
    "Omar", "Zoe", "Arjun", "Beatriz", "Callum", "Mei",
];

const LAST_NAMES: &[&str] = &[
    "Kim", "Okoye", "Rossi", "Schmidt", "Nguyen", "Kowalski", "Haddad", "Murphy", "Mensah", "Larsen", "Garcia",
    "Rahman", "O'Brien", "Petrov", "Sato", "Brown", "Iyer", "Byrne", "Nowak", "Tanaka", "Reid", "Farah",
    "de Vries", "Campbell", "Aziz", "Clarke", "Shah", "Costa", "Fraser", "Chen",
];

/// Payment-industry test numbers: never real cards, but they look like them to a redactor.
const TEST_CARDS: &[&str] = &["4111 1111 1111 1111", "5555 5555 5555 4444", "4000 0566 5566 5556", "3782 822463 10005"];

/// Customer openings: (emotion, team, topics, text). Banking, insurance, utilities, telecom
/// bills → Billing; SaaS, connectivity, games, portals → Technical; retail, food delivery,
/// airline, travel, applications → Orders.
const OPENINGS: &[(Emotion, usize, Tags, &str)] = &[
    // anger
    (Emotion::Anger, B, PAY, "You charged me TWICE for the same month and nobody has answered my emails in a week. This is the worst bank I have ever dealt with. Fix it or I'm closing every account I have with you."),
    (Emotion::Anger, O, DELIV | REFUND | LATE, "WHERE IS MY FOOD. 1 hour 40 min and the app still says 'on the way'. Absolute joke of a company, I want every penny back."),
    (Emotion::Anger, T, NET | OUTAGE, "Third outage this week. I run a business from home and your \"fibre\" keeps dropping every afternoon. I'm done paying for this garbage."),
    (Emotion::Anger, O, DELIV | DAMAGE, "Your courier threw my parcel over the fence in the rain and the laptop inside is soaked. Order #{order}. I am livid."),
    (Emotion::Anger, B, INSUR, "I was on hold for 58 minutes and then the line just cut off. Are you people even trying?? My claim is in your system, sort it out."),
    (Emotion::Anger, T, GAME | BUG, "the game ate my 4,000 gems after the update and your bot keeps sending me the same useless article. give them back or i'm doing a chargeback"),
    (Emotion::Anger, O, TRAVEL | FLIGHT, "Flight cancelled with 3 hours notice, no hotel, no food voucher, nothing. Two kids asleep on the airport floor. Disgusting way to treat people."),
    (Emotion::Anger, B, HARD, "You cut off our electricity while my payment plan was ACTIVE. I have a baby in the house. Someone is going to answer for this."),
    (Emotion::Anger, B, INSUR | LOYAL, "Why the hell did my premium go up 38% when I haven't made a single claim in six years?! Loyalty means nothing to you clearly"),
    (Emotion::Anger, T, ACCESS, "Locked out of my account AGAIN. Your 2FA texts never arrive and the recovery form is a dead end. I have payroll to run in 2 hours!!!"),
    (Emotion::Anger, O, DELIV | HOMEDELIV, "I ordered a king size bed frame and you delivered a single. then the driver refused to take it back. seriously what is wrong with you people"),
    // frustration
    (Emotion::Frustration, T, BUG, "This is the fourth time I'm writing about the same sync error. Every time someone tells me it's fixed and every time it comes back the next morning."),
    (Emotion::Frustration, B, DOCS, "I've sent my proof of address three times now. Each time I get an email asking for proof of address. Is anyone actually reading these?"),
    (Emotion::Frustration, O, REFUND, "Still no refund for order #{order}. You said 5-7 days. It's been 19."),
    (Emotion::Frustration, T, NET, "The router you sent keeps rebooting itself every 20 mins. I did the factory reset, I did the firmware thing, I swapped cables. Nothing works."),
    (Emotion::Frustration, B, CLOSE | PAY, "Been trying to cancel my subscription for weeks. The cancel button just reloads the page. I shouldn't need to email you to stop paying you."),
    (Emotion::Frustration, O, DELIV | HOMEDELIV, "Delivery rescheduled again, that's three Saturdays I've stayed home waiting for a fridge that never shows up"),
    (Emotion::Frustration, T, ACCESS | DOCS, "Your portal logs me out every time I upload the tax document, so I have to start the whole form again. I've done it 6 times tonight."),
    (Emotion::Frustration, B, PAY, "I keep getting charged the late fee even though I pay by direct debit on the same day every month. Can someone please look at this properly this time."),
    (Emotion::Frustration, T, ACCESS, "Why does the app need a password reset every single week?? I use a password manager, I'm not typing it wrong."),
    (Emotion::Frustration, O, TRAVEL | SEAT, "Booked a window seat, paid extra for it, got a middle seat. Second time this year on your airline."),
    (Emotion::Frustration, T, BUG, "Export to PDF has been broken since your last release. Cleared cache, tried Chrome and Firefox, same blank page. This is my third ticket on it."),
    // sadness
    (Emotion::Sadness, B, CLOSE | DOCS | BEREAVE, "My husband passed away last month and I'm trying to close his account. I'm being asked for documents I already sent and honestly I can't keep going over it."),
    (Emotion::Sadness, O, DELIV | REFUND | OCCASION | LATE, "The cake I ordered for my daughter's 7th birthday didn't arrive. She waited by the window all afternoon. I don't even know what I'm asking for anymore."),
    (Emotion::Sadness, O, DELIV | LOST, "My grandmother's ring was in that parcel. It's not about the money, it can't be replaced."),
    (Emotion::Sadness, T, BUG | LOST, "I lost all the photos from my son's first year when your cloud backup \"migrated\". Please tell me there's some way to get them back 😢"),
    (Emotion::Sadness, B, HARD, "Lost my job in December and now I can't make the loan payment. I feel awful even asking but is there anything that can be done?"),
    (Emotion::Sadness, O, TRAVEL, "We had to cancel our honeymoon because my wife is in hospital. I just need to know what happens to the booking."),
    (Emotion::Sadness, B, INSUR | CLOSE | BEREAVE, "Our dog died last week and I keep getting reminders about his pet insurance renewal... can someone please just stop them"),
    (Emotion::Sadness, O, DELIV | REFUND | OCCASION | BEREAVE, "Ordered flowers for my mum's funeral and they went to the wrong church. Everyone noticed there were none."),
    (Emotion::Sadness, B, CLOSE | LOYAL, "I've been a customer for 22 years and I'm moving into a care home, so I need to close everything. It's a sad day to be honest."),
    (Emotion::Sadness, T, GAME | LOST, "my character with 3 years of progress is just gone after the server reset. i know its just a game but it ment a lot to me"),
    // anxiety
    (Emotion::Anxiety, B, FRAUD, "There's a payment of £1,240 on my account I don't recognise. Has my card been stolen?? The card is {card}, please block it NOW."),
    (Emotion::Anxiety, O, APPLY, "My passport application went in 9 weeks ago and I fly on the 14th. The tracker hasn't moved. I'm panicking."),
    (Emotion::Anxiety, B, INSUR, "I got a letter saying my car insurance lapsed. I drive to work every day, am I covered right now or not?"),
    (Emotion::Anxiety, T, ACCESS | OUTAGE, "Our whole team can't log in and we have a client demo at 3pm. Is there an outage? Please tell me someone is on it."),
    (Emotion::Anxiety, O, APPLY, "I paid for the visa appointment but never got a confirmation email and the appointment is tomorrow morning. What do I do?"),
    (Emotion::Anxiety, B, XFER, "The mortgage payment hasn't left my account and completion is Friday. Is something wrong?? I can't lose this house."),
    (Emotion::Anxiety, O, DELIV | LATE, "My order with my insulin supplies says delayed. I have 2 days left. Is it actually coming?"),
    (Emotion::Anxiety, T, FRAUD | ACCESS, "Got an email saying my account was accessed from another country. Was I hacked?? I changed my password but I'm scared."),
    (Emotion::Anxiety, B, XFER, "My salary hasn't arrived and payroll says it was sent Tuesday. Rent goes out tomorrow. Where is the money?"),
    (Emotion::Anxiety, O, TRAVEL | FLIGHT, "Connecting flight leaves 50 minutes after we land and the first one is already delayed 40. Will they hold the plane?"),
    // confusion
    (Emotion::Confusion, B, PAY, "Hi, my bill this month is double the last one but I haven't used more than usual? I don't understand the new tariff breakdown at all."),
    (Emotion::Confusion, T, ACCESS | BUG, "I'm not sure I set this up right. The app says 'workspace not provisioned' - what does that mean and is it something I did?"),
    (Emotion::Confusion, O, DELIV | MIXUP, "I got two emails, one says my order shipped and the other says it was cancelled. Which one is true? Order #{order}"),
    (Emotion::Confusion, B, PAY, "Why is there a 'pending' charge and a 'posted' charge for the same amount? Am I paying twice or is that normal?"),
    (Emotion::Confusion, T, NET, "Sorry if this is a dumb question but how do I move my number to the new SIM without losing service?"),
    (Emotion::Confusion, O, DELIV | LOST, "The tracking says \"delivered to safe place\" but there's nothing at my door. Where is the safe place??"),
    (Emotion::Confusion, B, INSUR, "I'm confused about the excess on my policy - if someone else hits my car do I still pay it?"),
    (Emotion::Confusion, T, DOCS | GOV, "Which form do I need for the council tax discount? The links on the website just go round in circles."),
    (Emotion::Confusion, O, TRAVEL, "I booked a return but the confirmation only shows the outbound flight. Did the return not go through?"),
    (Emotion::Confusion, T, GAME | ACCESS, "hi, the game says my account is linked to another console?? i only have one. what does this mean"),
    // disappointment
    (Emotion::Disappointment, O, DELIV | REFUND, "Honestly a bit let down. Food arrived cold and the drinks were missing. Used to be so good."),
    (Emotion::Disappointment, T, BUG, "I upgraded to Pro for the offline mode and it turns out it doesn't work on tablets. Wish that had been clearer before I paid."),
    (Emotion::Disappointment, O, TRAVEL | HOTEL, "The hotel looked nothing like the photos on your site. The 'sea view' was a car park. Not what we paid for."),
    (Emotion::Disappointment, B, PAY | LOYAL, "I've been with you for 9 years and new customers get a better rate than me. That's a bit disappointing tbh."),
    (Emotion::Disappointment, O, DELIV | REFUND | DAMAGE, "The jacket came with a broken zip. Was really looking forward to wearing it this weekend."),
    (Emotion::Disappointment, T, NET, "Speeds are about half of what I was promised when I signed up. Not angry, just dissapointed."),
    (Emotion::Disappointment, B, PAY, "Was expecting the cashback to show up after 30 days like the ad said. It hasn't. Kind of feels like a bait and switch."),
    (Emotion::Disappointment, O, TRAVEL | SEAT, "The seat upgrade I bid on went to someone else and I only found out at the gate. Oh well. Would've been nice to be told."),
    (Emotion::Disappointment, T, BUG, "The new update removed the dark mode I use every night. Shame, it was the main reason I liked the app."),
    (Emotion::Disappointment, O, DELIV | OCCASION | DAMAGE, "Ordered the gift set for my sister's birthday, half the items were missing from the box 😕"),
    // none
    (Emotion::None, B, Q_INVOICE, "Hi, could you send me a copy of my invoice for February? Thanks."),
    (Emotion::None, T, Q_USERS, "Hello, how do I add a second user to our account?"),
    (Emotion::None, O, Q_ADDRESS, "Can I change the delivery address on order #{order}? I'm moving on Monday."),
    (Emotion::None, B, Q_CUTOFF, "What's the cut-off time for same-day transfers?"),
    (Emotion::None, T, Q_EXPORT, "Is there a way to export all my data as CSV?"),
    (Emotion::None, O, Q_SHIP, "Hi there, do you ship to Norway?"),
    (Emotion::None, B, Q_EMAIL, "I'd like to update the email on my account to {email} please."),
    (Emotion::None, T, Q_API, "Quick question: does the Business plan include API access?"),
    (Emotion::None, O, Q_BAG, "Can I add a checked bag to my booking after check-in opens?"),
    (Emotion::None, B, Q_CALLBACK, "Please can you call me back about switching to the fixed tariff. My number is {phone}."),
    (Emotion::None, O, Q_STOCK, "When will the blue one be back in stock? Size M."),
    (Emotion::None, T, Q_LICENCE, "How do I renew my fishing licence online? The old link gives a 404."),
];

/// Appended to an opening now and then, for redaction tests.
const PII_ADDENDA: &[(Tags, &str)] = &[
    (ALL, "\n\nYou can call me on {phone} if that's easier."),
    (ALL & !Q_EMAIL, " My email is {email}."),
    (ORDERY | Q_ADDRESS | Q_STOCK, " The order number is #{order}."),
    (MONEY | ORDERY, "\nCard used: {card}"),
    (ALL, " (account email {email}, phone {phone})"),
    (MONEY, "\n\nMy card number is {card} in case you need it."),
];

/// Empathetic replies: (topics | CALM?, text).
const EMPATHETIC: &[(Tags, &str)] = &[
    (ACCESS | BUG | NET | DOCS | CLOSE, "I can hear how worn down you are by this, and I'm sorry it's taken so long to get anywhere. Can you tell me what happened the last time you tried? I'd like to see exactly where it breaks down."),
    (E_ANX | E_ANGER | E_FRUST | E_SAD, "That sounds really stressful, especially with everything else going on. You're right to expect a straight answer by now. I've taken this over personally and I'll update you by 4pm today."),
    (DELIV | FRAUD | HARD | LOST, "Oh no, that's a horrible thing to come home to. Let me look into what went wrong. Could you tell me roughly when you noticed?"),
    (E_FRUST | E_ANGER | LATER, "You've had to explain this far too many times, and I completely understand why you're fed up. I've read the whole history so you don't have to repeat yourself. What would be the most helpful outcome for you right now?"),
    (BEREAVE, "I'm really sorry for your loss. Please don't worry about the paperwork for a moment. I'll go through what we already have and only come back to you if something is genuinely missing."),
    (E_FRUST | E_ANGER, "You've had to chase this far too much, and it shouldn't have happened. I've asked for an answer today and I'll reply here as soon as I have it. Is email the best way to reach you, or would a call be quicker?"),
    (LOYAL, "I can see why you'd feel let down after being with us that long. It's a fair point. Would it help if I went through the current options with you and checked whether there's a better fit?"),
    (E_FRUST | E_ANGER | E_ANX, "Sorry the wait has been so long and that you've had no clear update. Can I ask what you've been told so far? I want to make sure whatever I tell you next is actually accurate."),
    (E_ANGER | E_FRUST, "It makes sense that you're angry. Being left without an answer this long would frustrate anyone. I'm here now, and I'll stay on this until we have a plan."),
    (DOCS | BEREAVE, "Thank you for telling me this, I know it can't have been easy to write. I've flagged your account so nobody asks you for the same documents again."),
    (E_DISAPP | E_ANGER | E_FRUST, "I'm sorry this has knocked your confidence in us. What would you need to see from us to feel comfortable again? I'd genuinely like to know."),
    (ACCESS | BUG | Q_EXPORT | Q_USERS | Q_EMAIL | Q_LICENCE | CALM, "Happy to help with that. Before I change anything, could you walk me through what you see on your screen right now?"),
    (Q_API | Q_EXPORT | Q_USERS | CALM, "Good question! Could you tell me a bit more about how you'd like to use it, so I can point you to the option that fits best?"),
    (ACCESS | BUG | NET, "That's such a frustrating way to start your day, {name}. Let's get you sorted. Does it happen every time, or only sometimes?"),
    (ACCESS | BUG | DOCS | CLOSE, "You have every right to be frustrated after all those attempts. Let me try a different approach this time: can you tell me at which step it fails?"),
    (E_ANGER | E_FRUST | E_DISAPP | E_SAD, "That really isn't the experience you should have had, and I appreciate you taking the time to tell us. Would you be willing to share a bit more about what happened? It helps us fix it properly."),
    (BUG | NET | PAY | ACCESS | GAME | CALM, "Thanks for flagging this. To get to the bottom of it, can you tell me when you first noticed it and whether anything changed around then?"),
    (E_FRUST | E_ANGER, "I'm sorry you've been passed around, that's exhausting. From now on I'm your contact for this, and you can reply straight to this email."),
    (E_FRUST, "Sorry it's been such a slog. Can I ask what you need to be able to do by the end of the week? I'll prioritise that part first."),
    (E_ANX | E_SAD | E_FRUST, "I can tell this has been weighing on you. Let's take it one step at a time: what's the most urgent part for you today?"),
    (XFER, "I'm really sorry the money hasn't arrived when you're relying on it, that's an awful position to be in. I've traced the payment and it's sitting with the receiving bank. I'll stay on this chat while we check whether it can be released today."),
    (PAY, "It's completely reasonable to be confused by that statement, it isn't laid out well. The first line is a pending amount that drops off once the real charge posts, so you're only paying once. Does that match what you're seeing?"),
    (PAY, "Sorry for all the back and forth on this, {name}. You shouldn't have had to chase us. I've removed the extra charges from the last three statements. Could you let me know if the next one still shows them?"),
    (XFER, "I can understand why you're nervous with the date this close. Let me check the payment status with the team now rather than later. Can you tell me who the payment was going to so I can match it up?"),
    (HARD, "I'm sorry, that's a lot to deal with on top of everything else. There are a few ways we can pause or reduce payments for a while. Would you be comfortable telling me roughly what you could manage each month?"),
    (INSUR, "That's a really stressful thing to read first thing in the morning, I'm sorry. Your cover is still active; the letter went out by mistake. I've added a note to your policy and a corrected letter will follow this week."),
    (FRAUD, "I understand why this has you worried. Let's make sure you're safe first: I've put a temporary block on the card. Can you tell me which of the recent payments you do recognise?"),
    (BUG | ACCESS | GAME, "I can tell this has been going on far too long for you. I'm not going to send you another article. Let's look at it together: what does the error say, word for word?"),
    (NET | OUTAGE, "An unstable connection when you rely on it for work is a big deal, and I'm sorry. I've booked an engineer for Thursday morning. Is there anything about access to the property they should know?"),
    (FRAUD, "That's genuinely worrying, and I'm glad you got in touch straight away. Your account is locked to new logins now. Did you use the same password anywhere else?"),
    (GAME | LOST, "I can see why losing that hurts, it's years of evenings. I've opened a restore request with the game team. Do you remember roughly when you last played, so they know which backup to look at?"),
    (NET, "It's fair to expect the speed you were sold, and I'm sorry it's been falling short. Could you run a speed test with the laptop plugged into the router and send me the result? Then we'll know whether it's the line or the wifi."),
    (ACCESS, "Sorry about the repeated logouts, that sounds maddening when you're halfway through something. Which browser are you on, and does it happen on the same page each time?"),
    (BUG | ACCESS | CLOSE | CALM, "Let's figure it out. What happens when you press the button: does the page reload, show an error, or just sit there?"),
    (Q_EXPORT | CALM, "Sure! Before I point you somewhere, what are you hoping to do with the export, move to another tool or keep a backup?"),
    (OUTAGE, "Being cut off in the middle of your working day is a nightmare, I get it. There is an incident on our side and engineers are on it. I'll message you here the moment it's back. Which area are you in?"),
    (OCCASION, "I'm so sorry, that must have been heartbreaking on such an important day. I've refunded the order in full, and I'd like to understand what happened with the driver. Did anyone call you?"),
    (FLIGHT, "Oh, what a rotten start to a trip. I'm sorry. Let me see what we can still do. Have you already been offered anything at the airport?"),
    (HOTEL, "Those photos set an expectation the room didn't meet, and I'm sorry. Could you send me a picture of the view you got? I'll take it to the hotel and push for a room move or a partial refund."),
    (DAMAGE, "That must have been really upsetting to find. I've asked the courier for the delivery photo and started a claim for the damage. Could you send a picture of the box and the item when you have a moment?"),
    (SEAT, "Totally get why you're annoyed, paying extra for a seat and not getting it isn't OK. I've refunded the seat fee. Was there anything else about the flight that went wrong?"),
    (MIXUP, "Hi {name}, I can see how confusing those two emails must have been. The cancellation was sent in error: your order is on its way and should arrive Thursday. Sorry for the scare!"),
    (HOMEDELIV, "That's a lot of waiting in for nothing, and I'm sorry. I've booked a fixed two-hour slot for Saturday and put a note on the order. Which time would suit you best?"),
    (LATE, "I'm so sorry, I know how much you were counting on this arriving in time. There's still an express option for tomorrow, and I've waived the charge. Would that work for you?"),
    (LOST | REFUND | TRAVEL | DOCS | APPLY, "I can only imagine how worrying this is. I've opened a trace and I'll chase it myself every day until we have an answer. Is there a date you need it by?"),
    (E_CONF, "That's a fair question, and the way it's shown really is confusing. Let me walk you through it. Which part are you looking at right now?"),
    (E_CONF, "Not a dumb question at all, lots of people get stuck on this. Let's go through it together: what do you see when you open it?"),
    (E_CONF | E_ANX, "I can see why that would be unsettling when it doesn't add up. I've pulled up your account and I'll explain each line. Did anything change on your side recently?"),
    (QS | CALM, "Sure, happy to help. So I give you the right answer, can you tell me a bit more about what you need it for?"),
    (Q_SHIP | Q_STOCK | Q_BAG | Q_ADDRESS | Q_CUTOFF | Q_CALLBACK | Q_INVOICE | CALM, "Of course! Is there a particular date you're working towards? I'll check what's possible before I promise anything."),
];

/// Sympathetic replies: (topics | GROVEL?, text). Warm in tone, risky in substance.
const SYMPATHETIC: &[(Tags, &str)] = &[
    (ISSUES | GROVEL, "Oh my god, I'm SO sorry. I feel absolutely terrible about this, please please forgive us. I'm so so sorry."),
    (ISSUES | GROVEL, "Honestly I'm furious too reading this. I'd be screaming if it happened to me!!"),
    (ORDERY, "Our warehouse team is useless, I'm so sorry. They do this constantly and nobody ever listens to us."),
    (ISSUES, "This is completely unacceptable and frankly disgraceful. I'll make sure someone answers for it."),
    (ISSUES, "You poor thing, that sounds awful. I really feel for you, honestly."),
    (ISSUES, "I guarantee this will never happen again. You have my word on that."),
    (REFUND | PAY, "I promise your refund will be in your account by tomorrow morning, 100%."),
    (ISSUES | GROVEL, "What an absolute disaster!! I can't believe this happened to you, I'm so upset on your behalf."),
    (PAY | CLOSE | INSUR, "The billing department messed up again, they never check anything. I'm really sorry you got caught up in their mess."),
    (E_ANGER | E_FRUST | E_DISAPP | LATER, "The night team clearly didn't even read your file. Honestly, so irresponsible of them."),
    (ALL, "We value every single one of our customers and your satisfaction is our top priority. Rest assured we care deeply about your concerns."),
    (ISSUES | GROVEL, "I'm so sorry, I'm so so sorry, this is all our fault and I feel awful. I don't know what else to say."),
    (E_ANGER | E_FRUST | E_DISAPP, "Outrageous. Nobody should be treated like that, least of all someone who's been with us for years."),
    (NET | OUTAGE | ACCESS | BUG, "I'll get the engineers on it right now, I promise it'll definitely be sorted before tonight."),
    (E_CONF | E_ANX | E_SAD | Q_CUTOFF | Q_EXPORT, "Bless you, this must all be so confusing for you. Don't worry your head about it."),
    (ISSUES | GROVEL, "Ugh, this makes me so angry. I deal with this rubbish every day and it drives me mad too."),
    (DELIV, "Our courier partner are a bunch of cowboys, honestly. I've lost count of the complaints about them this month."),
    (ISSUES, "You will definitely get full compensation for this, I'll make sure of it."),
    (ISSUES | GROVEL, "I am mortified. Truly. Please accept my deepest, deepest apologies. I can't apologise enough, I feel sick about it."),
    (TECHY, "This is appalling and I'm ashamed of it. The tech team should have caught this weeks ago, it's ridiculous."),
    (ALL, "I'll save the day! Leave it with me and everything will be perfect from now on, guaranteed 😊"),
    (HARD | BEREAVE | XFER, "Oh you poor thing, and with everything else you're going through. I feel so sorry for you."),
    (ALL, "Your call is important to us and we hope to regain your confidence. We strive for excellence in everything we do."),
    (ISSUES | GROVEL, "I can't believe it either!!! This is SO frustrating, I'm honestly fuming on your behalf."),
    (BUG | GAME, "Our developers rushed that release out and broke everything, typical. I'm so sorry."),
    (FLIGHT, "Don't worry, I promise you'll be on your way on the very next flight, 100%."),
    (ISSUES, "This should never, ever have happened and it will never happen again, I personally guarantee it."),
    (ISSUES | GROVEL, "Oh no oh no, I'm so sorry!! Please forgive us, I feel terrible, this is the worst."),
    (MONEY | TECHY, "Honestly the people who set up your account should be ashamed of themselves. Totally incompetent."),
    (LOST, "I'm sure it will turn up, these things always get found in the end, I promise."),
    (ISSUES | GROVEL, "That's horrendous. I'd be in tears if it were me. I'm so sorry, I honestly feel awful for you."),
    (PAY | XFER | FRAUD, "Shocking. Absolutely shocking. Someone in our payments team clearly couldn't be bothered."),
    (ALL, "We sincerely apologise for any inconvenience. Customer satisfaction is our number one priority and we are committed to providing the best possible experience."),
    (TECHY | Q_USERS | Q_EMAIL, "I'll have your whole account fixed within the hour, you definitely won't have any more problems after today!"),
    (FRAUD, "Your money is 100% safe, nobody can touch your account now, I guarantee it."),
    (DELIV | REFUND, "I've raised a refund for you. And honestly, our warehouse people should be embarrassed, this is the third one today. It'll definitely be back with you tomorrow."),
    (ISSUES | GROVEL, "I've escalated it right away. I'm so terribly sorry, I feel absolutely awful, please don't hold it against us."),
    (Q_SHIP | Q_STOCK | Q_ADDRESS | Q_BAG, "Absolutely, and I guarantee it'll be with you by tomorrow, no matter what!"),
    (Q_EMAIL | Q_USERS | Q_ADDRESS | Q_CALLBACK | Q_INVOICE, "Done! And I promise you'll never have a single problem with us again 😊"),
];

/// Neutral replies: transactional, with no word about how the customer feels.
const NEUTRAL: &[(Tags, &str)] = &[
    (Q_INVOICE | PAY, "I've resent the invoice to the email address on your account. It should arrive within a few minutes."),
    (REFUND | PAY, "Your refund has been processed and will appear on your statement in 3-5 working days."),
    (DELIV | REFUND, "Please send us your order number and the postcode it was delivered to."),
    (Q_CUTOFF, "The cut-off for same-day transfers is 3pm on working days. Transfers made after that go out the next morning."),
    (Q_USERS, "You can add users under Settings > Team > Invite. Each seat is billed monthly."),
    (Q_ADDRESS, "I have updated the delivery address on order #{order}. You'll receive a confirmation email shortly."),
    (DAMAGE, "Sorry for the inconvenience. I've booked a replacement and it will ship today."),
    (ALL, "Thanks for getting in touch. I've passed this to the {team} team and they will reply within 2 working days."),
    (Q_API, "The Business plan includes API access with a limit of 10,000 requests per day."),
    (ACCESS | BUG, "Please try clearing your browser cache and logging in again. If it still fails, send us a screenshot of the error."),
    (Q_SHIP, "We ship to Norway. Delivery takes 4-6 working days and import duties are paid on arrival."),
    (PAY | LOYAL | HARD, "I've applied a £15 credit to your account. It will show on your next bill."),
    (NET | OUTAGE, "Your case reference is REF-{ref}. An engineer will call you between 8am and 1pm tomorrow."),
    (Q_STOCK, "The blue one is back in stock from the 20th. You can sign up for an alert on the product page."),
    (NET, "To port your number, text PAC to 65075 and give the code to your new provider. The switch happens within one working day."),
    (ACCESS, "I've reset your password. A link has been sent to {email}."),
    (Q_BAG | TRAVEL, "Checked bags can be added up to 24 hours before departure under Manage Booking."),
    (INSUR, "Your policy renews on the 1st. The new premium is shown on page 2 of the renewal letter."),
    (GOV, "Please fill in form CT-7 on the council website and upload a copy of your ID."),
    (DELIV | HOMEDELIV | LATE, "The courier has confirmed redelivery for Thursday."),
    (CLOSE | BEREAVE, "I've cancelled the subscription. You won't be charged again."),
    (TECHY | Q_EXPORT, "Can you send me the device model and the app version you're using?"),
    (PAY, "Sorry about that. I've corrected the tariff and a revised bill will follow by email."),
    (NET | OUTAGE | BUG | ACCESS, "I have escalated this to our engineering team under ticket {ref}."),
    (Q_EXPORT | BUG, "The export is under Account > Data > Download. Files are generated as CSV within an hour."),
    (LATE | MIXUP, "Order #{order} was dispatched yesterday. Tracking: JD00022{ref}."),
    (PAY | FRAUD, "Hi {name}, the charge was a pre-authorisation and has now been released."),
    (TRAVEL | SEAT | FLIGHT, "Please DM us your booking reference and the name on the ticket."),
    (INSUR | Q_CALLBACK, "I've requested a callback from the claims team. They're open 8am-6pm Monday to Friday."),
    (OUTAGE | NET, "The maintenance finished at 06:10 and services are back to normal."),
    (PAY | HARD | Q_CALLBACK, "Your direct debit date is now the 15th of each month, as requested."),
    (DAMAGE, "I can confirm the return has been received at our warehouse. The refund will be issued within 48 hours."),
    (PAY | FRAUD | XFER | HARD | INSUR | CLOSE | LOYAL | Q_CALLBACK | Q_EMAIL, "For security reasons we can't discuss the account over chat. Please call us on 0800 123 4567 from your registered number."),
    (DOCS | BEREAVE | CLOSE | APPLY, "We have received your documents. Verification normally takes up to 5 working days."),
    (NET, "A replacement SIM has been ordered and will arrive in 2-3 days."),
    (GAME, "I've added the 4,000 gems back to your account. Please restart the game to see them."),
    (TRAVEL, "Sorry for any confusion. The return flight is under a separate booking reference, which I've now emailed to you."),
    (ALL, "Thank you for your message. Your request has been logged and a member of the team will respond shortly."),
    (SEAT, "The seat fee of €25 has been refunded to the original card."),
    (NET, "Please restart the router by holding the reset button for 10 seconds, then wait for the light to turn green."),
    (Q_EMAIL, "I've updated your email address. You'll need to confirm the change from the link we sent to {email}."),
    (LOYAL | Q_CALLBACK, "The loyalty discount is applied automatically from the second month."),
    (MONEY, "Hi {name}, thanks for your message. I've checked and everything on your account is now up to date."),
    (ISSUES, "I've escalated this to the {team} team under reference {ref}. You'll get an email update within 24 hours."),
    (ISSUES, "Sorry for the inconvenience. I've logged this as case {ref} and a specialist will contact you."),
    (Q_LICENCE | GOV, "Licences and permits have moved to the new portal at gov.example.org/renew. The old links no longer work."),
    (FLIGHT | HOTEL, "You're entitled to meals and accommodation while you wait. Keep your receipts and submit them at the claims page."),
    (APPLY, "Your application is with the processing team. Current processing time is up to 10 weeks; urgent appointments can be booked at the passport office."),
    (LOST | GAME, "I've submitted a recovery request. These are usually completed within 72 hours."),
];

/// Dismissive replies: cold, lecturing, minimising, blaming the customer.
const DISMISSIVE: &[(Tags, &str)] = &[
    (REFUND | PAY | LATER, "As previously advised, refunds take up to 10 working days. Please wait."),
    (ALL, "That's our policy."),
    (TRAVEL | SEAT | HOTEL | Q_BAG, "You should have read the terms before booking. The fare was non-refundable."),
    (DELIV | LATE | FLIGHT | XFER | DOCS | APPLY, "It's only a short delay, there's no need to get upset."),
    (ISSUES, "Unfortunately there is nothing more we can do."),
    (ALL, "Did you even check the FAQ? This is covered in the first section."),
    (DELIV | LOST | DAMAGE, "That's the courier's responsibility, not ours. Please contact them directly."),
    (DELIV | MIXUP | LOST, "You must have entered the wrong address at checkout."),
    (PAY | INSUR | LOYAL | LATER, "As I already explained, the fee is correct."),
    (E_ANGER | E_FRUST, "Calm down please. Shouting in capitals won't get it fixed any faster."),
    (DELIV | LATE, "These things happen with deliveries, it's not a big deal."),
    (NET | OUTAGE | ACCESS | BUG, "Works fine on our end. Probably your wifi."),
    (E_ANGER | E_FRUST | LATER, "We've told you three times now. The answer isn't going to change."),
    (ISSUES | Q_BAG | Q_SHIP, "The terms and conditions you agreed to are very clear on this."),
    (TRAVEL | FLIGHT | SEAT | HOTEL, "Booking rules apply. Closing this ticket."),
    (TECHY | Q_USERS, "If you had followed the setup guide this wouldn't have happened."),
    (GAME, "It's a game, the items have no real-world value. We don't restore lost progress."),
    (PAY | LOYAL | Q_CALLBACK, "Lots of customers are on the same tariff and they manage fine."),
    (FLIGHT | LATE, "I'm not sure what you expect us to do about the weather."),
    (FRAUD | XFER, "Your bank will have to sort that out, not us."),
    (PAY | LOYAL, "You're overreacting a bit, it's a couple of pounds."),
    (PAY | INSUR | LOYAL, "As stated in our T&Cs, prices can change at any time."),
    (ISSUES | LATER, "Please read my previous email again. Everything you need is in there."),
    (ACCESS, "We can't be responsible for what you save in your own password manager."),
    (LATE | OCCASION, "Honestly, if it was that important you should have ordered earlier."),
    (ALL, "Sorry but that's just how the system works. Nothing I can change."),
    (ORDERY | PAY | INSUR, "You were told at the time of purchase. No exceptions."),
    (TECHY, "Nobody else has reported this, so it's likely something on your device."),
    (ISSUES | LATER, "I understand you're frustrated, but as I said yesterday, there's nothing further I can offer."),
    (QS, "It's all on the website."),
    (QS | TECHY, "Everything is explained in the help centre. Please look there before contacting us."),
    (CLOSE | BEREAVE | DOCS, "We need the documents in the format requested. Until then the account stays open."),
    (HARD, "Payments are due on the date you agreed to. Missing them will be reported."),
];

/// Customer replies after a reply that helped: calmer, giving the details asked for.
const FOLLOWUPS_CALMER: &[(Tags, &str)] = &[
    (ALL, "Ok, thank you. That actually helps a lot."),
    (ACCESS | BUG | DOCS, "Thanks for listening. It happens when I click 'save', the page goes white and then I'm logged out."),
    (DELIV | OCCASION, "Fair enough. Nobody called me, the driver just left."),
    (E_ANX | E_SAD | FRAUD, "Thank you, that's a relief honestly. I was really worried."),
    (E_ANGER | E_FRUST, "ok that makes sense. sorry for snapping earlier, it's been a long week"),
    (NET | HOMEDELIV, "Appreciate it. Thursday morning works, the gate code is 4471."),
    (TECHY, "Yes, the same thing happens on my phone and my laptop."),
    (E_SAD | E_DISAPP | E_ANX | E_CONF, "Thank you. I just want it sorted, I don't want to make a fuss."),
    (PAY | XFER | HARD | FRAUD, "That's kind of you. The payment went out on the 3rd from my current account."),
    (ALL, "Ah ok. So I don't need to do anything else?"),
    (DAMAGE | HOTEL | DELIV, "Thanks. I've sent the photo over just now."),
    (ALL, "Right, that's good to know. I'll keep an eye out for the email."),
    (E_FRUST | E_ANGER | E_DISAPP, "Cheers, that's a lot better than what I got last time 🙏"),
    (HARD, "I can do about £150 a month for now. Thank you for being so understanding."),
    (HOMEDELIV | DELIV, "Saturday 10-12 would be perfect, thank you."),
    (XFER, "Ok. It was going to Hartley & Moss solicitors, if that helps."),
    (GAME | LOST, "I last played on Sunday night I think. Thank you for trying."),
    (FRAUD, "Thanks. I used that password for my email too, should I change it there as well?"),
    (DOCS | BEREAVE | CLOSE | APPLY, "Thank you. The documents went by post on the 12th."),
    (NET | OUTAGE, "Ok, I'll run the speed test tonight and send it over."),
    (FLIGHT, "Thanks. Nobody at the airport offered us anything at all."),
    (QS, "That's exactly what I needed to know, thanks."),
];

/// Customer replies after a transactional reply: neither calmer nor angrier.
const FOLLOWUPS_MIXED: &[(Tags, &str)] = &[
    (ALL, "ok. and how long will that take?"),
    (HOMEDELIV | NET | MIXUP, "Right. And what if it doesn't come Thursday?"),
    (ALL, "Fine. Will I get an email when it's done?"),
    (TECHY | DOCS | CLOSE, "I already did that. Twice."),
    (ISSUES, "Ok but nobody has actually explained why it happened."),
    (ALL, "So do I need to do anything or just wait?"),
    (ORDERY | Q_ADDRESS | Q_STOCK, "The order number is {order}."),
    (ALL, "My email is {email} if you need it."),
    (TECHY | Q_EXPORT | Q_USERS | Q_API, "Sure, it's an iPhone 13 on the latest version."),
    (ALL, "Can you call me instead? {phone}"),
    (HARD | PAY | XFER, "And will this affect my credit score?"),
    (FLIGHT | SEAT | Q_BAG, "Is that the same for the return flight?"),
    (QS, "Does that cost extra?"),
];

/// Customer replies after a sympathetic or dismissive reply: angrier.
const FOLLOWUPS_ANGRIER: &[(Tags, &str)] = &[
    (E_ANGER | E_FRUST | E_ANX | REFUND | DOCS | APPLY, "Are you serious? That's it? I've been waiting for weeks."),
    (ISSUES | AFTER_DIS, "Don't tell me to calm down. I want to speak to a manager."),
    (ALL | AFTER_DIS, "So it's MY fault now?? Unbelievable."),
    (ISSUES, "You said that last time. Word for word. Why would I believe you now?"),
    (ISSUES | AFTER_SYM, "I don't need you to feel sorry for me, I need you to fix it."),
    (ISSUES | AFTER_SYM, "Great, so your colleagues are useless and I'm supposed to be reassured by that?"),
    (ALL | AFTER_SYM, "If it's \"guaranteed\" then put it in writing. The last guarantee lasted a day."),
    (ALL | AFTER_DIS, "I read the FAQ. It doesn't cover this. Did YOU read my message?"),
    (MONEY | TECHY, "Right, I'm cancelling. Send me the final bill and the cancellation confirmation."),
    (DELIV | REFUND | DOCS | XFER | LATE | APPLY | AFTER_DIS, "It's not a 'small delay', it's been weeks. Stop minimising it."),
    (ISSUES | AFTER_SYM, "You promised it would be fixed today. It's not. Now what?"),
    (MONEY | TECHY, "I'm taking this to the ombudsman. Absolutely pathetic."),
    (ISSUES, "this is going on twitter. every single word of this chat."),
    (ALL, "Wow. Just wow. Copy paste answers from a script."),
    (DELIV | LOST | DAMAGE | AFTER_DIS, "Your policy doesn't change the fact that you lost my parcel!!"),
    (ALL, "Cool, so nothing's going to happen then. Thanks for nothing 🙄"),
    (ISSUES | AFTER_SYM, "You keep saying sorry but nothing ever changes."),
    (ISSUES | AFTER_SYM, "Stop apologising and give me a date."),
    (QS, "I asked a simple question. Yes or no?"),
    (ALL, "That doesn't answer what I asked."),
];

/// A customer's last word when things went well.
const CLOSINGS: &[(Tags, &str)] = &[
    (ALL, "Got it now, thanks a lot!"),
    (ALL, "Perfect, all sorted. Have a good evening."),
    (ALL, "Thanks {agent}, you've been brilliant."),
    (ALL, "ok thanks"),
    (REFUND | PAY | SEAT, "Refund's arrived. Thank you."),
    (TECHY | Q_EXPORT | Q_USERS, "That worked 👍"),
    (ALL, "Thank you for your help today, really appreciated."),
    (ALL, "All good now, cheers."),
];

const BOT_GREETINGS: &[&str] = &[
    "Hi there 👋 I'm Answer Bot. Tell me a little about what you need and I'll find the right person.",
    "Hello! You're through to our virtual assistant. What can I help you with today?",
    "Hi! Before we connect you, could you describe the issue in a sentence or two?",
    "Welcome back! Our team usually replies within a few hours.",
];

const BOT_HANDOFFS: &[&str] = &[
    "Thanks! I'm passing you to a member of our team now. Average wait: 4 minutes.",
    "I couldn't find an answer to that in our help centre, so I've connected you to a person.",
    "These articles might help: \"Updating your payment details\", \"Understanding your bill\". Still stuck? A team member will join shortly.",
    "One moment, connecting you to the {team} team…",
    "Our team is a bit busy right now. You're number 3 in the queue.",
];

/// Private notes between colleagues. Some sound dismissive or sympathetic on purpose: they
/// are not replies to the customer and an audit must not judge them.
const INTERNAL_NOTES: &[&str] = &[
    "Customer called in twice about this already. Refund approved by TL, see RF-{ref}.",
    "Card {card} flagged by the fraud team, do not reissue until they confirm.",
    "Honestly this guy again. Told him three times already.",
    "Escalated to tier 2, waiting on logs.",
    "Goodwill credit £20 approved by Sam in Finance.",
    "Possible duplicate of #{ref}. Merging after reply.",
    "Vulnerable customer (bereavement). Handle with care, no chasers.",
    "Courier claim opened, ref DPD-{ref}.",
    "Called the customer on {phone}, no answer, left a voicemail.",
    "Ugh, the warehouse messed this up again. Raising it with ops.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn opts(conversations: usize, seed: u64) -> DemoOptions {
        DemoOptions { conversations, seed, agent_turns: None }
    }

    fn bytes(f: fn(Vec<u8>, &DemoOptions) -> io::Result<(Vec<u8>, DemoCounts)>, o: &DemoOptions) -> (Vec<u8>, DemoCounts) {
        f(Vec::new(), o).unwrap()
    }

    fn csv_bytes(mut v: Vec<u8>, o: &DemoOptions) -> io::Result<(Vec<u8>, DemoCounts)> {
        let c = write_csv(&mut v, o)?;
        Ok((v, c))
    }
    fn jsonl_bytes(mut v: Vec<u8>, o: &DemoOptions) -> io::Result<(Vec<u8>, DemoCounts)> {
        let c = write_jsonl(&mut v, o)?;
        Ok((v, c))
    }
    fn zendesk_bytes(mut v: Vec<u8>, o: &DemoOptions) -> io::Result<(Vec<u8>, DemoCounts)> {
        let c = write_zendesk(&mut v, o)?;
        Ok((v, c))
    }
    fn intercom_bytes(mut v: Vec<u8>, o: &DemoOptions) -> io::Result<(Vec<u8>, DemoCounts)> {
        let c = write_intercom(&mut v, o)?;
        Ok((v, c))
    }

    const WRITERS: [(&str, fn(Vec<u8>, &DemoOptions) -> io::Result<(Vec<u8>, DemoCounts)>); 4] = [
        ("turns.csv", csv_bytes),
        ("turns.jsonl", jsonl_bytes),
        ("zendesk-tickets.jsonl", zendesk_bytes),
        ("intercom-conversations.jsonl", intercom_bytes),
    ];

    fn iterator_counts(o: &DemoOptions) -> DemoCounts {
        let mut c = DemoCounts::default();
        for conv in conversations(o) {
            c.conversations += 1;
            for t in conv {
                match t.role {
                    Role::Customer => c.customer_turns += 1,
                    Role::Agent => c.agent_turns += 1,
                    Role::Bot => c.bot_turns += 1,
                    Role::Unknown => {}
                }
            }
        }
        c
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        for (name, w) in WRITERS {
            let a = bytes(w, &opts(60, 1));
            let b = bytes(w, &opts(60, 1));
            let c = bytes(w, &opts(60, 2));
            assert_eq!(a, b, "{name}: same options must give the same bytes");
            assert_ne!(a.0, c.0, "{name}: another seed must give other bytes");
        }
    }

    #[test]
    fn a_turn_target_is_met_at_a_conversation_end() {
        for target in [1u64, 500, 2_345] {
            let o = DemoOptions::for_agent_turns(target, 5);
            let c = iterator_counts(&o);
            // Never fewer; at most one conversation's worth more.
            assert!(c.agent_turns >= target && c.agent_turns < target + 12, "{target}: {c:?}");
            for (name, w) in WRITERS {
                assert_eq!(bytes(w, &o).1, c, "{name}");
            }
        }
    }

    #[test]
    fn counts_agree_across_writers_and_iterator() {
        let o = opts(150, 11);
        let expected = iterator_counts(&o);
        assert_eq!(expected.conversations, 150);
        assert!(expected.bot_turns > 0 && expected.agent_turns >= 150 && expected.customer_turns >= 150);
        // 400,000 conversations should hold over a million agent turns (the benchmark size).
        let big = iterator_counts(&opts(4000, 11));
        assert!(big.agent_turns as f64 / 4000.0 > 2.5, "{big:?}");
        for (name, w) in WRITERS {
            assert_eq!(bytes(w, &o).1, expected, "{name}");
        }
    }

    #[test]
    fn conversations_have_the_documented_shape() {
        let o = opts(400, 5);
        let mut ids = HashSet::new();
        let first = START;
        let end = START + WEEKS * 7 * DAY;
        for (k, conv) in conversations(&o).enumerate() {
            assert!((2..=8).contains(&conv.len()), "{} turns", conv.len());
            let id = format!("C-{:06}", k + 1);
            assert!(conv.iter().all(|t| t.conversation == id));
            assert!(ids.insert(id));
            assert!(conv.iter().any(|t| t.role == Role::Agent));
            assert!(conv.iter().any(|t| t.role == Role::Customer));
            let times: Vec<&str> = conv.iter().map(|t| t.time.as_deref().unwrap()).collect();
            assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
            assert!(times[0] >= iso(first).as_str() && times[0] < iso(end).as_str(), "{}", times[0]);
            for t in &conv {
                assert_eq!(t.agent.is_some(), t.role != Role::Customer);
                assert_eq!(t.team.is_some(), t.role == Role::Agent);
                assert!(!t.text.contains('{'), "unfilled slot: {}", t.text);
            }
        }
    }

    #[test]
    fn time_formatting() {
        assert_eq!(iso(START), "2026-01-05T00:00:00Z");
        assert_eq!(iso(1_709_370_000), "2024-03-02T09:00:00Z");
        assert_eq!(iso(START + 84 * DAY - 1), "2026-03-29T23:59:59Z");
        assert_eq!(mail_date(START + 10 * 3600 + 4 * 60, true), "Mon, 5 Jan 2026 at 10:04");
        assert_eq!(mail_date(START + 10 * 3600 + 4 * 60, false), "5 Jan 2026, at 10:04");
    }

    #[test]
    fn csv_round_trips_with_header_and_contiguous_conversations() {
        let o = opts(300, 9);
        let (data, counts) = bytes(csv_bytes, &o);
        let mut r = csv::Reader::from_reader(data.as_slice());
        assert_eq!(r.headers().unwrap(), vec!["conversation", "author", "agent", "team", "time", "text"]);
        let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        let turns: Vec<Turn> = conversations(&o).flatten().collect();
        assert_eq!(records.len(), turns.len());
        let mut seen = HashSet::new();
        let mut current = String::new();
        let mut tally = DemoCounts::default();
        let mut multiline = false;
        for (rec, t) in records.iter().zip(&turns) {
            assert_eq!(rec.len(), 6);
            assert_eq!(&rec[0], t.conversation);
            assert_eq!(&rec[1], author_label(t.role));
            assert_eq!(&rec[2], t.agent.as_deref().unwrap_or(""));
            assert_eq!(&rec[3], t.team.as_deref().unwrap_or(""));
            assert_eq!(&rec[4], t.time.as_deref().unwrap());
            assert_eq!(&rec[5], t.text, "text must survive quoting");
            multiline |= rec[5].contains('\n');
            match &rec[1] {
                "customer" => {
                    tally.customer_turns += 1;
                    assert!(rec[2].is_empty());
                }
                "agent" => tally.agent_turns += 1,
                "bot" => tally.bot_turns += 1,
                other => panic!("author {other}"),
            }
            if rec[0] != current {
                assert!(seen.insert(rec[0].to_string()), "{} is not contiguous", &rec[0]);
                current = rec[0].to_string();
                tally.conversations += 1;
            }
            let time = &rec[4];
            assert!(time.len() == 20 && time.ends_with('Z') && &time[10..11] == "T", "{time}");
        }
        assert!(multiline, "some texts should carry newlines, to test quoting");
        assert_eq!(tally, counts);
    }

    fn keys(v: &serde_json::Value) -> HashSet<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    #[test]
    fn jsonl_lines_have_the_turn_keys() {
        let o = opts(120, 4);
        let (data, counts) = bytes(jsonl_bytes, &o);
        let text = String::from_utf8(data).unwrap();
        let want: HashSet<&str> = ["conversation", "author", "agent", "team", "time", "text"].into();
        let mut n = 0u64;
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(keys(&v), want);
            if v["author"] == "customer" {
                assert!(v["agent"].is_null() && v["team"].is_null());
            }
            n += 1;
        }
        assert_eq!(n, counts.customer_turns + counts.agent_turns + counts.bot_turns);
    }

    #[test]
    fn zendesk_tickets_parse_with_comments_users_and_groups() {
        let o = opts(300, 8);
        let (data, counts) = bytes(zendesk_bytes, &o);
        let text = String::from_utf8(data).unwrap();
        let convs: Vec<Vec<Turn>> = conversations(&o).collect();
        let (mut notes, mut emails, mut bots) = (0, 0, 0);
        let mut public = DemoCounts::default();
        for (line, conv) in text.lines().zip(&convs) {
            let t: serde_json::Value = serde_json::from_str(line).unwrap();
            for k in ["id", "subject", "status", "requester_id", "assignee_id", "group_id", "created_at", "comments", "users", "groups"] {
                assert!(t.get(k).is_some(), "ticket lacks {k}: {line}");
            }
            public.conversations += 1;
            let users: HashMap<i64, &str> = t["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| (u["id"].as_i64().unwrap(), u["role"].as_str().unwrap()))
                .collect();
            let group_ids: Vec<u64> = t["groups"].as_array().unwrap().iter().map(|g| g["id"].as_u64().unwrap()).collect();
            assert_eq!(group_ids, vec![t["group_id"].as_u64().unwrap()]);
            let requester = t["requester_id"].as_i64().unwrap();
            assert_eq!(users[&requester], "end-user");
            let mut publics = Vec::new();
            let mut last = String::new();
            for c in t["comments"].as_array().unwrap() {
                for k in ["id", "author_id", "public", "body", "html_body", "created_at", "via"] {
                    assert!(c.get(k).is_some(), "comment lacks {k}");
                }
                let created = c["created_at"].as_str().unwrap().to_string();
                assert!(created >= last, "comments out of order");
                last = created;
                let author = c["author_id"].as_i64().unwrap();
                assert!(users.contains_key(&author), "author {author} not sideloaded");
                let html = c["html_body"].as_str().unwrap();
                if !c["public"].as_bool().unwrap() {
                    notes += 1;
                    assert_eq!(users[&author], "agent");
                    continue;
                }
                if author == -1 {
                    bots += 1;
                    assert_eq!(c["via"]["channel"], "rule");
                    public.bot_turns += 1;
                } else if author == requester {
                    public.customer_turns += 1;
                } else {
                    public.agent_turns += 1;
                }
                if html.contains("gmail_quote") || html.contains("<blockquote") {
                    emails += 1;
                    assert!(html.contains(" wrote:"));
                    assert!(html.contains(" team</p>"), "signature: {html}");
                }
                publics.push(c["body"].as_str().unwrap().to_string());
            }
            assert_eq!(publics.len(), conv.len());
            let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            for (body, turn) in publics.iter().zip(conv) {
                assert!(words(body).contains(&words(&turn.text)), "body {body:?} vs {:?}", turn.text);
            }
        }
        assert_eq!(public, counts);
        assert!(notes > 5 && emails > 5 && bots > 5, "notes {notes}, emails {emails}, bots {bots}");
    }

    #[test]
    fn intercom_conversations_parse_with_parts() {
        let o = opts(300, 8);
        let (data, counts) = bytes(intercom_bytes, &o);
        let text = String::from_utf8(data).unwrap();
        let (mut notes, mut assignments) = (0, 0);
        let mut tally = DemoCounts::default();
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            for k in ["type", "id", "created_at", "team_assignee_id", "admin_assignee_id", "source", "conversation_parts"] {
                assert!(v.get(k).is_some(), "conversation lacks {k}");
            }
            assert_eq!(v["type"], "conversation");
            assert!(v["created_at"].is_i64());
            tally.conversations += 1;
            let mut count = |kind: &str| match kind {
                "user" => tally.customer_turns += 1,
                "admin" => tally.agent_turns += 1,
                "bot" => tally.bot_turns += 1,
                other => panic!("author type {other}"),
            };
            let src = &v["source"];
            for k in ["type", "delivered_as", "body", "author"] {
                assert!(src.get(k).is_some(), "source lacks {k}");
            }
            count(src["author"]["type"].as_str().unwrap());
            let parts = &v["conversation_parts"];
            assert_eq!(parts["type"], "conversation_part.list");
            let list = parts["conversation_parts"].as_array().unwrap();
            assert_eq!(parts["total_count"].as_u64().unwrap() as usize, list.len());
            let mut last = v["created_at"].as_i64().unwrap();
            for p in list {
                for k in ["type", "id", "part_type", "body", "created_at", "author"] {
                    assert!(p.get(k).is_some(), "part lacks {k}");
                }
                let at = p["created_at"].as_i64().unwrap();
                assert!(at >= last, "parts out of order");
                last = at;
                match p["part_type"].as_str().unwrap() {
                    "comment" => {
                        assert!(p["body"].as_str().unwrap().starts_with("<p>"));
                        count(p["author"]["type"].as_str().unwrap());
                    }
                    "note" => {
                        notes += 1;
                        assert_eq!(p["author"]["type"], "admin");
                    }
                    "assignment" => {
                        assignments += 1;
                        assert!(p["body"].is_null());
                        assert_eq!(p["assigned_to"]["id"], v["admin_assignee_id"]);
                    }
                    other => panic!("part_type {other}"),
                }
            }
        }
        assert_eq!(tally, counts);
        assert!(notes > 5 && assignments > 5);
    }

    #[test]
    fn pools_are_large_varied_and_unique() {
        let count = |e: Emotion| OPENINGS.iter().filter(|o| o.0 == e).count();
        assert!(OPENINGS.len() >= 60);
        for e in [Emotion::Anger, Emotion::Frustration, Emotion::Sadness, Emotion::Anxiety, Emotion::Confusion, Emotion::Disappointment, Emotion::None] {
            assert!(count(e) >= 8, "{e:?}");
        }
        assert!(EMPATHETIC.len() >= 40 && SYMPATHETIC.len() >= 30 && NEUTRAL.len() >= 40 && DISMISSIVE.len() >= 25);
        assert!(FOLLOWUPS_CALMER.len() + FOLLOWUPS_MIXED.len() + FOLLOWUPS_ANGRIER.len() >= 30);
        assert!(BOT_GREETINGS.len() + BOT_HANDOFFS.len() >= 8);
        let mut all = HashSet::new();
        let pools = [EMPATHETIC, SYMPATHETIC, NEUTRAL, DISMISSIVE, FOLLOWUPS_CALMER, FOLLOWUPS_MIXED, FOLLOWUPS_ANGRIER, CLOSINGS];
        for t in OPENINGS.iter().map(|o| o.3).chain(pools.iter().flat_map(|p| p.iter().map(|x| x.1))) {
            assert!(all.insert(t), "duplicate: {t}");
        }
        // Every opening finds several replies of every stance on its own topic (calm questions
        // find empathetic ones that explore without talking about feelings), and follow-ups.
        let mut thin = Vec::new();
        for &(emotion, _, topics, text) in OPENINGS {
            let topics = topics | emotion.tag();
            // What a first reply may draw: calm customers need CALM empathy, upset ones
            // anything but; no pool may be empty of first replies.
            let (calm, not) = if emotion == Emotion::None { (CALM, LATER) } else { (0, CALM | LATER) };
            let need = [
                (EMPATHETIC, calm, not, 2),
                (SYMPATHETIC, 0, LATER, 3),
                (NEUTRAL, 0, LATER, 3),
                (DISMISSIVE, 0, LATER, 3),
                (FOLLOWUPS_CALMER, 0, 0, 2),
                (FOLLOWUPS_MIXED, 0, 0, 3),
                (FOLLOWUPS_ANGRIER, 0, 0, 3),
                (CLOSINGS, 0, 0, 3),
            ];
            for (k, (pool, required, forbidden, min)) in need.into_iter().enumerate() {
                let n = pool.iter().filter(|x| x.0 & topics != 0 && x.0 & required == required && x.0 & forbidden == 0).count();
                if n < min {
                    thin.push(format!("pool {k}: {n} for {text}"));
                }
            }
        }
        assert!(thin.is_empty(), "{thin:#?}");
        assert!(SYMPATHETIC.iter().filter(|x| x.0 & GROVEL != 0).count() >= 8);
    }

    #[test]
    fn personal_data_appears_for_redaction_tests() {
        let texts: Vec<String> = conversations(&opts(400, 3)).flatten().map(|t| t.text).collect();
        let any = |f: &dyn Fn(&str) -> bool| texts.iter().any(|t| f(t));
        assert!(any(&|t| t.contains("@example.net")));
        assert!(any(&|t| t.contains("order #88") || t.contains("Order #88")));
        assert!(any(&|t| t.contains("07700 900") || t.contains("+1 555-01")));
        assert!(any(&|t| TEST_CARDS.iter().any(|c| t.contains(c))));
    }

    /// The habits an audit should find: Sofia drifts toward sympathy, Greg is mostly cold.
    #[test]
    fn agents_have_their_habits() {
        let n = 6000;
        let mut by: HashMap<(usize, bool), [u32; 4]> = HashMap::new();
        for i in 0..n {
            let c = generate(13, i, n);
            let week = (c.turns[0].at - START) / (7 * DAY);
            if (3..9).contains(&week) {
                continue;
            }
            for t in &c.turns {
                if let Some(s) = t.stance {
                    by.entry((c.agent, week >= 9)).or_default()[STANCES.iter().position(|&x| x == s).unwrap()] += 1;
                }
            }
        }
        let share = |agent: usize, late: bool, k: usize| {
            let v = by[&(agent, late)];
            v[k] as f64 / v.iter().sum::<u32>() as f64
        };
        assert!(share(2, false, 0) > 0.4 && share(2, false, 1) < 0.2, "Sofia starts empathetic");
        assert!(share(2, true, 1) > 0.4, "Sofia ends sympathetic");
        assert!(share(5, false, 3) > 0.4 && share(5, true, 3) > 0.4, "Greg is mostly dismissive");
        assert!(share(0, true, 0) > 0.35, "Maya stays empathetic");
    }

    #[test]
    fn email_rendering_and_subjects() {
        assert_eq!(split_paragraphs("One. Two? Three!"), vec!["One. Two?", "Three!"]);
        assert_eq!(split_paragraphs("Just one sentence."), vec!["Just one sentence."]);
        let s = subject_from("You charged me TWICE for the same month and nobody has answered my emails in a week. More.");
        assert!(s.ends_with('…') && s.chars().count() <= 71, "{s}");
        assert_eq!(subject_from("Hi there, do you ship to Norway?"), "Hi there, do you ship to Norway");
        let mut h = String::new();
        paragraphs_html(&mut h, "a <b> & \"c\"\nd\n\ne");
        assert_eq!(h, "<p>a &lt;b&gt; &amp; &quot;c&quot;<br>d</p><p>e</p>");
    }

    fn examples_dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/exports")
    }

    const EXAMPLES: DemoOptions = DemoOptions { conversations: 20, seed: 7, agent_turns: None };

    /// The committed examples are exactly what the writers produce, so they cannot drift.
    /// After a deliberate change: `cargo test -p evenkeel-audit --lib -- --ignored demo::tests::regenerate_examples`.
    #[test]
    fn committed_examples_match_the_writers() {
        for (name, w) in WRITERS {
            let path = examples_dir().join(name);
            let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(committed == bytes(w, &EXAMPLES).0, "{name} differs from the writer's output; regenerate it");
        }
    }

    #[test]
    #[ignore = "rewrites examples/exports"]
    fn regenerate_examples() {
        std::fs::create_dir_all(examples_dir()).unwrap();
        for (name, w) in WRITERS {
            std::fs::write(examples_dir().join(name), bytes(w, &EXAMPLES).0).unwrap();
        }
    }

    /// `cargo test --release -p evenkeel-audit --lib -- --ignored --nocapture demo::tests::speed`
    #[test]
    #[ignore = "timing, release mode"]
    fn speed_400k_conversations() {
        let o = opts(400_000, 1);
        for (name, w) in [("csv", 0), ("jsonl", 1), ("zendesk", 2), ("intercom", 3)] {
            let t = std::time::Instant::now();
            let sink = io::sink();
            let counts = match w {
                0 => write_csv(sink, &o),
                1 => write_jsonl(sink, &o),
                2 => write_zendesk(sink, &o),
                _ => write_intercom(sink, &o),
            }
            .unwrap();
            let s = t.elapsed().as_secs_f64();
            let turns = counts.customer_turns + counts.agent_turns + counts.bot_turns;
            println!("{name}: {counts:?} in {s:.2}s = {:.0} turns/s", turns as f64 / s);
        }
    }
}
