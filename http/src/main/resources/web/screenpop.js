// The answering agent's screen pop (ANS-2…ANS-16, docs/answering-service.md): the company's
// greeting, work instruction, FAQ, CRM links and recent calls, the staff list with their
// redirects (search, transfer, message, set redirect) and the message form. The desktop
// (agent.js) feeds it the `screenPop` frames of docs/agent-protocol.md and says which call
// phase it is in; everything here is built with DOM nodes, never innerHTML with server data.
import { api, el, $, setText, show, serverNow } from './common.js';

export const SOURCE_LABELS = {
  exception: 'Exception',
  'company-redirect': 'Company redirect',
  'out-of-hours': 'Out of hours',
  contact: "Contact's own",
  standard: 'Standard',
  none: 'No instruction',
};
export const REASON_LABELS = {
  lunch: 'Lunch', meeting: 'Meeting', vacation: 'Vacation', sick: 'Sick', off: 'Off', other: 'Away',
};
const REASON_PHRASES = {
  lunch: 'at lunch', meeting: 'in a meeting', vacation: 'on vacation', sick: 'off sick', off: 'off work', other: 'away',
};
const PHASE_LABELS = { RESERVED: 'Ringing', BUSY: 'On call', WRAP_UP: 'Wrap-up' };
const CHANNEL_LABELS = { email: 'e-mail', sms: 'SMS' };
/** Rows drawn at most; the search narrows a longer list (the whole list is searched). */
export const MAX_ROWS = 100;
const STORAGE_PREFIX = 'switchboard.screenPop.';
const KEEP_POPS = 6;

// ---- pure helpers (exported for tests and the console) ------------------------------------------

/** Lower case without accents: "Åström" and "astrom" match, so do "Öberg" and "oberg". */
export function fold(text) {
  return String(text === null || text === undefined ? '' : text)
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/gi, 'o').replace(/æ/gi, 'ae').replace(/ß/g, 'ss').replace(/ł/gi, 'l').replace(/đ/gi, 'd')
    .toLowerCase();
}

/** A phone number as the server stores it (Contact.phone): separators dropped, 00 as +; null if not a number. */
export function phone(raw) {
  if (raw === null || raw === undefined || !String(raw).trim()) return null;
  let n = String(raw).trim().replace(/[\s\-().\u00a0]/g, '');
  if (n.startsWith('00')) n = `+${n.slice(2)}`;
  return /^\+?[0-9]{2,20}$/.test(n) ? n : undefined;
}

/** Whether two stored numbers are the same line: equal, or a national form (0…) of the international one (CallBackGuard). */
export function sameNumber(a, b) {
  if (!a || !b) return false;
  if (a === b) return true;
  return nationalOf(a, b) || nationalOf(b, a);
}

function nationalOf(national, international) {
  if (!national.startsWith('0') || national.startsWith('00') || !international.startsWith('+')) return false;
  const significant = national.slice(1);
  const digits = international.slice(1);
  const countryCode = digits.length - significant.length;
  return significant.length >= 6 && countryCode >= 1 && countryCode <= 3 && digits.endsWith(significant);
}

/** Every number of a contact, desk phones first. */
export function numbersOf(contact) {
  const all = Array.isArray(contact.phones) ? [...contact.phones] : [];
  if (contact.mobile && !all.includes(contact.mobile)) all.push(contact.mobile);
  return all;
}

/** Whether the staff member matches the search: every word in a name, title, department or e-mail, digits in a number. */
export function matches(contact, query) {
  const q = fold(query).trim();
  if (!q) return true;
  const numbers = numbersOf(contact).map((n) => n.replace(/\D/g, ''));
  // A whole query that reads as a number ("08-555 105 10", "+46 70…") is one number.
  if (/^[+\d][\d\s\-().]*$/.test(q) && q.replace(/\D/g, '').length >= 2) return numberMatches(numbers, q.replace(/\D/g, ''));
  const text = fold([contact.name, contact.title, contact.department, contact.email, contact.kind].filter(Boolean).join(' '));
  return q.split(/\s+/).every((word) => {
    const digits = word.replace(/\D/g, '');
    if (/^\+?\d[\d-]*$/.test(word)) return numberMatches(numbers, digits);
    return text.includes(word);
  });
}

function numberMatches(numbers, digits) {
  // Written at home, 070… is +4670…: the trunk 0 dropped, the rest anywhere in the number.
  const national = digits.startsWith('0') && !digits.startsWith('00') ? digits.slice(1) : null;
  return numbers.some((n) => n.includes(digits) || (national && national.length >= 2 && n.includes(national)));
}

/** The redirect if it still stands (a lapsed one is gone even before the next screen pop). */
export function activeRedirect(contact) {
  const r = contact && contact.redirect;
  if (!r || !r.reason) return null;
  if (r.until && Date.parse(r.until) <= serverNow()) return null;
  return r;
}

/** "13:00" today, "tomorrow 09:00", else "Mon 12 Jan 13:00" (the desk's local time). */
export function formatWhen(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const now = new Date(serverNow());
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  if (d.toDateString() === tomorrow.toDateString()) return `tomorrow ${time}`;
  return `${d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' })} ${time}`;
}

/** "Lunch until 13:00 – Back after lunch". */
export function redirectStatus(r) {
  const label = REASON_LABELS[r.reason] || r.reason;
  return `${label}${r.until ? ` until ${formatWhen(r.until)}` : ' (until further notice)'}${r.note ? ` – ${r.note}` : ''}`;
}

/** "Eva Ek is at lunch until 13:00. Transfer anyway?" (ANS-4). */
export function redirectQuestion(name, r) {
  return `${name} is ${REASON_PHRASES[r.reason] || 'away'}${r.until ? ` until ${formatWhen(r.until)}` : ''}. Transfer anyway?`;
}

function newMessageId() {
  const random = window.crypto && crypto.randomUUID ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  return `m-${random}`;
}

/** A datetime-local value (YYYY-MM-DDTHH:MM, local time) for an instant. */
function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// ---- the screen pops of this desktop's offers ---------------------------------------------------

/**
 * The screen pops by offer, kept in sessionStorage too: the frame comes once, after the offer,
 * so a reload during the call finds it there.
 */
export class PopStore {
  constructor() {
    this.byOffer = new Map();
  }

  put(pop) {
    if (!pop || !pop.offerId) return;
    this.byOffer.delete(pop.offerId);
    this.byOffer.set(pop.offerId, pop);
    this.save(pop);
    while (this.byOffer.size > KEEP_POPS) {
      const oldest = this.byOffer.keys().next().value;
      this.byOffer.delete(oldest);
      try { sessionStorage.removeItem(STORAGE_PREFIX + oldest); } catch { /* storage off */ }
    }
  }

  get(offerId) {
    if (!offerId) return null;
    if (this.byOffer.has(offerId)) return this.byOffer.get(offerId);
    try {
      const stored = sessionStorage.getItem(STORAGE_PREFIX + offerId);
      if (stored) {
        const pop = JSON.parse(stored);
        this.byOffer.set(offerId, pop);
        return pop;
      }
    } catch { /* storage off or spoilt */ }
    return null;
  }

  /** Forgets stored pops of offers this agent no longer has. */
  keepOnly(offerIds) {
    try {
      for (let i = sessionStorage.length - 1; i >= 0; i--) {
        const key = sessionStorage.key(i);
        if (key && key.startsWith(STORAGE_PREFIX) && !offerIds.includes(key.slice(STORAGE_PREFIX.length))) {
          sessionStorage.removeItem(key);
        }
      }
    } catch { /* storage off */ }
  }

  /** A redirect set or cleared from this desk shows at once in every pop of the company. */
  setRedirect(company, contactId, redirect) {
    for (const pop of this.byOffer.values()) {
      if (pop.company !== company) continue;
      for (const list of [pop.staff || [], [pop.contact, pop.caller].filter(Boolean)]) {
        for (const c of list) if (c.id === contactId) c.redirect = redirect;
      }
      this.save(pop);
    }
  }

  save(pop) {
    try {
      sessionStorage.setItem(STORAGE_PREFIX + pop.offerId, JSON.stringify(pop));
    } catch { /* full or off: the pop lives in memory only */ }
  }
}

// ---- the panel ------------------------------------------------------------------------------------

/**
 * The screen-pop panel (#pop) with its staff list, redirect form and confirmation dialog, and the
 * message form (#message). {@code transfer(number)} sends the blind transfer of the current call
 * and resolves to {ok}; {@code canTransfer()} says whether there is a call to transfer.
 */
export class ScreenPopPanel {
  constructor({ store, transfer, canTransfer, notice }) {
    this.store = store;
    this.transfer = transfer;
    this.canTransfer = canTransfer;
    this.notice = notice;
    this.pop = null;
    this.phase = null;
    this.redirectFor = null;
    this.message = new MessageForm(notice);
    this.closed = new Set(); // offers whose ended pop the agent closed

    $('#staff-search').addEventListener('input', () => this.renderStaff());
    $('#staff-search').addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && $('#staff-search').value) {
        event.stopPropagation();
        $('#staff-search').value = '';
        this.renderStaff();
      }
    });
    $('#staff-list').addEventListener('click', (event) => this.onStaffClick(event));
    $('#pop-close').addEventListener('click', () => {
      if (this.pop) this.closed.add(this.pop.offerId);
      this.hide();
    });
    $('#pop-transfer-target').addEventListener('click', () => this.transferToNumber($('#pop-transfer-target').dataset.number));
    $('#pop-transfer-fallback').addEventListener('click', () => this.transferToNumber($('#pop-transfer-fallback').dataset.number));
    $('#redirect-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.saveRedirect();
    });
    $('#redirect-clear').addEventListener('click', () => this.clearRedirect());
    $('#redirect-cancel').addEventListener('click', () => this.closeRedirect());
  }

  get visible() {
    return !$('#pop').hidden;
  }

  /**
   * Shows {@code pop} for a call in {@code phase} (RESERVED, BUSY, WRAP_UP; null once it is over).
   * A pop the agent closed after its call stays closed.
   */
  show(pop, phase) {
    if (!pop || (phase === null && this.closed.has(pop.offerId))) {
      this.hide();
      return;
    }
    const fresh = pop !== this.pop;
    this.pop = pop;
    this.phase = phase;
    if (fresh) {
      $('#staff-search').value = '';
      this.closeRedirect(false);
      this.renderHead();
      this.renderInstruction();
      this.renderSide();
      this.renderStaff();
    }
    const label = phase ? PHASE_LABELS[phase] || phase : 'Call ended';
    setText($('#pop-phase'), label);
    $('#pop-phase').dataset.phase = phase || 'ENDED';
    show($('#pop-close'), !phase);
    show($('#pop'), true);
    this.refreshButtons();
  }

  hide() {
    show($('#pop'), false);
    this.closeRedirect(false);
    this.pop = null;
    this.phase = null;
  }

  focusSearch() {
    if (!this.visible) return false;
    const input = $('#staff-search');
    input.focus();
    input.select();
    return true;
  }

  /** Transfer buttons follow the call: only a call being talked can be transferred. */
  refreshButtons() {
    const can = this.canTransfer();
    for (const b of document.querySelectorAll('#staff-list button[data-action="transfer"]')) {
      b.disabled = !can || !b.dataset.number;
    }
    $('#pop-transfer-target').disabled = !can;
    $('#pop-transfer-fallback').disabled = !can;
  }

  // ---- head, instruction, side ----

  renderHead() {
    const p = this.pop;
    setText($('#pop-company'), p.companyName || p.company || '');
    const bits = [];
    bits.push(`Caller ${p.callerNumber || 'unknown'}`);
    if (p.caller) bits.push(`${p.caller.name} (staff)`);
    if (p.contact) bits.push(`calling for ${p.contact.name}${activeRedirect(p.contact) ? ` — ${redirectStatus(activeRedirect(p.contact))}` : ''}`);
    if (p.dialledNumber) bits.push(`dialled ${p.dialledNumber}`);
    setText($('#pop-sub'), bits.join(' · '));
    const open = $('#pop-open');
    show(open, p.open === true || p.open === false);
    setText(open, p.open ? 'Open now' : 'Closed now');
    open.dataset.open = String(p.open);
    setText($('#pop-greeting'), p.greeting || '');
    show($('#pop-greeting'), Boolean(p.greeting));
  }

  renderInstruction() {
    const i = this.pop.instruction || {};
    const source = i.source || 'none';
    const badge = $('#pop-source');
    badge.dataset.source = source;
    setText(badge, SOURCE_LABELS[source] || source);
    setText($('#pop-tone'), i.tone === 'informal' ? 'Informal tone'
      : i.tone === 'formal' ? 'Formal tone: spell names, repeat the number back' : '');
    show($('#pop-tone'), Boolean(i.tone));
    const h = i.handling;
    setText($('#pop-handling'), !h ? '' : h.type === 'waitList'
      ? 'Wait list: announce the caller, then transfer; if no one answers, take a note.'
      : 'Note: give the information and take a message.');
    show($('#pop-handling'), Boolean(h));
    setText($('#pop-instruction-text'), i.text || (source === 'none' ? 'No instruction for this company.' : ''));
    const r = i.redirect;
    show($('#pop-company-redirect'), Boolean(r));
    setText($('#pop-company-redirect'), r ? `The whole company: ${redirectStatus(r)}` : '');

    const waitList = h && h.type === 'waitList' && h.target;
    show($('#pop-waitlist'), Boolean(waitList));
    if (waitList) {
      const target = $('#pop-transfer-target');
      target.dataset.number = h.target;
      setText(target, `Transfer to ${h.target}`);
      const fallback = $('#pop-transfer-fallback');
      fallback.dataset.number = h.fallback || '';
      setText(fallback, h.fallback ? `Fallback ${h.fallback}` : '');
      show(fallback, Boolean(h.fallback));
    }

    const faqBox = $('#pop-faq-entry');
    faqBox.replaceChildren();
    if (i.faq) faqBox.append(el('h4', {}, `FAQ: ${i.faq.title}`), i.faq.answer ? el('p', {}, i.faq.answer) : null, faqTree(i.faq.children || [], null));
    show(faqBox, Boolean(i.faq));

    setText($('#pop-information'), i.information || '—');
    setText($('#pop-hours'), i.businessHours || '—');
  }

  renderSide() {
    const p = this.pop;
    const links = Array.isArray(p.links) ? p.links.filter((u) => /^https?:\/\//i.test(u)) : [];
    $('#pop-links').replaceChildren(...links.map((url, n) => {
      let host = url;
      try { host = new URL(url).host; } catch { /* shown whole */ }
      // Opened only when the agent clicks, in a new tab that cannot reach back into the desktop.
      return el('li', {}, el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', dataset: { link: String(n) } },
        `Open ${host}`));
    }));
    show($('#pop-links-box'), links.length > 0);

    const faq = Array.isArray(p.faq) ? p.faq : [];
    const focus = p.instruction && p.instruction.faq ? p.instruction.faq.id : null;
    $('#pop-faq').replaceChildren(faqTree(faq, focus));
    show($('#pop-faq-box'), faq.length > 0);

    const history = Array.isArray(p.history) ? p.history : [];
    $('#pop-history tbody').replaceChildren(...history.map((h) => el('tr', {},
      el('td', {}, h.arrivedAt ? formatWhen(h.arrivedAt) : '—'),
      el('td', {}, h.callerNumber || '—'),
      el('td', {}, (h.outcome || '—').toLowerCase()),
      el('td', {}, h.agent || '—'))));
    show($('#pop-history'), history.length > 0);
    show($('#pop-history-empty'), history.length === 0);
  }

  // ---- staff ----

  renderStaff() {
    if (!this.pop) return;
    const p = this.pop;
    const query = $('#staff-search').value;
    const staff = Array.isArray(p.staff) ? p.staff : [];
    const found = staff.filter((c) => matches(c, query));
    // The contact whose number was dialled first.
    if (p.contact) found.sort((a, b) => (b.id === p.contact.id) - (a.id === p.contact.id));
    const rows = found.slice(0, MAX_ROWS).map((c) => this.row(c));
    if (rows.length === 0) {
      rows.push(el('li', { class: 'staff-empty' }, staff.length ? `No one matches “${query.trim()}”.` : 'No staff listed for this company.'));
    }
    $('#staff-list').replaceChildren(...rows);
    const total = Number(p.staffTotal) || staff.length;
    let count = query.trim() ? `${found.length} of ${total}` : `${total} ${total === 1 ? 'contact' : 'contacts'}`;
    if (found.length > MAX_ROWS) count += ` (first ${MAX_ROWS} shown: refine the search)`;
    if (total > staff.length) count += ` (${total - staff.length} not sent to the desktop)`;
    setText($('#staff-count'), count);
    const openRow = this.redirectFor && document.querySelector(`#staff-list li[data-contact="${CSS.escape(this.redirectFor)}"]`);
    if (openRow) openRow.append($('#redirect-form'));
    else if (this.redirectFor) this.closeRedirect(false);
    this.refreshButtons();
  }

  row(c) {
    const r = activeRedirect(c);
    const number = numbersOf(c)[0] || '';
    const dialled = this.pop.contact && this.pop.contact.id === c.id;
    const ways = [];
    for (const n of c.phones || []) ways.push(el('span', { class: 'way phone' }, `☎ ${n}`));
    if (c.mobile) ways.push(el('span', { class: 'way mobile' }, `Mobile ${c.mobile}`));
    if (c.email) ways.push(el('span', { class: 'way email' }, `✉ ${c.email}`));
    return el('li', {
      class: `staff-row${dialled ? ' dialled' : ''}${r ? ' away' : ''}`,
      dataset: { contact: c.id, status: r ? r.reason : 'available', kind: c.kind || 'person' },
    },
    el('div', { class: 'staff-who' },
      el('strong', { class: 'name', dataset: { field: 'name' } }, c.name),
      c.kind === 'department' ? el('span', { class: 'badge' }, 'Department') : null,
      dialled ? el('span', { class: 'badge dialled' }, 'Called for') : null,
      el('span', { class: 'meta' }, [c.title, c.department].filter(Boolean).join(' · '))),
    el('div', { class: 'staff-ways' }, ways),
    el('div', { class: `staff-status${r ? ' away' : ''}`, dataset: { field: 'redirect' } }, r ? redirectStatus(r) : 'Available'),
    c.handling ? el('div', { class: 'staff-handling', dataset: { field: 'handling' } }, `Instruction: ${c.handling}`) : null,
    el('div', { class: 'row-actions' },
      el('button', { type: 'button', class: 'primary', dataset: { action: 'transfer', number },
        'aria-label': `Transfer to ${c.name}${number ? ` (${number})` : ''}`, title: number ? `Transfer to ${number}` : 'No number' }, 'Transfer'),
      el('button', { type: 'button', dataset: { action: 'message' }, 'aria-label': `Message for ${c.name}` }, 'Message'),
      el('button', { type: 'button', dataset: { action: 'redirect' }, 'aria-label': `Set redirect for ${c.name}` },
        r ? 'Change redirect' : 'Set redirect')));
  }

  contactById(id) {
    return (this.pop && Array.isArray(this.pop.staff) ? this.pop.staff : []).find((c) => c.id === id) || null;
  }

  onStaffClick(event) {
    const button = event.target.closest('button[data-action]');
    const row = event.target.closest('li[data-contact]');
    if (!button || !row || button.closest('#redirect-form')) return;
    const contact = this.contactById(row.dataset.contact);
    if (!contact) return;
    if (button.dataset.action === 'transfer') this.transferTo(contact);
    else if (button.dataset.action === 'message') this.message.open(this.pop, contact);
    else if (button.dataset.action === 'redirect') this.openRedirect(contact);
  }

  async transferTo(contact) {
    const number = numbersOf(contact)[0];
    if (!number || !this.canTransfer()) return;
    const r = activeRedirect(contact);
    if (r) {
      const yes = await confirmDialog(redirectQuestion(contact.name, r), r.note ? `Note: ${r.note}` : '');
      if (!yes || !this.canTransfer()) return;
    }
    const done = await this.transfer(number);
    if (done && done.ok) this.notice(`Transferred the caller to ${contact.name} (${number}).`, 'info');
  }

  async transferToNumber(number) {
    if (!number || !this.canTransfer()) return;
    const done = await this.transfer(number);
    if (done && done.ok) this.notice(`Transferred the caller to ${number}.`, 'info');
  }

  // ---- redirects (ANS-5) ----

  openRedirect(contact) {
    const r = activeRedirect(contact);
    this.redirectFor = contact.id;
    setText($('#redirect-legend'), `Redirect for ${contact.name}`);
    $('#redirect-reason').value = r ? r.reason : 'lunch';
    let until = r && r.until ? new Date(r.until) : null;
    if (!r) {
      // An hour from now, on the next quarter.
      until = new Date(serverNow() + 60 * 60 * 1000);
      until.setMinutes(Math.ceil(until.getMinutes() / 15) * 15, 0, 0);
    }
    $('#redirect-until').value = until ? localInput(until) : '';
    $('#redirect-note').value = r && r.note ? r.note : '';
    $('#redirect-clear').disabled = !r;
    show($('#redirect-error'), false);
    show($('#redirect-form'), true);
    this.renderStaff();
    $('#redirect-reason').focus();
  }

  closeRedirect(render = true) {
    this.redirectFor = null;
    const form = $('#redirect-form');
    show(form, false);
    // Parked at the end of the panel until it opens in a row again.
    if (form.parentElement !== $('#pop')) $('#pop').append(form);
    if (render && this.pop) this.renderStaff();
  }

  redirectPath() {
    return `/companies/${encodeURIComponent(this.pop.company)}/contacts/${encodeURIComponent(this.redirectFor)}/redirect`;
  }

  async saveRedirect() {
    if (!this.pop || !this.redirectFor) return;
    const raw = $('#redirect-until').value;
    const until = raw ? new Date(raw) : null;
    if (until && Number.isNaN(until.getTime())) return this.redirectError('Until is not a date and time.');
    if (until && until.getTime() <= serverNow()) return this.redirectError('Until has passed: choose a later time, or leave it empty.');
    const body = { reason: $('#redirect-reason').value, until: until ? until.toISOString() : null, note: $('#redirect-note').value.trim() || null };
    const company = this.pop.company;
    const contact = this.redirectFor;
    $('#redirect-save').disabled = true;
    const r = await api('PUT', this.redirectPath(), body);
    $('#redirect-save').disabled = false;
    if (!r.ok) return this.redirectError(`Not saved: ${r.error}`);
    this.store.setRedirect(company, contact, r.data);
    this.closeRedirect();
    this.notice(`Redirect saved: ${(this.contactById(contact) || {}).name || contact} — ${redirectStatus(r.data)}.`, 'info');
    return undefined;
  }

  async clearRedirect() {
    if (!this.pop || !this.redirectFor) return;
    const company = this.pop.company;
    const contact = this.redirectFor;
    const r = await api('DELETE', this.redirectPath());
    if (!r.ok) {
      this.redirectError(`Not cleared: ${r.error}`);
      return;
    }
    this.store.setRedirect(company, contact, null);
    this.closeRedirect();
    this.notice(`${(this.contactById(contact) || {}).name || contact} is available again.`, 'info');
  }

  redirectError(text) {
    setText($('#redirect-error'), text);
    show($('#redirect-error'), true);
  }
}

/** The FAQ tree as nested disclosure widgets; the entry the instruction points at is open and marked. */
function faqTree(nodes, focus) {
  const list = el('ul', { class: 'faq-tree' });
  for (const n of nodes) {
    const inside = focus && contains(n, focus);
    const details = el('details', { dataset: { faq: n.id }, class: n.id === focus ? 'focus' : null },
      el('summary', {}, n.title),
      n.answer ? el('p', {}, n.answer) : null,
      n.children && n.children.length ? faqTree(n.children, focus) : null);
    if (inside) details.open = true;
    list.append(el('li', {}, details));
  }
  return list;
}

function contains(node, id) {
  return node.id === id || (node.children || []).some((c) => contains(c, id));
}

/** A modal question with Transfer anyway / Cancel; resolves true for the first. */
export function confirmDialog(text, detail) {
  const dialog = $('#confirm');
  setText($('#confirm-text'), text);
  setText($('#confirm-detail'), detail || '');
  show($('#confirm-detail'), Boolean(detail));
  return new Promise((resolve) => {
    const done = (answer) => {
      $('#confirm-ok').removeEventListener('click', yes);
      $('#confirm-cancel').removeEventListener('click', no);
      dialog.removeEventListener('cancel', no);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const yes = () => done(true);
    const no = (event) => {
      if (event) event.preventDefault();
      done(false);
    };
    $('#confirm-ok').addEventListener('click', yes);
    $('#confirm-cancel').addEventListener('click', no);
    dialog.addEventListener('cancel', no);
    dialog.showModal();
    $('#confirm-cancel').focus();
  });
}

// ---- the message form (ANS-6, ANS-16) ---------------------------------------------------------------

const MESSAGE_FIELDS = {
  callerName: '#message-caller-name',
  callerNumber: '#message-caller-number',
  callerCompany: '#message-caller-company',
  text: '#message-text',
  callBack: '#message-call-back',
  channels: '#message-channel-email',
};

/**
 * The call note for one contact. It keeps its own copy of the call (company, call, the client's
 * numbers), so it stays open and sendable after the call ended. Its message id is made when it
 * opens: sending again after a failure is the same message, never a second one.
 */
class MessageForm {
  constructor(notice) {
    this.notice = notice;
    this.ctx = null;
    $('#message-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    $('#message-cancel').addEventListener('click', () => this.close());
    $('#message-close').addEventListener('click', () => this.close());
  }

  get isOpen() {
    return !$('#message').hidden;
  }

  open(pop, contact) {
    if (this.isOpen && this.ctx && !this.ctx.sent && $('#message-text').value.trim()
        && !(this.ctx.contact.id === contact.id && this.ctx.company === pop.company)) {
      if (!window.confirm(`Discard the unsent message for ${this.ctx.contact.name}?`)) return;
    }
    const same = this.isOpen && this.ctx && !this.ctx.sent && this.ctx.contact.id === contact.id && this.ctx.company === pop.company;
    this.ctx = {
      id: same ? this.ctx.id : newMessageId(),
      company: pop.company,
      companyName: pop.companyName || pop.company,
      callId: pop.callId || null,
      contact,
      ownNumbers: Array.isArray(pop.ownNumbers) ? pop.ownNumbers : [],
      sent: false,
    };
    $('#message').dataset.messageId = this.ctx.id;
    $('#message').dataset.contact = contact.id;
    setText($('#message-title'), `Message for ${contact.name}`);
    const r = activeRedirect(contact);
    setText($('#message-context'), [this.ctx.companyName, [contact.title, contact.department].filter(Boolean).join(', '),
      r ? redirectStatus(r) : null].filter(Boolean).join(' · '));
    if (!same) {
      $('#message-caller-name').value = pop.caller ? pop.caller.name : '';
      $('#message-caller-number').value = pop.callerNumber && phone(pop.callerNumber) ? pop.callerNumber : '';
      $('#message-caller-company').value = '';
      $('#message-text').value = '';
      $('#message-call-back').value = 'call-back';
    }
    const email = $('#message-channel-email');
    const sms = $('#message-channel-sms');
    email.disabled = !contact.email;
    email.checked = Boolean(contact.email);
    sms.disabled = !contact.mobile;
    sms.checked = !contact.email && Boolean(contact.mobile);
    setText($('#message-channel-email-label'), contact.email ? `E-mail (${contact.email})` : 'E-mail (no address)');
    setText($('#message-channel-sms-label'), contact.mobile ? `SMS (${contact.mobile})` : 'SMS (no mobile)');
    this.clearErrors();
    show($('#message-form'), true);
    show($('#message-done'), false);
    show($('#message'), true);
    $('#message').scrollIntoView({ block: 'nearest' });
    $('#message-caller-name').focus();
  }

  close() {
    show($('#message'), false);
    this.ctx = null;
  }

  clearErrors() {
    for (const span of document.querySelectorAll('#message-form [data-error-for]')) {
      span.textContent = '';
      span.hidden = true;
    }
    for (const input of Object.values(MESSAGE_FIELDS)) $(input).removeAttribute('aria-invalid');
    show($('#message-error'), false);
  }

  fieldError(field, text) {
    const span = document.querySelector(`#message-form [data-error-for="${CSS.escape(field)}"]`);
    if (!span) {
      setText($('#message-error'), text);
      show($('#message-error'), true);
      return;
    }
    setText(span, text);
    span.hidden = false;
    const input = $(MESSAGE_FIELDS[field]);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  /** The client's own numbers are never a call-back number (ANS-16); checked here before the server does. */
  localErrors(body) {
    const errors = [];
    if (!body.text) errors.push(['text', 'Write what the caller wants.']);
    if (body.callerNumber) {
      const n = phone(body.callerNumber);
      if (n === undefined) errors.push(['callerNumber', 'Not a phone number: digits, optionally after +.']);
      else {
        const own = this.ctx.ownNumbers.find((o) => sameNumber(n, o));
        if (own) errors.push(['callerNumber', `${body.callerNumber} is the client's own number (${own}): write the number the caller can be reached on.`]);
      }
    } else if (body.callBack === 'call-back') {
      errors.push(['callerNumber', 'A call back needs the number the caller can be reached on.']);
    }
    const c = this.ctx.contact;
    if (body.channels.length === 0 && (c.email || c.mobile)) errors.push(['channels', 'Choose e-mail or SMS.']);
    return errors;
  }

  async send() {
    if (!this.ctx || this.ctx.sent) return;
    this.clearErrors();
    const body = {
      id: this.ctx.id,
      callId: this.ctx.callId,
      company: this.ctx.company,
      contact: this.ctx.contact.id,
      channels: ['email', 'sms'].filter((ch) => {
        const box = $(`#message-channel-${ch}`);
        return box.checked && !box.disabled;
      }),
      callerName: $('#message-caller-name').value.trim() || null,
      callerNumber: $('#message-caller-number').value.trim() || null,
      callerCompany: $('#message-caller-company').value.trim() || null,
      text: $('#message-text').value.trim(),
      callBack: $('#message-call-back').value,
    };
    const errors = this.localErrors(body);
    if (errors.length) {
      // The first one gets the focus.
      for (const [field, text] of [...errors].reverse()) this.fieldError(field, text);
      return;
    }
    const button = $('#message-send');
    button.disabled = true;
    setText(button, 'Sending…');
    let r;
    try {
      r = await api('POST', '/messages', body);
    } finally {
      button.disabled = false;
      setText(button, 'Send message');
    }
    if (r.ok) {
      this.ctx.sent = true;
      const taken = r.data && r.data.message ? r.data.message : {};
      const channels = Array.isArray(taken.channels) && taken.channels.length ? taken.channels : body.channels;
      const how = channels.map((ch) => CHANNEL_LABELS[String(ch).toLowerCase()] || ch).join(' and ');
      setText($('#message-result'), `Message sent to ${taken.recipientName || this.ctx.contact.name}${how ? ` (${how})` : ''}.`);
      show($('#message-form'), false);
      show($('#message-done'), true);
      $('#message-close').focus();
      return;
    }
    const field = r.data && r.data.field;
    if (r.status === 400 && field && MESSAGE_FIELDS[field]) {
      this.fieldError(field, (r.data && r.data.error) || r.error);
    } else if (r.status === 0 || r.status === 503) {
      this.fieldError('', `Not sent: ${r.error} Send it again: it will not be sent twice.`);
    } else {
      this.fieldError('', `Not sent: ${r.error}`);
    }
  }
}
