// The weekly grid of the opening-hours editor as data, and its translation to and from OpenStreetMap
// opening_hours text. No DOM here: hours-editor.js draws it.
//
// A grid is {week, seasons, phOff}:
//   week     7 days (Mo = 0 .. Su = 6), each a list of spans {from, to} in minutes; an empty list is a
//            closed day. `to` is after `from`; past 1440 it ends on the next day (22:00-06:00 is
//            {from: 1320, to: 1800}); 1440 is midnight.
//   seasons  [{from, to, week}]: months 1-12, a range that may wrap over the new year (Nov-Mar), with
//            their own week. The main week applies in the months no season covers.
//   phOff    closed on public holidays ("PH off").
//
// fromText reads back what the grid can show, using hours.js's parser, and says why when it cannot.

import { parse } from '../hours.js';

const DAY = 1440;
const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
const MONTHS = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ALL_MONTHS = 0xfff; // bit m-1 for month m
const ALL_DAYS = 0x7f;

/** An empty grid: closed every day, no season, open on public holidays like any other day. */
export function emptyGrid() {
  return { week: emptyWeek(), seasons: [], phOff: false };
}

function emptyWeek() {
  return Array.from({ length: 7 }, () => []);
}

/** "HH:MM" for minutes of the day (1440 → "24:00"). */
export function clock(min) {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

/**
 * Minutes for a clock reading as people type it: "8:30", "08:30", "8.30", "8：30", "830", "0830",
 * "8" (08:00), up to "24:00". NaN for anything else.
 */
export function minutes(text) {
  const s = String(text).trim().replace(/[：.．]/g, ':');
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(s) || /^(\d{1,2})(\d{2})$/.exec(s);
  if (!m) return NaN;
  const h = Number(m[1]), min = Number(m[2] ?? 0);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return NaN;
  return h * 60 + min;
}

/**
 * A span from two clock readings as a person enters them: an end at or before the start is on the
 * next day (22:00 to 06:00 is overnight; an end of 00:00 is midnight).
 */
export function span(fromHHMM, toHHMM) {
  const from = minutes(fromHHMM) % DAY;
  let to = minutes(toHHMM);
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  if (to <= from) to += DAY;
  return { from, to };
}

/** The months of a season as a bit set. */
export function monthMask(from, to) {
  let mask = 0;
  for (let m = from; ; m = (m % 12) + 1) {
    mask |= 1 << (m - 1);
    if (m === to) break;
  }
  return mask;
}

/** "Nov-Mar", "Jan-Feb,Apr-Oct", "" for the whole year. */
function monthsText(mask) {
  if ((mask & ALL_MONTHS) === ALL_MONTHS || mask === 0) return '';
  const has = (m) => (mask >> (((m - 1) % 12 + 12) % 12)) & 1;
  let start = 1;
  while (!(has(start) && !has(start - 1))) start++; // a month that begins a run
  const runs = [];
  for (let i = 0; i < 12; i++) {
    const m = ((start - 1 + i) % 12) + 1;
    if (!has(m)) continue;
    if (runs.length && runs.at(-1).next === m) {
      runs.at(-1).to = m;
      runs.at(-1).next = (m % 12) + 1;
    } else {
      runs.push({ from: m, to: m, next: (m % 12) + 1 });
    }
  }
  return runs.map((r) => (r.from === r.to ? MONTHS[r.from] : `${MONTHS[r.from]}-${MONTHS[r.to]}`)).join(',');
}

/** "Mo-Fr", "Sa,Su", "Mo,We,Fr" for a bit set of weekdays. */
function daysText(mask) {
  const parts = [];
  for (let d = 0; d < 7;) {
    if (!((mask >> d) & 1)) { d++; continue; }
    let e = d;
    while (e + 1 < 7 && ((mask >> (e + 1)) & 1)) e++;
    if (e - d >= 2) parts.push(`${WEEKDAYS[d]}-${WEEKDAYS[e]}`);
    else for (let k = d; k <= e; k++) parts.push(WEEKDAYS[k]);
    d = e + 1;
  }
  return parts.join(',');
}

function spansText(spans) {
  return [...spans].sort((a, b) => a.from - b.from)
    .map((s) => `${clock(s.from)}-${clock(s.to > DAY ? s.to - DAY : s.to)}`).join(',');
}

/**
 * The rules of one week, each prefixed with months (may be ''): [{text, days, spill}] where days is
 * the bit set of weekdays the rule names and spill those its spans past midnight reach.
 */
function weekRules(week, months) {
  const groups = new Map(); // spans text → weekday bit set, in order of the first day
  const spill = new Map();
  week.forEach((spans, d) => {
    if (!spans.length) return;
    const key = spansText(spans);
    groups.set(key, (groups.get(key) ?? 0) | (1 << d));
    if (spans.some((x) => x.to > DAY)) spill.set(key, (spill.get(key) ?? 0) | (1 << ((d + 1) % 7)));
  });
  const prefix = months ? months + ' ' : '';
  if (!months && groups.size === 1 && groups.get('00:00-24:00') === ALL_DAYS) return [{ text: '24/7', days: ALL_DAYS, spill: 0 }];
  return [...groups].map(([spans, days]) => ({ text: `${prefix}${daysText(days)} ${spans}`, days, spill: spill.get(spans) ?? 0 }));
}

/**
 * The grid as OpenStreetMap opening_hours text. A grid with no open time at all is "off".
 *
 * Rules are joined with ";", except that a rule for a day that an earlier rule's span past midnight
 * runs into is joined with "," (an additional rule): a ";" rule for that day would cut the night
 * short at midnight, as opening_hours.js evaluates it. Every rule names days and months of its own,
 * so "," adds nothing else.
 */
export function toText(grid) {
  let covered = 0;
  for (const s of grid.seasons) covered |= monthMask(s.from, s.to);
  const rest = ALL_MONTHS & ~covered;
  const rules = [];
  if (rest) rules.push(...weekRules(grid.week, grid.seasons.length ? monthsText(rest) : ''));
  for (const s of grid.seasons) {
    const months = monthsText(monthMask(s.from, s.to)) || 'Jan-Dec';
    const own = weekRules(s.week, months);
    rules.push(...(own.length ? own : [{ text: `${months} off`, days: ALL_DAYS, spill: 0 }]));
  }
  if (!rules.length) return 'off';
  if (grid.phOff) rules.push({ text: 'PH off', days: 0, spill: 0 });
  let text = '';
  let spilled = 0;
  rules.forEach((r, i) => {
    if (i > 0) text += spilled & r.days ? ', ' : '; ';
    text += r.text;
    spilled |= r.spill;
  });
  return text;
}

class Unsupported extends Error {}

/** The rules as written (hours.js splits a span past midnight into two rules: join them again). */
function writtenRules(schedule) {
  const out = [];
  for (const r of schedule.rules) {
    if (!r.wrapped) {
      out.push({ ...r, spans: [...r.spans] });
      continue;
    }
    const prev = out.at(-1);
    const ends = [];
    for (let k = 1; k < prev.spans.length; k += 2) if (prev.spans[k] === DAY) ends.push(k);
    if (ends.length !== r.spans.length / 2) throw new Unsupported('overnight spans that the grid cannot tell apart');
    ends.forEach((k, i) => { prev.spans[k] = DAY + r.spans[2 * i + 1]; });
  }
  return out;
}

/**
 * Reads opening_hours text into a grid. Returns {grid} when the grid can show it exactly (checked by
 * evaluating both), or {reason} (English, for logs and tests) when it cannot: comments, "unknown",
 * dates with days or years, PH rules other than a final "PH off", closed times within a day, or
 * nights past midnight that the text treats in ways a grid cannot (e.g. running into a day that is
 * "off").
 */
export function fromText(text) {
  let schedule;
  try {
    schedule = parse(String(text).trim());
  } catch (e) {
    return { reason: e.message };
  }
  let grid;
  try {
    grid = fromRules(writtenRules(schedule));
  } catch (e) {
    if (e instanceof Unsupported) return { reason: e.message };
    throw e;
  }
  // The grid must mean exactly what the text means: compare every open minute over two years
  // (every weekday in every month, and the nights that run into the next month).
  if (!sameHours(schedule, parse(toText(grid)))) return { reason: 'hours the grid would change' };
  return { grid };
}

const CHECK_FROM = Date.UTC(2025, 11, 31, 16); // 2026-01-01 00:00 in Asia/Shanghai
const CHECK_TO = Date.UTC(2027, 11, 31, 16);

function sameHours(a, b) {
  const x = a.intervals(CHECK_FROM, CHECK_TO), y = b.intervals(CHECK_FROM, CHECK_TO);
  return x.length === y.length && x.every((iv, i) => +iv.from === +y[i].from && +iv.to === +y[i].to && iv.unknown === y[i].unknown);
}

// The rules are applied in order to every month and weekday, as opening_hours evaluates these simple
// rules: an open rule with a selector replaces the day's times, "off" closes the whole day. Months
// with the same week are then gathered: the main week is the one that leaves the fewest runs of
// other months, and each such run becomes a season.
function fromRules(rules) {
  let phOff = false;
  const cells = Array.from({ length: 12 }, () => emptyWeek()); // [month-1][weekday] → spans
  rules.forEach((r, i) => {
    if (r.comment) throw new Unsupported('comments');
    if (r.state !== 0 && r.state !== 1) throw new Unsupported('unknown hours');
    if (r.weekdayPH) throw new Unsupported('PH in a weekday list');
    if (r.holiday) {
      if (i !== rules.length - 1 || r.state !== 0 || r.dates.length || r.weekdays || r.spans.length) {
        throw new Unsupported('public-holiday rules other than a final "PH off"');
      }
      phOff = true;
      return;
    }
    const adds = i > 0 && r.state === 1 && !r.resets; // an additional rule, or one without days after one with
    let months = r.dates.length ? 0 : ALL_MONTHS;
    for (const d of r.dates) {
      if (!d.yearly || d.from % 100 !== 1 || d.to % 100 !== 31) throw new Unsupported('dates with days or years');
      months |= monthMask(Math.floor(d.from / 100) % 100, Math.floor(d.to / 100) % 100);
    }
    const spans = [];
    if (r.state === 1) {
      const flat = r.spans.length ? r.spans : [0, DAY];
      for (let k = 0; k < flat.length; k += 2) spans.push({ from: flat[k], to: flat[k + 1] });
    } else if (r.spans.length) {
      throw new Unsupported('closed times within a day ("off" with times)');
    }
    const days = r.weekdays || ALL_DAYS;
    for (let m = 0; m < 12; m++) {
      if (!((months >> m) & 1)) continue;
      // A rule that replaces a day also ends at midnight the nights that earlier rules ran into it.
      for (let d = 0; d < 7; d++) {
        const prev = (d + 6) % 7;
        if (!adds && (days >> d) & 1) cells[m][prev] = cells[m][prev].map((x) => (x.to > DAY ? { ...x, to: DAY } : x));
      }
      for (let d = 0; d < 7; d++) {
        if ((days >> d) & 1) cells[m][d] = [...(adds ? cells[m][d] : []), ...spans.map((x) => ({ ...x }))];
      }
    }
  });
  const key = (week) => week.map(spansText).join('|');
  const keys = cells.map(key);
  // The main week is the one that leaves the fewest seasons, then the one of the most months.
  const score = (k) => {
    let runs = 0, months = 0;
    keys.forEach((x, m) => {
      if (x === k) months++;
      else if (keys[(m + 11) % 12] !== x) runs++;
    });
    return runs * 100 - months;
  };
  const main = [...new Set(keys)].sort((a, b) => score(a) - score(b))[0];
  const seasons = [];
  // Runs of months with the same week, other than the main one, each starting where the previous
  // month differs (a run may wrap over the new year).
  let first = 0;
  while (first < 12 && key(cells[first]) !== main) first++;
  for (let i = 1; i <= 12; i++) {
    const m = (first + i) % 12;
    const k = key(cells[m]);
    if (k === main) continue;
    const prev = seasons.at(-1);
    if (prev && prev.key === k && prev.to % 12 === m) prev.to = m + 1;
    else seasons.push({ key: k, from: m + 1, to: m + 1, week: cells[m] });
  }
  seasons.sort((a, b) => a.from - b.from);
  return {
    week: cells[first],
    seasons: seasons.map(({ from, to, week }) => ({ from, to, week })),
    phOff,
  };
}

