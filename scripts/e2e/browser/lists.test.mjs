// Lists that show what needs attention (/manage.html), at 360 px and 1280 px against the real server:
// an operator's stations sorted by need with their badges and counts, an admin's every station
// filtered by place and need a page at a time, and a station's history a page at a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer, root } from './server.mjs';

// L-05's hours are words nobody can read; none of them was ever confirmed.
const extraCSV = 'id,name,kind,lon,lat,address,city,district,adcode,opening_hours,amenities,status\n' + [
  ['E2E-L-01', '一号待办测试驿站', 'Mo-Fr 08:00-17:00'],
  ['E2E-L-02', '二号待办测试驿站', 'Mo-Fr 08:00-17:00'],
  ['E2E-L-03', '三号待办测试驿站', 'Mo-Fr 08:00-17:00'],
  ['E2E-L-04', '四号待办测试驿站', 'Mo-Fr 08:00-17:00'],
  ['E2E-L-05', '五号待办测试驿站', '看心情开门'],
].map(([id, name, hours], i) => `${id},${name},caring_station,${(123.40 + i / 1000).toFixed(4)},41.7950,沈阳市和平区待办路${i + 1}号,沈阳市,和平区,210102,${hours},hot_water,open`).join('\n') + '\n';
const mine = ['E2E-L-01', 'E2E-L-02', 'E2E-L-03', 'E2E-L-04', 'E2E-L-05'];

let srv;
let browser;
const admin = { name: 'e2elistadmin', password: 'pass phrase for the list admin' };
const op = { name: 'e2elistop', password: 'pass phrase for the list operator' };

function account({ name, password }, role, stationIds = []) {
  const args = ['user', 'add', name, '--role', role, '--db', srv.db];
  if (stationIds.length) args.push('--stations', stationIds.join(','));
  execFileSync(srv.bin, args, { cwd: root, input: password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
}

async function apiSession({ name, password }) {
  const res = await fetch(`${srv.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: name, password }),
  });
  assert.equal(res.status, 200);
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: (await res.json()).csrf_token };
}

async function edit(session, id, body) {
  const got = await fetch(`${srv.base}/api/v1/stations/${id}`);
  const res = await fetch(`${srv.base}/api/v1/stations/${id}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'If-Match': got.headers.get('ETag') },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
}

before(async () => {
  srv = await startServer({ extraCSV });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  account(admin, 'admin');
  account(op, 'operator', mine);
  // Riders report problems: two on L-02, one on L-04.
  for (const id of ['E2E-L-02', 'E2E-L-02', 'E2E-L-04']) {
    const res = await fetch(`${srv.base}/api/v1/stations/${id}/reports`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'closed' }),
    });
    assert.equal(res.status, 201);
  }
  // L-01 confirmed today, then its note changed 20 times: no need, and a history longer than a page.
  const session = await apiSession(admin);
  await edit(session, 'E2E-L-01', { verified: true });
  for (let i = 1; i <= 20; i++) await edit(session, 'E2E-L-01', { status_note: `第${i}次检修` });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function open(width, height) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: width < 500, hasTouch: width < 500 });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('Failed to load resource')) problems.push(`console: ${m.text()}`); });
  return { context, page, problems };
}

async function signIn(page, { name, password }) {
  await page.goto(`${srv.base}/manage.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByLabel('用户名').fill(name);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForSelector('#my-stations:not([aria-busy])');
}

const listed = (page) => page.$$eval('#my-stations li[data-id]', (els) => els.map((e) => e.dataset.id));

/** Nothing wider than the screen, and every control big enough for a gloved thumb. */
async function usable(page, width) {
  assert.ok(await page.evaluate((w) => document.documentElement.scrollWidth <= w, width), `wider than ${width} px`);
  const small = await page.$$eval('button, select, input:not([type="checkbox"]):not([type="radio"]), a.tab, summary',
    (els) => els.filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.height < 48 || r.width < 48); })
      .map((e) => `${e.tagName} ${e.id || e.className} ${e.textContent.slice(0, 20)}`));
  assert.deepEqual(small, [], 'touch targets under 48 px');
}

async function shot(page, name) {
  const dir = process.env.YIZHAN_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

for (const [width, height] of [[360, 740], [1280, 800]]) {
  test(`an operator's stations come sorted by what needs her, with badges and counts (${width} px)`, async () => {
    const { context, page, problems } = await open(width, height);
    await signIn(page, op);
    assert.deepEqual(await listed(page), ['E2E-L-02', 'E2E-L-04', 'E2E-L-03', 'E2E-L-05', 'E2E-L-01']);
    assert.match(await page.textContent('#my-stations li[data-id="E2E-L-02"]'), /2个问题待处理/);
    const five = await page.textContent('#my-stations li[data-id="E2E-L-05"]');
    assert.match(five, /从未确认/);
    assert.match(five, /营业时间不明/);
    assert.doesNotMatch(await page.textContent('#my-stations li[data-id="E2E-L-01"]'), /待处理|未确认|不明/);
    const chips = await page.$$eval('.need-chip', (els) => els.map((e) => e.textContent));
    assert.deepEqual(chips, ['2个驿站有问题反馈', '4个驿站超过半年未确认', '1个驿站营业时间不明']);
    await usable(page, width);
    await shot(page, `lists-operator-${width}`);

    // A count shows just those stations; pressed again, all of them.
    await page.click('.need-chip[data-need="open_reports"]');
    await page.waitForFunction(() => document.querySelectorAll('#my-stations li[data-id]').length === 2);
    assert.deepEqual(await listed(page), ['E2E-L-02', 'E2E-L-04']);
    await page.click('.need-chip[data-need="open_reports"]');
    await page.waitForFunction(() => document.querySelectorAll('#my-stations li[data-id]').length === 5);

    // History a page at a time: the newest 20, then the older ones.
    await page.click('#my-stations li[data-id="E2E-L-01"] a');
    await page.waitForSelector('#history li');
    assert.equal(await page.locator('#history li').count(), 20);
    await page.click('#older-history');
    await page.waitForFunction(() => document.querySelectorAll('#history li').length === 22); // with the import's
    assert.ok(await page.locator('#older-history').isHidden(), 'no older page after the last');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`an admin filters every station by place and need, a page at a time (${width} px)`, async () => {
    const { context, page, problems } = await open(width, height);
    await signIn(page, admin);
    const status = () => page.textContent('#view .count');
    assert.match(await status(), /^第1页，共\d+页（\d+个驿站）$/);
    const firstPage = await listed(page);
    assert.equal(firstPage.length, 50);
    await page.click('#stations-page-next');
    await page.waitForFunction((first) => document.querySelector('#my-stations li[data-id]')?.dataset.id !== first && !document.querySelector('#my-stations[aria-busy]'), firstPage[0]);
    assert.match(await status(), /^第2页/);

    // 沈阳市 → 和平区: the list and its count are the server's for that district.
    if (!await page.locator('.filters-box').evaluate((d) => d.open)) await page.click('.filters-box > summary');
    await page.waitForSelector('select[name="city"] option[value="210100"]', { state: 'attached' });
    await page.selectOption('select[name="city"]', '210100');
    await page.waitForSelector('select[name="district"] option[value="210102"]', { state: 'attached' });
    assert.equal(await page.locator('select[name="district"] option').count(), 1 + 13, 'any, and 沈阳市\'s 13 districts');
    await page.selectOption('select[name="district"]', '210102');
    await page.waitForFunction(() => /^第1页/.test(document.querySelector('#view .count').textContent) && !document.querySelector('#my-stations[aria-busy]'));
    const session = await apiSession(admin);
    const api = await (await fetch(`${srv.base}/api/v1/my/stations?district=210102&per_page=1`, { headers: { Cookie: session.cookie } })).json();
    assert.match(await status(), new RegExp(`（${api.meta.total}个驿站）`));
    for (const id of await listed(page)) assert.ok(id.startsWith('LN-210102-') || id.startsWith('E2E-L-'), id);

    // Stations with open problems in that district: the two of ours.
    await page.click('.need-chip[data-need="open_reports"]');
    await page.waitForFunction(() => document.querySelectorAll('#my-stations li[data-id]').length === 2);
    assert.deepEqual(await listed(page), ['E2E-L-02', 'E2E-L-04']);
    await usable(page, width);
    await shot(page, `lists-admin-${width}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
