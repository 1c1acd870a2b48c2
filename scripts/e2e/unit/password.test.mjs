// Generated passwords (pwa/app/manage/password.js): readable, long enough for the server's rule, and
// spread over the whole alphabet without bias a test could see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePassword } from '../../../pwa/app/manage/password.js';

test('generated passwords: four groups of four readable characters, all different, every letter used evenly', () => {
  const seen = new Set();
  const counts = new Map();
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const pw = generatePassword();
    assert.match(pw, /^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/, pw);
    assert.ok(pw.length >= 12, 'the server asks for 12 characters at least');
    seen.add(pw);
    for (const c of pw.replaceAll('-', '')) counts.set(c, (counts.get(c) || 0) + 1);
  }
  assert.equal(seen.size, n, 'no repeats');
  assert.equal(counts.size, 31, 'no 0, o, 1, l or i; every other letter and digit');
  const expected = (n * 16) / 31;
  for (const [c, k] of counts) assert.ok(Math.abs(k - expected) < expected * 0.15, `${c}: ${k} of about ${expected.toFixed(0)}`);
});
