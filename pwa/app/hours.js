// Opening hours in the browser: parses and evaluates the OpenStreetMap opening_hours subset that
// stations use, exactly as the Go package server/hours does (and so as opening_hours.js, the
// reference implementation, does). A port of server/hours/{parse,eval,calendar}.go; keep the two in
// step. Checked against the opening_hours.js fixtures by scripts/e2e/unit/hours.test.mjs.
//
// Everything is evaluated in Asia/Shanghai, a fixed UTC+8 (China has had no daylight saving time
// since 1991): instants are shifted by 8 hours and split into day numbers and minutes with plain
// arithmetic, so the result never depends on the browser's time zone.
//
// Usage: parse each distinct expression once (parseCached does it for you) and evaluate the
// schedule as often as needed. stateAt allocates nothing when the answer has no comment, and the
// calendar remembers the days it has worked out, so evaluating thousands of stations at one
// instant costs a few rule tests each.

const CLOSED = 0;
const OPEN = 1;
const UNKNOWN = 2;
const STATE_NAMES = ['closed', 'open', 'unknown'];

const MINUTES_PER_DAY = 24 * 60;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const ZONE_OFFSET = 8 * 3_600_000; // Asia/Shanghai
const MAX_EXPRESSION = 2048; // bytes of UTF-8, as in Go
const MAX_LOOKAHEAD = 400; // days; see NextChange in eval.go

// ---------------------------------------------------------------------------------------------
// Errors

/** A syntax error. `offset` is the byte offset (UTF-8, as in Go) where the expression stops making sense. */
export class HoursSyntaxError extends Error {
  /** @param {number} offset @param {string} msg */
  constructor(offset, msg) {
    super(`opening hours: ${msg} at byte ${offset}`);
    this.name = 'HoursSyntaxError';
    this.offset = offset;
  }
}

/** UTF-8 length of s.slice(0, end). */
function utf8Length(s, end = s.length) {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair
      i++;
    } else n += 3;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Tokens

const T_EOF = 0, T_WEEKDAY = 1, T_MONTH = 2, T_PH = 3, T_NUMBER = 4, T_TIME = 5, T_DASH = 6,
  T_COMMA = 7, T_SEMICOLON = 8, T_247 = 9, T_MODIFIER = 10, T_COMMENT = 11;

const WEEKDAY_NAMES = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
const MONTH_NAMES = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MODIFIERS = { off: CLOSED, closed: CLOSED, open: OPEN, unknown: UNKNOWN };
const DAYS_IN = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isDigit = (c) => c >= 48 && c <= 57;
const isLetter = (c) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/**
 * Splits s into tokens {kind, text, val, off}; off is a UTF-16 index (converted to bytes when an
 * error is thrown). Only ASCII is allowed outside comments, as in Go.
 */
function tokenize(s, fail) {
  const out = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9) { i++; continue; }
    if (c === 45) { out.push({ kind: T_DASH, text: '-', val: 0, off: i }); i++; continue; }
    if (c === 44) { out.push({ kind: T_COMMA, text: ',', val: 0, off: i }); i++; continue; }
    if (c === 59) { out.push({ kind: T_SEMICOLON, text: ';', val: 0, off: i }); i++; continue; }
    if (c === 34) {
      const j = s.indexOf('"', i + 1);
      if (j < 0) fail(i, 'comment without closing quote');
      out.push({ kind: T_COMMENT, text: s.slice(i + 1, j), val: 0, off: i });
      i = j + 1;
      continue;
    }
    if (isDigit(c)) {
      let j = i;
      while (j < s.length && isDigit(s.charCodeAt(j))) j++;
      if (j - i > 4) fail(i, 'number too long');
      const digits = s.slice(i, j);
      const n = Number(digits);
      if (digits === '24' && s.startsWith('/7', j)) {
        out.push({ kind: T_247, text: '24/7', val: 0, off: i });
        i = j + 2;
        continue;
      }
      if (s.charCodeAt(j) === 58) { // ':'
        let k = j + 1;
        while (k < s.length && isDigit(s.charCodeAt(k))) k++;
        if (k - j - 1 !== 2 || j - i > 2) fail(i, 'time must be HH:MM');
        const m = Number(s.slice(j + 1, k));
        if (m > 59 || n > 48 || (n === 48 && m > 0)) fail(i, `no such time ${s.slice(i, k)}`);
        out.push({ kind: T_TIME, text: s.slice(i, k), val: n * 60 + m, off: i });
        i = k;
        continue;
      }
      out.push({ kind: T_NUMBER, text: digits, val: n, off: i });
      i = j;
      continue;
    }
    let j = i;
    while (j < s.length && isLetter(s.charCodeAt(j))) j++;
    if (j === i) fail(i, `unexpected character '${String.fromCodePoint(s.codePointAt(i))}'`);
    const word = s.slice(i, j);
    const t = { kind: T_EOF, text: word, val: 0, off: i };
    let k;
    if (word === 'PH') t.kind = T_PH;
    else if (Object.hasOwn(MODIFIERS, word)) { t.kind = T_MODIFIER; t.val = MODIFIERS[word]; }
    else if ((k = WEEKDAY_NAMES.indexOf(word)) >= 0) { t.kind = T_WEEKDAY; t.val = k; }
    else if ((k = MONTH_NAMES.indexOf(word)) >= 1) { t.kind = T_MONTH; t.val = k; }
    else fail(i, `unknown word ${JSON.stringify(word)}`);
    out.push(t);
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parser: [dates] [PH] [weekdays] [times | 24/7] [modifier] [comment], rules joined by ";" or ",".

/**
 * @typedef {object} Rule
 * @property {{from: number, to: number, yearly: boolean}[]} dates  ranges as keys year*10000+month*100+day
 *   (day 0 → 1 for from, 31 for to; year 0 = every year); any may match, none = every day
 * @property {boolean} holiday     "PH" on its own: the day must be a public holiday
 * @property {number} weekdays     bit d (Mo=0 .. Su=6)
 * @property {boolean} weekdayPH   "PH" inside a weekday list ("Su,PH")
 * @property {number[]} spans      flat [start, end, ...] in minutes; end may pass 24:00 while parsing; none = whole day
 * @property {number} state        CLOSED, OPEN or UNKNOWN
 * @property {string} comment
 * @property {boolean} additional  joined to the previous rule by ","
 * @property {boolean} wrapped     the part after midnight of a span, matched against the previous day
 * @property {boolean} hasDate     has a selector of its own
 * @property {boolean} resets      matching it discards the rules matched before (see stateAt)
 */

class Parser {
  constructor(src, toks) {
    this.src = src;
    this.toks = toks;
    this.pos = 0;
    this.eof = { kind: T_EOF, text: '', val: 0, off: src.length };
  }

  fail(off, msg) {
    throw new HoursSyntaxError(utf8Length(this.src, off), msg);
  }

  peek(k = 0) {
    return this.toks[this.pos + k] ?? this.eof;
  }

  next() {
    const t = this.peek();
    if (this.pos < this.toks.length) this.pos++;
    return t;
  }

  rule() {
    const r = {
      dates: [], holiday: false, weekdays: 0, weekdayPH: false, spans: [], always: false, state: OPEN,
      comment: '', additional: false, wrapped: false, hasDate: false, resets: false,
    };
    const start = this.pos;
    let t = this.peek();
    if (t.kind === T_MONTH || (t.kind === T_NUMBER && t.text.length === 4)) this.dates(r);
    if (this.peek().kind === T_PH && this.peek(1).kind !== T_COMMA) {
      this.next();
      r.holiday = true;
    }
    t = this.peek();
    if (t.kind === T_WEEKDAY || t.kind === T_PH) this.weekdays(r);
    t = this.peek();
    if (t.kind === T_247) {
      this.next();
      r.always = true;
      r.spans = [0, MINUTES_PER_DAY];
    } else if (t.kind === T_TIME) {
      this.times(r);
    }
    let modifier = false;
    t = this.peek();
    if (t.kind === T_MODIFIER) {
      this.next();
      r.state = t.val;
      modifier = true;
    }
    t = this.peek();
    if (t.kind === T_COMMENT) {
      this.next();
      r.comment = t.text;
      if (!modifier) r.state = UNKNOWN; // a comment without "open" leaves the state in doubt
    }
    if (this.pos === start) this.fail(this.peek().off, `expected a rule, found ${describe(this.peek())}`);
    r.hasDate = r.dates.length > 0 || r.holiday || r.weekdays !== 0 || r.weekdayPH;
    return r;
  }

  dates(r) {
    for (;;) {
      const from = this.monthDay(0);
      let to = { ...from };
      if (this.peek().kind === T_DASH) {
        this.next();
        const t = this.peek();
        if (t.kind === T_NUMBER && from.day > 0 && t.text.length <= 2) { // "Oct 01-07"
          this.next();
          to.day = t.val;
        } else if (t.kind === T_MONTH || (t.kind === T_NUMBER && t.text.length === 4)) {
          to = this.monthDay(from.year);
          if ((from.day === 0) !== (to.day === 0)) this.fail(t.off, 'a range joins two months or two dates');
        } else {
          this.fail(t.off, `expected the end of the range, found ${describe(t)}`);
        }
      }
      this.checkDay(from);
      this.checkDay(to);
      if (from.year > 0 && to.year > 0 && key(to) < key(from)) this.fail(this.peek(-1).off, 'the range ends before it starts');
      r.dates.push({
        from: key({ ...from, day: from.day || 1 }),
        to: key({ ...to, day: to.day || 31 }),
        yearly: from.year === 0,
      });
      if (this.peek().kind !== T_COMMA) return;
      const t = this.peek(1);
      if (t.kind !== T_MONTH && !(t.kind === T_NUMBER && t.text.length === 4)) return; // the comma separates rules
      this.next();
    }
  }

  // [year] month [day]. A year given only on the start of a range carries to its end.
  monthDay(year) {
    const md = { year, month: 0, day: 0 };
    let t = this.peek();
    if (t.kind === T_NUMBER && t.text.length === 4) {
      this.next();
      if (t.val < 1900 || t.val > 2200) this.fail(t.off, `year ${t.val} out of range`);
      md.year = t.val;
    }
    t = this.next();
    if (t.kind !== T_MONTH) this.fail(t.off, `expected a month, found ${describe(t)}`);
    md.month = t.val;
    const d = this.peek();
    if (d.kind === T_NUMBER && d.text.length <= 2) {
      this.next();
      md.day = d.val;
    } else if (md.year > 0) {
      this.fail(d.off, 'a year needs a full date');
    }
    return md;
  }

  checkDay(md) {
    if (md.day < 0 || md.day > DAYS_IN[md.month] || (md.day === 0 && md.year > 0)) {
      this.fail(this.peek(-1).off, `no day ${md.day} in ${MONTH_NAMES[md.month]}`);
    }
  }

  // Weekdays, weekday ranges (which may wrap: Sa-Mo) and PH, separated by commas.
  weekdays(r) {
    for (;;) {
      const t = this.next();
      if (t.kind === T_PH) {
        r.weekdayPH = true;
      } else if (t.kind === T_WEEKDAY) {
        let to = t.val;
        if (this.peek().kind === T_DASH) {
          this.next();
          const e = this.next();
          if (e.kind !== T_WEEKDAY) this.fail(e.off, `expected a weekday, found ${describe(e)}`);
          to = e.val;
        }
        for (let d = t.val; ; d = (d + 1) % 7) {
          r.weekdays |= 1 << d;
          if (d === to) break;
        }
      } else {
        this.fail(t.off, `expected a weekday, found ${describe(t)}`);
      }
      if (this.peek().kind !== T_COMMA) return;
      const k = this.peek(1).kind;
      if (k !== T_WEEKDAY && k !== T_PH) return;
      this.next();
    }
  }

  // Spans separated by commas. An end at or before the start runs past midnight.
  times(r) {
    for (;;) {
      const t = this.next();
      if (t.kind !== T_TIME) this.fail(t.off, `expected a time, found ${describe(t)}`);
      const d = this.next();
      if (d.kind !== T_DASH) this.fail(d.off, `expected "-" after ${t.text} (open ends are not supported)`);
      const e = this.next();
      if (e.kind !== T_TIME) this.fail(e.off, `expected a time, found ${describe(e)}`);
      const start = t.val;
      let end = e.val;
      if (start >= MINUTES_PER_DAY) this.fail(t.off, 'a span must start before 24:00');
      if (end === start) this.fail(e.off, 'a span must not end where it starts');
      if (end < start) end += MINUTES_PER_DAY;
      if (end > 2 * MINUTES_PER_DAY) this.fail(e.off, 'a span must end within the next day');
      r.spans.push(start, end);
      if (this.peek().kind !== T_COMMA || this.peek(1).kind !== T_TIME) return;
      this.next();
    }
  }
}

const key = (md) => md.year * 10000 + md.month * 100 + md.day;
const describe = (t) => (t.kind === T_EOF ? 'the end' : JSON.stringify(t.text));

/**
 * The rules evaluation walks: opening_hours.js evaluates the part of a span after midnight as a rule
 * of its own, placed right after the rule it came from, whose selectors are tested on the previous
 * day. Also works out which rules reset the rules matched before them (StateAt in eval.go).
 * @param {Rule[]} rules
 */
function derive(rules) {
  const out = [];
  for (const r of rules) {
    const today = { ...r, spans: [] };
    const after = { ...r, spans: [], wrapped: true, additional: false };
    for (let k = 0; k < r.spans.length; k += 2) {
      const start = r.spans[k], end = r.spans[k + 1];
      today.spans.push(start, Math.min(end, MINUTES_PER_DAY));
      if (end > MINUTES_PER_DAY) after.spans.push(0, end - MINUTES_PER_DAY);
    }
    out.push(today);
    if (after.spans.length > 0) out.push(after);
  }
  // A later rule that applies to the same day replaces the earlier ones, exactly under the
  // conditions opening_hours.js uses (getStatePair): it must be a normal open or unknown rule with a
  // selector of its own (or follow a selector-less rule), not the after-midnight part of a span, not
  // an additional rule. "off" rules never reset; they close the times they name.
  out.forEach((r, i) => {
    r.resets = (r.hasDate || (i > 0 && r.state === OPEN && !out[i - 1].hasDate)) &&
      (r.state === OPEN || r.state === UNKNOWN) && !r.wrapped && !r.additional;
  });
  return out;
}

/**
 * Parses OpenStreetMap opening_hours syntax (the subset of server/hours: 24/7, weekday lists and
 * ranges, PH, several time spans, spans past midnight, off/closed/open/unknown, month and date
 * ranges with or without years, comments, normal ";" and additional "," rules).
 * @param {string} text
 * @returns {Schedule}
 * @throws {HoursSyntaxError} with `.offset` (bytes) for anything Go's hours.Parse rejects
 */
export function parse(text) {
  text = String(text);
  if (text.length > MAX_EXPRESSION || utf8Length(text) > MAX_EXPRESSION) {
    throw new HoursSyntaxError(MAX_EXPRESSION, 'expression longer than 2048 bytes');
  }
  const p = new Parser(text, []);
  p.toks = tokenize(text, (off, msg) => p.fail(off, msg));
  const rules = [];
  let additional = false;
  for (;;) {
    const r = p.rule();
    r.additional = additional;
    rules.push(r);
    const t = p.next();
    if (t.kind === T_EOF) break;
    if (t.kind === T_SEMICOLON) {
      additional = false;
      if (p.peek().kind === T_EOF) break; // a trailing ";" adds nothing, as in opening_hours.js
    } else if (t.kind === T_COMMA) {
      additional = true;
    } else {
      p.fail(t.off, `unexpected ${JSON.stringify(t.text)}`);
    }
  }
  return new Schedule(derive(rules));
}

const cache = new Map();

/**
 * parse with a memo: each distinct expression is parsed once. Returns null for an empty or invalid
 * expression (which evaluates as unknown, never closed). The memo is cleared when it grows past
 * 50,000 expressions.
 * @param {string} text
 * @returns {Schedule|null}
 */
export function parseCached(text) {
  let s = cache.get(text);
  if (s === undefined) {
    try {
      s = text ? parse(text) : null;
    } catch (e) {
      if (!(e instanceof HoursSyntaxError)) throw e;
      s = null;
    }
    if (cache.size >= 50_000) cache.clear();
    cache.set(text, s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Calendar

const STATUTORY = new Map([
  [101, '元旦'], [501, '劳动节'], [502, '劳动节'], [1001, '国庆节'], [1002, '国庆节'], [1003, '国庆节'],
]);

/** Days since 1970-01-01 → [year, month, day] (proleptic Gregorian; H. Hinnant's algorithm). */
function civil(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/**
 * @typedef {object} Day  a calendar date in Asia/Shanghai with what evaluation needs to know about it
 * @property {number} year
 * @property {number} month
 * @property {number} dom
 * @property {number} weekday    Mo=0 .. Su=6
 * @property {string} holiday    the public holiday's name, '' when it is not one
 * @property {boolean} isHoliday
 */

/**
 * What PH means: mainland China's public holidays, as the server sends them in /api/v1/meta. For a
 * year the official arrangement does not cover, the fixed statutory days (元旦, 劳动节 05-01/02,
 * 国庆节 10-01..03) are the holidays, as in Go. Immutable once made.
 */
export class Calendar {
  #days = new Map(); // year*10000+month*100+day → name
  #years = new Set();
  #none = false;
  #dayCache = new Map(); // day number → Day

  /**
   * @param {{holidays?: Object<string, string>, years?: number[]}} arrangement
   *   holidays: "YYYY-MM-DD" → name (public holidays only, not the adjusted working days);
   *   years: the years the arrangement covers (the years of the listed holidays count too, as in Go).
   *   Either may be null (Go encodes an empty list as null).
   */
  constructor({ holidays, years } = {}) {
    for (const y of years ?? []) this.#years.add(Number(y));
    for (const [date, name] of Object.entries(holidays ?? {})) {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
      if (!m) throw new Error(`holiday calendar: date ${JSON.stringify(date)}: want YYYY-MM-DD`);
      const y = Number(m[1]);
      this.#days.set(y * 10000 + Number(m[2]) * 100 + Number(m[3]), String(name));
      this.#years.add(y);
    }
  }

  static #NONE;
  static {
    Calendar.#NONE = new Calendar();
    Calendar.#NONE.#none = true;
  }

  /** A calendar without any public holiday (Go's nil *Calendar): what evaluation uses when given none. */
  static get none() {
    return Calendar.#NONE;
  }

  /**
   * The public holiday on a date, by name, or null.
   * @param {number} y @param {number} m 1-12 @param {number} d
   * @returns {string|null}
   */
  holiday(y, m, d) {
    if (this.#none) return null;
    if (!this.#years.has(y)) return STATUTORY.get(m * 100 + d) ?? null;
    return this.#days.get(y * 10000 + m * 100 + d) ?? null;
  }

  /**
   * Whether the calendar holds the official arrangement for year.
   * @param {number} year
   */
  covers(year) {
    return !this.#none && this.#years.has(year);
  }

  /**
   * The day n days after 1970-01-01 in Asia/Shanghai, as evaluation needs it (memoised).
   * @param {number} n
   * @returns {Day}
   */
  day(n) {
    let d = this.#dayCache.get(n);
    if (d === undefined) {
      const [year, month, dom] = civil(n);
      const name = this.holiday(year, month, dom);
      d = { year, month, dom, weekday: (((n + 3) % 7) + 7) % 7, holiday: name ?? '', isHoliday: name !== null };
      if (this.#dayCache.size >= 4096) this.#dayCache.clear();
      this.#dayCache.set(n, d);
    }
    return d;
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const ms = (t) => (typeof t === 'number' ? t : t.getTime());
const dayNumber = (t) => Math.floor((t + ZONE_OFFSET) / MS_PER_DAY);
const midnightOf = (n) => n * MS_PER_DAY - ZONE_OFFSET;

// Answers without a comment are shared, so stateAt allocates nothing for them.
const PLAIN = STATE_NAMES.map((state) => Object.freeze({ state, comment: '' }));

/** @param {Rule} r @param {Day} d @returns {number} bit 1: the day matches; bit 2: a PH selector matched */
function matchDay(r, d) {
  let ph = 0;
  if (r.holiday) {
    if (!d.isHoliday) return 0;
    ph = 2;
  }
  if (r.dates.length > 0) {
    let any = false;
    for (const dr of r.dates) {
      const at = (dr.yearly ? 0 : d.year * 10000) + d.month * 100 + d.dom;
      if (dr.from <= dr.to ? dr.from <= at && at <= dr.to : dr.from <= at || at <= dr.to) { // may wrap over the new year
        any = true;
        break;
      }
    }
    if (!any) return ph;
  }
  if (r.weekdays !== 0 || r.weekdayPH) {
    if (r.weekdayPH && d.isHoliday) ph = 2;
    else if ((r.weekdays & (1 << d.weekday)) === 0) return ph;
  }
  return 1 | ph;
}

/** Opening hours parsed by {@link parse}: immutable; evaluate it as often as needed. */
export class Schedule {
  #comment = ''; // the comment of the last #eval, to spare an allocation

  /** @param {Rule[]} rules the rules evaluation walks, wrapped parts included */
  constructor(rules) {
    /** @type {Rule[]} */
    this.rules = rules;
    // The minutes where the state may change: where some span starts or ends.
    const cuts = new Set([0]);
    for (const r of rules) for (const m of r.spans) if (m < MINUTES_PER_DAY) cuts.add(m);
    this.cuts = [...cuts].sort((a, b) => a - b);
    Object.freeze(this.rules);
  }

  /**
   * The state (CLOSED/OPEN/UNKNOWN) at minute of the day `today` whose previous day is `yesterday`;
   * its comment is left in this.#comment. Mirrors StateAt in eval.go, with the list of matching
   * rules folded into a running answer (a resetting rule discards what the earlier ones said).
   */
  #eval(today, yesterday, minute) {
    const rules = this.rules;
    let state = CLOSED, match = -1, phRule = -1, phName = '';
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      const d = r.wrapped ? yesterday : today;
      const m = matchDay(r, d);
      if (m & 2) {
        phRule = i;
        phName = d.holiday;
      }
      if (!(m & 1)) continue;
      if (r.resets) {
        state = CLOSED;
        match = -1;
      }
      if (covers(r.spans, minute)) {
        state = r.state;
        match = i;
      }
    }
    this.#comment = match < 0 ? '' : rules[match].comment || (phRule === match ? phName : '');
    return state;
  }

  /**
   * The state at an instant, and the comment that applies (a rule's own comment, or the name of the
   * public holiday its PH selector matched), as opening_hours.js answers them.
   * @param {Date|number} date an instant (Date or epoch milliseconds); seconds are ignored
   * @param {Calendar} [calendar] public holidays; none when omitted
   * @returns {{state: 'open'|'closed'|'unknown', comment: string}}
   */
  stateAt(date, calendar = Calendar.none) {
    const t = ms(date) + ZONE_OFFSET;
    const n = Math.floor(t / MS_PER_DAY);
    const minute = Math.floor((t - n * MS_PER_DAY) / MS_PER_MINUTE);
    const state = this.#eval(calendar.day(n), calendar.day(n - 1), minute);
    return this.#comment === '' ? PLAIN[state] : { state: STATE_NAMES[state], comment: this.#comment };
  }

  /** Day n split into [start minute, state, comment] segments of constant state and comment. */
  #dayPlan(calendar, n) {
    const today = calendar.day(n), yesterday = calendar.day(n - 1);
    const plan = [];
    let last = null;
    for (const cut of this.cuts) {
      const state = this.#eval(today, yesterday, cut);
      if (last && last[1] === state && last[2] === this.#comment) continue;
      last = [cut, state, this.#comment];
      plan.push(last);
    }
    return plan;
  }

  /**
   * The first instant after `date` at which the state (open, closed or unknown) changes, if that is
   * before `limit`; else null. Comment changes alone do not count.
   * @param {Date|number} date
   * @param {Calendar} [calendar]
   * @param {Date|number} [limit] exclusive; at most about 400 days ahead are searched in any case
   * @returns {Date|null}
   */
  nextChange(date, calendar = Calendar.none, limit = Infinity) {
    const t = ms(date), end = ms(limit);
    const n0 = dayNumber(t);
    const minute = Math.floor((t + ZONE_OFFSET - n0 * MS_PER_DAY) / MS_PER_MINUTE);
    const cur = this.#eval(calendar.day(n0), calendar.day(n0 - 1), minute);
    for (let i = 0, n = n0; i < MAX_LOOKAHEAD && midnightOf(n) <= end; i++, n++) {
      for (const [start, state] of this.#dayPlan(calendar, n)) {
        const at = midnightOf(n) + start * MS_PER_MINUTE;
        if (at <= t || state === cur) continue;
        return at < end ? new Date(at) : null;
      }
    }
    return null;
  }

  /**
   * The stretches of [from, to) during which the state is open or unknown, merged where neither the
   * state nor the comment changes.
   * @param {Date|number} from
   * @param {Date|number} to
   * @param {Calendar} [calendar]
   * @returns {{from: Date, to: Date, unknown: boolean, comment: string}[]}
   */
  intervals(from, to, calendar = Calendar.none) {
    const lo = ms(from), hi = ms(to);
    const out = [];
    let last = null; // the interval still running at the previous segment
    for (let n = dayNumber(lo); midnightOf(n) < hi; n++) {
      const plan = this.#dayPlan(calendar, n);
      for (let k = 0; k < plan.length; k++) {
        const [cut, state, comment] = plan[k];
        const start = Math.max(midnightOf(n) + cut * MS_PER_MINUTE, lo);
        const end = Math.min(k + 1 < plan.length ? midnightOf(n) + plan[k + 1][0] * MS_PER_MINUTE : midnightOf(n + 1), hi);
        if (start >= end) continue;
        if (state === CLOSED) {
          last = null;
          continue;
        }
        const unknown = state === UNKNOWN;
        if (last && last.unknown === unknown && last.comment === comment && last.to === start) {
          last.to = end;
          continue;
        }
        last = { from: start, to: end, unknown, comment };
        out.push(last);
      }
    }
    return out.map((iv) => ({ from: new Date(iv.from), to: new Date(iv.to), unknown: iv.unknown, comment: iv.comment }));
  }
}

/** @param {number[]} spans @param {number} minute */
function covers(spans, minute) {
  if (spans.length === 0) return true;
  for (let k = 0; k < spans.length; k += 2) {
    if (spans[k] <= minute && minute < spans[k + 1]) return true;
  }
  return false;
}

/**
 * Evaluates an expression at an instant: the state, its comment and the next change within 8 days.
 * Parses through {@link parseCached}. An empty or invalid expression is unknown (never closed).
 * @param {string} text
 * @param {Date|number} date
 * @param {Calendar} [calendar]
 * @returns {{state: 'open'|'closed'|'unknown', comment: string, next: Date|null}}
 */
export function evaluate(text, date, calendar = Calendar.none) {
  const s = parseCached(text);
  if (!s) return { state: 'unknown', comment: '', next: null };
  const { state, comment } = s.stateAt(date, calendar);
  return { state, comment, next: s.nextChange(date, calendar, ms(date) + 8 * MS_PER_DAY) };
}
