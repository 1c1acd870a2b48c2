// The stations a user may edit (GET /api/v1/my/stations), with what needs attention on each: open
// problem reports, a confirmation 180 days old or never made, hours nobody can read. An operator's
// own come sorted by that need, with a line saying what needs her; an admin's are every station,
// filtered by city, district, kind, status and need, a page at a time, or found by name.

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { confirmedText, stateOf, heading, field, vocabLabel, statusLabel, pager } from './common.js';
import { visitsChart } from './dashboard.js';

const PER_PAGE = 50;
const UNCONFIRMED = 180; // days, as the server's counts have it

/** The badges of what a station needs, most pressing first. */
function needBadges(a) {
  if (!a) return [];
  const out = [];
  if (a.open_reports > 0) out.push(el('span', { class: 'badge need reports' }, t('needReports', a.open_reports)));
  if (a.unconfirmed_days === null) out.push(el('span', { class: 'badge need unconfirmed' }, t('needNeverConfirmed')));
  else if (a.unconfirmed_days >= UNCONFIRMED) out.push(el('span', { class: 'badge need unconfirmed' }, t('needUnconfirmed', a.unconfirmed_days)));
  if (a.hours_unknown) out.push(el('span', { class: 'badge need hours' }, t('needHours')));
  return out;
}

function item(f, meta) {
  const p = f.properties;
  const st = stateOf(p);
  const needs = needBadges(p.attention);
  return el('li', { 'data-id': f.id, class: needs.length ? 'needs' : null },
    el('a', { class: 'station', href: `#/station/${encodeURIComponent(f.id)}` },
      el('span', { class: 'name' }, p.name),
      needs.length ? el('span', { class: 'line needs-line' }, needs) : null,
      el('span', { class: 'line' }, el('span', { class: 'kind' }, vocabLabel(meta?.kinds, p.kind)), el('span', { class: 'id' }, f.id)),
      // The confirmation in words, unless a badge already says it is overdue.
      el('span', { class: 'line' }, el('span', { class: `badge ${st.cls}` }, st.text),
        needs.some((b) => b.classList.contains('unconfirmed')) ? null : el('span', {}, confirmedText(p.verified_at)))));
}

/**
 * What the counts say needs doing, as buttons that show just those stations: "2 个驿站有待处理的问题反馈".
 * onPick(name) gets 'open_reports', 'unconfirmed' or 'hours_unknown'; current is the one shown.
 */
function needSummary(counts, current, onPick) {
  const chips = [
    ['open_reports', counts.open_reports, 'countReports'],
    ['unconfirmed', counts.unconfirmed, 'countUnconfirmed'],
    ['hours_unknown', counts.hours_unknown, 'countHoursUnknown'],
  ].filter(([, n]) => n > 0).map(([name, n, key]) => el('button', {
    type: 'button', class: 'chip need-chip', 'data-need': name, 'aria-pressed': String(current === name),
    onclick: () => onPick(current === name ? '' : name),
  }, t(key, n)));
  if (!chips.length) return el('p', { class: 'all-good' }, t('nothingNeedsYou'));
  return el('div', { class: 'needs-summary', role: 'group', 'aria-label': t('whatNeedsYou') },
    el('p', { class: 'needs-title' }, t('whatNeedsYou')), chips);
}

/** The query parameters of a need filter. */
function needQuery(need) {
  if (need === 'open_reports') return { open_reports: 'true' };
  if (need === 'unconfirmed') return { unconfirmed_days: UNCONFIRMED };
  if (need === 'hours_unknown') return { hours_unknown: 'true' };
  return {};
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
  const summary = el('div', { class: 'summary-box' });
  const root = el('div', { class: 'screen' }, heading(admin ? t('allStations') : t('myStations')));
  view.replaceChildren(root);
  const meta = await ctx.meta().catch(() => null);
  let need = '';

  if (!admin) {
    root.append(summary, status, list);
    const load = async () => {
      list.setAttribute('aria-busy', 'true');
      try {
        const fc = await api.get(api.withQuery('/api/v1/my/stations', needQuery(need)));
        summary.replaceChildren(needSummary(fc.meta.counts, need, (n) => { need = n; load(); }));
        list.replaceChildren(...fc.features.map((f) => item(f, meta)));
        status.textContent = fc.features.length ? t('stationCount', fc.features.length) : t('noStationsAssigned');
        if (fc.features.length && !root.querySelector('#my-visits')) myVisits(root);
      } catch (e) {
        status.textContent = e.message;
      } finally {
        list.removeAttribute('aria-busy');
      }
    };
    return load();
  }

  // Admins: every station, filtered, a page at a time; or search results by name, address or id.
  let page = 1;
  const q = field('q', t('findStation'), el('input', { type: 'search', name: 'q', autocomplete: 'off', enterkeyhint: 'search' }), t('findStationHint'));
  const select = (name, text, options) => field(name, text, el('select', { name }, el('option', { value: '' }, t('anyValue')),
    options.map(([value, words]) => el('option', { value }, words))));
  const city = select('city', t('fieldCity'), []);
  const district = select('district', t('fieldDistrict'), []);
  const kind = select('kinds', t('fieldKind'), (meta?.kinds || []).map((k) => [k.code, vocabLabel(meta.kinds, k.code)]));
  const state = select('status', t('fieldStatus'), ['open', 'temporarily_closed', 'closed'].map((c) => [c, statusLabel(c)]));
  const filters = el('details', { class: 'filters-box', open: matchMedia('(min-width: 700px)').matches },
    el('summary', {}, t('filterStations')), el('div', { class: 'filter-grid' }, city.wrap, district.wrap, kind.wrap, state.wrap));
  const pages = pager(() => show(), (p) => { page = p; }, 'stations-page');
  const byId = el('p', { class: 'by-id', hidden: true });
  root.append(el('form', { role: 'search', class: 'find' }, q.wrap), filters, summary, byId, status, list, pages.element);
  let seq = 0;

  // Cities and districts for the filters, from the built-in areas.
  let areas = [];
  api.get('/api/v1/areas').then((fc) => {
    areas = fc.features.map((f) => f.properties);
    city.input.append(...areas.filter((a) => a.level === 'city').map((a) => el('option', { value: a.adcode }, a.name)));
    fillDistricts();
  }).catch(() => { filters.hidden = true; });
  function fillDistricts() {
    const c = city.input.value;
    district.input.replaceChildren(el('option', { value: '' }, t('anyValue')),
      ...areas.filter((a) => a.level === 'district' && (!c || a.city_adcode === c)).map((a) => el('option', { value: a.adcode }, a.name)));
  }

  async function show() {
    const mine = ++seq;
    const text = q.input.value.trim();
    list.setAttribute('aria-busy', 'true');
    try {
      if (text) {
        pages.element.hidden = true;
        summary.hidden = true;
        const fc = await api.get(api.withQuery('/api/v1/search', { q: text, limit: 50 }));
        if (mine !== seq) return;
        list.replaceChildren(...fc.features.map((f) => item(f, meta)));
        status.textContent = fc.features.length ? t('stationCount', fc.features.length) : t('noResults');
        const idLike = /^[\w.:-]+$/.test(text);
        byId.hidden = !idLike;
        if (idLike) byId.replaceChildren(el('a', { href: `#/station/${encodeURIComponent(text)}` }, t('openById', text)));
        return;
      }
      byId.hidden = true;
      const query = {
        page, per_page: PER_PAGE, city: city.input.value, district: district.input.value, kinds: kind.input.value,
        status: state.input.value, ...needQuery(need),
      };
      const fc = await api.get(api.withQuery('/api/v1/my/stations', Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''))));
      if (mine !== seq) return;
      summary.hidden = false;
      summary.replaceChildren(needSummary(fc.meta.counts, need, (n) => { need = n; page = 1; show(); }));
      list.replaceChildren(...fc.features.map((f) => item(f, meta)));
      const total = Math.max(1, Math.ceil(fc.meta.total / PER_PAGE));
      status.textContent = fc.meta.total ? t('pageOf', page, total, fc.meta.total) : t('noMatchingStations');
      pages.update(page, total);
    } catch (e) {
      if (mine === seq) status.textContent = e.message;
    } finally {
      if (mine === seq) list.removeAttribute('aria-busy');
    }
  }
  let timer;
  q.input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(show, 300); });
  q.input.closest('form').addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(timer); show(); });
  city.input.addEventListener('change', () => { fillDistricts(); page = 1; show(); });
  for (const s of [district, kind, state]) s.input.addEventListener('change', () => { page = 1; show(); });
  show();
}
