// The office's numbers for admins (GET /api/v1/admin/stats): the totals at a glance, a table of the
// cities (a city's row opens its districts), a coverage map (areas shaded by the share of land within
// 3 km of a station; in a city or district the uncovered 1 km cells drawn, where the next station
// should go), visits per month, and the stations not confirmed for 180 days and the open reports,
// each linking to the station. Routes: #/dashboard (the province), #/dashboard/ADCODE (a city or
// district). Everything drawn with DOM calls; the map and the chart are plain SVG.

import { t, getLang } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { reasons } from '../reports.js';
import { heading, scroller, when } from './common.js';

const reasonKey = new Map(reasons);
const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const c of children.flat()) if (c) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

const locale = () => (getLang() === 'en' ? 'en' : 'zh-CN');
const num = (n) => Number(n).toLocaleString(locale());
/** "81.3%" for a share 0–1; "—" when there is none. */
const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

/** The period asked for: this year so far unless the admin picks other days. */
const period = { from: '', to: '' };

function today() {
  const z = new Date(Date.now() + 8 * 3600e3);
  return z.toISOString().slice(0, 10);
}

/** "2026年1月1日" (English: the date as it is) for "2026-01-01". */
function dayWords(d) {
  if (getLang() === 'en') return d;
  const [y, m, dd] = d.split('-').map(Number);
  return `${y}年${m}月${dd}日`;
}

let areasPromise = null;
/** /api/v1/areas: the cities' and districts' shapes, fetched once. */
function areaShapes() {
  areasPromise ??= api.get('/api/v1/areas').catch((e) => { areasPromise = null; throw e; });
  return areasPromise;
}

/** The tiles of the totals: the answer above the fold. */
function tiles(r) {
  const open = r.stations ? (r.by_status.open || 0) / r.stations : null;
  const tile = (key, value, note, id) => el('div', { class: 'tile', 'data-tile': id },
    el('span', { class: 'tile-label' }, t(key)), el('strong', { class: 'tile-value' }, value), note ? el('span', { class: 'tile-note' }, note) : null);
  return el('div', { class: 'tiles', id: 'totals' },
    tile('dashStations', num(r.stations), t('dashOpenShare', pct(open)), 'stations'),
    tile('dashVerified', pct(r.verified_180d), t('dashVerifiedNote', num(r.verified_180d_stations), num(r.stations_not_closed)), 'verified'),
    tile('dashVisits', num(r.visits), null, 'visits'),
    tile('dashReports', num(r.reports_open), t('dashReportsNote', num(r.reports_resolved)), 'reports'),
    tile('dashCoverage', pct(r.coverage_3km), t('dashCoverageNote'), 'coverage'));
}

/** The table of areas: a city's name opens its districts; a district's row offers its posters. */
function areaTable(rows, level) {
  const head = ['dashColArea', 'dashColStations', 'dashColOpen', 'dashColVerified', 'dashColVisits', 'dashColReports', 'dashColCoverage'];
  const body = rows.map((r) => {
    const name = r.level === 'none' ? t('dashOutside') : r.name;
    const cells = [
      el('th', { scope: 'row' }, r.level === 'none' ? name : el('a', { href: `#/dashboard/${r.adcode}`, class: 'area-link' }, name),
        level === 'district' && r.level === 'district'
          ? el('a', { class: 'poster-link', href: `/poster?district=${encodeURIComponent(r.adcode)}`, target: '_blank', rel: 'noopener' }, t('dashPrintCodes'))
          : null),
      el('td', {}, num(r.stations)),
      el('td', {}, num(r.by_status.open || 0)),
      el('td', {}, pct(r.verified_180d)),
      el('td', {}, num(r.visits)),
      el('td', {}, t('dashReportsValue', num(r.reports_open), num(r.reports_resolved))),
      el('td', {}, pct(r.coverage_3km)),
    ];
    return el('tr', { 'data-adcode': r.adcode }, cells);
  });
  const table = el('table', { class: 'stats-table', id: 'areas' },
    el('caption', {}, t(level === 'city' ? 'dashCities' : 'dashDistricts')),
    el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col' }, t(k))))),
    el('tbody', {}, body));
  return scroller(table, t(level === 'city' ? 'dashCities' : 'dashDistricts'));
}

/** The coverage class of a share: five steps from little to nearly all. */
function coverageClass(x) {
  if (x === null || x === undefined) return 'cov-none';
  return `cov-${Math.min(4, Math.floor(x * 5))}`;
}

/**
 * The coverage map: the shapes of areas (features of /api/v1/areas) shaded by their rows' coverage,
 * and the uncovered cells (a FeatureCollection of rectangles) on top. Each area opens its numbers.
 */
function coverageMap(features, rowsByAdcode, cells) {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  const rings = (g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
  for (const f of features) for (const poly of rings(f.geometry)) for (const [lon, lat] of poly[0]) {
    minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
  }
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const W = 1000;
  const scale = W / ((maxLon - minLon) * k);
  const H = Math.round((maxLat - minLat) * scale);
  const x = (lon) => ((lon - minLon) * k * scale).toFixed(1);
  const y = (lat) => ((maxLat - lat) * scale).toFixed(1);
  const path = (g) => rings(g).map((poly) => poly.map((ring) => `M${ring.map(([lon, lat]) => `${x(lon)},${y(lat)}`).join('L')}Z`).join('')).join('');
  const areas = features.map((f) => {
    const r = rowsByAdcode.get(f.properties.adcode);
    const title = r ? `${f.properties.name} ${t('dashCoverage')} ${pct(r.coverage_3km)}` : f.properties.name;
    const shape = svg('path', { d: path(f.geometry), class: `area ${coverageClass(r?.coverage_3km)}`, 'data-adcode': f.properties.adcode }, svg('title', {}, title));
    return svg('a', { href: `#/dashboard/${f.properties.adcode}` }, shape);
  });
  const labels = features.map((f) => {
    const [lon, lat] = f.properties.label;
    return svg('text', { x: x(lon), y: y(lat), class: 'area-label', 'text-anchor': 'middle', 'font-size': Math.round(Math.max(W, H) / 40) }, f.properties.name);
  });
  const holes = (cells?.features || []).map((c) => {
    const [[a, b], , [c2, d]] = c.geometry.coordinates[0];
    const x0 = Number(x(a)), y0 = Number(y(d));
    return svg('rect', { x: x0, y: y0, width: Math.max(0.5, Number(x(c2)) - x0).toFixed(1), height: Math.max(0.5, Number(y(b)) - y0).toFixed(1), class: 'gap' });
  });
  const map = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'coverage-map', id: 'coverage-map', role: 'img', 'aria-label': t('dashMapLabel') },
    svg('g', {}, areas), svg('g', { class: 'gaps', 'shape-rendering': 'crispEdges' }, holes), svg('g', {}, labels));
  const legend = el('ul', { class: 'cov-legend' },
    [0, 1, 2, 3, 4].map((i) => el('li', {}, el('span', { class: `swatch cov-${i}` }), t('dashLegendStep', i * 20, i * 20 + 20))),
    cells ? el('li', {}, el('span', { class: 'swatch gap' }), t('dashLegendGap')) : null);
  return [map, legend];
}

/** Visits per month as bars (plain SVG): the months of the period, an empty month as zero. */
export function visitsChart(months, from, to) {
  const byMonth = new Map((months || []).map((m) => [m.month, m.visits]));
  const list = [];
  for (let [yy, mm] = from.slice(0, 7).split('-').map(Number); `${yy}-${String(mm).padStart(2, '0')}` <= to.slice(0, 7) && list.length < 60;) {
    const key = `${yy}-${String(mm).padStart(2, '0')}`;
    list.push([key, byMonth.get(key) || 0]);
    if (++mm > 12) { mm = 1; yy++; }
  }
  const max = Math.max(1, ...list.map(([, v]) => v));
  const W = 400, H = 200, top = 22, bottom = 26, gap = 3;
  const bw = (W - gap * (list.length + 1)) / Math.max(1, list.length);
  const bars = list.map(([m, v], i) => {
    const h = Math.round((H - top - bottom) * v / max);
    const bx = (gap + i * (bw + gap)).toFixed(1);
    const label = Number(m.slice(5)) === 1 || i === 0 ? t('dashMonthYear', m.slice(0, 4), Number(m.slice(5))) : t('dashMonth', Number(m.slice(5)));
    return svg('g', { 'data-month': m },
      svg('rect', { x: bx, y: H - bottom - h, width: bw.toFixed(1), height: h, class: 'bar' }, svg('title', {}, `${label} ${num(v)}`)),
      v ? svg('text', { x: (Number(bx) + bw / 2).toFixed(1), y: H - bottom - h - 4, 'text-anchor': 'middle', class: 'bar-value' }, num(v)) : null,
      // more than six months: every other one named, counted back from the last, so the names fit
      list.length <= 6 || (list.length - 1 - i) % 2 === 0
        ? svg('text', { x: (Number(bx) + bw / 2).toFixed(1), y: H - 8, 'text-anchor': 'middle', class: 'bar-label' }, t('dashMonth', Number(m.slice(5))))
        : null);
  });
  const total = list.reduce((s, [, v]) => s + v, 0);
  return [
    svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'visits-chart', id: 'visits-chart', role: 'img', 'aria-label': t('dashVisitsChartLabel', num(total)) },
      svg('line', { x1: 0, x2: W, y1: H - bottom, y2: H - bottom, class: 'axis' }), bars),
    total ? null : el('p', { class: 'hint' }, t('dashNoVisits')),
  ];
}

/** The stations not confirmed for 180 days in the area, each opening its editor. */
async function unconfirmedList(box, adcode) {
  try {
    const data = await api.get(api.withQuery('/api/v1/admin/stats/unconfirmed', { adcode, limit: 20 }));
    box.replaceChildren(
      el('p', { class: 'count' }, data.total ? t('dashUnconfirmedCount', num(data.total)) : t('dashUnconfirmedNone')),
      el('ol', { class: 'plain-list', id: 'unconfirmed' }, data.stations.map((s) => el('li', {},
        el('a', { href: `#/station/${encodeURIComponent(s.id)}`, class: 'station-link' }, s.name),
        el('span', { class: 'meta' }, `${s.city}${s.district} · ${s.verified_at ? t('dashConfirmedOn', when(s.verified_at).slice(0, 10)) : t('neverConfirmed')}`)))));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

/** The open reports (all areas: reports carry no area), each opening its station. */
async function openReports(box) {
  try {
    const data = await api.get(api.withQuery('/api/v1/admin/reports', { status: 'open', per_page: 20 }));
    const shown = data.reports.slice(0, 20);
    const total = data.total ?? data.reports.length;
    box.replaceChildren(
      el('p', { class: 'count' }, total ? t('reportCount', num(total)) : t('noOpenReports')),
      el('ol', { class: 'plain-list', id: 'open-reports' }, shown.map((r) => el('li', {},
        el('a', { href: `#/station/${encodeURIComponent(r.station_id)}`, class: 'station-link' }, r.station_name || r.station_id),
        el('span', { class: 'meta' }, `${t(reasonKey.get(r.reason) || 'reasonOther')} · ${when(r.created_at)}`)))),
      ...(total > shown.length ? [el('a', { href: '#/reports', class: 'button secondary' }, t('dashAllReports'))] : []));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

/** Draws the dashboard for the province ('') or a city or district (its adcode) into view. */
export async function renderDashboard(view, ctx, adcode = '') {
  const title = heading(t('dashTitle'));
  const status = el('p', { class: 'count', role: 'status' }, t('loading'));
  const root = el('div', { class: 'screen dashboard' }, title, status);
  view.replaceChildren(root);
  const from = period.from || `${today().slice(0, 4)}-01-01`;
  const to = period.to || today();
  let city, districts, shapes;
  try {
    [city, districts, shapes] = await Promise.all([
      api.get(api.withQuery('/api/v1/admin/stats', { group: 'city', from, to })),
      adcode ? api.get(api.withQuery('/api/v1/admin/stats', { group: 'district', from, to })) : null,
      areaShapes(),
    ]);
  } catch (e) {
    status.textContent = e.message;
    return;
  }
  let row = city.totals, rows = city.areas, level = 'city', areaName = t('dashProvince'), cityRow = null;
  if (adcode) {
    cityRow = city.areas.find((r) => r.adcode === adcode) || null;
    const districtRow = districts.areas.find((r) => r.adcode === adcode);
    if (cityRow) {
      row = cityRow; rows = districts.areas.filter((r) => r.city_adcode === adcode); level = 'district'; areaName = cityRow.name;
    } else if (districtRow) {
      row = districtRow; rows = null; level = 'one'; areaName = `${city.areas.find((r) => r.adcode === districtRow.city_adcode)?.name || ''}${districtRow.name}`;
    } else {
      status.textContent = t('dashNoSuchArea');
      return;
    }
  }
  title.textContent = t('dashTitleOf', areaName);
  status.textContent = t('dashPeriod', dayWords(city.from), dayWords(city.to));

  // Crumbs back up: the province, then the city of a district.
  const crumbs = el('p', { class: 'crumbs' },
    adcode ? el('a', { href: '#/dashboard', class: 'back' }, t('dashBackProvince')) : null,
    level === 'one' ? el('a', { href: `#/dashboard/${row.city_adcode}`, class: 'back' }, t('dashBackTo', city.areas.find((r) => r.adcode === row.city_adcode)?.name || '')) : null,
    level === 'one' ? el('a', { href: `/poster?district=${encodeURIComponent(adcode)}`, class: 'poster-link', target: '_blank', rel: 'noopener' }, t('dashPrintCodes')) : null);

  // The period: other days on request.
  const fromIn = el('input', { type: 'date', id: 'dash-from', value: city.from, max: today() });
  const toIn = el('input', { type: 'date', id: 'dash-to', value: city.to, max: today() });
  const form = el('form', { class: 'period' },
    el('div', { class: 'field' }, el('label', { for: 'dash-from' }, t('dashFrom')), fromIn),
    el('div', { class: 'field' }, el('label', { for: 'dash-to' }, t('dashTo')), toIn),
    el('button', { type: 'submit', class: 'primary' }, t('dashShow')));
  const formMsg = el('p', { class: 'field-error', role: 'alert', hidden: true });
  form.append(formMsg);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!fromIn.value || !toIn.value || fromIn.value > toIn.value) {
      formMsg.textContent = t('dashBadPeriod');
      formMsg.hidden = false;
      return;
    }
    period.from = fromIn.value; period.to = toIn.value;
    renderDashboard(view, ctx, adcode);
  });

  const mapBox = el('div', { class: 'map-box' }, el('p', { class: 'hint' }, t('loading')));
  const unconfirmedBox = el('div', {}, el('p', { class: 'hint' }, t('loading')));
  const reportsBox = el('div', {}, el('p', { class: 'hint' }, t('loading')));
  const visitsBox = el('div', {}, el('p', { class: 'hint' }, t('loading')));
  const q = { from: city.from, to: city.to };
  root.append(...[crumbs, tiles(row),
    rows ? areaTable(rows, level) : null,
    el('section', { class: 'coverage' }, el('h3', {}, t('dashMapTitle')), el('p', { class: 'hint' }, t(adcode ? 'dashMapHintArea' : 'dashMapHint')), mapBox),
    el('section', {}, el('h3', {}, t('dashVisitsTitle')), visitsBox),
    el('section', {}, el('h3', {}, t('dashUnconfirmedTitle')), unconfirmedBox),
    el('section', {}, el('h3', {}, t('dashReportsTitle')), reportsBox),
    el('section', {}, el('h3', {}, t('dashPeriodTitle')), form,
      el('div', { class: 'actions' },
        el('a', { class: 'button', href: api.withQuery('/api/v1/admin/stats', { group: level === 'city' ? 'city' : 'district', ...q, format: 'xlsx' }), download: '' }, t('dashDownloadXLSX')),
        el('a', { class: 'button', href: api.withQuery('/api/v1/admin/stats', { group: level === 'city' ? 'city' : 'district', ...q, format: 'csv' }), download: '' }, t('dashDownloadCSV'))))].filter(Boolean));

  api.get(api.withQuery('/api/v1/my/visits', { adcode, from: city.from, to: city.to }))
    .then((v) => visitsBox.replaceChildren(...visitsChart(v.months, v.from, v.to).filter(Boolean)))
    .catch((e) => visitsBox.replaceChildren(el('p', { class: 'error' }, e.message)));
  unconfirmedList(unconfirmedBox, adcode);
  openReports(reportsBox);

  // The map: the province's cities, a city's districts, or one district; with the uncovered cells
  // of a city or district.
  const all = shapes.features;
  const shown = level === 'city' ? all.filter((f) => f.properties.level === 'city')
    : level === 'district' ? all.filter((f) => f.properties.level === 'district' && f.properties.city_adcode === adcode)
      : all.filter((f) => f.properties.adcode === adcode);
  const byAdcode = new Map([...city.areas, ...(districts?.areas || [])].map((r) => [r.adcode, r]));
  let cells = null;
  if (adcode) {
    try {
      cells = await api.get(api.withQuery('/api/v1/admin/stats/coverage', { adcode }));
    } catch (e) {
      mapBox.replaceChildren(el('p', { class: 'error' }, e.message));
      return;
    }
  }
  mapBox.replaceChildren(...coverageMap(shown, byAdcode, cells),
    ...(cells ? [el('p', { class: 'hint', id: 'gap-count' }, t('dashGapCount', num(cells.meta.cells - cells.meta.cells_covered)))] : []));
}
