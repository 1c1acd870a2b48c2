// The service worker: the app shell is precached per version (the server stamps the version of the
// whole file set below, so any change installs a new worker; the page then offers to reload),
// navigations to the rider's app (/, and a station's link /s/{id}) are answered from it so the app opens with no network, the
// map's base layer (/api/v1/areas) is answered from it and refreshed behind, other pages
// (manage.html) come from the network first and from the cache when offline, other API calls go to
// the network (the app keeps its own copy of the data in IndexedDB), and map tiles are cached as they
// are seen, within a cap.
const VERSION = '__YIZHAN_VERSION__';
const SHELL = `shell-${VERSION}`;
const TILES = 'tiles';
const TILE_CAP = 3000; // about 50-100 MB of raster tiles

const shellFiles = [
  '/',
  '/app.css',
  '/manifest.webmanifest',
  '/app/main.js',
  '/app/i18n.js',
  '/app/data.js',
  '/app/store.js',
  '/app/geo.js',
  '/app/hours.js',
  '/app/map.js',
  '/app/ui.js',
  '/app/nav.js',
  '/app/reports.js',
  '/app/outbox.js',
  '/app/visits.js',
  '/app/worker.js',
  '/app/dataset.js',
  '/app/openstate.js',
  '/app/areas.js',
  '/app/hours-words.js',
  '/app/preview.js',
  '/app/poster.js',
  '/poster.css',
  '/api/v1/areas',
  '/manage.html',
  '/manage.css',
  '/app/manage/main.js',
  '/app/manage/api.js',
  '/app/manage/common.js',
  '/app/manage/login.js',
  '/app/manage/stations.js',
  '/app/manage/editor.js',
  '/app/manage/hours-editor.js',
  '/app/manage/hours-grid.js',
  '/app/manage/history.js',
  '/app/manage/reports.js',
  '/app/manage/admin-import.js',
  '/app/manage/admin-users.js',
  '/app/manage/password.js',
  '/app/manage/pin-map.js',
  '/app/manage/dashboard.js',
  '/app/manage/holidays.js',
  '/vendor/maplibre-gl/maplibre-gl.mjs',
  // As MapLibre asks for it: the page has just fetched this URL, so the precache finds it in the
  // HTTP cache instead of downloading it a second time.
  '/vendor/maplibre-gl/maplibre-gl-worker.mjs?v=6.17.0',
  '/vendor/maplibre-gl/maplibre-gl.css',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(shellFiles)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('shell-') && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

let tilePuts = 0;

async function trimTiles(cache) {
  const keys = await cache.keys(); // oldest first
  for (let i = 0; i < keys.length - TILE_CAP; i++) await cache.delete(keys[i]);
}

async function tile(request) {
  const cache = await caches.open(TILES);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) {
    await cache.put(request, res.clone());
    if (++tilePuts % 50 === 1) trimTiles(cache);
  }
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) {
    if (url.protocol === 'https:' || url.protocol === 'http:') event.respondWith(tile(req));
    return;
  }
  // The base layer: from the cache at once (the map must never wait or be blank), refreshed behind.
  if (url.pathname === '/api/v1/areas') {
    event.respondWith(caches.open(SHELL).then(async (c) => {
      const hit = await c.match(req);
      const fresh = fetch(req).then((res) => { if (res.ok) c.put(req, res.clone()); return res; });
      if (hit) { event.waitUntil(fresh.catch(() => {})); return hit; }
      return fresh;
    }));
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz' || url.pathname === '/readyz') return;
  if (req.mode === 'navigate') {
    // A station's link (/s/{id}, its QR code) is the app too: the app reads the id from the path.
    if (url.pathname === '/' || url.pathname === '/index.html' || url.pathname.startsWith('/s/')) {
      event.respondWith(caches.match('/', { cacheName: SHELL }).then((hit) => hit || fetch(req)));
    } else {
      // Any other page is itself: fresh from the network, the precached copy when offline.
      event.respondWith(fetch(req).catch(async () =>
        (await caches.match(req, { cacheName: SHELL, ignoreSearch: true })) || (await caches.match('/', { cacheName: SHELL })) || Response.error()));
    }
    return;
  }
  // The MapLibre worker is asked for with ?v=<version>; the shell holds it without.
  event.respondWith(caches.match(req, { cacheName: SHELL, ignoreSearch: true }).then((hit) => hit || fetch(req)));
});
