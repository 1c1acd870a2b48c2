// Start-up and wiring: settings, the service worker, data from the device then the server, the
// rider's position, and keeping the list, the map and the status line in step.

import { t, setLang, getLang } from './i18n.js';
import * as data from './data.js';
import * as store from './store.js';
import * as reports from './reports.js';
import { $, el, renderChips, renderList, openSheet, renderStatus, formatDistance } from './ui.js';
import { createMap, showStations, showMe, showSelected, resize } from './map.js';
import { compassKey, unitVec, distanceM, bearingDeg } from './geo.js';

const shenyang = { lon: 123.4315, lat: 41.8057, accuracy: 0, fallback: true };
const app = {
  filters: { amenities: [], openNow: false },
  query: '',
  position: null,     // {lon, lat, accuracy, fallback}
  follow: true,       // keep the map on the rider until they move it
  mapReady: null,
  pending: 0,
};

function applySettings() {
  const root = document.documentElement;
  root.lang = getLang();
  root.classList.toggle('large', localStorage.getItem('yizhan.large') === '1');
  const night = localStorage.getItem('yizhan.night');
  const hour = (new Date().getUTCHours() + 8) % 24;
  const dark = night === '1' || (night === null && (matchMedia('(prefers-color-scheme: dark)').matches || hour >= 18 || hour < 6));
  root.classList.toggle('dark', dark);
  $('#lang').textContent = t('language');
  $('#large').textContent = t('largeText');
  $('#night').textContent = t('darkTheme');
  $('#large').setAttribute('aria-pressed', String(root.classList.contains('large')));
  $('#night').setAttribute('aria-pressed', String(dark));
  $('#search').placeholder = t('searchPlaceholder');
  $('#search').setAttribute('aria-label', t('searchLabel'));
  $('#locate').setAttribute('aria-label', t('myLocation'));
  $('#locate').title = t('myLocation');
  $('#map').setAttribute('aria-label', t('map'));
  document.title = `${t('appName')} Yizhan`;
}

function results(now) {
  const keep = data.matcher({ ...app.filters, date: now });
  const pos = app.position || shenyang;
  if (app.query) {
    const q = unitVec(pos.lon, pos.lat);
    return data.search(app.query, keep)
      .map((st) => ({ st, distanceM: distanceM(q, st.v), bearingDeg: bearingDeg(pos.lon, pos.lat, st.v) }))
      .sort((a, b) => a.distanceM - b.distanceM || (a.st.id < b.st.id ? -1 : 1))
      .slice(0, 50);
  }
  return data.nearest(pos.lon, pos.lat, 20, keep);
}

/** Redraws everything that depends on data, filters, position or the clock. */
function render() {
  const now = new Date();
  $('#list-title').textContent = app.query ? t('searchResults') : t('nearest');
  if (!data.state.stations.length) {
    $('#nearest').replaceChildren(el('li', { class: 'empty' }, data.state.meta ? t('noData') : t('loading')));
  } else {
    renderList($('#nearest'), results(now), select, now);
  }
  renderChips($('#chips'), app.filters, () => render());
  renderStatus($('#status'), { online: data.state.online, checkedAt: data.state.checkedAt, pendingReports: app.pending });
  if (app.position?.fallback) $('#where').textContent = t('locationDenied');
  else if (app.position) $('#where').textContent = t('accuracy', Math.round(app.position.accuracy));
  else $('#where').textContent = t('locating');
  if (app.mapReady) {
    const keep = data.matcher({ ...app.filters, date: now });
    showStations(data.state.stations.filter(keep).map((st) => ({ st, open: data.openState(st, now).state })));
  }
}

function select(id) {
  const st = data.state.byId.get(id);
  if (!st) return;
  const pos = app.position || shenyang;
  const d = distanceM(unitVec(pos.lon, pos.lat), st.v);
  const where = t('towards', t(compassKey(bearingDeg(pos.lon, pos.lat, st.v))), formatDistance(d));
  app.follow = false;
  if (app.mapReady) showSelected(st);
  openSheet($('#sheet'), st, {
    distance: where,
    onReport: async (report) => {
      try {
        const how = await reports.submit(report);
        app.pending = await reports.pending();
        render();
        return how === 'sent' ? t('reportSent') : t('reportQueued');
      } catch (e) {
        return t('reportFailed', e.message);
      }
    },
  });
}

async function refresh() {
  try {
    const changed = await data.revalidate();
    data.state.online = true;
    if (changed && !app.mapReady) startMap();
  } catch {
    data.state.online = false;
  }
  render();
}

function startMap() {
  if (app.mapReady || !data.state.meta) return;
  app.mapReady = createMap($('#map'), data.state.meta.map, {
    dark: document.documentElement.classList.contains('dark'),
    select,
    center: app.position ? [app.position.lon, app.position.lat] : [shenyang.lon, shenyang.lat],
  }).then(() => {
    render();
    if (app.position) showMe(app.position.lon, app.position.lat, app.position.accuracy, app.follow);
  });
  app.mapReady.catch(() => { app.mapReady = null; }); // no WebGL: the list still works
}

function locate() {
  if (!('geolocation' in navigator)) {
    app.position = app.position || shenyang;
    render();
    return;
  }
  navigator.geolocation.watchPosition((p) => {
    app.position = { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy, fallback: false };
    store.set('position', app.position);
    if (app.mapReady) showMe(app.position.lon, app.position.lat, app.position.accuracy, app.follow);
    render();
  }, () => {
    if (!app.position) app.position = shenyang;
    render();
  }, { enableHighAccuracy: true, maximumAge: 30e3, timeout: 20e3 });
}

async function flushReports() {
  app.pending = await reports.flush();
  render();
}

async function start() {
  applySettings();
  $('#lang').addEventListener('click', () => { setLang(getLang() === 'en' ? 'zh-CN' : 'en'); applySettings(); render(); });
  $('#large').addEventListener('click', () => {
    localStorage.setItem('yizhan.large', document.documentElement.classList.contains('large') ? '0' : '1');
    applySettings(); resize();
  });
  $('#night').addEventListener('click', () => {
    localStorage.setItem('yizhan.night', document.documentElement.classList.contains('dark') ? '0' : '1');
    applySettings();
  });
  $('#search').addEventListener('input', (e) => { app.query = e.target.value.trim(); render(); });
  $('#locate').addEventListener('click', () => {
    app.follow = true;
    if (app.position && app.mapReady) showMe(app.position.lon, app.position.lat, app.position.accuracy, true);
  });
  $('#sheet').addEventListener('close', () => { if (app.mapReady) showSelected(null); });
  addEventListener('online', () => { data.state.online = true; refresh(); flushReports(); });
  addEventListener('offline', () => { data.state.online = false; render(); });
  setInterval(render, 60e3); // open states change with the clock

  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  const last = await store.get('position').catch(() => null);
  if (last) app.position = { ...last, fallback: false };
  const local = await data.loadLocal().catch(() => false);
  if (local) startMap();
  render();
  locate();
  await refresh();
  startMap();
  flushReports();
  document.body.dataset.ready = 'true'; // for tests and for anyone watching: the first answer is on screen
}

start();
