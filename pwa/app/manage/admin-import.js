// Admin: load a station list (POST /api/v1/admin/imports) — first a check that writes nothing and
// lists every bad row (row, column, code, reason), then the import itself, all or nothing — and
// export everything (GET /api/v1/admin/export) as CSV, XLSX or GeoJSON.

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { fieldLabel, heading, busy, showMessage, messageLine, scroller } from './common.js';

const crsChoices = [['wgs84', 'crsWGS84'], ['gcj02', 'crsGCJ02'], ['bd09', 'crsBD09']];
const formats = { csv: 'csv', tsv: 'csv', txt: 'csv', xlsx: 'xlsx', geojson: 'geojson', json: 'geojson' };

/** The format named by a file's extension, or undefined (the server recognises the file). */
function formatOf(name) {
  const m = /\.([a-z0-9]+)$/i.exec(name || '');
  return m ? formats[m[1].toLowerCase()] : undefined;
}

function reportSummary(rep) {
  const facts = [
    [t('importFormat'), `${rep.format || '—'}${rep.encoding ? ` · ${rep.encoding}` : ''}`],
    [t('importCRS'), rep.crs || '—'],
    [t('importRows'), String(rep.rows)],
  ];
  if (!rep.errors?.length) {
    facts.push([t('importCreated'), String(rep.created)], [t('importUpdated'), String(rep.updated)], [t('importUnchanged'), String(rep.unchanged)]);
  }
  if (rep.ignored_columns?.length) facts.push([t('importIgnored'), rep.ignored_columns.join(', ')]);
  return el('dl', { class: 'facts report-facts' }, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function errorTable(rep) {
  // On a phone each row becomes a card; data-label names the cell there (the header row is hidden).
  const rows = rep.errors.map((e) => el('tr', {},
    el('td', { class: 'row', 'data-label': t('colRow') }, e.row ? String(e.row) : '—',
      e.row && rep.header_row ? el('span', { class: 'sheet-row' }, ` ${t('sheetRow', rep.header_row + e.row)}`) : null),
    el('td', { class: 'column', 'data-label': t('colColumn') }, e.field ? `${fieldLabel(e.field)}${fieldLabel(e.field) !== e.field ? ` (${e.field})` : ''}` : '—'),
    el('td', { class: 'code', 'data-label': t('colCode') }, el('code', {}, e.code)),
    el('td', { class: 'detail', 'data-label': t('colDetail') }, e.detail)));
  const table = el('table', { class: 'errors', id: 'import-errors' },
    el('caption', {}, t('importErrorsCaption', rep.errors.length + (rep.errors_omitted || 0))),
    el('thead', {}, el('tr', {}, [t('colRow'), t('colColumn'), t('colCode'), t('colDetail')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
  const out = [scroller(table, t('importErrorsCaption', rep.errors.length))];
  if (rep.errors_omitted) out.push(el('p', {}, t('importErrorsOmitted', rep.errors_omitted)));
  return out;
}

/** Draws the import and export screen into view. */
export function renderImport(view) {
  const file = el('input', { type: 'file', id: 'import-file', name: 'file', accept: '.csv,.tsv,.txt,.xlsx,.geojson,.json' });
  const crs = el('fieldset', { class: 'crs' }, el('legend', {}, t('importCRSChoice')),
    crsChoices.map(([v, key], i) => el('label', { class: 'check' }, el('input', { type: 'radio', name: 'crs', value: v, checked: i === 0 }), ' ', t(key))));
  const sheet = el('input', { type: 'text', id: 'import-sheet', name: 'sheet', autocomplete: 'off', maxlength: '100' });
  const check = el('button', { type: 'button', class: 'primary', id: 'import-check' }, t('importCheck'));
  const apply = el('button', { type: 'button', class: 'primary', id: 'import-apply', disabled: true }, t('importApply'));
  const msg = messageLine();
  const result = el('div', { class: 'import-result', id: 'import-result', 'aria-live': 'polite' });
  let checked = null; // the choice a clean check was made with

  const choice = () => ({ file: file.files[0], crs: crs.querySelector('input:checked').value, sheet: sheet.value.trim() });
  const sameChoice = (a, b) => a && b && a.file === b.file && a.crs === b.crs && a.sheet === b.sheet;
  const changed = () => { apply.disabled = !sameChoice(checked, choice()); showMessage(msg, ''); };
  [file, sheet].forEach((i) => i.addEventListener('input', changed));
  file.addEventListener('change', changed);
  crs.addEventListener('change', changed);

  async function run(dryRun, button) {
    const c = choice();
    if (!c.file) {
      showMessage(msg, t('importNoFile'), 'error');
      file.focus();
      return;
    }
    await busy(button, async () => {
      showMessage(msg, dryRun ? t('importChecking') : t('importing'));
      result.replaceChildren();
      let rep;
      try {
        const path = api.withQuery('/api/v1/admin/imports', { dry_run: String(dryRun), crs: c.crs, format: formatOf(c.file.name), sheet: c.sheet });
        ({ data: rep } = await api.request('POST', path, { body: c.file, contentType: c.file.type || 'application/octet-stream' }));
      } catch (e) {
        if (e.status === 422 && Array.isArray(e.body.errors)) {
          checked = null;
          apply.disabled = true;
          showMessage(msg, dryRun ? t('importCheckFailed', e.body.errors.length + (e.body.errors_omitted || 0)) : t('importRefused'), 'error');
          result.replaceChildren(reportSummary(e.body), ...errorTable(e.body));
          return;
        }
        showMessage(msg, e.message, 'error');
        return;
      }
      result.replaceChildren(reportSummary(rep));
      if (dryRun) {
        checked = c;
        apply.disabled = false;
        showMessage(msg, t('importCheckOK', rep.rows, rep.created, rep.updated, rep.unchanged), 'ok');
      } else {
        checked = null;
        apply.disabled = true;
        showMessage(msg, t('importDone', rep.created, rep.updated, rep.unchanged, rep.data_version), 'ok');
      }
    });
  }
  check.addEventListener('click', () => run(true, check));
  apply.addEventListener('click', () => run(false, apply));

  const exports = [['csv', 'exportCSV'], ['xlsx', 'exportXLSX'], ['geojson', 'exportGeoJSON']].map(([f, key]) =>
    el('a', { class: 'button secondary', href: `/api/v1/admin/export?format=${f}`, download: '', 'data-format': f }, t(key)));

  view.replaceChildren(el('div', { class: 'screen' },
    heading(t('importExport')),
    el('section', { 'aria-labelledby': 'h-import' },
      el('h3', { id: 'h-import' }, t('importTitle')),
      el('p', { class: 'hint' }, t('importIntro')),
      el('div', { class: 'field' }, el('label', { for: 'import-file' }, t('importFile')), file),
      crs,
      el('div', { class: 'field' }, el('label', { for: 'import-sheet' }, t('importSheet')),
        el('p', { class: 'hint', id: 'import-sheet-hint' }, t('importSheetHint')), sheet),
      el('div', { class: 'actions' }, check, apply), msg, result),
    el('section', { 'aria-labelledby': 'h-export' },
      el('h3', { id: 'h-export' }, t('exportTitle')),
      el('p', { class: 'hint' }, t('exportIntro')),
      el('div', { class: 'actions' }, exports))));
  sheet.setAttribute('aria-describedby', 'import-sheet-hint');
}
