// Writes the opening_hours.js reference outputs for the Go server/hours tests to
// stdout as JSON. Reads the expressions from server/hours/testdata/corpus.txt.
// Run through ../gen-hours-fixtures, which pins opening_hours with npm ci and
// sets TZ=Asia/Shanghai (opening_hours.js evaluates in the process time zone).
'use strict';
const fs = require('fs');
const path = require('path');
const OpeningHours = require('opening_hours');
const version = require('opening_hours/package.json').version;

const corpusPath = path.join(__dirname, '..', '..', 'server', 'hours', 'testdata', 'corpus.txt');
const FROM = '2025-12-29T00:00:00+08:00';
const TO = '2027-01-04T00:00:00+08:00';
const NOMINATIM = { lat: 41.8, lon: 123.4, address: { country_code: 'cn', state: '辽宁省' } };
const CONF = { mode: 0 }; // 0: time ranges (the opening_hours tag)
const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR; // Asia/Shanghai, no DST since 1991

function fail(msg) {
  process.stderr.write(`gen-hours-fixtures: ${msg}\n`);
  process.exit(1);
}

const from = new Date(FROM);
const to = new Date(TO);

// opening_hours.js reads wall-clock fields (getHours, getDate, ...) of the
// process time zone, so refuse to run anywhere but in UTC+8.
for (let t = from.getTime(); t <= to.getTime(); t += 7 * DAY) {
  if (new Date(t).getTimezoneOffset() !== -480) fail('run with TZ=Asia/Shanghai');
}

// RFC 3339 with +08:00, seconds precision.
function iso(d) {
  const ms = d.getTime();
  if (ms % 1000 !== 0) fail(`sub-second time ${ms}`);
  return new Date(ms + OFFSET).toISOString().replace(/\.000Z$/, '+08:00');
}
// Local (UTC+8) calendar date as YYYY-MM-DD.
const dayOf = (ms) => new Date(ms + OFFSET).toISOString().slice(0, 10);
// Local midnight of y-m-d (month 1-based; overflow allowed).
const midnight = (y, m, d) => Date.UTC(y, m - 1, d) - OFFSET;

// Small seeded PRNG (mulberry32) so the fixture is reproducible.
function rng(seed) {
  return function () {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// FNV-1a of the expression: each case's random instants depend only on its text.
function hash(s) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

function parse(expr) {
  let oh;
  try {
    oh = new OpeningHours(expr, NOMINATIM, CONF);
  } catch (e) {
    fail(`opening_hours.js rejects ${JSON.stringify(expr)}: ${e}`);
  }
  for (const w of oh.getWarnings()) process.stderr.write(`warning: ${JSON.stringify(expr)}: ${w}\n`);
  return oh;
}

// Public holidays as opening_hours.js sees them for this location: the days
// covered by the expression "PH", cross-checked day by day.
const ph = parse('PH');
const phNames = {};
for (const [s, e, , comment] of ph.getOpenIntervals(from, to)) {
  for (let t = s.getTime(); t < e.getTime(); t += DAY) phNames[dayOf(t)] = comment;
}
const phDates = Object.keys(phNames).sort();
for (let t = from.getTime(); t < to.getTime(); t += DAY) {
  const noon = new Date(t + 12 * HOUR);
  if (ph.getPublicHolidayContext(noon).isHoliday !== (dayOf(t) in phNames)) {
    fail(`PH mismatch on ${dayOf(t)}`);
  }
}

// Instants where interesting things happen regardless of the expression.
const fixed = new Set([from.getTime()]);
const focusDays = new Set();
for (let y = 2025, m = 12; ; m++) { // month edges: 23:59 on the last day, 00:00 on the first
  const t = midnight(y, m, 1);
  if (t > to.getTime()) break;
  if (t > from.getTime()) {
    fixed.add(t - MIN);
    fixed.add(t);
    focusDays.add(dayOf(t - MIN));
    focusDays.add(dayOf(t));
  }
}
for (const y of [2025, 2026]) { // around new year
  for (const t of [midnight(y, 12, 31) + 12 * HOUR, midnight(y, 12, 31) + 23 * HOUR,
    midnight(y + 1, 1, 1) + HOUR, midnight(y + 1, 1, 1) + 12 * HOUR]) {
    if (t >= from.getTime() && t < to.getTime()) fixed.add(t);
  }
  for (let d = 24; d <= 31; d++) focusDays.add(dayOf(midnight(y, 12, d)));
  for (let d = 1; d <= 3; d++) focusDays.add(dayOf(midnight(y + 1, 1, d)));
}
for (const day of phDates) { // days around the public holidays
  const t = Date.parse(`${day}T00:00:00+08:00`);
  for (const u of [t - 12 * HOUR, t + HOUR, t + 10 * HOUR, t + DAY - MIN, t + DAY + HOUR]) {
    if (u >= from.getTime() && u < to.getTime()) fixed.add(u);
  }
  focusDays.add(dayOf(t - DAY));
  focusDays.add(day);
  focusDays.add(dayOf(t + DAY));
}

// Evenly spaced picks of at most n elements of a sorted array.
function spread(a, n) {
  if (a.length <= n) return a;
  const out = [];
  for (let i = 0; i < n; i++) out.push(a[Math.floor((i * a.length) / n)]);
  return out;
}

const FOCUS_BOUNDARIES = 10;
const BOUNDARIES = 24;
const MIN_RANDOM = 20;
const TARGET_SAMPLES = 160;

function buildCase(expr) {
  const oh = parse(expr);
  const raw = oh.getOpenIntervals(from, to);
  const intervals = raw.map(([s, e, unknown, comment]) =>
    [iso(s), iso(e), unknown === true, typeof comment === 'string' ? comment : null]);

  // Interval boundaries strictly inside the range, each with its neighbours.
  const bset = new Set();
  for (const [s, e] of raw) {
    for (const t of [s.getTime(), e.getTime()]) if (t > from.getTime() && t < to.getTime()) bset.add(t);
  }
  const bounds = [...bset].sort((a, b) => a - b);
  const focus = spread(bounds.filter((t) => focusDays.has(dayOf(t)) || focusDays.has(dayOf(t - MIN))),
    FOCUS_BOUNDARIES);
  const rest = spread(bounds.filter((t) => !focus.includes(t)), BOUNDARIES - focus.length);
  const at = new Set(fixed);
  for (const t of [...focus, ...rest]) {
    for (const u of [t - MIN, t, t + MIN]) if (u >= from.getTime() && u < to.getTime()) at.add(u);
  }
  // Random instants with seconds precision.
  const rand = rng(hash(expr));
  const span = (to.getTime() - from.getTime()) / 1000;
  for (let n = 0; n < MIN_RANDOM || at.size < TARGET_SAMPLES; n++) {
    at.add(from.getTime() + Math.floor(rand() * span) * 1000);
  }

  const samples = [...at].sort((a, b) => a - b).map((t) => {
    const d = new Date(t);
    const state = oh.getUnknown(d) ? 'unknown' : (oh.getState(d) ? 'open' : 'closed');
    const next = oh.getNextChange(d, to);
    const comment = oh.getComment(d);
    // Self-check: the sampled state must agree with the interval list.
    const iv = raw.find(([s, e]) => s.getTime() <= t && t < e.getTime());
    const ivState = iv ? (iv[2] ? 'unknown' : 'open') : 'closed';
    if (ivState !== state) {
      process.stderr.write(`inconsistent: ${JSON.stringify(expr)} at ${iso(d)}: state ${state}, intervals say ${ivState}\n`);
    }
    return [iso(d), state, next === undefined ? null : iso(next), typeof comment === 'string' ? comment : null];
  });
  return { expr, intervals, samples };
}

const corpus = fs.readFileSync(corpusPath, 'utf8').split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));
const seen = new Set();
for (const e of corpus) {
  if (seen.has(e)) fail(`duplicate expression ${JSON.stringify(e)}`);
  seen.add(e);
}
const cases = corpus.map(buildCase);

const head = {
  generator: `opening_hours.js ${version} (scripts/gen-hours-fixtures)`,
  note: 'generated from server/hours/testdata/corpus.txt; do not edit. intervals: getOpenIntervals(from, to) as ' +
    '[start, end, unknown, comment]; samples: [at, state, getNextChange(at, to), getComment(at)]',
  tz: 'Asia/Shanghai',
  location: NOMINATIM,
  from: iso(from),
  to: iso(to),
  ph_dates: phDates,
  ph_names: phNames,
};
const J = JSON.stringify;
const out = '{\n' + Object.entries(head).map(([k, v]) => `  ${J(k)}: ${J(v)},\n`).join('') +
  '  "cases": [\n' + cases.map((c) => `    {"expr": ${J(c.expr)},\n     "intervals": ${J(c.intervals)},\n` +
    `     "samples": ${J(c.samples)}}`).join(',\n') + '\n  ]\n}\n';
process.stdout.write(out);

const nIntervals = cases.reduce((n, c) => n + c.intervals.length, 0);
const nSamples = cases.reduce((n, c) => n + c.samples.length, 0);
process.stderr.write(`opening_hours.js ${version}: ${cases.length} cases, ${nIntervals} intervals, ` +
  `${nSamples} samples, ${phDates.length} PH dates, ${Buffer.byteLength(out)} bytes\n`);
