// evenkeel live check: highlights empathy and sympathy cues in a reply as it is typed.
//
// This module also exports the small helpers both pages share (API calls with the bearer
// token, the sign-in flow, the message area); audits.js imports them from here. The live-check
// page itself only starts when the document is the live page (body[data-page="live"]).
//
// DOM contract (used by tests/browser/check-live.mjs):
//   #reply (textarea), #customer (textarea), #example ("Try an example")
//   #reply-backdrop mark.cue[data-cue][data-side][data-severity][data-finding]  one per span
//     (a span that crosses another one is split in parts, which share data-finding)
//   #verdict[data-stance][data-seq][data-fresh][data-checked-at][data-rendered-at][data-latency-ms]
//   #scores .score[data-family] .meter[aria-valuenow]
//   #findings li.finding[data-cue][data-side][data-severity][data-finding][tabindex=0]
//     [aria-describedby → its .why element]  with button.apply when the finding has a fix
//   #signin form (#token, #signin-button), #role, #sign-out, #messages
//   #rewrite ("Rewrite towards empathy": enabled while the verdict is sympathetic or dismissive)
//   #rewrite-panel[data-stale] (the proposal; nothing in the reply changes until #rewrite-accept)
//     #rewrite-text, #rewrite-removed li[data-cue], #rewrite-added li, #rewrite-lost li,
//     #rewrite-accept ("Use this": replaces the reply and checks it), #rewrite-dismiss

export const TOKEN_KEY = 'evenkeel.token';

export const $ = (sel, root = document) => root.querySelector(sel);

// ---------------------------------------------------------------------------------------------
// Token and API

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable (private mode): the token lives for this page only */
  }
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

let onUnauthorized = null;

/**
 * Calls the evenkeel API. `json` is sent as a JSON body; `body` as is. Returns the parsed JSON
 * (or text with `as: 'text'`); throws ApiError for 4xx/5xx with the server's error code/message.
 */
export async function api(path, { method = 'GET', json, body, headers, signal, as = 'json', auth = true } = {}) {
  const h = new Headers(headers || {});
  const token = auth ? getToken() : null;
  if (token) h.set('Authorization', `Bearer ${token}`);
  if (json !== undefined) {
    h.set('Content-Type', 'application/json');
    body = JSON.stringify(json);
  }
  if (as === 'json' && !h.has('Accept')) h.set('Accept', 'application/json');
  const res = await fetch(path, { method, headers: h, body, signal, cache: 'no-store', credentials: 'same-origin' });
  if (!res.ok) {
    let code = `http_${res.status}`;
    let message = `${res.status} ${res.statusText || 'error'}`.trim();
    try {
      const j = await res.json();
      if (j && j.error) {
        code = j.error.code || code;
        message = j.error.message || message;
      }
    } catch {
      /* not JSON */
    }
    const err = new ApiError(res.status, code, message);
    if (res.status === 401 && path !== '/v1/session' && onUnauthorized) onUnauthorized(err);
    throw err;
  }
  if (as === 'text') return res.text();
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

// ---------------------------------------------------------------------------------------------
// Message area: visible, non-blocking, one line per key (a newer message of a key replaces it).

export function showMessage(text, { kind = 'error', key = text, timeout = 0 } = {}) {
  const box = $('#messages');
  if (!box) return;
  let item = [...box.children].find((el) => el.dataset.key === key);
  if (!item) {
    item = document.createElement('div');
    item.dataset.key = key;
    const span = document.createElement('span');
    span.className = 'message-text';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'message-close';
    close.setAttribute('aria-label', 'Dismiss message');
    close.textContent = '×';
    close.addEventListener('click', () => item.remove());
    item.append(span, close);
    box.append(item);
  }
  item.className = `message message-${kind}`;
  item.querySelector('.message-text').textContent = text;
  clearTimeout(item._timer);
  if (timeout > 0) item._timer = setTimeout(() => item.remove(), timeout);
}

export function clearMessage(key) {
  const box = $('#messages');
  if (!box) return;
  for (const el of [...box.children]) if (el.dataset.key === key) el.remove();
}

export function describeError(e) {
  if (!e) return 'Unknown error.';
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  if (e instanceof TypeError) return 'The server could not be reached. Is evenkeel serve still running?';
  return String(e.message || e);
}

// ---------------------------------------------------------------------------------------------
// Session and sign-in, shared by both pages. `onReady(session)` runs each time the page becomes
// usable (first load, and again after signing in anew).

export function initAuth(onReady) {
  const signin = $('#signin');
  const app = $('#app');
  const form = $('#signin-form');
  const input = $('#token');
  const formError = $('#signin-error');
  const roleEl = $('#role');
  const signOut = $('#sign-out');

  function showSignin(msg) {
    app.hidden = true;
    signin.hidden = false;
    formError.textContent = msg || '';
    roleEl.hidden = true;
    signOut.hidden = true;
    document.body.dataset.auth = 'signin';
    input.focus();
  }

  function showApp(session, token) {
    signin.hidden = true;
    formError.textContent = '';
    app.hidden = false;
    if (token) {
      roleEl.textContent = session.role ? `Signed in · ${session.role}` : 'Signed in';
      roleEl.hidden = false;
      signOut.hidden = false;
    } else if (session.open) {
      roleEl.textContent = 'Open mode';
      roleEl.hidden = false;
      signOut.hidden = true;
    } else {
      roleEl.hidden = true;
      signOut.hidden = true;
    }
    document.body.dataset.auth = token ? 'token' : 'open';
    document.body.dataset.role = session.role || '';
    onReady(session);
  }

  async function start(fromForm = false) {
    const token = getToken();
    let session;
    try {
      session = await api('/v1/session');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setToken(null);
        if (token) {
          // A stored token the server no longer accepts: maybe the server is open anyway.
          let open = null;
          try {
            open = await api('/v1/session');
          } catch {
            /* ignore */
          }
          if (open && open.open && !fromForm) {
            showMessage('The saved API token was not accepted; continuing in open mode.', { kind: 'info', key: 'auth' });
            showApp(open, null);
            return;
          }
          showSignin('That token was not accepted. Check it and try again.');
          return;
        }
        showSignin('');
        return;
      }
      // A server without /v1/session, or a network problem: carry on and let the calls report.
      if (!(e instanceof ApiError && e.status === 404)) showMessage(`Could not read the session: ${describeError(e)}`, { key: 'auth' });
      session = { open: !token, role: null };
    }
    if (!session.open && !token) {
      showSignin('');
      return;
    }
    if (fromForm) clearMessage('auth');
    showApp(session, token);
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = input.value.trim();
    if (!token) {
      formError.textContent = 'Enter your API token.';
      return;
    }
    setToken(token);
    input.value = '';
    start(true);
  });

  signOut.addEventListener('click', () => {
    setToken(null);
    showMessage('Signed out.', { kind: 'info', key: 'auth', timeout: 4000 });
    start();
  });

  onUnauthorized = () => {
    setToken(null);
    showSignin('Your API token is no longer accepted. Sign in again.');
  };

  start();
}

// ---------------------------------------------------------------------------------------------
// Small helpers for the live page

export const SEVERITY_RANK = { info: 0, low: 1, medium: 2, high: 3 };
export const SIDE_RANK = { empathy: 0, sympathy: 1, dismissive: 1 };
export const EMOTION_WORD = {
  anger: 'angry',
  frustration: 'frustrated',
  sadness: 'sad',
  anxiety: 'anxious',
  confusion: 'confused',
  disappointment: 'disappointed',
};
// Verdicts for which "Rewrite towards empathy" is offered.
const REWRITABLE = new Set(['sympathetic', 'dismissive']);
export const STANCE_LABEL = {
  empathetic: 'Empathetic',
  sympathetic: 'Sympathetic',
  neutral: 'Neutral',
  dismissive: 'Dismissive',
};

export function humanCue(cue) {
  const s = String(cue || '').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'id' || k === 'tabindex' || k === 'type')
      node.setAttribute(k, String(v));
    else node[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** Where two versions of a text differ: one changed region [p, oldEnd) → [p, newEnd). */
function diffRegion(oldText, newText) {
  const min = Math.min(oldText.length, newText.length);
  let p = 0;
  while (p < min && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  let so = oldText.length;
  let sn = newText.length;
  while (so > p && sn > p && oldText.charCodeAt(so - 1) === newText.charCodeAt(sn - 1)) {
    so--;
    sn--;
  }
  // Never split a surrogate pair.
  if (p > 0 && isHighSurrogate(newText.charCodeAt(p - 1)) && p < sn) p--;
  if (sn < newText.length && isLowSurrogate(newText.charCodeAt(sn)) && sn > p) {
    sn++;
    so++;
  }
  return { p, oldEnd: so, newEnd: sn, delta: sn - so };
}

const isHighSurrogate = (c) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c) => c >= 0xdc00 && c <= 0xdfff;

/** Maps a range of the old text onto the new one; null when the edit swallowed it. */
function mapRange(r, d) {
  if (!r) return null;
  const map = (x, isEnd) => {
    if (x < d.p || (x === d.p && !isEnd)) return x;
    if (x >= d.oldEnd) return x + d.delta;
    return isEnd ? d.newEnd : d.p;
  };
  const s = map(r.s, false);
  const e = map(r.e, true);
  return e > s ? { s, e } : null;
}

/** Is `before` (the text up to a point) at the start of a sentence? */
function atSentenceStart(before) {
  return /(^|[.!?…]["')\]]?\s+|\n\s*)$/.test(before);
}

function capitalise(s) {
  if (!s) return s;
  const first = String.fromCodePoint(s.codePointAt(0));
  return first.toUpperCase() + s.slice(first.length);
}

/**
 * Replaces text[s, e) by `insert` and tidies the seams: no doubled spaces, no space before
 * punctuation, no orphaned punctuation after a removal, a capital at a sentence start.
 * Returns the new text and where the caret should go (after the inserted text).
 */
export function spliceTidy(text, s, e, insert) {
  let before = text.slice(0, s);
  let after = text.slice(e);
  let ins = insert || '';
  if (!ins) {
    const bws = before.match(/[ \t]*$/)[0];
    const aws = after.match(/^[ \t]*/)[0];
    before = before.slice(0, before.length - bws.length);
    after = after.slice(aws.length);
    // "…team, , and" / "Wow! . Next": punctuation left alone by the removal goes too.
    if (/^[.,;:]/.test(after) && (before === '' || /[.!?,;:\n]$/.test(before))) {
      after = after.slice(1).replace(/^[ \t]+/, '');
    }
    if (atSentenceStart(before) && /^[a-z]/.test(after) && (s === 0 || atSentenceStart(text.slice(0, s)))) {
      after = capitalise(after);
    }
    const joiner = before === '' || /\n$/.test(before) || after === '' || /^[\n.,;:!?)\]]/.test(after) ? '' : ' ';
    return { text: before + joiner + after, caret: before.length + joiner.length };
  }
  if (atSentenceStart(before)) ins = capitalise(ins);
  if (/\s$/.test(before) && /^\s/.test(ins)) ins = ins.replace(/^\s+/, '');
  if (/[ \t]$/.test(ins) && /^[ \t]/.test(after)) after = after.replace(/^[ \t]+/, '');
  if (/^[.,;:!?]/.test(after)) ins = ins.replace(/[ \t]+$/, '');
  if (/[.!?]$/.test(ins) && /^[.!?]/.test(after)) after = after.slice(1);
  if (/[A-Za-z0-9)"”’]$/.test(ins) && /^[A-Za-z0-9(“"]/.test(after) && !/^[ \t]/.test(after)) after = ' ' + after;
  return { text: before + ins + after, caret: before.length + ins.length };
}

// ---------------------------------------------------------------------------------------------
// The live page

function initLive() {
  const DEBOUNCE_MS = 120; // quiet time after typing before a check
  const MAX_WAIT_MS = 500; // while typing without pause, still check this often

  const reply = $('#reply');
  const customer = $('#customer');
  const editor = $('#reply-editor');
  const backdrop = $('#reply-backdrop');
  const verdict = $('#verdict');
  const badge = $('#stance-badge');
  const verdictText = $('#verdict-text');
  const scores = $('#scores');
  const emotionEl = $('#emotion');
  const notesEl = $('#notes');
  const findingsEl = $('#findings');
  const findingsEmpty = $('#findings-empty');
  const latencyEl = $('#latency');
  const atCaret = $('#at-caret');
  const tooltip = $('#tooltip');
  const applyFirst = $('#apply-first');
  const exampleBtn = $('#example');
  const rewriteBtn = $('#rewrite');
  const rewritePanel = $('#rewrite-panel');

  const state = {
    analysis: null, // last rendered /v1/check answer
    analyzedReply: '',
    analyzedCustomer: null,
    ranges: [], // per finding: its span in the *current* reply text ({s, e}) or null
    shownText: '', // the reply text the backdrop shows
    reqSeq: 0,
    renderedSeq: 0,
    inflight: null,
    timer: null,
    firstPendingAt: 0,
    lastSentAt: -Infinity,
    linked: new Set(), // finding indexes outlined from the list
    caretFinding: -1,
    started: false,
    rewriting: null, // the AbortController of a /v1/rewrite in flight
    proposal: null, // { text, forReply, forCustomer } shown in #rewrite-panel
  };

  // ---- rendering the highlights ----

  function renderBackdrop() {
    const text = reply.value;
    state.shownText = text;
    const analysis = state.analysis;
    const pieces = [];
    if (analysis) {
      analysis.findings.forEach((f, i) => {
        const r = state.ranges[i];
        if (r && r.e > r.s) pieces.push({ s: r.s, e: r.e, i, f });
      });
    }
    // Outer spans first: by start, longer first, and at equal spans the milder one outside so
    // the riskier colour shows on top.
    pieces.sort(
      (a, b) =>
        a.s - b.s ||
        b.e - a.e ||
        (SEVERITY_RANK[a.f.severity] ?? 0) - (SEVERITY_RANK[b.f.severity] ?? 0) ||
        (SIDE_RANK[a.f.side] ?? 0) - (SIDE_RANK[b.f.side] ?? 0) ||
        a.i - b.i,
    );
    const frag = document.createDocumentFragment();
    renderPieces(frag, text, 0, text.length, pieces);
    // A final newline needs something after it to take up its line, as in the textarea.
    if (text.endsWith('\n') || text === '') frag.append(' ');
    backdrop.replaceChildren(frag);
    refreshMarkClasses();
    syncScroll();
  }

  function renderPieces(parent, text, from, to, pieces) {
    let pos = from;
    while (pieces.length) {
      const p = pieces.shift();
      if (p.s > pos) parent.append(text.slice(pos, p.s));
      const children = [];
      while (pieces.length && pieces[0].s < p.e) {
        const c = pieces.shift();
        if (c.e <= p.e) children.push(c);
        else {
          // Crosses the end of p: the first part nests inside p, the rest follows it.
          children.push({ ...c, e: p.e, part: true });
          const rest = { ...c, s: p.e, part: true };
          let k = 0;
          while (k < pieces.length && (pieces[k].s < rest.s || (pieces[k].s === rest.s && pieces[k].e >= rest.e))) k++;
          pieces.splice(k, 0, rest);
        }
      }
      const f = p.f;
      const mark = el('mark', {
        class: `cue side-${f.side} sev-${f.severity}`,
        'data-cue': f.cue,
        'data-side': f.side,
        'data-severity': f.severity,
        'data-finding': p.i,
        'data-part': p.part ? 'true' : null,
      });
      renderPieces(mark, text, p.s, p.e, children);
      parent.append(mark);
      pos = p.e;
    }
    if (pos < to) parent.append(text.slice(pos, to));
  }

  function refreshMarkClasses() {
    for (const m of backdrop.querySelectorAll('mark.cue')) {
      const i = Number(m.dataset.finding);
      m.classList.toggle('is-linked', state.linked.has(i));
      m.classList.toggle('is-caret', state.caretFinding === i);
    }
  }

  function syncScroll() {
    backdrop.scrollTop = reply.scrollTop;
    backdrop.scrollLeft = reply.scrollLeft;
  }

  function autoGrow() {
    reply.style.height = 'auto';
    const cs = getComputedStyle(reply);
    const borders = parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth);
    reply.style.height = `${reply.scrollHeight + borders}px`;
    syncScroll();
  }

  // ---- the verdict, scores and findings ----

  function verdictSentence(a) {
    const emotion = a.customer_emotion && a.customer_emotion !== 'none' ? EMOTION_WORD[a.customer_emotion] || a.customer_emotion : null;
    switch (a.stance) {
      case 'empathetic':
        return 'The reply acknowledges the customer’s side and works calmly on what happened.';
      case 'sympathetic':
        return 'The reply takes the customer’s emotion on as its own. It feels warm, but leaves two upset people and commits the company to judgements.';
      case 'dismissive':
        return 'The reply lectures, blames or minimises. Expect the customer’s frustration to rise.';
      case 'neutral':
        return emotion
          ? `Transactional. The customer sounds ${emotion}: naming that feeling from their side would make this empathetic.`
          : 'Transactional and clear. Fine when no emotion was expressed.';
      default:
        return '';
    }
  }

  function setVerdict(stance, sentence) {
    if (verdict.dataset.stance !== stance || verdictText.textContent !== sentence) {
      verdict.dataset.stance = stance;
      badge.textContent = STANCE_LABEL[stance] || 'Waiting';
      verdictText.textContent = sentence;
    }
  }

  function setScores(s) {
    for (const row of scores.querySelectorAll('.score')) {
      const v = Math.max(0, Math.min(1, Number((s || {})[row.dataset.family]) || 0));
      const meter = row.querySelector('.meter');
      meter.setAttribute('aria-valuenow', String(Math.round(v * 100)));
      meter.setAttribute('aria-valuetext', v.toFixed(2));
      row.querySelector('.meter-fill').style.width = `${(v * 100).toFixed(1)}%`;
      row.querySelector('.score-value').textContent = v.toFixed(2);
    }
  }

  function orderedFindings(a) {
    return a.findings
      .map((f, i) => ({ f, i }))
      .sort(
        (x, y) =>
          (SIDE_RANK[y.f.side] ?? 0) - (SIDE_RANK[x.f.side] ?? 0) ||
          (SEVERITY_RANK[y.f.severity] ?? 0) - (SEVERITY_RANK[x.f.severity] ?? 0) ||
          x.f.utf16_start - y.f.utf16_start ||
          x.i - y.i,
      );
  }

  function renderFindings(a) {
    const hadFocus = findingsEl.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = hadFocus ? hadFocus.closest('li.finding')?.dataset.key : null;
    const focusApply = hadFocus ? hadFocus.classList.contains('apply') : false;
    const items = [];
    for (const { f, i } of orderedFindings(a)) {
      const whyId = `finding-${i}-why`;
      const key = `${f.cue}:${f.rule}:${f.text}`;
      const head = el(
        'div',
        { class: 'finding-head' },
        el('span', { class: `side-dot side-${f.side}`, 'aria-hidden': 'true' }),
        el('span', { class: 'cue-name', text: humanCue(f.cue) }),
        el('span', { class: `sev sev-${f.severity}`, text: f.severity }),
        typeof f.confidence === 'number'
          ? el('span', { class: 'confidence', text: `model · ${Math.round(f.confidence * 100)}%` })
          : null,
      );
      const quote = el('q', { class: 'finding-text', text: f.text });
      const why = el('p', { class: 'why', id: whyId, text: f.message || '' });
      const li = el(
        'li',
        {
          class: `finding side-${f.side} sev-${f.severity}`,
          'data-cue': f.cue,
          'data-side': f.side,
          'data-severity': f.severity,
          'data-finding': i,
          'data-key': key,
          tabindex: 0,
          'aria-describedby': whyId,
        },
        head,
        quote,
        why,
      );
      li.setAttribute('aria-label', `${humanCue(f.cue)}, ${f.severity}: “${f.text}”`);
      if (f.suggestion) {
        li.append(el('p', { class: 'suggestion' }, el('span', { class: 'label', text: 'Try ' }), f.suggestion));
      }
      if (f.fix && (f.fix.kind === 'replace' || f.fix.kind === 'remove')) {
        const previewId = `finding-${i}-fix`;
        const preview =
          f.fix.kind === 'remove'
            ? el('span', { class: 'fix-preview', id: previewId, text: 'removes this phrase' })
            : el('span', { class: 'fix-preview', id: previewId }, 'replaces it with ', el('q', { text: f.fix.text || '' }));
        const btn = el('button', { type: 'button', class: 'btn btn-small btn-apply apply', 'aria-describedby': previewId, text: 'Apply' });
        btn.addEventListener('click', (ev) => {
          ev.stopPropagation();
          applyFinding(i);
        });
        li.append(el('div', { class: 'fix' }, btn, preview));
      }
      li.addEventListener('mouseenter', () => link(i, true));
      li.addEventListener('mouseleave', () => link(i, false));
      li.addEventListener('focusin', () => link(i, true));
      li.addEventListener('focusout', (ev) => {
        if (!li.contains(ev.relatedTarget)) link(i, false);
      });
      li.addEventListener('click', (ev) => {
        if (ev.target.closest('button')) return;
        selectFinding(i);
      });
      li.addEventListener('keydown', (ev) => {
        if (ev.target !== li) return;
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          selectFinding(i);
        }
      });
      items.push(li);
    }
    state.linked.clear();
    findingsEl.replaceChildren(...items);
    findingsEmpty.hidden = items.length > 0;
    findingsEmpty.textContent = a.findings.length ? '' : 'No cues found in this reply.';
    applyFirst.disabled = !firstFixable();
    if (focusKey) {
      const again = [...findingsEl.children].find((li) => li.dataset.key === focusKey);
      const target = again && (focusApply ? again.querySelector('button.apply') || again : again);
      if (target) target.focus({ preventScroll: true });
    }
  }

  function renderNotes(a) {
    const emotion = a.customer_emotion;
    if (emotion) {
      emotionEl.hidden = false;
      emotionEl.replaceChildren(
        el('span', { class: 'label', text: 'Customer ' }),
        emotion === 'none'
          ? 'shows no strong emotion'
          : el('span', { class: `emotion-chip emotion-${emotion}`, text: `sounds ${EMOTION_WORD[emotion] || emotion}` }),
      );
    } else {
      emotionEl.hidden = true;
      emotionEl.replaceChildren();
    }
    const notes = Array.isArray(a.notes) ? a.notes : [];
    notesEl.replaceChildren(...notes.map((n) => el('li', { text: n })));
    notesEl.hidden = notes.length === 0;
  }

  function render(a, replyText, customerText, seq, ms) {
    if (!a || !Array.isArray(a.findings)) throw new Error('unexpected answer from /v1/check');
    state.analysis = a;
    state.analyzedReply = replyText;
    state.analyzedCustomer = customerText;
    const d = diffRegion(replyText, reply.value);
    state.ranges = a.findings.map((f) => {
      const s = Number.isInteger(f.utf16_start) ? f.utf16_start : null;
      const e = Number.isInteger(f.utf16_end) ? f.utf16_end : null;
      if (s === null || e === null || s < 0 || e > replyText.length || e < s) return null;
      return mapRange({ s, e }, d);
    });
    state.caretFinding = -1;
    renderBackdrop();
    setVerdict(a.stance, verdictSentence(a));
    setScores(a.scores);
    renderNotes(a);
    renderFindings(a);
    updateRewriteButton();
    updateAtCaret();
    const fresh = isFresh();
    verdict.dataset.seq = String(seq);
    verdict.dataset.fresh = String(fresh);
    verdict.dataset.latencyMs = String(Math.round(ms));
    verdict.dataset.checkedAt = String(Date.now());
    verdict.dataset.renderedAt = String(performance.now());
    editor.dataset.state = fresh ? 'fresh' : 'stale';
    state.renderedSeq = seq;
    const engine = a.engine ? ` · ${a.engine} engine` : '';
    latencyEl.textContent = `checked in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms${engine}`;
    clearMessage('check');
  }

  function renderEmpty() {
    state.analysis = null;
    state.ranges = [];
    state.analyzedReply = reply.value;
    state.analyzedCustomer = customerValue();
    renderBackdrop();
    setVerdict('none', 'Write a reply to see how it reads to an upset customer.');
    badge.textContent = 'Waiting';
    setScores({});
    emotionEl.hidden = true;
    notesEl.hidden = true;
    findingsEl.replaceChildren();
    findingsEmpty.hidden = false;
    findingsEmpty.textContent = 'Nothing to point out yet.';
    applyFirst.disabled = true;
    updateRewriteButton();
    atCaret.textContent = '';
    verdict.dataset.seq = String(++state.reqSeq);
    verdict.dataset.fresh = 'true';
    verdict.dataset.renderedAt = String(performance.now());
    editor.dataset.state = 'empty';
    latencyEl.textContent = '';
  }

  function customerValue() {
    const c = customer.value;
    return c.trim() ? c : null;
  }

  function isFresh() {
    return state.analyzedReply === reply.value && state.analyzedCustomer === customerValue();
  }

  // ---- checking ----

  function scheduleCheck() {
    const now = performance.now();
    if (!state.timer) state.firstPendingAt = now;
    clearTimeout(state.timer);
    const idle = !state.inflight && now - state.lastSentAt >= DEBOUNCE_MS;
    if (idle || now - state.firstPendingAt >= MAX_WAIT_MS) {
      // The first keystroke after a pause is checked at once (leading edge); a burst of typing
      // is checked when it pauses, and at least every MAX_WAIT_MS while it goes on.
      state.timer = null;
      runCheck();
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = null;
      runCheck();
    }, DEBOUNCE_MS);
  }

  async function runCheck() {
    clearTimeout(state.timer);
    state.timer = null;
    if (state.inflight) state.inflight.abort();
    state.inflight = null;
    const replyText = reply.value;
    const customerText = customerValue();
    if (!replyText.trim()) {
      renderEmpty();
      return;
    }
    const seq = ++state.reqSeq;
    const ctrl = new AbortController();
    state.inflight = ctrl;
    state.lastSentAt = performance.now();
    const t0 = performance.now();
    editor.dataset.state = 'checking';
    try {
      const a = await api('/v1/check', { method: 'POST', json: { reply: replyText, customer: customerText }, signal: ctrl.signal });
      if (seq !== state.reqSeq) return; // an answer to an older request: ignore it
      render(a, replyText, customerText, seq, performance.now() - t0);
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      if (seq !== state.reqSeq) return;
      editor.dataset.state = 'error';
      if (e instanceof ApiError && e.status === 401) return; // the sign-in form takes over
      showMessage(`Check failed: ${describeError(e)}`, { key: 'check' });
    } finally {
      if (state.inflight === ctrl) state.inflight = null;
    }
  }

  // ---- editing ----

  function onReplyInput() {
    const d = diffRegion(state.shownText, reply.value);
    if (state.analysis) state.ranges = state.ranges.map((r) => mapRange(r, d));
    autoGrow();
    renderBackdrop();
    updateAtCaret();
    verdict.dataset.fresh = 'false';
    editor.dataset.state = 'stale';
    markProposalStale();
    scheduleCheck();
  }

  /** Puts newText into the reply through the editing commands, so Undo can take it back. */
  function setReplyText(newText, caret) {
    const old = reply.value;
    if (old !== newText) {
      const d = diffRegion(old, newText);
      const mid = newText.slice(d.p, d.newEnd);
      reply.focus({ preventScroll: true });
      reply.setSelectionRange(d.p, d.oldEnd);
      let ok = false;
      try {
        ok = mid ? document.execCommand('insertText', false, mid) : document.execCommand('delete', false);
      } catch {
        ok = false;
      }
      if (!ok || reply.value !== newText) {
        reply.value = newText;
        onReplyInput();
      }
    } else {
      reply.focus({ preventScroll: true });
    }
    if (typeof caret === 'number') reply.setSelectionRange(caret, caret);
  }

  function locate(text, needle, near) {
    if (!needle) return -1;
    let best = -1;
    let idx = text.indexOf(needle);
    while (idx !== -1) {
      if (best === -1 || Math.abs(idx - near) < Math.abs(best - near)) best = idx;
      idx = text.indexOf(needle, idx + 1);
    }
    return best;
  }

  function applyFinding(i) {
    const a = state.analysis;
    const f = a && a.findings[i];
    if (!f || !f.fix) return;
    const text = reply.value;
    let r = state.ranges[i];
    if (!r || text.slice(r.s, r.e) !== f.text) {
      const at = locate(text, f.text, r ? r.s : f.utf16_start);
      if (at < 0) {
        showMessage('The reply changed since that suggestion; it has been checked again.', { kind: 'info', key: 'apply', timeout: 5000 });
        runCheck();
        return;
      }
      r = { s: at, e: at + f.text.length };
    }
    const insert = f.fix.kind === 'remove' ? '' : f.fix.text || '';
    const out = spliceTidy(text, r.s, r.e, insert);
    setReplyText(out.text, out.caret);
    showMessage(
      f.fix.kind === 'remove' ? `Removed “${f.text}”.` : `Replaced “${f.text}”.`,
      { kind: 'info', key: 'apply', timeout: 4000 },
    );
    runCheck();
  }

  function firstFixable() {
    const a = state.analysis;
    if (!a) return null;
    const hit = orderedFindings(a).find(({ f, i }) => f.fix && state.ranges[i]);
    return hit ? hit.i : null;
  }

  function selectFinding(i) {
    const r = state.ranges[i];
    if (!r) return;
    reply.focus({ preventScroll: true });
    reply.setSelectionRange(r.s, r.e);
    const mark = backdrop.querySelector(`mark.cue[data-finding="${i}"]`);
    if (mark) mark.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  function link(i, on) {
    if (on) state.linked.add(i);
    else state.linked.delete(i);
    refreshMarkClasses();
  }

  // ---- what the caret is in, and the hover tooltip ----

  function findingAt(pos) {
    const a = state.analysis;
    if (!a) return -1;
    let best = -1;
    a.findings.forEach((f, i) => {
      const r = state.ranges[i];
      if (!r || pos < r.s || pos > r.e) return;
      if (best === -1) {
        best = i;
        return;
      }
      const b = a.findings[best];
      const rb = state.ranges[best];
      const riskier = (SIDE_RANK[f.side] ?? 0) - (SIDE_RANK[b.side] ?? 0) || (SEVERITY_RANK[f.severity] ?? 0) - (SEVERITY_RANK[b.severity] ?? 0);
      if (riskier > 0 || (riskier === 0 && r.e - r.s < rb.e - rb.s)) best = i;
    });
    return best;
  }

  function updateAtCaret() {
    const a = state.analysis;
    const pos = reply.selectionStart === reply.selectionEnd ? reply.selectionStart : -1;
    const i = document.activeElement === reply && pos >= 0 ? findingAt(pos) : -1;
    if (i !== state.caretFinding) {
      state.caretFinding = i;
      refreshMarkClasses();
    }
    if (i < 0 || !a) {
      atCaret.textContent = '';
      atCaret.hidden = true;
      return;
    }
    const f = a.findings[i];
    atCaret.hidden = false;
    atCaret.replaceChildren(
      el('strong', { text: `${humanCue(f.cue)}: ` }),
      f.message || '',
      f.suggestion ? el('span', { class: 'at-caret-try', text: ` Try: ${f.suggestion}` }) : '',
      f.fix ? el('span', { class: 'at-caret-key', text: ' (Alt+Enter applies the rewrite)' }) : '',
    );
  }

  let hoverFrame = 0;
  let hoverPoint = null;
  function onEditorMouseMove(ev) {
    hoverPoint = { x: ev.clientX, y: ev.clientY };
    if (!hoverFrame) hoverFrame = requestAnimationFrame(hoverTest);
  }

  function hoverTest() {
    hoverFrame = 0;
    if (!hoverPoint || !state.analysis) return hideTooltip();
    const { x, y } = hoverPoint;
    // Hit-test the marks under the transparent textarea by their line boxes: the innermost
    // (shortest) mark under the pointer wins.
    let best = null;
    let bestRect = null;
    for (const m of backdrop.querySelectorAll('mark.cue')) {
      for (const rect of m.getClientRects()) {
        if (x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom) {
          if (!best || m.textContent.length <= best.textContent.length) {
            best = m;
            bestRect = rect;
          }
        }
      }
    }
    if (!best) return hideTooltip();
    showTooltip(Number(best.dataset.finding), bestRect);
  }

  function showTooltip(i, rect) {
    const f = state.analysis && state.analysis.findings[i];
    if (!f) return hideTooltip();
    if (tooltip.dataset.finding !== String(i)) {
      tooltip.dataset.finding = String(i);
      tooltip.className = `tooltip side-${f.side}`;
      tooltip.replaceChildren(
        el('div', { class: 'tooltip-head' }, el('span', { class: `side-dot side-${f.side}` }), humanCue(f.cue), el('span', { class: `sev sev-${f.severity}`, text: f.severity })),
        el('p', { text: f.message || '' }),
        f.suggestion ? el('p', { class: 'suggestion' }, el('span', { class: 'label', text: 'Try ' }), f.suggestion) : '',
      );
    }
    tooltip.hidden = false;
    const tw = tooltip.offsetWidth;
    const th = tooltip.offsetHeight;
    let left = Math.min(Math.max(8, rect.left), window.innerWidth - tw - 8);
    let top = rect.bottom + 8;
    if (top + th > window.innerHeight - 8) top = Math.max(8, rect.top - th - 8);
    tooltip.style.left = `${Math.max(8, left)}px`;
    tooltip.style.top = `${top}px`;
  }

  function hideTooltip() {
    tooltip.hidden = true;
    delete tooltip.dataset.finding;
  }

  // ---- rewriting the whole reply towards empathy ----

  function updateRewriteButton() {
    const stance = state.analysis ? state.analysis.stance : null;
    rewriteBtn.disabled = Boolean(state.rewriting) || !REWRITABLE.has(stance) || !reply.value.trim();
  }

  function markProposalStale() {
    const p = state.proposal;
    if (!p || rewritePanel.hidden) return;
    const stale = p.forReply !== reply.value || p.forCustomer !== customerValue();
    rewritePanel.dataset.stale = String(stale);
    $('#rewrite-stale').hidden = !stale;
  }

  function closeProposal({ focus = false } = {}) {
    const hadFocus = rewritePanel.contains(document.activeElement);
    rewritePanel.hidden = true;
    state.proposal = null;
    if (focus || hadFocus) (rewriteBtn.disabled ? reply : rewriteBtn).focus({ preventScroll: true });
  }

  function showProposal(r, forReply, forCustomer) {
    state.proposal = { text: r.text, forReply, forCustomer };
    const before = r.stance_before;
    const after = r.stance_after;
    $('#rewrite-stances').replaceChildren(
      el('span', { class: `stance-chip stance-${before}`, text: STANCE_LABEL[before] || before }),
      el('span', { class: 'rewrite-arrow', 'aria-label': 'becomes', text: '→' }),
      el('span', { class: `stance-chip stance-${after}`, text: STANCE_LABEL[after] || after }),
    );
    $('#rewrite-text').textContent = r.text;
    const removed = Array.isArray(r.removed) ? r.removed : [];
    $('#rewrite-removed').replaceChildren(
      ...removed.map((x) =>
        el('li', { 'data-cue': x.cue }, el('span', { class: 'cue-name', text: `${humanCue(x.cue)}: ` }), el('q', { class: 'removed-text', text: x.text })),
      ),
    );
    $('#rewrite-removed-box').hidden = removed.length === 0;
    const added = Array.isArray(r.added) ? r.added : [];
    $('#rewrite-added').replaceChildren(...added.map((t) => el('li', {}, el('q', { class: 'added-text', text: t }))));
    $('#rewrite-added-box').hidden = added.length === 0;
    const lost = Array.isArray(r.lost) ? r.lost : [];
    $('#rewrite-lost').replaceChildren(...lost.map((t) => el('li', { text: t })));
    $('#rewrite-lost-box').hidden = lost.length === 0;
    rewritePanel.dataset.stale = 'false';
    $('#rewrite-stale').hidden = true;
    rewritePanel.hidden = false;
    $('#rewrite-title').focus({ preventScroll: true });
    rewritePanel.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  async function requestRewrite() {
    const replyText = reply.value;
    const customerText = customerValue();
    if (!replyText.trim()) return;
    if (state.rewriting) state.rewriting.abort();
    const ctrl = new AbortController();
    state.rewriting = ctrl;
    const label = rewriteBtn.textContent;
    rewriteBtn.textContent = 'Rewriting…';
    updateRewriteButton();
    try {
      const r = await api('/v1/rewrite', { method: 'POST', json: { reply: replyText, customer: customerText }, signal: ctrl.signal });
      if (!r || typeof r.text !== 'string') throw new Error('unexpected answer from /v1/rewrite');
      clearMessage('rewrite');
      showProposal(r, replyText, customerText);
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      if (e instanceof ApiError && e.status === 401) return;
      showMessage(`Rewrite failed: ${describeError(e)}`, { key: 'rewrite' });
    } finally {
      if (state.rewriting === ctrl) state.rewriting = null;
      rewriteBtn.textContent = label;
      updateRewriteButton();
    }
  }

  function acceptProposal() {
    const p = state.proposal;
    if (!p) return;
    closeProposal();
    setReplyText(p.text, p.text.length);
    autoGrow();
    showMessage('Rewrite applied; Ctrl+Z in the reply takes it back.', { kind: 'info', key: 'apply', timeout: 5000 });
    runCheck();
  }

  // ---- the example ----

  const EXAMPLE_CUSTOMER = "I've been waiting three weeks for my refund and nobody answers my emails. This is ridiculous.";
  const EXAMPLE_REPLY = 'Wow! This is so irresponsible of my team. I apologize for their inconsistency. This is not acceptable.';

  // ---- wiring ----

  reply.addEventListener('input', onReplyInput);
  reply.addEventListener('scroll', syncScroll);
  customer.addEventListener('input', () => {
    verdict.dataset.fresh = 'false';
    markProposalStale();
    scheduleCheck();
  });
  rewriteBtn.addEventListener('click', requestRewrite);
  $('#rewrite-accept').addEventListener('click', acceptProposal);
  $('#rewrite-dismiss').addEventListener('click', () => closeProposal({ focus: true }));
  rewritePanel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      closeProposal({ focus: true });
    }
  });
  reply.addEventListener('keydown', (ev) => {
    if (ev.altKey && ev.key === 'Enter') {
      ev.preventDefault();
      const pos = reply.selectionStart;
      let i = findingAt(pos);
      if (i < 0 || !state.analysis.findings[i].fix) i = firstFixable() ?? -1;
      if (i >= 0) applyFinding(i);
      else showMessage('No rewrite to apply here.', { kind: 'info', key: 'apply', timeout: 3000 });
    } else if (ev.key === 'Escape') {
      hideTooltip();
    }
  });
  for (const type of ['keyup', 'click', 'focus', 'blur', 'select']) reply.addEventListener(type, updateAtCaret);
  document.addEventListener('selectionchange', () => {
    if (document.activeElement === reply) updateAtCaret();
  });
  editor.addEventListener('mousemove', onEditorMouseMove);
  editor.addEventListener('mouseleave', () => {
    hoverPoint = null;
    hideTooltip();
  });
  window.addEventListener('scroll', hideTooltip, { passive: true });
  window.addEventListener('resize', () => {
    autoGrow();
    hideTooltip();
  });
  applyFirst.addEventListener('click', () => {
    const i = firstFixable();
    if (i !== null) applyFinding(i);
  });
  exampleBtn.addEventListener('click', () => {
    customer.value = EXAMPLE_CUSTOMER;
    setReplyText(EXAMPLE_REPLY, EXAMPLE_REPLY.length);
    runCheck();
  });

  autoGrow();
  renderBackdrop();

  initAuth(() => {
    autoGrow();
    if (!state.started) {
      state.started = true;
      if (reply.value.trim()) runCheck();
      else renderEmpty();
    } else if (reply.value.trim()) {
      runCheck();
    }
  });
}

if (typeof document !== 'undefined' && document.body && document.body.dataset.page === 'live') initLive();
