// The stations a user may edit (GET /api/v1/my/stations): an operator's own list; for an admin, every
// station a page at a time, and a search by name, address or id.

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { confirmedText, stateOf, heading, field, vocabLabel } from './common.js';
import { visitsChart } from './dashboard.js';

const PER_PAGE = 50;

function item(f, meta) {
  const p = f.properties;
  const st = stateOf(p);
  return el('li', { 'data-id': f.id },
    el('a', { class: 'station', href: `#/station/${encodeURIComponent(f.id)}` },
      el('span', { class: 'name' }, p.name),
      el('span', { class: 'line' }, el('span', { class: 'kind' }, vocabLabel(meta?.kinds, p.kind)), el('span', { class: 'id' }, f.id)),
      el('span', { class: 'line' }, el('span', { class: `badge ${st.cls}` }, st.text), el('span', {}, confirmedText(p.verified_at)))));
}

/** An operator's visits per month this year, below the list. */
async function myVisits(root) {
  const box = el('section', { class: 'my-visits', id: 'my-visits' }, el('h3', {}, t('myVisitsTitle')));
  root.append(box);
  try {
    const v = await api.get('/api/v1/my/visits');
    box.append(el('p', { class: 'count' }, t('myVisitsTotal', Number(v.total).toLocaleString())), ...visitsChart(v.months, v.from, v.to).filter(Boolean));
  } catch (e) {
    box.append(el('p', { class: 'error' }, e.message));
  }
}

/** Draws the station list into view. */
export async function renderStations(view, ctx) {
  const admin = ctx.user.role === 'admin';
  const list = el('ol', { class: 'list', id: 'my-stations', 'aria-busy': 'true' });
  const status = el('p', { class: 'count', role: 'status' });
  const root = el('div', { class: 'screen' }, heading(admin ? t('allStations') : t('myStations')));
  view.replaceChildren(root);
  const meta = await ctx.meta().catch(() => null);

  if (!admin) {
    root.append(status, list);
    try {
      const fc = await api.get('/api/v1/my/stations');
      list.replaceChildren(...fc.features.map((f) => item(f, meta)));
      status.textContent = fc.features.length ? t('stationCount', fc.features.length) : t('noStationsAssigned');
      if (fc.features.length) myVisits(root);
    } catch (e) {
      status.textContent = e.message;
    } finally {
      list.removeAttribute('aria-busy');
    }
    return;
  }

  // Admins: pages of every station, or search results.
  let page = 1;
  const q = field('q', t('findStation'), el('input', { type: 'search', name: 'q', autocomplete: 'off', enterkeyhint: 'search' }), t('findStationHint'));
  const prev = el('button', { type: 'button', class: 'secondary', id: 'prev-page' }, t('previousPage'));
  const next = el('button', { type: 'button', class: 'secondary', id: 'next-page' }, t('nextPage'));
  const pager = el('div', { class: 'pager' }, prev, next);
  const byId = el('p', { class: 'by-id', hidden: true });
  root.append(el('form', { role: 'search', class: 'find' }, q.wrap), byId, status, list, pager);
  let seq = 0;

  async function show() {
    const mine = ++seq;
    const text = q.input.value.trim();
    list.setAttribute('aria-busy', 'true');
    try {
      if (text) {
        pager.hidden = true;
        const fc = await api.get(api.withQuery('/api/v1/search', { q: text, limit: 50 }));
        if (mine !== seq) return;
        list.replaceChildren(...fc.features.map((f) => item(f, meta)));
        status.textContent = fc.features.length ? t('stationCount', fc.features.length) : t('noResults');
        const idLike = /^[\w.:-]+$/.test(text);
        byId.hidden = !idLike;
        if (idLike) byId.replaceChildren(el('a', { href: `#/station/${encodeURIComponent(text)}` }, t('openById', text)));
      } else {
        byId.hidden = true;
        const fc = await api.get(api.withQuery('/api/v1/my/stations', { page, per_page: PER_PAGE }));
        if (mine !== seq) return;
        list.replaceChildren(...fc.features.map((f) => item(f, meta)));
        const pages = Math.max(1, Math.ceil(fc.meta.total / PER_PAGE));
        status.textContent = t('pageOf', page, pages, fc.meta.total);
        pager.hidden = false;
        prev.disabled = page <= 1;
        next.disabled = page >= pages;
      }
    } catch (e) {
      if (mine === seq) status.textContent = e.message;
    } finally {
      if (mine === seq) list.removeAttribute('aria-busy');
    }
  }
  let timer;
  q.input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(show, 300); });
  q.input.closest('form').addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(timer); show(); });
  prev.addEventListener('click', () => { page--; show(); });
  next.addEventListener('click', () => { page++; show(); });
  show();
}
