// The screens: filter chips, the list of nearest stations, the station sheet and the report form.
// Every text from the data is set with textContent: station data is never HTML.

import { t, label, getLang, weekdayName } from './i18n.js';
import { state, openState, schedule } from './data.js';
import { describeHours, pendingHolidayYear } from './hours-words.js';
import { compassKey } from './geo.js';
import { navigationLinks } from './nav.js';
import { reasons } from './reports.js';

const $ = (sel) => document.querySelector(sel);

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

/** Icons for amenities; the label (zh-CN or en) goes next to them for screen readers. */
const icons = {
  drinking_water: '💧', hot_water: '♨️', phone_charging: '📱', ebike_charging: '🔌', battery_swap: '🔋',
  heating: '🔥', air_conditioning: '❄️', seating: '🪑', toilet: '🚻', microwave: '🍲', first_aid: '⛑️',
  wifi: '📶', truck_parking: '🚚', shower: '🚿', laundry: '🧺', meals: '🍚', lodging: '🛏️',
};

/** The amenities riders ask for most, as filter chips, then "open now". */
export const chipAmenities = ['hot_water', 'drinking_water', 'phone_charging', 'ebike_charging', 'heating', 'toilet', 'seating', 'microwave'];

// Vocabulary labels come from /api/v1/meta; until it arrives, nothing (never a raw code).
function amenityLabel(code) {
  const a = state.meta?.amenities?.find((x) => x.code === code);
  return a ? label(a.label) : '';
}

function kindLabel(code) {
  const k = state.meta?.kinds?.find((x) => x.code === code);
  return k ? label(k.label) : '';
}

export function formatDistance(m) {
  if (m < 1000) return t('metres', Math.round(m));
  return t('kilometres', (m / 1000).toFixed(m < 10000 ? 1 : 0));
}

function clock(d) {
  const z = new Date(d.getTime() + 8 * 3600e3); // Asia/Shanghai
  return `${String(z.getUTCHours()).padStart(2, '0')}:${String(z.getUTCMinutes()).padStart(2, '0')}`;
}

function dayOf(d) { return Math.floor((d.getTime() + 8 * 3600e3) / 86400e3); }

/** The words for a station's open state, e.g. "营业中 · 18:00关门". */
export function openWords(st, now = new Date()) {
  if (st.props.status === 'temporarily_closed') return { state: 'closed', text: t('statusTemporarilyClosed') };
  if (st.props.status === 'closed') return { state: 'closed', text: t('statusClosed') };
  const o = openState(st, now);
  const key = { open: 'stateOpen', closingSoon: 'stateClosingSoon', closed: 'stateClosed', unknown: 'stateUnknown' }[o.state];
  let text = t(key);
  if (o.next) {
    const when = (dayOf(o.next) === dayOf(now) ? '' : weekdayName((dayOf(o.next) + 3) % 7) + ' ') + clock(o.next);
    text += ' · ' + t(o.state === 'closed' ? 'opensAt' : 'closesAt', when);
  }
  return { state: o.state, text };
}

/** Renders the filter chips into container; onChange gets the new filter set. */
export function renderChips(container, filters, onChange) {
  container.replaceChildren();
  const chip = (pressed, text, toggle, icon) => el('button', {
    type: 'button', class: 'chip', 'aria-pressed': String(pressed),
    onclick: () => { toggle(); onChange(filters); },
  }, icon ? el('span', { 'aria-hidden': 'true' }, icon + ' ') : null, text);
  container.append(chip(filters.openNow, t('openNow'), () => { filters.openNow = !filters.openNow; }, '🕘'));
  if (!state.meta) return;
  for (const code of chipAmenities) {
    const on = filters.amenities.includes(code);
    container.append(chip(on, amenityLabel(code), () => {
      filters.amenities = on ? filters.amenities.filter((a) => a !== code) : [...filters.amenities, code];
    }, icons[code]));
  }
}

function amenityIcons(st, max = 6) {
  const codes = (st.props.amenities || []).filter((c) => icons[c]);
  const shown = codes.filter((c) => chipAmenities.includes(c)).concat(codes.filter((c) => !chipAmenities.includes(c))).slice(0, max);
  return el('span', { class: 'amenities' }, shown.map((c) => el('span', { title: amenityLabel(c), 'aria-label': amenityLabel(c), role: 'img' }, icons[c])));
}

/**
 * Renders the list of results ([{st, distanceM, bearingDeg}]); select(id) opens a station. empty is
 * what to say when there is nothing to show.
 */
export function renderList(container, results, select, now = new Date(), empty = t('noResults')) {
  container.replaceChildren();
  if (!results.length) {
    container.append(el('li', { class: 'empty' }, empty));
    return;
  }
  for (const r of results) {
    const p = r.st.props;
    const ow = openWords(r.st, now);
    const where = r.distanceM === undefined ? '' : t('towards', t(compassKey(r.bearingDeg)), formatDistance(r.distanceM));
    const place = [kindLabel(p.kind), p.district].filter(Boolean).join(' · ');
    container.append(el('li', { 'data-id': r.st.id },
      el('button', { type: 'button', class: 'station', onclick: () => select(r.st.id) },
        el('span', { class: 'name' }, p.name),
        el('span', { class: 'line' }, where ? el('strong', { class: 'where' }, where) : null, place ? el('span', { class: 'kind' }, place) : null),
        el('span', { class: 'line' }, el('span', { class: `badge ${ow.state}` }, ow.text), amenityIcons(r.st)))));
  }
}

function daysAgo(iso, now) {
  const days = Math.floor((now - new Date(iso)) / 86400e3);
  return days <= 0 ? t('justNow') : t('daysAgo', days);
}

/** "8:00" as the hours-in-words read it: no leading zero on the hour. */
function clockShort(d) {
  const c = clock(d);
  return c.startsWith('0') ? c.slice(1) : c;
}

/**
 * The seven days from today, one row each, with the spans that start that day; a span that runs past
 * midnight is one span ("18:00–次日2:00") on the day it starts, not two.
 */
function weekTable(st, now) {
  const rows = [];
  const sched = schedule(st);
  const start = (dayOf(now) * 86400e3) - 8 * 3600e3; // today's midnight in Asia/Shanghai, ms
  const all = sched && st.props.status === 'open' ? sched.intervals(start - 86400e3, start + 9 * 86400e3, state.calendar) : [];
  for (let i = 0; i < 7; i++) {
    const from = start + i * 86400e3;
    const to = from + 86400e3;
    const day = dayOf(new Date(from));
    const name = i === 0 ? t('today') : weekdayName((day + 3) % 7);
    let text;
    if (!sched) text = t('unknownAllDay');
    else {
      const spans = [];
      for (const iv of all) {
        const a = iv.from.getTime(), b = iv.to.getTime();
        if (b <= from || a >= to) continue;
        if (a <= from && b >= to) { spans.push(t('allDay') + (iv.unknown ? t('unsure') : '')); continue; }
        if (a < from && i > 0) continue; // shown on the day it began
        const end = b > to + 86400e3 ? '' : b > to ? t('spanNextDay', clock(iv.to)) : (clock(iv.to) === '00:00' ? '24:00' : clockShort(iv.to));
        spans.push(`${a < from ? '0:00' : clockShort(iv.from)}–${end}${iv.unknown ? t('unsure') : ''}`);
      }
      text = spans.length ? spans.join(t('listSeparator')) : t('closedAllDay');
    }
    const z = new Date(from + 8 * 3600e3);
    const holiday = state.calendar?.holiday(z.getUTCFullYear(), z.getUTCMonth() + 1, z.getUTCDate());
    rows.push(el('tr', { class: i === 0 ? 'today' : null }, el('th', { scope: 'row' }, name), el('td', {}, text, holiday ? ` (${holiday})` : '')));
  }
  return el('table', { class: 'week' }, el('tbody', {}, rows));
}

/** "2027年节假日安排待公布" when the hours say PH and a day of the week shown is in a year the calendar
 * does not hold yet; null otherwise. */
function pendingNote(text, now) {
  const year = pendingHolidayYear(text, state.calendar, now);
  return year ? el('p', { class: 'note hours-pending' }, t('hwPHPending', year)) : null;
}

/**
 * The "I'm here" button of a station opened from its link: large, at the top of the sheet. onVisit()
 * records the visit and resolves to {state: sent|queued|already|failed, words}; recorded says this
 * device did so there today already.
 */
function visitBox({ recorded, onVisit }) {
  const said = el('p', { id: 'visit-status', role: 'status', class: 'visit-status', 'data-state': recorded ? 'already' : '' },
    recorded ? t('visitAlready') : t('visitHint'));
  const label = el('span', {}, recorded ? t('visitDone') : t('imHere'));
  const icon = el('span', { class: 'pin', 'aria-hidden': 'true' }, recorded ? '✓' : '📍');
  const button = el('button', { type: 'button', class: 'visit', 'aria-describedby': 'visit-status' }, icon, label);
  if (recorded) button.disabled = true;
  button.addEventListener('click', async () => {
    button.disabled = true;
    const r = await onVisit();
    said.dataset.state = r.state;
    said.textContent = r.words;
    if (r.state === 'failed') button.disabled = false;
    else {
      label.textContent = t('visitDone');
      icon.textContent = '✓';
    }
  });
  return el('section', { class: 'visit-box' }, button, said);
}

/**
 * Fills the station sheet (a <dialog>) for st and opens it at its top. onReport(report) sends a
 * report and resolves to the words to show; visit, when given, offers "I'm here" (see visitBox).
 */
export function openSheet(dialog, st, { distance, onReport, visit, now = new Date() }) {
  const p = st.props;
  const ow = openWords(st, now);
  const body = [];
  body.push(el('header', {},
    el('h2', { id: 'sheet-title' }, p.name),
    el('button', { type: 'button', class: 'close', 'aria-label': t('close'), onclick: () => dialog.close() }, '✕')));
  const place = [kindLabel(p.kind), p.district].filter(Boolean).join(' · ');
  body.push(el('p', { class: 'line' }, distance ? el('strong', { class: 'where' }, distance) : null, place ? el('span', { class: 'kind' }, place) : null));
  body.push(el('p', {}, el('span', { class: `badge ${ow.state}` }, ow.text)));
  if (p.status_note) body.push(el('p', { class: 'note' }, p.status_note));
  if (p.closed_until && p.status === 'temporarily_closed') body.push(el('p', { class: 'note' }, t('reopensOn', dayWords(p.closed_until))));
  if (visit) body.push(visitBox(visit));

  body.push(el('section', { 'aria-labelledby': 'nav-h' }, el('h3', { id: 'nav-h' }, t('navigate')),
    el('div', { class: 'nav' }, navigationLinks(st).map((l, i) => el('a', { class: i === 0 ? 'primary' : null, href: l.href, rel: 'noopener', target: '_blank', 'data-nav': l.key }, t(l.key))))));

  body.push(el('section', { 'aria-labelledby': 'hours-h' }, el('h3', { id: 'hours-h' }, t('hours')),
    el('p', { class: 'hours-text' }, describeHours(p.opening_hours, getLang(), state.calendar)),
    pendingNote(p.opening_hours, now),
    weekTable(st, now)));

  if (state.meta) {
    body.push(el('section', { 'aria-labelledby': 'am-h' }, el('h3', { id: 'am-h' }, t('amenities')),
      el('ul', { class: 'amenity-list' }, (p.amenities || []).map((c) => el('li', {}, el('span', { 'aria-hidden': 'true' }, (icons[c] || '•') + ' '), amenityLabel(c))))));
  }

  const facts = [];
  if (p.address) facts.push([t('address'), p.address]);
  if (p.phone) facts.push([t('phone'), el('a', { href: `tel:${p.phone.replace(/[^0-9+]/g, '')}`, class: 'call' }, t('call', p.phone))]);
  if (p.operator) facts.push([t('operator'), p.operator]);
  facts.push(['', p.verified_at ? t('confirmed', daysAgo(p.verified_at, now)) : t('neverConfirmed')]);
  body.push(el('dl', { class: 'facts' }, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));

  // The report: a real button opens the form; once sent, the form closes and the sheet says so.
  const said = el('p', { role: 'status', class: 'report-status' });
  const send = el('button', { type: 'submit', class: 'primary' }, t('reportSend'));
  const form = el('form', { class: 'report', method: 'dialog', hidden: true },
    el('fieldset', {}, el('legend', {}, t('reportTitle')),
      reasons.map(([code, key], i) => el('label', { class: 'reason' }, el('input', { type: 'radio', name: 'reason', value: code, required: i === 0 }), ' ', t(key)))),
    el('label', {}, t('reportNote'), el('textarea', { name: 'note', maxlength: '500', rows: '2' })),
    send);
  const opener = el('button', { type: 'button', class: 'report-open', 'aria-expanded': 'false' }, '⚠ ' + t('report'));
  opener.addEventListener('click', () => {
    form.hidden = !form.hidden;
    opener.setAttribute('aria-expanded', String(!form.hidden));
    said.textContent = '';
    if (!form.hidden) form.querySelector('input')?.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    // One line: the server refuses control characters, and a note needs no layout.
    const note = String(fd.get('note') || '').replace(/\s+/g, ' ').trim();
    send.disabled = true;
    const words = await onReport({ station_id: st.id, reason: fd.get('reason'), note });
    send.disabled = false;
    form.reset();
    form.hidden = true;
    opener.setAttribute('aria-expanded', 'false');
    said.textContent = words;
  });
  body.push(el('section', { class: 'report-box' }, opener, form, said));

  dialog.replaceChildren(...body);
  dialog.setAttribute('aria-labelledby', 'sheet-title');
  dialog.lang = getLang();
  if (!dialog.open) dialog.showModal();
  dialog.scrollTop = 0;
}

/** Shows the connection, data-age and download line. */
export function renderStatus(node, { online, checkedAt, pendingReports, progress, failed, now = Date.now() }) {
  const parts = [online ? t('online') : t('offline')];
  if (progress !== null && progress !== undefined) parts.push(t('offlineProgress', Math.round(progress * 100)));
  else if (checkedAt) {
    const mins = Math.floor((now - checkedAt) / 60e3);
    const age = mins < 1 ? t('justNow') : mins < 60 ? t('minutesAgo', mins) : mins < 48 * 60 ? t('hoursAgo', Math.floor(mins / 60)) : t('daysAgo', Math.floor(mins / 1440));
    parts.push(t('dataAge', age));
  } else if (failed) parts.push(t('offlineNotYet'));
  if (pendingReports) parts.push(t('reportsPending', pendingReports));
  node.textContent = parts.join(' · ');
  node.classList.toggle('offline', !online);
}

/**
 * The line under the list's title: how good the position is, or, without one, why not, with a retry
 * and a picker of the 14 cities.
 */
export function renderWhere(node, { location, position, picking, cities, onRetry, onPick, onTogglePicker }) {
  const parts = [];
  if (position?.source === 'gps') parts.push(el('p', {}, t('accuracy', Math.round(position.accuracy))));
  else if (position?.source === 'city') {
    parts.push(el('p', {}, t('showingCity', position.name)),
      el('div', { class: 'where-actions' },
        el('button', { type: 'button', class: 'tool', onclick: onRetry }, t('retryLocation')),
        el('button', { type: 'button', class: 'tool', 'aria-expanded': String(picking), onclick: onTogglePicker }, t('otherCity'))));
  } else if (location === 'locating') parts.push(el('p', {}, t('locating')));
  else {
    parts.push(el('p', { class: 'warn' }, t(location === 'denied' ? 'locationDenied' : 'locationUnavailable')),
      el('div', { class: 'where-actions' }, el('button', { type: 'button', class: 'tool', onclick: onRetry }, t('retryLocation'))));
  }
  if (picking && cities?.length) {
    parts.push(el('div', { class: 'cities', role: 'group', 'aria-label': t('pickCity') },
      cities.map((c) => el('button', { type: 'button', class: 'city', onclick: () => onPick(c) }, c.name))));
  }
  node.replaceChildren(...parts);
}

/** The map's legend: what each station colour means. */
export function renderLegend(node) {
  node.replaceChildren(...['open', 'closingSoon', 'closed', 'unknown'].map((s) =>
    el('li', {}, el('span', { class: `dot ${s}`, 'aria-hidden': 'true' }), t({ open: 'stateOpen', closingSoon: 'stateClosingSoon', closed: 'stateClosed', unknown: 'stateUnknown' }[s]))));
  node.setAttribute('aria-label', t('legend'));
}

export { $ };

/** "12月20日" or "20 Dec 2026" for a date "2026-12-20" (the year only when it is not this one's, in Chinese). */
function dayWords(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return iso;
  if (getLang() === 'en') return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return (y === new Date().getFullYear() ? '' : `${y}年`) + `${m}月${d}日`;
}
