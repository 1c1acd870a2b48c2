// A station's QR code leads to its link, /s/{id}: the app opens that station's sheet with a large
// "我在这里 / I'm here" button, online and offline, and each device's visit counts once a day. Also the
// printable poster. Headless Chromium at 360 px against the real server; nothing is scanned (the Go
// tests read the codes back). With YIZHAN_SCREENSHOTS=DIR the sheet and the posters are saved there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer, root } from './server.mjs';

const shenyang = { latitude: 41.8057, longitude: 123.4315, accuracy: 25 };

let srv;
let browser;
let admin; // {cookie, csrf} of an admin's session, to read the counts through the API

before(async () => {
  srv = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const password = 'pass phrase for the e2e admin';
  execFileSync(srv.bin, ['user', 'add', 'e2eadmin', '--role', 'admin', '--db', srv.db], { cwd: root, input: password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  const res = await fetch(`${srv.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'e2eadmin', password }),
  });
  assert.equal(res.status, 200);
  admin = { cookie: res.headers.get('set-cookie').split(';')[0], csrf: (await res.json()).csrf_token };
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function phone() {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    geolocation: shenyang, permissions: ['geolocation'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ||= []).push(`${e.violatedDirective} ${e.blockedURI}`); });
  });
  return { context, page, problems };
}

async function noCSPViolations(page, problems) {
  assert.deepEqual(await page.evaluate(() => window.__csp || []), [], 'Content-Security-Policy violations');
  // A station link with an unknown id answers 404 (with the app): the browser logs that load.
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), [], 'errors in the page');
}

/** With YIZHAN_SCREENSHOTS=DIR, saves what the page shows as DIR/name.png. */
async function shot(page, name, options = {}) {
  const dir = process.env.YIZHAN_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, ...options });
}

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

/**
 * The devices counted at station id today, read through the API: an admin records the people served
 * without the app as 0, and the answer carries the app's count beside it.
 */
async function counted(id) {
  const res = await fetch(`${srv.base}/api/v1/stations/${id}/visits/${today()}`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json', Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf },
    body: JSON.stringify({ count: 0 }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).app;
}

async function nearestIds() {
  const fc = await (await fetch(`${srv.base}/api/v1/stations/nearby?lat=${shenyang.latitude}&lon=${shenyang.longitude}&limit=20`)).json();
  return fc.features.map((f) => [f.id, f.properties.name]);
}

const statusText = (page, text) => page.waitForFunction((t) => document.querySelector('#visit-status')?.textContent === t, text);

test('a station link opens its sheet with "I\'m here", online and offline; a visit counts once per device and day', async () => {
  const [[a, nameA], , , [b, nameB]] = await nearestIds();
  const { context, page, problems } = await phone();

  // Online: the link opens the sheet of that station, the button records the visit at once.
  await page.goto(`${srv.base}/s/${a}`);
  await page.waitForSelector('#sheet[open] .visit');
  assert.equal(await page.textContent('#sheet-title'), nameA);
  assert.match(await page.textContent('#sheet .visit'), /我在这里/);
  const box = await page.locator('#sheet .visit').boundingBox();
  assert.ok(box.height >= 56 && box.width >= 280, `a big target for gloves: ${box.width}×${box.height}`);
  await shot(page, 'link-sheet');
  const posted = page.waitForRequest((r) => r.url().endsWith(`/api/v1/stations/${a}/visits`) && r.method() === 'POST');
  await page.click('#sheet .visit');
  const device = JSON.parse((await posted).postData()).device;
  assert.match(device, /^[0-9a-f]{32}$/);
  await statusText(page, '已记录，谢谢');
  assert.ok(await page.isDisabled('#sheet .visit'), 'a second tap does nothing');
  await shot(page, 'link-sheet-recorded');
  assert.equal(await counted(a), 1);

  // The same link again the same day: already recorded, nothing is sent.
  await page.waitForSelector('body[data-offline="ready"]');
  await page.evaluate(() => navigator.serviceWorker.ready);
  let visitsSent = 0; // that reached the server (an attempt offline fails)
  page.on('response', (r) => { if (r.url().includes('/visits') && r.request().method() === 'POST') visitsSent++; });
  await page.goto(`${srv.base}/s/${a}`);
  await page.waitForSelector('#sheet[open] .visit');
  await statusText(page, '今天已记录，谢谢');
  assert.ok(await page.isDisabled('#sheet .visit'));
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the service worker controls the link');

  // Offline: another station's link opens from the device's own data; the visit waits in the outbox.
  await context.setOffline(true);
  await page.goto(`${srv.base}/s/${b}`);
  await page.waitForSelector('#sheet[open] .visit');
  assert.equal(await page.textContent('#sheet-title'), nameB);
  await page.click('#sheet .visit');
  await statusText(page, '已保存，联网后发送');
  await shot(page, 'link-sheet-offline');
  assert.equal(await counted(b), 0);
  assert.equal(visitsSent, 0);

  // Back online: it is sent (once) and counted; the sheet says so.
  const sent = page.waitForResponse((r) => r.url().endsWith(`/api/v1/stations/${b}/visits`) && r.request().method() === 'POST');
  await context.setOffline(false);
  assert.equal((await sent).status(), 201);
  await statusText(page, '已记录，谢谢');
  assert.equal(await counted(b), 1);

  // A second tap the same day, even through a new page load, sends nothing; and were the device to
  // send again, the server would not count it twice.
  await page.goto(`${srv.base}/s/${b}`);
  await page.waitForSelector('#sheet[open] .visit');
  await statusText(page, '今天已记录，谢谢');
  assert.equal(await page.evaluate(async (id) => (await import('/app/visits.js')).record(id), b), 'already');
  const again = await fetch(`${srv.base}/api/v1/stations/${b}/visits`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ device }),
  });
  assert.equal(again.status, 200);
  assert.equal(await counted(b), 1);
  assert.equal(await counted(a), 1);
  assert.equal(visitsSent, 1);

  // Closing the sheet leaves the app at / (a reload does not open it again).
  await page.click('#sheet .close');
  assert.equal(new URL(page.url()).pathname, '/');
  await noCSPViolations(page, problems);
  await context.close();
});

test('an unknown station link says so and lists the nearest stations', async () => {
  const { context, page, problems } = await phone();
  await page.goto(`${srv.base}/s/LN-NO-SUCH-STATION`);
  await page.waitForFunction(() => /找不到这个驿站/.test(document.querySelector('#notice')?.textContent || ''));
  await page.waitForFunction(() => document.querySelectorAll('#nearest li[data-id]').length === 20);
  assert.equal(await page.isVisible('#sheet[open]'), false);
  await shot(page, 'link-unknown');
  await noCSPViolations(page, problems);
  await context.close();
});

test('the poster: name, code, words to scan by, hours in words in both languages, amenities; A4 and a district', async () => {
  const [[a, nameA]] = await nearestIds();
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ||= []).push(`${e.violatedDirective} ${e.blockedURI}`); });
  });
  await page.goto(`${srv.base}/poster/${a}`);
  assert.equal(await page.textContent('.poster h1'), nameA);
  await page.waitForFunction(() => !/扫码查看开放时间/.test(document.querySelector('.hours-words').textContent));
  const [zh, en] = await page.$$eval('.hours-words', (ps) => ps.map((p) => p.textContent));
  assert.doesNotMatch(zh, /Mo|Fr|Su|PH|;/, `no OSM syntax: ${zh}`);
  assert.match(en, /[A-Z]/);
  const img = await page.$eval('.code img', (i) => ({ w: i.naturalWidth, shown: i.getBoundingClientRect().width, src: i.getAttribute('src') }));
  assert.ok(img.w > 0 && img.shown > 300, `the code is drawn large: ${JSON.stringify(img)}`);
  assert.equal(img.src, `/api/v1/stations/${a}/code.svg`);
  assert.match(await page.textContent('.code figcaption'), /扫码查看附近驿站 \/ 报告问题/);
  assert.ok((await page.$$('.amenities li')).length > 0);
  await shot(page, 'poster-a4', { fullPage: true });
  // Printed, it is one A4 page.
  const pdf = await page.pdf({ preferCSSPageSize: true });
  assert.equal((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length, 1, 'one printed page');
  await page.goto(`${srv.base}/poster/${a}?paper=a5`);
  await shot(page, 'poster-a5', { fullPage: true });

  const adcode = (await (await fetch(`${srv.base}/api/v1/stations/${a}`)).json()).properties.adcode;
  await page.goto(`${srv.base}/poster?district=${adcode}`);
  const n = (await page.$$('.poster')).length;
  assert.ok(n > 1, `${n} posters`);
  const pages = await page.pdf({ preferCSSPageSize: true });
  assert.equal((pages.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length, n, 'one printed page per station');
  assert.deepEqual(await page.evaluate(() => window.__csp || []), [], 'Content-Security-Policy violations');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the people an operator served are in the station\'s history, in words', async () => {
  const [, [id]] = await nearestIds();
  const password = 'pass phrase for the e2e operator';
  execFileSync(srv.bin, ['user', 'add', 'e2eop', '--role', 'operator', '--stations', id, '--db', srv.db], { cwd: root, input: password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  const { context, page, problems } = await phone();
  await page.goto(`${srv.base}/manage.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByLabel('用户名').fill('e2eop');
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForSelector('#tabs:not([hidden])');
  // Recorded through the API with the page's own session, as the operator's numbers page would.
  for (const count of [30, 35]) {
    const status = await page.evaluate(async ([path, body]) => {
      const csrf = (await (await fetch('/api/v1/session')).json()).csrf_token;
      return (await fetch(path, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body })).status;
    }, [`/api/v1/stations/${id}/visits/2026-12-06`, JSON.stringify({ count })]);
    assert.equal(status, 200);
  }
  await page.click(`#my-stations li[data-id="${id}"] a`);
  await page.waitForSelector('#history li.served');
  const served = await page.$$eval('#history li.served', (els) => els.map((e) => e.textContent));
  assert.equal(served.length, 2);
  assert.match(served[0], /e2eop · .* · 登记服务人数/);
  assert.match(served[0], /12月6日：服务 35 人（原为 30 人）/);
  assert.match(served[1], /12月6日：服务 30 人$/);
  await page.locator('#history li.served').first().scrollIntoViewIfNeeded();
  await shot(page, 'history-served');
  await noCSPViolations(page, problems);
  await context.close();
});
