// evenkeel trainer: practise replies on hand-written scenarios, label replies in a quiz, and
// follow one's progress. Uses the API helpers and the sign-in flow of live.js.
//
// DOM contract (used by tests/browser/check-trainer.mjs):
//   tabs: #tab-practice, #tab-quiz (role=tab, aria-selected) → #panel-practice, #panel-quiz
//   practice: #scenario[data-id][data-state=loading|ready|error]  #scenario-select (option value=id;
//     "" = suggested next)  #scenario-title  #scenario-context  #scenario-chat li.bubble
//     #practice-reply (textarea)  #practice-submit  #practice-result (shown after a check)
//     #practice-score[data-percent]  #practice-criteria li.criterion[data-name][data-met=true|false]
//     #practice-highlighted mark.cue[data-cue][data-side]  #practice-findings li.finding[data-cue]
//     #model-reply  #pitfalls li.pitfall[data-cue][data-stance]  #practice-next  #practice-again
//   quiz: #quiz-start  #quiz-item[data-index][data-item][data-answered]  #quiz-customer  #quiz-reply
//     button.quiz-answer[data-answer=empathetic|sympathetic|neutral|dismissive] (keys e/s/n/d)
//     #quiz-feedback[data-correct=true|false][data-truth]  #quiz-why  #quiz-highlighted mark.cue
//     #quiz-next  #quiz-done  #quiz-score[data-correct][data-total]
//   progress: #progress[data-loaded=true][data-attempts][data-quiz-answers][data-quiz-correct]
//     #progress-attempts  #progress-mean  #progress-quiz  #progress-trends li.trend[data-name][data-direction]
//     #progress-slips li  #progress-confusions li

import {
  api,
  initAuth,
  showMessage,
  clearMessage,
  describeError,
  ApiError,
  $,
  STANCE_LABEL,
  EMOTION_WORD,
  SEVERITY_RANK,
  SIDE_RANK,
  humanCue,
} from './live.js';

const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const QUIZ_SIZE = 5;
const CRITERIA = ['acknowledge', 'explore', 'act', 'avoid_pitfalls'];
const CRITERION_LABEL = {
  acknowledge: 'Acknowledge the feeling',
  explore: 'Explore what they need',
  act: 'Act on it',
  avoid_pitfalls: 'Avoid the pitfalls',
};
const CRITERION_SHORT = {
  acknowledge: 'Acknowledge',
  explore: 'Explore',
  act: 'Act',
  avoid_pitfalls: 'Avoid pitfalls',
};
const CHANNEL_LABEL = { chat: 'Chat', email: 'Email', phone: 'Phone call', social: 'Social media' };
const CHAT_TITLE = {
  chat: 'The customer wrote in the chat',
  email: 'The customer’s e-mail',
  phone: 'The customer said on the phone',
  social: 'The customer posted',
};

// ---------------------------------------------------------------------------------------------
// Small helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}


function humanWord(s) {
  const t = String(s || '').replace(/[-_]/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

const pct = (r) => (typeof r === 'number' && Number.isFinite(r) ? `${Math.round(r * 100)}%` : '–');
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function stanceChip(stance) {
  return el('span', { class: `stance-chip stance-${stance}`, text: STANCE_LABEL[stance] || humanWord(stance) });
}

/** Paragraphs of a text whose lines were wrapped by hand: blank lines part them. */
function paragraphs(text) {
  return String(text || '')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean);
}

const reducedMotion = () => window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function reveal(node) {
  node.scrollIntoView({ block: 'start', behavior: reducedMotion() ? 'auto' : 'smooth' });
}

/**
 * A static copy of `text` with the findings marked: where findings overlap, the riskiest one
 * colours the piece (risky side first, then severity, then the shorter span).
 */
function renderHighlighted(container, text, findings) {
  const spans = [];
  (findings || []).forEach((f, i) => {
    const s = f.utf16_start;
    const e = f.utf16_end;
    if (Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e <= text.length && e > s) spans.push({ s, e, f, i });
  });
  const rank = (a, b) =>
    (SIDE_RANK[b.f.side] ?? 0) - (SIDE_RANK[a.f.side] ?? 0) ||
    (SEVERITY_RANK[b.f.severity] ?? 0) - (SEVERITY_RANK[a.f.severity] ?? 0) ||
    a.e - a.s - (b.e - b.s) ||
    a.i - b.i;
  const cuts = new Set([0, text.length]);
  for (const p of spans) {
    cuts.add(p.s);
    cuts.add(p.e);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  let prev = null;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    const piece = text.slice(a, b);
    const top = spans.filter((p) => p.s <= a && p.e >= b).sort(rank)[0];
    if (!top) {
      out.push(piece);
      prev = null;
      continue;
    }
    if (prev && prev.top === top) {
      prev.node.append(piece);
      continue;
    }
    const f = top.f;
    const node = el('mark', {
      class: `cue side-${f.side} sev-${f.severity}`,
      'data-cue': f.cue,
      'data-side': f.side,
      'data-severity': f.severity,
      'data-finding': top.i,
      title: humanCue(f.cue),
    }, piece);
    out.push(node);
    prev = { top, node };
  }
  container.replaceChildren(...out);
}

/** The findings as a list, risky ones first. */
function renderFindingList(list, findings, emptyEl) {
  const ordered = (findings || [])
    .map((f, i) => ({ f, i }))
    .sort(
      (x, y) =>
        (SIDE_RANK[y.f.side] ?? 0) - (SIDE_RANK[x.f.side] ?? 0) ||
        (SEVERITY_RANK[y.f.severity] ?? 0) - (SEVERITY_RANK[x.f.severity] ?? 0) ||
        (x.f.utf16_start ?? 0) - (y.f.utf16_start ?? 0) ||
        x.i - y.i,
    );
  // The same cue on the same words (two rules agreeing) is shown once.
  const seen = new Set();
  const items = [];
  for (const { f, i } of ordered) {
    const key = `${f.cue}:${f.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const li = el(
      'li',
      { class: `finding static side-${f.side} sev-${f.severity}`, 'data-cue': f.cue, 'data-side': f.side, 'data-finding': i },
      el(
        'div',
        { class: 'finding-head' },
        el('span', { class: `side-dot side-${f.side}`, 'aria-hidden': 'true' }),
        el('span', { class: 'cue-name', text: humanCue(f.cue) }),
        el('span', { class: `sev sev-${f.severity}`, text: f.severity }),
      ),
      el('q', { class: 'finding-text', text: f.text }),
      f.message ? el('p', { class: 'why', text: f.message }) : null,
      f.suggestion ? el('p', { class: 'suggestion' }, el('span', { class: 'label', text: 'Try ' }), f.suggestion) : null,
    );
    items.push(li);
  }
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
  if (emptyEl) emptyEl.hidden = items.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Tabs

const tabs = [$('#tab-practice'), $('#tab-quiz')];

function selectTab(tab, { focus = false, remember = true } = {}) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(`#${t.getAttribute('aria-controls')}`).hidden = !on;
  }
  if (focus) tab.focus();
  if (remember) {
    const hash = tab.id === 'tab-quiz' ? '#quiz' : '#practice';
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }
}

for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (ev) => {
    const i = tabs.indexOf(t);
    let j = null;
    if (ev.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (ev.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = tabs.length - 1;
    if (j === null) return;
    ev.preventDefault();
    selectTab(tabs[j], { focus: true });
  });
}

// ---------------------------------------------------------------------------------------------
// Progress

const progressCard = $('#progress');

async function refreshProgress() {
  let p;
  try {
    p = await api('/v1/coach/progress');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    $('#progress-empty').textContent = 'Progress is not available right now.';
    showMessage(`Could not load your progress: ${describeError(e)}`, { key: 'progress' });
    return;
  }
  clearMessage('progress');
  renderProgress(p || {});
}

function renderProgress(p) {
  const attempts = Number(p.attempts) || 0;
  const answers = Number(p.quiz_answers) || 0;
  const correct = Number(p.quiz_correct) || 0;
  progressCard.dataset.loaded = 'true';
  progressCard.dataset.attempts = String(attempts);
  progressCard.dataset.quizAnswers = String(answers);
  progressCard.dataset.quizCorrect = String(correct);
  // In open mode everyone is the trainee "open": the header already says so.
  const trainee = $('#progress-trainee');
  trainee.textContent = p.trainee && p.trainee !== 'open' ? `token ${p.trainee}` : '';
  trainee.title = trainee.textContent ? 'Progress is kept per API token' : '';
  $('#progress-empty').hidden = true;
  $('#progress-body').hidden = false;

  $('#progress-attempts').textContent = String(attempts);
  $('#progress-mean').textContent = typeof p.mean_score === 'number' ? `${Math.round(p.mean_score)}%` : '–';
  $('#progress-clean').textContent = String(Number(p.clean_streak) || 0);
  $('#progress-days').textContent = plural(Number(p.day_streak) || 0, 'day', 'days');
  $('#progress-quiz').textContent = answers ? `${correct} of ${answers} right · ${pct(correct / answers)}` : 'No answers yet';

  const criteria = p.criteria || {};
  const names = [...CRITERIA.filter((c) => c in criteria), ...Object.keys(criteria).filter((c) => !CRITERIA.includes(c))];
  const trends = names.map((name) => {
    const t = criteria[name] || {};
    const earlier = typeof t.earlier === 'number' ? t.earlier : null;
    const later = typeof t.later === 'number' ? t.later : null;
    let direction = 'none';
    let arrow = '';
    let said = 'not practised yet';
    if (earlier !== null && later !== null) {
      const d = later - earlier;
      direction = d > 0.005 ? 'up' : d < -0.005 ? 'down' : 'flat';
      arrow = direction === 'up' ? '↑' : direction === 'down' ? '↓' : '→';
      said = direction === 'up' ? `up from ${pct(earlier)} to ${pct(later)}` : direction === 'down' ? `down from ${pct(earlier)} to ${pct(later)}` : `steady at ${pct(later)}`;
    } else if (later !== null || earlier !== null) {
      direction = 'new';
      said = `${pct(later ?? earlier)} so far`;
    }
    const shown =
      direction === 'none'
        ? el('span', { class: 'trend-values muted', text: '–' })
        : direction === 'new'
          ? el('span', { class: 'trend-values' }, el('span', { class: 'trend-later', text: pct(later ?? earlier) }))
          : el(
              'span',
              { class: 'trend-values' },
              el('span', { class: 'trend-earlier', text: pct(earlier) }),
              el('span', { class: 'trend-sep', text: '→' }),
              el('span', { class: 'trend-later', text: pct(later) }),
              el('span', { class: `trend-arrow arrow-${direction}`, text: arrow }),
            );
    shown.setAttribute('aria-hidden', 'true');
    const bar = el('span', { class: 'trend-bar', 'aria-hidden': 'true' }, el('span', { class: 'trend-fill' }));
    bar.firstChild.style.width = later !== null || earlier !== null ? `${Math.round((later ?? earlier) * 100)}%` : '0%';
    return el(
      'li',
      { class: 'trend', 'data-name': name, 'data-direction': direction },
      el('span', { class: 'trend-name', text: CRITERION_SHORT[name] || humanWord(name) }),
      shown,
      el('span', { class: 'visually-hidden', text: `: ${said}` }),
      bar,
    );
  });
  $('#progress-trends').replaceChildren(...trends);

  const slips = Array.isArray(p.slips) ? p.slips : [];
  $('#progress-slips').replaceChildren(
    ...slips.slice(0, 6).map(([cue, n]) =>
      el('li', { 'data-cue': cue }, el('span', { text: humanCue(cue) }), el('span', { class: 'tally', text: `×${n}` })),
    ),
  );
  $('#progress-slips-empty').hidden = slips.length > 0;

  const confusions = Array.isArray(p.confusions) ? p.confusions : [];
  $('#progress-confusions').replaceChildren(
    ...confusions.slice(0, 5).map(([truth, answer, n]) =>
      el(
        'li',
        { 'data-truth': truth, 'data-answer': answer },
        el('span', {}, stanceChip(truth), ' read as ', stanceChip(answer)),
        el('span', { class: 'tally', text: `×${n}` }),
      ),
    ),
  );
  $('#progress-confusions-empty').hidden = confusions.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Practice

const scenarioCard = $('#scenario');
const scenarioSelect = $('#scenario-select');
const practiceForm = $('#practice-form');
const practiceReply = $('#practice-reply');
const practiceSubmit = $('#practice-submit');
const practiceError = $('#practice-error');
const practiceBusy = $('#practice-busy');
const practiceStatus = $('#practice-status');
const result = $('#practice-result');

const practice = { scenario: null, loadSeq: 0, busy: false, listLoaded: false };

async function loadScenarioList() {
  let res;
  try {
    res = await api('/v1/coach/scenarios');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    showMessage(`Could not list the scenarios: ${describeError(e)}`, { key: 'scenarios' });
    return;
  }
  clearMessage('scenarios');
  const list = (res && res.scenarios) || [];
  const byIndustry = new Map();
  for (const s of list) {
    const k = s.industry || 'other';
    if (!byIndustry.has(k)) byIndustry.set(k, []);
    byIndustry.get(k).push(s);
  }
  const groups = [...byIndustry.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((k) =>
      el(
        'optgroup',
        { label: humanWord(k) },
        ...byIndustry
          .get(k)
          .map((s) => el('option', { value: s.id, text: `${s.title} (${(CHANNEL_LABEL[s.channel] || humanWord(s.channel)).toLowerCase()})` })),
      ),
    );
  const keep = scenarioSelect.value || (practice.scenario && practice.scenario.id) || '';
  scenarioSelect.replaceChildren(el('option', { value: '', text: 'Suggested for you' }), ...groups);
  practice.listLoaded = true;
  // Shows which scene is on screen (a suggested one too) when the list knows it.
  if (keep && [...scenarioSelect.options].some((o) => o.value === keep)) scenarioSelect.value = keep;
}

async function loadScenario(id) {
  const seq = ++practice.loadSeq;
  scenarioCard.dataset.state = 'loading';
  practiceSubmit.disabled = true;
  try {
    const s = await api(id ? `/v1/coach/scenarios/${encodeURIComponent(id)}` : '/v1/coach/next');
    if (seq !== practice.loadSeq) return null;
    if (!s || !s.id) throw new Error('the server sent no scenario');
    showScenario(s);
    clearMessage('scenario');
    return s;
  } catch (e) {
    if (seq !== practice.loadSeq) return null;
    scenarioCard.dataset.state = 'error';
    if (!(e instanceof ApiError && e.status === 401)) {
      $('#scenario-title').textContent = 'No scenario';
      showMessage(`Could not load a scenario: ${describeError(e)}`, { key: 'scenario' });
    }
    return null;
  }
}

function showScenario(s) {
  practice.scenario = s;
  scenarioCard.dataset.id = s.id;
  scenarioCard.dataset.state = 'ready';
  scenarioCard.dataset.channel = s.channel || '';
  $('#scenario-title').textContent = s.title || s.id;
  const emotion = s.emotion && s.emotion !== 'none' ? `Sounds ${EMOTION_WORD[s.emotion] || s.emotion}` : 'No strong emotion';
  $('#scenario-badges').replaceChildren(
    el('span', { class: 'badge badge-industry', text: humanWord(s.industry) }),
    el('span', { class: `badge badge-channel channel-${s.channel}`, text: CHANNEL_LABEL[s.channel] || humanWord(s.channel) }),
    el('span', { class: `badge badge-emotion emotion-${s.emotion || 'none'}`, text: emotion }),
  );
  const ctx = paragraphs(s.context);
  $('#scenario-context').replaceChildren(...ctx.map((p) => el('p', { text: p })));
  $('#scenario-context-box').hidden = ctx.length === 0;
  $('#chat-title').textContent = CHAT_TITLE[s.channel] || 'The customer wrote';
  const msgs = Array.isArray(s.customer) ? s.customer : [String(s.customer || '')];
  $('#scenario-chat').replaceChildren(
    ...msgs.map((m, i) =>
      el('li', { class: 'bubble bubble-customer' }, msgs.length > 1 ? el('span', { class: 'visually-hidden', text: `Message ${i + 1} of ${msgs.length}: ` }) : null, m.trim()),
    ),
  );
  if (practice.listLoaded && [...scenarioSelect.options].some((o) => o.value === s.id)) scenarioSelect.value = s.id;
  practiceSubmit.disabled = practice.busy;
  practiceError.textContent = '';
}

function resetAttempt() {
  practiceReply.value = '';
  practiceError.textContent = '';
  result.hidden = true;
  practiceStatus.textContent = '';
}

async function nextScenario({ focus = true } = {}) {
  resetAttempt();
  scenarioSelect.value = '';
  const s = await loadScenario(null);
  if (s && focus) {
    $('#scenario-title').focus({ preventScroll: true });
    reveal(scenarioCard);
  }
}

scenarioSelect.addEventListener('change', async () => {
  const id = scenarioSelect.value;
  resetAttempt();
  await loadScenario(id || null);
});

practiceReply.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    practiceForm.requestSubmit();
  }
});
practiceReply.addEventListener('input', () => {
  if (practiceError.textContent && practiceReply.value.trim()) practiceError.textContent = '';
});

practiceForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (practice.busy) return;
  const s = practice.scenario;
  if (!s) {
    practiceError.textContent = 'Wait for the scenario to load.';
    return;
  }
  const reply = practiceReply.value;
  if (!reply.trim()) {
    practiceError.textContent = 'Write a reply first.';
    practiceReply.focus();
    return;
  }
  practice.busy = true;
  practiceSubmit.disabled = true;
  practiceBusy.textContent = 'Checking…';
  practiceStatus.textContent = 'Checking your reply…';
  try {
    const res = await api('/v1/coach/attempts', { method: 'POST', json: { scenario: s.id, reply } });
    if (!practice.scenario || practice.scenario.id !== s.id) return; // moved on meanwhile
    showResult(res, reply);
    clearMessage('attempt');
    refreshProgress();
  } catch (e) {
    practiceStatus.textContent = '';
    if (!(e instanceof ApiError && e.status === 401)) showMessage(`The check failed: ${describeError(e)}`, { key: 'attempt' });
  } finally {
    practice.busy = false;
    practiceSubmit.disabled = !practice.scenario;
    practiceBusy.textContent = '';
  }
});

function showResult(res, reply) {
  const score = (res && res.score) || {};
  const percent = Math.max(0, Math.min(100, Math.round(Number(score.percent) || 0)));
  const criteria = Array.isArray(score.criteria) ? score.criteria : [];
  const met = criteria.filter((c) => c.met).length;
  const analysis = score.analysis || {};

  const ring = $('#practice-score');
  ring.dataset.percent = String(percent);
  ring.dataset.band = percent >= 100 ? 'full' : percent >= 50 ? 'mid' : 'low';
  ring.style.setProperty('--p', String(percent));
  ring.setAttribute('aria-label', `Score ${percent}%`);
  $('#practice-score-number').textContent = `${percent}%`;

  const stance = analysis.stance;
  $('#practice-summary').replaceChildren(
    el('strong', { text: `${met} of ${criteria.length} criteria met.` }),
    stance ? ' The reply reads ' : '',
    stance ? stanceChip(stance) : '',
    stance ? '.' : '',
  );

  $('#practice-criteria').replaceChildren(
    ...criteria.map((c) =>
      el(
        'li',
        { class: 'criterion', 'data-name': c.name, 'data-met': c.met ? 'true' : 'false' },
        el('span', { class: 'criterion-icon', 'aria-hidden': 'true', text: c.met ? '✓' : '✗' }),
        el(
          'span',
          { class: 'criterion-body' },
          el('span', { class: 'criterion-name' }, CRITERION_LABEL[c.name] || humanWord(c.name), el('span', { class: 'visually-hidden', text: c.met ? ': met' : ': missed' })),
          c.detail ? el('span', { class: 'criterion-detail', text: c.detail }) : null,
        ),
      ),
    ),
  );

  const findings = Array.isArray(analysis.findings) ? analysis.findings : [];
  renderHighlighted($('#practice-highlighted'), reply, findings);
  renderFindingList($('#practice-findings'), findings, $('#practice-findings-empty'));

  $('#model-reply').replaceChildren(...paragraphsKeepingLines(res.model_reply || ''));

  const pitfalls = Array.isArray(res.pitfalls) ? res.pitfalls : [];
  const risky = new Set(Array.isArray(score.risky_cues) ? score.risky_cues : []);
  $('#pitfalls').replaceChildren(
    ...pitfalls.map((p) =>
      el(
        'li',
        { class: `pitfall stance-${p.stance}`, 'data-cue': p.cue, 'data-stance': p.stance, 'data-hit': risky.has(p.cue) ? 'true' : null },
        el(
          'div',
          { class: 'finding-head' },
          el('span', { class: 'cue-name', text: humanCue(p.cue) }),
          stanceChip(p.stance),
          risky.has(p.cue) ? el('span', { class: 'hit-chip', text: 'in your reply' }) : null,
        ),
        el('q', { class: 'finding-text', text: p.example }),
        el('p', { class: 'why', text: p.why }),
      ),
    ),
  );
  $('#pitfalls-box').hidden = pitfalls.length === 0;

  result.hidden = false;
  practiceStatus.textContent = `Score ${percent}%: ${met} of ${criteria.length} criteria met.${stance ? ` The reply reads ${stance}.` : ''}`;
  $('#practice-result-title').focus({ preventScroll: true });
  reveal(result);
}

/** A reply as written: paragraphs on blank lines, line breaks kept inside them (sign-offs). */
function paragraphsKeepingLines(text) {
  return String(text)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => el('p', { text: p }));
}

$('#practice-next').addEventListener('click', () => nextScenario());
$('#practice-again').addEventListener('click', () => {
  practiceReply.focus();
  practiceReply.setSelectionRange(practiceReply.value.length, practiceReply.value.length);
  reveal(practiceForm);
});

// ---------------------------------------------------------------------------------------------
// Quiz

const quizStart = $('#quiz-start');
const quizItem = $('#quiz-item');
const quizFeedback = $('#quiz-feedback');
const quizNext = $('#quiz-next');
const quizDone = $('#quiz-done');
const answerButtons = $$('button.quiz-answer');

const quiz = { items: [], index: 0, answered: false, busy: false, correct: 0, done: 0 };

async function startQuiz() {
  quizStart.disabled = true;
  try {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const res = await api(`/v1/coach/quiz?n=${QUIZ_SIZE}&seed=${seed}`);
    const items = (res && res.items) || [];
    if (!items.length) throw new Error('the server sent no quiz items');
    Object.assign(quiz, { items, index: 0, answered: false, busy: false, correct: 0, done: 0 });
    quizDone.hidden = true;
    quizStart.textContent = 'Start over';
    clearMessage('quiz');
    showQuizItem();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) showMessage(`Could not start a quiz: ${describeError(e)}`, { key: 'quiz' });
  } finally {
    quizStart.disabled = false;
  }
}

function showQuizItem() {
  const item = quiz.items[quiz.index];
  quiz.answered = false;
  quizItem.hidden = false;
  quizItem.dataset.index = String(quiz.index);
  quizItem.dataset.item = item.id;
  quizItem.dataset.answered = 'false';
  $('#quiz-count').textContent = `Question ${quiz.index + 1} of ${quiz.items.length}`;
  $('#quiz-tally').textContent = quiz.done ? `${quiz.correct} of ${quiz.done} right so far` : '';
  $('#quiz-customer').replaceChildren(...paragraphsKeepingLines(item.customer || ''));
  $('#quiz-reply').replaceChildren(...paragraphsKeepingLines(item.reply || ''));
  for (const b of answerButtons) {
    b.disabled = false;
    b.removeAttribute('aria-pressed');
    delete b.dataset.result;
  }
  quizFeedback.hidden = true;
  delete quizFeedback.dataset.correct;
  delete quizFeedback.dataset.truth;
  quizNext.hidden = true;
  $('#quiz-count').focus({ preventScroll: true });
  reveal(quizItem);
}

async function answerQuiz(answer) {
  if (quiz.answered || quiz.busy || quizItem.hidden) return;
  const item = quiz.items[quiz.index];
  if (!item) return;
  quiz.busy = true;
  for (const b of answerButtons) b.disabled = true;
  try {
    const res = await api('/v1/coach/quiz', { method: 'POST', json: { item: item.id, answer } });
    quiz.answered = true;
    quiz.done += 1;
    if (res.correct) quiz.correct += 1;
    showFeedback(item, answer, res);
    clearMessage('quiz');
    refreshProgress();
  } catch (e) {
    for (const b of answerButtons) b.disabled = false;
    if (!(e instanceof ApiError && e.status === 401)) showMessage(`Could not record the answer: ${describeError(e)}`, { key: 'quiz' });
  } finally {
    quiz.busy = false;
  }
}

function showFeedback(item, answer, res) {
  const truth = res.truth;
  quizItem.dataset.answered = 'true';
  for (const b of answerButtons) {
    b.disabled = true;
    if (b.dataset.answer === answer) b.setAttribute('aria-pressed', 'true');
    if (b.dataset.answer === truth) b.dataset.result = 'truth';
    else if (b.dataset.answer === answer) b.dataset.result = 'wrong';
  }
  quizFeedback.dataset.correct = res.correct ? 'true' : 'false';
  quizFeedback.dataset.truth = truth;
  $('#quiz-verdict').replaceChildren(
    el('span', { class: 'feedback-mark', 'aria-hidden': 'true', text: res.correct ? '✓' : '✗' }),
    el('strong', { text: res.correct ? 'Right. ' : 'Not quite. ' }),
    'This reply is ',
    stanceChip(truth),
    res.correct ? '.' : el('span', {}, '; you said ', stanceChip(answer), '.'),
  );
  const why = $('#quiz-why');
  why.textContent = res.why || (truth === 'empathetic' ? 'It names the customer’s feeling from their side and works calmly on what happened.' : '');
  why.hidden = !why.textContent;
  const findings = (res.analysis && res.analysis.findings) || [];
  renderHighlighted($('#quiz-highlighted'), item.reply || '', findings);
  renderFindingList($('#quiz-findings'), findings);
  quizFeedback.hidden = false;
  $('#quiz-tally').textContent = `${quiz.correct} of ${quiz.done} right so far`;
  quizNext.textContent = quiz.index + 1 < quiz.items.length ? 'Next question' : 'See your score';
  quizNext.hidden = false;
  quizNext.focus({ preventScroll: true });
}

function finishQuiz() {
  quizItem.hidden = true;
  quizDone.hidden = false;
  const score = $('#quiz-score');
  score.dataset.correct = String(quiz.correct);
  score.dataset.total = String(quiz.items.length);
  score.textContent = `${quiz.correct} of ${quiz.items.length} right`;
  const share = quiz.items.length ? quiz.correct / quiz.items.length : 0;
  $('#quiz-score-note').textContent =
    share === 1
      ? 'Every one right. You can tell warmth that helps from warmth that takes over.'
      : share >= 0.6
        ? 'Good. Your progress lists the mix-ups to watch for.'
        : 'Sympathy often sounds kind: look for whose feelings the reply is about.';
  quizStart.textContent = 'Start another quiz';
  $('#quiz-done-title').focus({ preventScroll: true });
  reveal(quizDone);
}

quizStart.addEventListener('click', startQuiz);
for (const b of answerButtons) b.addEventListener('click', () => answerQuiz(b.dataset.answer));
quizNext.addEventListener('click', () => {
  if (!quiz.answered) return;
  quiz.index += 1;
  if (quiz.index < quiz.items.length) showQuizItem();
  else finishQuiz();
});

const SHORTCUTS = { e: 'empathetic', s: 'sympathetic', n: 'neutral', d: 'dismissive' };
document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
  if ($('#panel-quiz').hidden || quizItem.hidden || quiz.answered) return;
  const t = ev.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  const answer = SHORTCUTS[ev.key.toLowerCase()];
  if (!answer) return;
  ev.preventDefault();
  answerQuiz(answer);
});

// ---------------------------------------------------------------------------------------------
// Start

selectTab(location.hash === '#quiz' ? tabs[1] : tabs[0], { remember: false });

initAuth(() => {
  refreshProgress();
  loadScenarioList();
  if (!practice.scenario) loadScenario(null);
  else practiceSubmit.disabled = practice.busy;
});
