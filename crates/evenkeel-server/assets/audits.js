// evenkeel audits page: upload a helpdesk export, follow the audit, read its report.
//
// DOM contract (used by tests/browser/check-live.mjs):
//   #file (input type=file), #format (select), #map (text), #redact (checkbox), #upload (submit)
//   #current[data-audit-id][data-status]  #audit-status[data-status]  #progress[aria-valuenow]
//   #summary (key totals, dl.totals)  #audit-error (shown when failed)
//   iframe#report[sandbox=""] whose srcdoc is the report (fetched with the bearer header)
//   #audit-list tbody tr[data-audit-id] with button.open

import { api, initAuth, showMessage, clearMessage, describeError, ApiError, $ } from './live.js';

const POLL_MS = 500;

const form = $('#upload-form');
const fileInput = $('#file');
const formatSel = $('#format');
const mapInput = $('#map');
const redactBox = $('#redact');
const uploadBtn = $('#upload');
const current = $('#current');
const statusChip = $('#audit-status');
const fileLabel = $('#audit-file');
const progress = $('#progress');
const progressFill = $('#progress-fill');
const counts = $('#progress-counts');
const errorEl = $('#audit-error');
const summaryEl = $('#summary');
const reportCard = $('#report-card');
const frame = $('#report');
const download = $('#report-download');
const listTable = $('#audit-list');
const listEmpty = $('#list-empty');
const refreshBtn = $('#refresh');

let watching = null; // { id, timer, cancelled }
let downloadUrl = null;
let started = false;

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

const nf = new Intl.NumberFormat();
const num = (n) => (typeof n === 'number' && Number.isFinite(n) ? nf.format(n) : '–');
const pct = (r) => (typeof r === 'number' && Number.isFinite(r) ? `${Math.round(r * 100)}%` : '–');

function bytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function when(t) {
  if (t === null || t === undefined || t === '') return '';
  let d;
  if (typeof t === 'number') d = new Date(t > 1e11 ? t : t * 1000);
  else d = new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// ---------------------------------------------------------------------------------------------
// One audit: status, progress, summary, report

function stopWatching() {
  if (watching) {
    watching.cancelled = true;
    clearTimeout(watching.timer);
  }
  watching = null;
}

function resetCurrent(id, fileName) {
  current.hidden = false;
  current.dataset.auditId = id;
  fileLabel.textContent = fileName || '';
  errorEl.hidden = true;
  errorEl.textContent = '';
  summaryEl.hidden = true;
  summaryEl.replaceChildren();
  reportCard.hidden = true;
  frame.removeAttribute('srcdoc');
  delete frame.dataset.auditId;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = null;
  download.hidden = true;
  setStatus('queued');
  setProgress({ bytes_read: 0, bytes_total: 0 });
  counts.textContent = '';
  highlightRow(id);
}

function setStatus(status) {
  current.dataset.status = status;
  statusChip.dataset.status = status;
  statusChip.textContent = status;
}

function setProgress(p) {
  const total = Number(p.bytes_total) || 0;
  const read = Number(p.bytes_read) || 0;
  const ratio = total > 0 ? Math.min(1, read / total) : 0;
  progress.setAttribute('aria-valuenow', String(Math.round(ratio * 100)));
  progress.setAttribute('aria-valuetext', total > 0 ? `${bytes(read)} of ${bytes(total)}` : 'waiting');
  progressFill.style.width = `${(ratio * 100).toFixed(1)}%`;
}

function showAudit(a) {
  setStatus(a.status);
  if (a.file_name) fileLabel.textContent = a.file_name;
  const p = a.progress || {};
  const done = a.status === 'done';
  setProgress(done ? { bytes_read: p.bytes_total || 1, bytes_total: p.bytes_total || 1 } : p);
  const parts = [];
  if (p.bytes_total) parts.push(`${bytes(done ? p.bytes_total : p.bytes_read)} of ${bytes(p.bytes_total)} read`);
  parts.push(`${num(p.conversations ?? 0)} conversations`);
  parts.push(`${num(p.agent_turns ?? 0)} agent replies`);
  counts.textContent = parts.join(' · ');
  if (a.status === 'failed') {
    errorEl.hidden = false;
    errorEl.textContent = `The audit failed: ${a.error || 'no reason given'}`;
  }
  if (done && a.summary) renderSummary(a.summary);
}

function tile(label, value, cls) {
  return el('div', { class: `total${cls ? ' ' + cls : ''}` }, el('dt', { text: label }), el('dd', { text: value }));
}

function renderSummary(s) {
  const totals = s.totals || {};
  const humans = s.humans || {};
  const rates = humans.rates || {};
  const stances = humans.stances || {};
  const tiles = [
    tile('Conversations', num(totals.conversations)),
    tile('Agent replies', num(totals.agent_turns ?? humans.turns)),
    tile('Empathetic', pct(rates.empathetic), 'side-empathy'),
    tile('Sympathetic', pct(rates.sympathetic), 'side-sympathy'),
    tile('Dismissive', pct(rates.dismissive), 'side-dismissive'),
    tile('Feelings acknowledged', pct(humans.acknowledgment_rate)),
  ];
  if (typeof humans.strain_rate === 'number') tiles.push(tile('Strained replies', pct(humans.strain_rate)));
  if (totals.malformed_records) tiles.push(tile('Unreadable records', num(totals.malformed_records), 'side-dismissive'));
  const children = [el('dl', { class: 'totals' }, ...tiles)];

  const order = [
    ['empathetic', 'Empathetic', 'var(--emp-line)'],
    ['sympathetic', 'Sympathetic', 'var(--sym-line)'],
    ['neutral', 'Neutral', '#aab2bd'],
    ['dismissive', 'Dismissive', 'var(--dis-line)'],
  ];
  const sum = order.reduce((n, [k]) => n + (Number(stances[k]) || 0), 0);
  if (sum > 0) {
    const bar = el('div', { class: 'stance-bar', role: 'img', 'aria-label': order.map(([k, label]) => `${label} ${num(stances[k] || 0)}`).join(', ') });
    for (const [k] of order) {
      const n = Number(stances[k]) || 0;
      if (n > 0) {
        const seg = el('span', { class: `s-${k}` });
        seg.style.width = `${((n / sum) * 100).toFixed(2)}%`;
        bar.append(seg);
      }
    }
    const legend = el('ul', { class: 'stance-legend', 'aria-hidden': 'true' });
    for (const [k, label, c] of order) {
      const li = el('li', { text: `${label} ${num(stances[k] || 0)}` });
      li.style.setProperty('--c', c);
      legend.append(li);
    }
    children.push(bar, legend);
  }
  summaryEl.replaceChildren(...children);
  summaryEl.hidden = false;
}

async function loadReport(id) {
  if (frame.dataset.auditId === id) return;
  const html = await api(`/v1/audits/${encodeURIComponent(id)}/report`, { as: 'text', headers: { Accept: 'text/html' } });
  if (!watching || watching.id !== id) return;
  // Shown in a sandboxed frame without scripts: the report needs none, and the page's token
  // never becomes reachable from it.
  frame.srcdoc = html;
  frame.dataset.auditId = id;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
  download.href = downloadUrl;
  download.setAttribute('download', `evenkeel-report-${id}.html`);
  download.hidden = false;
  reportCard.hidden = false;
}

async function poll(w) {
  if (w.cancelled) return;
  let a;
  try {
    a = await api(`/v1/audits/${encodeURIComponent(w.id)}`);
  } catch (e) {
    if (w.cancelled) return;
    if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) {
      showMessage(`Cannot follow the audit: ${describeError(e)}`, { key: 'poll' });
      return;
    }
    // A passing network problem: keep trying, a little slower.
    showMessage(`Lost touch with the server, retrying: ${describeError(e)}`, { key: 'poll' });
    w.timer = setTimeout(() => poll(w), POLL_MS * 4);
    return;
  }
  if (w.cancelled) return;
  clearMessage('poll');
  showAudit(a);
  if (a.status === 'done') {
    try {
      await loadReport(w.id);
    } catch (e) {
      if (!w.cancelled) showMessage(`Could not load the report: ${describeError(e)}`, { key: 'report' });
    }
    refreshList();
    return;
  }
  if (a.status === 'failed') {
    refreshList();
    return;
  }
  w.timer = setTimeout(() => poll(w), POLL_MS);
}

function watch(id, fileName) {
  stopWatching();
  resetCurrent(id, fileName);
  watching = { id, timer: 0, cancelled: false };
  poll(watching);
}

// ---------------------------------------------------------------------------------------------
// Upload

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const file = fileInput.files && fileInput.files[0];
  if (!file) {
    showMessage('Choose an export file first.', { key: 'upload' });
    fileInput.focus();
    return;
  }
  const q = new URLSearchParams();
  if (formatSel.value) q.set('format', formatSel.value);
  if (mapInput.value.trim()) q.set('map', mapInput.value.trim());
  if (file.name) q.set('name', file.name);
  if (redactBox && redactBox.checked) q.set('redact', 'true');
  uploadBtn.disabled = true;
  const label = uploadBtn.textContent;
  uploadBtn.textContent = 'Uploading…';
  clearMessage('upload');
  try {
    // The File is the body: the browser streams it from disk.
    const res = await api(`/v1/audits?${q}`, {
      method: 'POST',
      body: file,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    if (!res || !res.id) throw new Error('the server did not return an audit id');
    showMessage(`Uploaded ${file.name} (${bytes(file.size)}); auditing.`, { kind: 'info', key: 'upload', timeout: 5000 });
    watch(res.id, file.name);
    refreshList();
  } catch (e) {
    showMessage(`Upload failed: ${describeError(e)}`, { key: 'upload' });
  } finally {
    uploadBtn.disabled = false;
    uploadBtn.textContent = label;
  }
});

// ---------------------------------------------------------------------------------------------
// Earlier audits

function highlightRow(id) {
  for (const tr of listTable.tBodies[0].rows) tr.classList.toggle('is-current', tr.dataset.auditId === id);
}

async function refreshList() {
  let res;
  try {
    res = await api('/v1/audits');
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      listEmpty.textContent = 'Your role cannot see audits.';
      listEmpty.hidden = false;
      listTable.hidden = true;
      return;
    }
    showMessage(`Could not list audits: ${describeError(e)}`, { key: 'list' });
    return;
  }
  clearMessage('list');
  const audits = (res && res.audits) || [];
  const rows = audits.map((a) => {
    const p = a.progress || {};
    const open = el('button', { type: 'button', class: 'btn btn-small open', text: 'Open' });
    open.setAttribute('aria-label', `Open the audit of ${a.file_name || a.id}`);
    open.addEventListener('click', () => {
      watch(a.id, a.file_name);
      current.scrollIntoView({ block: 'start', behavior: 'smooth' });
    });
    const tr = el(
      'tr',
      { 'data-audit-id': a.id, 'data-status': a.status },
      el('td', { class: 'file', text: a.file_name || a.id }),
      el('td', { text: when(a.created_at) }),
      el('td', {}, el('span', { class: 'status-chip', 'data-status': a.status, text: a.status })),
      el('td', { class: 'num hide-narrow', text: num(p.agent_turns) }),
      el('td', {}, open),
    );
    return tr;
  });
  listTable.tBodies[0].replaceChildren(...rows);
  listTable.hidden = rows.length === 0;
  listEmpty.hidden = rows.length > 0;
  listEmpty.textContent = 'No audits yet.';
  if (watching) highlightRow(watching.id);
}

refreshBtn.addEventListener('click', refreshList);

initAuth(() => {
  if (!started) {
    started = true;
  }
  refreshList();
});
