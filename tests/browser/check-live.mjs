#!/usr/bin/env node
// Real-browser check of the pages `evenkeel serve` serves: the live check at / and the audits
// page at /audits.
//
// Usage: node tests/browser/check-live.mjs BASE_URL TOKEN_OR_DASH ARTIFACT_DIR EXPORT_FILE
//   BASE_URL     e.g. http://127.0.0.1:18080 (a running `evenkeel serve`)
//   TOKEN        an API token of role lead or admin, or `-` for a server in --open mode
//   ARTIFACT_DIR where the screenshots go (created)
//   EXPORT_FILE  a helpdesk export to upload on the audits page (e.g. examples/exports/turns.csv)
//
// Drives Debian's chromium (playwright-core, no Playwright browser download) through:
//   1. /, signing in with the token through the sign-in form when one is given; real keystrokes
//      type the article's sympathetic example into the reply; the marks
//      mark.cue[data-cue=blames_own_side] ("…irresponsible of my team") and
//      mark.cue[data-cue=condemns] ("…not acceptable") must appear. Keystroke→highlight latency:
//      from the keydown of one more typed character to the page's rendering of the answer for
//      that text (#verdict[data-rendered-at], same page clock); median of 5 must be ≤ 1000 ms;
//   2. #verdict[data-stance=sympathetic]; screenshot live-sympathetic.png;
//   3. button.apply of sympathy-side findings, one by one, until none is left or the verdict is
//      empathetic; then, if still needed, an acknowledgment typed over the reply; the verdict
//      must end #verdict[data-stance=empathetic] and an Apply must have changed the reply text
//      (tidily: no doubled spaces, no space before punctuation); screenshot live-empathetic.png;
//   4. Tab from the reply reaches a li.finding whose aria-describedby explanation is visible and
//      whose mark is outlined; hovering a mark shows the tooltip; at 375x800 nothing overflows
//      sideways and the analysis stacks under the editor (screenshot live-narrow.png); with
//      emoji and accents typed, the blames_own_side mark is exactly the finding's text, which is
//      exactly reply.slice(utf16_start, utf16_end);
//   5. /audits: the export is uploaded through the file input, the audit is done within 60 s,
//      iframe#report[sandbox=""] shows the report (srcdoc has id="worst-examples") and the audit
//      is in the list; screenshot audits.png;
//   6. no console errors, no uncaught page errors, no request to any other origin.
//
// Exit 0 and one line of JSON on stdout when every check passes; exit 1 with one
// "check-live: FAIL: ..." line per failed check on stderr otherwise; exit 2 on bad usage.
// The whole run is bounded to 180 s. Environment: CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const TOTAL_BUDGET_MS = 180_000;
const AUDIT_WAIT_MS = 60_000;
const LATENCY_LIMIT_MS = 1_000;
const LATENCY_SAMPLES = 5;
const started = Date.now();
const PREFIX = 'check-live:';

const EXAMPLE_CUSTOMER = "I've been waiting three weeks for my refund and nobody answers my emails. This is ridiculous.";
const EXAMPLE_REPLY = 'Wow! This is so irresponsible of my team. I apologize for their inconsistency. This is not acceptable.';
const ACKNOWLEDGMENT =
  "I can understand why waiting three weeks without an answer makes you angry. I've checked your refund and it was sent today; it should reach your account within two days.";
const EMOJI_REPLY = 'Je suis désolé 😊 — this is so irresponsible of my team';

// URL schemes that never touch the network.
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

function usage(msg) {
  if (msg) console.error(`${PREFIX} ${msg}`);
  console.error('usage: node tests/browser/check-live.mjs BASE_URL TOKEN_OR_DASH ARTIFACT_DIR EXPORT_FILE');
  process.exit(2);
}

// Hard stop: whatever hangs, the process ends (and Playwright's exit hook kills chromium).
const watchdog = setTimeout(() => {
  console.error(`${PREFIX} FAIL: timed out after ${TOTAL_BUDGET_MS / 1000} s (browser did not finish)`);
  process.exit(1);
}, TOTAL_BUDGET_MS - 1_000);
watchdog.unref();

function remainingMs(reserveMs = 0) {
  return Math.max(1_000, TOTAL_BUDGET_MS - 2_000 - reserveMs - (Date.now() - started));
}

function short(s, n = 200) {
  s = String(s).replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round1 = (x) => Math.round(x * 10) / 10;

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) usage();
  if (args.length !== 4) usage('expected exactly four arguments');
  let base;
  try {
    base = new URL(args[0]);
  } catch {
    usage(`not a URL: ${args[0]}`);
  }
  if (!/^https?:$/.test(base.protocol)) usage(`BASE_URL must be http(s): ${args[0]}`);
  const origin = base.origin;
  const baseUrl = origin + base.pathname.replace(/\/+$/, '');
  const token = args[1] === '-' ? null : args[1];
  if (token !== null && !token.trim()) usage('TOKEN must be a token or -');
  const artifactDir = path.resolve(args[2]);
  const exportFile = path.resolve(args[3]);
  if (!existsSync(exportFile) || !statSync(exportFile).isFile()) usage(`export file not found: ${exportFile}`);

  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`${PREFIX} FAIL: chromium not found at ${executablePath} (run scripts/ensure-browser.sh or set CHROMIUM)`);
    return 1;
  }
  mkdirSync(artifactDir, { recursive: true });
  const shot = (name) => path.join(artifactDir, name);

  const failures = [];
  const fail = (msg) => failures.push(msg);
  const externalRequests = [];
  const consoleErrors = [];
  const pageErrors = [];
  const screenshots = {};
  const facts = {};
  let requestCount = 0;
  let browser;
  let browserVersion = null;
  let step = 'launch';

  const isLocal = (url) => {
    try {
      const u = new URL(url);
      return u.origin === origin || LOCAL_SCHEMES.has(u.protocol);
    } catch {
      return false;
    }
  };

  try {
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: remainingMs(150_000),
    });
    browserVersion = browser.version();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    context.on('request', (req) => {
      requestCount += 1;
      if (!isLocal(req.url())) externalRequests.push(`${req.resourceType()} ${req.url()}`);
    });
    await context.route(
      (url) => !isLocal(url.href),
      (route) => route.abort('blockedbyclient'),
    );

    const page = await context.newPage();
    page.on('websocket', (ws) => externalRequests.push(`websocket ${ws.url()}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const loc = msg.location();
      if (loc && loc.url && !isLocal(loc.url) && /^Failed to load resource/.test(msg.text())) return;
      const where = loc && loc.url ? ` (at ${loc.url}${loc.lineNumber ? ':' + loc.lineNumber : ''})` : '';
      consoleErrors.push(`[${step}] ${short(msg.text())}${where}`);
    });
    page.on('pageerror', (err) => pageErrors.push(`[${step}] ${short(err && err.message ? err.message : err)}`));

    // The answer of every /v1/check, by the reply it was asked about.
    const answers = new Map();
    page.on('response', async (res) => {
      if (!res.url().endsWith('/v1/check') || res.request().method() !== 'POST') return;
      try {
        const req = JSON.parse(res.request().postData() || '{}');
        if (res.ok()) answers.set(req.reply, await res.json());
      } catch {
        /* aborted or not JSON */
      }
    });

    const reply = page.locator('#reply');
    const seqNow = () => page.evaluate(() => Number(document.querySelector('#verdict').dataset.seq || 0));
    // Waits until the page has rendered an answer newer than `seq` for the reply as it is now.
    const waitFresh = (seq, timeout = 10_000) =>
      page.waitForFunction(
        (s) => {
          const v = document.querySelector('#verdict');
          return v && v.dataset.fresh === 'true' && Number(v.dataset.seq) > s;
        },
        seq,
        { timeout, polling: 'raf' },
      );
    const stance = () => page.evaluate(() => document.querySelector('#verdict').dataset.stance);
    const selectAllReply = async () => {
      await reply.click();
      await page.keyboard.press('Control+A');
    };

    // ---- 1. sign in, type the example, marks, latency ----
    step = 'live: load';
    const resp = await page.goto(`${baseUrl}/`, { waitUntil: 'load', timeout: remainingMs(150_000) });
    if (!resp || !resp.ok()) throw new Error(`GET ${baseUrl}/ gave status ${resp ? resp.status() : 'none'}`);
    await page.waitForFunction(
      () => !document.querySelector('#app').hidden || !document.querySelector('#signin').hidden,
      null,
      { timeout: 10_000 },
    );
    if (token) {
      step = 'live: sign in';
      const signinShown = await page.locator('#signin').isVisible();
      if (!signinShown) fail('a server that needs a token did not show the sign-in form (#signin)');
      else {
        const type = await page.locator('#signin input#token').getAttribute('type');
        if (type !== 'password') fail(`the sign-in token input is type=${type}, not password`);
        const label = await page.locator('label[for="token"]').textContent();
        if (!/API token/i.test(label || '')) fail(`the sign-in input's label is ${JSON.stringify(label)}, not "API token"`);
        await page.fill('#token', token);
        await page.click('#signin-button');
      }
      await page.waitForSelector('#app:not([hidden])', { timeout: 10_000 });
      const role = (await page.locator('#role').textContent()) || '';
      facts.role = role.trim();
      if (!(await page.locator('#role').isVisible())) fail('signed in with a token, but no role is shown in the header (#role)');
      if (!(await page.locator('#sign-out').isVisible())) fail('signed in with a token, but there is no visible sign-out button (#sign-out)');
      const stored = await page.evaluate(() => localStorage.getItem('evenkeel.token'));
      if (stored !== token) fail('the token was not kept in localStorage["evenkeel.token"]');
    } else {
      await page.waitForSelector('#app:not([hidden])', { timeout: 10_000 });
      if (await page.locator('#signin').isVisible()) fail('an --open server still shows the sign-in form');
    }

    step = 'live: example';
    let seq = await seqNow();
    await page.click('#example');
    if ((await page.inputValue('#customer')) !== EXAMPLE_CUSTOMER) fail('"Try an example" did not fill the customer message');
    if ((await reply.inputValue()) !== EXAMPLE_REPLY) fail('"Try an example" did not fill the reply');
    await waitFresh(seq);

    // Real keystrokes: the reply typed again, key by key.
    step = 'live: typing';
    await selectAllReply();
    await page.keyboard.press('Delete');
    await page.keyboard.type(EXAMPLE_REPLY, { delay: 8 });
    seq = 0;
    await page
      .waitForFunction(
        (text) => {
          const v = document.querySelector('#verdict');
          const marks = (cue) => [...document.querySelectorAll(`#reply-backdrop mark.cue[data-cue="${cue}"]`)].map((m) => m.textContent);
          return (
            v.dataset.fresh === 'true' &&
            document.querySelector('#reply').value === text &&
            marks('blames_own_side').some((t) => t.includes('irresponsible of my team')) &&
            marks('condemns').some((t) => t.includes('not acceptable'))
          );
        },
        EXAMPLE_REPLY,
        { timeout: 10_000, polling: 'raf' },
      )
      .catch(async () => {
        const got = await page.evaluate(() =>
          [...document.querySelectorAll('#reply-backdrop mark.cue')].map((m) => `${m.dataset.cue}: ${m.textContent}`),
        );
        fail(
          `after typing the example, expected mark.cue[data-cue=blames_own_side] with "irresponsible of my team" and ` +
            `mark.cue[data-cue=condemns] with "not acceptable"; marks: ${short(JSON.stringify(got), 400)}`,
        );
      });
    facts.marksAfterTyping = await page.evaluate(() => document.querySelectorAll('#reply-backdrop mark.cue').length);

    // Keystroke → highlight: one more character, from its keydown to the rendered answer.
    step = 'live: latency';
    const samples = [];
    const serverSide = [];
    await reply.focus();
    await page.keyboard.press('End');
    for (let k = 0; k < LATENCY_SAMPLES; k++) {
      await page.waitForTimeout(250); // idle, as between an agent's words
      const before = await seqNow();
      await page.evaluate(() => {
        window.__ekKeydown = null;
        document.addEventListener('keydown', () => (window.__ekKeydown = performance.now()), { capture: true, once: true });
      });
      if (k % 2 === 0) await page.keyboard.type(' ');
      else await page.keyboard.press('Backspace');
      try {
        await waitFresh(before, 5_000);
      } catch {
        fail(`keystroke ${k + 1}: no fresh answer rendered within 5 s`);
        break;
      }
      const m = await page.evaluate(() => {
        const v = document.querySelector('#verdict');
        return {
          ms: Number(v.dataset.renderedAt) - window.__ekKeydown,
          api: Number(v.dataset.latencyMs),
          marks: document.querySelectorAll('#reply-backdrop mark.cue[data-cue="blames_own_side"]').length,
        };
      });
      if (!(m.marks > 0)) fail(`keystroke ${k + 1}: the blames_own_side mark was gone after the re-check`);
      samples.push(round1(m.ms));
      serverSide.push(m.api);
    }
    if (samples.length) {
      facts.latency = { firstMs: samples[0], medianMs: round1(median(samples)), maxMs: Math.max(...samples), samplesMs: samples, apiRoundTripMs: serverSide };
      if (facts.latency.medianMs > LATENCY_LIMIT_MS)
        fail(`keystroke→highlight latency ${facts.latency.medianMs} ms (median of ${samples.length}) is over ${LATENCY_LIMIT_MS} ms`);
    }
    // Leave the reply exactly as the example.
    if ((await reply.inputValue()) !== EXAMPLE_REPLY) {
      seq = await seqNow();
      await selectAllReply();
      await page.keyboard.type(EXAMPLE_REPLY);
      await waitFresh(seq);
    }

    // ---- 2. the sympathetic verdict ----
    step = 'live: verdict';
    const s1 = await stance();
    if (s1 !== 'sympathetic') fail(`the example's verdict is #verdict[data-stance=${s1}], expected sympathetic`);
    facts.verdictText = short(await page.locator('#verdict').textContent(), 160);
    const scoreOk = await page.evaluate(() => {
      const m = document.querySelector('#scores .score[data-family="sympathy"] .meter');
      return m ? Number(m.getAttribute('aria-valuenow')) : null;
    });
    if (scoreOk === null) fail('no sympathy meter in #scores');
    else if (!(scoreOk > 50)) fail(`the sympathy meter shows ${scoreOk}/100 for a sympathetic reply`);
    const listed = await page.evaluate(() =>
      [...document.querySelectorAll('#findings li.finding')].map((li) => ({
        cue: li.dataset.cue,
        side: li.dataset.side,
        focusable: li.tabIndex >= 0,
        why: (li.querySelector('.why') || {}).textContent || '',
      })),
    );
    facts.findings = listed.length;
    if (!listed.some((f) => f.cue === 'blames_own_side')) fail('#findings has no li.finding[data-cue=blames_own_side]');
    if (!listed.some((f) => f.cue === 'condemns')) fail('#findings has no li.finding[data-cue=condemns]');
    if (listed.some((f) => !f.focusable)) fail('a li.finding is not focusable (tabindex)');
    if (listed.some((f) => !f.why.trim())) fail('a li.finding has no explanation (.why)');
    screenshots.sympathetic = shot('live-sympathetic.png');
    await page.waitForTimeout(300); // let the meters' transitions end
    await page.screenshot({ path: screenshots.sympathetic, fullPage: true });

    // ---- 3. apply suggestions until empathetic ----
    step = 'live: apply';
    let applied = 0;
    let changedByApply = 0;
    const appliedTexts = [];
    for (let round = 0; round < 10; round++) {
      const btn = page.locator('#findings li.finding[data-side="sympathy"] button.apply').first();
      if ((await btn.count()) === 0) break;
      const before = await reply.inputValue();
      seq = await seqNow();
      await btn.click();
      applied += 1;
      await waitFresh(seq);
      const after = await reply.inputValue();
      if (after !== before) {
        changedByApply += 1;
        appliedTexts.push(after);
      }
      if ((await stance()) === 'empathetic') break;
    }
    facts.applyClicks = applied;
    facts.applyChangedText = changedByApply;
    if (changedByApply < 1) fail(`no Apply click changed the reply text (${applied} clicks on sympathy-side button.apply)`);
    for (const t of appliedTexts) {
      if (/ {2}/.test(t)) fail(`an applied fix left doubled spaces: ${JSON.stringify(short(t, 160))}`);
      if (/ [.,;:!?]/.test(t)) fail(`an applied fix left a space before punctuation: ${JSON.stringify(short(t, 160))}`);
    }
    facts.afterApply = appliedTexts.length ? appliedTexts[appliedTexts.length - 1] : null;
    facts.stanceAfterApply = await stance();
    if ((await stance()) !== 'empathetic') {
      step = 'live: acknowledge';
      seq = await seqNow();
      await selectAllReply();
      await page.keyboard.type(ACKNOWLEDGMENT);
      await waitFresh(seq);
      facts.typedAcknowledgment = true;
    }
    const s2 = await stance();
    if (s2 !== 'empathetic') fail(`the verdict ended #verdict[data-stance=${s2}], expected empathetic`);
    screenshots.empathetic = shot('live-empathetic.png');
    await page.waitForTimeout(300); // let the meters' transitions end
    await page.screenshot({ path: screenshots.empathetic, fullPage: true });

    // ---- 4. keyboard, hover, narrow screen, emoji ----
    step = 'live: keyboard';
    await reply.focus();
    let reached = null;
    for (let k = 0; k < 15 && !reached; k++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || !a.matches('li.finding')) return null;
        const ids = (a.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
        const desc = ids.map((id) => document.getElementById(id)).filter(Boolean);
        const visible = (el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility === 'visible';
        };
        const i = a.dataset.finding;
        const marks = [...document.querySelectorAll(`#reply-backdrop mark.cue[data-finding="${i}"]`)];
        const outline = getComputedStyle(a).outlineStyle;
        return {
          cue: a.dataset.cue,
          describedBy: ids,
          explanation: desc.map((d) => d.textContent.trim()).join(' '),
          explanationVisible: desc.length > 0 && desc.every(visible),
          markLinked: marks.length > 0 && marks.every((m) => m.classList.contains('is-linked')),
          focusRing: outline !== 'none',
        };
      });
    }
    if (!reached) fail('Tab from the reply never reached a li.finding in 15 presses');
    else {
      facts.keyboard = { cue: reached.cue, explanation: short(reached.explanation, 80) };
      if (!reached.explanation) fail(`the focused li.finding[data-cue=${reached.cue}] has no aria-describedby explanation`);
      if (!reached.explanationVisible) fail(`the explanation of the focused li.finding[data-cue=${reached.cue}] is not visible`);
      if (!reached.markLinked) fail(`focusing li.finding[data-cue=${reached.cue}] did not outline its mark (mark.cue.is-linked)`);
      if (!reached.focusRing) fail(`the focused li.finding[data-cue=${reached.cue}] has no visible focus outline`);
    }

    step = 'live: hover';
    const box = await page.evaluate(() => {
      const m = document.querySelector('#reply-backdrop mark.cue');
      if (!m) return null;
      const r = m.getClientRects()[0];
      return { x: r.left + Math.min(r.width / 2, 20), y: r.top + r.height / 2, cue: m.dataset.cue };
    });
    if (!box) fail('no mark to hover in the empathetic reply');
    else {
      await page.mouse.move(box.x, box.y);
      const tip = await page
        .waitForFunction(
          () => {
            const t = document.querySelector('#tooltip');
            return t && !t.hidden && t.textContent.trim().length > 0 ? t.textContent.trim() : null;
          },
          null,
          { timeout: 3_000 },
        )
        .then((h) => h.jsonValue())
        .catch(() => null);
      if (!tip) fail(`hovering the ${box.cue} mark showed no tooltip (#tooltip)`);
      else facts.tooltip = short(tip, 80);
      await page.mouse.move(2, 2);
    }

    step = 'live: narrow';
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(300);
    const narrow = await page.evaluate(() => {
      const compose = document.querySelector('.compose').getBoundingClientRect();
      const analysis = document.querySelector('.analysis').getBoundingClientRect();
      return {
        scrollWidth: document.scrollingElement.scrollWidth,
        stacked: analysis.top >= compose.bottom - 1,
      };
    });
    facts.narrow = narrow;
    if (narrow.scrollWidth > 376) fail(`at 375 px wide the page scrolls sideways (scrollWidth ${narrow.scrollWidth})`);
    if (!narrow.stacked) fail('at 375 px wide the analysis is not below the editor (not a single column)');
    screenshots.narrow = shot('live-narrow.png');
    await page.waitForTimeout(300); // let the meters' transitions end
    await page.screenshot({ path: screenshots.narrow, fullPage: true });

    step = 'live: emoji';
    await page.setViewportSize({ width: 1280, height: 900 });
    seq = await seqNow();
    await selectAllReply();
    await page.keyboard.type(EMOJI_REPLY);
    await waitFresh(seq);
    const typed = await reply.inputValue();
    if (typed !== EMOJI_REPLY) fail(`the reply holds ${JSON.stringify(typed)} after typing ${JSON.stringify(EMOJI_REPLY)}`);
    for (let k = 0; k < 20 && !answers.has(typed); k++) await page.waitForTimeout(50);
    const answer = answers.get(typed);
    const f = answer && (answer.findings || []).find((x) => x.cue === 'blames_own_side');
    if (!f) fail(`the API found no blames_own_side in ${JSON.stringify(typed)}`);
    else {
      const sliced = typed.slice(f.utf16_start, f.utf16_end);
      if (sliced !== f.text) fail(`reply.slice(utf16_start, utf16_end) is ${JSON.stringify(sliced)}, but the finding's text is ${JSON.stringify(f.text)}`);
      const shown = await page.evaluate(() => {
        const first = document.querySelector('#reply-backdrop mark.cue[data-cue="blames_own_side"]');
        if (!first) return null;
        const parts = document.querySelectorAll(`#reply-backdrop mark.cue[data-finding="${first.dataset.finding}"]`);
        return [...parts].map((m) => m.textContent).join('');
      });
      facts.emojiMark = shown;
      if (shown === null) fail('no mark.cue[data-cue=blames_own_side] for the reply with emoji and accents');
      else if (shown !== f.text) fail(`the blames_own_side mark reads ${JSON.stringify(shown)}, expected exactly ${JSON.stringify(f.text)}`);
      else if (!shown.includes('irresponsible of my team')) fail(`the blames_own_side mark ${JSON.stringify(shown)} lacks "irresponsible of my team"`);
      // The backdrop must mirror the reply character for character.
      const mirror = await page.evaluate(() => document.querySelector('#reply-backdrop').textContent.trimEnd());
      if (mirror !== typed.trimEnd()) fail(`the highlight backdrop reads ${JSON.stringify(mirror)}, not the reply`);
    }

    // ---- 5. audits ----
    step = 'audits: load';
    const r2 = await page.goto(`${baseUrl}/audits`, { waitUntil: 'load' });
    if (!r2 || !r2.ok()) throw new Error(`GET ${baseUrl}/audits gave status ${r2 ? r2.status() : 'none'}`);
    await page.waitForSelector('#app:not([hidden])', { timeout: 10_000 });
    const navOk = await page.evaluate(() => {
      const links = [...document.querySelectorAll('nav a')].map((a) => [a.textContent.trim(), a.getAttribute('href')]);
      return links.some(([t, h]) => t === 'Live check' && h === '/') && links.some(([t, h]) => t === 'Audits' && h === '/audits');
    });
    if (!navOk) fail('the audits page has no nav links "Live check" → / and "Audits" → /audits');
    step = 'audits: upload';
    await page.setInputFiles('#file', exportFile);
    await page.click('#upload');
    const outcome = await page
      .waitForFunction(
        () => {
          const c = document.querySelector('#current');
          if (!c || c.hidden) return null;
          const s = c.dataset.status;
          if (s === 'failed') return { status: s, error: document.querySelector('#audit-error').textContent };
          if (s === 'done' && (document.querySelector('#report').getAttribute('srcdoc') || '').length > 0)
            return { status: s, id: c.dataset.auditId };
          return null;
        },
        null,
        { timeout: Math.min(AUDIT_WAIT_MS, remainingMs(20_000)), polling: 250 },
      )
      .then((h) => h.jsonValue())
      .catch(async (e) => {
        const st = await page.evaluate(() => {
          const c = document.querySelector('#current');
          return c && !c.hidden ? `${c.dataset.status}: ${document.querySelector('#progress-counts').textContent}` : 'no audit shown';
        });
        const msgs = await page.locator('#messages').textContent();
        fail(`the audit was not done with a report within ${AUDIT_WAIT_MS / 1000} s (${st}; messages: ${short(msgs || 'none')})`);
        return null;
      });
    if (outcome && outcome.status === 'failed') fail(`the audit failed: ${short(outcome.error, 300)}`);
    if (outcome && outcome.status === 'done') {
      step = 'audits: report';
      facts.auditId = outcome.id;
      const frameFacts = await page.evaluate(() => {
        const f = document.querySelector('iframe#report');
        return { sandbox: f.getAttribute('sandbox'), srcdoc: f.getAttribute('srcdoc') || '', src: f.getAttribute('src') };
      });
      if (frameFacts.sandbox !== '') fail(`iframe#report has sandbox=${JSON.stringify(frameFacts.sandbox)}, expected sandbox=""`);
      if (!frameFacts.srcdoc.includes('id="worst-examples"')) fail('iframe#report srcdoc has no id="worst-examples"');
      const inFrame = await page.frameLocator('iframe#report').locator('section#worst-examples').count().catch(() => 0);
      if (inFrame < 1) fail('the report frame shows no section#worst-examples');
      facts.reportBytes = frameFacts.srcdoc.length;
      const tiles = await page.locator('#summary dl.totals .total').count();
      if (tiles < 3) fail(`the summary shows ${tiles} totals, expected the key totals`);
      facts.summaryTotals = tiles;
      await page
        .waitForSelector(`#audit-list tbody tr[data-audit-id="${outcome.id}"]`, { timeout: 5_000 })
        .catch(() => fail(`the audit ${outcome.id} is not in the list of audits (#audit-list)`));
    }
    screenshots.audits = shot('audits.png');
    await page.waitForTimeout(300); // let the meters' transitions end
    await page.screenshot({ path: screenshots.audits, fullPage: true });
    step = 'done';
    await page.waitForTimeout(200);
  } catch (e) {
    fail(`browser run failed at step "${step}": ${short(e && e.message ? e.message : e, 400)}`);
  } finally {
    if (browser) {
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000).unref())]);
    }
  }

  // ---- 6. what happened around the checks ----
  for (const r of externalRequests) fail(`request to another origin (the pages must be same-origin only): ${r}`);
  for (const m of consoleErrors) fail(`console error: ${m}`);
  for (const m of pageErrors) fail(`page error: ${m}`);

  const elapsedMs = Date.now() - started;
  if (failures.length) {
    for (const f of failures) console.error(`${PREFIX} FAIL: ${f}`);
    console.error(`${PREFIX} ${failures.length} check(s) failed against ${baseUrl} (${elapsedMs} ms); artifacts in ${artifactDir}`);
    return 1;
  }
  console.log(
    JSON.stringify({
      ok: true,
      base: baseUrl,
      mode: token ? 'token' : 'open',
      browser: browserVersion,
      elapsedMs,
      latency: facts.latency,
      screenshots,
      requests: requestCount,
      externalRequests: 0,
      consoleErrors: 0,
      pageErrors: 0,
      ...facts,
    }),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`${PREFIX} FAIL: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
