// Opening hours in words, in the rider's language: "周一至周五 9:00–17:00，法定节假日休息" /
// "Mon–Fri 9:00–17:00, closed on public holidays" for "Mo-Fr 09:00-17:00; PH off". Riders never see
// OpenStreetMap syntax. No DOM here: ui.js and the operator pages set the result with textContent.
//
// The words come from evaluation, not from the syntax tree, so whatever hours.js understands is
// described as hours.js evaluates it (rules that override earlier ones, spans past midnight cut by
// the next day's rules, "off" rules, additional rules ...):
//   1. The year is cut into periods where no rule's date range starts or ends (yearly ranges such as
//      Nov-Mar or Dec 24-Jan 02; ranges with a year, such as 2026 Oct 01-07, are described apart).
//      Inside such a period a day's hours depend only on its weekday and on whether it is a public
//      holiday.
//   2. For each period and weekday, one real day is evaluated with Schedule.intervals (over the day
//      before to the day after, so a span that starts before midnight and ends the next morning is
//      one span of the day it starts on: 18:00–次日02:00), once with no public holiday and once with
//      a calendar in which that day alone is a public holiday.
//   3. Periods with the same weekly hours (and the same holiday hours) are one season; weekdays with
//      the same spans are one group (周一至周五, 周六、周日); "法定节假日…" is said when a holiday
//      differs from an ordinary day.

import { Calendar, parseCached } from './hours.js';
import { tr } from './i18n.js';

const DAY = 1440; // minutes
const MS_DAY = 86_400_000;
const MS_MINUTE = 60_000;
const ZONE = 8 * 3_600_000; // Asia/Shanghai, as in hours.js
const LEAP = 2000; // ordinals of the year count days of a leap year, so Feb 29 has one

const midnight = (n) => n * MS_DAY - ZONE;
const weekdayOf = (n) => (((n + 3) % 7) + 7) % 7; // Mo = 0, as in hours.js
const civil = (n) => Calendar.none.day(n); // {year, month, dom, ...}

/** Days since 1970-01-01 of a date (proleptic Gregorian; H. Hinnant's algorithm). */
function dayNumber(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** The day number of y-m-d, or null when there is no such date (Feb 29 of a common year). */
function realDay(y, m, d) {
  const n = dayNumber(y, m, d);
  const c = civil(n);
  return c.month === m && c.dom === d ? n : null;
}

const LEAP0 = dayNumber(LEAP, 1, 1);
const ordinal = (m, d) => dayNumber(LEAP, m, d) - LEAP0; // 0..365
const monthDayOf = (o) => civil(LEAP0 + o); // {month, dom}
const lastDom = (m) => civil(dayNumber(LEAP, m + 1, 1) - 1).dom;

// ---------------------------------------------------------------------------------------------
// Evaluation: what one day looks like

/**
 * @typedef {object} Piece  a stretch of one day in minutes from its midnight; `to` past 1440 ends
 *   on the next day (an overnight span); unknown/comment as Schedule.intervals reports them
 * @property {number} from
 * @property {number} to
 * @property {boolean} unknown
 * @property {string} comment
 */

/**
 * The open or unknown pieces of day n. An interval that starts on day n after midnight and ends on
 * the next day less than 24 hours later is one overnight piece; anything longer is cut at midnight.
 * @returns {Piece[]}
 */
function dayPieces(schedule, n, calendar) {
  const out = [];
  for (const iv of schedule.intervals(midnight(n - 1), midnight(n + 2), calendar)) {
    let a = iv.from.getTime();
    const b = iv.to.getTime();
    while (a < b) {
      const x = Math.floor((a + ZONE) / MS_DAY);
      const start = midnight(x), next = midnight(x + 1);
      const off = a - start;
      const end = b <= next || (off > 0 && b - next < off) ? b : next;
      if (x === n) out.push({ from: off / MS_MINUTE, to: (end - start) / MS_MINUTE, unknown: iv.unknown, comment: iv.comment });
      a = end;
    }
  }
  return out;
}

const pieceKey = (p) => `${p.from}-${p.to}${p.unknown ? '?' : ''}${p.comment ? JSON.stringify(p.comment) : ''}`;
const planKey = (plan) => (plan === null ? 'x' : plan.map(pieceKey).join(','));

/** A calendar in which day n alone is a public holiday (named '', so no holiday name becomes a comment). */
function holidayOn(n) {
  const c = civil(n);
  const iso = `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.dom).padStart(2, '0')}`;
  // Covering the neighbouring years too keeps the statutory fallback (1 Jan ...) out of the next day.
  return new Calendar({ holidays: { [iso]: '' }, years: [c.year - 1, c.year, c.year + 1] });
}

/**
 * The weekly hours of a period, from one representative day per weekday (null: the weekday does not
 * occur in the period): `week` on ordinary days, `ph` when that day is a public holiday.
 */
function weekOf(schedule, reps) {
  const week = reps.map((n) => (n === null ? null : dayPieces(schedule, n, Calendar.none)));
  const ph = reps.map((n) => (n === null ? null : dayPieces(schedule, n, holidayOn(n))));
  return { week, ph, key: week.map(planKey).join('|') + '#' + ph.map(planKey).join('|') };
}

// ---------------------------------------------------------------------------------------------
// Periods of the year

/** The date ranges the rules select on: yearly ones as ordinals, ones with a year as day numbers. */
function dateRanges(schedule) {
  const yearly = [], dated = [];
  schedule.rules.forEach((r, index) => {
    if (r.wrapped) return;
    for (const dr of r.dates) {
      const fm = Math.floor(dr.from / 100) % 100, fd = dr.from % 100;
      const tm = Math.floor(dr.to / 100) % 100, td = Math.min(dr.to % 100, lastDom(tm));
      if (dr.yearly) yearly.push({ from: ordinal(fm, fd), to: ordinal(tm, td), index });
      else dated.push({ from: dayNumber(Math.floor(dr.from / 10000), fm, fd), to: dayNumber(Math.floor(dr.to / 10000), tm, td) });
    }
  });
  return { yearly, dated };
}

const inCircular = (o, from, to) => (from <= to ? from <= o && o <= to : o >= from || o <= to);

/**
 * Years far from every year a rule names, in which the yearly periods are evaluated: 40 of them, so
 * every month and day (Feb 29 too) falls on every weekday.
 */
function referenceYears(dated) {
  const named = dated.flatMap((r) => [civil(r.from).year, civil(r.to).year]);
  const lo = Math.min(...named), hi = Math.max(...named);
  for (let y = 2001; ; y += 42) {
    if (named.length === 0 || y + 42 < lo || y - 1 > hi) return y;
  }
}

/** One real day on ordinal o of the year that is weekday w, within the reference years. */
function dayAt(o, w, base) {
  const { month, dom } = monthDayOf(o);
  for (let y = base; y < base + 40; y++) {
    const n = realDay(y, month, dom);
    if (n !== null && weekdayOf(n) === w) return n;
  }
  return null;
}

/**
 * The yearly periods: [from, to] ordinals (circular) between the points where a yearly date range
 * starts or ends, each with its weekly hours.
 */
function yearlyPeriods(schedule, yearly, base) {
  const cuts = new Set();
  for (const r of yearly) {
    cuts.add(r.from);
    cuts.add((r.to + 1) % 366);
  }
  const starts = [...cuts].sort((a, b) => a - b);
  if (starts.length === 0) starts.push(0);
  return starts.map((from, i) => {
    const to = (starts[(i + 1) % starts.length] + 365) % 366;
    const days = ((to - from + 366) % 366) + 1;
    // The first day, whose next day is in the period too when it lasts more than a day.
    const reps = [0, 1, 2, 3, 4, 5, 6].map((w) => dayAt(from, w, base));
    return { from, to, days, ...weekOf(schedule, reps) };
  });
}

/** The periods inside date ranges with a year, cut where a yearly range starts or ends. */
function datedPeriods(schedule, dated, yearly) {
  if (dated.length === 0) return [];
  const lo = Math.min(...dated.map((r) => r.from)), hi = Math.max(...dated.map((r) => r.to));
  const cuts = new Set();
  for (const r of dated) {
    cuts.add(r.from);
    cuts.add(r.to + 1);
  }
  for (let y = civil(lo).year; y <= civil(hi).year; y++) {
    for (const r of yearly) {
      for (const o of [r.from, (r.to + 1) % 366]) {
        const { month, dom } = monthDayOf(o);
        const n = realDay(y, month, dom);
        if (n !== null && n > lo && n <= hi) cuts.add(n);
      }
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length && out.length < 200; i++) {
    const from = points[i], to = points[i + 1] - 1;
    if (!dated.some((r) => r.from <= from && from <= r.to)) continue;
    const reps = [0, 1, 2, 3, 4, 5, 6].map((w) => {
      for (let n = from; n <= Math.min(to, from + 7); n++) if (weekdayOf(n) === w && (n < to || to === from)) return n;
      return to - from < 7 && weekdayOf(to) === w ? to : null;
    });
    out.push({ from, to, ...weekOf(schedule, reps) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Words

/** The words of one language: L(key, ...args) through the i18n table. */
const speaker = (lang) => (key, ...args) => tr(lang, key, ...args);

const clock = (min) => `${Math.floor(min / 60)}:${String(min % 60).padStart(2, '0')}`;

function pieceWords(L, p) {
  if (p.from === 0 && p.to === DAY) return L('hwAllDay');
  const end = p.to > DAY ? L('hwNextDay', clock(p.to - DAY).padStart(5, '0')) : clock(p.to);
  return L('hwSpan', clock(p.from), end);
}

function withNote(L, words, unknown, comment) {
  if (unknown) return comment ? L('hwUnknownNote', words, comment) : L('hwUnknown', words);
  return comment ? L('hwNote', words, comment) : words;
}

/** The spans of a day: "8:00–12:00、13:30–17:30", a shared "to be confirmed" or comment said once. */
function planWords(L, plan) {
  const same = plan.every((p) => p.unknown === plan[0].unknown && p.comment === plan[0].comment);
  if (same) return withNote(L, plan.map((p) => pieceWords(L, p)).join(L('hwList')), plan[0].unknown, plan[0].comment);
  return plan.map((p) => withNote(L, pieceWords(L, p), p.unknown, p.comment)).join(L('hwList'));
}

const isAlwaysOpen = (plan) => plan.length === 1 && plan[0].from === 0 && plan[0].to === DAY && !plan[0].unknown && !plan[0].comment;

/** Weekdays as people write them: 周一至周五, 周六、周日, 周一、周三. */
function daysWords(L, days) {
  const names = L('hwWeekdays').split(' ');
  const runs = [];
  for (const d of days) {
    const run = runs[runs.length - 1];
    if (run && run[1] === d - 1) run[1] = d;
    else runs.push([d, d]);
  }
  return runs.map(([a, b]) => (b - a >= 2 ? L('hwDayRange', names[a], names[b])
    : b > a ? names[a] + L('hwList') + names[b] : names[a])).join(L('hwList'));
}

/** Weekdays grouped by equal plans, in weekday order of their first day. */
function groups(plans, only = () => true) {
  const map = new Map();
  plans.forEach((plan, d) => {
    if (plan === null || !only(d)) return;
    const k = planKey(plan);
    if (!map.has(k)) map.set(k, { days: [], plan });
    map.get(k).days.push(d);
  });
  return [...map.values()];
}

const groupWords = (L, g) => (g.plan.length === 0 ? L('hwDaysClosed', daysWords(L, g.days)) : L('hwDaysSpans', daysWords(L, g.days), planWords(L, g.plan)));

/** A week: "每天 8:00–20:00", "周一至周五 …；周六 …；周日休息"; '' when closed every day. */
function weekWords(L, week) {
  const gs = groups(week);
  const open = gs.filter((g) => g.plan.length > 0);
  if (open.length === 0) return '';
  if (gs.length === 1) {
    const plan = gs[0].plan, p = plan[0];
    if (isAlwaysOpen(plan)) return L('hw247');
    if (plan.length === 1 && p.from === 0 && p.to === DAY && p.unknown) return p.comment ? L('hwTBCNote', p.comment) : L('hwTBC');
    return L('hwDaysSpans', L('hwEveryDay'), planWords(L, plan));
  }
  // With one group open the closed days go without saying; with several, they are named.
  return (open.length === 1 ? open : gs).map((g) => groupWords(L, g)).join(L('hwGroupSep'));
}

/** Public holidays, where they differ from ordinary days: "法定节假日休息", "法定节假日 10:00–16:00". */
function holidayWords(L, week, ph) {
  const differs = (d) => planKey(week[d]) !== planKey(ph[d]);
  if (!ph.some((p, d) => p !== null && differs(d))) return '';
  const all = groups(ph);
  if (all.length === 1) {
    const plan = all[0].plan;
    return plan.length === 0 ? L('hwPHClosed') : L('hwPHSpans', planWords(L, plan));
  }
  return L('hwPHDays', groups(ph, differs).map((g) => groupWords(L, g)).join(L('hwAnd')));
}

/** A period's words: its week and, unless `sharedPH` says it for all periods, its holidays. */
function periodWords(L, p, sharedPH) {
  const week = weekWords(L, p.week);
  const ph = sharedPH === null ? holidayWords(L, p.week, p.ph) : '';
  if (!week) return ph || L('hwClosed');
  return ph ? week + L('hwAnd') + ph : week;
}

/** A date of the year: 12月24日 / Dec 24. */
const dateWords = (L, month, dom) => L('hwDate', L('hwMonths').split(' ')[month - 1], dom);

/** A yearly range of ordinals: 11月至次年3月, 4月至10月, 12月24日至次年1月2日 / Nov–Mar, Dec 24–Jan 2. */
function rangeWords(L, from, to) {
  const a = monthDayOf(from), b = monthDayOf(to);
  const months = L('hwMonths').split(' ');
  const wraps = to < from;
  if (a.dom === 1 && b.dom === lastDom(b.month)) {
    if (a.month === b.month && !wraps) return months[a.month - 1];
    return L(wraps ? 'hwRangeWrap' : 'hwRange', months[a.month - 1], months[b.month - 1]);
  }
  if (from === to) return dateWords(L, a.month, a.dom);
  if (a.month === b.month && !wraps) return L('hwDateRangeInMonth', dateWords(L, a.month, a.dom), b.dom);
  return L(wraps ? 'hwRangeWrap' : 'hwRange', dateWords(L, a.month, a.dom), dateWords(L, b.month, b.dom));
}

/** A range of days with a year: 2026年10月1日至7日 / Oct 1–7, 2026. */
function datedRangeWords(L, from, to) {
  const a = civil(from), b = civil(to);
  const day = (c) => dateWords(L, c.month, c.dom);
  if (from === to) return L('hwYearDate', a.year, day(a));
  if (a.year !== b.year) return L('hwRange', L('hwYearDate', a.year, day(a)), L('hwYearDate', b.year, day(b)));
  const inner = a.month === b.month ? L('hwDateRangeInMonth', day(a), b.dom) : L('hwRange', day(a), day(b));
  return L('hwYearDate', a.year, inner);
}

/** Merges circularly adjacent periods of one season into ranges of ordinals. */
function seasonRanges(periods) {
  const sorted = [...periods].sort((a, b) => a.from - b.from);
  const out = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && (last.to + 1) % 366 === p.from) last.to = p.to;
    else out.push({ from: p.from, to: p.to });
  }
  if (out.length > 1 && (out[out.length - 1].to + 1) % 366 === out[0].from) out[0].from = out.pop().from;
  return out;
}

const monthAligned = (r) => monthDayOf(r.from).dom === 1 && monthDayOf(r.to).dom === lastDom(monthDayOf(r.to).month);

const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * @typedef {object} HoursWords
 * @property {'empty'|'unparsed'|'parsed'} status  no text, text hours.js does not understand, or words
 * @property {string[]} lines  one line per season (or period with a year), and a last line for public
 *   holidays when they are the same in every season; a UI may lay them out one per line
 * @property {string} text     the lines as one sentence: what describeHours returns
 */

const memo = new Map();

/**
 * Opening hours in words, in lines (one per season), for a UI that lays them out itself.
 * @param {string} text    OpenStreetMap opening_hours, as stations carry it
 * @param {string} lang    "en" for English, anything else for zh-CN
 * @param {Calendar} [_calendar]  accepted for symmetry with hours.js; the words do not depend on it,
 *   since "法定节假日" means whichever days the calendar in use marks as public holidays
 * @returns {HoursWords}
 */
export function describeHoursLines(text, lang, _calendar) {
  const en = lang === 'en';
  const s = text == null ? '' : String(text);
  const key = `${en ? 'en' : 'zh'}\u0000${s}`;
  let r = memo.get(key);
  if (r === undefined) {
    r = words(s, speaker(en ? 'en' : 'zh-CN'), en);
    Object.freeze(r.lines);
    Object.freeze(r);
    if (memo.size >= 20_000) memo.clear();
    memo.set(key, r);
  }
  return r;
}

/**
 * Opening hours in words: "周一至周五 9:00–17:00，法定节假日休息" (zh-CN) or "Mon–Fri 9:00–17:00,
 * closed on public holidays" (en). Empty text is "时间不详" / "Hours unknown"; text hours.js does not
 * understand is shown as written, marked "（原文）" / "(as written)". Never throws.
 * @param {string} text @param {string} lang @param {Calendar} [calendar]
 * @returns {string}
 */
export function describeHours(text, lang, calendar) {
  return describeHoursLines(text, lang, calendar).text;
}

function words(text, L, en) {
  const fix = (lines, joined) => ({ lines: en ? lines.map(capitalize) : lines, text: en ? capitalize(joined) : joined });
  if (text.trim() === '') return { status: 'empty', ...fix([L('hwNoHours')], L('hwNoHours')) };
  const schedule = parseCached(text);
  if (!schedule) {
    const s = L('hwAsWritten', text.trim());
    return { status: 'unparsed', lines: [s], text: s };
  }
  const { yearly, dated } = dateRanges(schedule);
  const periods = yearlyPeriods(schedule, yearly, referenceYears(dated));

  // Seasons: periods with equal hours, in the order the rules name them; the rest of the year last.
  const seasons = new Map();
  for (const p of periods) {
    if (!seasons.has(p.key)) seasons.set(p.key, { periods: [], days: 0, first: p });
    const s = seasons.get(p.key);
    s.periods.push(p);
    s.days += p.days;
  }
  const list = [...seasons.values()];
  for (const s of list) {
    s.ranges = seasonRanges(s.periods);
    const named = yearly.filter((r) => s.periods.some((p) => inCircular(p.from, r.from, r.to)));
    s.rank = named.length ? Math.min(...named.map((r) => r.index)) : Infinity; // the rules' default comes last
    s.minFrom = Math.min(...s.periods.map((p) => p.from));
  }
  const biggest = list.reduce((a, b) => (b.days > a.days ? b : a), list[0]);
  if (list.length > 1 && !biggest.ranges.every(monthAligned)) biggest.rest = true;
  list.sort((a, b) => (a.rest ? 1 : 0) - (b.rest ? 1 : 0) || a.rank - b.rank || a.minFrom - b.minFrom);

  // Periods with a year, where they differ from the yearly season they fall in.
  const datedList = [];
  for (const p of datedPeriods(schedule, dated, yearly)) {
    const c = civil(p.from);
    const o = ordinal(c.month, c.dom);
    const season = periods.find((q) => inCircular(o, q.from, q.to));
    const same = season && p.week.every((plan, d) => plan === null ||
      (planKey(plan) === planKey(season.week[d]) && planKey(p.ph[d]) === planKey(season.ph[d])));
    if (same) continue;
    const last = datedList[datedList.length - 1];
    if (last && last.to + 1 === p.from && last.key === p.key) last.to = p.to;
    else datedList.push({ ...p });
  }

  // Holidays said once when every season and period says the same about them.
  const phOf = (p) => holidayWords(L, p.week, p.ph);
  const all = [...list.map((s) => s.first), ...datedList];
  const phs = new Set(all.map(phOf));
  const sharedPH = all.length > 1 && phs.size === 1 ? [...phs][0] : null;

  // Closed all year but on some dated days: those days first, then "其他时间：休息".
  const closedYear = list.length === 1 && datedList.length > 0 && weekWords(L, list[0].first.week) === '';
  const seasonLines = list.map((s) => {
    const body = periodWords(L, s.first, sharedPH);
    if (list.length === 1 && !closedYear) return body;
    const label = s.rest || closedYear ? L('hwRest') : s.ranges.map((r) => rangeWords(L, r.from, r.to)).join(L('hwList'));
    return L('hwSeason', label, body);
  });
  const datedLines = datedList.map((p) => L('hwSeason', datedRangeWords(L, p.from, p.to), periodWords(L, p, sharedPH)));
  const lines = closedYear ? [...datedLines, ...seasonLines] : [...seasonLines, ...datedLines];
  let joined = lines.join(L('hwGroupSep'));
  if (sharedPH) {
    lines.push(sharedPH);
    joined += L('hwGroupSep') + sharedPH;
  }
  return { status: 'parsed', ...fix(lines, joined) };
}

/**
 * The year whose public holidays hours text depends on (it says PH) but calendar does not hold yet,
 * among the seven days from now (Asia/Shanghai), or null. The evaluation keeps the statutory fixed
 * days for such a year (元旦, 劳动节 1–2 May, 国庆节 1–3 Oct); the words say the rest is not known yet
 * ("2027年节假日安排待公布") rather than guess silently.
 * @param {string} text @param {Calendar} [calendar] @param {Date} [now]
 * @returns {number|null}
 */
export function pendingHolidayYear(text, calendar, now = new Date()) {
  if (!calendar || !/(^|[^A-Za-z])PH([^A-Za-z]|$)/.test(String(text ?? ''))) return null;
  for (let i = 0; i < 7; i++) {
    const y = new Date(now.getTime() + 8 * 3600e3 + i * 86400e3).getUTCFullYear();
    if (!calendar.covers(y)) return y;
  }
  return null;
}
