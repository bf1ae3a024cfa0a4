// The simulated caller: POST /api/v1/test-calls, follow each call, hang up.
// A test tool, so it refreshes placed calls by polling GET /api/v1/test-calls/{id}.
import { api, currentUser, roles, toLogin, signOut, el, $, setText, show } from './common.js';

const STORE = 'switchboard.testcalls';
const FINAL_PHASES = new Set(['ENDED', 'COMPLETED', 'ABANDONED', 'CLOSED', 'FINISHED', 'HUNG_UP', 'DONE', 'FAILED', 'REJECTED']);
const OTHER = '__other__';

let calls = load(); // [{callId, dialledNumber, callerNumber, placedAt, call}]
const names = { queues: new Map(), companies: new Map() };

function load() {
  try { return JSON.parse(sessionStorage.getItem(STORE)) || []; } catch { return []; }
}

function save() {
  sessionStorage.setItem(STORE, JSON.stringify(calls.slice(0, 50)));
}

function notice(text) {
  setText($('#notice-text'), text);
  show($('#notice'), Boolean(text));
}

function list(data, key) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data[key])) return data[key];
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}

function isFinal(call) {
  if (!call) return false;
  if (call.outcome) return true;
  return FINAL_PHASES.has(String(call.phase || '').toUpperCase());
}

// ---- number plan ------------------------------------------------------------------------------------

async function loadNumberPlan() {
  const [plan, queues, companies] = await Promise.all([
    api('GET', '/number-plan'), api('GET', '/queues'), api('GET', '/companies')]);
  if (queues.ok) for (const q of list(queues.data, 'queues')) names.queues.set(q.id || q.queueId, q.name);
  if (companies.ok) for (const c of list(companies.data, 'companies')) names.companies.set(c.id, c.name);
  const select = $('#dialled-number');
  const options = [];
  if (plan.ok) {
    for (const entry of list(plan.data, 'entries')) {
      if (entry.account) continue; // rings a SIP account: only a call over SIP reaches it
      const company = names.companies.get(entry.company) || entry.company || '';
      const queue = names.queues.get(entry.queue) || entry.queue || '';
      const priority = entry.priority ? `, priority ${entry.priority}` : '';
      options.push(new Option(`${entry.dialledNumber} — ${company} · ${queue}${priority}`, entry.dialledNumber));
    }
  } else {
    notice(`Could not load the number plan: ${plan.error}`);
  }
  options.push(new Option('Other number…', OTHER));
  select.replaceChildren(...options);
  otherChanged();
}

function otherChanged() {
  const other = $('#dialled-number').value === OTHER;
  show($('#dialled-other-field'), other);
  if (other) $('#dialled-other').focus();
}

// ---- calls ---------------------------------------------------------------------------------------------

async function placeCall(event) {
  event.preventDefault();
  const selected = $('#dialled-number').value;
  const dialledNumber = (selected === OTHER ? $('#dialled-other').value : selected).trim();
  const callerNumber = $('#caller-number').value.trim();
  if (!dialledNumber) { notice('Choose or enter the dialled number.'); return; }
  if (!callerNumber) { notice('Enter the caller number.'); return; }
  $('#place-call').disabled = true;
  try {
    const r = await api('POST', '/test-calls', { dialledNumber, callerNumber });
    if (!r.ok) { notice(`The call was not placed: ${r.error}`); return; }
    notice('');
    calls.unshift({ callId: r.data.callId, dialledNumber, callerNumber, placedAt: new Date().toISOString(), call: r.data });
    save();
    render();
  } finally {
    $('#place-call').disabled = false;
  }
}

async function refresh(entry) {
  const r = await api('GET', `/test-calls/${encodeURIComponent(entry.callId)}`);
  if (r.ok) entry.call = r.data;
  else if (r.status === 404) entry.call = { ...(entry.call || {}), phase: 'UNKNOWN', outcome: 'not found' };
  else if (r.status === 401) { toLogin(); return; }
}

async function refreshAll(all = false) {
  await Promise.all(calls.filter((c) => all || !isFinal(c.call)).map(refresh));
  save();
  render();
}

async function hangUp(entry, button) {
  button.disabled = true;
  const r = await api('POST', `/test-calls/${encodeURIComponent(entry.callId)}/hangup`);
  if (!r.ok) notice(`Hang-up of ${entry.callId} failed: ${r.error}`);
  else if (r.data && r.data.callId) entry.call = r.data;
  await refresh(entry);
  save();
  render();
}

function phaseText(call) {
  if (!call) return '—';
  const parts = [call.phase || '?'];
  if (call.outcome) parts.push(`(${call.outcome})`);
  const agent = call.agentName || call.agentId || call.agent;
  if (agent && typeof agent === 'string') parts.push(`· ${agent}`);
  return parts.join(' ');
}

function render() {
  const body = $('#calls');
  body.replaceChildren(...calls.map((entry) => {
    const call = entry.call || {};
    const final = isFinal(call);
    const hangup = el('button', { type: 'button', class: 'bad', dataset: { action: 'hangup', testid: 'hangup' }, disabled: final }, 'Hang up');
    hangup.addEventListener('click', () => hangUp(entry, hangup));
    return el('tr', { dataset: { call: entry.callId, phase: call.phase || '', final: String(final) } },
      el('td', { dataset: { field: 'call-id' } }, entry.callId),
      el('td', { dataset: { field: 'dialled' } }, entry.dialledNumber),
      el('td', { dataset: { field: 'caller' } }, entry.callerNumber),
      el('td', { dataset: { field: 'queue' } }, names.queues.get(call.queue) || call.queue || ''),
      el('td', { dataset: { field: 'phase' } }, phaseText(call)),
      el('td', { dataset: { field: 'placed' } }, new Date(entry.placedAt).toLocaleTimeString()),
      el('td', {}, hangup));
  }));
  show($('#no-calls'), calls.length === 0);
}

// ---- start ---------------------------------------------------------------------------------------------

$('#call-form').addEventListener('submit', placeCall);
$('#dialled-number').addEventListener('change', otherChanged);
$('#refresh').addEventListener('click', () => refreshAll(true));
$('#notice-dismiss').addEventListener('click', () => notice(''));
$('#sign-out').addEventListener('click', signOut);

async function start() {
  const user = await currentUser().catch(() => null);
  if (!user) { toLogin(); return; }
  setText($('#user-name'), user.name || user.username);
  const rs = roles(user);
  if (!rs.includes('supervisor') && !rs.includes('admin')) {
    notice(`The account ${user.username} may not place test calls (supervisor or admin role needed).`);
    $('#place-call').disabled = true;
    return;
  }
  render();
  await loadNumberPlan();
  refreshAll();
  // Follow the calls still in progress while the page is visible.
  setInterval(() => { if (!document.hidden && calls.some((c) => !isFinal(c.call))) refreshAll(); }, 2000);
}

start();
