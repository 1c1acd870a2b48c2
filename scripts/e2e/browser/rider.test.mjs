// What a tired rider at night with gloves sees, point by point (issue: the rider's first minute), in
// headless Chromium at 360 px against the real server: hours in words, the sheet and the report, a
// refused position, the first result above the fold, the map's base layer, clusters, legend, the
// rider's dot and tap targets, search, the day and night map, no raw codes while loading, the offline
// download's progress, "update available" and riding navigation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer, root } from './server.mjs';

const shenyang = { latitude: 41.8057, longitude: 123.4315, accuracy: 25 };
// A station open past midnight, and one with weekday hours closed on public holidays, where nothing
// else is near (north of Shenyang's Beiling park), so that they come first.
const night = { lon: 123.4270, lat: 41.8520 };
const extraCSV = 'id,name,kind,lon,lat,address,opening_hours,amenities\n' +
  `E2E-R-NIGHT,夜班测试驿站,caring_station,${night.lon},${night.lat},沈阳市皇姑区测试路1号,Mo-Su 18:00-02:00,hot_water;heating\n` +
  `E2E-R-WEEK,白班测试驿站,caring_station,${night.lon + 0.0004},${night.lat},沈阳市皇姑区测试路2号,Mo-Fr 09:00-17:00; PH off,hot_water\n`;

let srv;
let browser;
let pwaDir;

before(async () => {
  // The PWA is served from a copy, so that one test can publish a new version of it.
  pwaDir = mkdtempSync(join(tmpdir(), 'yizhan-pwa-'));
  cpSync(join(root, 'pwa'), pwaDir, { recursive: true });
  srv = await startServer({ extraCSV, pwaDir });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  rmSync(pwaDir, { recursive: true, force: true });
});

async function phone({ position = shenyang, height = 640, time, permit = true } = {}) {
  const context = await browser.newContext({
    viewport: { width: 360, height }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    geolocation: position ?? undefined, permissions: permit ? ['geolocation'] : [], locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    userAgent: 'Mozilla/5.0 (Linux; Android 12; Yizhan test) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  if (time) await page.clock.setFixedTime(time);
  return { context, page, problems };
}

async function open(page, { offline = true } = {}) {
  await page.goto(srv.base + '/');
  await page.waitForSelector('body[data-ready="true"]');
  if (offline) await page.waitForSelector('body[data-offline="ready"]');
}

/** Waits until the list shows the answer to the latest question (it is aria-busy meanwhile). */
const settled = (page) => page.waitForSelector('#nearest:not([aria-busy])', { state: 'attached' });
const listIds = async (page) => { await settled(page); return page.$$eval('#nearest li[data-id]', (els) => els.map((e) => e.dataset.id)); };
const onMap = (page, fn, ...args) => page.evaluate(async ([f, a]) => {
  const m = await import('/app/map.js');
  return m[f](...a);
}, [fn, args]);

async function serverNearest(lat, lon) {
  const fc = await (await fetch(`${srv.base}/api/v1/stations/nearby?lat=${lat}&lon=${lon}&limit=20&radius=300000`)).json();
  return fc.features.map((f) => f.id);
}

/** The mean luminance (0–255) of a PNG screenshot (8-bit RGB or RGBA, as Chromium writes them). */
function luminance(png) {
  let at = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      channels = { 2: 3, 6: 4 }[data[9]];
      assert.equal(data[8], 8, '8-bit PNG');
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const prev = new Uint8Array(stride), cur = new Uint8Array(stride);
  let sum = 0;
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? cur[x - channels] : 0, b = prev[x], c = x >= channels ? prev[x - channels] : 0;
      let p = 0;
      if (f === 1) p = a; else if (f === 2) p = b; else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) { const q = a + b - c; const pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c); p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      cur[x] = (v + p) & 255;
    }
    for (let x = 0; x < stride; x += channels) sum += 0.2126 * cur[x] + 0.7152 * cur[x + 1] + 0.0722 * cur[x + 2];
    prev.set(cur);
  }
  return sum / (width * height);
}

test('hours in words on the sheet: one span past midnight, public holidays in words, English weekdays', async () => {
  const { context, page, problems } = await phone({ position: { latitude: night.lat, longitude: night.lon, accuracy: 10 } });
  await open(page);
  await page.click('#nearest li[data-id="E2E-R-NIGHT"] button');
  await page.waitForSelector('#sheet[open]');
  const words = await page.textContent('#sheet .hours-text');
  assert.match(words, /18:00–次日02:00/);
  assert.doesNotMatch(words, /Mo|Su|PH|;|18:00-02:00/, `no OSM syntax: ${words}`);
  const rows = await page.$$eval('#sheet .week td', (tds) => tds.map((td) => td.textContent));
  assert.equal(rows.length, 7);
  for (const r of rows.slice(1)) assert.equal(r, '18:00–次日02:00', 'one span per day, never 0:00–2:00 beside it');
  await page.click('#sheet button.close');

  await page.click('#nearest li[data-id="E2E-R-WEEK"] button');
  await page.waitForSelector('#sheet[open]');
  assert.match(await page.textContent('#sheet .hours-text'), /周一至周五.*9:00–17:00.*法定节假日休息/);
  await page.click('#sheet button.close');

  await page.click('#menu-button');
  await page.click('#lang');
  await page.click('#nearest li[data-id="E2E-R-WEEK"] button');
  await page.waitForSelector('#sheet[open][lang="en"]');
  const en = await page.textContent('#sheet .hours-text');
  assert.match(en, /Mon–Fri.*9:00–17:00/);
  assert.match(en, /public holidays/);
  const days = await page.$$eval('#sheet .week th', (ths) => ths.slice(1).map((th) => th.textContent));
  for (const d of days) assert.ok(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].includes(d), `weekday ${d}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the sheet opens at its top every time; the report is a button, and once sent the form closes and says so', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  const [first, second] = await listIds(page);
  await page.click(`#nearest li[data-id="${first}"] button`);
  await page.waitForSelector('#sheet[open]');
  await page.evaluate(() => { const d = document.querySelector('#sheet'); d.scrollTop = d.scrollHeight; });
  assert.ok(await page.evaluate(() => document.querySelector('#sheet').scrollTop > 0), 'the sheet scrolls');
  await page.click('#sheet button.close');
  await page.click(`#nearest li[data-id="${second}"] button`);
  await page.waitForSelector('#sheet[open]');
  assert.equal(await page.evaluate(() => document.querySelector('#sheet').scrollTop), 0);

  const opener = page.locator('#sheet .report-open');
  assert.equal(await opener.evaluate((e) => e.tagName), 'BUTTON');
  const box = await opener.boundingBox();
  assert.ok(box.height >= 48 && box.width >= 200, `a large button: ${JSON.stringify(box)}`);
  await opener.click();
  await page.check('#sheet input[value="wrong_hours"]');
  await page.click('#sheet .report button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#sheet .report-status').textContent === '已提交，谢谢！');
  assert.equal(await page.isVisible('#sheet form.report'), false, 'the form closed');
  assert.deepEqual(problems, []);
  await context.close();
});

test('position refused: said plainly, no position dot, a city picker and a retry', async () => {
  const { context, page, problems } = await phone({ position: null, permit: false });
  await page.goto(srv.base + '/');
  await page.waitForSelector('#where .warn');
  assert.match(await page.textContent('#where .warn'), /定位权限/);
  await page.waitForSelector('#where .city');
  const cities = await page.$$eval('#where .city', (bs) => bs.map((b) => b.textContent));
  assert.equal(cities.length, 14);
  assert.ok(cities.includes('大连市') && cities.includes('沈阳市'), cities.join());
  assert.equal(await page.locator('#where button', { hasText: '重新定位' }).count(), 1);
  assert.equal(await page.isVisible('#locate'), false);
  assert.equal(await page.locator('#nearest li[data-id]').count(), 0, 'no list for a made-up position');

  await page.click('#where .city:text("大连市")');
  // The city's point is in its central district (the lowest code: 中山区), not in the middle of its land.
  const areas = await (await fetch(`${srv.base}/api/v1/areas`)).json();
  const centre = areas.features.filter((f) => f.properties.level === 'district' && f.properties.city === '大连市')
    .sort((a, b) => (a.properties.adcode < b.properties.adcode ? -1 : 1))[0];
  assert.equal(centre.properties.name, '中山区');
  const [lon, lat] = centre.properties.label;
  await settled(page);
  assert.deepEqual(await listIds(page), await serverNearest(lat, lon));
  assert.match(await page.textContent('#where'), /大连市/);
  await page.click('#map-activate');
  await page.waitForFunction(() => document.querySelector('#map').dataset.stations !== undefined);
  assert.deepEqual(await onMap(page, 'rendered', 'me'), [], 'no "you are here" dot');

  await context.grantPermissions(['geolocation']);
  await context.setGeolocation(shenyang);
  await page.click('#where button:text("重新定位")');
  await page.waitForFunction(() => /定位精度/.test(document.querySelector('#where').textContent));
  await settled(page);
  assert.deepEqual(await listIds(page), await serverNearest(shenyang.latitude, shenyang.longitude));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the first result is above the fold at 360×640; one compact header with a menu; no 管理 there', async () => {
  const { context, page, problems } = await phone({ height: 640 });
  await open(page, { offline: false });
  const bottom = await page.$eval('#nearest li[data-id]', (li) => li.getBoundingClientRect().bottom);
  assert.ok(bottom <= 640, `first result ends at ${bottom} px`);
  const header = await page.$eval('header.top', (h) => h.getBoundingClientRect().height);
  assert.ok(header <= 100, `header is ${header} px tall`);
  assert.equal(await page.isVisible('#lang'), false, 'settings folded into the menu');
  await page.click('#menu-button');
  for (const id of ['#lang', '#large', '#night']) assert.ok(await page.isVisible(id), id);
  assert.equal(await page.locator('header a[href="/manage.html"]').count(), 0);
  assert.equal(await page.locator('footer a[href="/manage.html"]').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the map: a still picture until touched; then land, cities and districts with names, clusters with counts, a legend, the rider\'s dot, 44 px tap targets', async () => {
  const { context, page, problems } = await phone();
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await open(page);
  // Until the rider touches the map, a still picture: the stations and the rider's dot, no MapLibre.
  // (more than the 20 of the answer: the device's stations in view, grouped by the worker)
  await page.waitForFunction(() => Number(document.querySelector('#map').dataset.preview) > 20);
  assert.ok(await page.isVisible('#preview'));
  assert.ok(!asked.some((p) => p.includes('maplibre')), 'MapLibre waits for a touch');
  await page.click('#map-activate');
  await page.waitForFunction(() => document.querySelector('#map').dataset.live === '');
  assert.equal(await page.isVisible('#preview'), false);
  await page.waitForFunction(() => document.querySelector('#map').dataset.areas === '114');
  await page.waitForFunction(() => Number(document.querySelector('#map').dataset.stations) > 1000);
  await onMap(page, 'jumpTo', shenyang.longitude, shenyang.latitude, 10);
  await page.evaluate(async () => { window.__map = await import('/app/map.js'); });
  const districts = await (await page.waitForFunction(() => {
    const names = window.__map.rendered('district-labels').map((p) => p.name);
    return names.length ? names : false;
  })).jsonValue();
  assert.ok(districts.some((n) => /区$/.test(n)), `district names drawn: ${districts}`);
  assert.ok((await onMap(page, 'rendered', 'land')).length > 0, 'land drawn');
  assert.equal((await onMap(page, 'rendered', 'me')).length, 1, 'the rider\'s dot');
  assert.deepEqual(await page.$$eval('#legend li', (lis) => lis.map((l) => l.textContent)), ['营业中', '即将关门', '已关门', '时间不详']);

  await onMap(page, 'jumpTo', shenyang.longitude, shenyang.latitude, 9);
  await page.waitForFunction(() => window.__map.rendered('cluster-counts').length > 0);
  const counts = await onMap(page, 'rendered', 'cluster-counts');
  assert.ok(counts.every((p) => p.point_count > 1 && p.point_count_abbreviated), 'each cluster says how many');
  const areas = await (await fetch(`${srv.base}/api/v1/areas`)).json();
  const [clon, clat] = areas.features.find((f) => f.properties.name === '沈阳市').properties.label;
  await onMap(page, 'jumpTo', clon, clat, 8);
  await page.waitForFunction(() => window.__map.rendered('city-labels').some((p) => p.name === '沈阳市'));

  // A tap 18 px beside a station's dot still opens it.
  const near = await (await fetch(`${srv.base}/api/v1/stations/nearby?lat=${shenyang.latitude}&lon=${shenyang.longitude}&limit=1`)).json();
  const [lon, lat] = near.features[0].geometry.coordinates;
  await onMap(page, 'jumpTo', lon, lat, 18);
  await page.waitForFunction((id) => window.__map.rendered('stations').some((p) => p.id === id), near.features[0].id);
  const { point } = await onMap(page, 'view', lon, lat);
  const box = await page.locator('#map').boundingBox();
  await page.touchscreen.tap(box.x + point.x + 18, box.y + point.y);
  await page.waitForSelector('#sheet[open]');
  assert.equal(await page.textContent('#sheet-title'), near.features[0].properties.name);
  assert.deepEqual(problems, []);
  await context.close();
});

test('search: district and distance on each result, nearest first, and the map moves to them', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  await page.click('#map-activate');
  await page.waitForSelector('#map[data-live]', { state: 'attached' });
  await page.fill('#search', '南湖');
  await page.waitForFunction(() => document.querySelector('#list-title').textContent === '搜索结果');
  await settled(page);
  const items = await page.$$eval('#nearest li[data-id]', (lis) => lis.map((li) => ({
    id: li.dataset.id, where: li.querySelector('.where')?.textContent, place: li.querySelector('.kind')?.textContent,
  })));
  assert.ok(items.length > 1);
  const server = await (await fetch(`${srv.base}/api/v1/search?q=${encodeURIComponent('南湖')}&lat=${shenyang.latitude}&lon=${shenyang.longitude}&limit=50`)).json();
  assert.deepEqual(items.map((i) => i.id), server.features.map((f) => f.id), 'nearest first, as the server ranks');
  server.features.forEach((f, i) => {
    assert.match(items[i].where, /[米公里]/, 'distance shown');
    assert.ok(items[i].place.includes(f.properties.district), `district shown: ${items[i].place}`);
  });
  await page.evaluate(async () => { window.__map = await import('/app/map.js'); });
  const coords = server.features.map((f) => f.geometry.coordinates);
  // The map moves to show every result (bounds in the map's CRS, which is WGS-84 here; a margin for the dots).
  await page.waitForFunction((cs) => {
    const v = window.__map.view();
    const [[w, s], [e, n]] = v.bounds;
    return !window.__map.moving() && cs.every(([x, y]) => x >= w - 0.001 && x <= e + 0.001 && y >= s - 0.001 && y <= n + 0.001);
  }, coords);
  assert.deepEqual(problems, []);
  await context.close();
});

test('day theme: a light map; night theme: a dark one', async () => {
  const { context, page, problems } = await phone({ time: new Date('2026-07-01T12:00:00+08:00') });
  await open(page);
  await page.waitForFunction(() => document.querySelector('#map').dataset.areas === '114');
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('dark')), false);
  const day = luminance(await page.locator('#map').screenshot());
  await page.click('#menu-button');
  await page.click('#night');
  await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const dark = luminance(await page.locator('#map').screenshot());
  assert.ok(day > 170, `day map luminance ${day}`);
  assert.ok(dark < 90, `night map luminance ${dark}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('no raw vocabulary codes while the labels are still loading', async () => {
  const { context, page, problems } = await phone();
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/api/v1/meta', async (route) => { await held; await route.continue(); });
  await page.goto(srv.base + '/');
  await page.waitForSelector('#nearest li[data-id]');
  const text = await page.textContent('body');
  assert.doesNotMatch(text, /\b(hot_water|drinking_water|phone_charging|caring_station|driver_home|union_station|community_center|temporarily_closed)\b/);
  release();
  await page.waitForSelector('#chips .chip:nth-child(2)');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a progress line while the offline data downloads, then its age', async () => {
  const { context, page, problems } = await phone();
  await page.addInitScript(() => {
    window.__status = [];
    new MutationObserver(() => window.__status.push(document.querySelector('#status')?.textContent))
      .observe(document, { subtree: true, childList: true, characterData: true });
  });
  await open(page);
  const seen = await page.evaluate(() => window.__status);
  assert.ok(seen.some((s) => /离线数据 \d+%/.test(s)), `progress shown: ${[...new Set(seen)].join(' | ')}`);
  await page.waitForFunction(() => /数据更新于/.test(document.querySelector('#status').textContent));
  assert.deepEqual(problems, []);
  await context.close();
});

test('navigation offers riding as well as driving (Amap ride)', async () => {
  const { context, page } = await phone();
  await open(page, { offline: false });
  await page.click('#nearest li[data-id] button');
  await page.waitForSelector('#sheet[open] .nav a');
  const links = await page.$$eval('#sheet .nav a', (as) => as.map((a) => ({ key: a.dataset.nav, href: a.href })));
  assert.equal(links[0].key, 'navAmap');
  assert.match(links[0].href, /mode=car/);
  const ride = links.find((l) => l.key === 'navAmapRide');
  assert.ok(ride, 'a riding link');
  assert.match(ride.href, /^https:\/\/uri\.amap\.com\/navigation\?to=[\d.]+,[\d.]+,.*&mode=ride/);
  assert.match(await page.textContent('#sheet .nav a[data-nav="navAmapRide"]'), /骑行/);
  await context.close();
});

test('a new version installed: "update available, tap to reload"', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.isVisible('#update'), false);
  // Publish a new version of the app: the server stamps a new version into sw.js.
  appendFileSync(join(pwaDir, 'app.css'), '\n/* a new version */\n');
  await srv.restart();
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForSelector('#update:not([hidden])');
  assert.match(await page.textContent('#update'), /新版本已就绪，点此刷新/);
  await Promise.all([page.waitForEvent('load'), page.click('#update button')]);
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.evaluate(() => fetch('/app.css').then((r) => r.text())), /a new version/);
  assert.deepEqual(problems, []);
  await context.close();
});
