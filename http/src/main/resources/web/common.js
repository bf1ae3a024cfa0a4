// Shared helpers for the Switchboard web pages: REST calls, the session, server-clock
// correction, duration formatting, a reconnecting WebSocket and safe DOM building.
// Everything is built with textContent / DOM nodes, never innerHTML with server data.

export const API = 'api/v1';

/** How agent states read on the desktop and the wallboard. */
export const STATUS_LABELS = {
  LOGGED_OUT: 'Logged out',
  READY: 'Ready',
  RESERVED: 'Ringing',
  BUSY: 'On call',
  WRAP_UP: 'Wrap-up',
  PAUSED: 'Paused',
};

/** Calls the REST API (relative to the page, so the node can serve the pages at any base). */
export async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`${API}${path}`, init);
  } catch (e) {
    return { status: 0, ok: false, data: null, error: 'The server cannot be reached.' };
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = { error: text }; }
  }
  return {
    status: response.status,
    ok: response.ok,
    data,
    error: response.ok ? null : describeError(response.status, data),
  };
}

function describeError(status, data) {
  const message = data && (data.error || data.message);
  if (message) return `${message}${data.field ? ` (${data.field})` : ''}`;
  if (status === 401) return 'Not signed in.';
  if (status === 403) return 'Not allowed for this account.';
  if (status === 404) return 'Not found.';
  return `The server answered ${status}.`;
}

/** The signed-in user, or null (401). Throws on other failures. */
export async function currentUser() {
  const r = await api('GET', '/session');
  if (r.status === 401) return null;
  if (!r.ok) throw new Error(r.error);
  return r.data && r.data.user ? r.data.user : r.data;
}

export function roles(user) {
  return (user && Array.isArray(user.roles) ? user.roles : []).map((r) => String(r).toLowerCase());
}

/** Where a user belongs after signing in. */
/**
 * The signed-in user if they may use this page, else null: shows why (through {@code tell}),
 * sends the signed-out to the sign-in page, and tries again later when the server was not
 * reachable ({@code retry}). {@code allowed(user)} returns null when allowed, else the reason.
 */
export async function signedInUser(retry, tell, allowed) {
  let user;
  try {
    user = await currentUser();
  } catch (e) {
    tell(`Could not check the session: ${e.message}`);
    setTimeout(retry, 3000);
    return null;
  }
  if (!user) {
    toLogin();
    return null;
  }
  setText($('#user-name'), user.name || user.username);
  const refusal = allowed(user);
  if (refusal) {
    tell(refusal);
    return null;
  }
  return user;
}

/** The reason a user without the supervisor or admin role may not open {@code what}, or null. */
export function supervisorsOnly(what) {
  return user => {
    const rs = roles(user);
    return rs.includes('supervisor') || rs.includes('admin') ? null
      : `The account ${user.username} may not open the ${what} (supervisor or admin role needed).`;
  };
}

export function homeFor(user) {
  const rs = roles(user);
  if (rs.includes('agent') && user.agentId) return 'agent.html';
  if (rs.includes('supervisor') || rs.includes('admin')) return 'wallboard.html';
  if (rs.includes('client')) return 'portal.html';
  return null;
}

/** Sends a page that needs a session to the login page (coming back here afterwards). */
export function toLogin() {
  const here = location.pathname.split('/').pop() + location.search;
  location.replace(`index.html?next=${encodeURIComponent(here)}`);
}

export async function signOut() {
  await api('DELETE', '/session');
  location.replace('index.html');
}

// ---- server clock ----------------------------------------------------------------------------
// Timestamps come from the server; a desktop whose clock is off by some seconds would show
// wrong times in state and countdowns. Every frame with a server instant (`at`) adjusts the
// estimated offset (server − local), trusting the smallest one seen recently (the least delayed).
let clockOffset = 0;
let offsetSamples = [];

export function noteServerTime(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return;
  offsetSamples.push(t - Date.now());
  if (offsetSamples.length > 8) offsetSamples.shift();
  // The server instant is earlier than our receive time by the transit delay, so the largest
  // sample (least delayed) is the best estimate.
  clockOffset = Math.max(...offsetSamples);
}

export function serverNow() {
  return Date.now() + clockOffset;
}

/** Milliseconds from an ISO instant to now (server clock); null when absent. */
export function since(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : serverNow() - t;
}

/** Milliseconds from now to an ISO instant; null when absent. */
export function until(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t - serverNow();
}

/** 0:07, 1:05, 1:02:03 — never negative. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  let s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

export function formatSeconds(seconds) {
  return seconds === null || seconds === undefined ? '—' : formatDuration(seconds * 1000);
}

/** Durations for humans in notices: "3 min", "45 s", "1 h 5 min". */
export function humanSeconds(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

// ---- DOM -------------------------------------------------------------------------------------

/** el('div', {class: 'x', dataset: {field: 'y'}}, 'text', child) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Sets text only when it changed (keeps ticking cheap and selection stable). */
export function setText(node, text) {
  const value = text === null || text === undefined ? '' : String(text);
  if (node && node.textContent !== value) node.textContent = value;
}

export function show(node, visible) {
  if (node) node.hidden = !visible;
}

// ---- WebSocket with reconnect -----------------------------------------------------------------

export function wsUrl(path) {
  // The socket lives under the same directory as the page.
  const base = location.pathname.replace(/[^/]*$/, '');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${base}${path}`;
}

/**
 * A WebSocket that reconnects with exponential backoff (0.5 s doubling to 15 s, with jitter).
 * Before reconnecting it checks the session: a socket refused for a missing session (401 before
 * the upgrade) cannot be told apart from a dropped one, so an ended session sends the user to
 * the login page instead of retrying forever.
 *
 * handlers: onOpen(), onMessage(frame), onClose(willRetryInMs), onStatus(text, kind)
 */
export class ReconnectingSocket {
  constructor(path, handlers) {
    this.url = wsUrl(path);
    this.handlers = handlers;
    this.attempt = 0;
    this.socket = null;
    this.stopped = false;
    this.timer = null;
    this.lastReceived = 0;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close(1000, 'page closed');
  }

  get open() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(frame) {
    if (!this.open) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Gave up on the current socket (e.g. heartbeat silence): close it and reconnect. */
  recycle() {
    if (this.socket) {
      try { this.socket.close(4000, 'no heartbeat'); } catch { /* already closing */ }
    }
  }

  connect() {
    clearTimeout(this.timer);
    this.status(this.attempt === 0 ? 'Connecting…' : 'Reconnecting…', 'pending');
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      this.lastReceived = Date.now();
      this.status('Connected', 'ok');
      if (this.handlers.onOpen) this.handlers.onOpen();
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.socket) return;
      this.lastReceived = Date.now();
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      if (frame && typeof frame === 'object') {
        if (frame.at) noteServerTime(frame.at);
        this.attempt = 0;
        this.handlers.onMessage(frame);
      }
    });
    socket.addEventListener('close', () => {
      if (socket !== this.socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.scheduleReconnect();
    });
    socket.addEventListener('error', () => { /* a close event follows */ });
  }

  async scheduleReconnect() {
    const delay = Math.min(15000, 500 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt = Math.min(this.attempt + 1, 6);
    if (this.handlers.onClose) this.handlers.onClose(delay);
    this.status(`Disconnected — reconnecting in ${Math.ceil(delay / 1000)} s`, 'error');
    // Session gone? Then the socket will never come back: go and sign in.
    const session = await api('GET', '/session');
    if (session.status === 401) {
      toLogin();
      return;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  status(text, kind) {
    if (this.handlers.onStatus) this.handlers.onStatus(text, kind);
  }
}

/** Shows the connection state in an element (`#connection`). */
export function connectionIndicator(node) {
  return (text, kind) => {
    setText(node, text);
    if (node) node.dataset.state = kind;
  };
}
