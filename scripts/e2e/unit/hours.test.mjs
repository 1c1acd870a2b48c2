// pwa/app/hours.js against opening_hours.js, the reference implementation: the same fixture the Go
// package is checked with (server/hours/testdata/opening_hours_js.json, made by
// scripts/gen-hours-fixtures). The comparison runs in this process and again in child processes
// under other time zones, to prove the evaluation does not depend on the machine's zone.
//
// Run: node --test scripts/e2e/unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Calendar, HoursSyntaxError, evaluate, parse, parseCached } from '../../../pwa/app/hours.js';

const root = new URL('../../../', import.meta.url);
const self = fileURLToPath(import.meta.url);
const CHILD = 'YIZHAN_HOURS_TEST_CHILD';

/** RFC 3339 in +08:00, as Go's time.Format(time.RFC3339) prints instants in hours.Zone. */
function rfc3339(t) {
  return new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
}

/** Compares every case of the fixture; returns the counts and the first mismatches. */
function compare() {
  const ref = JSON.parse(readFileSync(new URL('server/hours/testdata/opening_hours_js.json', root), 'utf8'));
  // opening_hours.js has its own (incomplete) list of Chinese holidays; evaluate with exactly that
  // list so that the comparison is about the rules, not the calendar (as reference_test.go does).
  const cal = new Calendar({ holidays: ref.ph_names, years: [2025, 2026, 2027] });
  const from = new Date(ref.from), to = new Date(ref.to);
  const problems = [];
  let cases = 0, instants = 0, intervals = 0;
  for (const c of ref.cases) {
    cases++;
    let s;
    try {
      s = parse(c.expr);
    } catch (e) {
      problems.push(`${JSON.stringify(c.expr)}: parse: ${e.message}`);
      continue;
    }
    const fmt = (a, b, unknown, comment) => `${rfc3339(a)}..${rfc3339(b)} unknown=${unknown} ${JSON.stringify(comment ?? '')}`;
    const want = c.intervals.map(([a, b, u, cm]) => fmt(new Date(a), new Date(b), u, cm));
    const got = s.intervals(from, to, cal).map((iv) => fmt(iv.from, iv.to, iv.unknown, iv.comment));
    intervals += want.length;
    for (let i = 0; i < want.length || i < got.length; i++) {
      if (want[i] !== got[i]) {
        problems.push(`${JSON.stringify(c.expr)}: interval ${i}: opening_hours.js ${want[i] ?? '(none)'}, got ${got[i] ?? '(none)'} (${want.length} vs ${got.length} intervals)`);
        break;
      }
    }
    for (const [at, state, next, comment] of c.samples) {
      instants++;
      const t = new Date(at);
      const st = s.stateAt(t, cal);
      const n = s.nextChange(t, cal, to);
      const wantNext = next === null ? 'none' : rfc3339(new Date(next));
      const gotNext = n === null ? 'none' : rfc3339(n);
      if (st.state !== state || gotNext !== wantNext || st.comment !== (comment ?? '')) {
        problems.push(`${JSON.stringify(c.expr)} at ${at}: got ${st.state}, next ${gotNext}, comment ${JSON.stringify(st.comment)}; ` +
          `opening_hours.js: ${state}, next ${wantNext}, comment ${JSON.stringify(comment ?? '')}`);
      }
    }
  }
  return {
    tz: process.env.TZ ?? '(unset)',
    offset: new Date(2026, 0, 15).getTimezoneOffset(), // the zone's UTC offset in minutes, to show it took effect
    cases, intervals, instants, mismatches: problems.length, problems: problems.slice(0, 20),
  };
}

function check(result) {
  assert.ok(result.cases >= 100, `only ${result.cases} cases in the fixture`);
  assert.ok(result.instants >= 10_000, `only ${result.instants} instants in the fixture`);
  assert.equal(result.mismatches, 0, `${result.mismatches} mismatches in TZ ${result.tz}:\n${result.problems.join('\n')}`);
}

if (process.env[CHILD]) {
  // A child started by the test below: compare and report on stdout.
  process.stdout.write(JSON.stringify(compare()));
} else {
  test('agrees with opening_hours.js (this process)', (t) => {
    const r = compare();
    check(r);
    t.diagnostic(`TZ ${r.tz}: ${r.cases} expressions, ${r.intervals} intervals, ${r.instants} instants compared`);
  });

  for (const [tz, offset] of [['America/Los_Angeles', 480], ['UTC', 0], ['Asia/Kathmandu', -345]]) {
    test(`agrees with opening_hours.js under TZ=${tz}`, (t) => {
      const env = { ...process.env, TZ: tz, [CHILD]: '1' };
      delete env.NODE_TEST_CONTEXT; // the child is a plain script, not part of the test run
      delete env.NODE_OPTIONS;
      const r = JSON.parse(execFileSync(process.execPath, [self], { env, encoding: 'utf8', maxBuffer: 1 << 24 }));
      assert.equal(r.offset, offset, `the child did not run in ${tz}`);
      check(r);
      t.diagnostic(`TZ ${tz}: ${r.cases} expressions, ${r.instants} instants compared`);
    });
  }

  test('rejects what Go rejects', () => {
    for (const [text, offset] of [['', 0], ['Mo-Fr 08:00-08:00', 12], ['25:00-26:00', 0], ['Mo-Fr 08:00+', 11], ['"x', 0],
      ['Mo-Fr 08:00-18:00 "午休', 18], ['"备注" 中', 9], ['Mo-Fr 08:00', 11], ['2026 Oct', 8], ['Feb 30', 4],
      ['2026 Oct 07-01', 12], ['Sa 00:00-48:01', 9], ['Mo-Fr 12345', 6], ['Foo', 0]]) {
      assert.throws(() => parse(text), (e) => e instanceof HoursSyntaxError && e.offset === offset,
        `${JSON.stringify(text)} should fail at byte ${offset}`);
    }
    assert.throws(() => parse(`Mo-Fr 08:00-18:00 "${'长'.repeat(700)}"`), HoursSyntaxError); // 2,120 bytes
    parse(`Mo-Fr 08:00-18:00 "${'长'.repeat(600)}"`); // 1,820 bytes
    assert.equal(parseCached('Mo-Fr 08:00+'), null);
    assert.equal(parseCached('Mo-Fr 08:00-18:00'), parseCached('Mo-Fr 08:00-18:00'));
  });

  test('evaluate: unknown rather than closed when the hours are missing or not understood', () => {
    const at = new Date('2026-01-15T12:00:00+08:00');
    for (const text of ['', '随缘开放', 'Mo-Fr 08:00+']) {
      assert.deepEqual(evaluate(text, at), { state: 'unknown', comment: '', next: null });
    }
    const night = evaluate('Mo-Su 22:00-06:00', new Date('2026-01-15T23:30:00+08:00'));
    assert.equal(night.state, 'open');
    assert.equal(rfc3339(night.next), '2026-01-16T06:00:00+08:00');
    assert.equal(evaluate('Dec 25', at).next, null); // the next change is more than 8 days away
  });

  test('calendar: the shipped arrangement and the statutory fallback', () => {
    // As /api/v1/meta will send it: the public holidays (no adjusted working days) and the years covered.
    const holidays = {};
    const years = new Set();
    const lines = readFileSync(new URL('server/hours/holidays_cn.csv', root), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.equal(lines.shift(), 'date,kind,name');
    for (const line of lines) {
      const [date, kind, name] = line.split(',');
      years.add(Number(date.slice(0, 4)));
      if (kind === 'holiday') holidays[date] = name;
    }
    const cal = new Calendar({ holidays, years: [...years] });
    assert.equal(cal.holiday(2026, 10, 5), '国庆节');
    assert.equal(cal.holiday(2025, 10, 8), '国庆节、中秋节');
    assert.equal(cal.holiday(2026, 2, 23), '春节');
    assert.equal(cal.holiday(2026, 10, 10), null); // an adjusted working Saturday
    assert.equal(cal.holiday(2026, 10, 8), null);
    assert.equal(cal.holiday(2026, 3, 8), null); // Women's Day is not a day off for all
    assert.equal(cal.holiday(2031, 10, 2), '国庆节'); // 2031 is not covered: the statutory days
    assert.equal(cal.holiday(2031, 5, 2), '劳动节');
    assert.equal(cal.holiday(2031, 1, 1), '元旦');
    assert.equal(cal.holiday(2031, 10, 4), null);
    assert.equal(Calendar.none.holiday(2031, 10, 2), null);
    assert.equal(new Calendar({ holidays: null, years: null }).holiday(2031, 10, 2), '国庆节'); // JSON null from Go

    // PH follows the calendar (TestPHFollowsCalendar in calendar_test.go).
    const s = parse('Mo-Fr 08:00-17:00; PH off');
    for (const [at, want] of [['2026-09-30T10:00:00+08:00', 'open'], ['2026-10-01T10:00:00+08:00', 'closed'],
      ['2026-10-08T10:00:00+08:00', 'open'], ['2026-10-10T10:00:00+08:00', 'closed'], ['2026-02-23T10:00:00+08:00', 'closed']]) {
      assert.equal(s.stateAt(new Date(at), cal).state, want, at);
    }
    assert.deepEqual(parse('PH 09:00-12:00').stateAt(new Date('2031-10-02T10:00:00+08:00'), cal), { state: 'open', comment: '国庆节' });
  });
}
