// Problem reports riders sent: on my stations (GET /api/v1/my/reports) or, for admins, all of them
// (GET /api/v1/admin/reports); open ones or all; "mark resolved" (PATCH /api/v1/reports/{id}).

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { reasons } from '../reports.js';
import { when, heading, busy, showMessage, messageLine, pager } from './common.js';

const PER_PAGE = 50;

const reasonKey = new Map(reasons);

/** Draws the reports screen into view: scope 'mine' or 'all'. */
export async function renderReports(view, ctx, scope = ctx.user.role === 'admin' ? 'all' : 'mine') {
  let which = 'open';
  let page = 1;
  const list = el('ol', { class: 'reports', id: 'reports', 'aria-busy': 'true' });
  const status = el('p', { class: 'count', role: 'status' });
  const filter = el('div', { class: 'filter', role: 'group', 'aria-label': t('reportFilter') });
  const pages = pager(() => load(), (p) => { page = p; }, 'reports-page');
  const root = el('div', { class: 'screen' }, heading(scope === 'all' ? t('allReports') : t('myReports')), filter, status, list, pages.element);
  view.replaceChildren(root);

  const drawFilter = () => filter.replaceChildren(...[['open', 'reportsOpen'], ['all', 'reportsAll']].map(([v, key]) =>
    el('button', { type: 'button', class: 'chip', 'aria-pressed': String(which === v), 'data-filter': v, onclick: () => { which = v; page = 1; drawFilter(); load(); } }, t(key))));
  drawFilter();

  const card = (r) => {
    const msg = messageLine();
    const state = el('span', { class: `badge ${r.status === 'open' ? 'unknown' : 'open'}` }, r.status === 'open' ? t('reportOpen') : t('reportResolved'));
    const resolve = r.status === 'open' ? el('button', { type: 'button', class: 'primary resolve' }, t('markResolved')) : null;
    const li = el('li', { 'data-id': String(r.id), 'data-status': r.status },
      el('p', { class: 'line' }, el('a', { href: `#/station/${encodeURIComponent(r.station_id)}`, class: 'name' }, r.station_name || r.station_id), state),
      el('p', { class: 'reason' }, t(reasonKey.get(r.reason) || 'reasonOther')),
      r.note ? el('p', { class: 'note' }, r.note) : null,
      el('p', { class: 'meta' }, el('time', { datetime: r.created_at }, when(r.created_at)), ' · ', r.station_id,
        r.resolved_at ? ` · ${t('resolvedBy', r.resolved_by || '', when(r.resolved_at))}` : ''),
      resolve, msg);
    resolve?.addEventListener('click', () => busy(resolve, async () => {
      try {
        const { data } = await api.request('PATCH', `/api/v1/reports/${r.id}`, { json: { status: 'resolved' } });
        li.replaceWith(card(data));
      } catch (e) {
        showMessage(msg, e.message, 'error');
      }
    }));
    return li;
  };

  let seq = 0;
  async function load() {
    const mine = ++seq;
    list.setAttribute('aria-busy', 'true');
    try {
      const path = scope === 'all' ? '/api/v1/admin/reports' : '/api/v1/my/reports';
      const data = await api.get(api.withQuery(path, { status: which, page, per_page: PER_PAGE }));
      if (mine !== seq) return;
      list.replaceChildren(...data.reports.map(card));
      const pageCount = Math.max(1, Math.ceil(data.total / PER_PAGE));
      status.textContent = !data.total ? t(which === 'open' ? 'noOpenReports' : 'noReports')
        : pageCount > 1 ? t('reportsPageOf', page, pageCount, data.total) : t('reportCount', data.total);
      pages.update(page, pageCount);
    } catch (e) {
      if (mine === seq) status.textContent = e.message;
    } finally {
      if (mine === seq) list.removeAttribute('aria-busy');
    }
  }
  load();
}
