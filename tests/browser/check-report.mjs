#!/usr/bin/env node
// Real-browser check of an evenkeel report.html.
//
// Usage: node tests/browser/check-report.mjs REPORT_HTML SCREENSHOT_PNG
//
// Opens the report from a file:// URL in Debian's chromium (driven by playwright-core; no
// Playwright browser download) and checks the report's markup contract:
//   - the page requests nothing but file:, data: (and in-page blob:/about:) URLs: it is
//     self-contained and works offline; any other request is aborted and reported;
//   - no console errors and no uncaught page errors;
//   - svg.chart[data-chart=weekly-stances|agent-stances|wellbeing] each exist, have a non-zero
//     rendered box and draw at least one rect, path, polyline or circle;
//   - table#agent-scorecards has at least one body row;
//   - section#worst-examples and section#best-examples each hold at least one article.example;
//     the worst examples hold at least one visible mark.cue[data-cue] with a non-empty title
//     and at least one .suggestion with text.
// It always tries to save a full-page screenshot to SCREENSHOT_PNG (parent dirs created).
//
// Exit 0 and one line of JSON on stdout when every check passes; exit 1 with one
// "check-report: FAIL: ..." line per failed check on stderr otherwise; exit 2 on bad usage.
// The whole run is bounded to 60 s. Environment: CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TOTAL_BUDGET_MS = 60_000;
const started = Date.now();
const PREFIX = 'check-report:';

const CHARTS = ['weekly-stances', 'agent-stances', 'wellbeing'];
// URL schemes that never touch the network.
const LOCAL_SCHEMES = new Set(['file:', 'data:', 'blob:', 'about:']);

function usage(msg) {
  if (msg) console.error(`${PREFIX} ${msg}`);
  console.error('usage: node tests/browser/check-report.mjs REPORT_HTML SCREENSHOT_PNG');
  process.exit(2);
}

// Hard stop: whatever hangs, the process ends (and Playwright's exit hook kills chromium)
// before the 60 s budget runs out.
const watchdog = setTimeout(() => {
  console.error(`${PREFIX} FAIL: timed out after ${TOTAL_BUDGET_MS / 1000} s (browser did not finish)`);
  process.exit(1);
}, TOTAL_BUDGET_MS - 1_000);
watchdog.unref();

function remainingMs(reserveMs = 0) {
  return Math.max(1_000, TOTAL_BUDGET_MS - 2_000 - reserveMs - (Date.now() - started));
}

function schemeOf(url) {
  try {
    return new URL(url).protocol;
  } catch {
    return url.split(':', 1)[0] + ':';
  }
}

function short(s, n = 160) {
  s = String(s).replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) usage();
  if (args.length !== 2) usage('expected exactly two arguments');
  const reportPath = path.resolve(args[0]);
  const screenshotPath = path.resolve(args[1]);
  if (!existsSync(reportPath) || !statSync(reportPath).isFile()) usage(`report not found: ${reportPath}`);

  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`${PREFIX} FAIL: chromium not found at ${executablePath} (run scripts/ensure-browser.sh or set CHROMIUM)`);
    return 1;
  }

  const failures = [];
  const fail = (msg) => failures.push(msg);
  const externalRequests = [];
  const consoleErrors = [];
  const pageErrors = [];
  let requestCount = 0;
  let browser;
  let facts;
  let screenshotOk = false;
  let browserVersion = null;

  try {
    // launch() gives chromium a fresh temporary profile (--user-data-dir) and removes it on close.
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
      timeout: remainingMs(30_000),
    });
    browserVersion = browser.version();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);

    // Every request of every page/worker in the context: record, and abort anything that would
    // leave the machine (so the check is the same offline and never waits on the network).
    context.on('request', (req) => {
      requestCount += 1;
      if (!LOCAL_SCHEMES.has(schemeOf(req.url()))) externalRequests.push(`${req.resourceType()} ${req.url()}`);
    });
    await context.route(
      (url) => !LOCAL_SCHEMES.has(url.protocol),
      (route) => route.abort('blockedbyclient'),
    );

    const page = await context.newPage();
    page.on('websocket', (ws) => externalRequests.push(`websocket ${ws.url()}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const loc = msg.location();
        // A load failure of a request we blocked is already reported as a network request.
        if (loc && loc.url && !LOCAL_SCHEMES.has(schemeOf(loc.url)) && /^Failed to load resource/.test(msg.text())) return;
        const where = loc && loc.url ? ` (at ${loc.url}${loc.lineNumber ? ':' + loc.lineNumber : ''})` : '';
        consoleErrors.push(short(msg.text()) + where);
      }
    });
    page.on('pageerror', (err) => pageErrors.push(short(err && err.message ? err.message : err)));

    const url = pathToFileURL(reportPath).href;
    const resp = await page.goto(url, { waitUntil: 'load', timeout: remainingMs(20_000) });
    if (resp && !resp.ok()) fail(`loading ${url} gave status ${resp.status()}`);
    // Let late scripts (timers, rAF-driven rendering) run and make their requests/errors.
    await page.waitForTimeout(500);

    facts = await page.evaluate((chartNames) => {
      const rectOf = (el) => {
        const r = el.getBoundingClientRect();
        return { width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10 };
      };
      const visible = (el) => {
        const r = el.getBoundingClientRect();
        if (!(r.width > 0 && r.height > 0)) return false;
        if (typeof el.checkVisibility === 'function') {
          return el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
        }
        const cs = getComputedStyle(el);
        return cs.visibility === 'visible' && cs.display !== 'none' && cs.opacity !== '0';
      };
      const charts = {};
      for (const name of chartNames) {
        const all = document.querySelectorAll(`svg.chart[data-chart="${name}"]`);
        const el = all[0];
        charts[name] = el
          ? { count: all.length, ...rectOf(el), shapes: el.querySelectorAll('rect, path, polyline, circle').length }
          : null;
      }
      const table = document.querySelector('table#agent-scorecards');
      const section = (id) => {
        const s = document.querySelector(`section#${id}`);
        if (!s) return null;
        const cues = [...s.querySelectorAll('mark.cue[data-cue]')];
        const suggestions = [...s.querySelectorAll('.suggestion')];
        return {
          examples: s.querySelectorAll('article.example').length,
          cues: cues.length,
          visibleCues: cues.filter(visible).length,
          explainedCues: cues.filter((m) => visible(m) && (m.getAttribute('title') || '').trim() !== '').length,
          cueKinds: [...new Set(cues.map((m) => m.getAttribute('data-cue')))].slice(0, 20),
          suggestions: suggestions.length,
          suggestionsWithText: suggestions.filter((e) => (e.textContent || '').trim() !== '').length,
        };
      };
      return {
        title: document.title,
        charts,
        scorecardRows: table ? table.querySelectorAll('tbody tr').length : null,
        worst: section('worst-examples'),
        best: section('best-examples'),
        page: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
      };
    }, CHARTS);

    try {
      mkdirSync(path.dirname(screenshotPath), { recursive: true });
      await page.screenshot({ path: screenshotPath, fullPage: true, timeout: remainingMs(3_000) });
      screenshotOk = true;
    } catch (e) {
      fail(`could not save screenshot to ${screenshotPath}: ${short(e.message)}`);
    }
  } catch (e) {
    fail(`browser run failed: ${short(e && e.message ? e.message : e, 400)}`);
  } finally {
    if (browser) {
      await Promise.race([
        browser.close().catch(() => {}),
        new Promise((r) => setTimeout(r, 5_000).unref()),
      ]);
    }
  }

  // ---- assertions ----
  for (const r of externalRequests) fail(`network request outside file:/data: (report must be self-contained): ${r}`);
  for (const m of consoleErrors) fail(`console error: ${m}`);
  for (const m of pageErrors) fail(`page error: ${m}`);

  if (facts) {
    for (const name of CHARTS) {
      const c = facts.charts[name];
      const sel = `svg.chart[data-chart="${name}"]`;
      if (!c) {
        fail(`missing chart ${sel}`);
        continue;
      }
      if (!(c.width > 0 && c.height > 0)) fail(`chart ${sel} has an empty rendered box (${c.width}x${c.height})`);
      if (c.shapes < 1) fail(`chart ${sel} draws nothing (no rect, path, polyline or circle)`);
    }
    if (facts.scorecardRows === null) fail('missing table#agent-scorecards');
    else if (facts.scorecardRows < 1) fail('table#agent-scorecards has no body rows');

    for (const [id, s] of [['worst-examples', facts.worst], ['best-examples', facts.best]]) {
      if (!s) fail(`missing section#${id}`);
      else if (s.examples < 1) fail(`section#${id} has no article.example`);
    }
    const w = facts.worst;
    if (w) {
      if (w.cues < 1) fail('section#worst-examples has no mark.cue[data-cue]');
      else if (w.visibleCues < 1) fail(`section#worst-examples: none of its ${w.cues} mark.cue[data-cue] is visible`);
      else if (w.explainedCues < 1) fail('section#worst-examples: no visible mark.cue[data-cue] has a non-empty title (explanation)');
      if (w.suggestions < 1) fail('section#worst-examples has no .suggestion element');
      else if (w.suggestionsWithText < 1) fail('section#worst-examples: every .suggestion element is empty');
    }
  }

  const elapsedMs = Date.now() - started;
  if (failures.length) {
    for (const f of failures) console.error(`${PREFIX} FAIL: ${f}`);
    console.error(
      `${PREFIX} ${failures.length} check(s) failed for ${reportPath}` +
        (screenshotOk ? `; screenshot: ${screenshotPath}` : '') +
        ` (${elapsedMs} ms)`,
    );
    return 1;
  }

  console.log(
    JSON.stringify({
      ok: true,
      report: reportPath,
      screenshot: screenshotPath,
      browser: browserVersion,
      elapsedMs,
      requests: requestCount,
      externalRequests: 0,
      consoleErrors: 0,
      pageErrors: 0,
      title: facts.title,
      page: facts.page,
      charts: facts.charts,
      scorecardRows: facts.scorecardRows,
      worstExamples: facts.worst.examples,
      bestExamples: facts.best.examples,
      worstCues: facts.worst.cues,
      worstCuesVisibleWithTitle: facts.worst.explainedCues,
      cueKinds: facts.worst.cueKinds,
      worstSuggestions: facts.worst.suggestionsWithText,
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
