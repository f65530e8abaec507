#!/usr/bin/env node
// Real-browser check that HTML and script in replies, customer messages, agent, team and file
// names are shown as text and never run: in an audit's report.html (opened from disk, where no
// Content-Security-Policy header protects it), on the live check (/), on the trainer (/trainer)
// and on the audits page (/audits, with the report in its frame).
//
// Usage: node tests/browser/check-xss.mjs BASE_URL TOKEN REPORT_HTML ARTIFACT_DIR
//   BASE_URL     a running `evenkeel serve` whose token TOKEN is a lead's or an admin's, and
//                which holds at least one finished audit of an export carrying the payloads
//   REPORT_HTML  an audit's report.html written from such an export
//
// Every payload, if it ran, would push to window.__xss or open a dialog. The check fails on any
// entry there, any dialog, any Content-Security-Policy violation (markup that got into the page
// and was only stopped by the policy), any element a payload would create (script, img with an
// error handler, svg/details with handlers, iframe srcdoc, javascript: link), and when the
// payloads' text is not visible as text where the page shows it.
//
// Exit 0 and one line of JSON on stdout ({"payloads": N, "tried": N, ...}) when every check
// passes; exit 1 with one "check-xss: FAIL: ..." line per failure on stderr. Bounded to 90 s.
// Environment: CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const PREFIX = 'check-xss:';
const TOTAL_BUDGET_MS = 90_000;

// The payloads, also written into the export by crates/evenkeel-cli/tests/security.rs (keep
// the two lists the same).
export const PAYLOADS = [
  `<script>window.__xss.push('script')</script>`,
  `<img src=x onerror="window.__xss.push('img')">`,
  `<a href="javascript:window.__xss.push('href')">click me</a>`,
  `"><svg onload="window.__xss.push('svg')">`,
  `</textarea><script>alert('textarea')</script>`,
  `<iframe srcdoc="<script>parent.__xss.push('srcdoc')</script>"></iframe>`,
  `'><details open ontoggle="window.__xss.push('details')">`,
  `javascript:alert('link')`,
];

// What a payload creates if it is parsed as markup anywhere in the page.
const INJECTED = [
  'script:not([src])',
  'script[src]:not([src^="/assets/"])',
  'img[onerror]',
  'img[src="x"]',
  'svg[onload]',
  'details[ontoggle]',
  // (the audits page's own report frame holds the report as srcdoc: sandboxed, checked apart)
  'iframe[srcdoc*="__xss"]:not(#report)',
  'a[href^="javascript:"]',
];

const watchdog = setTimeout(() => {
  console.error(`${PREFIX} FAIL: timed out after ${TOTAL_BUDGET_MS / 1000} s`);
  process.exit(1);
}, TOTAL_BUDGET_MS - 1_000);
watchdog.unref();

async function main() {
  const [baseUrl, token, reportPath, artifactDir] = process.argv.slice(2);
  if (!baseUrl || !token || !reportPath || !artifactDir) {
    console.error('usage: node tests/browser/check-xss.mjs BASE_URL TOKEN REPORT_HTML ARTIFACT_DIR');
    return 2;
  }
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`${PREFIX} FAIL: chromium not found at ${executablePath}`);
    return 1;
  }
  mkdirSync(artifactDir, { recursive: true });
  const failures = [];
  const fail = (m) => failures.push(m);
  const dialogs = [];
  const origin = new URL(baseUrl).origin;
  let tried = 0;

  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    // Nothing leaves loopback and the report's own file.
    await context.route(
      (url) => !(url.href.startsWith(origin) || url.protocol === 'file:' || url.protocol === 'data:' || url.protocol === 'about:' || url.protocol === 'blob:'),
      (route) => route.abort('blockedbyclient'),
    );
    await context.addInitScript((t) => {
      window.__xss = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__xss.push(`csp ${e.violatedDirective} ${e.sample || ''}`));
      try {
        if (location.protocol.startsWith('http')) localStorage.setItem('evenkeel.token', t);
      } catch {
        /* file: pages have no storage */
      }
    }, token);
    const page = await context.newPage();
    page.on('dialog', async (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      await d.dismiss().catch(() => {});
    });

    // Everything a page shows after the payloads went in: what ran, what was injected.
    const inspect = async (where) => {
      // Handlers of injected elements (onerror, onload) run a moment after insertion.
      await page.waitForTimeout(300);
      const frames = page.frames();
      for (const f of frames) {
        const r = await f
          .evaluate((selectors) => ({
            ran: Array.isArray(window.__xss) ? window.__xss.slice() : [],
            injected: selectors.flatMap((s) => Array.from(document.querySelectorAll(s)).map((e) => `${s} → ${e.outerHTML.slice(0, 120)}`)),
          }), INJECTED)
          .catch(() => ({ ran: [], injected: [] }));
        for (const x of r.ran) fail(`${where}: a payload ran or was blocked only by the CSP (${x}) in ${f.url() || 'a frame'}`);
        for (const x of r.injected) fail(`${where}: injected markup ${x}`);
      }
      for (const d of dialogs.splice(0)) fail(`${where}: a dialog opened (${d})`);
    };
    const textOf = (selector) => page.evaluate((s) => Array.from(document.querySelectorAll(s)).map((e) => e.textContent).join('\n'), selector);

    // 1. The report from disk.
    await page.goto(pathToFileURL(path.resolve(reportPath)).href, { waitUntil: 'load' });
    await inspect('report.html');
    const reportText = await textOf('body');
    const inReport = PAYLOADS.filter((p) => reportText.includes(p));
    if (inReport.length < 4) fail(`report.html: only ${inReport.length} payloads are shown as text (agent, team and conversation names carry them all)`);
    tried += PAYLOADS.length;
    await page.screenshot({ path: path.join(artifactDir, 'xss-report.png'), fullPage: false });

    // 2. The live check: each payload as the customer's message and inside a sympathetic reply.
    await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
    for (const [i, p] of PAYLOADS.entries()) {
      const seq = await page.evaluate(() => Number(document.querySelector('#verdict')?.dataset.seq || 0));
      await page.fill('#customer', `I'm furious ${p}`);
      await page.fill('#reply', `Hi ${p}, this is so irresponsible of my team ${p}. This is not acceptable. ${p}`);
      await page
        .waitForFunction((s) => {
          const v = document.querySelector('#verdict');
          return v && v.dataset.fresh === 'true' && Number(v.dataset.seq) > s;
        }, seq, { timeout: 10_000 })
        .catch(() => fail(`live check: no verdict for payload ${i}`));
      await inspect(`live check, payload ${i}`);
      tried += 2;
    }
    const liveText = await textOf('main');
    if (!PAYLOADS.some((p) => liveText.includes(p.slice(0, 12)))) fail('live check: the payloads are not shown as text next to the findings');
    await page.screenshot({ path: path.join(artifactDir, 'xss-live.png'), fullPage: false });

    // 3. The trainer: a practice reply carrying every payload, scored and read back.
    await page.goto(`${baseUrl}/trainer`, { waitUntil: 'load' });
    await page.waitForSelector('#scenario[data-state="ready"]');
    await page.fill('#practice-reply', `I can understand why this is upsetting. ${PAYLOADS.join(' ')} Could you tell me more?`);
    await page.click('#practice-submit');
    await page.waitForSelector('#practice-result:not([hidden]) #practice-score[data-percent]', { state: 'visible' });
    await inspect('trainer');
    const trainerText = await textOf('#practice-result');
    if (!trainerText.includes(PAYLOADS[1])) fail('trainer: the reply is not read back as text');
    tried += PAYLOADS.length;
    await page.screenshot({ path: path.join(artifactDir, 'xss-trainer.png'), fullPage: false });

    // 4. The audits page: file names in the list, the report in its frame.
    await page.goto(`${baseUrl}/audits`, { waitUntil: 'load' });
    await page.waitForSelector('#audit-list:not([hidden]) tbody tr');
    const names = await textOf('#audit-list td.file');
    if (!PAYLOADS.some((p) => names.includes(p))) fail(`audits: the payload file names are not shown as text (${names.slice(0, 200)})`);
    tried += await page.locator('#audit-list tbody tr').count();
    await page.locator('#audit-list tbody tr button.open').first().click();
    await page.waitForFunction(() => !!document.querySelector('#report')?.getAttribute('srcdoc'), null, { timeout: 20_000 });
    await inspect('audits page and its report frame');
    if ((await page.locator('#report').getAttribute('sandbox')) !== '') fail('audits: the report frame is not sandboxed without scripts');
    tried += PAYLOADS.length;
    await page.screenshot({ path: path.join(artifactDir, 'xss-audits.png'), fullPage: false });
  } catch (e) {
    fail(`the run stopped: ${e && e.message ? e.message.split('\n')[0] : e}`);
  } finally {
    await browser.close().catch(() => {});
  }
  if (failures.length) {
    for (const f of failures) console.error(`${PREFIX} FAIL: ${f}`);
    return 1;
  }
  console.log(JSON.stringify({ payloads: PAYLOADS.length, tried, pages: ['report.html', '/', '/trainer', '/audits'] }));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`${PREFIX} FAIL: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
