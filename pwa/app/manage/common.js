// What the operator and admin screens share: labels for fields and values, times as people read
// them, form fields with a place for their error, and buttons that show they are busy.

import { t, label } from '../i18n.js';
import { el } from '../ui.js';

/** Amenity icons, as the rider's screens show them (ui.js keeps the same table). */
export const icons = {
  drinking_water: '💧', hot_water: '♨️', phone_charging: '📱', ebike_charging: '🔌', battery_swap: '🔋',
  heating: '🔥', air_conditioning: '❄️', seating: '🪑', toilet: '🚻', microwave: '🍲', first_aid: '⛑️',
  wifi: '📶', truck_parking: '🚚', shower: '🚿', laundry: '🧺', meals: '🍚', lodging: '🛏️',
};

/** The label of a vocabulary entry (amenities or kinds of /api/v1/meta), or the code. */
export function vocabLabel(list, code) {
  const e = list?.find((x) => x.code === code);
  return e ? label(e.label) : code;
}

const statusKeys = { open: 'statusOpen', temporarily_closed: 'statusTemporarilyClosed', closed: 'statusClosed' };

/** "正常开放" for a station status code. */
export function statusLabel(code) {
  return statusKeys[code] ? t(statusKeys[code]) : code;
}

const fieldKeys = {
  opening_hours: 'hours', amenities: 'amenities', status: 'fieldStatus', status_note: 'statusNote', phone: 'phone',
  closed_until: 'closedUntil',
  verified_at: 'fieldVerifiedAt', name: 'fieldName', kind: 'fieldKind', address: 'address', city: 'fieldCity',
  district: 'fieldDistrict', adcode: 'fieldAdcode', lon: 'fieldLon', lat: 'fieldLat', audience: 'audience',
  operator: 'operator', source_crs: 'fieldSourceCRS', source_text: 'fieldSourceText', id: 'fieldId',
};

/** The words for a station field (or an import column) named by the API. */
export function fieldLabel(name) {
  return fieldKeys[name] ? t(fieldKeys[name]) : name;
}

/** "2026-11-27 21:02" for an RFC 3339 time the server wrote in Asia/Shanghai. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const z = new Date(d.getTime() + 8 * 3600e3);
  const p = (n) => String(n).padStart(2, '0');
  return `${z.getUTCFullYear()}-${p(z.getUTCMonth() + 1)}-${p(z.getUTCDate())} ${p(z.getUTCHours())}:${p(z.getUTCMinutes())}`;
}

/** "信息确认于3天前" or "信息尚未确认". */
export function confirmedText(iso, now = Date.now()) {
  if (!iso) return t('neverConfirmed');
  const days = Math.floor((now - new Date(iso)) / 86400e3);
  return t('confirmed', days <= 0 ? t('justNow') : t('daysAgo', days));
}

/** A station's state for a list: {cls, text} from its status and open_now. */
export function stateOf(props) {
  if (props.status === 'temporarily_closed') return { cls: 'closed', text: t('statusTemporarilyClosed') };
  if (props.status === 'closed') return { cls: 'closed', text: t('statusClosed') };
  if (props.open_now === true) return { cls: 'open', text: t('stateOpen') };
  if (props.open_now === false) return { cls: 'closed', text: t('stateClosed') };
  return { cls: 'unknown', text: t('stateUnknown') };
}

let uid = 0;

/**
 * A labelled form field with a place for its error: {wrap, input, error}. name is the API's field
 * name (data-field), so that a refusal naming it can be shown next to it.
 */
export function field(name, text, input, help) {
  const id = input.id || `f${++uid}`;
  input.id = id;
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hint = help ? el('p', { class: 'hint', id: `${id}-hint` }, help) : null;
  input.setAttribute('aria-describedby', [hint ? hint.id : null, error.id].filter(Boolean).join(' '));
  const wrap = el('div', { class: 'field', 'data-field': name }, el('label', { for: id }, text), hint, input, error);
  return { wrap, input, error };
}

/** Shows message next to the field named name inside root (or in fallback when none matches). */
export function showFieldError(root, name, message, fallback) {
  const wrap = name ? root.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
  const slot = wrap?.querySelector(':scope > .field-error');
  if (!slot) {
    if (fallback) showMessage(fallback, message, 'error');
    return;
  }
  slot.textContent = message;
  slot.hidden = false;
  wrap.classList.add('has-error');
  wrap.querySelectorAll('input, textarea, select').forEach((i) => i.setAttribute('aria-invalid', 'true'));
}

/** Removes every field error inside root. */
export function clearFieldErrors(root) {
  root.querySelectorAll('.field-error').forEach((p) => { p.textContent = ''; p.hidden = true; });
  root.querySelectorAll('.has-error').forEach((w) => w.classList.remove('has-error'));
  root.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
}

/** Sets a status line's text and kind ('ok', 'error' or '' for plain). */
export function showMessage(node, text, kind = '') {
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = !text;
}

/** A status line that screen readers announce. */
export function messageLine(cls = 'message') {
  return el('p', { class: cls, role: 'status', 'aria-live': 'polite', hidden: true });
}

/** Runs fn with button disabled and marked busy, and enables it again afterwards. */
export async function busy(button, fn) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** The screen's heading, focusable so that moving to a screen moves the reader there too. */
export function heading(text, level = 'h2') {
  return el(level, { tabindex: '-1', class: 'screen-title' }, text);
}

/** Wraps a table so that it scrolls sideways on a narrow screen instead of widening the page. */
export function scroller(table, labelText) {
  return el('div', { class: 'table-wrap', role: 'region', 'aria-label': labelText, tabindex: '0' }, table);
}

/**
 * Asks a question in a modal dialog in the page's language and resolves to the value of the button
 * chosen, or to safe when the dialog is closed with Escape (default: the last button's). buttons:
 * [[value, text, kind]], the first the default. lines are paragraphs of text.
 */
export function ask(title, lines, buttons, safe = buttons[buttons.length - 1][0]) {
  return new Promise((resolve) => {
    const dialog = el('dialog', { class: 'ask', 'aria-labelledby': 'ask-title' });
    const done = (value) => { dialog.close(); dialog.remove(); resolve(value); };
    dialog.append(el('h3', { id: 'ask-title' }, title), ...lines.map((l) => el('p', {}, l)),
      el('div', { class: 'actions' }, buttons.map(([value, text, kind], i) =>
        el('button', { type: 'button', class: kind || (i ? 'secondary' : 'primary'), 'data-answer': value, onclick: () => done(value) }, text))));
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(safe); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Unsaved work. The screen on show registers what it holds: dirty() says whether something typed is
// unsaved, read() gives it as a draft. Re-drawing the screen (a language switch) keeps the draft and
// hands it back to the new drawing; leaving the page or the screen with unsaved work asks first.
let work = null;
let kept = null;

/** Registers the unsaved work of the screen now shown, under key (its address). */
export function holdWork(key, { dirty, read }) { work = { key, dirty, read }; }

/** Forgets the shown screen's work (another screen is drawn). */
export function dropWork() { work = null; }

/** Whether the shown screen holds unsaved work. */
export function unsaved() { return Boolean(work?.dirty()); }

/** Keeps the shown screen's draft for its next drawing. */
export function keepDraft() { kept = work && work.dirty() ? { key: work.key, draft: work.read() } : null; }

/** The draft kept for the screen at key (once), or null. */
export function takeDraft(key) {
  const d = kept?.key === key ? kept.draft : null;
  kept = null;
  return d;
}

/**
 * Previous and next buttons for a list a page at a time: a click calls setPage with the new page,
 * then load. update(page, pages) shows where the list is (hidden when it has one page).
 */
export function pager(load, setPage, idPrefix = '') {
  let page = 1;
  const prev = el('button', { type: 'button', class: 'secondary', id: idPrefix ? `${idPrefix}-prev` : null }, t('previousPage'));
  const next = el('button', { type: 'button', class: 'secondary', id: idPrefix ? `${idPrefix}-next` : null }, t('nextPage'));
  prev.addEventListener('click', () => { setPage(page - 1); load(); });
  next.addEventListener('click', () => { setPage(page + 1); load(); });
  const element = el('div', { class: 'pager', hidden: true }, prev, next);
  return {
    element,
    update(p, pages) {
      page = p;
      element.hidden = pages <= 1;
      prev.disabled = p <= 1;
      next.disabled = p >= pages;
    },
  };
}
