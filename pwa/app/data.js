// Where the app's answers come from. The whole station set lives in a Web Worker (worker.js), which
// loads it from the device, revalidates it against the server and answers nearest and text search
// over it, offline anywhere in the province, in the server's exact order. Until the device holds the
// set (a first visit), the same questions go to the server's own nearest and search endpoints, so
// the first answer never waits for the whole dataset.

import * as store from './store.js';
import { parseCached, Calendar } from './hours.js';
import { openState as stateOf } from './openstate.js';

/** What the app knows, and how fresh it is. */
export const state = {
  meta: null,        // /api/v1/meta
  calendar: new Calendar({}),
  device: false,     // the whole dataset is on the device and in the worker
  count: 0,          // stations in it
  checkedAt: 0,      // when the server last confirmed it (ms since epoch)
  progress: null,    // 0..1 while it downloads, else null
  online: navigator.onLine,
};

let worker;
const waiting = new Map();
let seq = 0;
let onProgress = () => {};

let broken = null; // why the worker cannot answer (it failed to load), or null

function call(op, args = {}) {
  if (broken) return Promise.reject(broken);
  const id = ++seq;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, op, ...args });
  });
}

function onError(e) {
  broken = new Error(`data worker: ${e.message || 'failed to load'}`);
  for (const w of waiting.values()) w.reject(broken);
  waiting.clear();
}

function onMessage({ data }) {
  if (data.progress !== undefined) {
    state.progress = data.progress;
    onProgress();
    return;
  }
  const w = waiting.get(data.id);
  if (!w) return;
  waiting.delete(data.id);
  if (data.error !== undefined) w.reject(new Error(data.error));
  else w.resolve(data.result);
}

function useMeta(meta) {
  state.meta = meta;
  state.calendar = new Calendar(meta.holidays || {});
  call('calendar', { holidays: meta.holidays || {} }).catch(() => {});
}

/**
 * Starts the worker and loads what the device has: the vocabulary and the dataset. Resolves to true
 * when the device can answer by itself. progress() is called while a download runs.
 */
export async function start(progress) {
  onProgress = progress || onProgress;
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = onMessage;
  worker.onerror = onError;
  const meta = await store.get('meta').catch(() => null);
  if (meta) useMeta(meta);
  const local = await call('init').catch(() => null);
  if (local) {
    performance.mark('yizhan:indexed', { detail: local.timings }); // ms to read, parse, decode, index
    state.device = true;
    state.count = local.count;
    state.checkedAt = local.checkedAt;
  }
  return state.device;
}

/** Fetches the vocabulary, labels, holidays and map settings (revalidated through the HTTP cache). */
export async function loadMeta() {
  const res = await fetch('/api/v1/meta');
  if (!res.ok) throw new Error(`meta: HTTP ${res.status}`);
  const meta = await res.json();
  if (JSON.stringify(meta) !== JSON.stringify(state.meta)) {
    useMeta(meta);
    await store.set('meta', meta).catch(() => {});
  }
  return meta;
}

/**
 * Brings the device's dataset up to date with the server, in the worker. Resolves to true when the
 * stations changed; rejects when the server cannot be reached.
 */
export async function sync() {
  try {
    const r = await call('sync');
    state.device = true;
    state.count = r.count;
    state.checkedAt = r.checkedAt;
    return r.changed;
  } finally {
    state.progress = null;
  }
}

function serverFilters(filters, now) {
  const q = new URLSearchParams();
  if (filters.amenities.length) q.set('amenities', filters.amenities.join(','));
  if (filters.openNow) q.set('open', now.toISOString());
  q.set('at', now.toISOString());
  return q;
}

async function getJSON(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

const fromFeature = (f) => ({
  st: { id: f.id, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], props: f.properties },
  distanceM: f.properties.distance_m,
  bearingDeg: f.properties.bearing_deg,
});

/** The 20 stations nearest to pos that pass the filters: [{st, distanceM, bearingDeg}], nearest first. */
export async function nearest(pos, filters, now = new Date()) {
  if (state.device) return call('nearest', { lon: pos.lon, lat: pos.lat, k: 20, filters, at: now.getTime() });
  const q = serverFilters(filters, now);
  q.set('lat', pos.lat.toFixed(6));
  q.set('lon', pos.lon.toFixed(6));
  q.set('limit', '20');
  q.set('radius', '300000');
  const fc = await getJSON(`/api/v1/stations/nearby?${q}`);
  return fc.features.map(fromFeature);
}

/** Stations whose name or address contains text, nearest to pos first (pos may be null). */
export async function search(text, pos, filters, now = new Date()) {
  if (state.device) {
    return call('search', { text, lon: pos?.lon, lat: pos?.lat, filters, at: now.getTime() });
  }
  const q = serverFilters(filters, now);
  q.set('q', text);
  q.set('limit', '50');
  if (pos) {
    q.set('lat', pos.lat.toFixed(6));
    q.set('lon', pos.lon.toFixed(6));
  }
  const fc = await getJSON(`/api/v1/search?${q}`);
  return fc.features.map(fromFeature);
}

/** One station with every property, from the device or the server; null when it is unknown. */
export async function station(id) {
  if (state.device) {
    const st = await call('get', { station: id });
    if (st) return st;
  }
  try {
    const f = await getJSON(`/api/v1/stations/${encodeURIComponent(id)}`);
    return fromFeature(f).st;
  } catch {
    return null;
  }
}

/** The points the map draws, [id, lon, lat, openState], for every station on the device. */
export function points(filters, now = new Date()) {
  return state.device ? call('points', { filters, at: now.getTime() }) : Promise.resolve(null);
}

/**
 * The stations on the device that pass the filters, grouped for the map's still picture in view
 * ({center, zoom, w, h}); null when the device has none.
 */
export function cells(filters, view, now = new Date()) {
  return state.device ? call('cells', { filters, view, at: now.getTime() }) : Promise.resolve(null);
}

/** The state of a station at date: open, closingSoon, closed or unknown, with the next change. */
export function openState(st, date = new Date()) {
  return stateOf(st.props, parseCached(st.props.opening_hours), date, state.calendar);
}

/** The schedule of a station's opening hours, or null when they are unknown or do not parse. */
export function schedule(st) {
  return parseCached(st.props.opening_hours);
}
