// The office's numbers in headless Chromium against the real server: an admin's dashboard shows the
// totals the API gives, a city's row opens its districts, the coverage map draws the areas and the
// uncovered cells; on a phone (360 px) and a desk (1280 px), in Chinese with no English and no codes.
// With YIZHAN_SCREENSHOTS=DIR it saves what the screens show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, root } from './server.mjs';

let srv;
let browser;
let accounts = 0;
const shots = process.env.YIZHAN_SCREENSHOTS;

before(async () => {
  srv = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  if (shots) mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** A new account made with the command line while the server runs: {name, password}. */
function account(role, stationIds = []) {
  const name = `dash${role.slice(0, 2)}${++accounts}`;
  const password = `pass phrase for ${name}`;
  const args = ['user', 'add', name, '--role', role, '--db', srv.db];
  if (stationIds.length) args.push('--stations', stationIds.join(','));
  execFileSync(srv.bin, args, { cwd: root, input: password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  return { name, password };
}

/** GET path as the account, through the API. */
async function apiGet({ name, password }, path) {
  const res = await fetch(`${srv.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: name, password }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const r = await fetch(`${srv.base}${path}`, { headers: { Cookie: cookie } });
  assert.equal(r.status, 200, path);
  return r.json();
}

async function screen(viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ||= []).push(`${e.violatedDirective} ${e.blockedURI}`); });
  });
  return { context, page, problems };
}

async function signIn(page, { name, password }) {
  await page.goto(`${srv.base}/manage.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByLabel('用户名').fill(name);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForSelector('#tabs:not([hidden])');
}

async function clean(page, problems) {
  assert.deepEqual(await page.evaluate(() => window.__csp || []), [], 'Content-Security-Policy violations');
  // The page asks for a session before signing in: Chromium logs that 401 as a failed load.
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), [], 'errors in the page');
}

/** The Chinese screen shows no Latin letters (no codes, no English). */
async function noLatin(page, selector = '#view') {
  const text = await page.evaluate((s) => document.querySelector(s).innerText, selector);
  assert.doesNotMatch(text, /[A-Za-z]/, `Latin letters on the Chinese screen: ${text.match(/.{0,20}[A-Za-z]+.{0,20}/)?.[0]}`);
}

const num = (n) => Number(n).toLocaleString('zh-CN');

for (const viewport of [{ width: 360, height: 640 }, { width: 1280, height: 800 }]) {
  test(`the dashboard at ${viewport.width} px: the real totals, a city's districts, the coverage map`, async () => {
    const admin = account('admin');
    const { context, page, problems } = await screen(viewport);
    await signIn(page, admin);
    await page.click('#tabs a[href="#/dashboard"]');
    await page.waitForSelector('#totals');
    await page.waitForSelector('#coverage-map');
    const api = await apiGet(admin, '/api/v1/admin/stats');
    const tile = (id) => page.textContent(`#totals [data-tile="${id}"] .tile-value`);
    assert.equal(await tile('stations'), num(api.totals.stations));
    assert.equal(await tile('visits'), num(api.totals.visits));
    assert.equal(await tile('coverage'), `${(api.totals.coverage_3km * 100).toFixed(1)}%`);
    assert.equal(await tile('verified'), `${(api.totals.verified_180d * 100).toFixed(1)}%`);
    assert.equal(await page.locator('#areas tbody tr').count(), api.areas.length);
    assert.equal(await page.locator('#coverage-map path.area').count(), 14);
    // The answer is above the fold: the totals are on the first screen.
    if (shots) await page.screenshot({ path: `${shots}/dashboard-${viewport.width}.png` });
    // (Measured from the top of the screen's content: from October, until next year's holidays are
    // imported, the holidays' banner stands above every admin screen.)
    const box = await page.locator('#totals [data-tile="stations"]').boundingBox();
    const top = (await page.locator('#view').boundingBox()).y;
    assert.ok(box.y - top + box.height <= viewport.height - 170, 'the totals are on the first screen below the header');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'wider than the screen');
    await noLatin(page);
    if (shots) await page.screenshot({ path: `${shots}/dashboard-${viewport.width}.png` });
    if (shots) await page.screenshot({ path: `${shots}/dashboard-${viewport.width}-full.png`, fullPage: true });

    // Other days: a first day after the last is refused on the page, in words; a good period shows.
    await page.fill('#dash-from', '2026-06-02');
    await page.fill('#dash-to', '2026-06-01');
    await page.click('form.period button[type="submit"]');
    assert.match(await page.textContent('form.period .field-error'), /开始日期不能晚于结束日期/);
    await page.fill('#dash-from', '2026-06-01');
    await page.click('form.period button[type="submit"]');
    await page.waitForFunction(() => /2026年6月1日至2026年6月1日/.test(document.querySelector('.dashboard > .count')?.textContent));
    await page.waitForSelector('#totals');
    await page.fill('#dash-from', `${new Date().getFullYear()}-01-01`);
    await page.fill('#dash-to', new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10));
    await page.click('form.period button[type="submit"]');
    await page.waitForFunction(() => !/6月1日至/.test(document.querySelector('.dashboard > .count')?.textContent));
    await page.waitForSelector('#areas tbody tr');

    // A city's row opens its districts and the map of its uncovered cells.
    const city = api.areas[0];
    await page.click(`#areas tr[data-adcode="${city.adcode}"] a.area-link`);
    await page.waitForFunction((a) => location.hash === `#/dashboard/${a}`, city.adcode);
    await page.waitForSelector('#gap-count');
    const districts = (await apiGet(admin, '/api/v1/admin/stats?group=district')).areas.filter((r) => r.city_adcode === city.adcode);
    assert.equal(await page.locator('#areas tbody tr').count(), districts.length);
    assert.match(await page.textContent('#areas caption'), /各区县/);
    assert.equal(await tile('stations'), num(city.stations));
    assert.equal(await page.locator('#coverage-map path.area').count(), districts.length);
    const cells = await apiGet(admin, `/api/v1/admin/stats/coverage?adcode=${city.adcode}`);
    assert.ok(cells.features.length > 0, 'the city has uncovered land');
    assert.equal(await page.locator('#coverage-map rect.gap').count(), cells.features.length);
    assert.equal(await page.getAttribute(`#areas tr[data-adcode="${districts[0].adcode}"] a.poster-link`, 'href'), `/poster?district=${districts[0].adcode}`);
    await page.waitForSelector('#unconfirmed li a');
    assert.match(await page.getAttribute('#unconfirmed li a', 'href'), /^#\/station\//);
    await noLatin(page);
    if (shots) await page.screenshot({ path: `${shots}/city-${viewport.width}.png` });
    if (shots) await page.screenshot({ path: `${shots}/city-${viewport.width}-full.png`, fullPage: true });
    // Every touch target a gloved finger can hit: 48 px.
    const small = await page.$$eval('#view a, #view button, #view input', (els) => els.filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height < 48 && !e.closest('svg');
    }).map((e) => `${e.tagName} ${e.className} ${e.textContent.slice(0, 12)}`));
    assert.deepEqual(small, [], 'touch targets under 48 px');

    // A district's row opens the district: its numbers and its map alone.
    const d = districts.find((r) => r.coverage_3km < 1) || districts[0];
    await page.click(`#areas tr[data-adcode="${d.adcode}"] a.area-link`);
    await page.waitForFunction((a) => location.hash === `#/dashboard/${a}`, d.adcode);
    await page.waitForSelector('#gap-count');
    assert.match(await page.textContent('.screen-title'), new RegExp(d.name));
    assert.equal(await tile('stations'), num(d.stations));
    assert.equal(await page.locator('#coverage-map path.area').count(), 1);
    if (shots) await page.screenshot({ path: `${shots}/district-${viewport.width}.png` });
    await page.goBack();
    await page.waitForSelector('#areas caption');

    // In English, the same screen in English.
    await page.click('#lang');
    await page.waitForFunction(() => /Stations of/.test(document.querySelector('.screen-title')?.textContent));
    await page.waitForSelector('#gap-count');
    assert.match(await page.textContent('#totals'), /Confirmed within 180 days/);
    if (shots) await page.screenshot({ path: `${shots}/city-${viewport.width}-en.png` });
    await page.click('#lang');
    await clean(page, problems);
    await context.close();
  });
}

test('an operator sees the visits to her stations per month, and the dashboard counts them', async () => {
  const near = await (await fetch(`${srv.base}/api/v1/stations/nearby?lat=41.8&lon=123.4&limit=1`)).json();
  const id = near.features[0].id;
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  // An admin records 35 people served today (the visits' own write path).
  const admin = account('admin');
  const login = await fetch(`${srv.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: admin.name, password: admin.password }),
  });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await login.json();
  const before = await apiGet(admin, '/api/v1/admin/stats');
  const put = await fetch(`${srv.base}/api/v1/stations/${id}/visits/${today}`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf }, body: '{"count":35}',
  });
  assert.ok(put.ok, `PUT visits: ${put.status}`);

  const op = account('operator', [id]);
  const { context, page, problems } = await screen({ width: 360, height: 640 });
  await signIn(page, op);
  await page.waitForSelector('#my-visits svg');
  assert.match(await page.textContent('#my-visits .count'), /今年共35人次/);
  const bar = page.locator(`#my-visits [data-month="${today.slice(0, 7)}"] rect`);
  assert.ok(Number(await bar.getAttribute('height')) > 0, 'this month has a bar');
  await noLatin(page, '#my-visits'); // (the list above shows station ids, as it did before)
  if (shots) {
    await page.locator('#my-visits').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/operator-360.png` });
  }
  await clean(page, problems);
  await context.close();

  const after = await apiGet(admin, '/api/v1/admin/stats');
  assert.equal(after.totals.visits, before.totals.visits + 35);
});
