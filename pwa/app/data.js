// The station data the app answers from: loaded from the device first, then revalidated against the
// server with its ETag. Nearest search and text search run here over the whole set, so they work
// offline anywhere in the province and order stations exactly as the server does.

import * as store from './store.js';
import { unitVec, distanceM, bearingDeg, fold } from './geo.js';
import { parse, Calendar } from './hours.js';

/** What the app knows: the vocabulary and the stations, and how fresh they are. */
export const state = {
  meta: null,        // /api/v1/meta
  calendar: null,    // holiday calendar for PH
  stations: [],      // see toStation
  byId: new Map(),
  etag: null,        // of the stored dataset
  checkedAt: 0,      // when the server last confirmed the stored dataset (ms since epoch)
  online: navigator.onLine,
};

const schedules = new Map(); // hours text → parsed schedule, or null when it does not parse

function schedule(text) {
  if (!text) return null;
  if (!schedules.has(text)) {
    let s = null;
    try { s = parse(text); } catch { s = null; }
    schedules.set(text, s);
  }
  return schedules.get(text);
}

function toStation(f, amenityBit) {
  const p = f.properties;
  const [lon, lat] = f.geometry.coordinates;
  let amen = 0;
  for (const a of p.amenities || []) amen |= amenityBit.get(a) ?? 0;
  return {
    id: f.id, lon, lat, v: unitVec(lon, lat), amen, props: p,
    schedule: schedule(p.opening_hours),
    text: fold(p.name) + '\u0000' + fold(p.address),
  };
}

function index(geojson) {
  const bits = new Map((state.meta?.amenities || []).map((a, i) => [a.code, 2 ** i]));
  state.stations = geojson.features.map((f) => toStation(f, bits));
  state.stations.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  state.byId = new Map(state.stations.map((s) => [s.id, s]));
}

function useMeta(meta) {
  state.meta = meta;
  state.calendar = new Calendar(meta.holidays || { holidays: {}, years: [] });
}

/** Loads what the device has: true when there is a dataset to show. */
export async function loadLocal() {
  const [meta, data] = await Promise.all([store.get('meta'), store.get('dataset')]);
  if (meta) useMeta(meta);
  if (meta && data) {
    state.etag = data.etag;
    state.checkedAt = data.checkedAt;
    index(data.geojson);
    return true;
  }
  return false;
}

/**
 * Asks the server whether there is newer data (If-None-Match with the stored ETag) and stores what it
 * sends. Resolves to true when the stations changed; throws when the network or server is unreachable.
 */
export async function revalidate() {
  const metaRes = await fetch('/api/v1/meta', { cache: 'no-store' });
  if (!metaRes.ok) throw new Error(`meta: HTTP ${metaRes.status}`);
  const meta = await metaRes.json();
  const metaChanged = JSON.stringify(meta) !== JSON.stringify(state.meta);
  if (metaChanged) {
    useMeta(meta);
    await store.set('meta', meta);
  }
  const headers = {};
  if (state.etag && state.stations.length && !metaChanged) headers['If-None-Match'] = state.etag;
  const res = await fetch('/api/v1/stations.geojson', { headers, cache: 'no-store' });
  const now = Date.now();
  if (res.status === 304) {
    state.checkedAt = now;
    const data = await store.get('dataset');
    if (data) await store.set('dataset', { ...data, checkedAt: now });
    return false;
  }
  if (!res.ok) throw new Error(`stations: HTTP ${res.status}`);
  const geojson = await res.json();
  const etag = res.headers.get('ETag');
  await store.set('dataset', { etag, checkedAt: now, geojson });
  state.etag = etag;
  state.checkedAt = now;
  index(geojson);
  return true;
}

/** The state of a station at date: open, closingSoon, closed or unknown, with the next change. */
export function openState(st, date = new Date()) {
  if (st.props.status !== 'open') return { state: 'closed', next: null };
  if (!st.schedule) return { state: 'unknown', next: null };
  const now = st.schedule.stateAt(date, state.calendar);
  const next = st.schedule.nextChange(date, state.calendar, new Date(date.getTime() + 8 * 86400e3));
  if (now.state === 'open' && next && next - date <= 30 * 60e3) return { state: 'closingSoon', next };
  return { state: now.state, next };
}

/**
 * Filters: amenity codes every station must have, and whether it must be open at date. Returns a
 * predicate on stations.
 */
export function matcher({ amenities = [], openNow = false, date = new Date() }) {
  const bits = new Map((state.meta?.amenities || []).map((a, i) => [a.code, 2 ** i]));
  let want = 0;
  for (const a of amenities) want |= bits.get(a) ?? 0;
  return (st) => (st.amen & want) === want &&
    (!openNow || (st.props.status === 'open' && st.schedule !== null && st.schedule.stateAt(date, state.calendar).state === 'open'));
}

/**
 * The k stations nearest to [lon, lat] that pass keep, nearest first, ties by id: the order of
 * /api/v1/stations/nearby. Each result carries distance_m and bearing_deg.
 */
export function nearest(lon, lat, k, keep = () => true) {
  const q = unitVec(lon, lat);
  const found = [];
  for (const st of state.stations) {
    if (!keep(st)) continue;
    found.push({ st, d: distanceM(q, st.v) });
  }
  found.sort((a, b) => a.d - b.d || (a.st.id < b.st.id ? -1 : a.st.id > b.st.id ? 1 : 0));
  return found.slice(0, k).map(({ st, d }) => ({ st, distanceM: d, bearingDeg: bearingDeg(lon, lat, st.v) }));
}

/** Stations whose name or address contains text (folded as the server folds it), that pass keep. */
export function search(text, keep = () => true) {
  const q = fold(text);
  if (!q) return [];
  return state.stations.filter((st) => keep(st) && st.text.includes(q));
}
