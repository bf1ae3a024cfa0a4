// The agent desktop: a view of the Agent entity over /api/v1/agent/ws (docs/agent-protocol.md)
// plus its commands. The socket is the only source of state: every `welcome` and `state` frame
// carries the whole agent, so reconnecting simply resumes.
import {
  roles,
  signOut,
  since,
  until,
  formatDuration,
  ReconnectingSocket,
  connectionIndicator,
  STATUS_LABELS,
  $,
  setText,
  show,
  signedInUser,
} from './common.js';
import { PopStore, ScreenPopPanel } from './screenpop.js';

const BASE_TITLE = 'Switchboard — Agent desktop';
const COMMAND_TIMEOUT_MS = 10000;

const view = {
  agent: null,            // the Agent from the last welcome/state
  yourLogin: false,
  replaced: null,         // reason text while another login holds the agent
  pauseReasons: [],       // [{value, label}]
  heartbeatSeconds: 20,
  welcomed: false,
  pendingOffer: null,     // offerId we accepted/declined and wait to see go
  declined: new Set(),    // offers this desktop declined (their withdrawal is no news)
};

// ---- commands ----------------------------------------------------------------------------------

let nextRef = 1;
const pending = new Map(); // ref → {resolve, label, timer}

function command(frame, label) {
  const ref = `c${nextRef++}`;
  if (!socket.send({ ...frame, ref })) {
    notice('Not connected to the server — the command was not sent. Reconnecting…');
    return Promise.resolve({ ok: false });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(ref);
      resolve({ ok: false, timeout: true });
    }, COMMAND_TIMEOUT_MS);
    pending.set(ref, { resolve, label, timer });
  });
}

function settle(frame, ok) {
  const entry = frame.ref ? pending.get(frame.ref) : null;
  if (entry) {
    clearTimeout(entry.timer);
    pending.delete(frame.ref);
    entry.resolve({ ok, frame });
  }
  return entry;
}

function contacts(phase) {
  const list = view.agent && Array.isArray(view.agent.contacts) ? view.agent.contacts : [];
  return list.filter((c) => c.phase === phase);
}

function ringingOffer() {
  return contacts('RESERVED')[0] || null;
}

const actions = {
  login() {
    requestNotificationPermission();
    return command({ type: 'login', ready: true }, 'Log in');
  },
  ready() {
    return command({ type: 'ready' }, 'Ready');
  },
  pause(reason) {
    const r = reason || $('#pause-reason').value || (view.pauseReasons[0] && view.pauseReasons[0].value);
    if (!r) {
      notice('Choose a pause reason first.');
      return Promise.resolve({ ok: false });
    }
    return command({ type: 'pause', reason: r }, 'Pause');
  },
  logout() {
    return command({ type: 'logout' }, 'Log out');
  },
  async accept() {
    const offer = ringingOffer();
    if (!offer || view.pendingOffer === offer.offerId) return;
    view.pendingOffer = offer.offerId;
    render();
    const r = await command({ type: 'accept', offerId: offer.offerId }, 'Accept');
    if (!r.ok && view.pendingOffer === offer.offerId) view.pendingOffer = null;
    render();
  },
  async decline() {
    const offer = ringingOffer();
    if (!offer || view.pendingOffer === offer.offerId) return;
    view.pendingOffer = offer.offerId;
    view.declined.add(offer.offerId);
    render();
    const r = await command({ type: 'decline', offerId: offer.offerId }, 'Decline');
    if (!r.ok && view.pendingOffer === offer.offerId) view.pendingOffer = null;
    render();
  },
  endCall() {
    const call = contacts('BUSY')[0];
    if (!call) return Promise.resolve({ ok: false });
    return command({ type: 'end', callId: call.callId }, 'End call');
  },
  /** Blind transfer (ANS-4): digits are a phone number, anything else a queue's id. */
  transfer(to) {
    const call = contacts('BUSY')[0];
    const value = (to || '').trim();
    if (!call || !value) return Promise.resolve({ ok: false });
    const target = /^\+?[0-9]{2,20}$/.test(value) ? { type: 'number', number: value } : { type: 'queue', queue: value };
    return command({ type: 'transfer', callId: call.callId, target }, 'Transfer');
  },
  wrapUpDone() {
    if (!contacts('WRAP_UP')[0] && !(view.agent && view.agent.status === 'WRAP_UP')) return Promise.resolve({ ok: false });
    return command({ type: 'wrapUpDone' }, 'Wrap-up done');
  },
};

// ---- frames ------------------------------------------------------------------------------------

const onStatus = connectionIndicator($('#connection'));
const socket = new ReconnectingSocket('api/v1/agent/ws', {
  onMessage: handle,
  onStatus,
  onClose() {
    view.welcomed = false;
    stopHeartbeat();
    for (const [ref, entry] of pending) {
      clearTimeout(entry.timer);
      entry.resolve({ ok: false, closed: true });
      pending.delete(ref);
    }
    render();
  },
});

// The answering service's screen pops (ANS-2): one per offer, after its `offer` frame.
const pops = new PopStore();
const popPanel = new ScreenPopPanel({
  store: pops,
  transfer: (number) => actions.transfer(number),
  canTransfer: () => view.welcomed && socket.open && view.yourLogin && Boolean(contacts('BUSY')[0]),
  notice,
});

function handle(frame) {
  switch (frame.type) {
    case 'welcome':
      view.welcomed = true;
      view.agent = frame.agent || null;
      pops.keepOnly((view.agent && Array.isArray(view.agent.contacts) ? view.agent.contacts : []).map((c) => c.offerId));
      view.yourLogin = Boolean(frame.yourLogin);
      view.heartbeatSeconds = Number(frame.heartbeatSeconds) > 0 ? Number(frame.heartbeatSeconds) : 20;
      view.pauseReasons = normaliseReasons(frame.pauseReasons);
      view.pendingOffer = null;
      if (view.yourLogin) view.replaced = null;
      else if (view.agent && view.agent.status !== 'LOGGED_OUT') {
        view.replaced = 'This agent is logged in on another session.';
      }
      fillPauseReasons();
      startHeartbeat();
      break;
    case 'state':
      if (frame.agent) view.agent = frame.agent;
      if (typeof frame.yourLogin === 'boolean') {
        view.yourLogin = frame.yourLogin;
        if (frame.yourLogin) view.replaced = null;
      }
      break;
    case 'offer':
      mergeOffer(frame.contact);
      break;
    case 'offerWithdrawn':
      withdraw(frame.offerId);
      break;
    case 'screenPop':
      pops.put(frame);
      break;
    case 'replaced':
      view.yourLogin = false;
      view.replaced = frame.reason ? `Another login took over this agent (${frame.reason}).`
        : 'Another login took over this agent.';
      break;
    case 'ok':
      settle(frame, true);
      return;
    case 'error': {
      const entry = settle(frame, false);
      const what = entry ? `${entry.label} failed` : 'The server refused a message';
      const field = frame.field ? ` [${frame.field}]` : '';
      notice(`${what}: ${frame.message || frame.code}${field}${frame.code ? ` (${frame.code})` : ''}`);
      if (frame.code === 'not-your-login' && !view.replaced) {
        view.replaced = 'Another session holds this agent.';
      }
      break;
    }
    case 'pong':
    default:
      return;
  }
  render();
}

function normaliseReasons(list) {
  if (!Array.isArray(list)) return [];
  return list.map((r) => {
    if (r && typeof r === 'object') {
      const value = r.reason || r.id || r.code || r.name;
      return { value: String(value), label: String(r.label || r.name || value) };
    }
    return { value: String(r), label: String(r) };
  }).filter((r) => r.value);
}

function fillPauseReasons() {
  const select = $('#pause-reason');
  const current = select.value;
  select.replaceChildren(...view.pauseReasons.map((r) => new Option(r.label, r.value)));
  if (view.pauseReasons.some((r) => r.value === current)) select.value = current;
}

function mergeOffer(contact) {
  if (!contact || !view.agent) return;
  const list = Array.isArray(view.agent.contacts) ? view.agent.contacts : [];
  if (!list.some((c) => c.offerId === contact.offerId && c.phase === contact.phase)) {
    view.agent = { ...view.agent, contacts: [...list.filter((c) => c.offerId !== contact.offerId), contact] };
  }
}

function withdraw(offerId) {
  if (!view.agent) return;
  const list = Array.isArray(view.agent.contacts) ? view.agent.contacts : [];
  const gone = list.find((c) => c.offerId === offerId && c.phase === 'RESERVED');
  view.agent = { ...view.agent, contacts: list.filter((c) => !(c.offerId === offerId && c.phase === 'RESERVED')) };
  if (view.pendingOffer === offerId) view.pendingOffer = null;
  if (gone && !view.declined.has(offerId)) {
    notice(`The call from ${gone.callerNumber || 'the caller'} stopped ringing here (answered elsewhere, hung up or timed out).`, 'info');
  }
  view.declined.delete(offerId);
}

// ---- heartbeat ---------------------------------------------------------------------------------

let heartbeatTimer = null;

function startHeartbeat() {
  stopHeartbeat();
  const period = view.heartbeatSeconds * 1000;
  heartbeatTimer = setInterval(() => {
    // Nothing from the server for three periods (not even a pong): the socket is dead.
    if (Date.now() - socket.lastReceived > 3 * period) {
      socket.recycle();
      return;
    }
    socket.send({ type: 'ping' });
  }, period);
}

function stopHeartbeat() {
  clearInterval(heartbeatTimer);
  heartbeatTimer = null;
}

// ---- ringing: sound, title, notification --------------------------------------------------------

let audio = null;
let ringTimer = null;
let titleTimer = null;
let ringingOfferId = null;
let notification = null;

function audioContext() {
  if (!audio) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    audio = new Ctx();
    audio.addEventListener('statechange', updateSoundHint);
  }
  return audio;
}

function unlockAudio() {
  const ctx = audioContext();
  if (ctx && ctx.state === 'suspended') ctx.resume().then(updateSoundHint, updateSoundHint);
  updateSoundHint();
}

function updateSoundHint() {
  const blocked = Boolean(ringingOfferId) && (!audio || audio.state !== 'running');
  show($('#sound-hint'), blocked);
  document.body.dataset.sound = audio ? audio.state : 'none';
}

/** One ring burst: two short trills of a two-tone chord, like a desk phone. */
function ringBurst() {
  const ctx = audioContext();
  if (!ctx || ctx.state !== 'running') return;
  const master = ctx.createGain();
  master.gain.value = 0.18;
  master.connect(ctx.destination);
  const start = ctx.currentTime + 0.02;
  for (const offset of [0, 0.5]) {
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, start + offset);
    gain.gain.linearRampToValueAtTime(1, start + offset + 0.02);
    gain.gain.setValueAtTime(1, start + offset + 0.38);
    gain.gain.linearRampToValueAtTime(0, start + offset + 0.4);
    gain.connect(master);
    for (const frequency of [880, 1100]) {
      const osc = ctx.createOscillator();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      // A 20 Hz warble makes it a ring rather than a beep.
      const lfo = ctx.createOscillator();
      const depth = ctx.createGain();
      lfo.frequency.value = 20;
      depth.gain.value = frequency * 0.03;
      lfo.connect(depth).connect(osc.frequency);
      osc.connect(gain);
      osc.start(start + offset);
      lfo.start(start + offset);
      osc.stop(start + offset + 0.42);
      lfo.stop(start + offset + 0.42);
    }
  }
  setTimeout(() => master.disconnect(), 1500);
}

function startRinging(offer) {
  if (ringingOfferId === offer.offerId) return;
  stopRinging();
  ringingOfferId = offer.offerId;
  document.body.dataset.ringing = 'true';
  unlockAudio();
  ringBurst();
  ringTimer = setInterval(ringBurst, 2500);
  let flip = false;
  document.title = '☎ Incoming call…';
  titleTimer = setInterval(() => {
    flip = !flip;
    document.title = flip ? `☎ ${offer.callerNumber || 'Incoming call'}` : '☎ Incoming call…';
  }, 800);
  if ('Notification' in window && Notification.permission === 'granted' && document.hidden) {
    try {
      notification = new Notification('☎ Incoming call', {
        body: [offer.callerNumber, offer.companyName, offer.queueName].filter(Boolean).join(' · '),
        requireInteraction: true,
        tag: 'switchboard-offer',
      });
      notification.onclick = () => { window.focus(); notification.close(); };
    } catch { notification = null; }
  }
  $('#accept').focus();
  updateSoundHint();
}

function stopRinging() {
  if (!ringingOfferId) return;
  ringingOfferId = null;
  clearInterval(ringTimer);
  clearInterval(titleTimer);
  delete document.body.dataset.ringing;
  if (notification) { notification.close(); notification = null; }
  updateSoundHint();
}

function requestNotificationPermission() {
  if ('Notification' in window && Notification.permission === 'default') {
    Notification.requestPermission().catch(() => {});
  }
}

// ---- rendering ---------------------------------------------------------------------------------

let noticeTimer = null;

function notice(text, kind = 'error') {
  const box = $('#notice');
  box.className = `notice ${kind}`;
  box.dataset.kind = kind;
  setText($('#notice-text'), text);
  show(box, true);
  clearTimeout(noticeTimer);
  // Information goes away by itself; errors stay until dismissed.
  if (kind === 'info') noticeTimer = setTimeout(dismissNotice, 8000);
}

function dismissNotice() {
  clearTimeout(noticeTimer);
  show($('#notice'), false);
}

function render() {
  const a = view.agent;
  const status = a ? a.status : null;
  const mine = view.yourLogin;
  const connected = view.welcomed && socket.open;

  if (a) setText($('#agent-name'), a.name || a.agentId);
  const pill = $('#status');
  pill.dataset.status = status || '';
  setText(pill, status ? STATUS_LABELS[status] || status : '—');
  setText($('#pause-reason-shown'), status === 'PAUSED' && a.pauseReason ? a.pauseReason : '');
  setText($('#handled-today'), a && a.handledToday !== undefined ? a.handledToday : '—');
  const groups = a && Array.isArray(a.groups) ? a.groups : [];
  // Once logged in, groups this login does not cover are marked (login with a subset of groups).
  const loggedIn = status && status !== 'LOGGED_OUT';
  setText($('#groups'), groups.length
    ? `Answer groups: ${groups.map((g) => `${g.queueName || g.queue}${loggedIn && g.loggedIn === false ? ' (not logged in)' : ''}`).join(', ')}`
    : '');

  show($('#replaced'), Boolean(view.replaced));
  setText($('#replaced-text'), view.replaced
    ? `${view.replaced} Commands from this window are refused until you take over here.` : '');

  // Buttons: what fits the state (the server decides in the end; a refusal shows as a notice).
  const canCommand = connected && mine;
  $('#login').disabled = !connected || (mine && status !== 'LOGGED_OUT');
  $('#ready').disabled = !canCommand || status !== 'PAUSED';
  $('#pause').disabled = !canCommand || !['READY', 'PAUSED'].includes(status);
  $('#pause-reason').disabled = !canCommand || view.pauseReasons.length === 0;
  $('#logout').disabled = !canCommand || !['READY', 'PAUSED'].includes(status);
  setText($('#login'), mine && status !== 'LOGGED_OUT' ? 'Logged in' : 'Log in');

  const offer = canCommand || !view.replaced ? ringingOffer() : null;
  show($('#offer'), Boolean(offer));
  if (offer) {
    setText($('#offer-caller'), offer.callerNumber || 'Unknown number');
    setText($('#offer-company'), offer.companyName || offer.company || '');
    setText($('#offer-queue'), offer.queueName || offer.queue || '');
    setText($('#offer-dialled'), offer.dialledNumber || '');
    customerNumber('offer', offer.customerNumber);
    const busy = view.pendingOffer === offer.offerId;
    $('#accept').disabled = busy || !canCommand;
    $('#decline').disabled = busy || !canCommand;
    $('#offer').dataset.offerId = offer.offerId;
    startRinging(offer);
  } else {
    stopRinging();
  }

  const call = contacts('BUSY')[0];
  show($('#call'), Boolean(call));
  if (call) {
    const pop = call.screenPop || {};
    $('#call').dataset.callId = call.callId;
    setText($('#call-caller'), call.callerNumber || pop.callerNumber || 'Unknown number');
    setText($('#call-company'), call.companyName || pop.companyName || call.company || '');
    setText($('#call-queue'), call.queueName || call.queue || '');
    setText($('#call-answering-point'), call.answeringPointName || pop.answeringPointName || call.answeringPoint || '');
    setText($('#call-dialled'), call.dialledNumber || '');
    customerNumber('call', call.customerNumber || pop.customerNumber);
    setText($('#call-waiting'), waited(call));
    const answering = pops.get(call.offerId);
    setText($('#call-greeting'), (answering && answering.greeting) || pop.greeting || '');
    setText($('#screen-pop-details'), [pop.companyName, pop.answeringPointName].filter(Boolean).join(' · '));
    $('#end-call').disabled = !canCommand;
    $('#transfer-go').disabled = !canCommand;
  }

  const wrap = contacts('WRAP_UP')[0];
  const inWrapUp = Boolean(wrap) || status === 'WRAP_UP';
  show($('#wrap-up'), inWrapUp);
  if (inWrapUp) {
    setText($('#wrap-up-call'), wrap
      ? `After the call from ${wrap.callerNumber || 'unknown'} (${wrap.companyName || wrap.company || ''}, ${wrap.queueName || wrap.queue || ''}).`
      : 'After the call.');
    $('#wrap-up-done').disabled = !canCommand;
  }

  renderScreenPop();

  if (!ringingOfferId) {
    document.title = status ? `${STATUS_LABELS[status] || status} — ${BASE_TITLE}` : BASE_TITLE;
  }
  tick();
}

/**
 * The screen pop of the call in hand (ringing, talking or in wrap-up). Once the call is over its
 * pop stays until the agent closes it or the next call comes; a call without one hides it.
 */
function renderScreenPop() {
  const current = ringingOffer() || contacts('BUSY')[0] || contacts('WRAP_UP')[0] || null;
  const pop = current ? pops.get(current.offerId) : null;
  if (pop) popPanel.show(pop, current.phase);
  else if (current) popPanel.hide();
  else if (popPanel.pop) popPanel.show(popPanel.pop, null);
  // The call panel's short greeting only while there is no screen pop: it says the same.
  show($('#screen-pop'), !popPanel.visible);
}

/** The customer number the caller keyed in (ACD-10), shown only when there is one. */
function customerNumber(panel, number) {
  setText($(`#${panel}-customer-number`), number || '');
  show($(`#${panel}-customer-number-label`), Boolean(number));
  show($(`#${panel}-customer-number`), Boolean(number));
}

function waited(contact) {
  const from = Date.parse(contact.virtualStartAt || contact.enqueuedAt);
  const to = Date.parse(contact.since);
  return Number.isNaN(from) || Number.isNaN(to) ? '—' : formatDuration(to - from);
}

/** The parts that move with the clock. */
function tick() {
  const a = view.agent;
  setText($('#time-in-state'), a && a.statusSince ? formatDuration(since(a.statusSince)) : '—');
  const offer = ringingOffer();
  if (offer && !$('#offer').hidden) {
    const left = until(offer.deadline);
    setText($('#offer-countdown'), left === null ? '' : `Rings for ${formatDuration(left)} more`);
    // Waiting time of an offer: since − virtualStartAt (docs), and it keeps growing while it rings.
    const start = offer.virtualStartAt || offer.enqueuedAt;
    setText($('#offer-waiting'), start ? formatDuration(since(start)) : '—');
  }
  const call = contacts('BUSY')[0];
  if (call && !$('#call').hidden) setText($('#call-talk'), formatDuration(since(call.since)));
  if (!$('#wrap-up').hidden) {
    const wrap = contacts('WRAP_UP')[0];
    const left = wrap ? until(wrap.deadline) : null;
    setText($('#wrap-up-countdown'), left === null
      ? 'Wrap-up lasts until you end it'
      : `Wrap-up ends by itself in ${formatDuration(left)}`);
  }
}

// ---- input ---------------------------------------------------------------------------------------

$('#login').addEventListener('click', () => actions.login());
$('#take-over').addEventListener('click', () => actions.login());
$('#ready').addEventListener('click', () => actions.ready());
$('#pause').addEventListener('click', () => actions.pause());
$('#logout').addEventListener('click', () => actions.logout());
$('#accept').addEventListener('click', () => actions.accept());
$('#decline').addEventListener('click', () => actions.decline());
$('#end-call').addEventListener('click', () => actions.endCall());
$('#transfer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const r = await actions.transfer($('#transfer-to').value);
  if (r.ok) $('#transfer-to').value = '';
});
$('#wrap-up-done').addEventListener('click', () => actions.wrapUpDone());
$('#notice-dismiss').addEventListener('click', dismissNotice);
$('#enable-sound').addEventListener('click', unlockAudio);
$('#sign-out').addEventListener('click', async () => {
  const status = view.agent && view.agent.status;
  if (view.yourLogin && ['RESERVED', 'BUSY', 'WRAP_UP'].includes(status)
      && !window.confirm('You have a contact. Sign out anyway? You stay logged in to your queues until it is over.')) {
    return;
  }
  // Leave the queues first so no call rings at an empty desk.
  if (view.yourLogin && ['READY', 'PAUSED'].includes(status)) await actions.logout();
  socket.stop();
  await signOut();
});

// Browsers allow sound only after a gesture on the page: any click or key unlocks it.
document.addEventListener('pointerdown', unlockAudio, { capture: true });
document.addEventListener('keydown', unlockAudio, { capture: true });

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  // The transfer question is modal: its own buttons and Esc answer it.
  if ($('#confirm').open) return;
  const offer = ringingOffer();
  const typing = event.target && event.target.tagName === 'TEXTAREA';
  if (event.key === 'Enter' && offer && !$('#offer').hidden && !typing) {
    event.preventDefault();
    actions.accept();
    return;
  }
  if (event.key === 'Escape') {
    if (offer && !$('#offer').hidden) {
      event.preventDefault();
      actions.decline();
    } else if (!$('#notice').hidden) {
      dismissNotice();
    }
    return;
  }
  const target = event.target;
  if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
  // Numpad + (or +) jumps to the staff search while a call's screen pop is up (ANS-4).
  if ((event.key === '+' || event.code === 'NumpadAdd') && popPanel.visible && popPanel.phase) {
    event.preventDefault();
    popPanel.focusSearch();
    return;
  }
  const key = event.code && event.code.startsWith('Numpad') ? event.code.slice(6) : event.key;
  const button = { 1: '#ready', 2: '#pause', 3: '#end-call', 4: '#wrap-up-done' }[key];
  if (!button) return;
  event.preventDefault();
  if ($(button).disabled) return;
  if (key === '1') actions.ready();
  else if (key === '2') actions.pause(view.pauseReasons[0] && view.pauseReasons[0].value);
  else if (key === '3') actions.endCall();
  else if (key === '4') actions.wrapUpDone();
});

// ---- start ---------------------------------------------------------------------------------------

async function start() {
  const user = await signedInUser(start, notice, u => {
    if (roles(u).includes('agent') && u.agentId) return null;
    onStatus('Not an agent', 'error');
    return `The account ${u.username} is not an agent: the desktop needs the agent role and an agent.`;
  });
  if (!user) return;
  setText($('#agent-name'), user.name || user.agentId);
  render();
  socket.start();
  setInterval(tick, 250);
}

window.addEventListener('pagehide', () => socket.stop());
window.addEventListener('pageshow', (event) => { if (event.persisted) socket.start(); });
render();
start();

// For tests and debugging: the current view (read only).
window.switchboardAgent = { get view() { return view; }, get screenPop() { return popPanel.pop; } };
