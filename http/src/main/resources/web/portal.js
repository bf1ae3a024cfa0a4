// The customer portal (ANS-8, docs/answering-service.md): a client's own staff keep their
// contacts, redirects and current exceptions up to date and read the messages taken for them.
// Only for users with the role client; their companies come with the session
// (GET /api/v1/session → companies), everything else from /api/v1/companies/{id}/….
import { api, roles, signOut, signedInUser, el, $, setText, show } from './common.js';
import { REASON_LABELS, redirectStatus, activeRedirect, fold } from './screenpop.js';

const state = {
  companies: [],   // [{id, name}]
  company: null,   // id
  card: null,      // GET …/card
  contacts: [],    // ContactView
  editing: null,   // contact id being edited, '' when adding
  redirecting: null, // contact id whose redirect form is open
};

// ---- helpers --------------------------------------------------------------------------------------

function notice(text, kind = 'error') {
  const box = $('#notice');
  box.className = `notice ${kind}`;
  setText($('#notice-text'), text);
  show(box, true);
  if (kind === 'info') setTimeout(() => { if ($('#notice-text').textContent === text) show(box, false); }, 6000);
}

function base() {
  return `/companies/${encodeURIComponent(state.company)}`;
}

function formError(id, text) {
  setText($(id), text || '');
  show($(id), Boolean(text));
}

function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function isoOf(local) {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

function fillReasons(select) {
  select.replaceChildren(...Object.entries(REASON_LABELS).map(([value, label]) => new Option(label, value)));
}

/** An id from a name: "Sofia Åström" → "sofia-astrom". */
function idFrom(name) {
  return fold(name).replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 64);
}

// ---- loading --------------------------------------------------------------------------------------

async function loadCompanies(user) {
  const ids = Array.isArray(user.companies) ? user.companies : [];
  if (ids.length === 0) {
    notice(`The account ${user.username} is linked to no company. Ask the answering service to add one.`);
    return;
  }
  state.companies = await Promise.all(ids.map(async (id) => {
    const r = await api('GET', `/companies/${encodeURIComponent(id)}/card`);
    return { id, name: r.ok && r.data ? r.data.name : id };
  }));
  const select = $('#company');
  select.replaceChildren(...state.companies.map((c) => new Option(c.name, c.id)));
  const wanted = new URLSearchParams(location.search).get('company');
  select.value = state.companies.some((c) => c.id === wanted) ? wanted : state.companies[0].id;
  await choose(select.value);
}

async function choose(id) {
  state.company = id;
  state.editing = null;
  state.redirecting = null;
  show($('#contact-form'), false);
  show($('#contact-redirect-form'), false);
  const name = (state.companies.find((c) => c.id === id) || {}).name || id;
  setText($('#company-title'), name);
  document.title = `${name} — Switchboard customer portal`;
  await Promise.all([loadCard(), loadContacts(), loadMessages(), loadCalls()]);
}

async function loadCard() {
  const r = await api('GET', `${base()}/card`);
  if (!r.ok) {
    notice(`Could not read the company: ${r.error}`);
    return;
  }
  state.card = r.data;
  renderCompany();
  renderExceptions();
}

async function loadContacts() {
  // The export lists every contact (the search answers at most 200).
  const r = await api('GET', `${base()}/contacts/export?format=json`);
  if (!r.ok) {
    notice(`Could not read the contacts: ${r.error}`);
    return;
  }
  state.contacts = (Array.isArray(r.data) ? r.data : []).sort((a, b) => a.name.localeCompare(b.name));
  renderContacts();
}

async function loadMessages() {
  const r = await api('GET', `${base()}/messages?limit=200`);
  const body = $('#messages tbody');
  if (!r.ok) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: 8 }, `Messages cannot be shown now: ${r.error}`)));
    show($('#messages-empty'), false);
    return;
  }
  const rows = Array.isArray(r.data) ? r.data : [];
  body.replaceChildren(...rows.map((m) => el('tr', { dataset: { message: m.messageId } },
    el('td', {}, when(m.takenAt)),
    el('td', {}, m.recipientName || m.contact || '—'),
    el('td', {}, [m.callerName, m.callerCompany].filter(Boolean).join(', ') || '—'),
    el('td', {}, m.callerNumber || '—'),
    el('td', { dataset: { field: 'text' } }, m.text || ''),
    el('td', {}, ({ 'call-back': 'Call back', 'will-call-again': 'Will call again', 'for-information': 'Information' })[m.callBack] || m.callBack || '—'),
    el('td', { dataset: { field: 'email' } }, m.emailTo ? `${m.emailStatus || '—'} (${m.emailTo})` : '—'),
    el('td', { dataset: { field: 'sms' } }, m.smsTo ? `${m.smsStatus || '—'} (${m.smsTo})` : '—'))));
  show($('#messages-empty'), rows.length === 0);
}

function seconds(ms) {
  return ms == null ? '—' : `${Math.round(ms / 1000)} s`;
}

const OUTCOMES = { completed: 'answered', abandoned: 'caller hung up', closed: 'closed', overflowed: 'overflowed',
  blocked: 'blocked', open: 'in progress' };

async function loadCalls() {
  const r = await api('GET', `${base()}/calls?limit=200`);
  const body = $('#calls tbody');
  if (!r.ok) {
    setText($('#calls-summary'), `Call figures cannot be shown now: ${r.error}`);
    body.replaceChildren();
    return;
  }
  const s = r.data.summary;
  const parts = s.outcomes.map((o) => `${o.calls} ${OUTCOMES[o.outcome] || o.outcome}`);
  setText($('#calls-summary'), `${s.calls} calls${parts.length ? ': ' + parts.join(', ') : ''}; `
    + `${s.messages} messages taken.`);
  const rows = (r.data.calls || []).slice().reverse();
  body.replaceChildren(...rows.map((c) => el('tr', { dataset: { call: c.callId } },
    el('td', {}, when(c.arrivedAt)),
    el('td', {}, c.callerNumber || '—'),
    el('td', {}, OUTCOMES[c.outcome] || c.outcome || 'in progress'),
    el('td', {}, seconds(c.waitMs)),
    el('td', {}, seconds(c.talkMs)))));
}

// ---- the company and its redirect --------------------------------------------------------------

function renderCompany() {
  const card = state.card;
  const r = card && card.redirect && activeRedirect({ redirect: card.redirect });
  setText($('#company-summary'), card ? `${card.contactCount} contacts` : '');
  const status = $('#company-redirect-status');
  setText(status, r ? `Away: ${redirectStatus(r)}. Agents tell every caller so.` : 'Not set: calls are handled by your standard instruction.');
  status.className = `status-text ${r ? 'away' : 'available'}`;
  $('#company-redirect-reason').value = r ? r.reason : 'off';
  $('#company-redirect-until').value = r && r.until ? localInput(r.until) : '';
  $('#company-redirect-note').value = r && r.note ? r.note : '';
  $('#company-redirect-clear').disabled = !r;
}

async function saveCompanyRedirect() {
  const until = isoOf($('#company-redirect-until').value);
  if (until === undefined) return formError('#company-redirect-error', 'Until is not a date and time.');
  const r = await api('PUT', `${base()}/redirect`, {
    reason: $('#company-redirect-reason').value, until, note: $('#company-redirect-note').value.trim() || null,
  });
  if (!r.ok) return formError('#company-redirect-error', r.error);
  formError('#company-redirect-error', null);
  notice('The whole company is set away.', 'info');
  return loadCard();
}

async function clearCompanyRedirect() {
  const r = await api('DELETE', `${base()}/redirect`);
  if (!r.ok) return formError('#company-redirect-error', r.error);
  formError('#company-redirect-error', null);
  notice('The company redirect is cleared.', 'info');
  return loadCard();
}

// ---- contacts ---------------------------------------------------------------------------------

function renderContacts() {
  const body = $('#contacts tbody');
  body.replaceChildren(...state.contacts.map((c) => {
    const r = activeRedirect(c);
    return el('tr', { dataset: { contact: c.id } },
      el('th', { scope: 'row' }, c.name, c.kind === 'department' ? el('span', { class: 'badge' }, ' Department') : null),
      el('td', {}, [c.title, c.department].filter(Boolean).join(', ') || '—'),
      el('td', {}, [...(c.phones || []), c.mobile ? `mobile ${c.mobile}` : null].filter(Boolean).join(', ') || '—'),
      el('td', {}, c.email || '—'),
      el('td', { class: `status-text ${r ? 'away' : 'available'}`, dataset: { field: 'status' } }, r ? redirectStatus(r) : 'Available'),
      el('td', { class: 'actions-cell' },
        el('button', { type: 'button', dataset: { action: 'edit' }, 'aria-label': `Edit ${c.name}` }, 'Edit'),
        el('button', { type: 'button', dataset: { action: 'redirect' }, 'aria-label': `Set redirect for ${c.name}` },
          r ? 'Change redirect' : 'Set redirect'),
        r ? el('button', { type: 'button', dataset: { action: 'clear' }, 'aria-label': `Clear redirect of ${c.name}` }, 'Clear') : null,
        el('button', { type: 'button', class: 'bad', dataset: { action: 'delete' }, 'aria-label': `Delete ${c.name}` }, 'Delete')));
  }));
  setText($('#contacts-caption'), `${state.contacts.length} contacts; the agents see them with their status when your calls ring.`);
}

function openContactForm(contact) {
  state.editing = contact ? contact.id : '';
  show($('#contact-redirect-form'), false);
  setText($('#contact-form-title'), contact ? `Edit ${contact.name}` : 'Add contact');
  $('#contact-id').value = contact ? contact.id : '';
  $('#contact-id').disabled = Boolean(contact);
  $('#contact-id').dataset.auto = contact ? 'false' : 'true';
  $('#contact-name').value = contact ? contact.name : '';
  $('#contact-kind').value = contact ? contact.kind || 'person' : 'person';
  $('#contact-title').value = contact && contact.title ? contact.title : '';
  $('#contact-department').value = contact && contact.department ? contact.department : '';
  $('#contact-phones').value = contact && contact.phones ? contact.phones.join(', ') : '';
  $('#contact-mobile').value = contact && contact.mobile ? contact.mobile : '';
  $('#contact-email').value = contact && contact.email ? contact.email : '';
  $('#contact-greeting').value = contact && contact.greeting ? contact.greeting : '';
  $('#contact-handling').value = contact && contact.handling ? contact.handling : '';
  formError('#contact-error', null);
  show($('#contact-form'), true);
  $('#contact-name').focus();
}

async function saveContact() {
  const adding = state.editing === '';
  const id = $('#contact-id').value.trim();
  const name = $('#contact-name').value.trim();
  if (!name) return formError('#contact-error', 'The name is required.');
  if (!id) return formError('#contact-error', 'The id is required.');
  const body = {
    id,
    kind: $('#contact-kind').value,
    name,
    title: $('#contact-title').value.trim() || null,
    department: $('#contact-department').value.trim() || null,
    phones: $('#contact-phones').value.split(/[,;]/).map((p) => p.trim()).filter(Boolean),
    mobile: $('#contact-mobile').value.trim() || null,
    email: $('#contact-email').value.trim() || null,
    greeting: $('#contact-greeting').value.trim() || null,
    handling: $('#contact-handling').value.trim() || null,
  };
  const r = adding ? await api('POST', `${base()}/contacts`, body)
    : await api('PUT', `${base()}/contacts/${encodeURIComponent(id)}`, body);
  if (!r.ok) return formError('#contact-error', `Not saved: ${r.error}`);
  show($('#contact-form'), false);
  state.editing = null;
  notice(`${name} is ${adding ? 'added' : 'saved'}.`, 'info');
  await Promise.all([loadContacts(), loadCard()]);
  return undefined;
}

async function deleteContact(contact) {
  if (!window.confirm(`Delete ${contact.name}? The agents will no longer see this contact.`)) return;
  const r = await api('DELETE', `${base()}/contacts/${encodeURIComponent(contact.id)}`);
  if (!r.ok) {
    notice(`${contact.name} was not deleted: ${r.error}`);
    return;
  }
  notice(`${contact.name} is deleted.`, 'info');
  await Promise.all([loadContacts(), loadCard()]);
}

function openContactRedirect(contact) {
  state.redirecting = contact.id;
  show($('#contact-form'), false);
  const r = activeRedirect(contact);
  setText($('#contact-redirect-title'), `Redirect for ${contact.name}`);
  $('#contact-redirect-reason').value = r ? r.reason : 'lunch';
  $('#contact-redirect-until').value = r && r.until ? localInput(r.until) : '';
  $('#contact-redirect-note').value = r && r.note ? r.note : '';
  formError('#contact-redirect-error', null);
  show($('#contact-redirect-form'), true);
  $('#contact-redirect-reason').focus();
}

async function saveContactRedirect() {
  const id = state.redirecting;
  const until = isoOf($('#contact-redirect-until').value);
  if (until === undefined) return formError('#contact-redirect-error', 'Until is not a date and time.');
  const r = await api('PUT', `${base()}/contacts/${encodeURIComponent(id)}/redirect`, {
    reason: $('#contact-redirect-reason').value, until, note: $('#contact-redirect-note').value.trim() || null,
  });
  if (!r.ok) return formError('#contact-redirect-error', `Not saved: ${r.error}`);
  show($('#contact-redirect-form'), false);
  state.redirecting = null;
  notice('Redirect saved.', 'info');
  return loadContacts();
}

async function clearContactRedirect(contact) {
  const r = await api('DELETE', `${base()}/contacts/${encodeURIComponent(contact.id)}/redirect`);
  if (!r.ok) {
    notice(`The redirect of ${contact.name} was not cleared: ${r.error}`);
    return;
  }
  notice(`${contact.name} is available again.`, 'info');
  await loadContacts();
}

// ---- exceptions -------------------------------------------------------------------------------

function renderExceptions() {
  const list = state.card && state.card.profile && Array.isArray(state.card.profile.exceptions)
    ? state.card.profile.exceptions : [];
  const body = $('#exceptions tbody');
  if (list.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'None: your standard instruction applies.')));
    return;
  }
  body.replaceChildren(...list.map((e) => {
    const h = e.handling || {};
    return el('tr', { dataset: { exception: e.id } },
      el('th', { scope: 'row' }, e.id),
      el('td', {}, h.type === 'waitList' ? `Transfer to ${h.target}${h.fallback ? `, then ${h.fallback}` : ''}` : 'Take a message'),
      el('td', {}, h.text || '—'),
      el('td', {}, e.from ? when(e.from) : 'now'),
      el('td', {}, e.until ? when(e.until) : 'until removed'),
      el('td', { class: 'actions-cell' },
        el('button', { type: 'button', class: 'bad', dataset: { action: 'remove' }, 'aria-label': `Remove exception ${e.id}` }, 'Remove')));
  }));
}

async function addException() {
  const id = $('#exception-id').value.trim();
  if (!id) return formError('#exception-error', 'The id is required (e.g. staff-party).');
  const type = $('#exception-type').value;
  const from = isoOf($('#exception-from').value);
  const until = isoOf($('#exception-until').value);
  if (from === undefined || until === undefined) return formError('#exception-error', 'From and until must be dates and times.');
  const handling = { type, text: $('#exception-text').value.trim() || null };
  if (type === 'waitList') {
    handling.target = $('#exception-target').value.trim() || null;
    handling.fallback = $('#exception-fallback').value.trim() || null;
  }
  const r = await api('PUT', `${base()}/exceptions/${encodeURIComponent(id)}`, { id, handling, from, until });
  if (!r.ok) return formError('#exception-error', `Not added: ${r.error}`);
  formError('#exception-error', null);
  $('#exception-form').reset();
  showWaitList();
  notice(`Exception ${id} is added.`, 'info');
  return loadCard();
}

async function removeException(id) {
  const r = await api('DELETE', `${base()}/exceptions/${encodeURIComponent(id)}`);
  if (!r.ok) {
    notice(`Exception ${id} was not removed: ${r.error}`);
    return;
  }
  notice(`Exception ${id} is removed.`, 'info');
  await loadCard();
}

function showWaitList() {
  const waitList = $('#exception-type').value === 'waitList';
  for (const f of document.querySelectorAll('#exception-form [data-waitlist]')) show(f, waitList);
}

// ---- input ------------------------------------------------------------------------------------------

$('#notice-dismiss').addEventListener('click', () => show($('#notice'), false));
$('#sign-out').addEventListener('click', () => signOut());
$('#company').addEventListener('change', (event) => choose(event.target.value));
$('#company-redirect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  saveCompanyRedirect();
});
$('#company-redirect-clear').addEventListener('click', () => clearCompanyRedirect());
$('#contact-add').addEventListener('click', () => openContactForm(null));
$('#contact-cancel').addEventListener('click', () => {
  show($('#contact-form'), false);
  state.editing = null;
});
$('#contact-name').addEventListener('input', () => {
  if ($('#contact-id').dataset.auto === 'true') $('#contact-id').value = idFrom($('#contact-name').value);
});
$('#contact-id').addEventListener('input', () => { $('#contact-id').dataset.auto = 'false'; });
$('#contact-form').addEventListener('submit', (event) => {
  event.preventDefault();
  saveContact();
});
$('#contact-redirect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  saveContactRedirect();
});
$('#contact-redirect-cancel').addEventListener('click', () => {
  show($('#contact-redirect-form'), false);
  state.redirecting = null;
});
$('#contacts').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  const row = event.target.closest('tr[data-contact]');
  if (!button || !row) return;
  const contact = state.contacts.find((c) => c.id === row.dataset.contact);
  if (!contact) return;
  const action = button.dataset.action;
  if (action === 'edit') openContactForm(contact);
  else if (action === 'redirect') openContactRedirect(contact);
  else if (action === 'clear') clearContactRedirect(contact);
  else if (action === 'delete') deleteContact(contact);
});
$('#exception-type').addEventListener('change', showWaitList);
$('#exception-form').addEventListener('submit', (event) => {
  event.preventDefault();
  addException();
});
$('#exceptions').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action="remove"]');
  const row = event.target.closest('tr[data-exception]');
  if (button && row) removeException(row.dataset.exception);
});
$('#messages-refresh').addEventListener('click', () => loadMessages());
$('#calls-refresh').addEventListener('click', () => loadCalls());

// ---- start ----------------------------------------------------------------------------------------

fillReasons($('#company-redirect-reason'));
fillReasons($('#contact-redirect-reason'));

async function start() {
  const user = await signedInUser(start, notice, (u) => (roles(u).includes('client') ? null
    : `The account ${u.username} is not a client user: the customer portal is for the answering service's clients.`));
  if (!user) return;
  document.body.dataset.user = user.username;
  await loadCompanies(user);
  document.body.dataset.ready = 'true';
}

start();
