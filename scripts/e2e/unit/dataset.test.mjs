// The compact offline dataset (GET /api/v1/dataset) decoded by pwa/app/dataset.js against the GeoJSON
// dataset of the same real server: every station, every coordinate and every property, in WGS-84 and
// GCJ-02; the identity, gzip and brotli bodies decode alike; 304 on If-None-Match.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { decode } from '../../../pwa/app/dataset.js';
import { startServer } from '../browser/server.mjs';

// Stations that take the format's exceptions: an address without the usual prefix, a phone with
// another city's area code, coordinates finer than micro-degrees, a status note, a closed station
// (left out), and text that JSON must escape.
const extraCSV = `id,name,kind,lon,lat,address,city,district,adcode,amenities,opening_hours,status,status_note,audience,phone,operator,verified_at
ZZ-T-0001,"测试""引号""驿站 <b>",other,123.4012345,41.8012345,沈阳市和平区某路1号,沈阳市,和平区,210102,hot_water,,temporarily_closed,装修中\\n暂停,drivers,0411-12345678,,
ZZ-T-0002,测试驿站二,caring_station,123.41,41.81,辽宁省沈阳市和平区,沈阳市,和平区,210102,,24/7,open,,everyone,13800000000,某单位,2025-01-02T03:04:05+08:00
ZZ-T-0003,已关闭驿站,caring_station,123.42,41.82,辽宁省沈阳市和平区某路3号,沈阳市,和平区,210102,,,closed,,everyone,,,
`;

let srv;
before(async () => { srv = await startServer({ extraCSV }); });
after(async () => { await srv?.stop(); });

/** GET path with headers; the raw body (not decompressed), status and headers. */
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    request(srv.base + path, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

function geojsonStations(body) {
  const fc = JSON.parse(body.toString('utf8'));
  return {
    meta: fc.meta,
    stations: fc.features.map((f) => {
      const { open_now, ...props } = f.properties;
      return { id: f.id, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], props };
    }),
  };
}

for (const crs of ['wgs84', 'gcj02']) {
  test(`decode(dataset) equals the GeoJSON dataset, crs=${crs}`, async () => {
    const q = crs === 'wgs84' ? '' : `?crs=${crs}`;
    const [ds, gj] = await Promise.all([get('/api/v1/dataset' + q), get('/api/v1/stations.geojson' + q)]);
    assert.equal(ds.status, 200);
    assert.equal(ds.headers['content-type'], 'application/json');
    assert.equal(Number(ds.headers['x-dataset-length']), ds.body.length);
    const payload = JSON.parse(ds.body.toString('utf8'));
    const t0 = performance.now();
    const got = decode(payload);
    const ms = performance.now() - t0;
    const want = geojsonStations(gj.body);
    assert.equal(got.dataVersion, want.meta.data_version);
    assert.equal(got.crs, crs);
    assert.ok(want.stations.length > 16000, 'the seed is there');
    assert.equal(got.stations.length, want.stations.length);
    assert.ok(got.stations.some((s) => s.id === 'ZZ-T-0001') && !got.stations.some((s) => s.id === 'ZZ-T-0003'));
    // Coordinates: exactly the GeoJSON's numbers (Number(text) of what it prints).
    for (let i = 0; i < want.stations.length; i++) {
      const g = got.stations[i];
      const w = want.stations[i];
      if (g.lon !== w.lon || g.lat !== w.lat) assert.fail(`${w.id}: [${g.lon}, ${g.lat}] != [${w.lon}, ${w.lat}]`);
    }
    assert.deepStrictEqual(got.stations, want.stations);
    console.log(`# ${crs}: ${got.stations.length} stations decoded in ${ms.toFixed(1)} ms, ${ds.body.length} bytes`);
  });
}

test('identity, gzip and brotli bodies are the same dataset; 304 on If-None-Match', async () => {
  const plain = await get('/api/v1/dataset');
  const gz = await get('/api/v1/dataset', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), plain.body);
  // brotli is made in the background after the first request that accepts it; gzip until then.
  let br;
  for (let i = 0; i < 600; i++) {
    br = await get('/api/v1/dataset', { 'accept-encoding': 'gzip, deflate, br' });
    if (br.headers['content-encoding'] === 'br') break;
    assert.equal(br.headers['content-encoding'], 'gzip');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(br.headers['content-encoding'], 'br');
  assert.deepEqual(brotliDecompressSync(br.body), plain.body);
  assert.deepStrictEqual(decode(JSON.parse(brotliDecompressSync(br.body))), decode(JSON.parse(plain.body)));
  for (const r of [plain, gz, br]) {
    assert.equal(r.headers.etag, plain.headers.etag);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.equal(Number(r.headers['x-dataset-length']), plain.body.length);
  }
  const nm = await get('/api/v1/dataset', { 'if-none-match': plain.headers.etag, 'accept-encoding': 'br' });
  assert.equal(nm.status, 304);
  assert.equal(nm.body.length, 0);
  const other = await get('/api/v1/dataset?crs=gcj02', { 'if-none-match': plain.headers.etag });
  assert.equal(other.status, 200, 'another CRS has another ETag');
});
