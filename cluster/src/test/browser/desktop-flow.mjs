// End-to-end flow of the web pages in headless Chromium against a running node.
//
//   BASE_URL=http://127.0.0.1:8080 ARTIFACTS_DIR=target/browser-artifacts node desktop-flow.mjs
//
// Uses the demo centre (acme-sales: anna and cecilia at level 1, fixed 15 s wrap-up) and the
// demo users anna/demo-agent, cecilia/demo-agent, sara/demo-supervisor, admin/demo-admin.
// Exits 0 when every step passed, 1 with "FAIL: <step>: <why>" otherwise; never runs longer
// than FLOW_TIMEOUT_MS (90 s). Never downloads a browser: it drives /usr/bin/chromium.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const ARTIFACTS_DIR = resolve(process.env.ARTIFACTS_DIR || 'browser-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = Number(process.env.FLOW_TIMEOUT_MS || 90_000);
const STEP_MS = 15_000;

const SALES_NUMBER = '+4685550100';
const PASSWORDS = { anna: 'demo-agent', cecilia: 'demo-agent', sara: 'demo-supervisor', admin: 'demo-admin' };

if (!BASE_URL) {
  console.error('FAIL: BASE_URL is not set (e.g. BASE_URL=http://127.0.0.1:8080)');
  process.exit(1);
}
mkdirSync(ARTIFACTS_DIR, { recursive: true });

const started = Date.now();
const pages = new Map(); // name → page, for failure screenshots
const pageErrors = [];
let browser = null;
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
  await Promise.race([failureArtifacts(), new Promise((r) => setTimeout(r, 5000))]);
  await Promise.race([cleanup(), new Promise((r) => setTimeout(r, 3000))]);
  process.exit(1);
}, OVERALL_MS);

async function failureArtifacts() {
  for (const [name, page] of pages) {
    try {
      if (!page.isClosed()) {
        await page.screenshot({ path: join(ARTIFACTS_DIR, `failure-${name}.png`), fullPage: true, timeout: 3000 });
        log(`saved failure-${name}.png (${page.url()})`);
      }
    } catch (e) {
      log(`no failure screenshot of ${name}: ${e.message.split('\n')[0]}`);
    }
  }
}

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  browser = null;
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}

// ---- REST from node (the admin's simulated caller) -------------------------------------------------

async function rest(method, path, { token, body, expect } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${BASE_URL}/api/v1${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (expect !== undefined && response.status !== expect) {
    throw new Error(`${method} /api/v1${path} answered ${response.status}, expected ${expect}: ${text.slice(0, 300)}`);
  }
  return { status: response.status, data };
}

async function apiToken(username) {
  const r = await rest('POST', '/session', { body: { username, password: PASSWORDS[username] }, expect: 200 });
  check(r.data && r.data.token, `POST /api/v1/session for ${username} gave no token: ${JSON.stringify(r.data)}`);
  return r.data.token;
}

// ---- browser helpers ------------------------------------------------------------------------------

async function openPage(name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  page.on('console', (message) => {
    const line = message.text();
    // Expected noise: the session probe before signing in (401), sockets cut by navigation.
    if (/status of 401|closed before the connection is established/.test(line)) return;
    if (['error', 'warning'].includes(message.type())) log(`  [${name} console.${message.type()}] ${line}`);
  });
  page.on('pageerror', (error) => {
    pageErrors.push(`${name}: ${error.message}`);
    log(`  [${name} page error] ${error.message}`);
  });
  page.on('dialog', (dialog) => dialog.dismiss().catch(() => {}));
  pages.set(name, page);
  return page;
}

async function signIn(name, expectedPage) {
  const page = pages.get(name) || await openPage(name);
  await page.goto(`${BASE_URL}/index.html`);
  await page.fill('#username', name);
  await page.fill('#password', PASSWORDS[name]);
  await Promise.all([
    page.waitForURL((url) => url.pathname.endsWith(`/${expectedPage}`)),
    page.click('#sign-in'),
  ]);
  return page;
}

async function text(page, selector) {
  return ((await page.textContent(selector, { timeout: STEP_MS })) || '').trim();
}

/** Waits for the element's text to satisfy the predicate; fails with what it saw. */
async function waitText(page, selector, predicate, what) {
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

async function waitStatus(page, status, who) {
  try {
    await page.waitForSelector(`#status[data-status="${status}"]`, { timeout: STEP_MS });
  } catch {
    const now = await page.getAttribute('#status', 'data-status').catch(() => '?');
    const notice = await page.$eval('#notice', (n) => (n.hidden ? '' : n.textContent.trim())).catch(() => '');
    throw new Error(`${who} did not reach ${status} (status is ${now || 'empty'})${notice ? `; notice: ${notice}` : ''}`);
  }
}

async function visible(page, selector, what) {
  try {
    await page.waitForSelector(selector, { state: 'visible', timeout: STEP_MS });
  } catch {
    throw new Error(`${what}: ${selector} did not become visible within ${STEP_MS / 1000} s`);
  }
}

async function hidden(page, selector, what) {
  try {
    await page.waitForSelector(selector, { state: 'hidden', timeout: STEP_MS });
  } catch {
    throw new Error(`${what}: ${selector} is still visible after ${STEP_MS / 1000} s`);
  }
}

const number = (s) => Number.parseInt(s, 10);

async function queueField(wallboard, queue, field) {
  return text(wallboard, `[data-queue="${queue}"] [data-field="${field}"]`);
}

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
      // The agent desktop rings with WebAudio; let it play without a click first.
      '--autoplay-policy=no-user-gesture-required',
    ],
    // A fresh, empty profile for this run (Playwright passes it as --user-data-dir).
    env: { ...process.env, HOME: userDataDir },
  });
  log(`Chromium ${browser.version()} against ${BASE_URL}`);

  const admin = await step('admin signs in through the API', () => apiToken('admin'));

  await step('a wrong password is refused on the login page', async () => {
    const page = await openPage('login');
    await page.goto(`${BASE_URL}/index.html`);
    await page.fill('#username', 'anna');
    await page.fill('#password', 'not-the-password');
    await page.click('#sign-in');
    await visible(page, '#login-error', 'login error');
    const message = await text(page, '#login-error');
    check(/invalid username or password/i.test(message), `login error says "${message}"`);
    check(page.url().endsWith('/index.html'), `stayed on the login page, not ${page.url()}`);
    await page.context().close();
    pages.delete('login');
  });

  // ---- scenario 1: anna takes a call end to end, the wallboard counts it ----
  const anna = await step('anna signs in and lands on the agent desktop', () => signIn('anna', 'agent.html'));
  await step('a signed-in agent opening the login page goes straight to the desktop', async () => {
    await anna.goto(`${BASE_URL}/index.html`);
    await anna.waitForURL((url) => url.pathname.endsWith('/agent.html'));
  });
  await step('anna logs in to her answer groups', async () => {
    await anna.waitForSelector('#status:not([data-status=""])');
    const before = await anna.getAttribute('#status', 'data-status');
    check(before === 'LOGGED_OUT', `anna starts ${before}, expected LOGGED_OUT (fresh database)`);
    await waitText(anna, '#agent-name', (s) => /anna/i.test(s), 'agent name');
    await anna.click('#login');
    await waitStatus(anna, 'READY', 'anna');
    const reasons = await anna.$$eval('#pause-reason option', (os) => os.map((o) => o.value));
    check(reasons.length > 0, 'the pause reason select is empty (welcome.pauseReasons)');
    log(`  pause reasons: ${reasons.join(', ')}`);
  });
  const handledBefore = number(await text(anna, '#handled-today'));

  const sara = await step('sara signs in and lands on the wallboard', () => signIn('sara', 'wallboard.html'));
  let answeredBefore;
  await step('the wallboard shows acme-sales with anna available', async () => {
    answeredBefore = number(await waitText(sara, '[data-queue="acme-sales"] [data-field="answered"]',
      (s) => /^\d+$/.test(s), 'answered today'));
    await waitText(sara, '[data-queue="acme-sales"] [data-field="available"]', (s) => s === '1', 'acme-sales available');
    await sara.waitForSelector('[data-agent="anna"][data-status="READY"]');
    await waitText(sara, '[data-queue="acme-sales"] [data-field="name"]', (s) => s.length > 0, 'queue name');
  });

  const callerOne = '+46701110001';
  await step('admin places a test call to Acme sales on the test caller page', async () => {
    const page = await signIn('admin', 'wallboard.html');
    await page.goto(`${BASE_URL}/testcall.html`);
    await page.waitForSelector(`#dialled-number option[value="${SALES_NUMBER}"]`, { state: 'attached' });
    await page.selectOption('#dialled-number', SALES_NUMBER);
    await page.fill('#caller-number', callerOne);
    await page.click('#place-call');
    await page.waitForSelector('#calls tr[data-call]');
    const noticeShown = await page.$eval('#notice', (n) => !n.hidden);
    check(!noticeShown, `the test caller shows: ${await text(page, '#notice')}`);
  });

  await step('anna sees the offer: panel, caller, company, title, countdown', async () => {
    await visible(anna, '#offer', 'anna\'s offer panel');
    await waitText(anna, '#offer-caller', (s) => s.includes(callerOne), 'offer caller');
    await waitText(anna, '#offer-company', (s) => s.includes('Acme AB'), 'offer company');
    await waitStatus(anna, 'RESERVED', 'anna');
    const title = await anna.title();
    check(title.includes('☎'), `the title does not flash the call: "${title}"`);
    check(await anna.$eval('body', (b) => b.dataset.ringing === 'true'), 'the ring tone did not start');
    log(`  audio: ${await anna.$eval('body', (b) => b.dataset.sound)}, countdown "${await text(anna, '#offer-countdown')}"`);
    await anna.screenshot({ path: join(ARTIFACTS_DIR, 'desktop-offer.png'), fullPage: true });
  });

  await step('anna accepts with Enter; the call panel shows caller and company', async () => {
    await anna.keyboard.press('Enter');
    await visible(anna, '#call', 'anna\'s call panel');
    await waitStatus(anna, 'BUSY', 'anna');
    await hidden(anna, '#offer', 'offer panel after accepting');
    await waitText(anna, '#call-caller', (s) => s.includes(callerOne), 'call caller number');
    await waitText(anna, '#call-company', (s) => s.includes('Acme AB'), 'call company');
    await waitText(anna, '#call-queue', (s) => s.length > 0, 'call queue name');
    const title = await anna.title();
    check(!title.startsWith('☎'), `the title still flashes after accepting: "${title}"`);
    await anna.screenshot({ path: join(ARTIFACTS_DIR, 'desktop-call.png'), fullPage: true });
  });

  await step('the wallboard shows anna on the call', async () => {
    await sara.waitForSelector('[data-agent="anna"][data-status="BUSY"]');
    await waitText(sara, '[data-queue="acme-sales"] [data-field="on-contact"]', (s) => s === '1', 'acme-sales on contact');
  });

  await step('anna ends the call (key 3) and is in the fixed 15 s wrap-up', async () => {
    await anna.keyboard.press('3');
    await visible(anna, '#wrap-up', 'anna\'s wrap-up panel');
    await waitStatus(anna, 'WRAP_UP', 'anna');
    await hidden(anna, '#call', 'call panel after ending');
    const countdown = await waitText(anna, '#wrap-up-countdown', (s) => /\d:\d\d/.test(s), 'wrap-up countdown');
    log(`  wrap-up countdown "${countdown}"`);
  });

  await step('anna presses Wrap-up done and is ready with one more handled', async () => {
    await anna.click('#wrap-up-done');
    await waitStatus(anna, 'READY', 'anna');
    await hidden(anna, '#wrap-up', 'wrap-up panel after Wrap-up done');
    await waitText(anna, '#handled-today', (s) => number(s) === handledBefore + 1, 'handled today');
  });

  await step('the wallboard counts the answered call for acme-sales', async () => {
    await waitText(sara, '[data-queue="acme-sales"] [data-field="answered"]',
      (s) => number(s) === answeredBefore + 1, `answered today (was ${answeredBefore})`);
    await sara.waitForSelector('[data-agent="anna"][data-status="READY"]');
    log(`  service level "${await queueField(sara, 'acme-sales', 'service-level')}", ASA "${await queueField(sara, 'acme-sales', 'asa')}"`);
    await sara.screenshot({ path: join(ARTIFACTS_DIR, 'wallboard.png'), fullPage: true });
  });

  // ---- scenario 2: the first agent offered declines, the call moves on ----
  const cecilia = await step('cecilia signs in and logs in', async () => {
    const page = await signIn('cecilia', 'agent.html');
    await page.waitForSelector('#status:not([data-status=""])');
    await page.click('#login');
    await waitStatus(page, 'READY', 'cecilia');
    return page;
  });
  await sara.waitForSelector('[data-agent="cecilia"][data-status="READY"]');

  const callerTwo = '+46701110002';
  const placed = await step('admin places a second call to Acme sales through the API', async () => {
    const r = await rest('POST', '/test-calls', {
      token: admin, body: { dialledNumber: SALES_NUMBER, callerNumber: callerTwo }, expect: 201,
    });
    check(r.data && r.data.callId, `POST /api/v1/test-calls gave no callId: ${JSON.stringify(r.data)}`);
    return r.data;
  });

  const [first, second, firstName, secondName] = await step('exactly one of anna and cecilia rings', async () => {
    const winner = await Promise.race([
      anna.waitForSelector('#offer', { state: 'visible', timeout: STEP_MS }).then(() => 'anna'),
      cecilia.waitForSelector('#offer', { state: 'visible', timeout: STEP_MS }).then(() => 'cecilia'),
    ]).catch(() => { throw new Error('neither anna nor cecilia got an offer'); });
    const [a, b] = winner === 'anna' ? [anna, cecilia] : [cecilia, anna];
    const other = winner === 'anna' ? 'cecilia' : 'anna';
    await waitText(a, '#offer-caller', (s) => s.includes(callerTwo), `${winner}'s offer caller`);
    check(!(await b.isVisible('#offer')), `${other} rings too: acme-sales is not ring-all`);
    log(`  ${winner} rings first`);
    return [a, b, winner, other];
  });

  await step(`${firstName} declines with Escape; the call moves on to ${secondName}`, async () => {
    await first.keyboard.press('Escape');
    await hidden(first, '#offer', `${firstName}'s offer after declining`);
    await visible(second, '#offer', `${secondName}'s offer after ${firstName} declined`);
    await waitText(second, '#offer-caller', (s) => s.includes(callerTwo), `${secondName}'s offer caller`);
    await waitText(second, '#offer-company', (s) => s.includes('Acme AB'), `${secondName}'s offer company`);
    const firstStatus = await first.getAttribute('#status', 'data-status');
    check(firstStatus !== 'RESERVED' && firstStatus !== 'BUSY', `${firstName} is ${firstStatus} after declining`);
  });

  await step(`${secondName} accepts with the button; the caller hangs up`, async () => {
    await second.click('#accept');
    await visible(second, '#call', `${secondName}'s call panel`);
    await waitText(second, '#call-caller', (s) => s.includes(callerTwo), 'call caller number');
    await rest('POST', `/test-calls/${encodeURIComponent(placed.callId)}/hangup`, { token: admin });
    await hidden(second, '#call', `${secondName}'s call panel after the caller hung up`);
    const status = await second.getAttribute('#status', 'data-status');
    if (status === 'WRAP_UP') {
      await second.click('#wrap-up-done');
    }
    await waitStatus(second, 'READY', secondName);
    const call = await rest('GET', `/test-calls/${encodeURIComponent(placed.callId)}`, { token: admin, expect: 200 });
    log(`  the test call is now ${JSON.stringify({ phase: call.data.phase, outcome: call.data.outcome })}`);
  });

  // ---- scenario 3: another login takes anna over; she takes it back ----
  await step('a second desktop of anna takes over; the first shows it and takes it back', async () => {
    const other = await openPage('anna-2');
    await other.goto(`${BASE_URL}/index.html`);
    await other.fill('#username', 'anna');
    await other.fill('#password', PASSWORDS.anna);
    await Promise.all([other.waitForURL((u) => u.pathname.endsWith('/agent.html')), other.click('#sign-in')]);
    await other.waitForSelector('#status:not([data-status=""])');
    await visible(other, '#replaced', 'the new session sees anna logged in elsewhere');
    await other.click('#take-over');
    await visible(anna, '#replaced', 'the first desktop after the takeover');
    await hidden(other, '#replaced', 'the new desktop after taking over');
    await anna.click('#take-over');
    await hidden(anna, '#replaced', 'the first desktop after taking back');
    await visible(other, '#replaced', 'the second desktop after the first took back');
    await other.context().close();
    pages.delete('anna-2');
  });

  await step('anna pauses with key 2 (first reason), then logs out', async () => {
    await anna.keyboard.press('2');
    await waitStatus(anna, 'PAUSED', 'anna');
    await anna.click('#ready');
    await waitStatus(anna, 'READY', 'anna');
    await anna.click('#logout');
    await waitStatus(anna, 'LOGGED_OUT', 'anna');
    await sara.waitForSelector('[data-agent="anna"][data-status="LOGGED_OUT"]');
  });

  await step('the wallboard slideshow cycles between the queue and agent pages', async () => {
    await sara.goto(`${BASE_URL}/wallboard.html?slideshow=2`);
    await sara.waitForSelector('body[data-page="1"]');
    await visible(sara, '#page-queues', 'queue page in the slideshow');
    check(!(await sara.isVisible('#page-agents')), 'the agent page shows on slide 1');
    await sara.waitForSelector('body[data-page="2"]', { timeout: 5000 });
    await visible(sara, '#page-agents', 'agent page in the slideshow');
    check(!(await sara.isVisible('#page-queues')), 'the queue page shows on slide 2');
    await sara.click('#slideshow-toggle');
    await visible(sara, '#page-queues', 'queue page after stopping the slideshow');
    await visible(sara, '#page-agents', 'agent page after stopping the slideshow');
  });

  await step('sara signs out of the wallboard', async () => {
    await Promise.all([sara.waitForURL((u) => u.pathname.endsWith('/index.html')), sara.click('#sign-out')]);
    const r = await sara.evaluate(async () => (await fetch('api/v1/session')).status);
    check(r === 401, `GET /api/v1/session after signing out answered ${r}, expected 401`);
  });

  check(pageErrors.length === 0, `uncaught errors in the pages: ${pageErrors.join(' | ')}`);
}

try {
  await run();
  clearTimeout(watchdog);
  await cleanup();
  log(`PASS: desktop flow in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${ARTIFACTS_DIR}`);
  writeFileSync(join(ARTIFACTS_DIR, 'result.txt'), 'PASS\n');
  process.exit(0);
} catch (error) {
  clearTimeout(watchdog);
  const message = `FAIL: ${currentStep}: ${error && error.message ? error.message.split('\n')[0] : error}`;
  console.error(message);
  writeFileSync(join(ARTIFACTS_DIR, 'result.txt'), `${message}\n`);
  await Promise.race([failureArtifacts(), new Promise((r) => setTimeout(r, 8000))]);
  await Promise.race([cleanup(), new Promise((r) => setTimeout(r, 5000))]);
  process.exit(1);
}
