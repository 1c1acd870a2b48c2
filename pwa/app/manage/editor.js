// One station's editor: opening hours, amenities, status with a note, phone; "still accurate" in one
// tap; saving sends only what changed, with the version that was loaded in If-Match, so that nobody's
// newer edit is overwritten (412: the current values are shown and the user reloads). Below: the
// station's history.

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { hoursEditor, hoursWords } from './hours-editor.js';
import { renderHistory } from './history.js';
import {
  icons, vocabLabel, statusLabel, fieldLabel, confirmedText, stateOf, field, showFieldError, clearFieldErrors,
  showMessage, messageLine, busy, heading,
} from './common.js';

const statuses = ['open', 'temporarily_closed', 'closed'];

/** Amenity codes in vocabulary order. */
function ordered(codes, meta) {
  const order = new Map((meta.amenities || []).map((a, i) => [a.code, i]));
  return [...codes].sort((a, b) => (order.get(a) ?? 999) - (order.get(b) ?? 999));
}

/** The value of a property as the editor compares it. */
function norm(props, name) {
  if (name === 'amenities') return [...(props.amenities || [])].sort().join(';');
  return props[name] ?? '';
}

/** Renders the editor of station id into view. */
export async function renderEditor(view, ctx, id) {
  const title = heading(t('loading'));
  const root = el('div', { class: 'screen editor' }, el('p', {}, el('a', { href: '#/stations', class: 'back' }, t('backToStations'))), title);
  view.replaceChildren(root);
  let feature, meta;
  try {
    [feature, meta] = await Promise.all([api.get(api.stationPath(id)), ctx.meta()]);
  } catch (e) {
    title.textContent = t('stationNotFound');
    root.append(el('p', { class: 'error' }, e.message));
    return;
  }
  let base = feature.properties; // the station as last loaded or saved
  title.textContent = base.name;

  const summary = el('div', { class: 'summary' });
  const drawSummary = () => {
    const st = stateOf(base);
    summary.replaceChildren(
      el('p', { class: 'line' }, el('span', { class: 'id' }, base.id), base.address ? el('span', {}, base.address) : null),
      el('p', { class: 'line' }, el('span', { class: `badge ${st.cls}` }, st.text),
        el('span', { class: 'verified', id: 'verified-line' }, confirmedText(base.verified_at)),
        el('span', { class: 'version', id: 'version-line' }, t('versionN', base.version))));
  };
  drawSummary();

  const verifyMsg = messageLine();
  const verifyBtn = el('button', { type: 'button', class: 'primary', id: 'verify' }, '✔ ', t('stillAccurate'));

  // --- the form --------------------------------------------------------------------------------
  const saveMsg = messageLine();
  const conflictBox = el('div', { class: 'conflict', id: 'conflict', role: 'alert', tabindex: '-1', hidden: true });
  const hours = hoursEditor(base.opening_hours || '', { onChange: () => showMessage(saveMsg, '') });

  const have = new Set(base.amenities || []);
  const amenityBoxes = (meta.amenities || []).map((a) => el('label', { class: 'check amenity' },
    el('input', { type: 'checkbox', name: 'amenity', value: a.code, checked: have.has(a.code) }),
    el('span', { class: 'icon', 'aria-hidden': 'true' }, icons[a.code] || '•'), ' ', vocabLabel(meta.amenities, a.code)));
  const amenities = el('fieldset', { class: 'amenities-field', 'data-field': 'amenities' },
    el('legend', { class: 'sr-only' }, t('amenities')), el('div', { class: 'amenity-grid' }, amenityBoxes),
    el('p', { class: 'field-error', hidden: true }));

  const statusRadios = statuses.map((code) => el('label', { class: 'check' },
    el('input', { type: 'radio', name: 'status', value: code, checked: base.status === code }), ' ', statusLabel(code)));
  const statusField = el('fieldset', { 'data-field': 'status' }, el('legend', {}, t('fieldStatus')), statusRadios,
    el('p', { class: 'field-error', hidden: true }));
  const note = field('status_note', t('statusNote'),
    el('textarea', { name: 'status_note', rows: '2', maxlength: '500' }), t('statusNoteHint'));
  note.input.value = base.status_note || '';
  const until = field('closed_until', t('closedUntil'), el('input', { type: 'date', name: 'closed_until' }), t('closedUntilHint'));
  until.input.value = base.closed_until || '';
  const phone = field('phone', t('phone'), el('input', { type: 'tel', name: 'phone', autocomplete: 'off', inputmode: 'tel', maxlength: '50' }));
  phone.input.value = base.phone || '';

  const saveBtn = el('button', { type: 'submit', class: 'primary', id: 'save' }, t('save'));
  const form = el('form', { class: 'station-form', novalidate: true },
    el('section', { 'aria-labelledby': 'h-hours' }, el('h3', { id: 'h-hours' }, t('hours')), hours.element),
    el('section', { 'aria-labelledby': 'h-am' }, el('h3', { id: 'h-am' }, t('amenities')), amenities),
    el('section', { 'aria-labelledby': 'h-status' }, el('h3', { id: 'h-status' }, t('statusAndContact')), statusField, note.wrap, until.wrap, phone.wrap),
    el('div', { class: 'save-bar' }, saveBtn, saveMsg),
    conflictBox);

  /** The form's values in the API's terms. */
  const values = () => ({
    opening_hours: hours.value(),
    amenities: ordered(amenityBoxes.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value), meta),
    status: form.querySelector('input[name="status"]:checked')?.value ?? base.status,
    // One line: the server refuses control characters, and a note needs no layout.
    status_note: note.input.value.replace(/\s+/g, ' ').trim(),
    closed_until: until.input.value,
    phone: phone.input.value.trim(),
  });

  const changes = () => {
    const v = values();
    const out = {};
    for (const name of Object.keys(v)) if (norm(v, name) !== norm(base, name)) out[name] = v[name];
    return out;
  };

  const history = el('section', { class: 'history', 'aria-labelledby': 'h-history' },
    el('h3', { id: 'h-history' }, t('history')), el('div', { id: 'history' }));
  const refreshHistory = () => renderHistory(history.querySelector('#history'), id, meta);

  const saved = (props, words) => {
    base = props;
    hours.setSaved(props.opening_hours || '');
    drawSummary();
    conflictBox.hidden = true;
    showMessage(words === 'verified' ? verifyMsg : saveMsg, words === 'verified' ? t('verifiedDone') : t('savedVersion', props.version), 'ok');
    refreshHistory();
  };

  const conflict = (err, mine) => {
    const current = err.body.current?.properties;
    const rows = [];
    if (current) {
      for (const name of ['opening_hours', 'amenities', 'status', 'status_note', 'closed_until', 'phone']) {
        const theirs = norm(current, name), before = norm(base, name);
        if (theirs === before && !(name in mine)) continue;
        const show = (v) => (name === 'amenities' ? v.split(';').filter(Boolean).map((c) => vocabLabel(meta.amenities, c)).join('、')
          : name === 'status' ? statusLabel(v) : name === 'opening_hours' && v ? hoursWords(v).join(t('hoursLineSep')) : v) || t('emptyValue');
        rows.push(el('tr', {}, el('th', { scope: 'row' }, fieldLabel(name)),
          el('td', {}, show(theirs)), el('td', {}, name in mine ? show(norm(mine, name)) : '—')));
      }
    }
    const reload = el('button', { type: 'button', class: 'primary', id: 'reload', onclick: () => renderEditor(view, ctx, id) }, t('reloadStation'));
    conflictBox.replaceChildren(el('div', {},
      el('h3', {}, t('conflictTitle')),
      el('p', {}, t('conflictText', current ? current.version : '?')),
      rows.length ? el('table', { class: 'diff' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('fieldColumn')), el('th', { scope: 'col' }, t('currentValue')), el('th', { scope: 'col' }, t('yourValue')))),
        el('tbody', {}, rows)) : null,
      reload));
    conflictBox.hidden = false;
    showMessage(saveMsg, t('notSaved'), 'error');
    conflictBox.focus();
    refreshHistory();
  };

  const refused = (err, msgNode) => {
    if (err.status === 412 && err.code === 'version_conflict') return conflict(err, msgNode === saveMsg ? changes() : {});
    const text = err.detail || err.message;
    if (err.field && err.field !== 'If-Match' && form.querySelector(`[data-field="${CSS.escape(err.field)}"]`)) {
      showFieldError(form, err.field, text);
      showMessage(msgNode, t('notSavedSee', fieldLabel(err.field)), 'error');
    } else {
      showMessage(msgNode, err.message, 'error');
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const body = changes();
    if (!Object.keys(body).length) {
      showMessage(saveMsg, t('noChanges'));
      return;
    }
    busy(saveBtn, async () => {
      showMessage(saveMsg, t('saving'));
      try {
        const { data } = await api.request('PATCH', api.stationPath(id), { json: body, ifMatch: base.version });
        saved(data.properties, 'saved');
      } catch (err) {
        refused(err, saveMsg);
      }
    });
  });

  verifyBtn.addEventListener('click', () => busy(verifyBtn, async () => {
    showMessage(verifyMsg, t('saving'));
    try {
      const { data } = await api.request('PATCH', api.stationPath(id), { json: { verified: true }, ifMatch: base.version });
      saved(data.properties, 'verified');
    } catch (err) {
      refused(err, verifyMsg);
    }
  }));

  root.append(summary,
    el('div', { class: 'verify-bar' }, verifyBtn, el('p', { class: 'hint' }, t('stillAccurateHint')), verifyMsg),
    form, history);
  refreshHistory();
}
