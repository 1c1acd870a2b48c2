// Start-up and wiring. The first answer comes first: the list of nearest stations, from the device
// when it holds the dataset, else from the server's nearest endpoint as soon as a position is known.
// Only then do the map (MapLibre is large) and the background sync of the whole dataset start.

import { t, setLang, getLang } from './i18n.js';
import * as data from './data.js';
import * as store from './store.js';
import * as reports from './reports.js';
import * as visits from './visits.js';
import * as outbox from './outbox.js';
import * as areas from './areas.js';
import { $, renderChips, renderList, openSheet, renderStatus, renderWhere, renderLegend, formatDistance } from './ui.js';
import { compassKey, unitVec, distanceM, bearingDeg } from './geo.js';
import { drawPreview, cellsInView } from './preview.js';

const app = {
  filters: { amenities: [], openNow: false },
  query: '',
  position: null,       // {lon, lat, accuracy, source: 'gps' | 'city', name}
  location: 'locating', // locating | ok | denied | unavailable
  picking: false,       // the city picker is open
  cities: undefined,    // the 14 cities for the picker, once loaded
  follow: true,         // keep the map on the rider until they move it
  map: null,            // map.js, once loaded and drawn
  mapStarted: false,
  pending: 0,
  asked: 0,             // the latest list query; older answers are dropped
  shown: null,          // the results on screen
  shownQuery: '',       // and the search they answer ('' for the nearest)
  areas: null,          // /api/v1/areas, once loaded (the preview draws it)
  points: [],           // the answer's stations for the map, [id, lon, lat, openState], until the device has all
  offline: false,       // the dataset download failed: say so
  watch: undefined,
  deviceLoaded: null,   // resolves once the worker has read what the device holds
  linked: linkedStation(), // the station of the link the app was opened at (/s/{id}, its QR code), or null
  notice: '',           // the i18n key of a notice above the list ('' for none)
};

/** The station id in a station's link, /s/{id}, or null. */
function linkedStation() {
  const m = /^\/s\/([^/]+)\/?$/.exec(location.pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

function isDark() {
  const night = localStorage.getItem('yizhan.night');
  const hour = (new Date().getUTCHours() + 8) % 24;
  return night === '1' || (night === null && (matchMedia('(prefers-color-scheme: dark)').matches || hour >= 18 || hour < 6));
}

function applySettings() {
  const root = document.documentElement;
  root.lang = getLang();
  root.classList.toggle('large', localStorage.getItem('yizhan.large') === '1');
  root.classList.toggle('dark', isDark());
  $('#menu-button').textContent = '☰ ' + t('settings');
  $('#lang').textContent = t('language');
  $('#large').textContent = t('largeText');
  $('#night').textContent = t('darkTheme');
  $('#large').setAttribute('aria-pressed', String(root.classList.contains('large')));
  $('#night').setAttribute('aria-pressed', String(root.classList.contains('dark')));
  $('#search').placeholder = t('searchPlaceholder');
  $('#search').setAttribute('aria-label', t('searchLabel'));
  $('#chips').setAttribute('aria-label', t('filters'));
  $('#locate').setAttribute('aria-label', t('myLocation'));
  $('#locate').title = t('myLocation');
  $('#map').setAttribute('aria-label', t('map'));
  $('#manage-link').textContent = t('manageLink');
  $('#update-button').textContent = t('updateReady');
  document.title = `${t('appName')} Yizhan`;
  renderLegend($('#legend'));
  $('#map-activate-label').textContent = t('mapActivate');
  $('#list-title').textContent = app.shownQuery ? t('searchResults') : t('nearest');
  renderNotice();
  app.map?.setTheme(root.classList.contains('dark'));
  drawMap();
}

let chromeDrawn = ''; // what the chips and the position line were last drawn from

/**
 * Redraws what does not need an answer: chips, status, the position line. The chips and the line
 * are rebuilt only when what they show changed (each rebuild costs a style and layout pass).
 */
function renderChrome() {
  renderProgress();
  const p = app.position;
  const key = JSON.stringify([getLang(), Boolean(data.state.meta), app.filters, app.location, p?.source, p?.name,
    p && Math.round(p.accuracy), app.picking, app.cities?.length]);
  if (key === chromeDrawn) return;
  chromeDrawn = key;
  renderChips($('#chips'), app.filters, () => { update(); updateMap(); });
  renderWhere($('#where'), {
    location: app.location, position: p, picking: app.picking, cities: app.cities,
    onRetry: locate, onPick: pickCity, onTogglePicker: () => { app.picking = !app.picking; renderChrome(); },
  });
  $('#locate').hidden = p?.source !== 'gps';
}

/** Shows the offline download's progress: the status line only (it changes many times a second). */
function renderProgress() {
  renderStatus($('#status'), {
    online: data.state.online, checkedAt: data.state.checkedAt, pendingReports: app.pending,
    progress: data.state.progress, failed: app.offline && !data.state.device,
  });
}

/** Asks for the list (nearest or search) and shows it; stale answers are dropped. */
async function update() {
  renderChrome();
  const now = new Date();
  const asked = ++app.asked;
  $('#nearest').setAttribute('aria-busy', 'true'); // until this answer is shown
  await app.deviceLoaded;
  const pos = app.position, query = app.query;
  let results;
  try {
    if (query) results = await data.search(query, pos, app.filters, now);
    else if (pos) results = await data.nearest(pos, app.filters, now);
    else results = null;
  } catch {
    results = undefined; // the server could not be reached and the device has no data yet
  }
  if (asked !== app.asked) return;
  app.shownQuery = query;
  $('#list-title').textContent = query ? t('searchResults') : t('nearest');
  const list = $('#nearest');
  list.removeAttribute('aria-busy');
  if (results === null) list.replaceChildren();
  else if (results === undefined) renderList(list, [], select, now, data.state.online ? t('loadFailed') : t('noData'));
  else {
    app.shown = results;
    renderList(list, results, select, now);
    if (query && app.map) app.map.fitTo(results.map((r) => r.st));
    if (!data.state.device) showPoints(results.map((r) => [r.st.id, r.st.lon, r.st.lat, data.openState(r.st, now).state]));
  }
  if (results !== null) firstAnswer();
}

let answered = false;

/** The first answer is on screen (or there can be none until the rider picks a city): start the rest. */
function firstAnswer() {
  if (answered) return;
  answered = true;
  performance.mark('yizhan:answer');
  document.body.dataset.ready = 'true'; // for tests and for anyone watching
  // Let the browser paint the list before the heavy work starts.
  requestAnimationFrame(() => setTimeout(background, 0));
}

async function background() {
  areas.load().then((fc) => { app.areas = fc; drawMap(); }, () => {});
  // MapLibre waits for the rider to touch the map, except on a wide screen, where the map is half of it.
  if (matchMedia('(min-width: 900px)').matches) startMap();
  syncData();
  // What can wait, waits until the page is idle.
  (window.requestIdleCallback || setTimeout)(() => {
    if ('serviceWorker' in navigator) {
      const hadController = Boolean(navigator.serviceWorker.controller);
      navigator.serviceWorker.addEventListener('controllerchange', () => { if (hadController) $('#update').hidden = false; });
      navigator.serviceWorker.register('/sw.js').catch(() => {});
    }
    flushReports();
  });
}

async function syncData() {
  try {
    const changed = await data.sync();
    data.state.online = true;
    app.offline = false;
    document.body.dataset.offline = 'ready';
    if (changed) { update(); updateMap(); }
  } catch {
    app.offline = true;
    if (data.state.device) document.body.dataset.offline = 'ready';
  }
  renderChrome();
}

async function startMap() {
  if (app.mapStarted) return;
  app.mapStarted = true;
  try {
    const map = await import('./map.js');
    const pos = app.position;
    await map.createMap($('#map'), data.state.meta?.map, {
      dark: document.documentElement.classList.contains('dark'),
      select,
      center: pos ? [pos.lon, pos.lat] : null,
      zoom: startZoom(), // as the still picture showed it
      areas: areas.load(),
    });
    app.map = map;
    $('#map').dataset.live = '';
    if (pos?.source === 'gps') map.showMe(pos.lon, pos.lat, pos.accuracy, app.follow);
    map.showStations(app.points);
    updateMap();
  } catch {
    // No WebGL or no map: the list still works.
  }
}

let mapAsked = 0;

/** Draws every station that passes the filters (once the device holds them all). */
async function updateMap() {
  if (!data.state.device) return;
  if (!app.map) { drawMap(); return; }
  const asked = ++mapAsked;
  const points = await data.points(app.filters, new Date());
  if (asked === mapAsked && points) app.map.showStations(points);
}

/** The stations of the answer on screen, for the map while the device has no dataset. */
function showPoints(points) {
  app.points = points;
  if (app.map) app.map.showStations(points);
  else drawMap();
}

/** How close the map starts: a street around the rider, a city picked by name, else the province. */
function startZoom() {
  const pos = app.position;
  return pos?.source === 'gps' ? 13 : pos ? 11 : 5.6;
}

let drawAsked = 0;

/**
 * Draws the still picture of the map, until MapLibre has taken over: the stations the device holds
 * (grouped by the worker, so the page never handles them all), else those of the answer on screen.
 */
async function drawMap() {
  if (app.map || !answered) return;
  const asked = ++drawAsked;
  const canvas = $('#preview');
  const pos = app.position;
  const view = {
    center: pos ? [pos.lon, pos.lat] : [122.6, 41.1], zoom: startZoom(),
    w: canvas.clientWidth, h: canvas.clientHeight,
  };
  const cells = (await data.cells(app.filters, view).catch(() => null)) ?? cellsInView(app.points, view);
  if (asked !== drawAsked || app.map) return;
  drawPreview(canvas, {
    ...view, areas: app.areas, cells,
    me: pos?.source === 'gps' ? [pos.lon, pos.lat] : null,
    dark: document.documentElement.classList.contains('dark'),
  });
  $('#map').dataset.preview = String(cells.reduce((n, c) => n + c.n, 0)); // stations drawn, for tests and tools
  if (app.areas) $('#map').dataset.areas = String(app.areas.features.length);
}

/** Shows the notice above the list, if any. */
function renderNotice() {
  let node = $('#notice');
  if (!app.notice) { node?.remove(); return; }
  if (!node) {
    node = document.createElement('p');
    node.id = 'notice';
    node.className = 'notice';
    node.setAttribute('role', 'alert');
    $('#list-title').before(node);
  }
  node.textContent = t(app.notice);
}

/**
 * Opens the station of the link the app was opened at, from the device's data or the server, with
 * "I'm here"; a station neither knows is said so above the list of the nearest.
 */
async function openLinked() {
  await app.deviceLoaded;
  const st = await data.station(app.linked);
  if (!st) {
    app.notice = 'linkNotFound';
    renderNotice();
    return;
  }
  select(st.id, { visit: true });
}

/** Says "I'm here" at station id; resolves to what the sheet shows. */
async function visit(id) {
  try {
    const how = await visits.record(id);
    return { state: how, words: t({ sent: 'visitSent', queued: 'visitQueued', already: 'visitAlready' }[how]) };
  } catch (e) {
    return { state: 'failed', words: t('visitFailed', e.message) };
  }
}

function select(id, { visit: offerVisit = false } = {}) {
  data.station(id).then(async (st) => {
    if (!st) return;
    // Nobody visits a station closed for good: the server would refuse it.
    offerVisit &&= st.props.status !== 'closed';
    const recorded = offerVisit && await visits.recorded(st.id).catch(() => false);
    const pos = app.position;
    let where = '';
    if (pos) {
      const d = distanceM(unitVec(pos.lon, pos.lat), unitVec(st.lon, st.lat));
      where = t('towards', t(compassKey(bearingDeg(pos.lon, pos.lat, unitVec(st.lon, st.lat)))), formatDistance(d));
    }
    app.follow = false;
    app.map?.showSelected(st);
    openSheet($('#sheet'), st, {
      distance: where,
      visit: offerVisit ? { recorded, onVisit: () => visit(st.id) } : null,
      onReport: async (report) => {
        try {
          const how = await reports.submit(report);
          app.pending = await reports.pending();
          renderChrome();
          return how === 'sent' ? t('reportSent') : t('reportQueued');
        } catch (e) {
          return t('reportFailed', e.message);
        }
      },
    });
  });
}

function onPosition(p) {
  if (!app.position) performance.mark('yizhan:position');
  app.position = { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy, source: 'gps' };
  app.location = 'ok';
  app.picking = false;
  store.set('position', app.position).catch(() => {});
  app.map?.showMe(app.position.lon, app.position.lat, app.position.accuracy, app.follow);
  drawMap();
  update();
}

async function onPositionError(err) {
  if (app.position?.source === 'gps') return; // a lost fix keeps the last one
  app.location = err?.code === 1 ? 'denied' : 'unavailable';
  app.map?.showMe(null);
  if (!app.position) await offerCities();
  update();
  firstAnswer(); // there is no list without a position: the picker is the answer
}

/** Opens the city picker (for a rider without a position). */
async function offerCities() {
  app.cities ??= await areas.cities().catch(() => undefined);
  app.picking = true;
  renderChrome();
}

function locate() {
  if (!('geolocation' in navigator)) {
    onPositionError(null);
    return;
  }
  if (app.watch !== undefined) navigator.geolocation.clearWatch(app.watch);
  if (app.position?.source !== 'gps') app.location = 'locating';
  renderChrome();
  app.watch = navigator.geolocation.watchPosition(onPosition, onPositionError,
    { enableHighAccuracy: true, maximumAge: 60e3, timeout: 15e3 });
  // A fix can take long indoors: offer the cities meanwhile, without giving up on the fix.
  setTimeout(() => { if (!app.position) { offerCities(); firstAnswer(); } }, 6e3);
}

function pickCity(city) {
  app.position = { lon: city.label[0], lat: city.label[1], accuracy: 0, source: 'city', name: city.name };
  app.picking = false;
  app.follow = true;
  app.map?.moveTo(city.label[0], city.label[1], 11);
  drawMap();
  update();
}

async function flushReports() {
  await outbox.flush();
  app.pending = await reports.pending();
  renderProgress();
  // A visit the sheet said was waiting has gone.
  const said = $('#visit-status');
  if (said?.dataset.state === 'queued' && !(await visits.pending())) {
    said.dataset.state = 'sent';
    said.textContent = t('visitSent');
  }
}

function toggleMenu(open = $('#menu').hidden) {
  $('#menu').hidden = !open;
  $('#menu-button').setAttribute('aria-expanded', String(open));
}

async function start() {
  applySettings();
  $('#menu-button').addEventListener('click', () => toggleMenu());
  $('#lang').addEventListener('click', () => { setLang(getLang() === 'en' ? 'zh-CN' : 'en'); applySettings(); update(); });
  $('#large').addEventListener('click', () => {
    localStorage.setItem('yizhan.large', document.documentElement.classList.contains('large') ? '0' : '1');
    applySettings(); app.map?.resize(); drawMap();
  });
  $('#night').addEventListener('click', () => {
    localStorage.setItem('yizhan.night', document.documentElement.classList.contains('dark') ? '0' : '1');
    applySettings();
  });
  $('#update-button').addEventListener('click', () => location.reload());
  $('#map-activate').addEventListener('click', startMap);
  addEventListener('resize', drawMap);
  let typing;
  $('#search').addEventListener('input', (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => { app.query = e.target.value.trim(); update(); }, data.state.device ? 0 : 250);
  });
  $('#locate').addEventListener('click', () => {
    app.follow = true;
    const pos = app.position;
    if (pos?.source === 'gps') app.map?.showMe(pos.lon, pos.lat, pos.accuracy, true);
  });
  $('#sheet').addEventListener('close', () => {
    app.map?.showSelected(null);
    // The link has done its work: the app goes on as the app (a reload does not open the sheet again).
    if (app.linked) history.replaceState(null, '', '/');
  });
  addEventListener('online', () => { data.state.online = true; syncData(); flushReports(); data.loadMeta().then(renderChrome, () => {}); });
  addEventListener('offline', () => { data.state.online = false; renderChrome(); });
  setInterval(() => { update(); updateMap(); }, 60e3); // open states change with the clock

  renderChrome();
  performance.mark('yizhan:start'); // marks for anyone timing the first minute (scripts/bench-pwa)
  app.deviceLoaded = data.start(renderProgress).catch(() => false).finally(() => performance.mark('yizhan:device'));
  const meta = data.loadMeta().then(() => { data.state.online = true; }, () => { data.state.online = false; });
  locate();
  if (app.linked) openLinked();
  // The labels have come: draw the list again with them (no need to ask for it again).
  meta.then(() => {
    applySettings();
    renderChrome();
    if (app.shown) renderList($('#nearest'), app.shown, select, new Date());
  });
}

start();
