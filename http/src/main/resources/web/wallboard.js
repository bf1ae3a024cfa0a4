// Supervisor wallboard: the live feed of /api/v1/wallboard/ws (docs/wallboard-protocol.md).
// No polling: a snapshot on connect, then queue/agent frames; the clock ticks locally.
import {
  roles,
  signOut,
  since,
  formatDuration,
  formatSeconds,
  ReconnectingSocket,
  connectionIndicator,
  STATUS_LABELS,
  el,
  $,
  setText,
  show,
  signedInUser,
  supervisorsOnly,
} from './common.js';

const queues = new Map(); // queueId → Queue
const agents = new Map(); // agentId → Agent
const cards = new Map();  // queueId → card element
const rows = new Map();   // agentId → row element
let heartbeatTimer = null;

// ---- feed ----------------------------------------------------------------------------------------

const onStatus = connectionIndicator($('#connection'));
const socket = new ReconnectingSocket('api/v1/wallboard/ws', {
  onMessage: handle,
  onStatus,
  onOpen() {
    document.body.dataset.live = 'true';
  },
  onClose() {
    // Keep showing the last figures, marked as stale, until the snapshot after reconnecting.
    delete document.body.dataset.live;
    clearInterval(heartbeatTimer);
  },
});

function handle(frame) {
  switch (frame.type) {
    case 'snapshot': {
      queues.clear();
      agents.clear();
      for (const q of frame.queues || []) queues.set(q.queueId, q);
      for (const a of frame.agents || []) agents.set(a.agentId, a);
      for (const [id, card] of cards) if (!queues.has(id)) { card.remove(); cards.delete(id); }
      for (const [id, row] of rows) if (!agents.has(id)) { row.remove(); rows.delete(id); }
      for (const q of queues.values()) renderQueue(q);
      for (const a of agents.values()) renderAgent(a);
      sortAgents();
      startHeartbeat(Number(frame.heartbeatSeconds) > 0 ? Number(frame.heartbeatSeconds) : 15);
      document.body.dataset.snapshot = frame.at || 'yes';
      break;
    }
    case 'queue':
      if (frame.queue) {
        queues.set(frame.queue.queueId, frame.queue);
        renderQueue(frame.queue);
        // Agents show their current queue by name.
        for (const a of agents.values()) if (a.currentQueue === frame.queue.queueId) renderAgent(a);
      }
      break;
    case 'agent':
      if (frame.agent) {
        const before = agents.get(frame.agent.agentId);
        agents.set(frame.agent.agentId, frame.agent);
        renderAgent(frame.agent);
        if (!before || before.name !== frame.agent.name) sortAgents();
      }
      break;
    case 'agentRemoved':
      agents.delete(frame.agentId);
      if (rows.has(frame.agentId)) { rows.get(frame.agentId).remove(); rows.delete(frame.agentId); }
      break;
    default:
      return;
  }
  show($('#no-queues'), queues.size === 0);
  show($('#no-agents'), agents.size === 0);
  tick();
}

function startHeartbeat(seconds) {
  clearInterval(heartbeatTimer);
  heartbeatTimer = setInterval(() => {
    if (Date.now() - socket.lastReceived > 3 * seconds * 1000) socket.recycle();
    else socket.send({ type: 'ping' });
  }, seconds * 1000);
}

// ---- queue cards -----------------------------------------------------------------------------------

function figure(field, label) {
  return el('div', { class: 'figure', dataset: { figure: field } },
    el('div', { class: 'value', dataset: { field } }, '—'),
    el('div', { class: 'label' }, label));
}

function line(field, label) {
  return el('tr', {}, el('td', {}, label), el('td', { dataset: { field } }, '—'));
}

function queueCard(id) {
  return el('article', { class: 'queue-card', dataset: { queue: id }, 'aria-label': id },
    el('h2', { dataset: { field: 'name' } }, id),
    el('div', { class: 'big-figures' },
      figure('waiting', 'Waiting now'),
      figure('longest-wait', 'Longest wait'),
      figure('service-level', 'Service level today'),
      figure('asa', 'ASA today')),
    el('table', {},
      el('tbody', {},
        line('available', 'Available'),
        line('on-contact', 'On contact'),
        line('wrap-up', 'Wrap-up'),
        line('paused', 'Paused'),
        line('logged-in', 'Logged in'))),
    el('table', {},
      el('tbody', {},
        line('offered', 'Offered today'),
        line('answered', 'Answered today'),
        line('abandoned', 'Abandoned today'))));
}

function field(root, name) {
  return root.querySelector(`[data-field="${name}"]`);
}

function renderQueue(q) {
  let card = cards.get(q.queueId);
  if (!card) {
    card = queueCard(q.queueId);
    cards.set(q.queueId, card);
    $('#queues').append(card);
  }
  const agentsNow = q.agents || {};
  const today = q.today || {};
  setText(field(card, 'name'), q.name || q.queueId);
  setText(field(card, 'waiting'), num(q.waiting));
  setText(field(card, 'available'), num(agentsNow.available));
  setText(field(card, 'on-contact'), num(agentsNow.onContact));
  setText(field(card, 'wrap-up'), num(agentsNow.wrapUp));
  setText(field(card, 'paused'), num(agentsNow.paused));
  setText(field(card, 'logged-in'), num(agentsNow.loggedIn));
  setText(field(card, 'offered'), num(today.offered));
  setText(field(card, 'answered'), num(today.answered));
  setText(field(card, 'abandoned'), num(today.abandoned));
  setText(field(card, 'asa'), formatSeconds(today.asaSeconds ?? null));

  const sl = today.serviceLevelPercent;
  const target = today.serviceLevelTargetPercent ?? 80;
  const slFigure = card.querySelector('[data-figure="service-level"]');
  slFigure.classList.add('sl');
  setText(field(card, 'service-level'), sl === null || sl === undefined ? '—' : `${Math.round(sl)}%`);
  slFigure.dataset.level = sl === null || sl === undefined ? 'none'
    : sl >= target ? 'good' : sl >= target - 10 ? 'near' : 'bad';
  slFigure.title = today.serviceLevelThresholdSeconds !== undefined
    ? `Answered within ${today.serviceLevelThresholdSeconds} s; target ${target} %` : '';
  card.classList.toggle('waiting', q.waiting > 0);
}

function num(value) {
  return value === null || value === undefined ? '—' : String(value);
}

// ---- agents table ----------------------------------------------------------------------------------

function agentRow(id) {
  return el('tr', { dataset: { agent: id } },
    el('td', { dataset: { field: 'name' } }, id),
    el('td', {}, el('span', { class: 'state', dataset: { field: 'state' } }, '—')),
    el('td', { class: 'num', dataset: { field: 'time-in-state' } }, '—'),
    el('td', { dataset: { field: 'current-queue' } }, ''),
    el('td', { class: 'num', dataset: { field: 'handled-today' } }, '—'),
    el('td', { class: 'muted', dataset: { field: 'groups' } }, ''));
}

function queueName(id) {
  const q = id && queues.get(id);
  return q ? q.name || id : id || '';
}

function renderAgent(a) {
  let row = rows.get(a.agentId);
  if (!row) {
    row = agentRow(a.agentId);
    rows.set(a.agentId, row);
    $('#agents-body').append(row);
  }
  setText(field(row, 'name'), a.name || a.agentId);
  const state = field(row, 'state');
  state.dataset.status = a.status || '';
  row.dataset.status = a.status || '';
  const label = STATUS_LABELS[a.status] || a.status || '—';
  setText(state, a.status === 'PAUSED' && a.pauseReason ? `${label} (${a.pauseReason})` : label);
  setText(field(row, 'current-queue'), queueName(a.currentQueue));
  setText(field(row, 'handled-today'), num(a.handledToday));
  const groups = Array.isArray(a.queues) ? a.queues : [];
  setText(field(row, 'groups'), groups
    .map((g) => (g && typeof g === 'object' ? queueName(g.queue || g.queueId) : queueName(g)))
    .join(', '));
}

function sortAgents() {
  const body = $('#agents-body');
  const sorted = [...agents.values()]
    .sort((x, y) => (x.name || x.agentId).localeCompare(y.name || y.agentId))
    .map((a) => rows.get(a.agentId))
    .filter(Boolean);
  body.append(...sorted);
}

// ---- clock -----------------------------------------------------------------------------------------

function tick() {
  for (const [id, card] of cards) {
    const q = queues.get(id);
    if (!q) continue;
    const longest = q.waiting > 0 && q.oldestEnqueuedAt ? since(q.oldestEnqueuedAt) : null;
    setText(field(card, 'longest-wait'), longest === null ? '—' : formatDuration(longest));
    const threshold = q.today && q.today.serviceLevelThresholdSeconds;
    card.querySelector('[data-figure="longest-wait"]')
      .classList.toggle('alert', longest !== null && threshold > 0 && longest > threshold * 1000);
  }
  for (const [id, row] of rows) {
    const a = agents.get(id);
    if (a) setText(field(row, 'time-in-state'), a.statusSince ? formatDuration(since(a.statusSince)) : '—');
  }
}

// ---- slideshow -------------------------------------------------------------------------------------

const pages = [...document.querySelectorAll('.wb-page')];
let slideTimer = null;
let slideSeconds = 0;
let slideIndex = 0;

function showPage(index) {
  slideIndex = index % pages.length;
  pages.forEach((page, i) => show(page, i === slideIndex));
  document.body.dataset.page = String(slideIndex + 1);
  setText($('#slide-indicator'), `Page ${slideIndex + 1} of ${pages.length} · every ${slideSeconds} s`);
}

function startSlideshow(seconds) {
  stopSlideshow();
  slideSeconds = Math.max(2, seconds);
  document.body.classList.add('slideshow');
  $('#slideshow-toggle').setAttribute('aria-pressed', 'true');
  setText($('#slideshow-toggle'), 'Stop slideshow');
  showPage(0);
  slideTimer = setInterval(() => showPage(slideIndex + 1), slideSeconds * 1000);
  setUrl(slideSeconds);
}

function stopSlideshow() {
  clearInterval(slideTimer);
  slideTimer = null;
  document.body.classList.remove('slideshow');
  delete document.body.dataset.page;
  pages.forEach((page) => show(page, true));
  $('#slideshow-toggle').setAttribute('aria-pressed', 'false');
  setText($('#slideshow-toggle'), 'Slideshow');
  setText($('#slide-indicator'), '');
}

function setUrl(seconds) {
  const params = new URLSearchParams(location.search);
  if (seconds) params.set('slideshow', String(seconds));
  else params.delete('slideshow');
  const query = params.toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
}

$('#slideshow-toggle').addEventListener('click', () => {
  if (slideTimer) {
    stopSlideshow();
    setUrl(0);
  } else {
    startSlideshow(slideSeconds || 10);
  }
});

// ---- start -----------------------------------------------------------------------------------------

$('#notice-dismiss').addEventListener('click', () => show($('#notice'), false));
$('#sign-out').addEventListener('click', () => { socket.stop(); signOut(); });

async function start() {
  const user = await signedInUser(start, text => {
    setText($('#notice-text'), text);
    show($('#notice'), true);
  }, u => {
    const refusal = supervisorsOnly('wallboard')(u);
    if (refusal) onStatus('Not allowed', 'error');
    return refusal;
  });
  if (!user) return;
  const param = Number(new URLSearchParams(location.search).get('slideshow'));
  if (param > 0) startSlideshow(param);
  socket.start();
  setInterval(tick, 500);
}

window.addEventListener('pagehide', () => socket.stop());
window.addEventListener('pageshow', (event) => { if (event.persisted) socket.start(); });
start();
