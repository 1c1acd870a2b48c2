// One station's editor: for admins the name, kind, address, operator, audience and the position (a pin
// on a small map, loaded when asked for); opening hours, amenities, status with a note, phone; then
// "still accurate", after the details it confirms, asked about the first time. Saving sends only what
// changed, with the version that was loaded in If-Match, so that nobody's newer edit is overwritten
// (412: the current values are shown and the user reloads). Below: the station's history. What is
// typed survives a language switch (the draft and the loaded version are kept), and leaving with it
// unsaved asks first (main.js).

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { hoursEditor, hoursWords } from './hours-editor.js';
import { renderHistory } from './history.js';
import {
  icons, vocabLabel, statusLabel, fieldLabel, confirmedText, stateOf, field, showFieldError, clearFieldErrors,
  showMessage, messageLine, busy, heading, ask, holdWork, takeDraft,
} from './common.js';
import { unitVec, distanceM, bearingDeg, compassKey } from '../geo.js';

const statuses = ['open', 'temporarily_closed', 'closed'];
const audiences = ['everyone', 'couriers_and_drivers', 'drivers'];
const audienceKeys = { everyone: 'audienceEveryone', couriers_and_drivers: 'audienceCouriers', drivers: 'audienceDrivers' };
const audienceLabel = (code) => (audienceKeys[code] ? t(audienceKeys[code]) : code);

/** Whether this browser has asked "have you checked…" before a first confirmation. */
const askedKey = 'yizhan.confirmAsked';

/** "向东北移动了 120 米" from WGS-84 [lon, lat] a to b. */
function movedWords(a, b) {
  const m = distanceM(unitVec(a[0], a[1]), unitVec(b[0], b[1]));
  if (m < 0.5) return t('notMoved');
  const metres = m < 1000 ? t('metres', Math.round(m)) : t('kilometres', (m / 1000).toFixed(m < 10000 ? 2 : 1));
  return t('movedBy', t(compassKey(bearingDeg(a[0], a[1], unitVec(b[0], b[1])))), metres);
}

/** Degrees with six decimals (about 10 cm): what the editor shows and compares. */
const deg = (x) => (Math.round(x * 1e6) / 1e6).toFixed(6);

/** Amenity codes in vocabulary order. */
function ordered(codes, meta) {
  const order = new Map((meta.amenities || []).map((a, i) => [a.code, i]));
  return [...codes].sort((a, b) => (order.get(a) ?? 999) - (order.get(b) ?? 999));
}

/** The value of a property as the editor compares it. */
function norm(props, name) {
  if (name === 'amenities') return [...(props.amenities || [])].sort().join(';');
  if (name === 'lon' || name === 'lat') return props[name] === undefined || props[name] === null ? '' : deg(props[name]);
  return props[name] ?? '';
}

/** A station's properties with its position as lon and lat (from the feature's geometry). */
function withPosition(feature) {
  const [lon, lat] = feature.geometry?.coordinates || [];
  return { ...feature.properties, lon, lat };
}

/** Renders the editor of station id into view. */
export async function renderEditor(view, ctx, id) {
  const title = heading(t('loading'));
  const root = el('div', { class: 'screen editor' }, el('p', {}, el('a', { href: '#/stations', class: 'back' }, t('backToStations'))), title);
  view.replaceChildren(root);
  const admin = ctx.user?.role === 'admin';
  const key = `#/station/${id}`;
  // A draft kept over a language switch comes with the version it was typed against.
  const draft = takeDraft(key);
  let feature, meta;
  try {
    [feature, meta] = await Promise.all([draft ? draft.feature : api.get(api.stationPath(id)), ctx.meta()]);
  } catch (e) {
    title.textContent = t('stationNotFound');
    root.append(el('p', { class: 'error' }, e.message));
    return;
  }
  let base = withPosition(feature); // the station as last loaded or saved
  const start = draft ? draft.values : base; // what the form shows first
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
  const verifyBtn = el('button', { type: 'button', class: 'secondary', id: 'verify' }, '✔ ', t('stillAccurate'));

  // --- the form --------------------------------------------------------------------------------
  const saveMsg = messageLine();
  const conflictBox = el('div', { class: 'conflict', id: 'conflict', role: 'alert', tabindex: '-1', hidden: true });
  const hours = hoursEditor(start.opening_hours || '', { onChange: () => showMessage(saveMsg, ''), savedText: base.opening_hours || '' });

  // --- name, kind, address, operator, audience: admins change them, operators see them ---------
  const text = (name, label, max, attrs = {}) => {
    const f = field(name, label, el('input', { type: 'text', name, autocomplete: 'off', maxlength: String(max), ...attrs }));
    f.input.value = start[name] ?? '';
    return f;
  };
  let basics, basicInputs = {};
  if (admin) {
    const name = text('name', t('fieldName'), 100);
    const kind = field('kind', t('fieldKind'), el('select', { name: 'kind' },
      (meta.kinds || []).map((k) => el('option', { value: k.code, selected: k.code === start.kind }, vocabLabel(meta.kinds, k.code)))));
    const address = text('address', t('address'), 200);
    const operator = text('operator', t('operator'), 100);
    const audience = field('audience', t('audience'), el('select', { name: 'audience' },
      audiences.map((a) => el('option', { value: a, selected: a === start.audience }, audienceLabel(a)))));
    basicInputs = { name: name.input, kind: kind.input, address: address.input, operator: operator.input, audience: audience.input };
    basics = el('section', { 'aria-labelledby': 'h-basics', class: 'basics' }, el('h3', { id: 'h-basics' }, t('basics')),
      name.wrap, kind.wrap, address.wrap, operator.wrap, audience.wrap);
  } else {
    const row = (label, value) => [el('dt', {}, label), el('dd', {}, value || t('emptyValue'))];
    basics = el('section', { 'aria-labelledby': 'h-basics', class: 'basics' }, el('h3', { id: 'h-basics' }, t('basics')),
      el('dl', { class: 'facts', id: 'basics-read' }, row(t('fieldName'), base.name), row(t('fieldKind'), vocabLabel(meta.kinds, base.kind)),
        row(t('address'), base.address), row(t('operator'), base.operator), row(t('audience'), audienceLabel(base.audience))),
      el('p', { class: 'hint' }, t('basicsByAdmin')));
  }

  // --- the position (admins): a pin on a small map, loaded when the section is opened ----------
  let point = base.lon === undefined ? null : [start.lon, start.lat]; // WGS-84
  let position = null;
  let pin = null;
  let drawPoint = () => {};
  if (admin && point) {
    const coords = el('p', { class: 'coords', id: 'coords' });
    const movedLine = el('p', { class: 'moved', id: 'moved', role: 'status', 'aria-live': 'polite' });
    const mapBox = el('div', { class: 'pin-map', id: 'pin-map' });
    const undo = el('button', { type: 'button', class: 'secondary', id: 'pin-undo' }, t('putBack'));
    drawPoint = () => {
      coords.textContent = t('coordinates', deg(point[0]), deg(point[1]));
      const moved = norm({ lon: point[0], lat: point[1] }, 'lon') !== norm(base, 'lon') || norm({ lon: point[0], lat: point[1] }, 'lat') !== norm(base, 'lat');
      movedLine.textContent = moved ? movedWords([base.lon, base.lat], point) : t('notMoved');
      movedLine.dataset.moved = String(moved);
      undo.hidden = !moved;
    };
    undo.addEventListener('click', () => {
      point = [base.lon, base.lat];
      pin?.put(...point);
      drawPoint();
      showMessage(saveMsg, '');
    });
    const details = el('details', { class: 'position', id: 'position' },
      el('summary', {}, t('positionOnMap')),
      el('p', { class: 'hint' }, t('positionHint')), mapBox, coords, movedLine, undo);
    position = el('section', { 'aria-labelledby': 'h-position', 'data-field': 'lon' }, el('h3', { id: 'h-position' }, t('position')), details,
      el('p', { class: 'field-error', hidden: true }));
    details.addEventListener('toggle', async () => {
      if (!details.open || pin) return;
      mapBox.dataset.loading = 'true';
      try {
        const { pinMap } = await import('./pin-map.js');
        pin = pinMap(mapBox, meta.map, {
          id, lon: point[0], lat: point[1], dark: document.documentElement.classList.contains('dark'), label: t('pinLabel'),
          onMove: (lon, lat) => { point = [lon, lat]; drawPoint(); showMessage(saveMsg, ''); },
        });
      } catch (e) {
        mapBox.replaceChildren(el('p', { class: 'error' }, t('mapFailed')));
      } finally {
        delete mapBox.dataset.loading;
      }
    });
    drawPoint();
    // A draft with a moved pin opens the map again.
    if (draft && movedLine.dataset.moved === 'true') details.open = true;
  }

  const have = new Set(start.amenities || []);
  const amenityBoxes = (meta.amenities || []).map((a) => el('label', { class: 'check amenity' },
    el('input', { type: 'checkbox', name: 'amenity', value: a.code, checked: have.has(a.code) }),
    el('span', { class: 'icon', 'aria-hidden': 'true' }, icons[a.code] || '•'), ' ', vocabLabel(meta.amenities, a.code)));
  const amenities = el('fieldset', { class: 'amenities-field', 'data-field': 'amenities' },
    el('legend', { class: 'sr-only' }, t('amenities')), el('div', { class: 'amenity-grid' }, amenityBoxes),
    el('p', { class: 'field-error', hidden: true }));

  const statusRadios = statuses.map((code) => el('label', { class: 'check' },
    el('input', { type: 'radio', name: 'status', value: code, checked: start.status === code }), ' ', statusLabel(code)));
  const statusField = el('fieldset', { 'data-field': 'status' }, el('legend', {}, t('fieldStatus')), statusRadios,
    el('p', { class: 'field-error', hidden: true }));
  const note = field('status_note', t('statusNote'),
    el('textarea', { name: 'status_note', rows: '2', maxlength: '500' }), t('statusNoteHint'));
  note.input.value = start.status_note || '';
  const until = field('closed_until', t('closedUntil'), el('input', { type: 'date', name: 'closed_until' }), t('closedUntilHint'));
  until.input.value = start.closed_until || '';
  const phone = field('phone', t('phone'), el('input', { type: 'tel', name: 'phone', autocomplete: 'off', inputmode: 'tel', maxlength: '50' }));
  phone.input.value = start.phone || '';

  const saveBtn = el('button', { type: 'submit', class: 'primary', id: 'save' }, t('save'));
  const form = el('form', { class: 'station-form', novalidate: true },
    basics,
    el('section', { 'aria-labelledby': 'h-hours' }, el('h3', { id: 'h-hours' }, t('hours')), hours.element),
    el('section', { 'aria-labelledby': 'h-am' }, el('h3', { id: 'h-am' }, t('amenities')), amenities),
    el('section', { 'aria-labelledby': 'h-status' }, el('h3', { id: 'h-status' }, t('statusAndContact')), statusField, note.wrap, until.wrap, phone.wrap),
    position,
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
    ...Object.fromEntries(Object.entries(basicInputs).map(([name, input]) => [name, input.value.trim()])),
    ...(admin && point ? { lon: point[0], lat: point[1] } : {}),
  });

  const changes = () => {
    const v = values();
    const out = {};
    for (const name of Object.keys(v)) if (norm(v, name) !== norm(base, name)) out[name] = v[name];
    // The server takes a position as both numbers.
    if ('lon' in out || 'lat' in out) Object.assign(out, { lon: v.lon, lat: v.lat });
    return out;
  };
  holdWork(key, {
    dirty: () => Object.keys(changes()).length > 0,
    read: () => ({ feature, values: values() }),
  });

  const history = el('section', { class: 'history', 'aria-labelledby': 'h-history' },
    el('h3', { id: 'h-history' }, t('history')), el('div', { id: 'history' }));
  const refreshHistory = () => renderHistory(history.querySelector('#history'), id, meta);

  const saved = (data, words) => {
    feature = data;
    base = withPosition(data);
    title.textContent = base.name;
    hours.setSaved(base.opening_hours || '');
    drawSummary();
    if (point) {
      point = [base.lon, base.lat];
      drawPoint();
    }
    conflictBox.hidden = true;
    if (words === 'verified') showMessage(verifyMsg, t('verifiedDone'), 'ok');
    else if (words === 'both') showMessage(verifyMsg, t('savedAndVerified', base.version), 'ok');
    else showMessage(saveMsg, t('savedVersion', base.version), 'ok');
    if (words !== 'saved') showMessage(saveMsg, '');
    refreshHistory();
  };

  const conflict = (err, mine) => {
    const current = err.body.current?.properties;
    const rows = [];
    if (current) {
      for (const name of ['name', 'kind', 'address', 'operator', 'audience', 'opening_hours', 'amenities', 'status', 'status_note', 'closed_until', 'phone', 'lon', 'lat']) {
        if (name === 'lon' || name === 'lat') current[name] = err.body.current.geometry?.coordinates?.[name === 'lon' ? 0 : 1];
        const theirs = norm(current, name), before = norm(base, name);
        if (theirs === before && !(name in mine)) continue;
        const show = (v) => (name === 'amenities' ? v.split(';').filter(Boolean).map((c) => vocabLabel(meta.amenities, c)).join('、')
          : name === 'status' ? statusLabel(v) : name === 'kind' ? vocabLabel(meta.kinds, v) : name === 'audience' ? audienceLabel(v)
            : name === 'opening_hours' && v ? hoursWords(v).join(t('hoursLineSep')) : v) || t('emptyValue');
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
    // A refused position (outside Liaoning, far from its district) is shown next to the map.
    const at = err.field === 'lat' ? 'lon' : err.field;
    if (at && at !== 'If-Match' && form.querySelector(`[data-field="${CSS.escape(at)}"]`)) {
      showFieldError(form, at, text);
      if (at === 'lon') position.querySelector('details').open = true;
      showMessage(msgNode, t('notSavedSee', at === 'lon' ? t('position') : fieldLabel(at)), 'error');
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
        saved(data, 'saved');
      } catch (err) {
        refused(err, saveMsg);
      }
    });
  });

  // Confirming says the details above are right. The first time in this browser it asks whether
  // they were checked; with unsaved changes it asks to save them with the confirmation, in one edit
  // (what a clerk who just corrected the hours means by "the information is right").
  verifyBtn.addEventListener('click', () => busy(verifyBtn, async () => {
    clearFieldErrors(form);
    const pending = changes();
    const unsavedNow = Object.keys(pending).length > 0;
    const first = localStorage.getItem(askedKey) !== '1';
    if (first || unsavedNow) {
      const lines = [];
      if (first) lines.push(t('confirmCheckText'));
      if (unsavedNow) lines.push(t('confirmUnsavedText', Object.keys(pending).filter((n) => n !== 'lat').map((n) => (n === 'lon' ? t('position') : fieldLabel(n))).join('、')));
      const answer = await ask(first ? t('confirmCheckTitle') : t('confirmUnsavedTitle'), lines,
        [['yes', unsavedNow ? t('saveAndConfirm') : t('checkedConfirm')], ['no', t('lookAgain')]]);
      if (answer !== 'yes') {
        showMessage(verifyMsg, t('notConfirmedYet'));
        return;
      }
      localStorage.setItem(askedKey, '1');
    }
    showMessage(verifyMsg, t('saving'));
    try {
      const { data } = await api.request('PATCH', api.stationPath(id), { json: { ...pending, verified: true }, ifMatch: base.version });
      saved(data, unsavedNow ? 'both' : 'verified');
    } catch (err) {
      if (err.status === 412 && err.code === 'version_conflict') conflict(err, pending);
      else refused(err, verifyMsg);
    }
  }));

  const verifyBar = el('section', { class: 'verify-bar', 'aria-labelledby': 'h-verify' },
    el('h3', { id: 'h-verify' }, t('confirmTitle')), el('p', { class: 'hint' }, t('stillAccurateHint')), verifyBtn, verifyMsg);
  root.append(summary, form, verifyBar, history);
  refreshHistory();
}
