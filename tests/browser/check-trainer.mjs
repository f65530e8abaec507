#!/usr/bin/env node
// Real-browser check of the trainer at /trainer and of the rewrite button on the live check at /.
//
// Usage: node tests/browser/check-trainer.mjs BASE_URL TOKEN_OR_DASH ARTIFACT_DIR
//   BASE_URL     e.g. http://127.0.0.1:18090 (a running `evenkeel serve`)
//   TOKEN        an API token (any role that may practise: agent, lead or admin), or `-` for a
//                server in --open mode
//   ARTIFACT_DIR where the screenshots go (created)
//
// Drives Debian's chromium (playwright-core, no Playwright browser download) through:
//   1. /trainer, signing in with the token through the sign-in form when one is given; the nav
//      links Live check → /, Audits → /audits, Trainer → /trainer (aria-current);
//      #progress[data-loaded=true] gives the trainee's counts before the run;
//   2. practice: #scenario[data-state=ready] shows a title, badges, the customer's messages
//      (#scenario-chat li.bubble); an empathetic reply is typed into #practice-reply with real
//      keystrokes and #practice-submit clicked; #practice-score[data-percent] appears, the
//      checklist #practice-criteria has 2–4 li.criterion[data-name][data-met=true|false], the
//      reply is read back with marks (#practice-highlighted) and #model-reply is not empty;
//      screenshot trainer-practice.png;
//   3. quiz: #tab-quiz, #quiz-start, four button.quiz-answer[data-answer]; one is clicked and
//      #quiz-feedback[data-correct=true|false][data-truth] appears with #quiz-next; screenshot
//      trainer-quiz.png;
//   4. #progress counts one more attempt (#progress-attempts) and one more quiz answer than
//      before the run (on a fresh database: 1 and 1); at 375x800 the trainer does not scroll
//      sideways and the progress panel stacks under the practice (trainer-narrow.png);
//   5. /: the article's customer message is put in #customer, the article's sympathetic reply
//      typed into #reply; #rewrite is disabled before and enabled once #verdict says
//      sympathetic; clicking it shows #rewrite-panel (and leaves the reply as typed: nothing is
//      replaced without the click); #rewrite-accept replaces the reply with the proposal and the
//      verdict becomes #verdict[data-stance=empathetic]; screenshots live-rewrite-proposal.png
//      and live-rewrite.png;
//   6. no console errors, no uncaught page errors, no request to any other origin.
//
// Exit 0 and one line of JSON on stdout when every check passes; exit 1 with one
// "check-trainer: FAIL: ..." line per failed check on stderr otherwise; exit 2 on bad usage.
// The whole run is bounded to 90 s. Environment: CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const TOTAL_BUDGET_MS = 90_000;
const started = Date.now();
const PREFIX = 'check-trainer:';

const EXAMPLE_CUSTOMER = "I've been waiting three weeks for my refund and nobody answers my emails. This is ridiculous.";
const EXAMPLE_REPLY = 'Wow! This is so irresponsible of my team. I apologize for their inconsistency. This is not acceptable.';
// A reply that fits any scenario: names the feeling from the customer's side, asks, acts.
const PRACTICE_REPLY =
  "I can understand why this has been so stressful for you. I've looked into your account and I can see what happened. " +
  "Could you tell me a bit more about what you need most right now? I'll update you by email before 5pm today with the next step.";
const CRITERIA = new Set(['acknowledge', 'explore', 'act', 'avoid_pitfalls']);
const STANCES = ['empathetic', 'sympathetic', 'neutral', 'dismissive'];

// URL schemes that never touch the network.
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

function usage(msg) {
  if (msg) console.error(`${PREFIX} ${msg}`);
  console.error('usage: node tests/browser/check-trainer.mjs BASE_URL TOKEN_OR_DASH ARTIFACT_DIR');
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

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) usage();
  if (args.length !== 3) usage('expected exactly three arguments');
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
      timeout: remainingMs(70_000),
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

    const progress = () =>
      page.evaluate(() => {
        const p = document.querySelector('#progress');
        return {
          loaded: p.dataset.loaded === 'true',
          attempts: Number(p.dataset.attempts),
          quizAnswers: Number(p.dataset.quizAnswers),
          attemptsShown: (document.querySelector('#progress-attempts').textContent || '').trim(),
          quizShown: (document.querySelector('#progress-quiz').textContent || '').trim(),
        };
      });
    const waitProgress = (attempts, answers, timeout = 8_000) =>
      page
        .waitForFunction(
          ([a, q]) => {
            const p = document.querySelector('#progress');
            return p.dataset.loaded === 'true' && Number(p.dataset.attempts) === a && Number(p.dataset.quizAnswers) === q;
          },
          [attempts, answers],
          { timeout },
        )
        .then(() => true)
        .catch(() => false);

    // ---- 1. load, sign in, nav, progress before ----
    step = 'trainer: load';
    const resp = await page.goto(`${baseUrl}/trainer`, { waitUntil: 'load', timeout: remainingMs(60_000) });
    if (!resp || !resp.ok()) throw new Error(`GET ${baseUrl}/trainer gave status ${resp ? resp.status() : 'none'}`);
    await page.waitForFunction(
      () => !document.querySelector('#app').hidden || !document.querySelector('#signin').hidden,
      null,
      { timeout: 10_000 },
    );
    if (token) {
      step = 'trainer: sign in';
      if (!(await page.locator('#signin').isVisible())) fail('a server that needs a token did not show the sign-in form (#signin) on /trainer');
      else {
        await page.fill('#token', token);
        await page.click('#signin-button');
      }
      await page.waitForSelector('#app:not([hidden])', { timeout: 10_000 });
      if (!(await page.locator('#role').isVisible())) fail('signed in with a token, but no role is shown in the header (#role)');
      const stored = await page.evaluate(() => localStorage.getItem('evenkeel.token'));
      if (stored !== token) fail('the token was not kept in localStorage["evenkeel.token"]');
    } else {
      await page.waitForSelector('#app:not([hidden])', { timeout: 10_000 });
      if (await page.locator('#signin').isVisible()) fail('an --open server still shows the sign-in form on /trainer');
    }
    const nav = await page.evaluate(() =>
      [...document.querySelectorAll('nav.mainnav a')].map((a) => [a.textContent.trim(), a.getAttribute('href'), a.getAttribute('aria-current')]),
    );
    for (const [label, href] of [
      ['Live check', '/'],
      ['Audits', '/audits'],
      ['Trainer', '/trainer'],
    ]) {
      if (!nav.some(([t, h]) => t === label && h === href)) fail(`the trainer's nav has no link "${label}" → ${href} (${JSON.stringify(nav)})`);
    }
    if (!nav.some(([t, , cur]) => t === 'Trainer' && cur === 'page')) fail('the nav link "Trainer" is not aria-current="page" on /trainer');

    step = 'trainer: progress before';
    await page.waitForSelector('#progress[data-loaded="true"]', { timeout: 10_000 });
    const before = await progress();
    facts.progressBefore = { attempts: before.attempts, quizAnswers: before.quizAnswers };

    // ---- 2. practice ----
    step = 'practice: scenario';
    await page.waitForSelector('#scenario[data-state="ready"]', { timeout: 10_000 });
    const scene = await page.evaluate(() => ({
      id: document.querySelector('#scenario').dataset.id,
      title: document.querySelector('#scenario-title').textContent.trim(),
      badges: [...document.querySelectorAll('#scenario-badges .badge')].map((b) => b.textContent.trim()),
      bubbles: document.querySelectorAll('#scenario-chat li.bubble').length,
      context: (document.querySelector('#scenario-context').textContent || '').trim().length,
      options: document.querySelectorAll('#scenario-select option[value]:not([value=""])').length,
    }));
    facts.scenario = { id: scene.id, title: scene.title, badges: scene.badges, options: scene.options };
    if (!scene.id || !scene.title) fail('no scenario shown (#scenario[data-id], #scenario-title)');
    if (scene.bubbles < 1) fail('the scenario shows no customer message (#scenario-chat li.bubble)');
    if (scene.badges.length < 2) fail(`the scenario shows ${scene.badges.length} badges, expected industry and channel`);
    if (scene.context < 20) fail('the scenario shows no "What you know" context (#scenario-context)');
    if (scene.options < 2) fail(`the scenario picker (#scenario-select) lists ${scene.options} scenarios`);

    step = 'practice: typing';
    await page.click('#practice-reply');
    await page.keyboard.type(PRACTICE_REPLY, { delay: 2 });
    if ((await page.inputValue('#practice-reply')) !== PRACTICE_REPLY) fail('#practice-reply does not hold the typed reply');

    step = 'practice: submit';
    const attemptAnswer = page.waitForResponse(
      (r) => r.url().endsWith('/v1/coach/attempts') && r.request().method() === 'POST',
      { timeout: 10_000 },
    );
    await page.click('#practice-submit');
    const attemptRes = await attemptAnswer;
    if (!attemptRes.ok()) fail(`POST /v1/coach/attempts answered ${attemptRes.status()}: ${short(await attemptRes.text(), 300)}`);
    await page.waitForSelector('#practice-result:not([hidden]) #practice-score[data-percent]', { state: 'visible', timeout: 10_000 });
    const practiceFacts = await page.evaluate(() => ({
      percent: document.querySelector('#practice-score').dataset.percent,
      criteria: [...document.querySelectorAll('#practice-criteria li.criterion')].map((li) => ({ name: li.dataset.name, met: li.dataset.met })),
      marks: [...document.querySelectorAll('#practice-highlighted mark.cue')].map((m) => m.dataset.cue),
      readBack: (document.querySelector('#practice-highlighted').textContent || ''),
      modelReply: (document.querySelector('#model-reply').textContent || '').trim(),
      modelVisible: document.querySelector('#model-reply').getBoundingClientRect().height > 0,
      pitfalls: document.querySelectorAll('#pitfalls li.pitfall').length,
      next: !!document.querySelector('#practice-next') && document.querySelector('#practice-next').getBoundingClientRect().height > 0,
    }));
    facts.practice = {
      percent: Number(practiceFacts.percent),
      criteria: practiceFacts.criteria.map((c) => `${c.name}:${c.met}`),
      marks: practiceFacts.marks,
      pitfalls: practiceFacts.pitfalls,
    };
    if (!/^\d+$/.test(practiceFacts.percent || '') || Number(practiceFacts.percent) > 100)
      fail(`#practice-score[data-percent] is ${JSON.stringify(practiceFacts.percent)}, not 0–100`);
    const n = practiceFacts.criteria.length;
    if (n < 2 || n > 4) fail(`#practice-criteria lists ${n} li.criterion, expected 2–4`);
    for (const c of practiceFacts.criteria) {
      if (!CRITERIA.has(c.name)) fail(`li.criterion[data-name=${c.name}] is not one of ${[...CRITERIA].join(', ')}`);
      if (c.met !== 'true' && c.met !== 'false') fail(`li.criterion[data-name=${c.name}] has data-met=${c.met}`);
    }
    if (!practiceFacts.criteria.some((c) => c.name === 'act')) fail('the criteria have no "act"');
    if (!practiceFacts.criteria.some((c) => c.name === 'avoid_pitfalls')) fail('the criteria have no "avoid_pitfalls"');
    if (practiceFacts.readBack !== PRACTICE_REPLY) fail('#practice-highlighted does not read back the reply as typed');
    if (!practiceFacts.modelReply) fail('#model-reply is empty after the check');
    else if (!practiceFacts.modelVisible) fail('#model-reply is not visible after the check');
    if (!practiceFacts.next) fail('no visible "Next scenario" button (#practice-next)');
    screenshots.practice = shot('trainer-practice.png');
    await page.waitForTimeout(250);
    await page.screenshot({ path: screenshots.practice, fullPage: true });
    if (!(await waitProgress(before.attempts + 1, before.quizAnswers)))
      fail(`#progress did not count the attempt: ${JSON.stringify(await progress())}, before ${JSON.stringify(facts.progressBefore)}`);

    // ---- 3. quiz ----
    step = 'quiz: start';
    await page.click('#tab-quiz');
    if (!(await page.locator('#panel-quiz').isVisible())) fail('clicking #tab-quiz did not show the quiz (#panel-quiz)');
    if ((await page.getAttribute('#tab-quiz', 'aria-selected')) !== 'true') fail('#tab-quiz is not aria-selected after the click');
    await page.click('#quiz-start');
    await page.waitForSelector('#quiz-item:not([hidden])', { timeout: 10_000 });
    const quizFacts = await page.evaluate(() => ({
      count: (document.querySelector('#quiz-count').textContent || '').trim(),
      customer: (document.querySelector('#quiz-customer').textContent || '').trim().length,
      reply: (document.querySelector('#quiz-reply').textContent || '').trim().length,
      answers: [...document.querySelectorAll('button.quiz-answer')].map((b) => b.dataset.answer),
    }));
    if (!quizFacts.customer || !quizFacts.reply) fail('the quiz item shows no customer message or no reply (#quiz-customer, #quiz-reply)');
    for (const s of STANCES) if (!quizFacts.answers.includes(s)) fail(`no button.quiz-answer[data-answer=${s}]`);
    step = 'quiz: answer';
    await page.click('button.quiz-answer[data-answer="empathetic"]');
    await page.waitForSelector('#quiz-feedback:not([hidden])', { timeout: 10_000 });
    const fb = await page.evaluate(() => {
      const f = document.querySelector('#quiz-feedback');
      return {
        correct: f.dataset.correct,
        truth: f.dataset.truth,
        text: (f.textContent || '').trim(),
        next: !document.querySelector('#quiz-next').hidden,
      };
    });
    facts.quiz = { question: quizFacts.count, answer: 'empathetic', correct: fb.correct, truth: fb.truth };
    if (fb.correct !== 'true' && fb.correct !== 'false') fail(`#quiz-feedback has data-correct=${fb.correct}`);
    if (!STANCES.includes(fb.truth)) fail(`#quiz-feedback has data-truth=${fb.truth}`);
    if ((fb.correct === 'true') !== (fb.truth === 'empathetic')) fail(`#quiz-feedback says correct=${fb.correct} for "empathetic" but truth=${fb.truth}`);
    if (!fb.next) fail('no "Next question" button (#quiz-next) after answering');
    screenshots.quiz = shot('trainer-quiz.png');
    await page.waitForTimeout(250);
    await page.screenshot({ path: screenshots.quiz, fullPage: true });

    // ---- 4. progress after, narrow screen ----
    step = 'progress: after';
    if (!(await waitProgress(before.attempts + 1, before.quizAnswers + 1)))
      fail(`#progress did not count the quiz answer: ${JSON.stringify(await progress())}, before ${JSON.stringify(facts.progressBefore)}`);
    const after = await progress();
    facts.progressAfter = { attempts: after.attempts, quizAnswers: after.quizAnswers, shown: { attempts: after.attemptsShown, quiz: after.quizShown } };
    if (after.attemptsShown !== String(before.attempts + 1)) fail(`#progress-attempts reads ${JSON.stringify(after.attemptsShown)}, expected ${before.attempts + 1}`);
    if (!new RegExp(`of ${before.quizAnswers + 1}\\b`).test(after.quizShown))
      fail(`#progress-quiz reads ${JSON.stringify(after.quizShown)}, expected "… of ${before.quizAnswers + 1} …"`);

    step = 'trainer: narrow';
    await page.click('#tab-practice');
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(300);
    const narrow = await page.evaluate(() => {
      const main = document.querySelector('.trainer-main').getBoundingClientRect();
      const prog = document.querySelector('#progress').getBoundingClientRect();
      return { scrollWidth: document.scrollingElement.scrollWidth, stacked: prog.top >= main.bottom - 1 };
    });
    facts.narrow = narrow;
    if (narrow.scrollWidth > 376) fail(`at 375 px wide /trainer scrolls sideways (scrollWidth ${narrow.scrollWidth})`);
    if (!narrow.stacked) fail('at 375 px wide the progress panel is not below the practice (not a single column)');
    screenshots.narrow = shot('trainer-narrow.png');
    await page.screenshot({ path: screenshots.narrow, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // ---- 5. the rewrite button on the live check ----
    step = 'live: load';
    const r2 = await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
    if (!r2 || !r2.ok()) throw new Error(`GET ${baseUrl}/ gave status ${r2 ? r2.status() : 'none'}`);
    await page.waitForSelector('#app:not([hidden])', { timeout: 10_000 });
    const liveNav = await page.evaluate(() => [...document.querySelectorAll('nav.mainnav a')].map((a) => [a.textContent.trim(), a.getAttribute('href')]));
    if (!liveNav.some(([t, h]) => t === 'Trainer' && h === '/trainer')) fail('the live page has no nav link "Trainer" → /trainer');
    if (!(await page.locator('#rewrite').isDisabled())) fail('#rewrite is enabled with an empty reply');

    step = 'live: typing';
    await page.fill('#customer', EXAMPLE_CUSTOMER);
    await page.click('#reply');
    await page.keyboard.type(EXAMPLE_REPLY, { delay: 2 });
    await page
      .waitForFunction(
        (text) => {
          const v = document.querySelector('#verdict');
          return v.dataset.fresh === 'true' && document.querySelector('#reply').value === text && v.dataset.stance === 'sympathetic';
        },
        EXAMPLE_REPLY,
        { timeout: 10_000 },
      )
      .catch(async () => fail(`the typed example did not get a fresh sympathetic verdict (stance ${await page.getAttribute('#verdict', 'data-stance')})`));
    await page
      .waitForSelector('#rewrite:not([disabled])', { timeout: 3_000 })
      .catch(() => fail('#rewrite stayed disabled with a sympathetic verdict'));

    step = 'live: rewrite';
    const rewriteAnswer = page.waitForResponse((r) => r.url().endsWith('/v1/rewrite') && r.request().method() === 'POST', { timeout: 10_000 });
    await page.click('#rewrite');
    const rr = await rewriteAnswer;
    let proposal = null;
    if (!rr.ok()) fail(`POST /v1/rewrite answered ${rr.status()}`);
    else proposal = await rr.json();
    await page.waitForSelector('#rewrite-panel:not([hidden])', { state: 'visible', timeout: 10_000 });
    const panel = await page.evaluate(() => ({
      text: document.querySelector('#rewrite-text').textContent,
      removed: [...document.querySelectorAll('#rewrite-removed li')].map((li) => li.dataset.cue),
      added: document.querySelectorAll('#rewrite-added li').length,
      lostShown: !document.querySelector('#rewrite-lost-box').hidden,
      reply: document.querySelector('#reply').value,
    }));
    facts.rewrite = { proposal: proposal && proposal.text, removed: panel.removed, added: panel.added, stanceAfter: proposal && proposal.stance_after };
    if (panel.reply !== EXAMPLE_REPLY) fail('showing the rewrite proposal changed the reply before "Use this" was clicked');
    if (proposal && panel.text !== proposal.text) fail('#rewrite-text does not show the proposal');
    if (!panel.removed.length) fail('#rewrite-removed lists nothing taken out of the sympathetic reply');
    if (proposal && (proposal.lost || []).length > 0 !== panel.lostShown) fail('the "lost" list is shown/hidden against the proposal');
    screenshots.proposal = shot('live-rewrite-proposal.png');
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshots.proposal, fullPage: true });

    step = 'live: accept';
    await page.click('#rewrite-accept');
    await page
      .waitForFunction(
        (text) => {
          const v = document.querySelector('#verdict');
          return v.dataset.fresh === 'true' && document.querySelector('#reply').value === text && v.dataset.stance === 'empathetic';
        },
        proposal ? proposal.text : '',
        { timeout: 10_000 },
      )
      .catch(async () => {
        const got = await page.evaluate(() => ({ stance: document.querySelector('#verdict').dataset.stance, reply: document.querySelector('#reply').value }));
        fail(`after "Use this" the verdict is ${got.stance} for ${JSON.stringify(short(got.reply, 200))}, expected #verdict[data-stance=empathetic] on the proposal`);
      });
    if (!(await page.locator('#rewrite-panel').isHidden())) fail('#rewrite-panel stayed open after "Use this"');
    facts.stanceAfterAccept = await page.getAttribute('#verdict', 'data-stance');
    screenshots.rewrite = shot('live-rewrite.png');
    await page.waitForTimeout(300); // let the meters' transitions end
    await page.screenshot({ path: screenshots.rewrite, fullPage: true });
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
