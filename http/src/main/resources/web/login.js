// Sign-in page: POST /api/v1/session, then on to the desktop, the wallboard or the customer portal by role.
import { api, currentUser, homeFor, roles, humanSeconds, $, setText, show } from './common.js';

const form = $('#login-form');
const button = $('#sign-in');
const errorBox = $('#login-error');
const errorText = $('#login-error-text');
let lockTimer = null;

/** Whether the user's roles let them use a page of this site. */
function allowed(page, user) {
  const rs = roles(user);
  if (page === 'agent.html') return rs.includes('agent') && Boolean(user.agentId);
  if (page === 'wallboard.html' || page === 'testcall.html' || page === 'statistics.html') return rs.includes('supervisor') || rs.includes('admin');
  if (page === 'portal.html') return rs.includes('client');
  return false;
}

/** Back to the page that sent us here (only a page of this site), else home by role. */
function nextPage(user) {
  const next = new URLSearchParams(location.search).get('next');
  if (next && /^[a-z][a-z0-9-]*\.html(\?[^#]*)?$/i.test(next) && allowed(next.split('?')[0], user)) return next;
  return homeFor(user);
}

function fail(message) {
  clearInterval(lockTimer);
  setText(errorText, message);
  show(errorBox, true);
}

function go(user) {
  const target = nextPage(user);
  if (!target) {
    fail(`Signed in as ${user.username}, but this account has neither the agent role (with an agent), the supervisor or admin role, nor the client role.`);
    return;
  }
  location.replace(target);
}

function locked(retryAfterSeconds) {
  clearInterval(lockTimer);
  const until = Date.now() + retryAfterSeconds * 1000;
  const render = () => {
    const left = (until - Date.now()) / 1000;
    if (left <= 0) {
      clearInterval(lockTimer);
      setText(errorText, 'The account is unlocked again: you can try to sign in.');
      return;
    }
    setText(errorText, `Account locked after too many failed sign-ins. Try again in ${humanSeconds(left)}.`);
  };
  render();
  show(errorBox, true);
  lockTimer = setInterval(render, 1000);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = $('#username').value.trim();
  const password = $('#password').value;
  if (!username || !password) {
    fail('Enter your username and password.');
    return;
  }
  button.disabled = true;
  setText(button, 'Signing in…');
  try {
    const r = await api('POST', '/session', { username, password });
    if (r.ok) {
      go(r.data.user || r.data);
      return;
    }
    const error = r.data && r.data.error ? String(r.data.error) : '';
    if (r.data && (error.toLowerCase().includes('locked') || r.data.retryAfterSeconds !== undefined)) {
      locked(Number(r.data.retryAfterSeconds) || 0);
    } else if (r.status === 401) {
      fail('Invalid username or password.');
      $('#password').select();
    } else if (r.status === 0) {
      fail('The server cannot be reached. Check the connection and try again.');
    } else {
      fail(`Sign-in failed: ${r.error}`);
    }
  } finally {
    button.disabled = false;
    setText(button, 'Sign in');
  }
});

// Already signed in? Straight on.
currentUser().then((user) => { if (user) go(user); }).catch(() => { /* stay on the form */ });
