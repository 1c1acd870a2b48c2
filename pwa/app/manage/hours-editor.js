// The opening-hours editor, in the operator's words: the saved hours in words, a weekly grid first
// (time spans per day, breaks as two spans, nights past midnight, seasons with their own week, closed
// on public holidays), then a text box that takes hours as notices write them (or OSM syntax), and a
// live preview from the server (GET /api/v1/hours/preview) in words. OpenStreetMap syntax is shown only
// in the "advanced" disclosure. The grid writes the value to save; text the server understood is read
// back into the grid when the grid can show it; text it did not understand is shown with the part it
// read and examples to copy, never as a week of unknown hours.

import { t, weekdayName, getLang } from '../i18n.js';
import { describeHoursLines } from '../hours-words.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { emptyGrid, fromText, toText, span, clock, minutes, monthMask } from './hours-grid.js';

const PREVIEW_DELAY = 300; // ms after the last keystroke

function monthName(m) {
  return t('monthNames').split(',')[m - 1];
}

/** Hours in words in the page's language, one line per season. */
export function hoursWords(text) {
  return describeHoursLines(text || '', getLang()).lines;
}

/** "Nov-Mar" in words: 11月至次年3月 / Nov–Mar. */
function monthRangeWords(osm) {
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const [a, b] = String(osm).split('-').map((m) => names.indexOf(m) + 1);
  if (!a || !b) return osm;
  return t(b < a ? 'monthsWrap' : 'monthsRange', monthName(a), monthName(b));
}

function copyWeek(week) {
  return week.map((spans) => spans.map((s) => ({ ...s })));
}

/** The time a box shows for minutes: midnight at the end of a span is 24:00, a next-day end as the clock reads. */
function inputTime(min) {
  return min === 1440 ? '24:00' : clock(min % 1440);
}

/**
 * Builds the editor for text (a station's opening_hours, or a draft of them). Returns {element,
 * value(), input}: value() is the text to save; onChange() is called whenever it changes. savedText is
 * what the station has saved (default text), shown in words above the editor.
 */
export function hoursEditor(text, { onChange = () => {}, savedText = text } = {}) {
  const initial = fromText(text || '');
  let grid = initial.grid ?? emptyGrid();
  // What is saved when nothing is typed: the station's hours, or what the grid last wrote. Typed text
  // takes its place; the box never shows OSM syntax, which lives in the advanced view.
  let fallback = text || '';
  let seq = 0; // answers to older preview requests are dropped
  let timer = null;
  let inFlight = null;
  let typed = false; // the text was typed (read it back into the grid) rather than written by the grid

  // A text area: a notice's sentence is longer than a phone's line, and Enter must not save the form.
  const input = el('textarea', {
    id: 'hours-text', name: 'opening_hours', rows: '2', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'hours-text-hint hours-text-error', maxlength: '500', placeholder: t('hoursPlaceholder'),
  });
  const current = () => input.value.trim() || fallback.trim();
  const saved = el('p', { class: 'hours-saved', id: 'hours-saved' });
  const osm = el('code', { class: 'normalized', id: 'hours-osm', lang: 'en' });
  const advanced = el('details', { class: 'advanced', id: 'hours-advanced' },
    el('summary', {}, t('advancedOsm')), el('p', {}, t('advancedHint')), osm);
  function setSaved(value) {
    saved.replaceChildren(el('span', { class: 'label' }, t('hoursSaved')),
      ...hoursWords(value).map((line) => el('span', { class: 'hw-line' }, line)));
  }
  setSaved(savedText);
  const error = el('p', { class: 'field-error', id: 'hours-text-error', hidden: true });
  const preview = el('div', { class: 'preview', id: 'hours-preview', 'aria-live': 'polite', 'data-status': '' });
  const note = el('p', { class: 'grid-note', id: 'grid-note', role: 'status', hidden: true });
  const gridBox = el('div', { class: 'grid' });

  function setNote(key) {
    note.textContent = key ? t(key) : '';
    note.hidden = !key;
  }
  if (!initial.grid && text) setNote('gridCannotShow');

  // --- the preview ---------------------------------------------------------------------------
  function schedulePreview() {
    seq++; // what is on its way describes older text
    inFlight?.abort();
    clearTimeout(timer);
    timer = setTimeout(runPreview, PREVIEW_DELAY);
  }

  async function runPreview() {
    const mine = ++seq;
    inFlight?.abort();
    const value = current();
    osm.textContent = value;
    if (!value) {
      preview.dataset.status = 'empty';
      preview.replaceChildren(el('p', {}, t('hoursEmpty')));
      return;
    }
    inFlight = new AbortController();
    preview.setAttribute('aria-busy', 'true');
    try {
      const p = await api.get(api.withQuery('/api/v1/hours/preview', { text: value }), { signal: inFlight.signal });
      if (mine !== seq) return;
      showPreview(p);
      if (!typed) return;
      if (p.status !== 'unparsed') readBack(p.normalized);
      else setNote('gridUnparsed');
    } catch (e) {
      if (e.name === 'AbortError' || mine !== seq) return;
      preview.dataset.status = 'error';
      preview.replaceChildren(el('p', { class: 'error' }, e.message));
    } finally {
      if (mine === seq) preview.removeAttribute('aria-busy');
    }
  }

  function showPreview(p) {
    preview.dataset.status = p.status;
    osm.textContent = p.normalized;
    const statusKey = { parsed: 'previewParsed', partial: 'previewPartial', unparsed: 'previewUnparsed' }[p.status] || p.status;
    const head = el('p', { class: 'preview-head' }, el('span', { class: `badge ${p.status}` }, t(statusKey)));
    if (p.status === 'unparsed') {
      preview.replaceChildren(head, notUnderstood(p));
      return;
    }
    const lines = hoursWords(p.normalized);
    const words = el('p', { class: `words${lines.length > 1 ? ' several' : ''}`, id: 'hours-words' }, head.firstChild,
      ...lines.map((line) => el('span', { class: 'hw-line' }, line)));
    const assumed = (p.assumed_seasons || []).map((a) =>
      el('p', { class: 'assumed' }, t('assumedSeason', a.word, monthRangeWords(a.months))));
    // Only a season's hours were given: say that the other months count as closed.
    const g = fromText(p.normalized).grid;
    if (g && g.seasons.length && g.week.every((d) => d.length === 0)) assumed.push(el('p', { class: 'assumed' }, t('otherMonthsClosed')));
    const now = p.open === true ? t('stateOpen') : p.open === false ? t('stateClosed') : t('stateUnknown');
    const rows = (p.week || []).map((d) => {
      const wd = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'].indexOf(d.weekday);
      const spans = d.intervals.map((iv) => {
        const end = iv.to.slice(11, 16) === '00:00' && iv.to.slice(0, 10) !== d.date ? '24:00' : iv.to.slice(11, 16);
        const from = iv.from.slice(11, 16);
        if (!iv.unknown) return `${from}–${end}`;
        return from === '00:00' && end === '24:00' ? t('hoursUnknownDay') : t('hoursUnknownSpan', `${from}–${end}`);
      });
      const notes = [d.holiday, d.adjusted_workday ? t('adjustedWorkday', d.adjusted_workday) : null].filter(Boolean).join(' · ');
      return el('tr', {},
        el('th', { scope: 'row' }, `${weekdayName(wd)} ${d.date.slice(5)}`),
        el('td', {}, spans.length ? spans.join(', ') : t('closedAllDay'), notes ? el('span', { class: 'holiday' }, ` (${notes})`) : null));
    });
    preview.replaceChildren(words, ...assumed,
      el('p', { class: 'preview-now' }, t('previewNow', now),
        p.next_change ? ` · ${t('previewNext', nextWords(p.next_change, p.at))}` : ''),
      el('table', { class: 'week' }, el('caption', {}, t('previewWeek')), el('tbody', {}, rows)));
  }

  /** What was read of a text not understood, what was not, and phrasings to use instead. */
  function notUnderstood(p) {
    const read = p.read || '';
    const unread = p.unread ?? p.text;
    const examples = (p.examples || []).map((x) => el('li', {}, el('button', {
      type: 'button', class: 'example secondary',
      onclick: () => {
        input.value = x;
        typed = true;
        onChange();
        schedulePreview();
        input.focus();
      },
    }, x)));
    return el('div', { class: 'not-understood' },
      read ? el('p', { class: 'read' }, t('previewRead'), el('strong', {}, read)) : el('p', { class: 'read' }, t('previewNothingRead')),
      unread ? el('p', { class: 'unread' }, t('previewUnread'), el('mark', {}, unread)) : null,
      examples.length ? el('p', {}, t('previewExamples')) : null,
      examples.length ? el('ul', { class: 'examples' }, examples) : null,
      el('p', { class: 'hint' }, t('previewNoWeek')));
  }

  function nextWords(iso, atIso) {
    const day = (s) => Math.floor((Date.parse(s) + 8 * 3600e3) / 86400e3);
    const same = day(iso) === day(atIso);
    return `${same ? t('today') : `${weekdayName((day(iso) + 3) % 7)} ${iso.slice(5, 10)}`} ${iso.slice(11, 16)}`;
  }

  /** Shows understood text in the grid, or says why the grid cannot show it. */
  function readBack(normalized) {
    const r = fromText(normalized);
    if (!r.grid) {
      setNote('gridCannotShow');
      return;
    }
    setNote(null);
    if (toText(r.grid) === toText(grid)) return; // the grid already shows it
    grid = r.grid;
    renderGrid();
  }

  // --- the grid ------------------------------------------------------------------------------
  function gridChanged() {
    typed = false;
    fallback = toText(grid);
    input.value = ''; // the grid now says what is saved
    setNote(null);
    onChange();
    schedulePreview();
  }

  /** Redraws the grid, keeping the focus on the element with the same id (or on fallbackId). */
  function renderGrid(fallbackId) {
    const focused = document.activeElement && gridBox.contains(document.activeElement) ? document.activeElement.id : null;
    const seasonal = grid.seasons.length > 0;
    let covered = 0;
    for (const s of grid.seasons) covered |= monthMask(s.from, s.to);
    const mainLegend = seasonal ? t('gridOtherMonths', monthsWords(0xfff & ~covered)) : t('gridWeek');
    const parts = [weekFieldset(grid.week, 'w', mainLegend)];
    parts.push(el('label', { class: 'check ph' },
      el('input', {
        type: 'checkbox', id: 'ph-off', checked: grid.phOff,
        onchange: (e) => { grid.phOff = e.target.checked; gridChanged(); },
      }), ' ', t('phOff')));
    grid.seasons.forEach((s, i) => parts.push(seasonSection(s, i)));
    parts.push(el('button', {
      type: 'button', class: 'secondary', id: 'add-season',
      onclick: () => {
        grid.seasons.push({ from: 11, to: 3, week: copyWeek(grid.week) });
        gridChanged();
        renderGrid(`s${grid.seasons.length - 1}-from`);
      },
    }, t('addSeason')));
    gridBox.replaceChildren(...parts);
    const target = (focused && document.getElementById(focused)) || (fallbackId && document.getElementById(fallbackId));
    target?.focus();
  }

  function monthsWords(mask) {
    const names = [];
    for (let m = 1; m <= 12; m++) if ((mask >> (m - 1)) & 1) names.push(monthName(m));
    return names.length ? names.join(t('listSeparator')) : t('none');
  }

  function seasonSection(s, i) {
    const pre = `s${i}`;
    const monthSelect = (id, value, set) => el('select', { id, onchange: (e) => { set(Number(e.target.value)); gridChanged(); renderGrid(); } },
      Array.from({ length: 12 }, (_, k) => el('option', { value: String(k + 1), selected: k + 1 === value }, monthName(k + 1))));
    return el('section', { class: 'season', 'aria-labelledby': `${pre}-h` },
      el('h4', { id: `${pre}-h` }, t('seasonTitle', i + 1, monthName(s.from), monthName(s.to))),
      el('div', { class: 'months' },
        el('label', { for: `${pre}-from` }, t('seasonFrom')), monthSelect(`${pre}-from`, s.from, (v) => { s.from = v; }),
        el('label', { for: `${pre}-to` }, t('seasonTo')), monthSelect(`${pre}-to`, s.to, (v) => { s.to = v; })),
      weekFieldset(s.week, pre, t('seasonWeek')),
      el('button', {
        type: 'button', class: 'secondary danger', id: `${pre}-remove`,
        onclick: () => { grid.seasons.splice(i, 1); gridChanged(); renderGrid('add-season'); },
      }, t('removeSeason', i + 1)));
  }

  function weekFieldset(week, pre, legend) {
    const rows = week.map((spans, d) => dayRow(week, spans, d, pre));
    const copy = el('button', {
      type: 'button', class: 'secondary', id: `${pre}-copy`,
      onclick: () => {
        for (let d = 1; d < 5; d++) week[d] = week[0].map((x) => ({ ...x }));
        gridChanged();
        renderGrid();
      },
    }, t('copyMonday'));
    return el('fieldset', { class: 'week-grid' }, el('legend', {}, legend), rows, copy);
  }

  function dayRow(week, spans, d, pre) {
    const day = weekdayName(d);
    const id = `${pre}-d${d}`;
    const open = el('input', {
      type: 'checkbox', id: `${id}-open`, checked: spans.length > 0,
      onchange: (e) => {
        week[d] = e.target.checked ? [lastSpans(week, d)] : [];
        gridChanged();
        renderGrid(e.target.checked ? `${id}-s0-from` : `${id}-open`);
      },
    });
    const list = spans.map((s, k) => spanRow(week, d, k, s, id, day));
    return el('div', { class: 'day', 'data-day': String(d) },
      el('label', { class: 'check day-name', for: `${id}-open` }, open, ' ', day),
      spans.length ? el('button', {
        type: 'button', class: 'add-span', id: `${id}-add`, 'aria-label': t('addSpanFor', day),
        onclick: () => {
          const last = week[d].at(-1);
          week[d].push(last && last.to + 240 <= 1440 ? { from: last.to + 60, to: Math.min(last.to + 240, 1440) } : { from: 780, to: 1020 });
          gridChanged();
          renderGrid(`${id}-s${week[d].length - 1}-from`);
        },
      }, t('addSpan')) : el('span', { class: 'closed-day' }, t('closedAllDay')),
      spans.length ? el('div', { class: 'spans' }, list) : null);
  }

  function lastSpans(week, d) {
    for (let k = d - 1; k >= 0; k--) if (week[k].length) return { ...week[k][0] };
    return { from: 540, to: 1020 }; // 09:00-17:00
  }

  function spanRow(week, d, k, s, id, day) {
    const sid = `${id}-s${k}`;
    // Plain text boxes rather than <input type="time">, whose width and 12/24-hour display follow
    // the phone's settings: "8:30", "830" and "8.30" are all understood, and shown as 08:30.
    const box = (which, min) => el('input', {
      type: 'text', class: 'time', id: `${sid}-${which}`, value: inputTime(min), inputmode: 'decimal',
      autocomplete: 'off', maxlength: '5', placeholder: '08:00', required: true,
    });
    const from = box('from', s.from);
    const to = box('to', s.to);
    const overnight = el('span', { class: 'overnight', hidden: s.to <= 1440 }, t('nextDay'));
    const update = () => {
      const v = span(from.value, to.value);
      for (const i of [from, to]) {
        if (Number.isNaN(minutes(i.value))) i.setAttribute('aria-invalid', 'true');
        else i.removeAttribute('aria-invalid');
      }
      if (!v) return; // an unfinished time: wait for the rest
      week[d][k] = v;
      overnight.hidden = v.to <= 1440;
      gridChanged();
    };
    from.addEventListener('input', update);
    to.addEventListener('input', update);
    for (const i of [from, to]) {
      i.addEventListener('change', () => {
        const m = minutes(i.value);
        if (!Number.isNaN(m)) i.value = i === to ? inputTime(m) : clock(m % 1440);
      });
    }
    return el('div', { class: 'span' },
      el('label', { class: 'sr-only', for: from.id }, t('spanFrom', day, k + 1)), from,
      el('span', { 'aria-hidden': 'true' }, '–'),
      el('label', { class: 'sr-only', for: to.id }, t('spanTo', day, k + 1)), to,
      overnight,
      el('button', {
        type: 'button', class: 'remove', id: `${sid}-remove`, 'aria-label': t('removeSpan', day, k + 1),
        onclick: () => {
          week[d].splice(k, 1);
          gridChanged();
          renderGrid(week[d].length ? `${id}-s0-from` : `${id}-open`);
        },
      }, '✕'));
  }

  input.addEventListener('input', () => { typed = true; onChange(); schedulePreview(); });
  renderGrid();
  if (current()) runPreview();
  else preview.replaceChildren(el('p', {}, t('hoursEmpty')));

  const element = el('div', { class: 'hours-editor' },
    saved,
    el('div', { class: 'grid-box' }, gridBox),
    note,
    el('div', { class: 'field', 'data-field': 'opening_hours' },
      el('label', { for: 'hours-text' }, t('hoursText')),
      el('p', { class: 'hint', id: 'hours-text-hint' }, t('hoursHint')),
      input, error),
    preview, advanced);
  return {
    element, input, value: current,
    /** After a save: the saved hours are text; the box and the grid keep showing them. */
    setSaved: (value) => { setSaved(value); fallback = value || ''; input.value = ''; },
  };
}

