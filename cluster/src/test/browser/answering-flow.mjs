// The answering service in headless Chromium against a running node (docs/answering-service.md).
//
//   BASE_URL=http://127.0.0.1:8080 ARTIFACTS_DIR=target/browser-artifacts \
//     [CALLER_NUMBER=+46701234567] [MESSAGE_TEXT='…'] node answering-flow.mjs
//
// Uses the demo centre's answering-service client Lind & Berg Advokatbyrå (+4685550500, queue
// lindberg, anna at level 1; Karin Lind at lunch) and the demo users anna/demo-agent,
// admin/demo-admin, client/demo-client. anna takes a call for the company: the screen pop shows
// the greeting with the caller's number, the instruction, the staff list with Karin at lunch; a
// transfer to Karin asks first (cancelled); the message form refuses the client's own number,
// shows a server error next to its field, and sends a message to Per Berg by e-mail (the Java
// test reads it from its mail server). Then the redirect form, and the client's portal: contacts,
// redirects, exceptions and the message list.
// Exits 0 when every step passed, 1 with "FAIL: <step>: <why>" otherwise; never runs longer
// than FLOW_TIMEOUT_MS (100 s). Never downloads a browser: it drives /usr/bin/chromium.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const ARTIFACTS_DIR = resolve(process.env.ARTIFACTS_DIR || 'browser-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = Number(process.env.FLOW_TIMEOUT_MS || 100_000);
const STEP_MS = 15_000;

const LINDBERG_NUMBER = '+4685550500';
const COMPANY = 'Lind & Berg Advokatbyrå';
const CALLER = process.env.CALLER_NUMBER || '+46701234567';
const MESSAGE_TEXT = process.env.MESSAGE_TEXT || 'Wants the lease contract read through before Friday.';
const PASSWORDS = { anna: 'demo-agent', admin: 'demo-admin', client: 'demo-client' };

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
        await page.screenshot({ path: join(ARTIFACTS_DIR, `failure-answering-${name}.png`), fullPage: true, timeout: 3000 });
        log(`saved failure-answering-${name}.png (${page.url()})`);
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
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  page.on('console', (message) => {
    const line = message.text();
    // Expected noise: the session probe before signing in (401), sockets cut by navigation, and
    // the failed request of the step that makes the server refuse a message (400).
    if (/status of 40[01]|closed before the connection is established/.test(line)) return;
    if (['error', 'warning'].includes(message.type())) log(`  [${name} console.${message.type()}] ${line}`);
  });
  page.on('pageerror', (error) => {
    pageErrors.push(`${name}: ${error.message}`);
    log(`  [${name} page error] ${error.message}`);
  });
  // window.confirm (deleting a contact) is accepted; nothing else of the flow opens one.
  page.on('dialog', (dialog) => dialog.accept().catch(() => {}));
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

/** Waits for the element's text to satisfy the predicate; fails with what it saw. */
async function waitText(page, selector, predicate, what) {
  const deadline = Date.now() + STEP_MS;
  let last = '(absent)';
  while (Date.now() < deadline) {
    const handle = await page.$(selector);
    if (handle) {
      last = ((await handle.textContent()) || '').trim().replace(/\s+/g, ' ');
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

/** The contact ids the staff list shows now. */
async function staffShown(page) {
  return page.$$eval('#staff-list li[data-contact]', (rows) => rows.map((r) => r.dataset.contact));
}

async function search(page, query, expected, what) {
  await page.fill('#staff-search', query);
  const deadline = Date.now() + STEP_MS;
  let shown = [];
  while (Date.now() < deadline) {
    shown = await staffShown(page);
    if (JSON.stringify(shown) === JSON.stringify(expected)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: searching "${query}" shows [${shown.join(', ')}], expected [${expected.join(', ')}]`);
}

const row = (id) => `#staff-list li[data-contact="${id}"]`;

function isoIn(minutes) {
  const d = new Date(Date.now() + minutes * 60_000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
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
      '--autoplay-policy=no-user-gesture-required',
    ],
    env: { ...process.env, HOME: userDataDir },
  });
  log(`Chromium ${browser.version()} against ${BASE_URL}`);

  const admin = await step('admin signs in through the API', () => apiToken('admin'));

  const anna = await step('anna signs in, lands on the desktop and logs in', async () => {
    const page = await signIn('anna', 'agent.html');
    await page.waitForSelector('#status:not([data-status=""])');
    if (await page.getAttribute('#status', 'data-status') === 'LOGGED_OUT') await page.click('#login');
    await waitStatus(page, 'READY', 'anna');
    await waitText(page, '#groups', (s) => /Lind & Berg/.test(s), 'anna answers the Lind & Berg queue');
    return page;
  });

  let placedAt;
  const placed = await step(`a test call from ${CALLER} to Lind & Berg (${LINDBERG_NUMBER})`, async () => {
    placedAt = Date.now();
    const r = await rest('POST', '/test-calls', {
      token: admin, body: { dialledNumber: LINDBERG_NUMBER, callerNumber: CALLER }, expect: 201,
    });
    check(r.data && r.data.callId, `POST /api/v1/test-calls gave no callId: ${JSON.stringify(r.data)}`);
    return r.data;
  });

  await step('the offer rings with the screen pop: company, greeting with the caller\'s number', async () => {
    await visible(anna, '#offer', 'anna\'s offer');
    await visible(anna, '#pop', 'the screen pop');
    log(`  screen pop shown ${Date.now() - placedAt} ms after the test call was placed`);
    await waitText(anna, '#pop-company', (s) => s === COMPANY, 'company name');
    const greeting = await waitText(anna, '#pop-greeting', (s) => s.includes(CALLER), 'greeting with {ANO} filled in');
    check(greeting.startsWith('Lind & Berg Advokatbyrå'), `greeting "${greeting}"`);
    check(!greeting.includes('{ANO}'), `the greeting still holds a code: "${greeting}"`);
    await waitText(anna, '#pop-phase', (s) => s === 'Ringing', 'phase');
    const source = await anna.getAttribute('#pop-source', 'data-source');
    check(['standard', 'out-of-hours'].includes(source), `instruction source ${source} (standard in office hours, out-of-hours outside)`);
    await waitText(anna, '#pop-instruction-text', (s) => s.length > 10, 'instruction text');
    await waitText(anna, '#pop-tone', (s) => /formal/i.test(s), 'phone tone');
    await waitText(anna, '#pop-hours', (s) => s.includes('08:00'), 'business hours');
    await waitText(anna, '#pop-information', (s) => s.includes('Never give legal advice'), 'information');
    const assembled = await anna.evaluate(() => window.switchboardAgent.screenPop.assembledMicros);
    log(`  source ${source}; the server assembled it in ${assembled} µs`);
    const link = await anna.getAttribute('#pop-links a', 'href');
    check(link && link.includes(encodeURIComponent(CALLER)) && link.includes(encodeURIComponent(placed.callId)),
      `CRM link ${link} lacks the caller's number or the call id`);
    check(await anna.getAttribute('#pop-links a', 'target') === '_blank', 'the CRM link opens only on click, in a new tab');
  });

  await step('the staff list shows Karin Lind at lunch and the rest available', async () => {
    const shown = await staffShown(anna);
    check(shown.length === 8, `the staff list has ${shown.length} rows: ${shown.join(', ')}`);
    const status = await waitText(anna, `${row('karin-lind')} [data-field="redirect"]`,
      (s) => /^Lunch until (\d\d:\d\d|tomorrow \d\d:\d\d) – Back after lunch/.test(s), 'Karin Lind\'s redirect');
    log(`  Karin Lind: "${status}"`);
    check(await anna.getAttribute(row('karin-lind'), 'data-status') === 'lunch', 'Karin\'s row is not marked lunch');
    await waitText(anna, `${row('per-berg')} [data-field="redirect"]`, (s) => s === 'Available', 'Per Berg');
    await waitText(anna, `${row('jonas-oberg')} [data-field="handling"]`, (s) => s.includes('never transfer'), 'Jonas Öberg\'s own instruction');
    await anna.screenshot({ path: join(ARTIFACTS_DIR, 'answering-offer.png'), fullPage: true });
  });

  await step('anna accepts with Enter: on call, the call panel greets in the client\'s name', async () => {
    await anna.keyboard.press('Enter');
    await visible(anna, '#call', 'call panel');
    await waitStatus(anna, 'BUSY', 'anna');
    await waitText(anna, '#pop-phase', (s) => s === 'On call', 'phase');
    await waitText(anna, '#call-greeting', (s) => s.includes(COMPANY) && s.includes(CALLER), 'call panel greeting');
  });

  await step('numpad + jumps to the staff search; it finds without accents, by title and by number', async () => {
    await anna.click('#pop-company');
    await anna.keyboard.press('NumpadAdd');
    check(await anna.evaluate(() => document.activeElement && document.activeElement.id) === 'staff-search',
      'numpad + did not focus the staff search');
    check(await anna.inputValue('#staff-search') === '', 'the + went into the search box');
    await search(anna, 'astrom', ['sofia-astrom'], 'accent-insensitive name');
    await search(anna, 'ÖBERG', ['jonas-oberg'], 'accented query');
    await search(anna, 'reception', ['maria-nilsson', 'reception'], 'department');
    await search(anna, 'partner', ['karin-lind', 'per-berg'], 'title');
    await search(anna, '08-555 05 13', ['jonas-oberg'], 'national number');
    await search(anna, '0701550516', ['erik-johansson'], 'mobile number');
    await search(anna, 'nobody here', [], 'no match');
    await waitText(anna, '#staff-list', (s) => s.includes('No one matches'), 'no-match text');
    await anna.fill('#staff-search', '');
    await anna.click('#pop-company');
    await anna.keyboard.press('+');
    check(await anna.evaluate(() => document.activeElement && document.activeElement.id) === 'staff-search',
      'the + key did not focus the staff search');
    await anna.fill('#staff-search', '');
  });

  await step('a transfer to Karin Lind (at lunch) asks first; cancelled, the call stays', async () => {
    await anna.click(`${row('karin-lind')} button[data-action="transfer"]`);
    await visible(anna, '#confirm', 'the transfer question');
    const question = await waitText(anna, '#confirm-text', (s) => s.length > 0, 'question');
    check(/^Karin Lind is at lunch until (\d\d:\d\d|tomorrow \d\d:\d\d)\. Transfer anyway\?$/.test(question), `question "${question}"`);
    await anna.screenshot({ path: join(ARTIFACTS_DIR, 'answering-transfer-question.png'), fullPage: true });
    await anna.click('#confirm-cancel');
    await hidden(anna, '#confirm', 'the question after Cancel');
    await anna.waitForTimeout(700);
    await waitStatus(anna, 'BUSY', 'anna after cancelling the transfer');
    check(await anna.isVisible('#call'), 'the call panel went away although the transfer was cancelled');
  });

  await step('a reload during the call shows the screen pop again (the server sends it once)', async () => {
    await anna.reload();
    await waitStatus(anna, 'BUSY', 'anna after the reload');
    await visible(anna, '#pop', 'the screen pop after the reload');
    await waitText(anna, '#pop-company', (s) => s === COMPANY, 'company name after the reload');
    await waitText(anna, `${row('karin-lind')} [data-field="redirect"]`, (s) => s.startsWith('Lunch until'), 'Karin after the reload');
  });

  const sent = [];
  anna.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/v1/messages')) sent.push(JSON.parse(request.postData()));
  });

  await step('Message for Per Berg: the form is filled with the caller\'s number and his channels', async () => {
    await anna.click(`${row('per-berg')} button[data-action="message"]`);
    await visible(anna, '#message', 'message form');
    await waitText(anna, '#message-title', (s) => s === 'Message for Per Berg', 'message title');
    check(await anna.inputValue('#message-caller-number') === CALLER, 'the call-back number is not the caller\'s number');
    check(await anna.isChecked('#message-channel-email'), 'e-mail is not chosen for Per Berg (he has an address)');
    check(await anna.isEnabled('#message-channel-sms'), 'SMS is disabled although Per Berg has a mobile');
    await anna.click(`${row('sofia-astrom')} button[data-action="message"]`);
    check(await anna.isDisabled('#message-channel-sms'), 'SMS is enabled for Sofia Åström, who has no mobile');
    await anna.click(`${row('per-berg')} button[data-action="message"]`);
    await waitText(anna, '#message-title', (s) => s === 'Message for Per Berg', 'message title again');
  });

  await step('the client\'s own number is refused as the call-back number, before sending', async () => {
    await anna.fill('#message-caller-name', 'Bo Berg');
    await anna.fill('#message-caller-company', 'Bergs Bygg AB');
    await anna.fill('#message-text', MESSAGE_TEXT);
    await anna.fill('#message-caller-number', '08-555 05 00');
    await anna.click('#message-send');
    await waitText(anna, '[data-error-for="callerNumber"]', (s) => s.includes("client's own number"), 'own-number error');
    check(sent.length === 0, `the form sent ${sent.length} request(s) with the client's own number`);
  });

  await step('a server refusal shows next to the field it names', async () => {
    await anna.fill('#message-caller-number', CALLER);
    // The server would take this one; answer as it does for a bad field, once.
    await anna.route('**/api/v1/messages', (route) => route.fulfill({
      status: 400, contentType: 'application/json',
      body: JSON.stringify({ status: 400, error: 'callerCompany must be at most 200 characters', field: 'callerCompany' }),
    }), { times: 1 });
    await anna.click('#message-send');
    await waitText(anna, '[data-error-for="callerCompany"]', (s) => s.includes('at most 200'), 'server error at its field');
    check(await anna.getAttribute('#message-caller-company', 'aria-invalid') === 'true', 'the field is not marked invalid');
    await anna.unroute('**/api/v1/messages');
  });

  await step('anna sends the message and sees it went to Per Berg by e-mail', async () => {
    await anna.click('#message-send');
    const result = await waitText(anna, '#message-result', (s) => s.length > 0, 'confirmation');
    check(result === 'Message sent to Per Berg (e-mail).', `confirmation "${result}"`);
    check(sent.length === 2, `${sent.length} POST /messages were made, expected 2 (the refused one and this)`);
    check(sent[0].id === sent[1].id && /^m-/.test(sent[1].id), `the retry used another message id: ${sent[0].id} ≠ ${sent[1].id}`);
    check(sent[1].callId === placed.callId, `the message names call ${sent[1].callId}, not ${placed.callId}`);
    check(sent[1].company === 'lindberg' && sent[1].contact === 'per-berg', `sent for ${sent[1].company}/${sent[1].contact}`);
    const stored = await rest('GET', `/messages/${encodeURIComponent(sent[1].id)}`, { token: admin, expect: 200 });
    check(stored.data.message.note.text === MESSAGE_TEXT, `the stored message reads "${stored.data.message.note.text}"`);
    log(`  message ${sent[1].id}`);
    await anna.screenshot({ path: join(ARTIFACTS_DIR, 'answering-message.png'), fullPage: true });
    await anna.click('#message-close');
    await hidden(anna, '#message', 'message panel after Close');
  });

  await step('anna sets Sofia Åström in a meeting from the staff list, then clears it', async () => {
    await anna.click(`${row('sofia-astrom')} button[data-action="redirect"]`);
    await visible(anna, `${row('sofia-astrom')} #redirect-form`, 'the redirect form in Sofia\'s row');
    await anna.selectOption('#redirect-reason', 'meeting');
    await anna.fill('#redirect-until', isoIn(120));
    await anna.fill('#redirect-note', 'Client meeting, back at three');
    await anna.click('#redirect-save');
    await hidden(anna, '#redirect-form', 'redirect form after saving');
    await waitText(anna, `${row('sofia-astrom')} [data-field="redirect"]`,
      (s) => /^Meeting until .* – Client meeting, back at three$/.test(s), 'Sofia\'s redirect');
    const stored = await rest('GET', '/companies/lindberg/contacts/sofia-astrom', { token: admin, expect: 200 });
    check(stored.data.redirect && stored.data.redirect.reason === 'meeting' && stored.data.redirect.setBy === 'anna',
      `the server has ${JSON.stringify(stored.data.redirect)}`);
    await anna.click(`${row('sofia-astrom')} button[data-action="redirect"]`);
    await anna.click('#redirect-clear');
    await waitText(anna, `${row('sofia-astrom')} [data-field="redirect"]`, (s) => s === 'Available', 'Sofia after clearing');
    const cleared = await rest('GET', '/companies/lindberg/contacts/sofia-astrom', { token: admin, expect: 200 });
    check(!cleared.data.redirect, `the redirect is still there: ${JSON.stringify(cleared.data.redirect)}`);
  });

  await step('anna ends the call; the pop stays through wrap-up and after, until closed', async () => {
    await anna.keyboard.press('3');
    await waitStatus(anna, 'WRAP_UP', 'anna');
    await waitText(anna, '#pop-phase', (s) => s === 'Wrap-up', 'phase in wrap-up');
    await anna.click('#wrap-up-done');
    await waitStatus(anna, 'READY', 'anna');
    await waitText(anna, '#pop-phase', (s) => s === 'Call ended', 'phase after the call');
    await anna.click('#pop-close');
    await hidden(anna, '#pop', 'screen pop after Close');
  });

  // ---- the customer portal ----
  const client = await step('the client user signs in and lands on the customer portal', async () => {
    const page = await signIn('client', 'portal.html');
    await page.waitForSelector('body[data-ready="true"]');
    await waitText(page, '#company-title', (s) => s === COMPANY, 'company heading');
    await waitText(page, '#contacts tr[data-contact="karin-lind"] [data-field="status"]', (s) => s.startsWith('Lunch until'), 'Karin in the portal');
    return page;
  });

  await step('the portal lists the message anna took', async () => {
    const deadline = Date.now() + STEP_MS;
    let found = false;
    while (!found && Date.now() < deadline) {
      await client.click('#messages-refresh');
      await client.waitForTimeout(400);
      found = await client.$(`#messages tr[data-message="${sent[1].id}"]`) !== null;
    }
    check(found, `message ${sent[1].id} is not in the portal's list`);
    await waitText(client, `#messages tr[data-message="${sent[1].id}"] [data-field="text"]`, (s) => s === MESSAGE_TEXT, 'message text');
  });

  await step("the portal shows the client's own calls", async () => {
    const deadline = Date.now() + STEP_MS;
    let summary = '';
    while (!/^[1-9][0-9]* calls/.test(summary) && Date.now() < deadline) {
      await client.click('#calls-refresh');
      await client.waitForTimeout(400);
      summary = (await client.textContent('#calls-summary')) || '';
    }
    check(/^[1-9][0-9]* calls/.test(summary), `the calls summary says "${summary}"`);
    check(/[1-9][0-9]* messages taken/.test(summary), `the calls summary counts no message: "${summary}"`);
    check(await client.$('#calls tbody tr') !== null, 'the calls table is empty');
  });

  await step('the client adds a contact, edits it, sets and clears its redirect, deletes it', async () => {
    await client.click('#contact-add');
    await client.fill('#contact-name', 'Åsa Öhman');
    check(await client.inputValue('#contact-id') === 'asa-ohman', `the id made from the name is ${await client.inputValue('#contact-id')}`);
    await client.fill('#contact-title', 'Trainee');
    await client.fill('#contact-phones', '08-555 05 20');
    await client.fill('#contact-email', 'asa.ohman@example.com');
    await client.click('#contact-save');
    await waitText(client, '#contacts tr[data-contact="asa-ohman"]', (s) => s.includes('Trainee') && s.includes('085550520'), 'new contact row');
    await client.click('#contacts tr[data-contact="asa-ohman"] button[data-action="edit"]');
    await client.fill('#contact-title', 'Associate');
    await client.click('#contact-save');
    await waitText(client, '#contacts tr[data-contact="asa-ohman"]', (s) => s.includes('Associate'), 'edited contact row');
    await client.click('#contacts tr[data-contact="asa-ohman"] button[data-action="redirect"]');
    await client.selectOption('#contact-redirect-reason', 'vacation');
    await client.fill('#contact-redirect-until', isoIn(3 * 24 * 60));
    await client.fill('#contact-redirect-note', 'Skiing');
    await client.click('#contact-redirect-save');
    await waitText(client, '#contacts tr[data-contact="asa-ohman"] [data-field="status"]', (s) => /^Vacation until .* – Skiing$/.test(s), 'vacation');
    await client.click('#contacts tr[data-contact="asa-ohman"] button[data-action="clear"]');
    await waitText(client, '#contacts tr[data-contact="asa-ohman"] [data-field="status"]', (s) => s === 'Available', 'cleared');
    await client.click('#contacts tr[data-contact="asa-ohman"] button[data-action="delete"]');
    await client.waitForSelector('#contacts tr[data-contact="asa-ohman"]', { state: 'detached' });
    const gone = await rest('GET', '/companies/lindberg/contacts/asa-ohman', { token: admin });
    check(gone.status === 404, `the deleted contact answers ${gone.status}`);
  });

  await step('the client adds a current exception and removes it; a whole-company redirect too', async () => {
    await client.fill('#exception-id', 'staff-party');
    await client.fill('#exception-text', 'Closed for the staff party: take messages.');
    await client.fill('#exception-until', isoIn(240));
    await client.click('#exception-add');
    await waitText(client, '#exceptions tr[data-exception="staff-party"]', (s) => s.includes('staff party'), 'exception row');
    const card = await rest('GET', '/companies/lindberg/card', { token: admin, expect: 200 });
    check(card.data.profile.exceptions.some((e) => e.id === 'staff-party'), 'the server has no exception staff-party');
    await client.screenshot({ path: join(ARTIFACTS_DIR, 'portal.png'), fullPage: true });
    await client.click('#exceptions tr[data-exception="staff-party"] button[data-action="remove"]');
    await client.waitForSelector('#exceptions tr[data-exception="staff-party"]', { state: 'detached' });

    await client.selectOption('#company-redirect-reason', 'off');
    await client.fill('#company-redirect-until', isoIn(60));
    await client.fill('#company-redirect-note', 'Closed for inventory');
    await client.click('#company-redirect-save');
    await waitText(client, '#company-redirect-status', (s) => s.startsWith('Away: Off until') && s.includes('Closed for inventory'), 'company redirect');
    await client.click('#company-redirect-clear');
    await waitText(client, '#company-redirect-status', (s) => s.startsWith('Not set'), 'company redirect cleared');
  });

  check(pageErrors.length === 0, `uncaught errors in the pages: ${pageErrors.join(' | ')}`);
}

try {
  await run();
  clearTimeout(watchdog);
  await cleanup();
  log(`PASS: answering flow in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${ARTIFACTS_DIR}`);
  writeFileSync(join(ARTIFACTS_DIR, 'answering-result.txt'), 'PASS\n');
  process.exit(0);
} catch (error) {
  clearTimeout(watchdog);
  const message = `FAIL: ${currentStep}: ${error && error.message ? error.message.split('\n')[0] : error}`;
  console.error(message);
  writeFileSync(join(ARTIFACTS_DIR, 'answering-result.txt'), `${message}\n`);
  await Promise.race([failureArtifacts(), new Promise((r) => setTimeout(r, 8000))]);
  await Promise.race([cleanup(), new Promise((r) => setTimeout(r, 5000))]);
  process.exit(1);
}
