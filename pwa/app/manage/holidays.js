// Admin: the public-holiday calendar (what "法定节假日" in opening hours means). Each autumn the State
// Council publishes next year's arrangement; from 1 October, while next year is missing, every admin
// screen carries a banner saying so, with a box to paste the notice into: the server reads it
// (POST /api/v1/admin/holidays/parse), the page shows the days by festival in words, and saving stores
// the year (PUT /api/v1/admin/holidays/{year}), which every answer uses from then on. The 节假日 screen
// lists the years covered and where each came from, with the same paste box.

import { t, getLang } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { heading, busy, showMessage, messageLine, scroller, when } from './common.js';

const weekdaysZh = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const weekdaysEn = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2月5日（星期五）" or "Fri 5 Feb" for YYYY-MM-DD; the year too when it is not `year`. */
export function dayWords(iso, year, lang = getLang()) {
  const [y, m, d] = iso.split('-').map(Number);
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (lang === 'en') return `${weekdaysEn[wd]} ${d} ${monthsEn[m - 1]}${y !== year ? ` ${y}` : ''}`;
  return `${y !== year ? `${y}年` : ''}${m}月${d}日（${weekdaysZh[wd]}）`;
}

/** The days off of a festival in words: one day, or "first至last", with the count. */
function offWords(off, year) {
  if (off.length === 0) return '—';
  if (off.length === 1) return dayWords(off[0], year);
  return t('holidaysSpan', dayWords(off[0], year), dayWords(off[off.length - 1], year));
}

/** A notice's days as a table by festival: 节日 | 放假 | 天数 | 调休上班. */
function festivalTable(notice) {
  const rows = notice.festivals.map((f) => el('tr', {},
    el('th', { scope: 'row', 'data-label': t('holidaysColFestival') }, f.name),
    el('td', { 'data-label': t('holidaysColOff') }, offWords(f.off, notice.year)),
    el('td', { 'data-label': t('holidaysColDays') }, t('holidaysDays', f.off.length)),
    el('td', { 'data-label': t('holidaysColWork') }, f.workdays.length ? f.workdays.map((d) => dayWords(d, notice.year)).join(t('holidaysListSep')) : t('holidaysNoWork'))));
  const table = el('table', { class: 'festivals', id: 'holiday-preview-table' },
    el('caption', {}, t('holidaysPreviewCaption', notice.year)),
    el('thead', {}, el('tr', {}, [t('holidaysColFestival'), t('holidaysColOff'), t('holidaysColDays'), t('holidaysColWork')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
  return scroller(table, t('holidaysPreviewCaption', notice.year));
}

/** Groups days {date, kind, name} by festival as the server's parse answer does. */
function festivalsOf(days) {
  const out = [];
  const at = new Map();
  for (const d of days) {
    const name = d.name.replace(/调休上班$/, '');
    if (!at.has(name)) {
      at.set(name, out.length);
      out.push({ name, off: [], workdays: [] });
    }
    out[at.get(name)][d.kind === 'workday' ? 'workdays' : 'off'].push(d.date);
  }
  return out;
}

/**
 * The paste box: paste → 识别 → the days in words → 保存. `expected` is the year the admin is asked
 * for (a notice for another year is shown with a warning); onSaved runs after a year is stored.
 */
function pasteBox(expected, onSaved) {
  const text = el('textarea', { id: 'holiday-text', name: 'text', rows: '8', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'holiday-text-hint', placeholder: t('holidaysPastePlaceholder') });
  const parse = el('button', { type: 'button', class: 'primary', id: 'holiday-parse' }, t('holidaysParse'));
  const msg = messageLine();
  msg.id = 'holiday-message';
  const preview = el('div', { class: 'holiday-preview', id: 'holiday-preview', 'aria-live': 'polite' });
  parse.addEventListener('click', () => busy(parse, async () => {
    preview.replaceChildren();
    showMessage(msg, '');
    if (!text.value.trim()) {
      showMessage(msg, t('holidaysPasteFirst'), 'error');
      text.focus();
      return;
    }
    let notice;
    try {
      ({ data: notice } = await api.request('POST', '/api/v1/admin/holidays/parse', { json: { text: text.value } }));
    } catch (e) {
      showMessage(msg, e.status === 422 ? t('holidaysNotUnderstood', e.detail) : e.message, 'error');
      return;
    }
    const save = el('button', { type: 'button', class: 'primary', id: 'holiday-save' }, t('holidaysSave', notice.year));
    const saveMsg = messageLine();
    saveMsg.id = 'holiday-save-message';
    const other = expected && notice.year !== expected;
    preview.replaceChildren(...[
      el('h3', {}, t('holidaysPreviewTitle', notice.year)),
      other ? el('p', { class: 'notice warn', id: 'holiday-other-year' }, t('holidaysOtherYear', notice.year, expected)) : null,
      el('p', {}, t('holidaysPreviewHint')),
      festivalTable(notice),
      notice.notes.length ? el('ul', { class: 'notes' }, notice.notes.map((n) => el('li', {}, n))) : null,
      el('div', { class: 'actions' }, save), saveMsg].filter(Boolean)); // replaceChildren would write null as text
    save.addEventListener('click', () => busy(save, async () => {
      try {
        await api.request('PUT', `/api/v1/admin/holidays/${notice.year}`, { json: { days: notice.days } });
      } catch (e) {
        showMessage(saveMsg, e.message, 'error');
        return;
      }
      save.hidden = true;
      showMessage(saveMsg, t('holidaysSaved', notice.year), 'ok');
      onSaved(notice.year);
    }));
    preview.querySelector('h3').scrollIntoView?.({ block: 'start' });
  }));
  return el('div', { class: 'paste-box' },
    el('div', { class: 'field' },
      el('label', { for: 'holiday-text' }, t('holidaysPasteLabel')),
      el('p', { class: 'hint', id: 'holiday-text-hint' }, t('holidaysPasteHint')),
      text),
    el('div', { class: 'actions' }, parse), msg, preview);
}

/** Whether next year's arrangement should be imported now: from 1 October, while it is missing. */
export function missingYear(meta) {
  const c = meta?.holidays?.coverage;
  return c && c.next_year_expected && !c.next_year_covered ? c.next_year : null;
}

/**
 * The banner above every admin screen while next year is missing (from 1 October): what is missing and
 * why it matters, and a button that opens the paste box in place. Hidden otherwise.
 */
let drawn = 0; // the latest call: an older one whose meta arrives late draws nothing

export async function renderHolidayBanner(slot, ctx, off = false) {
  const call = ++drawn;
  slot.replaceChildren();
  slot.hidden = true;
  if (ctx.user?.role !== 'admin' || off) return;
  let meta;
  try {
    meta = await ctx.meta();
  } catch {
    return;
  }
  const year = missingYear(meta);
  if (!year || call !== drawn) return;
  const open = el('button', { type: 'button', class: 'primary', id: 'holiday-open', 'aria-expanded': 'false' }, t('holidaysImportNow'));
  const body = el('div', { class: 'banner-body', hidden: true });
  open.addEventListener('click', () => {
    body.hidden = !body.hidden;
    open.setAttribute('aria-expanded', String(!body.hidden));
    if (!body.hidden) body.querySelector('textarea')?.focus();
  });
  body.append(pasteBox(year, () => {
    ctx.metaPromise = null; // coverage changed: the banner goes on the next screen
    open.hidden = true;
  }));
  slot.append(el('section', { class: 'banner', id: 'holiday-banner', 'aria-labelledby': 'holiday-banner-title' },
    el('h2', { id: 'holiday-banner-title' }, t('holidaysMissing', year)),
    el('p', {}, t('holidaysMissingWhy', year)),
    open, body));
  slot.hidden = false;
}

/** The 节假日 screen: the years covered and where each came from, and the paste box. */
export async function renderHolidays(view, ctx) {
  const list = el('div', { id: 'holiday-years' }, el('p', {}, t('loading')));
  const expected = missingYear(await ctx.meta().catch(() => null));
  view.replaceChildren(el('div', { class: 'screen' },
    heading(t('holidaysTitle')),
    el('p', {}, t('holidaysIntro')),
    list,
    el('h3', {}, t('holidaysImportTitle')),
    pasteBox(expected, () => {
      ctx.metaPromise = null;
      renderHolidays(view, ctx);
    })));
  let data;
  try {
    data = await api.get('/api/v1/admin/holidays');
  } catch (e) {
    list.replaceChildren(el('p', { class: 'error' }, e.message));
    return;
  }
  const rows = data.years.map((y) => el('tr', {},
    el('th', { scope: 'row' }, String(y.year)),
    el('td', { 'data-label': t('holidaysColSource') }, y.source === 'imported' ? t('holidaysImportedBy', y.by, when(y.at)) : t('holidaysBuiltIn')),
    el('td', { 'data-label': t('holidaysColDays') }, t('holidaysCounts', y.holidays, y.workdays)),
    el('td', { 'data-label': t('holidaysColDates') }, el('details', {}, el('summary', {}, t('holidaysShowDays')),
      festivalsOf(y.days).map((f) => el('p', {}, `${f.name}${t('colon')}${offWords(f.off, y.year)}${f.workdays.length ? `${t('holidaysListSep')}${t('holidaysColWork')} ${f.workdays.map((d) => dayWords(d, y.year)).join(t('holidaysListSep'))}` : ''}`))))));
  list.replaceChildren(...[
    data.next_year_covered ? null : el('p', { class: 'notice' }, t('holidaysMissing', data.next_year)),
    scroller(el('table', { class: 'festivals years' },
      el('caption', {}, t('holidaysYearsCaption')),
      el('thead', {}, el('tr', {}, [t('holidaysColYear'), t('holidaysColSource'), t('holidaysColDays'), t('holidaysColDates')].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows)), t('holidaysYearsCaption'))].filter(Boolean)); // replaceChildren would write null as text
}
