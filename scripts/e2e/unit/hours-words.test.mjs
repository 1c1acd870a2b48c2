// Opening hours in words (pwa/app/hours-words.js): the words for every form riders meet, in zh-CN and
// English; the seed's every distinct value without a trace of OSM syntax; and the words read back
// and compared with what hours.js evaluates at random instants under the shipped holiday calendar.
//
// Run: cd scripts/e2e && node --test unit/hours-words.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { describeHours, describeHoursLines } from '../../../pwa/app/hours-words.js';
import { Calendar, parse } from '../../../pwa/app/hours.js';

const root = new URL('../../../', import.meta.url);

// [opening_hours, zh-CN, en]
const CASES = [
  // The seed's values, most common first.
  ['24/7', '全天24小时开放', 'Open 24 hours, every day'],
  ['Mo-Su 08:00-20:00', '每天 8:00–20:00', 'Every day 8:00–20:00'],
  ['Mo-Fr 08:30-17:30', '周一至周五 8:30–17:30', 'Mon–Fri 8:30–17:30'],
  ['Mo-Fr 08:30-11:30,13:30-17:00', '周一至周五 8:30–11:30、13:30–17:00', 'Mon–Fri 8:30–11:30, 13:30–17:00'],
  ['Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00', '11月至次年3月：每天 8:30–16:30；4月至10月：每天 8:00–18:00',
    'Nov–Mar: every day 8:30–16:30; Apr–Oct: every day 8:00–18:00'],
  ['Mo-Fr 09:00-17:00; PH off', '周一至周五 9:00–17:00，法定节假日休息', 'Mon–Fri 9:00–17:00, closed on public holidays'],
  ['Mo-Sa 08:00-18:00', '周一至周六 8:00–18:00', 'Mon–Sat 8:00–18:00'],
  ['', '时间不详', 'Hours unknown'],
  ['Mo-Fr 08:00-18:00; Sa,Su 09:00-16:00', '周一至周五 8:00–18:00；周六、周日 9:00–16:00', 'Mon–Fri 8:00–18:00; Sat, Sun 9:00–16:00'],
  ['Mo-Su 18:00-02:00', '每天 18:00–次日02:00', 'Every day 18:00–02:00 (next day)'],
  ['Sa,Su 09:00-16:00', '周六、周日 9:00–16:00', 'Sat, Sun 9:00–16:00'],
  ['Mo-Su 22:00-06:00', '每天 22:00–次日06:00', 'Every day 22:00–06:00 (next day)'],
  ['Mo-Fr 08:00-17:00; Sa 09:00-12:00', '周一至周五 8:00–17:00；周六 9:00–12:00；周日休息', 'Mon–Fri 8:00–17:00; Sat 9:00–12:00; Sun closed'],
  ['Nov-Mar 07:00-19:00; Apr-Oct 06:00-21:00', '11月至次年3月：每天 7:00–19:00；4月至10月：每天 6:00–21:00',
    'Nov–Mar: every day 7:00–19:00; Apr–Oct: every day 6:00–21:00'],
  // Weekdays, breaks, spans.
  ['Mo-Fr 08:00-12:00,13:30-17:30', '周一至周五 8:00–12:00、13:30–17:30', 'Mon–Fri 8:00–12:00, 13:30–17:30'],
  ['Mo,We,Fr 09:00-12:00', '周一、周三、周五 9:00–12:00', 'Mon, Wed, Fri 9:00–12:00'],
  ['Mo-Fr 08:00-18:00; We off', '周一、周二、周四、周五 8:00–18:00', 'Mon, Tue, Thu, Fri 8:00–18:00'],
  ['Sa-Mo 10:00-20:00', '周一、周六、周日 10:00–20:00', 'Mon, Sat, Sun 10:00–20:00'],
  ['Mo-Fr 08:00-17:00; Fr 08:00-12:00', '周一至周四 8:00–17:00；周五 8:00–12:00；周六、周日休息',
    'Mon–Thu 8:00–17:00; Fri 8:00–12:00; Sat, Sun closed'],
  ['Mo-Fr 08:00-18:00, Sa 10:00-12:00', '周一至周五 8:00–18:00；周六 10:00–12:00；周日休息', 'Mon–Fri 8:00–18:00; Sat 10:00–12:00; Sun closed'],
  ['Mo-Fr 08:00-12:00,12:00-18:00', '周一至周五 8:00–18:00', 'Mon–Fri 8:00–18:00'],
  ['Mo-Fr 00:00-24:00', '周一至周五 全天', 'Mon–Fri 24 hours'],
  ['Mo 18:00-24:00', '周一 18:00–24:00', 'Mon 18:00–24:00'],
  ['Mo-Su 00:00-02:00', '每天 0:00–2:00', 'Every day 0:00–2:00'],
  // Overnight: one span of the day it starts on, also where a later rule cuts it.
  ['Mo-Fr 20:00-08:00', '周一至周五 20:00–次日08:00', 'Mon–Fri 20:00–08:00 (next day)'],
  ['Mo 18:00-24:00; Tu 00:00-02:00', '周一 18:00–次日02:00', 'Mon 18:00–02:00 (next day)'],
  ['Fr,Sa 18:00-03:00; Mo-Th 18:00-24:00', '周一至周四 18:00–24:00；周五、周六 18:00–次日03:00；周日休息',
    'Mon–Thu 18:00–24:00; Fri, Sat 18:00–03:00 (next day); Sun closed'],
  ['Mo-Su 18:00-02:00; Sa 10:00-12:00', '周一至周四 18:00–次日02:00；周五 18:00–24:00；周六 10:00–12:00；周日 0:00–2:00、18:00–次日02:00',
    'Mon–Thu 18:00–02:00 (next day); Fri 18:00–24:00; Sat 10:00–12:00; Sun 0:00–2:00, 18:00–02:00 (next day)'],
  // Seasons and dates.
  ['Nov-Mar Mo-Fr 08:30-16:30; Apr-Oct Mo-Fr 08:00-18:00', '11月至次年3月：周一至周五 8:30–16:30；4月至10月：周一至周五 8:00–18:00',
    'Nov–Mar: Mon–Fri 8:30–16:30; Apr–Oct: Mon–Fri 8:00–18:00'],
  ['Mo-Fr 08:00-18:00; Nov-Mar Mo-Fr 09:00-16:00', '11月至次年3月：周一至周五 9:00–16:00；4月至10月：周一至周五 8:00–18:00',
    'Nov–Mar: Mon–Fri 9:00–16:00; Apr–Oct: Mon–Fri 8:00–18:00'],
  ['Apr-Oct 08:00-18:00', '4月至10月：每天 8:00–18:00；11月至次年3月：休息', 'Apr–Oct: every day 8:00–18:00; Nov–Mar: closed'],
  ['Jan,Mar 08:00-12:00', '1月、3月：每天 8:00–12:00；2月、4月至12月：休息', 'Jan, Mar: every day 8:00–12:00; Feb, Apr–Dec: closed'],
  ['Mo-Fr 08:00-18:00; Dec 24-Jan 02 off', '12月24日至次年1月2日：休息；其他时间：周一至周五 8:00–18:00',
    'Dec 24–Jan 2: closed; rest of the year: Mon–Fri 8:00–18:00'],
  ['Mo-Fr 08:00-18:00; Dec 25 off', '12月25日：休息；其他时间：周一至周五 8:00–18:00', 'Dec 25: closed; rest of the year: Mon–Fri 8:00–18:00'],
  ['Dec 24-26 10:00-14:00', '12月24日至26日：每天 10:00–14:00；其他时间：休息', 'Dec 24–26: every day 10:00–14:00; rest of the year: closed'],
  ['Mo-Fr 09:00-17:00; 2026 Oct 01-07 off', '周一至周五 9:00–17:00；2026年10月1日至7日：休息', 'Mon–Fri 9:00–17:00; Oct 1–7, 2026: closed'],
  ['Mo-Fr 09:00-17:00; 2026 Dec 20-2027 Jan 05 off', '周一至周五 9:00–17:00；2026年12月20日至2027年1月5日：休息',
    'Mon–Fri 9:00–17:00; Dec 20, 2026–Jan 5, 2027: closed'],
  ['2026 Oct 01-03 10:00-14:00', '2026年10月1日至3日：每天 10:00–14:00；其他时间：休息', 'Oct 1–3, 2026: every day 10:00–14:00; rest of the year: closed'],
  ['Mo-Fr 08:00-18:00; 2026 Oct 01-07 Mo-Fr 08:00-18:00', '周一至周五 8:00–18:00', 'Mon–Fri 8:00–18:00'], // a date range that changes nothing
  ['Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00; PH off', '11月至次年3月：每天 8:30–16:30；4月至10月：每天 8:00–18:00；法定节假日休息',
    'Nov–Mar: every day 8:30–16:30; Apr–Oct: every day 8:00–18:00; closed on public holidays'],
  // Public holidays.
  ['PH 10:00-16:00', '法定节假日 10:00–16:00', 'Public holidays 10:00–16:00'],
  ['Mo-Fr 08:00-18:00; PH 10:00-16:00', '周一至周五 8:00–18:00，法定节假日 10:00–16:00', 'Mon–Fri 8:00–18:00, public holidays 10:00–16:00'],
  ['24/7; PH off', '全天24小时开放，法定节假日休息', 'Open 24 hours, every day, closed on public holidays'],
  ['Mo-Su 18:00-02:00; PH off', '每天 18:00–次日02:00，法定节假日休息', 'Every day 18:00–02:00 (next day), closed on public holidays'],
  ['Mo-Fr 08:00-12:00,13:30-17:30; PH off', '周一至周五 8:00–12:00、13:30–17:30，法定节假日休息',
    'Mon–Fri 8:00–12:00, 13:30–17:30, closed on public holidays'],
  ['Su,PH 10:00-12:00', '周日 10:00–12:00，法定节假日 10:00–12:00', 'Sun 10:00–12:00, public holidays 10:00–12:00'],
  ['Mo-Fr 08:00-18:00; PH Mo-Fr 10:00-12:00', '周一至周五 8:00–18:00，法定节假日：周一至周五 10:00–12:00',
    'Mon–Fri 8:00–18:00, on public holidays: Mon–Fri 10:00–12:00'],
  ['Mo-Fr 09:00-17:00; PH 00:00-24:00', '周一至周五 9:00–17:00，法定节假日 全天', 'Mon–Fri 9:00–17:00, public holidays 24 hours'],
  // Unknown parts and comments.
  ['Mo-Fr 09:00-17:00; Sa 10:00-14:00 unknown', '周一至周五 9:00–17:00；周六 10:00–14:00（时间待确认）；周日休息',
    'Mon–Fri 9:00–17:00; Sat 10:00–14:00 (to be confirmed); Sun closed'],
  ['Mo-Fr 08:00-18:00 unknown', '周一至周五 8:00–18:00（时间待确认）', 'Mon–Fri 8:00–18:00 (to be confirmed)'],
  ['Mo-Fr 09:00-17:00 "需预约"', '周一至周五 9:00–17:00（时间待确认：需预约）', 'Mon–Fri 9:00–17:00 (to be confirmed: 需预约)'],
  ['Mo-Fr 09:00-17:00 open "需预约"', '周一至周五 9:00–17:00（需预约）', 'Mon–Fri 9:00–17:00 (需预约)'],
  ['Mo-Su 07:00-19:00; PH 09:00-12:00 "节假日缩短"', '每天 7:00–19:00，法定节假日 9:00–12:00（时间待确认：节假日缩短）',
    'Every day 7:00–19:00, public holidays 9:00–12:00 (to be confirmed: 节假日缩短)'],
  ['unknown', '时间待确认', 'Hours to be confirmed'],
  ['"call ahead"', '时间待确认：call ahead', 'Hours to be confirmed: call ahead'],
  ['off', '休息', 'Closed'],
  // Empty and not understood.
  ['   ', '时间不详', 'Hours unknown'],
  ['Mo-Fr 08:00+', 'Mo-Fr 08:00+（原文）', 'Mo-Fr 08:00+ (as written)'],
  ['随缘开放', '随缘开放（原文）', '随缘开放 (as written)'],
  ['Mo-Fr 08:00-08:00', 'Mo-Fr 08:00-08:00（原文）', 'Mo-Fr 08:00-08:00 (as written)'],
];

test(`the words for ${CASES.length} expressions in zh-CN and English`, () => {
  assert.ok(CASES.length >= 40);
  const wrong = [];
  for (const [text, zh, en] of CASES) {
    for (const [lang, want] of [['zh-CN', zh], ['en', en]]) {
      const got = describeHours(text, lang);
      if (got !== want) wrong.push(`${JSON.stringify(text)} ${lang}:\n    got  ${got}\n    want ${want}`);
    }
  }
  assert.equal(wrong.length, 0, wrong.join('\n'));
});

test('lines: one per season, public holidays last when every season shares them', () => {
  assert.deepEqual(describeHoursLines('Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00; PH off', 'en'), {
    status: 'parsed',
    lines: ['Nov–Mar: every day 8:30–16:30', 'Apr–Oct: every day 8:00–18:00', 'Closed on public holidays'],
    text: 'Nov–Mar: every day 8:30–16:30; Apr–Oct: every day 8:00–18:00; closed on public holidays',
  });
  assert.deepEqual(describeHoursLines('Mo-Fr 09:00-17:00; PH off', 'zh-CN'),
    { status: 'parsed', lines: ['周一至周五 9:00–17:00，法定节假日休息'], text: '周一至周五 9:00–17:00，法定节假日休息' });
  assert.equal(describeHoursLines('', 'zh-CN').status, 'empty');
  assert.equal(describeHoursLines('Mo-Fr 08:00+', 'en').status, 'unparsed');
  assert.equal(describeHours('Mo-Fr 08:30-17:30', 'zh-CN', Calendar.none), '周一至周五 8:30–17:30', 'a calendar changes nothing');
  assert.equal(describeHours('Mo-Fr 08:30-17:30', 'fr'), '周一至周五 8:30–17:30', 'zh-CN unless en');
});

/** What a rider should never see: OSM tokens, ASCII time ranges, ASCII quotes; and no untranslated i18n key. */
function osmTraces(words, lang) {
  const found = [];
  for (const re of [/\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|off|Jan|Feb|Nov)\b(?![a-z])/, /24\/7/, /\d-\d/, /\d\d:\d\d-/, /"/, /\bhw[A-Z]\w+/]) {
    const m = re.exec(words);
    if (m && !(re.source.startsWith('\\b(Mo') && lang === 'en' && /^(Jan|Feb|Nov)$/.test(m[1]))) found.push(m[0]);
  }
  if (lang === 'zh-CN' && /[A-Za-z;]/.test(words)) found.push('Latin letters or ";"');
  // English separates groups of days with "; " as English prose does; OSM's ";" never starts a word.
  if (lang === 'en' && /;(?! [A-Za-z])/.test(words)) found.push('";" not followed by words');
  return found;
}

/** The rows of a CSV file (RFC 4180: quoted cells, doubled quotes, commas and newlines inside quotes). */
function readCSV(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/** The seed's distinct opening_hours values → how many stations carry each. */
function seedValues() {
  const rows = readCSV(readFileSync(new URL('data/stations.csv', root), 'utf8').replace(/^\uFEFF/, ''));
  const header = rows.shift();
  const col = header.indexOf('opening_hours');
  assert.ok(col >= 0, 'no opening_hours column');
  const values = new Map();
  for (const cells of rows) {
    assert.equal(cells.length, header.length, `a malformed seed row: ${cells.join(',')}`);
    values.set(cells[col], (values.get(cells[col]) ?? 0) + 1);
  }
  return values;
}

test('every distinct opening_hours in the seed: words, no OSM syntax, at most 80 characters', (t) => {
  const values = seedValues();
  assert.ok(values.size >= 10, `only ${values.size} distinct values`);
  for (const [text, count] of values) {
    for (const lang of ['zh-CN', 'en']) {
      const words = describeHours(text, lang);
      assert.equal(typeof words, 'string');
      assert.ok(words.length > 0);
      assert.deepEqual(osmTraces(words, lang), [], `${JSON.stringify(text)} (${count} stations) ${lang}: ${words}`);
      assert.ok([...words].length <= 80, `${JSON.stringify(text)} ${lang}: ${[...words].length} characters: ${words}`);
      if (text) assert.equal(describeHoursLines(text, lang).status, 'parsed', `${JSON.stringify(text)} should parse`);
    }
  }
  t.diagnostic(`${values.size} distinct values of ${[...values.values()].reduce((a, b) => a + b, 0)} stations`);
});

/** A small seeded PRNG (mulberry32), so a failure can be reproduced. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test('never throws, and parsed expressions never leak OSM syntax (random expressions)', (t) => {
  const rnd = random(20261207);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const time = () => `${String(Math.floor(rnd() * 24)).padStart(2, '0')}:${pick(['00', '15', '30', '45'])}`;
  const parts = [
    () => pick(['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']) + (rnd() < 0.6 ? '-' + pick(['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']) : ''),
    () => `${time()}-${time()}`, () => `${time()}-${time()},${time()}-${time()}`, () => 'PH', () => pick(['off', 'unknown', 'open']),
    () => pick(['Nov-Mar', 'Apr-Oct', 'Dec 24-Jan 02', 'Feb 29', 'Jun', '2026 Oct 01-07', '2026 Dec 30-2027 Jan 03']), () => '24/7',
  ];
  let parsed = 0;
  for (let i = 0; i < 1500; i++) {
    const rules = [];
    for (let r = 0, n = 1 + Math.floor(rnd() * 3); r < n; r++) {
      const tokens = [];
      for (let k = 0, m = 1 + Math.floor(rnd() * 3); k < m; k++) tokens.push(pick(parts)());
      rules.push(tokens.join(' '));
    }
    const text = rules.join(pick(['; ', ', ']));
    for (const lang of ['zh-CN', 'en']) {
      const r = describeHoursLines(text, lang);
      assert.equal(typeof r.text, 'string', text);
      assert.ok(r.text.length > 0 && r.lines.length > 0, text);
      if (r.status === 'parsed') assert.deepEqual(osmTraces(r.text, lang), [], `${JSON.stringify(text)} ${lang}: ${r.text}`);
      else assert.ok(r.text.startsWith(text.trim()), text);
    }
    try {
      parse(text);
      parsed++;
    } catch { /* shown as written */ }
  }
  for (const odd of [null, undefined, 42, '"', '""', ';', 'Mo-Fr 09:00-17:00 "' + '长'.repeat(700) + '"']) {
    assert.equal(typeof describeHours(odd, 'zh-CN'), 'string');
  }
  assert.equal(describeHours('null', 'en'), 'null (as written)', 'not confused with null, memoised before');
  assert.ok(parsed > 300, `only ${parsed} random expressions parsed`);
  t.diagnostic(`1500 random expressions, ${parsed} parsed`);
});

// ---------------------------------------------------------------------------------------------
// The words read back, and compared with evaluation.

/** The shipped calendar, as /api/v1/meta sends it (public holidays only, and the years covered). */
function shippedCalendar() {
  const holidays = {};
  const years = new Set();
  for (const line of readFileSync(new URL('server/hours/holidays_cn.csv', root), 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('date,')) continue;
    const [date, kind, name] = line.split(',');
    years.add(Number(date.slice(0, 4)));
    if (kind === 'holiday') holidays[date] = name;
  }
  return { calendar: new Calendar({ holidays, years: [...years] }), years: [...years].sort() };
}

const ZH_DAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const MONTHS = (s) => Number(s.replace('月', ''));

/** "周一至周五、周日" → weekday numbers; null when not weekdays. */
function readDays(s) {
  if (s === '每天') return [0, 1, 2, 3, 4, 5, 6];
  const out = [];
  for (const part of s.split('、')) {
    const m = /^(周.)(?:至(周.))?$/.exec(part);
    if (!m) return null;
    const a = ZH_DAYS.indexOf(m[1]), b = m[2] ? ZH_DAYS.indexOf(m[2]) : a;
    if (a < 0 || b < a) return null;
    for (let d = a; d <= b; d++) out.push(d);
  }
  return out;
}

/** "8:00–12:00、18:00–次日02:00（时间待确认）" → [{from, to, unknown}] in minutes (to past 1440: next day). */
function readSpans(s) {
  let unknown = false;
  const note = /（时间待确认）$/.exec(s);
  if (note) {
    unknown = true;
    s = s.slice(0, note.index);
  }
  if (/（/.test(s)) return null; // per-span notes and comments: not read back here
  if (s === '全天') return [{ from: 0, to: 1440, unknown }];
  const out = [];
  for (const part of s.split('、')) {
    const m = /^(\d{1,2}):(\d\d)–(次日)?(\d{1,2}):(\d\d)$/.exec(part);
    if (!m) return null;
    out.push({ from: m[1] * 60 + +m[2], to: m[4] * 60 + +m[5] + (m[3] ? 1440 : 0), unknown });
  }
  return out;
}

/** A week's words → 7 lists of spans; null when not read back here. */
function readWeek(s) {
  const week = Array.from({ length: 7 }, () => []);
  if (s === '休息') return week;
  if (s === '全天24小时开放') return week.map(() => [{ from: 0, to: 1440, unknown: false }]);
  for (const group of s.split('；')) {
    let days, spans;
    const closed = /^(.*)休息$/.exec(group);
    if (closed) {
      days = readDays(closed[1]);
      spans = [];
    } else {
      const sp = group.indexOf(' ');
      if (sp < 0) return null;
      days = readDays(group.slice(0, sp));
      spans = readSpans(group.slice(sp + 1));
    }
    if (!days || !spans) return null;
    for (const d of days) week[d] = spans;
  }
  return week;
}

/**
 * The zh-CN lines read back: seasons (months → week) and what public holidays do ('closed', spans,
 * or null: like any other day). Null for what this reader does not cover (dated ranges, comments).
 */
function readWords(lines) {
  const seasons = [];
  let ph = null;
  const readPH = (s) => {
    if (s === '法定节假日休息') return [];
    const m = /^法定节假日 (.*)$/.exec(s);
    return m ? readSpans(m[1]) : undefined;
  };
  for (let line of lines) {
    const whole = readPH(line);
    if (whole !== undefined) {
      if (whole === null) return null;
      ph = whole;
      continue;
    }
    const comma = line.lastIndexOf('，法定节假日');
    if (comma >= 0) {
      const p = readPH(line.slice(comma + 1));
      if (!p || ph) return null;
      ph = p;
      line = line.slice(0, comma);
    }
    let months = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const colon = line.indexOf('：');
    if (colon >= 0) {
      months = new Set();
      for (const part of line.slice(0, colon).split('、')) {
        const m = /^(\d+月)(?:至(次年)?(\d+月))?$/.exec(part);
        if (!m) return null;
        const a = MONTHS(m[1]), b = m[3] ? MONTHS(m[3]) : a;
        for (let k = a; ; k = (k % 12) + 1) {
          months.add(k);
          if (k === b) break;
        }
      }
      line = line.slice(colon + 1);
    }
    const week = readWeek(line);
    if (!week) return null;
    seasons.push({ months, week });
  }
  if (seasons.length === 0) seasons.push({ months: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), week: readWeek('休息') });
  return { seasons, ph };
}

/** The state the words give at minute `minute` of a day, from that day's and the day before's spans. */
function stateFromWords(today, yesterday, minute) {
  for (const s of today) if (s.from <= minute && minute < Math.min(s.to, 1440)) return s.unknown ? 'unknown' : 'open';
  for (const s of yesterday) if (s.to > 1440 && minute < s.to - 1440) return s.unknown ? 'unknown' : 'open';
  return 'closed';
}

test('the words agree with evaluation at random instants (shipped holiday calendar)', (t) => {
  const { calendar, years } = shippedCalendar();
  const rnd = random(7);
  const texts = [...new Set([...CASES.map((c) => c[0]), ...seedValues().keys()])];
  const DAY = 86_400_000, from = Date.parse(`${years[0]}-01-01T00:00:00+08:00`), to = Date.parse(`${years.at(-1) + 1}-01-01T00:00:00+08:00`);
  const info = (ms) => {
    const d = new Date(ms + 8 * 3_600_000);
    const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, dom = d.getUTCDate();
    return { month: m, weekday: (d.getUTCDay() + 6) % 7, holiday: calendar.holiday(y, m, dom) !== null };
  };
  let checked = 0, texts_ = 0, onHolidays = 0;
  const wrong = [];
  for (const text of texts) {
    if (!text.trim() || !describeHoursLines(text, 'en').status.startsWith('parsed')) continue;
    const words = readWords(describeHoursLines(text, 'zh-CN').lines);
    if (!words) continue;
    texts_++;
    const schedule = parse(text);
    const weekOn = (i) => words.seasons.find((s) => s.months.has(i.month))?.week;
    for (let k = 0; k < 3000; k++) {
      const at = from + Math.floor(rnd() * ((to - from) / 60_000)) * 60_000;
      const today = info(at), yesterday = info(at - DAY);
      const minute = Math.floor(((at + 8 * 3_600_000) % DAY) / 60_000);
      const wt = weekOn(today), wy = weekOn(yesterday);
      if (!wt || !wy) {
        wrong.push(`${text}: no season for month ${today.month}`);
        break;
      }
      let want;
      if (today.holiday && words.ph) {
        // On a public holiday the holiday's own hours apply, all day.
        want = stateFromWords(words.ph, [], minute);
        onHolidays++;
      } else {
        if (yesterday.holiday && words.ph) continue; // the night after a different holiday: not said in words
        if (wt !== wy && minute < 720) continue; // the first morning of a season: the night before is the old one's
        want = stateFromWords(wt[today.weekday], wy[yesterday.weekday], minute);
      }
      const got = schedule.stateAt(at, calendar).state;
      checked++;
      if (got !== want) {
        wrong.push(`${JSON.stringify(text)} at ${new Date(at + 8 * 3_600_000).toISOString().slice(0, 16)}+08:00: words (${describeHours(text, 'zh-CN')}) say ${want}, stateAt ${got}`);
        if (wrong.length > 20) break;
      }
    }
  }
  assert.ok(texts_ >= 40, `only ${texts_} expressions read back`);
  assert.ok(onHolidays > 500, `only ${onHolidays} instants on public holidays`);
  assert.equal(wrong.length, 0, wrong.join('\n'));
  t.diagnostic(`${texts_} expressions, ${checked} instants (${onHolidays} on public holidays) agree`);
});

test('closed on public holidays means closed on every shipped holiday', () => {
  const { calendar, years } = shippedCalendar();
  const texts = [...new Set([...CASES.map((c) => c[0]), ...seedValues().keys()])]
    .filter((x) => describeHours(x, 'zh-CN').endsWith('法定节假日休息'));
  assert.ok(texts.length >= 5, texts.join(' | '));
  let days = 0;
  for (const y of years) {
    for (let n = Date.parse(`${y}-01-01T00:00:00+08:00`); n < Date.parse(`${y + 1}-01-01T00:00:00+08:00`); n += 86_400_000) {
      const d = new Date(n + 8 * 3_600_000);
      if (calendar.holiday(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) === null) continue;
      days++;
      for (const text of texts) {
        const s = parse(text);
        assert.equal(s.intervals(n, n + 86_400_000, calendar).length, 0, `${text} is open on ${d.toISOString().slice(0, 10)}`);
      }
    }
  }
  assert.ok(days > 50, `${days} holidays`);
});

test('hours that say PH in a week of a year the calendar lacks: the year is pending, not guessed', async () => {
  const { pendingHolidayYear } = await import('../../../pwa/app/hours-words.js');
  const { Calendar } = await import('../../../pwa/app/hours.js');
  const cal = new Calendar({ holidays: { '2026-10-01': '国庆节' }, years: [2026] });
  const dec29 = new Date('2026-12-29T10:00:00+08:00'); // the week reaches 2027-01-04
  assert.equal(pendingHolidayYear('Mo-Fr 09:00-17:00; PH off', cal, dec29), 2027);
  assert.equal(pendingHolidayYear('Mo-Fr 09:00-17:00', cal, dec29), null, 'no PH: nothing to wait for');
  assert.equal(pendingHolidayYear('Mo-Fr 09:00-17:00; PH off', cal, new Date('2026-12-08T10:00:00+08:00')), null, 'the week is all in 2026');
  assert.equal(pendingHolidayYear('Mo-Fr 09:00-17:00; PH off', new Calendar({ years: [2026, 2027] }), dec29), null);
  assert.equal(pendingHolidayYear('PH 10:00-16:00', cal, new Date('2027-03-01T10:00:00+08:00')), 2027);
  assert.equal(pendingHolidayYear('Mo-Fr 09:00-17:00; PH off', undefined, dec29), null);
});
