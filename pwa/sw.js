// The service worker: the app shell is precached per version (the server stamps the version of the
// whole file set below, so any change installs a new worker), navigations are answered from it so the
// app opens with no network, API calls go to the network (the app keeps its own copy of the data in
// IndexedDB), and map tiles are cached as they are seen, within a cap.
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
  '/vendor/maplibre-gl/maplibre-gl.mjs',
  '/vendor/maplibre-gl/maplibre-gl-worker.mjs',
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
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz' || url.pathname === '/readyz') return;
  if (req.mode === 'navigate') {
    event.respondWith(caches.match('/', { cacheName: SHELL }).then((hit) => hit || fetch(req)));
    return;
  }
  // The MapLibre worker is asked for with ?v=<version>; the shell holds it without.
  event.respondWith(caches.match(req, { cacheName: SHELL, ignoreSearch: true }).then((hit) => hit || fetch(req)));
});
