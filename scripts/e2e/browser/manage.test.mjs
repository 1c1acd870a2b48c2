// The operator and admin area (/manage.html) in headless Chromium at 360 px against the real server:
// signing in, an operator's stations, the opening-hours editor (grid, typed text, live preview),
// amenities, status, "still accurate", conflicting edits, history, reports; an admin's import with a
// dry run, exports, accounts and assignments. Accounts are made with `yizhan user add` while the
// server runs, one per test, so that each test stands alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer, root } from './server.mjs';
import { fromText, toText } from '../../../pwa/app/manage/hours-grid.js';
import { parse } from '../../../pwa/app/hours.js';

// Stations of the tests' own, beside the seed: one per test that edits, with known values.
const stations = [
  ['E2E-M-01', '甲号管理测试驿站', 'Mo-Fr 08:00-17:00', 'drinking_water;hot_water', 'open', '024-11110001'],
  ['E2E-M-02', '乙号管理测试驿站', 'Mo-Fr 08:00-17:00', 'drinking_water;hot_water', 'open', '024-11110002'],
  ['E2E-M-03', '丙号管理测试驿站', 'Mo-Fr 08:00-17:00', 'drinking_water;hot_water', 'open', '024-11110003'],
  ['E2E-M-04', '丁号管理测试驿站', 'Mo-Su 08:00-20:00', 'drinking_water;hot_water;heating', 'open', '024-11110004'],
  ['E2E-M-05', '戊号管理测试驿站', 'Mo-Fr 08:00-17:00', 'hot_water', 'open', '024-11110005'],
  ['E2E-M-06', '己号管理测试驿站', 'Mo-Fr 08:00-17:00', 'hot_water', 'open', '024-11110006'],
  ['E2E-M-07', '庚号管理测试驿站', 'Mo-Fr 08:00-17:00', 'hot_water', 'open', '024-11110007'],
  ['E2E-M-08', '辛号管理测试驿站', '24/7', 'hot_water', 'open', '024-11110008'],
  ['E2E-M-09', '壬号管理测试驿站', '24/7', 'hot_water', 'open', '024-11110009'],
];
const extraCSV = 'id,name,kind,lon,lat,address,opening_hours,amenities,status,phone\n' +
  stations.map(([id, name, hours, amen, status, phone], i) =>
    `${id},${name},caring_station,${(123.40 + i / 1000).toFixed(4)},41.7900,沈阳市和平区测试路${i + 1}号,${hours},${amen},${status},${phone}`).join('\n') + '\n';

let srv;
let browser;
let accounts = 0;

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

/** A new account made with the command line while the server runs: {name, password}. */
function account(role, stationIds = []) {
  const name = `e2e${role.slice(0, 2)}${++accounts}`;
  const password = `pass phrase for ${name}`;
  const args = ['user', 'add', name, '--role', role, '--db', srv.db];
  if (stationIds.length) args.push('--stations', stationIds.join(','));
  execFileSync(srv.bin, args, { cwd: root, input: password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  return { name, password };
}

/** A session through the API (as another browser would have): {cookie, csrf}. */
async function apiSession({ name, password }) {
  const res = await fetch(`${srv.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: name, password }),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: body.csrf_token };
}

async function station(id) {
  const res = await fetch(`${srv.base}/api/v1/stations/${id}`);
  return { status: res.status, etag: res.headers.get('ETag'), props: res.status === 200 ? (await res.json()).properties : null };
}

/** A fresh phone: its own storage, a 360 px screen, Chinese, watching for CSP violations and errors. */
async function phone() {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
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
  return { context, page, problems };
}

/** Refusals the tests provoke are logged by Chromium as failed loads; nothing else may be. */
async function clean(page, problems) {
  assert.deepEqual(await page.evaluate(() => window.__csp || []), [], 'Content-Security-Policy violations');
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), [], 'errors in the page');
}

/** Usable at 360 px with gloves: nothing wider than the screen, every control at least 48 px. */
async function usable(page) {
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'wider than 360 px');
  const small = await page.$$eval(
    'button, select, textarea, input:not([type="checkbox"]):not([type="radio"]):not([type="file"]), .check, a.tab, a.button, a.back, summary',
    (els) => els.filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.height < 48 || r.width < 48);
    }).map((e) => `${e.tagName} ${e.id || e.className} ${e.textContent.slice(0, 20)}`));
  assert.deepEqual(small, [], 'touch targets under 48 px');
  const unlabelled = await page.$$eval('input, select, textarea', (els) => els.filter((e) =>
    e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id || e.name));
  assert.deepEqual(unlabelled, [], 'inputs without a label');
}

async function signIn(page, { name, password }) {
  await page.goto(`${srv.base}/manage.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByLabel('用户名').fill(name);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForSelector('#tabs:not([hidden])');
}

async function openStation(page, id) {
  await page.click(`#my-stations li[data-id="${id}"] a`);
  await page.waitForSelector('#verify');
  await page.waitForSelector('#hours-preview[data-status="parsed"]');
}

const waitText = (page, sel, text) => page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [sel, text]);
const waitValue = (page, sel, value) => page.waitForFunction(([s, v]) => document.querySelector(s)?.value === v, [sel, value]);
const patched = (page, id) => page.waitForResponse((r) => r.url().endsWith(`/api/v1/stations/${id}`) && r.request().method() === 'PATCH');

/** With YIZHAN_SCREENSHOTS=DIR, saves what the phone shows, scrolled to selector, as DIR/name.png. */
async function shot(page, name, selector) {
  const dir = process.env.YIZHAN_SCREENSHOTS;
  if (!dir) return;
  if (selector) await page.locator(selector).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${dir}/${name}.png` });
}

test('the grid model reads back what it writes, meaning the same hours', () => {
  for (const text of ['Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off', '24/7', 'Mo-Fr 22:00-06:00; Sa 10:00-14:00',
    'Apr-Oct Mo-Fr 08:00-18:00; Nov-Mar Mo-Fr 08:30-16:30', 'Mo-Fr 08:00-18:00; Nov-Mar Mo-Fr 08:30-16:30', 'Mo,We 09:00-12:00']) {
    const { grid, reason } = fromText(text);
    assert.ok(grid, `${text}: ${reason}`);
    const back = toText(grid);
    const year = [Date.parse('2026-01-01T00:00:00+08:00'), Date.parse('2027-01-01T00:00:00+08:00')];
    assert.deepEqual(parse(back).intervals(...year), parse(text).intervals(...year), `${text} → ${back}`);
  }
  assert.equal(toText(fromText('Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off').grid), 'Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off');
  // A night that runs into a day with hours of its own is an additional rule, or it would end at midnight.
  const grid = fromText('Mo 22:00-06:00').grid;
  grid.week[1] = [{ from: 600, to: 720 }];
  assert.equal(toText(grid), 'Mo 22:00-06:00, Tu 10:00-12:00');
  assert.ok(!fromText('Mo-Fr 08:00-12:00 "预约"').grid, 'comments are left to the text');
});

test('sign in: a wrong password is refused plainly; the operator sees only their stations, in either language', async () => {
  const op = account('operator', ['E2E-M-01', 'E2E-M-02']);
  const { context, page, problems } = await phone();
  await page.goto(`${srv.base}/manage.html`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.title(), /站点管理/);
  await page.getByLabel('用户名').fill(op.name);
  await page.getByLabel('密码', { exact: true }).fill('not the password at all');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await waitText(page, '.login-error', '用户名或密码不对，或者账号已停用。');
  await usable(page);
  await shot(page, 'login-failed');

  await page.getByLabel('密码', { exact: true }).fill(op.password);
  await page.getByLabel('密码', { exact: true }).press('Enter'); // the keyboard will do
  await page.waitForSelector('#my-stations:not([aria-busy])');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '我的驿站', 'focus moves to the screen\'s heading');
  const ids = await page.$$eval('#my-stations li[data-id]', (els) => els.map((e) => e.dataset.id));
  assert.deepEqual(ids, ['E2E-M-01', 'E2E-M-02']);
  assert.match(await page.textContent('#my-stations li[data-id="E2E-M-01"]'), /甲号管理测试驿站/);
  assert.match(await page.textContent('#my-stations li[data-id="E2E-M-01"]'), /从未确认|天未确认|信息确认于/);
  assert.equal(await page.locator('#tabs a[href="#/import"]').count(), 0, 'no admin tabs for an operator');
  await usable(page);
  await shot(page, 'my-stations');

  // A station that is not theirs, reached by its address: the server refuses the change (404).
  await page.goto(`${srv.base}/manage.html#/station/E2E-M-09`);
  await page.waitForSelector('#verify');
  const refused = patched(page, 'E2E-M-09');
  await page.click('#verify');
  await page.click('dialog.ask [data-answer="yes"]'); // the first confirmation in this browser asks
  assert.equal((await refused).status(), 404);
  await page.waitForSelector('.verify-bar .message[data-kind="error"]');
  assert.equal((await station('E2E-M-09')).props.verified_at, null);
  await page.click('#tabs a[href="#/stations"]');
  await page.waitForSelector('#my-stations li[data-id="E2E-M-01"]');

  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await waitText(page, '.screen-title', 'My stations');
  assert.match(await page.title(), /Station management/);

  // A reload resumes the session.
  await page.reload();
  await page.waitForSelector('#my-stations li[data-id="E2E-M-02"]');
  await page.click('#logout');
  await page.waitForSelector('form.login');
  assert.equal((await context.request.get(`${srv.base}/api/v1/my/stations`)).status(), 401, 'signed out on the server');
  await clean(page, problems);
  await context.close();
});

test('opening hours with the grid: breaks, Saturday, PH off → exactly that OSM text and a new version', async () => {
  const op = account('operator', ['E2E-M-03']);
  const { context, page, problems } = await phone();
  await signIn(page, op);
  const before = await station('E2E-M-03');
  await openStation(page, 'E2E-M-03');
  assert.equal(await page.textContent('#hours-osm'), 'Mo-Fr 08:00-17:00', 'OSM syntax only in the advanced view');
  assert.equal(await page.inputValue('#hours-text'), '');
  assert.ok(await page.isChecked('#w-d0-open'));
  assert.ok(!(await page.isChecked('#w-d5-open')));

  await page.fill('#w-d0-s0-from', '08:30');
  await page.fill('#w-d0-s0-to', '12:00');
  await page.click('#w-d0-add');
  await page.fill('#w-d0-s1-from', '13:30');
  await page.fill('#w-d0-s1-to', '17:30');
  await page.click('#w-copy');
  await page.check('#w-d5-open');
  await page.fill('#w-d5-s0-from', '9:00'); // typed the short way
  await page.fill('#w-d5-s0-to', '1200');
  await page.check('#ph-off');
  const want = 'Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off';
  assert.equal(await page.inputValue('#hours-text'), '', 'the grid does not write OSM syntax into the text box');
  await waitText(page, '#hours-osm', want);
  assert.equal(await page.getAttribute('#hours-preview', 'data-status'), 'parsed');
  assert.equal(await page.locator('#hours-preview .week tr').count(), 7);
  await usable(page);
  await shot(page, 'hours-grid', '#w-d5-open');

  const res = patched(page, 'E2E-M-03');
  await page.click('#save');
  const answer = await res;
  assert.equal(answer.status(), 200);
  assert.deepEqual(JSON.parse(answer.request().postData()), { opening_hours: want }, 'only the changed field is sent');
  assert.equal(answer.request().headers()['if-match'], before.etag);
  await page.waitForSelector('.save-bar .message[data-kind="ok"]');

  const now = await station('E2E-M-03');
  assert.equal(now.props.opening_hours, want);
  assert.equal(now.props.version, before.props.version + 1);
  assert.equal(now.etag, `"${before.props.version + 1}"`);
  assert.match(await page.textContent('#version-line'), new RegExp(`版本${now.props.version}`));
  await clean(page, problems);
  await context.close();
});

test('typed text: Chinese and OSM with ";" get a live preview, the grid follows where it can, bad text is refused at the field', async () => {
  const op = account('operator', ['E2E-M-04']);
  const { context, page, problems } = await phone();
  await signIn(page, op);
  await openStation(page, 'E2E-M-04');

  const previewed = page.waitForRequest((r) => r.url().includes('/api/v1/hours/preview') && r.url().includes(encodeURIComponent('周一至周五')));
  await page.fill('#hours-text', '周一至周五 9:00-17:00');
  assert.ok((await previewed).url().includes(`text=${encodeURIComponent('周一至周五 9:00-17:00')}`));
  await waitText(page, '#hours-osm', 'Mo-Fr 09:00-17:00');
  await waitValue(page, '#w-d0-s0-from', '09:00');
  assert.ok(!(await page.isChecked('#w-d5-open')), 'Saturday closed in the grid');

  // ";" must reach the server encoded; a night shift runs past midnight.
  await page.fill('#hours-text', 'Mo-Fr 22:00-06:00; Sa 10:00-14:00');
  await waitText(page, '#hours-osm', 'Mo-Fr 22:00-06:00; Sa 10:00-14:00');
  await waitValue(page, '#w-d0-s0-from', '22:00');
  assert.ok(await page.isVisible('#w-d3-s0-to ~ .overnight'), 'marked as ending the next day');
  // As opening_hours.js reads it, Saturday's own rule ends Friday's night at midnight.
  assert.equal(await page.inputValue('#w-d4-s0-to'), '24:00');
  assert.ok(!(await page.isVisible('#w-d4-s0-to ~ .overnight')));
  assert.equal(await page.inputValue('#w-d5-s0-to'), '14:00');

  // Winter hours typed in Chinese become a season of the grid.
  await page.fill('#hours-text', '冬季（11月-3月）8:30-16:30，夏季（4月-10月）8:00-18:00');
  await waitText(page, '#hours-osm', 'Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00');
  await page.waitForSelector('#s0-from');
  assert.equal(await page.inputValue('#s0-from'), '11');
  assert.equal(await page.inputValue('#s0-to'), '3');
  assert.equal(await page.inputValue('#s0-d0-s0-from'), '08:30');
  assert.equal(await page.inputValue('#w-d6-s0-to'), '18:00');
  await shot(page, 'hours-seasons', '#s0-from');

  // What the grid cannot show is kept as text, and said so.
  await page.fill('#hours-text', 'Mo-Fr 08:00-18:00 "电话预约"');
  await page.waitForSelector('#grid-note:not([hidden])');
  await page.fill('#hours-text', '看情况开门');
  await page.waitForSelector('#hours-preview[data-status="unparsed"]');
  const before = await station('E2E-M-04');
  const res = patched(page, 'E2E-M-04');
  await page.click('#save');
  assert.equal((await res).status(), 400);
  await page.waitForSelector('#hours-text-error:not([hidden])');
  assert.match(await page.textContent('#hours-text-error'), /没能看懂开放时间/, 'in the page\'s language');
  assert.equal(await page.getAttribute('#hours-text', 'aria-invalid'), 'true');
  assert.equal((await station('E2E-M-04')).props.version, before.props.version, 'nothing saved');
  await clean(page, problems);
  await context.close();
});

test('amenities, status with a note and the phone are saved; a bad phone is shown at the field; "still accurate" stamps verified_at', async () => {
  const op = account('operator', ['E2E-M-05']);
  const { context, page, problems } = await phone();
  await signIn(page, op);
  await openStation(page, 'E2E-M-05');
  const before = await station('E2E-M-05');

  await page.getByLabel('电话', { exact: true }).fill('电话号码');
  let res = patched(page, 'E2E-M-05');
  await page.click('#save');
  assert.equal((await res).status(), 400);
  await page.waitForSelector('[data-field="phone"] .field-error:not([hidden])');
  const phoneError = await page.textContent('[data-field="phone"] .field-error');
  assert.match(phoneError, /电话/, phoneError);
  assert.doesNotMatch(phoneError, /only digits/, 'in the page\'s language');
  await shot(page, 'phone-error', '[data-field="phone"]');
  await usable(page);

  await page.getByRole('checkbox', { name: '热水', exact: true }).uncheck();
  await page.getByRole('checkbox', { name: '卫生间', exact: true }).check();
  await page.getByRole('checkbox', { name: '饮用水', exact: true }).check();
  await page.getByRole('radio', { name: '暂停开放', exact: true }).check();
  await page.getByLabel('说明', { exact: true }).fill('水管维修，12月1日恢复');
  await page.getByLabel('电话', { exact: true }).fill('024-87654321');
  res = patched(page, 'E2E-M-05');
  await page.click('#save');
  const answer = await res;
  assert.equal(answer.status(), 200);
  assert.deepEqual(Object.keys(JSON.parse(answer.request().postData())).sort(), ['amenities', 'phone', 'status', 'status_note']);
  await page.waitForSelector('.save-bar .message[data-kind="ok"]');
  assert.equal(await page.locator('[data-field="phone"] .field-error:not([hidden])').count(), 0, 'the old error is gone');
  let now = await station('E2E-M-05');
  assert.deepEqual(now.props.amenities, ['drinking_water', 'toilet']);
  assert.equal(now.props.status, 'temporarily_closed');
  assert.equal(now.props.status_note, '水管维修，12月1日恢复');
  assert.equal(now.props.phone, '024-87654321');
  assert.equal(now.props.version, before.props.version + 1);

  const started = Date.now() - 2000;
  res = patched(page, 'E2E-M-05');
  await page.click('#verify');
  await page.click('dialog.ask [data-answer="yes"]'); // the first confirmation in this browser asks
  assert.deepEqual(JSON.parse((await res).request().postData()), { verified: true });
  await waitText(page, '.verify-bar .message', '已确认信息无误。');
  now = await station('E2E-M-05');
  assert.ok(now.props.verified_at && Date.parse(now.props.verified_at) >= started, `verified_at ${now.props.verified_at}`);
  assert.equal(now.props.version, before.props.version + 2);
  assert.match(await page.textContent('#verified-line'), /信息确认于刚刚/);
  await page.click('#save');
  await waitText(page, '.save-bar .message', '没有改动。');
  await clean(page, problems);
  await context.close();
});

test('a conflicting edit made elsewhere is shown with the current values and nothing is overwritten', async () => {
  const op = account('operator', ['E2E-M-06']);
  const { context, page, problems } = await phone();
  await signIn(page, op);
  await openStation(page, 'E2E-M-06');
  const loaded = await station('E2E-M-06');

  // Meanwhile, the same station is changed through the API in another session.
  const other = await apiSession(op);
  const res0 = await fetch(`${srv.base}/api/v1/stations/E2E-M-06`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Cookie: other.cookie, 'X-CSRF-Token': other.csrf, 'If-Match': loaded.etag },
    body: JSON.stringify({ status_note: '别处改的说明', phone: '024-22220006' }),
  });
  assert.equal(res0.status, 200);

  await page.getByLabel('电话', { exact: true }).fill('024-33330006');
  const res = patched(page, 'E2E-M-06');
  await page.click('#save');
  assert.equal((await res).status(), 412);
  await page.waitForSelector('#conflict:not([hidden])');
  const box = await page.textContent('#conflict');
  assert.match(box, /其他人已经修改了这个驿站/);
  assert.match(box, /024-22220006/, 'their phone');
  assert.match(box, /024-33330006/, 'my phone');
  assert.match(box, /别处改的说明/, 'their note');
  await usable(page);
  await shot(page, 'conflict', '#conflict');
  const now = await station('E2E-M-06');
  assert.equal(now.props.phone, '024-22220006', 'not overwritten');
  assert.equal(now.props.version, loaded.props.version + 1);

  await page.click('#reload');
  await waitValue(page, '[data-field="phone"] input', '024-22220006');
  assert.equal(await page.inputValue('[data-field="status_note"] textarea'), '别处改的说明');
  await page.getByLabel('电话', { exact: true }).fill('024-33330006');
  const again = patched(page, 'E2E-M-06');
  await page.click('#save');
  assert.equal((await again).status(), 200);
  assert.equal((await station('E2E-M-06')).props.phone, '024-33330006');
  await clean(page, problems);
  await context.close();
});

test('history lists who changed what, when, before → after', async () => {
  const op = account('operator', ['E2E-M-07']);
  const { context, page, problems } = await phone();
  await signIn(page, op);
  await openStation(page, 'E2E-M-07');
  await page.waitForSelector('#history li[data-version="1"]');
  assert.match(await page.textContent('#history li[data-version="1"]'), /新建/, 'the import that made it');

  await page.getByLabel('说明', { exact: true }).fill('周末有志愿者值班');
  let res = patched(page, 'E2E-M-07');
  await page.click('#save');
  assert.equal((await res).status(), 200);
  await page.waitForSelector('#history li[data-version="2"]');
  await page.fill('#hours-text', 'Mo-Sa 08:00-17:00');
  await waitText(page, '#hours-osm', 'Mo-Sa 08:00-17:00');
  res = patched(page, 'E2E-M-07');
  await page.click('#save');
  assert.equal((await res).status(), 200);
  await page.waitForSelector('#history li[data-version="3"]');

  const entries = await page.$$eval('#history li', (els) => els.map((e) => ({ version: e.dataset.version, text: e.textContent })));
  assert.deepEqual(entries.map((e) => e.version), ['3', '2', '1'], 'newest first');
  assert.match(entries[0].text, new RegExp(op.name));
  assert.match(entries[0].text, /开放时间/);
  assert.match(entries[0].text, /周一至周五 8:00–17:00.*周一至周六 8:00–17:00/, 'hours in words');
  assert.doesNotMatch(entries[0].text, /Mo-/, 'no OSM syntax');
  assert.match(entries[1].text, /说明.*（空）.*周末有志愿者值班/);
  assert.match(entries[1].text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  const api = await (await context.request.get(`${srv.base}/api/v1/stations/E2E-M-07/history`)).json();
  assert.deepEqual(api.entries.map((e) => String(e.version)), ['3', '2', '1']);
  await usable(page);
  await clean(page, problems);
  await context.close();
});

test('reports on my stations: one filed through the public API appears and is resolved', async () => {
  const op = account('operator', ['E2E-M-08']);
  for (const [id, note] of [['E2E-M-08', '晚上十点门锁着'], ['E2E-M-09', '别人的驿站']]) {
    const r = await fetch(`${srv.base}/api/v1/stations/${id}/reports`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'locked', note }),
    });
    assert.equal(r.status, 201);
  }
  const { context, page, problems } = await phone();
  await signIn(page, op);
  await page.click('#tabs a[href="#/reports"]');
  await page.waitForSelector('#reports:not([aria-busy])');
  const items = page.locator('#reports li');
  assert.equal(await items.count(), 1, 'only reports on my stations');
  const text = await items.first().textContent();
  assert.match(text, /辛号管理测试驿站/);
  assert.match(text, /门锁着/);
  assert.match(text, /晚上十点门锁着/);
  await usable(page);
  await shot(page, 'reports');

  const res = page.waitForResponse((r) => /\/api\/v1\/reports\/\d+$/.test(r.url()) && r.request().method() === 'PATCH');
  await items.first().getByRole('button', { name: '标记为已处理' }).click();
  assert.equal((await res).status(), 200);
  await page.waitForSelector('#reports li[data-status="resolved"]');
  assert.match(await page.textContent('#reports li'), new RegExp(`${op.name}于`));

  await page.click('[data-filter="open"]');
  await waitText(page, '.screen .count', '没有未处理的报告。');
  await page.click('[data-filter="all"]');
  await page.waitForSelector('#reports li[data-status="resolved"]');
  const mine = await (await context.request.get(`${srv.base}/api/v1/my/reports?status=open`)).json();
  assert.deepEqual(mine.reports, []);
  await clean(page, problems);
  await context.close();
});

test('admin import: a dry run of a file with a bad row lists it and writes nothing; a good file imports', async () => {
  const admin = account('admin');
  const { context, page, problems } = await phone();
  await signIn(page, admin);
  await page.click('#tabs a[href="#/import"]');
  await page.waitForSelector('#import-file');

  const header = 'id,name,kind,lon,lat,address,opening_hours,amenities\n';
  const bad = header + 'E2E-IMP-1,癸号导入测试驿站,caring_station,123.4100,41.7950,沈阳市,周一至周五 9:00-17:00,hot_water\n' +
    'E2E-IMP-2,子号导入测试驿站,caring_station,0,41.7950,沈阳市,,hot_water\n';
  await page.setInputFiles('#import-file', { name: 'stations.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByLabel('GCJ-02（高德、腾讯）').check();
  const dry = page.waitForResponse((r) => r.url().includes('/api/v1/admin/imports'));
  await page.click('#import-check');
  const dryRes = await dry;
  assert.equal(dryRes.status(), 422);
  assert.match(dryRes.url(), /dry_run=true/);
  assert.match(dryRes.url(), /crs=gcj02/);
  await page.waitForSelector('#import-errors');
  const rows = await page.$$eval('#import-errors tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 1);
  assert.match(rows[0][0], /^2/, 'row 2 of the data');
  assert.match(rows[0][0], /表格第3行/, 'row 3 of the spreadsheet');
  assert.match(rows[0][1], /lon/);
  assert.equal(rows[0][2], 'missing_coordinate');
  assert.match(rows[0][3], /[\u4e00-\u9fff]/, 'the detail is in Chinese, the page\'s language');
  assert.doesNotMatch(rows[0][3], /placeholder|coordinate/, rows[0][3]);
  assert.ok(await page.isDisabled('#import-apply'), 'no import after a failed check');
  assert.equal((await station('E2E-IMP-1')).status, 404, 'nothing written');
  await usable(page);
  await shot(page, 'import-errors', '#import-errors');

  const good = header + 'E2E-IMP-1,癸号导入测试驿站,caring_station,123.4100,41.7950,沈阳市,周一至周五 9:00-17:00,hot_water\n' +
    'E2E-IMP-2,子号导入测试驿站,caring_station,123.4120,41.7950,沈阳市,,hot_water\n';
  await page.setInputFiles('#import-file', { name: 'stations.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  assert.ok(await page.isDisabled('#import-apply'));
  await page.click('#import-check');
  await waitText(page, '.screen .message', '检查通过：2行，将新增2个、更新0个、0个不变。可以导入了。');
  assert.equal((await station('E2E-IMP-1')).status, 404, 'a check writes nothing');
  const real = page.waitForResponse((r) => r.url().includes('/api/v1/admin/imports') && r.url().includes('dry_run=false'));
  await page.click('#import-apply');
  assert.equal((await real).status(), 200);
  await page.waitForSelector('.screen .message[data-kind="ok"]');
  assert.match(await page.textContent('.screen .message'), /已导入：新增2个、更新0个、0个不变/);
  const imported = await station('E2E-IMP-1');
  assert.equal(imported.status, 200);
  assert.equal(imported.props.name, '癸号导入测试驿站');
  assert.equal(imported.props.opening_hours, 'Mo-Fr 09:00-17:00');
  await clean(page, problems);
  await context.close();
});

test('admin export: the links answer 200 with the right content types', async () => {
  const admin = account('admin');
  const { context, page, problems } = await phone();
  await signIn(page, admin);
  await page.click('#tabs a[href="#/import"]');
  await page.waitForSelector('a[data-format="csv"]');
  const want = {
    csv: 'text/csv; charset=utf-8',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    geojson: 'application/geo+json',
  };
  for (const [format, type] of Object.entries(want)) {
    const href = await page.getAttribute(`a[data-format="${format}"]`, 'href');
    const res = await context.request.get(srv.base + href);
    assert.equal(res.status(), 200, format);
    assert.equal(res.headers()['content-type'], type);
  }
  const download = page.waitForEvent('download');
  await page.click('a[data-format="csv"]');
  assert.match((await download).suggestedFilename(), /^yizhan-stations-v\d+\.csv$/);
  await usable(page);
  await clean(page, problems);
  await context.close();
});

test('admin accounts: create an operator, assign a station with the search, disable and enable; they sign in to it', async () => {
  const admin = account('admin');
  const { context, page, problems } = await phone();
  await signIn(page, admin);
  await page.click('#tabs a[href="#/users"]');
  await page.waitForSelector('#users table');
  const name = `newop${accounts}`;
  const password = 'a brand new pass phrase';

  await page.getByLabel('用户名').fill(name);
  await page.getByLabel('新密码').fill('short');
  await page.getByRole('button', { name: '创建账号' }).click();
  await page.waitForSelector('[data-field="password"] .field-error:not([hidden])');
  await page.getByLabel('新密码').fill(password);
  await page.getByRole('button', { name: '创建账号' }).click();
  await page.waitForSelector(`#users tr[data-username="${name}"]`);
  await usable(page);
  await page.click('#new-user-link');
  await page.waitForSelector('#assign-search');

  await page.fill('#assign-search', '壬号管理');
  await page.waitForSelector('#assign-results li[data-id="E2E-M-09"]');
  await page.click('#assign-results li[data-id="E2E-M-09"] button');
  await page.waitForSelector('#assigned li[data-id="E2E-M-09"]');
  const put = page.waitForResponse((r) => r.url().endsWith('/stations') && r.request().method() === 'PUT');
  await page.click('#assign-save');
  assert.equal((await put).status(), 200);
  await waitText(page, '.assign .message', '已保存：负责1个驿站。');
  await usable(page);
  await shot(page, 'user', '#assigned');

  await page.click('#toggle-disabled');
  await waitText(page, '#user-state', '已停用');
  const refused = await phone();
  await refused.page.goto(`${srv.base}/manage.html`);
  await refused.page.waitForSelector('body[data-ready="true"]');
  await refused.page.getByLabel('用户名').fill(name);
  await refused.page.getByLabel('密码', { exact: true }).fill(password);
  await refused.page.getByRole('button', { name: '登录', exact: true }).click();
  await waitText(refused.page, '.login-error', '用户名或密码不对，或者账号已停用。');
  await refused.context.close();
  await page.click('#toggle-disabled');
  await waitText(page, '#user-state', '启用');

  const theirs = await phone();
  await signIn(theirs.page, { name, password });
  await theirs.page.waitForSelector('#my-stations:not([aria-busy])');
  assert.deepEqual(await theirs.page.$$eval('#my-stations li[data-id]', (els) => els.map((e) => e.dataset.id)), ['E2E-M-09']);
  await clean(theirs.page, theirs.problems);
  await theirs.context.close();
  await clean(page, problems);
  await context.close();
});

test('admin: every station to find and edit, and all reports', async () => {
  const admin = account('admin');
  const r = await fetch(`${srv.base}/api/v1/stations/E2E-M-02/reports`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'wrong_hours', note: '管理员能看到' }),
  });
  assert.equal(r.status, 201);
  const { context, page, problems } = await phone();
  await signIn(page, admin);
  await page.waitForSelector('#my-stations li[data-id]');
  assert.match(await page.textContent('.screen .count'), /第1页/);
  await page.getByLabel('查找驿站').fill('乙号管理');
  await page.waitForSelector('#my-stations li[data-id="E2E-M-02"]:only-child');
  await usable(page);
  await page.click('#tabs a[href="#/reports"]');
  await page.waitForSelector('#reports li');
  assert.match(await page.textContent('.screen-title'), /全部问题报告/);
  assert.match(await page.textContent('#reports'), /管理员能看到/);
  await clean(page, problems);
  await context.close();
});

test('with the rider\'s service worker installed, /manage.html is itself, online and offline', async () => {
  const { context, page, problems } = await phone();
  await page.goto(`${srv.base}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker controls the rider page');
  // The way in for station staff is at the foot of the rider's page, out of the riders' header.
  const link = page.locator('footer #manage-link');
  assert.match(await link.textContent(), /管理/);
  const box = await link.boundingBox();
  assert.ok(box.width >= 48 && box.height >= 48, 'a 48 px link');

  await link.click();
  await page.waitForSelector('form.login');
  assert.equal(await page.evaluate(() => location.pathname), '/manage.html');
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'answered through the worker');

  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('form.login');
  assert.match(await page.textContent('.notice'), /无法连接服务器/);
  await context.setOffline(false);
  await clean(page, problems);
  await context.close();
});
