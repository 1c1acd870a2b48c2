// The one translation table has each key once (a key written twice silently loses its first text),
// and both languages for every key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const source = readFileSync(new URL('../../../pwa/app/i18n.js', import.meta.url), 'utf8');

test('every key of the translation table is written once, with zh-CN and English', () => {
  const table = source.slice(source.indexOf('const table = {'), source.indexOf('\n};'));
  const keys = [...table.matchAll(/^ {2}(\w+): \[/gm)].map((m) => m[1]);
  assert.ok(keys.length > 100, `${keys.length} keys`);
  const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
  assert.deepEqual(twice, [], 'keys written twice');
  for (const m of table.matchAll(/^ {2}(\w+): \[(.*)\],?$/gm)) {
    assert.match(m[2], /^(['"`]).*\1, (['"`]).*\2$/, `${m[1]} has two texts`);
  }
});
