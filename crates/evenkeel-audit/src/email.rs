//! From a helpdesk message body to the words its author wrote now.
//!
//! Helpdesk exports hand us whole e-mails: the agent's reply plus the customer's earlier
//! mail quoted below it, a signature, "Sent from my iPhone", sometimes HTML. If all of that
//! reached the analyzer, the agent would be judged on the customer's words and on
//! boilerplate. This module keeps only the new text.
//!
//! HTML is cut where the markup is most reliable (blockquotes, Gmail/Outlook/Apple quote
//! containers) before it is turned into text; the text, HTML-derived or plain, is then cut
//! at reply headers, `>` lines and signatures. Every step is a single pass over the input
//! (no backtracking patterns), and the HTML walk is iterative, so deep nesting and
//! megabyte bodies are fine.

use scraper::{Html, Node};

/// Whether a body looks like HTML (has tags such as `<p>`, `<br>`, `<div>`, `</...>`),
/// not just a stray `<` as in "a < b" or "Anna <anna@example.com>".
pub fn looks_like_html(body: &str) -> bool {
    let bytes = body.as_bytes();
    let mut from = 0;
    while let Some(off) = bytes[from..].iter().position(|&b| b == b'<') {
        let at = from + off;
        if tag_starts_at(&bytes[at + 1..]) {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Tag names common enough in mail that `<name>` means markup rather than prose.
const KNOWN_TAGS: &[&str] = &[
    "a",
    "abbr",
    "article",
    "b",
    "base",
    "big",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "img",
    "ins",
    "label",
    "li",
    "link",
    "main",
    "mark",
    "meta",
    "nav",
    "o:p",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "style",
    "script",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
    "wbr",
];

/// `rest` is what follows a `<`. A closing tag of any name, a known opening tag, a comment
/// or a doctype counts; the name must be followed by `>`, `/` or whitespace.
fn tag_starts_at(rest: &[u8]) -> bool {
    if rest.starts_with(b"!--") {
        return true;
    }
    if rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"!doctype") {
        return true;
    }
    let (closing, rest) = match rest.first() {
        Some(b'/') => (true, &rest[1..]),
        _ => (false, rest),
    };
    // Names are short; bounding the scan keeps the whole check linear.
    let name_len = rest
        .iter()
        .take(16)
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b':')
        .count();
    if name_len == 0 || !rest[0].is_ascii_alphabetic() {
        return false;
    }
    match rest.get(name_len) {
        Some(b'>') | Some(b'/') => {}
        Some(b) if b.is_ascii_whitespace() => {}
        _ => return false,
    }
    if closing {
        return true;
    }
    let name = String::from_utf8_lossy(&rest[..name_len]).to_ascii_lowercase();
    KNOWN_TAGS.contains(&name.as_str())
}

/// HTML to plain text: block elements (p, div, br, li, tr, h1-6, blockquote) become line
/// breaks, entities are decoded, script/style/head are removed, whitespace is collapsed
/// within lines and at most one blank line separates paragraphs. Quoted parts are kept.
pub fn html_to_text(html: &str) -> String {
    render_html(
        html,
        Strip {
            quotes: false,
            signatures: false,
        },
    )
}

/// The author's own words: quoted earlier mail, reply headers, `>` lines and signatures
/// removed. HTML bodies are first cut at the markup level, then handled as text.
/// Returns an empty string only when nothing but quoted text (or nothing) was there.
pub fn agent_text(body: &str) -> String {
    if looks_like_html(body) {
        let mut text = render_html(
            body,
            Strip {
                quotes: true,
                signatures: true,
            },
        );
        if text.is_empty() {
            // A body that is nothing but a signature block still has the author's words.
            text = render_html(
                body,
                Strip {
                    quotes: true,
                    signatures: false,
                },
            );
        }
        strip_text(&text)
    } else {
        strip_text(body)
    }
}

// ---------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------

/// What the HTML walk leaves out besides the invisible parts.
#[derive(Clone, Copy)]
struct Strip {
    quotes: bool,
    signatures: bool,
}

/// What to do with an element when the walk reaches it.
enum Visit {
    Enter,
    Skip,
    Stop,
}

fn render_html(html: &str, strip: Strip) -> String {
    let doc = Html::parse_document(&limit_depth(html, MAX_DEPTH));
    let mut sink = TextSink::default();
    let root = doc.tree.root();
    let mut node = root;
    // Iterative depth-first walk: nesting depth never touches the call stack.
    'walk: loop {
        let descend = match node.value() {
            Node::Element(el) => match classify(el, strip) {
                Visit::Stop => break 'walk,
                Visit::Skip => {
                    sink.open(el.name(), false);
                    false
                }
                Visit::Enter => {
                    sink.open(el.name(), true);
                    if el.name() == "img" {
                        if let Some(alt) = el.attr("alt").filter(|a| emoji_alt(el, a)) {
                            sink.text(alt);
                        }
                    }
                    true
                }
            },
            Node::Text(t) => {
                if strip.quotes {
                    if let Some(at) = zendesk_marker(t) {
                        sink.text(&t[..at]);
                        break 'walk;
                    }
                }
                sink.text(t);
                false
            }
            Node::Document | Node::Fragment => true,
            _ => false,
        };
        if descend {
            if let Some(child) = node.first_child() {
                node = child;
                continue;
            }
        }
        loop {
            if let Node::Element(el) = node.value() {
                sink.close(el.name(), descend_flag(el, strip));
            }
            if node.id() == root.id() {
                break 'walk;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                continue 'walk;
            }
            match node.parent() {
                Some(parent) => node = parent,
                None => break 'walk,
            }
        }
    }
    tidy(&sink.out)
}

/// Deepest element nesting handed to the parser. Real mail stays far below it; html5ever
/// scans its stack of open elements on many block tags, so thousands of nested
/// `<div>`/`<blockquote>` would cost quadratic time.
const MAX_DEPTH: usize = 400;

/// Elements without content: they never open a level.
const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Elements the parser closes by itself (the next `<p>` ends the last), plus the document
/// skeleton: counting them would make ordinary sloppy HTML look deep.
const SELF_ENDING_TAGS: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot",
    "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body",
];

/// Drops start tags (and their end tags) nested deeper than `max`, so their content joins
/// the deepest kept ancestor: a quote nested past the limit stays inside its outer
/// blockquote and is still removed. A single forward scan over the tags; the depth is an
/// estimate (implicit closes and raw text are not modelled), which only matters for
/// documents that are already absurdly deep.
fn limit_depth(html: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let lt = i + off;
        let mut j = lt + 1;
        if bytes[j..].starts_with(b"!--") {
            match html[j..].find("-->") {
                Some(end) => {
                    i = j + end + 3;
                    continue;
                }
                None => break,
            }
        }
        let closing = bytes.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_len = bytes[j..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b':' || **b == b'-')
            .count();
        if name_len == 0 || !bytes[j].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let Some(gt) = bytes[j + name_len..].iter().position(|&b| b == b'>') else {
            break;
        };
        let gt = j + name_len + gt;
        let name = html[j..j + name_len].to_ascii_lowercase();
        let self_closed = bytes[gt - 1] == b'/';
        let counted = !self_closed
            && !VOID_TAGS.contains(&name.as_str())
            && !SELF_ENDING_TAGS.contains(&name.as_str());
        let mut drop = false;
        if counted {
            if closing {
                drop = depth > max;
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                drop = depth > max;
            }
        }
        if drop {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
            buf.push_str(&html[copied..lt]);
            copied = gt + 1;
        }
        i = gt + 1;
    }
    match out {
        Some(mut buf) => {
            buf.push_str(&html[copied..]);
            std::borrow::Cow::Owned(buf)
        }
        None => std::borrow::Cow::Borrowed(html),
    }
}

/// Whether an element's subtree was entered (so `close` can undo what `open` counted).
fn descend_flag(el: &scraper::node::Element, strip: Strip) -> bool {
    matches!(classify(el, strip), Visit::Enter)
}

/// Elements never shown to a reader.
const INVISIBLE: &[&str] = &[
    "head", "script", "style", "title", "template", "noscript", "iframe", "object", "embed", "svg",
    "canvas", "audio", "video", "select",
];

/// Class names that mail clients put on the quoted earlier message or its header.
const QUOTE_CLASSES: &[&str] = &[
    "gmail_quote",
    "gmail_quote_container",
    "gmail_attr",
    "yahoo_quoted",
    "moz-cite-prefix",
    "moz-forward-container",
];

/// Class names and ids of signature blocks.
const SIGNATURE_CLASSES: &[&str] = &["gmail_signature", "moz-signature"];
const SIGNATURE_IDS: &[&str] = &["Signature", "ms-outlook-mobile-signature"];

/// Ids after which Outlook puts the quoted mail: everything from there on is old.
const STOP_IDS: &[&str] = &["divRplyFwdMsg", "appendonsend", "stopSpelling"];

fn classify(el: &scraper::node::Element, strip: Strip) -> Visit {
    let name = el.name();
    if INVISIBLE.contains(&name) || hidden(el) {
        return Visit::Skip;
    }
    if strip.quotes {
        if let Some(id) = el.id() {
            if STOP_IDS.iter().any(|s| s.eq_ignore_ascii_case(id)) {
                return Visit::Stop;
            }
        }
        if name == "blockquote" || el.classes().any(|c| QUOTE_CLASSES.contains(&c)) {
            return Visit::Skip;
        }
    }
    if strip.signatures
        && (el.classes().any(|c| SIGNATURE_CLASSES.contains(&c))
            || el.id().is_some_and(|id| SIGNATURE_IDS.contains(&id)))
    {
        return Visit::Skip;
    }
    Visit::Enter
}

/// Hidden preheaders and Outlook's `mso-hide:all` parts are not something a reader saw.
fn hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    match el.attr("style") {
        Some(style) if style.len() < 4096 => {
            let compact: String = style
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect();
            compact.contains("display:none") || compact.contains("mso-hide:all")
        }
        _ => false,
    }
}

/// Gmail and others draw emoji as `<img alt="😀">`; their alt text is the author's word.
/// Other images' alt text ("Acme logo") is not.
fn emoji_alt(el: &scraper::node::Element, alt: &str) -> bool {
    let tagged = el.classes().any(|c| c.contains("emoji"));
    let symbolic = !alt.trim().is_empty()
        && alt.chars().count() <= 8
        && !alt.chars().any(char::is_alphanumeric);
    tagged || symbolic
}

/// How much vertical space an element asks for around itself.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Break {
    #[default]
    None,
    Line,
    Para,
}

fn block_break(name: &str) -> Break {
    match name {
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre" | "table" => {
            Break::Para
        }
        "div" | "li" | "tr" | "ul" | "ol" | "dl" | "dt" | "dd" | "hr" | "section" | "article"
        | "header" | "footer" | "main" | "nav" | "aside" | "address" | "figure" | "figcaption"
        | "center" | "form" | "fieldset" | "details" | "summary" | "caption" | "body" | "html"
        | "tbody" | "thead" | "tfoot" | "dir" | "menu" | "legend" => Break::Line,
        _ => Break::None,
    }
}

/// Collects text with pending line breaks, so that nested blocks do not pile up empty
/// lines and whitespace between tags does not become lines of its own.
#[derive(Default)]
struct TextSink {
    out: String,
    pending: Break,
    pre_depth: usize,
}

impl TextSink {
    fn want(&mut self, b: Break) {
        if b > self.pending {
            self.pending = b;
        }
    }

    fn at_line_start(&self) -> bool {
        self.pending != Break::None || self.out.is_empty() || self.out.ends_with('\n')
    }

    fn flush(&mut self) {
        let need = match self.pending {
            Break::None => 0,
            Break::Line => 1,
            Break::Para => 2,
        };
        self.pending = Break::None;
        if self.out.is_empty() {
            return;
        }
        let have = self
            .out
            .bytes()
            .rev()
            .take(2)
            .take_while(|&b| b == b'\n')
            .count();
        for _ in have..need {
            self.out.push('\n');
        }
    }

    fn open(&mut self, name: &str, entered: bool) {
        match name {
            "br" => {
                self.flush();
                self.out.push('\n');
            }
            "td" | "th" => self.text(" "),
            "pre" if entered => {
                self.want(Break::Para);
                self.pre_depth += 1;
            }
            _ => self.want(block_break(name)),
        }
    }

    fn close(&mut self, name: &str, entered: bool) {
        match name {
            "td" | "th" => self.text(" "),
            "pre" if entered => {
                self.pre_depth = self.pre_depth.saturating_sub(1);
                self.want(Break::Para);
            }
            _ => self.want(block_break(name)),
        }
    }

    fn text(&mut self, s: &str) {
        if self.pre_depth == 0 && s.chars().all(|c| c.is_whitespace() || invisible_char(c)) {
            if !s.is_empty() && !self.at_line_start() && !self.out.ends_with(' ') {
                self.out.push(' ');
            }
            return;
        }
        self.flush();
        for c in s.chars() {
            match c {
                '\r' => {}
                '\n' if self.pre_depth > 0 => self.out.push('\n'),
                '\n' | '\t' => self.out.push(' '),
                c if invisible_char(c) => {}
                c => self.out.push(c),
            }
        }
    }
}

/// Zero-width space and byte-order mark: editors sprinkle them, they carry no meaning.
/// (Zero-width joiners stay: emoji sequences need them.)
fn invisible_char(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{00AD}')
}

/// Collapses whitespace within each line, trims lines, keeps at most one blank line in a
/// row and none at either end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.split('\n') {
        let mut words = line.split_whitespace();
        match words.next() {
            None => blank = !out.is_empty(),
            Some(first) => {
                if !out.is_empty() {
                    out.push_str(if blank { "\n\n" } else { "\n" });
                }
                blank = false;
                out.push_str(first);
                for w in words {
                    out.push(' ');
                    out.push_str(w);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

/// The text steps shared by plain and HTML-derived bodies.
fn strip_text(text: &str) -> String {
    let text = text
        .trim_start_matches('\u{FEFF}')
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let unquoted = cut_quotes(&lines);
    let unquoted_text = join_lines(&unquoted);
    let own = join_lines(&strip_signature(&unquoted));
    // A body that is all signature or valediction still was written now: keep it.
    if own.is_empty() {
        unquoted_text
    } else {
        own
    }
}

/// Joins lines, keeping at most one blank line in a row, and trims the result.
fn join_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out.trim().to_string()
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Drops `>` lines and cuts at the first reply header and Zendesk's reply marker.
///
/// A header with nothing of the author's above it and `>` lines right below is a
/// bottom-posted or inline reply: only the header goes, and the author's lines between
/// the quotes are kept.
fn cut_quotes<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut kept: Vec<&'a str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(at) = zendesk_marker(line) {
            kept.push(&line[..at]);
            break;
        }
        if is_quoted(line) {
            i += 1;
            continue;
        }
        if let Some(len) = reply_header(lines, i) {
            let nothing_above = kept.iter().all(|l| l.trim().is_empty());
            let next = lines[i + len..].iter().find(|l| !l.trim().is_empty());
            if nothing_above && next.is_some_and(|l| is_quoted(l)) {
                i += len;
                continue;
            }
            break;
        }
        kept.push(line);
        i += 1;
    }
    // The rule Outlook draws above its header ("______") is part of the quote.
    while let Some(last) = kept.last() {
        if last.trim().is_empty() || is_rule(last) {
            kept.pop();
        } else {
            break;
        }
    }
    kept
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() >= 3 && t.chars().all(|c| matches!(c, '_' | '-' | '=' | '*' | '~'))
}

/// Where Zendesk's "##- Please type your reply above this line -##" (in any language)
/// starts, if the text holds it.
fn zendesk_marker(s: &str) -> Option<usize> {
    let start = s.find("##-")?;
    // The closing "-##" must follow soon; searching a bounded stretch keeps this linear.
    let rest = &s.as_bytes()[start + 3..];
    let window = &rest[..rest.len().min(300)];
    window.windows(3).any(|w| w == b"-##").then_some(start)
}

/// If a reply header starts at `lines[i]`, how many lines it spans.
fn reply_header(lines: &[&str], i: usize) -> Option<usize> {
    let line = lines[i];
    if is_separator_header(line) {
        return Some(1);
    }
    if is_from_line(line) {
        let end = (i + 5).min(lines.len());
        if let Some(k) = (i + 1..end).find(|&k| is_sent_or_date_line(lines[k])) {
            return Some(k - i + 1);
        }
    }
    if !starts_wrote_header(line) {
        return None;
    }
    let mut joined = String::new();
    for k in 0..3 {
        let Some(part) = lines.get(i + k) else { break };
        if part.trim().is_empty() || (k > 0 && is_quoted(part)) || joined.len() > 400 {
            break;
        }
        if k > 0 {
            joined.push(' ');
        }
        joined.push_str(part);
        if is_wrote_header(&joined) {
            return Some(k + 1);
        }
    }
    None
}

/// Lower-cases and collapses whitespace (NBSP and the narrow NBSP French clients put before
/// a colon included), and writes " :" as ":".
fn normalize(s: &str) -> String {
    let lower: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
    lower.join(" ").replace(" :", ":")
}

/// Openings of "On <date>, <name> wrote:" in the languages we know.
const WROTE_OPENINGS: &[&str] = &["on ", "le ", "am ", "el ", "il ", "em ", "op ", "den "];

fn starts_wrote_header(line: &str) -> bool {
    let t = line.trim_start();
    let head: String = t.chars().take(4).flat_map(char::to_lowercase).collect();
    WROTE_OPENINGS.iter().any(|o| head.starts_with(o))
}

fn is_wrote_header(joined: &str) -> bool {
    if joined.len() > 1200 {
        return false;
    }
    let s = normalize(joined);
    if s.len() > 400 || !s.ends_with(':') || !s.chars().any(|c| c.is_ascii_digit() || c == '@') {
        return false;
    }
    (s.starts_with("on ") && s.ends_with(" wrote:"))
        || (s.starts_with("le ") && s.ends_with(" a écrit:"))
        || (s.starts_with("am ") && s.contains(" schrieb "))
        || (s.starts_with("el ") && s.ends_with(" escribió:"))
        || (s.starts_with("il ") && s.ends_with(" ha scritto:"))
        || (s.starts_with("em ") && s.ends_with(" escreveu:"))
        || (s.starts_with("op ") && s.contains(" schreef "))
        || (s.starts_with("den ") && s.contains(" skrev "))
}

/// "-----Original Message-----", Gmail's forwarded-message rule, Apple's "Begin forwarded
/// message:".
fn is_separator_header(line: &str) -> bool {
    let t = line.trim();
    if t.len() > 120 {
        return false;
    }
    let dashed = t.starts_with("--") || t.starts_with("__");
    let core = normalize(t.trim_matches(|c: char| c == '-' || c == '_' || c.is_whitespace()));
    (dashed
        && matches!(
            core.as_str(),
            "original message"
                | "forwarded message"
                | "ursprüngliche nachricht"
                | "message d'origine"
                | "message d’origine"
                | "mensaje original"
                | "messaggio originale"
                | "oorspronkelijk bericht"
                | "mensagem original"
        ))
        || core == "begin forwarded message:"
}

/// The text of a header field line, lower-cased, without Markdown-ish bold around it.
fn field_line(line: &str) -> Option<String> {
    let t = line.trim().trim_start_matches(['*', '_']);
    if t.is_empty() || t.len() > 400 {
        return None;
    }
    Some(normalize(t))
}

fn is_from_line(line: &str) -> bool {
    field_line(line).is_some_and(|s| {
        ["from:", "de:", "von:", "van:", "da:", "från:"]
            .iter()
            .any(|p| s.starts_with(p) && s.len() > p.len())
    })
}

fn is_sent_or_date_line(line: &str) -> bool {
    field_line(line).is_some_and(|s| {
        [
            "sent:",
            "date:",
            "gesendet:",
            "datum:",
            "envoyé:",
            "enviado:",
            "fecha:",
            "inviato:",
            "data:",
            "verzonden:",
            "skickat:",
        ]
        .iter()
        .any(|p| s.starts_with(p))
    })
}

/// Removes the signature: everything from a "-- " line, mobile-client taglines, and a
/// closing valediction with the few short lines (name, title, phone) under it.
fn strip_signature<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut kept: Vec<&'a str> = Vec::new();
    for line in lines {
        if line.trim() == "--" {
            break;
        }
        if !is_client_tagline(line) {
            kept.push(line);
        }
    }
    if let Some(at) = valediction_start(&kept) {
        kept.truncate(at);
    }
    kept
}

/// "Sent from my iPhone", "Get Outlook for iOS" and their kin.
fn is_client_tagline(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.chars().count() > 80 {
        return false;
    }
    let s = normalize(t);
    [
        "sent from my ",
        "sent from mail for windows",
        "sent from outlook",
        "sent from yahoo mail",
        "sent from proton mail",
        "sent from samsung",
        "get outlook for ",
        "envoyé de mon ",
        "envoyé depuis ",
        "von meinem ",
        "enviado desde mi ",
        "enviado do meu ",
        "inviato da ",
        "verzonden vanaf mijn ",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

const VALEDICTIONS: &[&str] = &[
    "best",
    "best regards",
    "kind regards",
    "kindest regards",
    "warm regards",
    "warmest regards",
    "regards",
    "with best regards",
    "with kind regards",
    "best wishes",
    "all the best",
    "thanks",
    "thank you",
    "many thanks",
    "thanks again",
    "thanks so much",
    "thank you so much",
    "thanks a lot",
    "with thanks",
    "thx",
    "cheers",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours truly",
    "respectfully",
    "take care",
    "talk soon",
    "mit freundlichen grüßen",
    "viele grüße",
    "beste grüße",
    "cordialement",
    "bien à vous",
    "bien cordialement",
    "saludos",
    "un saludo",
    "atentamente",
    "cordiali saluti",
    "met vriendelijke groet",
    "met vriendelijke groeten",
    "groeten",
];

fn is_valediction(line: &str) -> bool {
    let t = line
        .trim()
        .trim_end_matches([',', '.', '!', ';', ':', '…', ' ']);
    t.len() <= 40 && VALEDICTIONS.contains(&normalize(t).as_str())
}

/// A line that could be part of a signature block: short, and not a sentence.
fn is_signature_line(line: &str) -> bool {
    let t = line.trim();
    if t.chars().count() > 60 {
        return false;
    }
    if t.ends_with('?') || t.ends_with('!') {
        return false;
    }
    let words = t.split_whitespace().count();
    if t.ends_with('.') && words >= 4 {
        let last = t.split_whitespace().last().unwrap_or("").to_lowercase();
        return matches!(
            last.as_str(),
            "inc." | "ltd." | "co." | "llc." | "corp." | "gmbh."
        );
    }
    true
}

/// Index of the earliest valediction line followed only by at most five short lines.
fn valediction_start(lines: &[&str]) -> Option<usize> {
    let filled: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    let window = &filled[filled.len().saturating_sub(6)..];
    window.iter().enumerate().find_map(|(w, &i)| {
        let tail_short = window[w + 1..].iter().all(|&k| is_signature_line(lines[k]));
        (is_valediction(lines[i]) && tail_short).then_some(i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // --- looks_like_html -------------------------------------------------------------

    #[test]
    fn html_detection_needs_real_tags() {
        assert!(looks_like_html("<p>Hello</p>"));
        assert!(looks_like_html("Hi<br>there"));
        assert!(looks_like_html("Hi<br/>there"));
        assert!(looks_like_html("<DIV class=\"x\">Hi</DIV>"));
        assert!(looks_like_html("text </custom> more"));
        assert!(looks_like_html(
            "<!DOCTYPE html><html><body>x</body></html>"
        ));
        assert!(!looks_like_html("if a < b then c > d"));
        assert!(!looks_like_html("I <3 this product"));
        assert!(!looks_like_html("Anna <anna@example.com> wrote:"));
        assert!(!looks_like_html("see <https://example.com/help>"));
        assert!(!looks_like_html("ends with <p"));
        assert!(!looks_like_html(""));
        assert!(!looks_like_html("<"));
    }

    // --- html_to_text ----------------------------------------------------------------

    #[test]
    fn entities_and_nbsp_are_decoded() {
        let t = html_to_text(
            "<p>Fish &amp; chips&nbsp;&nbsp;today &#39;ok&#39; &#x2019; &lt;tag&gt; &eacute;</p>",
        );
        assert_eq!(t, "Fish & chips today 'ok' \u{2019} <tag> é");
    }

    #[test]
    fn br_is_a_line_and_p_is_a_paragraph() {
        assert_eq!(html_to_text("a<br>b<br><br>c"), "a\nb\n\nc");
        assert_eq!(html_to_text("<p>one</p><p>two</p>"), "one\n\ntwo");
        assert_eq!(html_to_text("<div>one</div>\n  <div>two</div>"), "one\ntwo");
        assert_eq!(html_to_text("<div>one<br></div><div>two</div>"), "one\ntwo");
        assert_eq!(
            html_to_text("<div>one</div><div><br></div><div>two</div>"),
            "one\n\ntwo"
        );
    }

    #[test]
    fn at_most_one_blank_line_between_paragraphs() {
        let t = html_to_text("<p>a</p><p>&nbsp;</p><p></p><br><br><br><p>b</p>");
        assert_eq!(t, "a\n\nb");
    }

    #[test]
    fn whitespace_collapses_within_lines() {
        let t = html_to_text("<p>  lots   of\n   space\there  </p>");
        assert_eq!(t, "lots of space here");
        assert_eq!(html_to_text("<span>a</span> <span>b</span>"), "a b");
        assert_eq!(html_to_text("<b>bold</b><i>italic</i>"), "bolditalic");
    }

    #[test]
    fn lists_and_headings_break_lines() {
        let t = html_to_text(
            "<h2>Steps</h2><ol><li>Open settings</li><li>Click <b>Reset</b></li></ol>",
        );
        assert_eq!(t, "Steps\n\nOpen settings\nClick Reset");
    }

    #[test]
    fn table_cells_are_spaced_and_rows_are_lines() {
        let t = html_to_text(
            "<table><tr><td>Order</td><td>#123</td></tr><tr><td>Total</td><td>$5</td></tr></table>",
        );
        assert_eq!(t, "Order #123\nTotal $5");
    }

    #[test]
    fn script_style_head_are_removed() {
        let t = html_to_text(
            "<html><head><title>T</title><style>p{color:red}</style></head>\
             <body><script>alert('x')</script><p>Visible</p><style>.a{}</style></body></html>",
        );
        assert_eq!(t, "Visible");
    }

    #[test]
    fn hidden_preheader_is_removed() {
        let t = html_to_text(
            "<div style=\"display: none; max-height:0\">preview text</div><p>Body</p>",
        );
        assert_eq!(t, "Body");
    }

    #[test]
    fn pre_keeps_its_lines() {
        assert_eq!(html_to_text("<pre>line 1\nline 2</pre>"), "line 1\nline 2");
    }

    #[test]
    fn html_to_text_keeps_quotes() {
        let t = html_to_text("<p>Mine</p><blockquote>Theirs</blockquote>");
        assert_eq!(t, "Mine\n\nTheirs");
    }

    #[test]
    fn emoji_images_keep_their_alt_but_logos_do_not() {
        let t = html_to_text(
            "<p>Great <img class=\"an1\" alt=\"😀\" src=\"x.png\"> news <img alt=\"Acme logo\" src=\"l.png\"></p>",
        );
        assert_eq!(t, "Great 😀 news");
    }

    #[test]
    fn malformed_html_still_yields_text() {
        assert_eq!(
            html_to_text("<p>unclosed <b>bold <i>both"),
            "unclosed bold both"
        );
        assert_eq!(html_to_text("<div><p>a</div></span>b</p>"), "a\n\nb");
        assert_eq!(html_to_text("<p>a <b"), "a");
        assert_eq!(html_to_text("</p></div>"), "");
    }

    // --- agent_text: HTML --------------------------------------------------------------

    #[test]
    fn gmail_reply_drops_gmail_quote() {
        let body = r#"<div dir="ltr">Hi Anna,<div><br></div><div>I&#39;m sorry the parcel is late &ndash; I&#39;ve reshipped it today.</div></div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Mon, 3 Mar 2026 at 10:02, Anna &lt;<a href="mailto:a@b.com">a@b.com</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">My parcel never arrived!</blockquote></div>"#;
        assert_eq!(
            agent_text(body),
            "Hi Anna,\n\nI'm sorry the parcel is late \u{2013} I've reshipped it today."
        );
    }

    #[test]
    fn gmail_signature_div_is_dropped() {
        let body = r#"<div dir="ltr">Your refund is on its way.<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature">Tom Baker<br>Support, Acme</div></div>"#;
        assert_eq!(agent_text(body), "Your refund is on its way.");
    }

    #[test]
    fn outlook_reply_stops_at_div_rply_fwd_msg() {
        let body = r#"<html><head><style>p.MsoNormal{margin:0}</style></head><body><div dir="ltr"><div style="font-family:Calibri">I understand how frustrating this must be. I have escalated your ticket.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Anna &lt;a@b.com&gt;<br><b>Sent:</b> Monday, March 3, 2026 10:02 AM<br><b>Subject:</b> Broken</font></div><div>The app crashes every time.</div></div></body></html>"#;
        assert_eq!(
            agent_text(body),
            "I understand how frustrating this must be. I have escalated your ticket."
        );
    }

    #[test]
    fn outlook_desktop_text_header_is_cut() {
        let body = r#"<div class="WordSection1"><p class="MsoNormal">That sounds really stressful, let me fix it now.<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>From:</b> Anna Smith &lt;a@b.com&gt;<br><b>Sent:</b> Monday, March 3, 2026 10:02 AM<br><b>To:</b> Support<br><b>Subject:</b> Help</p></div><p class="MsoNormal">I was double charged.</p></div>"#;
        assert_eq!(
            agent_text(body),
            "That sounds really stressful, let me fix it now."
        );
    }

    #[test]
    fn nested_blockquotes_are_dropped_whole() {
        let body = "<p>New text</p><blockquote>level 1<blockquote>level 2<blockquote>level 3\
                    <blockquote>level 4</blockquote></blockquote></blockquote>still 1</blockquote><p>After</p>";
        assert_eq!(agent_text(body), "New text\n\nAfter");
    }

    #[test]
    fn apple_mail_cite_blockquote_is_dropped() {
        let body = r#"<html><body dir="auto">Happy to help, it's fixed now 👍<br><br><div dir="ltr">On 3 Mar 2026, at 10:02, Anna &lt;a@b.com&gt; wrote:<br><br></div><blockquote type="cite"><div dir="ltr">Can you fix my login?</div></blockquote></body></html>"#;
        assert_eq!(agent_text(body), "Happy to help, it's fixed now 👍");
    }

    #[test]
    fn zendesk_marker_cuts_html_and_everything_after() {
        let body = r#"<div>Thanks for waiting, the replacement ships tomorrow.</div><div style="color:#b5b5b5">##- Please type your reply above this line -##</div><p>Anna Smith (Acme)</p><p>Where is my order?</p>"#;
        assert_eq!(
            agent_text(body),
            "Thanks for waiting, the replacement ships tomorrow."
        );
    }

    #[test]
    fn html_signature_with_dashes_is_cut() {
        let body = "<p>I've reset your password.</p><p>-- <br>Tom<br>Acme Support</p>";
        assert_eq!(agent_text(body), "I've reset your password.");
    }

    #[test]
    fn html_only_quote_gives_empty() {
        assert_eq!(
            agent_text("<blockquote type=\"cite\">Old mail</blockquote>"),
            ""
        );
    }

    #[test]
    fn thunderbird_cite_prefix_is_dropped() {
        let body = r#"<p>Sorry about that, sent again.</p><div class="moz-cite-prefix">On 03/03/2026 10:02, Anna wrote:<br></div><blockquote type="cite">resend?</blockquote>"#;
        assert_eq!(agent_text(body), "Sorry about that, sent again.");
    }

    // --- agent_text: plain text ---------------------------------------------------------

    #[test]
    fn plain_reply_with_on_wrote_and_quote_lines() {
        let body = "I'm so sorry for the trouble. I've refunded you.\n\n\
                    On Mon, 3 Mar 2026 at 10:02, Anna <a@b.com> wrote:\n\
                    > I was charged twice.\n> Please help.\n";
        assert_eq!(
            agent_text(body),
            "I'm so sorry for the trouble. I've refunded you."
        );
    }

    #[test]
    fn on_wrote_header_wrapped_over_two_lines() {
        let body = "Done, you should see it now.\n\n\
                    On Mon, 3 Mar 2026 at 10:02, Anna Smith <\n\
                    anna.smith@example.com> wrote:\n\n\
                    Still nothing in my account, and this text has no quote marks.\n";
        assert_eq!(agent_text(body), "Done, you should see it now.");
    }

    #[test]
    fn on_wrote_without_quote_marks_cuts_everything_after() {
        let body =
            "Fixed.\n\nOn Tue, Mar 4, 2026 at 9:15 AM Anna <a@b.com> wrote:\nIt is broken.\n";
        assert_eq!(agent_text(body), "Fixed.");
    }

    #[test]
    fn localized_reply_headers() {
        let fr = "C'est corrigé.\n\nLe lun. 3 mars 2026 à 10:02, Anna <a@b.com> a\u{202F}écrit\u{202F}:\nCa ne marche pas.";
        assert_eq!(agent_text(fr), "C'est corrigé.");
        let de = "Ist erledigt.\n\nAm 03.03.2026 um 10:02 schrieb Anna <a@b.com>:\nGeht nicht.";
        assert_eq!(agent_text(de), "Ist erledigt.");
        let es =
            "Listo.\n\nEl lun, 3 mar 2026 a las 10:02, Anna (<a@b.com>) escribió:\nNo funciona.";
        assert_eq!(agent_text(es), "Listo.");
    }

    #[test]
    fn original_message_separator() {
        let body = "We have credited your account.\r\n\r\n-----Original Message-----\r\nFrom: Anna\r\nSent: Monday\r\nThe bill is wrong.\r\n";
        assert_eq!(agent_text(body), "We have credited your account.");
    }

    #[test]
    fn outlook_plain_from_sent_block() {
        let body = "Your replacement is on its way.\n\n________________________________\n\
                    From: Anna Smith <a@b.com>\nSent: Monday, March 3, 2026 10:02 AM\n\
                    To: Support <help@acme.com>\nSubject: RE: broken\n\nIt broke again.";
        assert_eq!(agent_text(body), "Your replacement is on its way.");
    }

    #[test]
    fn from_line_without_sent_or_date_is_kept() {
        let body = "From: our billing team, with apologies.\nWe refunded the fee.";
        assert_eq!(agent_text(body), body);
    }

    #[test]
    fn quoted_lines_are_dropped_and_inline_answers_kept() {
        let body = "On Mon, 3 Mar 2026 at 10:02, Anna <a@b.com> wrote:\n> Can I get a refund?\nYes, it is done.\n> And the shipping?\nAlso refunded.";
        assert_eq!(agent_text(body), "Yes, it is done.\nAlso refunded.");
    }

    #[test]
    fn signature_after_dash_dash_space_is_cut() {
        let body = "I've sent a new link.\n\n-- \nTom Baker\nAcme Support\nhttps://acme.example";
        assert_eq!(agent_text(body), "I've sent a new link.");
        let body = "I've sent a new link.\n--\nTom";
        assert_eq!(agent_text(body), "I've sent a new link.");
    }

    #[test]
    fn triple_dash_is_not_a_signature() {
        let body = "Step one.\n---\nStep two.";
        assert_eq!(agent_text(body), body);
    }

    #[test]
    fn mobile_taglines_are_dropped() {
        let body = "On it, will call you back in 5 minutes.\n\nSent from my iPhone";
        assert_eq!(agent_text(body), "On it, will call you back in 5 minutes.");
        let body = "Sure thing.\n\nGet Outlook for iOS";
        assert_eq!(agent_text(body), "Sure thing.");
    }

    #[test]
    fn valediction_name_title_phone_are_cut() {
        let body = "I completely understand, and I've upgraded your plan at no cost.\n\n\
                    Best regards,\nTom Baker\nSenior Support Specialist\nAcme Widgets Ltd.\n+44 20 7946 0958";
        assert_eq!(
            agent_text(body),
            "I completely understand, and I've upgraded your plan at no cost."
        );
    }

    #[test]
    fn valediction_variants_are_case_insensitive() {
        for v in [
            "KIND REGARDS,",
            "Cheers",
            "Many thanks,",
            "Sincerely,",
            "Best,",
            "Warm regards,",
            "Thanks!",
        ] {
            let body = format!("Your order shipped.\n\n{v}\nTom");
            assert_eq!(
                agent_text(&body),
                "Your order shipped.",
                "valediction {v:?}"
            );
        }
    }

    #[test]
    fn thanks_followed_by_a_real_paragraph_is_kept() {
        let body = "Thanks,\n\nwe have processed your refund and you will see it on your statement within three to five working days.";
        assert_eq!(agent_text(body), body);
    }

    #[test]
    fn thanks_followed_by_short_sentence_is_kept() {
        let body = "Hello Anna.\nThanks,\nI have refunded the whole order today.";
        assert_eq!(agent_text(body), body);
    }

    #[test]
    fn too_many_lines_after_valediction_are_not_a_signature() {
        let body = "Hi.\nThanks,\na\nb\nc\nd\ne\nf";
        assert_eq!(agent_text(body), body);
    }

    #[test]
    fn only_a_valediction_is_never_emptied() {
        assert_eq!(agent_text("Thanks,\nTom"), "Thanks,\nTom");
        assert_eq!(agent_text("-- \nTom"), "--\nTom");
    }

    #[test]
    fn zendesk_marker_in_plain_text() {
        let body = "We've fixed the invoice.\n\n##- Please type your reply above this line -##\n\nAnna: my invoice is wrong";
        assert_eq!(agent_text(body), "We've fixed the invoice.");
    }

    #[test]
    fn empty_and_blank_bodies() {
        assert_eq!(agent_text(""), "");
        assert_eq!(agent_text("   \n\r\n  "), "");
        assert_eq!(html_to_text(""), "");
        assert_eq!(agent_text("<p></p>"), "");
    }

    #[test]
    fn body_that_is_only_a_quote() {
        assert_eq!(agent_text("> only\n> quoted"), "");
        assert_eq!(
            agent_text("On Mon, 3 Mar 2026 at 10:02, Anna <a@b.com> wrote:\n> hi"),
            ""
        );
    }

    #[test]
    fn emoji_and_accents_survive() {
        let body = "Désolé pour l'attente 🙏 — c'est réglé ✅ Ünïcödé 👩‍💻\n\n> ancienne question";
        assert_eq!(
            agent_text(body),
            "Désolé pour l'attente 🙏 — c'est réglé ✅ Ünïcödé 👩‍💻"
        );
        assert_eq!(agent_text("<p>Grüße 😀&nbsp;👍</p>"), "Grüße 😀 👍");
    }

    #[test]
    fn crlf_line_endings() {
        let body = "Line one.\r\nLine two.\r\n\r\n> quote\r\n";
        assert_eq!(agent_text(body), "Line one.\nLine two.");
    }

    #[test]
    fn plain_text_is_trimmed() {
        assert_eq!(agent_text("\u{FEFF}\n\n  Hello there  \n\n"), "Hello there");
    }

    // --- robustness -----------------------------------------------------------------------

    #[test]
    fn tricky_inputs_do_not_panic() {
        let tricky = [
            "<",
            ">",
            "<<<<",
            ">>>>",
            "</",
            "<!",
            "<!--",
            "<!-- unclosed",
            "<![CDATA[x",
            "<p",
            "<p>",
            "</p>",
            "<br/",
            "<blockquote>",
            "</blockquote></blockquote>",
            "&",
            "&#",
            "&#x",
            "&#xFFFFFFFF;",
            "&#0;",
            "&#55296;",
            "&nbsp",
            "&bogus;",
            "##-",
            "##- -##",
            "-##",
            "é##-ü-##",
            "##-😀",
            "--",
            "-- ",
            "\r",
            "\r\r\n\n",
            "On",
            "On \nwrote:",
            "On 1\n",
            "From:",
            "From: x\nSent:",
            "From: x",
            "Le ",
            "\u{FEFF}",
            "\u{202F}",
            "\u{200B}",
            "Thanks,",
            "Best,\n",
            "> ",
            "\0",
            "<p>\0</p>",
            "<div id=divRplyFwdMsg>",
            "<div class=gmail_quote>",
            "<script>",
            "<style>x",
            "<table><td><tr><li>",
            "<pre>\r\n</pre>",
            "<img alt=😀>",
            "<select><option>x",
            "ü<br>ö",
            "<p style='display:none'>",
            "<div hidden>x</div>y",
        ];
        for s in tricky {
            let _ = looks_like_html(s);
            let _ = html_to_text(s);
            let _ = agent_text(s);
            let doubled = format!("{s}{s}x{s}");
            let _ = agent_text(&doubled);
            let _ = html_to_text(&doubled);
        }
        // Every prefix of a realistic mail, cut at every char boundary.
        let mail = "<p>Hé 😀 &amp; <b>ok</b></p>\r\n-- \r\n<blockquote>On 1 Mar, A <a@b> wrote:</blockquote>##- x -##";
        for (i, _) in mail.char_indices() {
            let _ = agent_text(&mail[..i]);
            let _ = agent_text(&mail[i..]);
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 20_000;
        let body = format!(
            "<p>Mine</p>{}old{}",
            "<blockquote>".repeat(depth),
            "</blockquote>".repeat(depth)
        );
        assert_eq!(agent_text(&body), "Mine");
        let divs = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        assert_eq!(html_to_text(&divs), "deep");
        // Unclosed, too.
        let open = format!("<p>x</p>{}", "<div><span>".repeat(depth));
        assert_eq!(agent_text(&open), "x");
    }

    #[test]
    fn depth_limit_keeps_normal_html_and_quotes_past_it() {
        let normal = "<div><p>a</p><blockquote>q</blockquote></div>";
        assert!(matches!(
            limit_depth(normal, 3),
            std::borrow::Cow::Borrowed(_)
        ));
        let limited = limit_depth("<div><div><div>x</div></div></div>", 2);
        assert_eq!(limited, "<div><div>x</div></div>");
        // The inner quotes lose their tags but stay inside the outer, kept blockquote.
        let deep = format!(
            "<p>Mine</p><blockquote>{}old{}</blockquote><p>After</p>",
            "<blockquote><div>".repeat(MAX_DEPTH),
            "</div></blockquote>".repeat(MAX_DEPTH)
        );
        assert_eq!(agent_text(&deep), "Mine\n\nAfter");
        // Comments and stray '<' do not disturb the scan.
        assert_eq!(
            limit_depth("<!-- <div> --><div>a < b</div>", 0),
            "<!-- <div> -->a < b"
        );
    }

    #[test]
    fn pathological_nesting_stays_fast() {
        let start = std::time::Instant::now();
        for unit in [
            "<div>",
            "<blockquote>",
            "<span></p>",
            "<ul><li>",
            "<div></p>",
        ] {
            let body = format!("<p>x</p>{}", unit.repeat(200_000 / unit.len()));
            assert_eq!(agent_text(&body), "x", "unit {unit}");
        }
        assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    }

    #[test]
    fn megabyte_bodies_are_fast_enough() {
        let start = std::time::Instant::now();
        let para = "We are sorry &amp; we fixed it. <b>Thanks</b> for waiting!<br>\n";
        let html = format!(
            "<html><body>{}</body></html>",
            para.repeat(1_000_000 / para.len())
        );
        let out = agent_text(&html);
        assert!(out.starts_with("We are sorry & we fixed it."));

        let plain = "> quoted line here\nOn Mon wrote\nFrom: x\nThanks,\n".repeat(1_000_000 / 48);
        let _ = agent_text(&plain);
        let lt = "a < b ".repeat(200_000);
        assert!(!looks_like_html(&lt));
        let _ = agent_text(&lt);
        let dashes = "##-".repeat(300_000);
        let _ = agent_text(&dashes);
        let _ = agent_text(&format!("{}x", "On ".repeat(300_000)));
        assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    }
}
