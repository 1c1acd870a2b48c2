// The PWA's geometry (pwa/app/geo.js) against the same references the server is tested with: the
// GCJ-02 and BD-09 forward formulas against gcoord's outputs, and distances and bearings against
// their definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wgsToGCJ, wgsToBD, fromWGS84, unitVec, distanceM, bearingDeg, compassKey, fold } from '../../../pwa/app/geo.js';

const fixture = JSON.parse(readFileSync(new URL('../../../server/spatial/testdata/gcoord-liaoning.json', import.meta.url), 'utf8'));

test('GCJ-02 and BD-09 agree with gcoord at every fixture point', () => {
  const col = Object.fromEntries(fixture.columns.map((c, i) => [c, i]));
  let worst = 0;
  for (const r of fixture.rows) {
    const [glon, glat] = wgsToGCJ(r[col.lon], r[col.lat]);
    const [blon, blat] = wgsToBD(r[col.lon], r[col.lat]);
    worst = Math.max(worst, Math.abs(glon - r[col.wgs84ToGcj02Lon]), Math.abs(glat - r[col.wgs84ToGcj02Lat]),
      Math.abs(blon - r[col.wgs84ToBd09Lon]), Math.abs(blat - r[col.wgs84ToBd09Lat]));
  }
  assert.ok(fixture.rows.length > 1000, 'fixture size');
  assert.ok(worst < 1e-9, `largest difference ${worst}°`);
  assert.deepEqual(fromWGS84('wgs84', 123.4, 41.8), [123.4, 41.8]);
  assert.deepEqual(fromWGS84('gcj02', 123.4, 41.8), wgsToGCJ(123.4, 41.8));
  assert.deepEqual(wgsToGCJ(2.35, 48.85), [2.35, 48.85], 'no shift outside China');
});

test('distances and bearings', () => {
  const shenyang = unitVec(123.4315, 41.8057);
  const dalian = unitVec(121.6147, 38.914);
  // Haversine on the same sphere, independently.
  const R = 6371008.8, rad = Math.PI / 180;
  const dLat = (38.914 - 41.8057) * rad, dLon = (121.6147 - 123.4315) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(41.8057 * rad) * Math.cos(38.914 * rad) * Math.sin(dLon / 2) ** 2;
  const want = 2 * R * Math.asin(Math.sqrt(a));
  assert.ok(Math.abs(distanceM(shenyang, dalian) - want) < 1e-6, `${distanceM(shenyang, dalian)} vs ${want}`);
  assert.equal(distanceM(shenyang, shenyang), 0);
  const b = bearingDeg(123.4315, 41.8057, dalian);
  assert.ok(b > 180 && b < 225, `Dalian is south-south-west of Shenyang: ${b}`);
  assert.equal(compassKey(b), 'dirSW');
  assert.equal(compassKey(0), 'dirN');
  assert.equal(compassKey(359), 'dirN');
  assert.equal(compassKey(90), 'dirE');
});

test('search folds text like the server: full-width, case, spaces', () => {
  assert.equal(fold('Ｎａｎ Hu　南湖'), 'nanhu南湖');
});

test('toWGS84 undoes fromWGS84 within a millimetre across Liaoning (the editor\'s pin is stored in WGS-84)', async () => {
  const { fromWGS84: from, toWGS84: to } = await import('../../../pwa/app/geo.js');
  for (const crs of ['gcj02', 'bd09', 'wgs84']) {
    for (const [lon, lat] of [[123.43, 41.8], [121.6, 38.9], [124.4, 40.1], [119.5, 41.6], [125.7, 43.4]]) {
      const [x, y] = from(crs, lon, lat);
      const [a, b] = to(crs, x, y);
      assert.ok(Math.abs(a - lon) < 1e-8 && Math.abs(b - lat) < 1e-8, `${crs} ${lon},${lat} → ${a},${b}`);
    }
  }
});
