// Writes the gcoord reference outputs for the Go CRS tests to stdout as JSON.
// Run through ../gen-crs-fixtures, which pins gcoord with npm ci.
'use strict';
const gcoord = require('gcoord');
const version = require('gcoord/package.json').version;

// Small seeded PRNG (mulberry32) so the fixture is reproducible.
function rng(seed) {
  return function () {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const points = []; // [lon, lat, region]
// Grid over Liaoning: lon 118.8..125.8 step 0.125, lat 38.7..43.5 step 0.12 (57 x 41).
for (let i = 0; i <= 56; i++) {
  for (let j = 0; j <= 40; j++) {
    points.push([118.8 + i * 0.125, 38.7 + j * 0.12, 'liaoning']);
  }
}
const rand = rng(20261127);
for (let i = 0; i < 600; i++) {
  points.push([118.8 + rand() * 7, 38.7 + rand() * 4.8, 'liaoning']);
}
// Elsewhere in China (inside gcoord's box): Beijing, Shanghai, Guangzhou, Urumqi,
// Lhasa, Harbin, Sanya, Kashgar, Mohe, Chengdu, plus random points.
for (const p of [[116.3975, 39.9087], [121.4737, 31.2304], [113.2644, 23.1291],
  [87.6168, 43.8256], [91.1172, 29.6469], [126.6425, 45.7567], [109.5119, 18.2528],
  [75.9897, 39.4704], [122.5364, 52.9727], [104.0665, 30.5723]]) {
  points.push([p[0], p[1], 'china']);
}
for (let i = 0; i < 100; i++) {
  points.push([73 + rand() * 62, 18 + rand() * 35, 'china']);
}
// Outside gcoord's China box: New York, London, Sydney, Moscow, Buenos Aires,
// Anchorage, Cape Town, Null Island, just west/north of the box edge.
for (const p of [[-74.006, 40.7128], [-0.1276, 51.5072], [151.2093, -33.8688],
  [37.6173, 55.7558], [-58.3816, -34.6037], [-149.9003, 61.2181], [18.4241, -33.9249],
  [0, 0], [72.0, 40], [120, 55.9], [138.0, 35], [100, 0.5]]) {
  points.push([p[0], p[1], 'outside']);
}

const T = (p, from, to) => gcoord.transform([p[0], p[1]], from, to);
const rows = points.map((p) => {
  const wgsToGcj = T(p, gcoord.WGS84, gcoord.GCJ02);
  const wgsToBd = T(p, gcoord.WGS84, gcoord.BD09);
  const gcjToWgs = T(p, gcoord.GCJ02, gcoord.WGS84);
  const bdToWgs = T(p, gcoord.BD09, gcoord.WGS84);
  return [p[2], p[0], p[1], ...wgsToGcj, ...wgsToBd, ...gcjToWgs, ...bdToWgs];
});

const out = {
  source: `gcoord ${version} (npm, MIT) via scripts/gen-crs-fixtures; do not edit`,
  columns: ['region', 'lon', 'lat', 'wgs84ToGcj02Lon', 'wgs84ToGcj02Lat', 'wgs84ToBd09Lon',
    'wgs84ToBd09Lat', 'gcj02ToWgs84Lon', 'gcj02ToWgs84Lat', 'bd09ToWgs84Lon', 'bd09ToWgs84Lat'],
  note: 'each inverse is applied to the input (lon, lat) read as a GCJ-02 or BD-09 coordinate',
  rows,
};
process.stdout.write('{\n' + Object.entries(out).filter(([k]) => k !== 'rows')
  .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`).join('') +
  '  "rows": [\n' + rows.map((r) => '    ' + JSON.stringify(r)).join(',\n') + '\n  ]\n}\n');
