// The offline dataset, off the main thread: this module worker downloads /api/v1/dataset, decodes it,
// keeps it on the device (IndexedDB), and answers the app's questions over the whole set: the nearest
// stations (in the server's exact order), text search, one station, and the points for the map. A
// revalidation that changes nothing (304) writes one small record, never the dataset.
//
// Messages in: {id, op, ...args}; out: {id, result} or {id, error}, and {progress: 0..1} while a
// download runs.

import * as store from './store.js';
import { decode } from './dataset.js';
import { unitVec, distanceM, bearingDeg, fold } from './geo.js';
import { parseCached, Calendar } from './hours.js';
import { openState } from './openstate.js';
import { cellsInView } from './preview.js';

let stations = [];       // {id, lon, lat, props, v (unit vector), amen (bit mask), text and schedule (see below)}
let byId = new Map();
let info = null;         // {etag, checkedAt, dataVersion}: the small record a 304 updates
let calendar = new Calendar({});
let amenityBits = new Map();

function bitOf(code) {
  let b = amenityBits.get(code);
  if (b === undefined) {
    b = 2 ** amenityBits.size;
    amenityBits.set(code, b);
  }
  return b;
}

function mask(codes) {
  let m = 0;
  for (const c of codes || []) m |= bitOf(c);
  return m;
}

function index(payload) {
  const t0 = performance.now();
  const { stations: list } = decode(payload);
  const t1 = performance.now();
  stations = list.map((s) => ({
    ...s,
    v: unitVec(s.lon, s.lat),
    amen: mask(s.props.amenities),
    text: null, // folded name and address, made on the first search (folding all of them takes a while)
    schedule: undefined, // the parsed opening hours, made when first needed
  }));
  byId = new Map(stations.map((s) => [s.id, s]));
  timings.decode = t1 - t0;
  timings.index = performance.now() - t1;
}

const timings = {};

function schedule(s) {
  if (s.schedule === undefined) s.schedule = parseCached(s.props.opening_hours);
  return s.schedule;
}

function folded(s) {
  s.text ??= fold(s.props.name) + '\u0000' + fold(s.props.address);
  return s.text;
}

/** What leaves the worker: the station as the screens use it, without the worker's indexes. */
const plain = (s) => ({ id: s.id, lon: s.lon, lat: s.lat, props: s.props });

/** A predicate for the filters: amenity codes a station must all have, and open at `at` (ms). */
function matcher({ amenities = [], openNow = false } = {}, at = Date.now()) {
  const want = mask(amenities);
  const date = new Date(at);
  return (s) => (s.amen & want) === want &&
    (!openNow || (s.props.status === 'open' && schedule(s) !== null && schedule(s).stateAt(date, calendar).state === 'open'));
}

function byDistance(a, b) {
  return a.d - b.d || (a.s.id < b.s.id ? -1 : a.s.id > b.s.id ? 1 : 0);
}

const ops = {
  /** Loads what the device holds. Resolves to {count, dataVersion, checkedAt} or null. */
  async init() {
    const t0 = performance.now();
    const [meta, payload] = await Promise.all([store.get('offlineInfo'), store.get('offline')]);
    if (!meta || !payload) return null;
    const t1 = performance.now();
    const parsed = JSON.parse(payload);
    timings.read = t1 - t0;
    timings.parse = performance.now() - t1;
    index(parsed);
    info = meta;
    return { count: stations.length, dataVersion: info.dataVersion, checkedAt: info.checkedAt, timings };
  },

  /** The holiday calendar from /api/v1/meta, for PH in opening hours. */
  calendar({ holidays }) {
    calendar = new Calendar(holidays || {});
    return true;
  },

  /**
   * Asks the server for newer data with the stored ETag; stores and indexes what it sends. Resolves
   * to {changed, count, dataVersion, checkedAt}; rejects when the server cannot be reached.
   */
  async sync() {
    const headers = {};
    if (info?.etag && stations.length) headers['If-None-Match'] = info.etag;
    const res = await fetch('/api/v1/dataset', { headers, cache: 'no-store' });
    const now = Date.now();
    if (res.status === 304) {
      info = { ...info, checkedAt: now };
      await store.set('offlineInfo', info);
      return { changed: false, count: stations.length, dataVersion: info.dataVersion, checkedAt: now };
    }
    if (!res.ok) throw new Error(`dataset: HTTP ${res.status}`);
    const text = await readWithProgress(res);
    const payload = JSON.parse(text);
    index(payload);
    const next = { etag: res.headers.get('ETag'), checkedAt: now, dataVersion: payload.data_version };
    // The dataset first, then the record that points at it: a crash in between leaves the old
    // record's ETag, which the next revalidation simply answers with the new data.
    await store.set('offline', text);
    await store.set('offlineInfo', next);
    await store.del('dataset'); // the GeoJSON copy an earlier version of the app kept
    info = next;
    return { changed: true, count: stations.length, dataVersion: info.dataVersion, checkedAt: now };
  },

  /** The k nearest stations to [lon, lat] that pass the filters, nearest first, ties by id. */
  nearest({ lon, lat, k = 20, filters, at }) {
    const q = unitVec(lon, lat);
    const keep = matcher(filters, at);
    const found = [];
    for (const s of stations) if (keep(s)) found.push({ s, d: distanceM(q, s.v) });
    found.sort(byDistance);
    return found.slice(0, k).map(({ s, d }) => ({ st: plain(s), distanceM: d, bearingDeg: bearingDeg(lon, lat, s.v) }));
  },

  /** Stations whose name or address contains text; nearest first when a position is given. */
  search({ text, lon, lat, filters, at, limit = 50 }) {
    const q = fold(text);
    if (!q) return [];
    const keep = matcher(filters, at);
    const hits = stations.filter((s) => keep(s) && folded(s).includes(q));
    if (lon === undefined) {
      // As the server ranks without a position: name matches first, then address matches, by id.
      const inName = (s) => folded(s).indexOf(q) < folded(s).indexOf('\u0000');
      return hits.filter(inName).concat(hits.filter((s) => !inName(s))).slice(0, limit).map((s) => ({ st: plain(s) }));
    }
    const p = unitVec(lon, lat);
    return hits.map((s) => ({ s, d: distanceM(p, s.v) })).sort(byDistance).slice(0, limit)
      .map(({ s, d }) => ({ st: plain(s), distanceM: d, bearingDeg: bearingDeg(lon, lat, s.v) }));
  },

  /** One station, or null. */
  get({ station }) {
    const s = byId.get(station);
    return s ? plain(s) : null;
  },

  /**
   * Every station that passes the filters, as the map draws them: [id, lon, lat, state] with state
   * open, closingSoon, closed or unknown at `at`.
   */
  /** The stations that pass the filters as the map's still picture groups them (preview.js). */
  cells({ filters, at, view }) {
    return cellsInView(ops.points({ filters, at }), view);
  },

  points({ filters, at }) {
    const keep = matcher(filters, at);
    const date = new Date(at);
    const out = [];
    for (const s of stations) {
      if (keep(s)) out.push([s.id, s.lon, s.lat, openState(s.props, schedule(s), date, calendar, 0).state]);
    }
    return out;
  },
};

/** Reads a response's text, reporting how much of it has arrived (X-Dataset-Length: the decoded size). */
async function readWithProgress(res) {
  const total = Number(res.headers.get('X-Dataset-Length')) || 0;
  if (!res.body || !total) return res.text();
  const reader = res.body.getReader();
  const parts = [];
  let got = 0, told = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    got += value.length;
    if (got / total - told >= 0.1) {
      told = got / total;
      postMessage({ progress: Math.min(told, 1) });
    }
  }
  const bytes = new Uint8Array(got);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  return new TextDecoder().decode(bytes);
}

onmessage = async ({ data: { id, op, ...args } }) => {
  try {
    postMessage({ id, result: await ops[op](args) });
  } catch (e) {
    postMessage({ id, error: String(e?.message || e) });
  }
};
