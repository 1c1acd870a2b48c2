// The rider's PWA in headless Chromium (Debian's chromium, driven by playwright-core) against the real
// server on a loopback port with a real seeded database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const shenyang = { latitude: 41.8057, longitude: 123.4315, accuracy: 25 };
const dalian = { latitude: 38.914, longitude: 121.614, accuracy: 40 };
const night = new Date('2026-01-15T23:40:00+08:00'); // a January night: many stations closed

// A station whose name and address try to be HTML: they must show as text.
const xssName = '<img src=x onerror="window.__xss=1">测试驿站';
const extraCSV = 'id,name,kind,lon,lat,address,opening_hours,amenities\n' +
  `E2E-XSS,"${xssName.replaceAll('"', '""')}",caring_station,123.4316,41.8058,"<b>沈阳</b>",24/7,hot_water;heating\n`;

let srv;
let browser;

before(async () => {
  srv = await startServer({ extraCSV });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** A fresh phone: its own storage, a 360 px screen, a position, optionally a fixed clock. */
async function phone({ position = shenyang, time } = {}) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    geolocation: position, permissions: ['geolocation'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    userAgent: 'Mozilla/5.0 (Linux; Android 12; Yizhan test) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window.__csp ||= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  if (time) await page.clock.setFixedTime(time);
  return { context, page, problems };
}

async function open(page) {
  await page.goto(srv.base + '/');
  await page.waitForSelector('body[data-ready="true"]');
}

/** Waits until the list shows the answer to the latest question (it is aria-busy meanwhile). */
const settled = (page) => page.waitForSelector('#nearest:not([aria-busy])', { state: 'attached' });
const listIds = async (page) => { await settled(page); return page.$$eval('#nearest li[data-id]', (els) => els.map((e) => e.dataset.id)); };

/** The server's nearest 20: like the offline dataset, it leaves out stations closed for good. */
async function serverNearest({ latitude, longitude }, extra = '') {
  const res = await fetch(`${srv.base}/api/v1/stations/nearby?lat=${latitude}&lon=${longitude}&limit=20&radius=300000${extra}`);
  assert.equal(res.status, 200);
  const fc = await res.json();
  return fc.features.map((f) => f.id);
}

async function noCSPViolations(page, problems) {
  assert.deepEqual(await page.evaluate(() => window.__csp || []), [], 'Content-Security-Policy violations');
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), [], 'errors in the page');
}

test('first load: the nearest stations in the server\'s order, the map, and no CSP violation', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  await page.waitForFunction(() => document.querySelectorAll('#nearest li[data-id]').length === 20);
  assert.deepEqual(await listIds(page), await serverNearest(shenyang));
  // Once the offline dataset is on the device, the map's still picture and then, once touched, the
  // map itself draw every station of it (clustered), over the built-in base layer: no tiles here.
  await page.waitForSelector('body[data-offline="ready"]');
  const dataset = await (await fetch(`${srv.base}/api/v1/stations.geojson`)).json();
  await page.waitForFunction(() => Number(document.querySelector('#map').dataset.preview) > 20);
  await page.click('#map-activate');
  await page.waitForFunction((n) => document.querySelector('#map').dataset.stations === String(n), dataset.features.length);
  assert.deepEqual(await listIds(page), await serverNearest(shenyang), 'the device answers in the server\'s order too');
  assert.match(await page.textContent('#status'), /在线/);
  assert.match(await page.textContent('#where'), /定位精度约25米/);
  // Usable at 360 px and with gloves: nothing wider than the screen, every control at least 48 px.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'wider than 360 px');
  const small = await page.$$eval('button, .chip, input', (els) => els.filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.height < 48 || r.width < 48);
  }).map((e) => e.id || e.textContent));
  assert.deepEqual(small, [], 'touch targets under 48 px');
  await noCSPViolations(page, problems);
  await context.close();
});

test('station data is shown as text, never as HTML', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  const first = page.locator('#nearest li[data-id="E2E-XSS"] .name');
  assert.equal(await first.textContent(), xssName);
  await first.click();
  await page.waitForSelector('#sheet[open]');
  assert.equal(await page.textContent('#sheet-title'), xssName);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator('#nearest img, #sheet img').count(), 0);
  await noCSPViolations(page, problems);
  await context.close();
});

test('filter chips are toggle buttons and filter like the server: hot water, then open at 23:40', async () => {
  const { context, page, problems } = await phone({ time: night });
  await open(page);
  const hot = page.getByRole('button', { name: '热水', exact: true });
  assert.equal(await hot.getAttribute('aria-pressed'), 'false');
  await hot.click();
  assert.equal(await page.getByRole('button', { name: '热水', exact: true }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await listIds(page), await serverNearest(shenyang, '&amenities=hot_water'));
  await page.getByRole('button', { name: '正在营业', exact: true }).click();
  const want = await serverNearest(shenyang, `&amenities=hot_water&open=${encodeURIComponent(night.toISOString())}`);
  assert.deepEqual(await listIds(page), want);
  assert.notDeepEqual(want, await serverNearest(shenyang, '&amenities=hot_water'), 'test set-up: open-now should remove some stations at 23:40');
  const badges = await page.$$eval('#nearest .badge', (els) => els.map((e) => e.className));
  assert.ok(badges.every((c) => /open|closingSoon/.test(c)), `only open stations are listed: ${badges}`);
  await noCSPViolations(page, problems);
  await context.close();
});

test('station sheet: details, the week, a phone link and navigation in the right coordinates', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  const id = (await listIds(page)).find((x) => x !== 'E2E-XSS');
  const station = await (await fetch(`${srv.base}/api/v1/stations/${id}?crs=gcj02`)).json();
  await page.click(`#nearest li[data-id="${id}"] button`);
  await page.waitForSelector('#sheet[open]');
  assert.equal(await page.textContent('#sheet-title'), station.properties.name);
  assert.equal(await page.locator('#sheet .week tr').count(), 7);
  assert.match(await page.textContent('#sheet .facts'), /信息确认于|信息尚未确认/);
  if (station.properties.phone) {
    assert.match(await page.getAttribute('#sheet a.call', 'href'), /^tel:[0-9+]+$/);
  }
  // Android: Amap first, with GCJ-02 coordinates (the server's own conversion, to the 6th decimal).
  const links = await page.$$eval('#sheet .nav a', (as) => as.map((a) => ({ key: a.dataset.nav, href: a.href })));
  assert.equal(links[0].key, 'navAmap');
  const [glon, glat] = station.geometry.coordinates;
  assert.ok(links[0].href.includes(`to=${glon.toFixed(6)},${glat.toFixed(6)},`), `${links[0].href} vs ${glon},${glat}`);
  assert.ok(links.some((l) => l.href.startsWith('geo:')), 'a geo: link on Android');
  await page.click('#sheet button.close');
  assert.equal(await page.locator('#sheet[open]').count(), 0);
  await noCSPViolations(page, problems);
  await context.close();
});

test('installable: manifest, icons and a service worker that controls the page', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  const manifest = await (await fetch(`${srv.base}/manifest.webmanifest`)).json();
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.lang, 'zh-CN');
  assert.equal(manifest.start_url, '/');
  assert.ok(manifest.name && manifest.short_name && manifest.theme_color);
  for (const [size, purpose] of [[192, 'any'], [512, 'any'], [512, 'maskable']]) {
    const icon = manifest.icons.find((i) => i.sizes === `${size}x${size}` && i.purpose === purpose);
    assert.ok(icon, `${size} ${purpose} icon`);
    const png = Buffer.from(await (await fetch(srv.base + icon.src)).arrayBuffer());
    assert.equal(png.readUInt32BE(16), size, `${icon.src} width`);
    assert.equal(png.readUInt32BE(20), size, `${icon.src} height`);
  }
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the service worker controls the page');
  await noCSPViolations(page, problems);
  await context.close();
});

test('offline: reload, nearest list, search, moving to another city, and a report sent on reconnecting', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload(); // now controlled by the service worker
  await page.waitForSelector('body[data-ready="true"]');
  const dalianWant = await serverNearest(dalian);

  await page.waitForSelector('body[data-offline="ready"]');
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.textContent('#status'), /离线/);
  assert.match(await page.textContent('#status'), /数据更新于/);
  // The map's still picture draws the device's stations and the base layer with no network.
  await page.waitForFunction(() => Number(document.querySelector('#map').dataset.preview) > 20 && document.querySelector('#map').dataset.areas === '114');
  assert.deepEqual(await listIds(page), await serverNearest(shenyang));

  await page.fill('#search', '南湖');
  await page.waitForFunction(() => document.querySelector('#list-title').textContent === '搜索结果');
  const names = await page.$$eval('#nearest .name', (els) => els.map((e) => e.textContent));
  assert.ok(names.length > 0, 'search works offline');
  await page.fill('#search', '');

  await context.setGeolocation(dalian);
  await page.waitForFunction((first) => document.querySelector('#nearest li[data-id]')?.dataset.id === first, dalianWant[0]);
  assert.deepEqual(await listIds(page), dalianWant);

  // A report made offline waits in the outbox, and goes out when the network returns.
  await page.click(`#nearest li[data-id="${dalianWant[0]}"] button`);
  await page.click('#sheet .report-open');
  await page.check('#sheet input[value="locked"]');
  await page.fill('#sheet textarea[name="note"]', '门锁着，没人');
  await page.click('#sheet .report button[type="submit"]');
  await page.waitForFunction(() => /恢复网络后自动提交/.test(document.querySelector('#sheet .report-status').textContent));
  assert.match(await page.textContent('#status'), /1条报告待发送/);
  const sent = page.waitForResponse((r) => r.url().endsWith(`/api/v1/stations/${dalianWant[0]}/reports`) && r.request().method() === 'POST');
  await context.setOffline(false);
  const res = await sent;
  assert.equal(res.status(), 201);
  assert.deepEqual(JSON.parse(res.request().postData()), { reason: 'locked', note: '门锁着，没人' });
  // The report carries the key it was given when made, and the server stored the key with it: were
  // the answer lost, sending it again gets that report back (201), not a second one; the same key
  // with another reason is refused.
  const key = res.request().headers()['idempotency-key'];
  assert.match(key, /^[0-9a-f-]{32,36}$/);
  const resend = (body) => fetch(`${srv.base}/api/v1/stations/${dalianWant[0]}/reports`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify(body),
  });
  const again = await resend({ reason: 'locked', note: '门锁着，没人' });
  assert.equal(again.status, 201);
  assert.equal((await resend({ reason: 'locked', note: '门锁着，没人' })).headers.get('Location'), again.headers.get('Location'));
  assert.equal((await resend({ reason: 'closed' })).status, 400);
  await page.waitForFunction(() => !/待发送/.test(document.querySelector('#status').textContent));
  await noCSPViolations(page, problems);
  await context.close();
});

test('English on request, from the one string table', async () => {
  const { context, page, problems } = await phone();
  await open(page);
  await page.click('#menu-button');
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#list-title'), 'Nearest to you');
  assert.ok(await page.getByRole('button', { name: 'Hot water', exact: true }).count() === 1);
  await noCSPViolations(page, problems);
  await context.close();
});
