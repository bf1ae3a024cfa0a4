// The supervisors' statistics page in headless Chromium against a running node.
//
//   BASE_URL=http://127.0.0.1:8080 ARTIFACTS_DIR=target/browser-artifacts \
//     [EXPECT_ANSWERED=1] [STATS_DATE=2026-11-23] [STATS_QUERY='dimension=queue&key=acme-sales'] \
//     node statistics-flow.mjs
//
// Signs in as the demo supervisor (sara / demo-supervisor unless STATS_USER / STATS_PASSWORD say
// otherwise), opens statistics.html, waits for the figures, checks that tile-answered shows
// EXPECT_ANSWERED (when set), that the three charts were drawn (a Chart.js instance on each
// canvas, with a size) and that the read side lag line is filled, then saves statistics.png.
// Exits 0 when every step passed, 1 with "FAIL: <step>: <why>" otherwise; never runs longer
// than FLOW_TIMEOUT_MS (60 s). Never downloads a browser: it drives /usr/bin/chromium.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BASE_URL = (process.env.BASE_URL || process.argv[2] || '').replace(/\/+$/, '');
const ARTIFACTS_DIR = resolve(process.env.ARTIFACTS_DIR || 'browser-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = Number(process.env.FLOW_TIMEOUT_MS || 60_000);
const STEP_MS = 15_000;
const USERNAME = process.env.STATS_USER || 'sara';
const PASSWORD = process.env.STATS_PASSWORD || 'demo-supervisor';
const EXPECT_ANSWERED = (process.env.EXPECT_ANSWERED || '').trim();
const STATS_DATE = (process.env.STATS_DATE || '').trim();
const STATS_QUERY = (process.env.STATS_QUERY || '').trim().replace(/^\?/, '');
const CHARTS = ['chart-volume', 'chart-abandoned', 'chart-agents'];

if (!BASE_URL) {
  console.error('FAIL: BASE_URL is not set (e.g. BASE_URL=http://127.0.0.1:8080)');
  process.exit(1);
}
if (EXPECT_ANSWERED && !/^\d+$/.test(EXPECT_ANSWERED)) {
  console.error(`FAIL: EXPECT_ANSWERED must be a whole number, not "${EXPECT_ANSWERED}"`);
  process.exit(1);
}
if (STATS_DATE && !/^\d{4}-\d{2}-\d{2}$/.test(STATS_DATE)) {
  console.error(`FAIL: STATS_DATE must be YYYY-MM-DD, not "${STATS_DATE}"`);
  process.exit(1);
}
mkdirSync(ARTIFACTS_DIR, { recursive: true });

const started = Date.now();
const pageErrors = [];
let browser = null;
let page = null;
let userDataDir = null;
let currentStep = 'start';

function log(message) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

async function step(name, fn) {
  currentStep = name;
  log(`▶ ${name}`);
  return fn();
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- the whole run is bounded ----------------------------------------------------------------------

const watchdog = setTimeout(async () => {
  console.error(`FAIL: ${currentStep}: the flow did not finish within ${OVERALL_MS / 1000} s`);
  writeFileSync(join(ARTIFACTS_DIR, 'statistics-result.txt'), `FAIL: ${currentStep}: timeout\n`);
  await Promise.race([failureArtifacts(), new Promise((r) => setTimeout(r, 5000))]);
  await Promise.race([cleanup(), new Promise((r) => setTimeout(r, 3000))]);
  process.exit(1);
}, OVERALL_MS);

async function failureArtifacts() {
  try {
    if (page && !page.isClosed()) {
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'failure-statistics.png'), fullPage: true, timeout: 3000 });
      log(`saved failure-statistics.png (${page.url()})`);
    }
  } catch (e) {
    log(`no failure screenshot: ${e.message.split('\n')[0]}`);
  }
}

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  browser = null;
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}

// ---- helpers --------------------------------------------------------------------------------------

/** Waits for the element's text to satisfy the predicate; fails with what it saw. */
async function waitText(selector, predicate, what) {
  const deadline = Date.now() + STEP_MS;
  let last = '(absent)';
  while (Date.now() < deadline) {
    const handle = await page.$(selector);
    if (handle) {
      last = ((await handle.textContent()) || '').trim();
      if (predicate(last)) return last;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: ${selector} shows "${last}" after ${STEP_MS / 1000} s`);
}

async function noticeText() {
  return page.$eval('[data-testid="notice"]', (n) => (n.hidden ? '' : n.textContent.replace(/\s*Dismiss$/, '').trim()))
    .catch(() => '');
}

const tid = (id) => `[data-testid="${id}"]`;

// ---- the flow -----------------------------------------------------------------------------------------

async function run() {
  userDataDir = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    // A fresh, empty profile for this run (Playwright passes it as --user-data-dir).
    env: { ...process.env, HOME: userDataDir },
  });
  log(`Chromium ${browser.version()} against ${BASE_URL}`);

  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  page.on('console', (message) => {
    const line = message.text();
    // Expected noise: the session probe before signing in (401).
    if (/status of 401/.test(line)) return;
    if (['error', 'warning'].includes(message.type())) log(`  [console.${message.type()}] ${line}`);
  });
  page.on('pageerror', (error) => {
    pageErrors.push(error.message);
    log(`  [page error] ${error.message}`);
  });
  page.on('dialog', (dialog) => dialog.dismiss().catch(() => {}));

  await step(`${USERNAME} signs in on the login page`, async () => {
    await page.goto(`${BASE_URL}/index.html`);
    await page.fill('#username', USERNAME);
    await page.fill('#password', PASSWORD);
    await Promise.all([
      // The login page sends supervisors to the wallboard (or back to ?next= when it allows it).
      page.waitForURL((url) => !url.pathname.endsWith('/index.html') && url.pathname !== '/'),
      page.click('#sign-in'),
    ]);
    log(`  landed on ${new URL(page.url()).pathname}`);
  });

  await step('the statistics page opens with the session', async () => {
    const params = new URLSearchParams(STATS_QUERY);
    if (STATS_DATE) params.set('from', STATS_DATE);
    const query = params.toString();
    await page.goto(`${BASE_URL}/statistics.html${query ? `?${query}` : ''}`);
    check(new URL(page.url()).pathname.endsWith('/statistics.html'), `sent on to ${page.url()}`);
    const chartLoaded = await page.evaluate(() => typeof window.Chart === 'function');
    check(chartLoaded, 'window.Chart is missing: webjars/chart.js/4.4.7/dist/chart.umd.js did not load');
    for (const id of ['filters', 'filter-dimension', 'filter-key', 'filter-from', 'filter-granularity']) {
      check(await page.$(tid(id)), `no ${tid(id)} on the page`);
    }
  });

  await step('the figures load and the tiles are filled', async () => {
    try {
      await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: STEP_MS });
    } catch {
      throw new Error(`the page is still loading after ${STEP_MS / 1000} s; notice: ${await noticeText() || 'none'}`);
    }
    const state = await page.getAttribute('body', 'data-state');
    check(state === 'ready', `the page shows an error: ${await noticeText() || '(no notice)'}`);
    const answered = await waitText(tid('tile-answered'), (s) => /^\d+$/.test(s), 'answered tile');
    const tiles = {};
    for (const id of ['tile-service-level', 'tile-answered', 'tile-abandoned', 'tile-short-abandoned',
      'tile-asa', 'tile-aht', 'tile-max-wait', 'tile-abandon-rate']) {
      tiles[id.replace(/^tile-/, '')] = ((await page.textContent(tid(id))) || '').trim();
    }
    log(`  tiles ${JSON.stringify(tiles)}`);
    log(`  period "${((await page.textContent(tid('period'))) || '').trim()}"`);
    if (EXPECT_ANSWERED) {
      check(answered === EXPECT_ANSWERED, `tile-answered shows ${answered}, expected ${EXPECT_ANSWERED}`);
    }
    // "No data" is shown as "–", never as a number that is not there.
    for (const [name, value] of Object.entries(tiles)) {
      check(value.length > 0, `tile ${name} is empty`);
      check(!/NaN|undefined|null|Infinity/.test(value), `tile ${name} shows "${value}"`);
    }
  });

  await step('the three charts are drawn', async () => {
    for (const id of CHARTS) {
      const info = await page.$eval(tid(id), (canvas) => {
        const chart = window.Chart && window.Chart.getChart(canvas);
        const box = canvas.getBoundingClientRect();
        return {
          chart: Boolean(chart),
          type: chart ? chart.config.type : null,
          datasets: chart ? chart.data.datasets.length : 0,
          labels: chart ? chart.data.labels.length : 0,
          width: Math.round(box.width),
          height: Math.round(box.height),
          pixels: [canvas.width, canvas.height],
          label: canvas.getAttribute('aria-label') || '',
        };
      }).catch((e) => { throw new Error(`${tid(id)} is missing: ${e.message.split('\n')[0]}`); });
      check(info.chart, `${tid(id)} has no Chart.js instance`);
      check(info.width > 0 && info.height > 0 && info.pixels[0] > 0 && info.pixels[1] > 0,
        `${tid(id)} has no size (${info.width}×${info.height})`);
      check(info.label.length > 0, `${tid(id)} has no aria-label`);
      log(`  ${id}: ${info.type}, ${info.datasets} datasets × ${info.labels} labels, ${info.width}×${info.height} px`);
    }
  });

  await step('the rows table, the CSV links and the lag line are there', async () => {
    const table = await page.$eval(tid('rows-table'), (t) => ({
      rows: t.tBodies[0] ? t.tBodies[0].rows.length : 0,
      headers: [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim()),
    }));
    const empty = await page.isVisible(tid('rows-empty'));
    check(table.rows > 0 || empty, 'the rows table has no rows and says nothing about it');
    log(`  rows table: ${table.rows} rows${empty ? ' (the page says there were no calls)' : ''}; headers ${table.headers.join(', ')}`);
    if (EXPECT_ANSWERED && Number(EXPECT_ANSWERED) > 0) check(table.rows > 0, 'answered calls but no rows in the table');
    const csv = await page.getAttribute(tid('csv-rows'), 'href');
    check(csv && csv.includes('statistics/intervals') && csv.includes('format=csv'), `the CSV link is "${csv}"`);
    const lag = await waitText(tid('lag'), (s) => /p50|unavailable/.test(s), 'read side lag');
    log(`  ${lag}`);
    check(!/unavailable/.test(lag), `the lag line says: ${lag}`);
  });

  await step('screenshot', async () => {
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'statistics.png'), fullPage: true });
  });

  check(pageErrors.length === 0, `uncaught errors in the page: ${pageErrors.join(' | ')}`);
}

try {
  await run();
  clearTimeout(watchdog);
  await cleanup();
  log(`PASS: statistics flow in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshot in ${ARTIFACTS_DIR}`);
  writeFileSync(join(ARTIFACTS_DIR, 'statistics-result.txt'), 'PASS\n');
  process.exit(0);
} catch (error) {
  clearTimeout(watchdog);
  const message = `FAIL: ${currentStep}: ${error && error.message ? error.message.split('\n')[0] : error}`;
  console.error(message);
  writeFileSync(join(ARTIFACTS_DIR, 'statistics-result.txt'), `${message}\n`);
  await Promise.race([failureArtifacts(), new Promise((r) => setTimeout(r, 8000))]);
  await Promise.race([cleanup(), new Promise((r) => setTimeout(r, 5000))]);
  process.exit(1);
}
