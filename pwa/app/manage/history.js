// A station's history (GET /api/v1/stations/{id}/history): who changed what and when, each field
// before → after, newest first.

import { t } from '../i18n.js';
import { hoursWords } from './hours-editor.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { fieldLabel, statusLabel, vocabLabel, when, busy } from './common.js';

const actionKeys = { create: 'actionCreate', edit: 'actionEdit', verify: 'actionVerify', import: 'actionImport' };

function shown(name, value, meta) {
  if (value === '' || value === null || value === undefined) return t('emptyValue');
  if (name === 'amenities') return String(value).split(';').filter(Boolean).map((c) => vocabLabel(meta?.amenities, c)).join('、') || t('emptyValue');
  if (name === 'status') return statusLabel(value);
  if (name === 'kind') return vocabLabel(meta?.kinds, value);
  if (name === 'verified_at') return when(value);
  if (name === 'opening_hours') return hoursWords(String(value)).join(t('hoursLineSep')); // words, never OSM syntax
  return String(value);
}

/** "12月6日：服务 35 人（原为 30 人）" for a count of people served (PUT .../visits/{day}). */
function servedLine(e) {
  const [y, m, d] = String(e.after.served_on).split('-').map(Number);
  const day = t('dayMonth', d, t('monthNames').split(',')[m - 1] || m, y);
  const was = e.before?.served;
  return t('servedOn', day, e.after.served) + (was === null || was === undefined ? '' : t('servedWas', was));
}

/** Who made a change: an account's name, or, for the command line (no account), words for it. */
function actorName(e) {
  if (e.user_id) return e.actor || t('someone');
  return e.actor ? t('byCommandLine') : t('someone');
}

/** One entry of the history as a list item. */
function entryItem(e, meta) {
  if (e.after && 'served_on' in e.after) {
    return el('li', { class: 'served' },
      el('p', { class: 'who' }, el('strong', {}, actorName(e)), ' · ', el('time', { datetime: e.at }, when(e.at)), ' · ', t('actionServed')),
      el('p', {}, servedLine(e)));
  }
  const names = [...new Set([...Object.keys(e.before || {}), ...Object.keys(e.after || {})])];
  return el('li', { 'data-version': String(e.version) },
    el('p', { class: 'who' },
      el('strong', {}, actorName(e)), ' · ', el('time', { datetime: e.at }, when(e.at)), ' · ',
      t(actionKeys[e.action] || 'actionEdit'), ' · ', t('versionN', e.version)),
    el('dl', { class: 'changes' }, names.map((n) => [
      el('dt', {}, fieldLabel(n)),
      el('dd', {},
        el('span', { class: 'before' }, shown(n, e.before?.[n], meta)),
        el('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '), el('span', { class: 'sr-only' }, ` ${t('changedTo')} `),
        el('span', { class: 'after' }, shown(n, e.after?.[n], meta))),
    ])));
}

const PER_PAGE = 20;

/** Loads and draws the history of station id into container, newest first, older pages on request. */
export async function renderHistory(container, id, meta) {
  container.setAttribute('aria-busy', 'true');
  const list = el('ol', { class: 'history-list' });
  const more = el('button', { type: 'button', class: 'secondary more', id: 'older-history', hidden: true }, t('olderHistory'));
  let page = 0;
  let loaded = 0;
  const next = async () => {
    const data = await api.get(api.withQuery(api.stationPath(id, '/history'), { page: page + 1, per_page: PER_PAGE }));
    page++;
    const entries = data.entries || [];
    list.append(...entries.map((e) => entryItem(e, meta)));
    loaded += entries.length;
    more.hidden = loaded >= (data.total ?? loaded);
    return loaded;
  };
  more.addEventListener('click', () => busy(more, () => next().catch((e) => container.append(el('p', { class: 'error' }, e.message)))));
  try {
    if (!await next()) {
      container.replaceChildren(el('p', { class: 'empty' }, t('noHistory')));
      return;
    }
  } catch (e) {
    container.replaceChildren(el('p', { class: 'error' }, e.message));
    return;
  } finally {
    container.removeAttribute('aria-busy');
  }
  container.replaceChildren(list, more);
}
