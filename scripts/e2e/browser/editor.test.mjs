// The station editor and the accounts in a clerk's terms (issue 16), in headless Chromium at 360 px and
// 1280 px against the real server: "still accurate" after the details, asked about once, saving what
// is unsaved with it; an admin renames a station and drags its pin (stored where dropped), operators
// see those fields read-only; a generated password signs in; an account's name and phone; stations
// assigned a district at a time; a language switch keeps what was typed; leaving with it unsaved asks.
// With YIZHAN_SCREENSHOTS=DIR it saves the editor (admin, operator) and the accounts at 360×640 and
// 1280×800.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer, root } from './server.mjs';

const sizes = [
  { name: '360', viewport: { width: 360, height: 640 }, mobile: true },
  { name: '1280', viewport: { width: 1280, height: 800 }, mobile: false },
];

// The tests' own stations in Shenyang's Heping district, beside the seed: one per test and size.
const ids = [];
for (const size of sizes) for (let i = 1; i <= 6; i++) ids.push(`E2E-E-${size.name}-${i}`);
const extraCSV = 'id,name,kind,lon,lat,address,city,district,adcode,opening_hours,amenities,status,phone\n' +
  ids.map((id, i) => `${id},编辑测试驿站${i + 1}号,caring_station,${(123.41 + (i % 6) / 2000).toFixed(5)},${(41.79 + Math.floor(i / 6) / 2000).toFixed(5)},` +
    `沈阳市和平区测试街${i + 1}号,沈阳市,和平区,210102,Mo-Fr 08:00-17:00,drinking_water;hot_water,open,024-2222${String(1000 + i)}`).join('\n') + '\n';

let srv;
let browser;
let accounts = 0;

before(async () => {
  srv = await startServer({ extraCSV });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** A new account made with the command line while the server runs: {name, password}. */
function account(role, stationIds = []) {
  const name = `e2ed${role.slice(0, 2)}${++accounts}`;
  const password = `pass phrase for ${name}`;
  const args = ['user', 'add', name, '--role', role, '--db', srv.db];
  if (stationIds.length) args.push('--stations', stationIds.join(','));
  execFileSync(srv.bin, args, { cwd: root, input: password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  return { name, password };
}

async function station(id) {
  const res = await fetch(`${srv.base}/api/v1/stations/${id}`);
  return res.status === 200 ? res.json() : null;
}

/** An admin's API session: {cookie, csrf}. */
async function apiSession({ name, password }) {
  const res = await fetch(`${srv.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: name, password }),
  });
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0], body: res.status === 200 ? await res.json() : null };
}

/** A fresh browser at size: its own storage, Chinese, watching for CSP violations and errors. */
async function device(size) {
  const context = await browser.newContext({
    viewport: size.viewport, deviceScaleFactor: size.mobile ? 2 : 1, isMobile: size.mobile, hasTouch: size.mobile,
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

async function clean(page, problems) {
  assert.deepEqual(await page.evaluate(() => window.__csp || []), [], 'Content-Security-Policy violations');
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource') && !/WebGL|GPU stall|GroupMarkerNotSet/i.test(p)), [], 'errors in the page');
}

/** Nothing wider than the screen; every control at least 48 px; every input labelled. */
async function usable(page, width) {
  assert.ok(await page.evaluate((w) => document.documentElement.scrollWidth <= w, width), `wider than ${width} px`);
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

async function openEditor(page, id) {
  await page.goto(`${srv.base}/manage.html#/station/${id}`);
  await page.waitForSelector('#verify');
  await page.waitForSelector('#hours-preview[data-status="parsed"]');
}

const waitText = (page, sel, text) => page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [sel, text]);
const patched = (page, id) => page.waitForResponse((r) => r.url().endsWith(`/api/v1/stations/${id}`) && r.request().method() === 'PATCH');
const top = (page, sel) => page.$eval(sel, (e) => e.getBoundingClientRect().top + scrollY);

async function shot(page, name, selector) {
  const dir = process.env.YIZHAN_SCREENSHOTS;
  if (!dir) return;
  if (selector) await page.locator(selector).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${dir}/${name}.png` });
}

for (const size of sizes) {
  const W = size.viewport.width;
  const sid = (i) => `E2E-E-${size.name}-${i}`;

  test(`${W} px: "still accurate" comes after the details, asks once whether they were checked, and saves unsaved changes with it`, async () => {
    const op = account('operator', [sid(1)]);
    const { context, page, problems } = await device(size);
    await signIn(page, op);
    await openEditor(page, sid(1));
    // After the hours, the amenities, the status and the phone; not the biggest control.
    for (const before of ['#h-hours', '#h-am', '[data-field="phone"]', '#save']) {
      assert.ok(await top(page, before) < await top(page, '#verify'), `${before} comes before the confirmation`);
    }
    const area = (sel) => page.$eval(sel, (e) => e.getBoundingClientRect().width * e.getBoundingClientRect().height);
    assert.ok(await area('#verify') < await area('#save'), 'the confirmation is smaller than the save button');
    assert.equal(await page.getAttribute('#verify', 'class'), 'secondary');
    await usable(page, W);
    await shot(page, `editor-operator-${W}`);
    await shot(page, `editor-operator-confirm-${W}`, '#verify');

    // The first time: asked; "look again" changes nothing.
    let sent = 0;
    page.on('request', (r) => { if (r.method() === 'PATCH') sent++; });
    await page.click('#verify');
    await page.waitForSelector('dialog.ask[open]');
    assert.match(await page.textContent('dialog.ask'), /时间、设施、电话都核对过了吗？/);
    await shot(page, `editor-confirm-question-${W}`);
    await page.click('dialog.ask [data-answer="no"]');
    await waitText(page, '.verify-bar .message', '还没有确认。');
    assert.equal(sent, 0);
    assert.equal((await station(sid(1))).properties.verified_at, null);

    await page.click('#verify');
    await page.waitForSelector('dialog.ask[open]');
    let res = patched(page, sid(1));
    await page.click('dialog.ask [data-answer="yes"]');
    assert.deepEqual(JSON.parse((await res).request().postData()), { verified: true });
    await waitText(page, '.verify-bar .message', '已确认信息无误。');
    assert.ok((await station(sid(1))).properties.verified_at);

    // Asked once in this browser: the next confirmation goes straight through, also after a reload.
    await page.reload();
    await page.waitForSelector('#verify');
    res = patched(page, sid(1));
    await page.click('#verify');
    assert.equal((await res).status(), 200);
    assert.equal(await page.locator('dialog.ask').count(), 0, 'not asked a second time');

    // With an unsaved change: asked to save it with the confirmation, in one edit.
    const version = (await station(sid(1))).properties.version;
    await page.getByLabel('电话', { exact: true }).fill('024-99998888');
    await page.click('#verify');
    await page.waitForSelector('dialog.ask[open]');
    assert.match(await page.textContent('dialog.ask'), /电话/);
    res = patched(page, sid(1));
    await page.click('dialog.ask [data-answer="yes"]');
    assert.deepEqual(JSON.parse((await res).request().postData()), { phone: '024-99998888', verified: true });
    await page.waitForSelector('.verify-bar .message[data-kind="ok"]');
    const now = (await station(sid(1))).properties;
    assert.equal(now.phone, '024-99998888');
    assert.equal(now.version, version + 1);
    await clean(page, problems);
    await context.close();
  });

  test(`${W} px: an admin renames a station and drags its pin; it is stored where dropped; an operator sees those fields read-only`, async () => {
    const admin = account('admin');
    const { context, page, problems } = await device(size);
    await signIn(page, admin);
    await openEditor(page, sid(2));
    const before = await station(sid(2));
    await page.getByLabel('名称', { exact: true }).fill('编辑测试驿站（新名）');
    await page.getByLabel('地址', { exact: true }).fill('沈阳市和平区新华路1号');
    await page.getByLabel('服务对象', { exact: true }).selectOption('drivers');
    assert.equal(await page.evaluate(() => Boolean(window.maplibregl) || [...document.scripts].some((s) => s.src.includes('maplibre'))), false);
    assert.equal(await page.locator('link[data-maplibre]').count(), 0, 'MapLibre is not loaded before the map is opened');
    await page.click('#position > summary');
    await page.waitForSelector('#pin-map[data-ready="true"]', { timeout: 30000 });
    await page.locator('#pin-map').scrollIntoViewIfNeeded();
    await usable(page, W);
    await shot(page, `editor-admin-${W}`, '#h-basics');
    await shot(page, `editor-admin-map-${W}`, '#pin-map');

    // Drag the pin with the mouse: 60 px east, 40 px north.
    const pin = await page.locator('[data-pin]').boundingBox();
    const x = pin.x + pin.width / 2, y = pin.y + pin.height - 6;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(x + 6 * k, y - 4 * k);
    await page.mouse.up();
    await page.waitForSelector('#moved[data-moved="true"]');
    const moved = await page.textContent('#moved');
    assert.match(moved, /^向东北移动了 \d+米（未保存）$/, moved);
    const [lon, lat] = (await page.textContent('#coords')).match(/\d+\.\d+/g).map(Number);
    const [lon0, lat0] = before.geometry.coordinates;
    assert.ok(lon > lon0 && lat > lat0, `moved north-east: ${lon0},${lat0} → ${lon},${lat}`);
    await shot(page, `editor-admin-moved-${W}`, '#moved');

    const res = patched(page, sid(2));
    await page.click('#save');
    const answer = await res;
    assert.equal(answer.status(), 200, await answer.text());
    const body = JSON.parse(answer.request().postData());
    assert.deepEqual(Object.keys(body).sort(), ['address', 'audience', 'lat', 'lon', 'name']);
    const after = await station(sid(2));
    assert.equal(after.properties.name, '编辑测试驿站（新名）');
    assert.equal(after.properties.audience, 'drivers');
    assert.ok(Math.abs(after.geometry.coordinates[0] - lon) < 2e-6 && Math.abs(after.geometry.coordinates[1] - lat) < 2e-6,
      `stored ${after.geometry.coordinates} where dropped ${lon},${lat}`);
    assert.equal(await page.textContent('.screen-title'), '编辑测试驿站（新名）');
    await waitText(page, '#moved', '位置没有改动。');

    // The keyboard moves the pin as well.
    await page.focus('[data-pin]');
    await page.keyboard.press('Shift+ArrowUp');
    await page.waitForFunction(() => /^向北移动了/.test(document.querySelector('#moved').textContent));
    await page.click('#pin-undo');
    await waitText(page, '#moved', '位置没有改动。');

    // A point far from its district is refused next to the map, and nothing changes.
    for (let k = 0; k < 7; k++) await page.click('.maplibregl-ctrl-zoom-out');
    // Until the zoom's animation ends: the pin in the same place two frames apart.
    await page.waitForFunction(() => new Promise((resolve) => {
      const pin = document.querySelector('[data-pin]');
      const a = pin.getBoundingClientRect();
      requestAnimationFrame(() => requestAnimationFrame(() => {
        const b = pin.getBoundingClientRect();
        resolve(a.x === b.x && a.y === b.y);
      }));
    }));
    const far = await page.locator('[data-pin]').boundingBox();
    const fx = far.x + far.width / 2, fy = far.y + far.height - 6;
    await page.mouse.move(fx, fy);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(fx - 12 * k, fy + 8 * k);
    await page.mouse.up();
    await page.waitForFunction(() => /公里/.test(document.querySelector('#moved')?.textContent));
    const refused = patched(page, sid(2));
    await page.click('#save');
    assert.equal((await refused).status(), 400);
    await page.waitForSelector('#position ~ .field-error:not([hidden])');
    assert.match(await page.textContent('#position ~ .field-error'), /和平区/);
    assert.match(await page.textContent('.save-bar .message'), /位置/);
    await shot(page, `editor-admin-refused-${W}`, '#position ~ .field-error');
    assert.deepEqual((await station(sid(2))).geometry.coordinates, after.geometry.coordinates);
    await page.click('#pin-undo');
    await waitText(page, '#moved', '位置没有改动。');

    // The operator of the station: the same fields, read-only, and no map.
    const op = account('operator', [sid(2)]);
    const other = await device(size);
    await signIn(other.page, op);
    await openEditor(other.page, sid(2));
    assert.equal(await other.page.locator('input[name="name"], select[name="kind"], input[name="address"], input[name="operator"], select[name="audience"]').count(), 0);
    assert.equal(await other.page.locator('#position').count(), 0);
    assert.match(await other.page.textContent('#basics-read'), /编辑测试驿站（新名）/);
    assert.match(await other.page.textContent('#basics-read'), /司机/);
    await usable(other.page, W);
    await clean(other.page, other.problems);
    await other.context.close();
    await clean(page, problems);
    await context.close();
  });

  test(`${W} px: accounts: a generated password signs in, a name and phone are kept, a district's stations are assigned`, async () => {
    const admin = account('admin');
    const { context, page, problems } = await device(size);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.base });
    await signIn(page, admin);
    await page.click('#tabs a[href="#/users"]');
    await page.waitForSelector('#users table');
    const name = `gen${size.name}op`;
    await page.getByLabel('用户名').fill(name);
    await page.getByLabel('姓名和单位').fill('王丽 · 和平区总工会');
    await page.getByLabel('电话').fill('13912345678');
    await page.click('#new-password-generate');
    const password = await page.textContent('#new-password-shown');
    assert.match(password, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    assert.equal(await page.inputValue('#new-password'), password);
    assert.match(await page.textContent('#new-password-box'), /只显示这一次/);
    await page.click('#new-password-copy');
    await waitText(page, '#new-password-box .message', '已复制。');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), password);
    await usable(page, W);
    await page.getByRole('button', { name: '创建账号' }).click();
    await page.waitForSelector(`#users tr[data-username="${name}"]`);
    assert.match(await page.textContent(`#users tr[data-username="${name}"]`), /王丽 · 和平区总工会.*13912345678/);
    assert.equal(await page.textContent('#new-password-shown'), password, 'still shown after creating, until she leaves');
    await shot(page, `accounts-${W}`);
    const signed = await apiSession({ name, password });
    assert.equal(signed.status, 200, 'the generated password signs in');

    // The account's page: the contact, changed; a district's stations.
    await page.click('#new-user-link');
    await page.waitForSelector('#assign-city option[value="210100"]', { state: 'attached' });
    assert.equal(await page.textContent('#fact-name'), '王丽 · 和平区总工会');
    await page.fill('#user-phone', '024-23456789');
    await page.click('#contact-save');
    await waitText(page, '#fact-phone', '024-23456789');
    const users = await page.evaluate(async () => (await (await fetch('/api/v1/admin/users')).json()).users);
    assert.equal(users.find((u) => u.username === name).phone, '024-23456789');

    await page.selectOption('#assign-city', '210100');
    await page.selectOption('#assign-district', '210102'); // 和平区
    await page.waitForSelector('#assign-district-add:not([hidden])');
    const count = Number((await page.textContent('#assign-district-add')).match(/\d+/)[0]);
    assert.ok(count >= 12, `Heping has at least the tests' 12 stations: ${count}`);
    await page.click('#assign-district-add');
    assert.equal(await page.locator('#assigned li[data-id]').count(), count);
    assert.equal(await page.locator(`#assigned li[data-id="${sid(3)}"]`).count(), 1);
    await usable(page, W);
    await shot(page, `account-${W}`, '#assign-city');
    const put = page.waitForResponse((r) => r.url().endsWith('/stations') && r.request().method() === 'PUT');
    await page.click('#assign-save');
    assert.equal((await put).status(), 200);
    const mine = await (await fetch(`${srv.base}/api/v1/my/stations`, { headers: { Cookie: signed.cookie } })).json();
    assert.equal(mine.features.length, count);
    await clean(page, problems);
    await context.close();
  });

  test(`${W} px: switching language keeps what was typed in the editor and the account forms`, async () => {
    const admin = account('admin');
    const { context, page, problems } = await device(size);
    await signIn(page, admin);
    await openEditor(page, sid(4));
    await page.getByLabel('电话', { exact: true }).fill('024-11112222');
    await page.getByLabel('名称', { exact: true }).fill('换语言测试驿站');
    await page.getByRole('checkbox', { name: '卫生间', exact: true }).check();
    await page.click('#lang');
    await page.waitForSelector('html[lang="en"]');
    await page.waitForSelector('#verify');
    assert.equal(await page.getByLabel('Phone', { exact: true }).inputValue(), '024-11112222');
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), '换语言测试驿站');
    assert.ok(await page.getByRole('checkbox', { name: 'Toilet', exact: true }).isChecked());
    await page.click('#lang');
    await page.waitForSelector('html[lang="zh-CN"]');
    await page.waitForSelector('#verify');
    const res = patched(page, sid(4));
    await page.click('#save');
    const body = JSON.parse((await res).request().postData());
    assert.equal(body.phone, '024-11112222');
    assert.equal(body.name, '换语言测试驿站');
    assert.ok(body.amenities.includes('toilet'));

    await page.click('#tabs a[href="#/users"]');
    await page.waitForSelector('#users table');
    await page.getByLabel('用户名').fill('halfdone');
    await page.getByLabel('姓名和单位').fill('李明');
    await page.click('#new-password-generate');
    const password = await page.textContent('#new-password-shown');
    await page.click('#lang');
    await page.waitForSelector('html[lang="en"]');
    await page.waitForSelector('#users table');
    assert.equal(await page.getByLabel('Username').inputValue(), 'halfdone');
    assert.equal(await page.getByLabel('Name and organisation').inputValue(), '李明');
    assert.equal(await page.textContent('#new-password-shown'), password, 'the generated password is still shown');
    await page.click('#lang');
    await clean(page, problems);
    await context.close();
  });

  test(`${W} px: leaving with unsaved edits asks first, in the page's language`, async () => {
    const op = account('operator', [sid(5)]);
    const { context, page, problems } = await device(size);
    await signIn(page, op);
    await openEditor(page, sid(5));
    await page.getByLabel('说明', { exact: true }).fill('还没保存的说明');
    // Another screen of the page: asked; staying keeps the edit.
    await page.click('#tabs a[href="#/reports"]');
    await page.waitForSelector('dialog.ask[open]');
    assert.match(await page.textContent('dialog.ask'), /你的修改还没有保存/);
    await shot(page, `editor-leave-${W}`);
    await page.click('dialog.ask [data-answer="stay"]');
    assert.equal(await page.evaluate(() => location.hash), `#/station/${sid(5)}`);
    assert.equal(await page.getByLabel('说明', { exact: true }).inputValue(), '还没保存的说明');
    // The back button: asked too.
    await page.goBack();
    await page.waitForSelector('dialog.ask[open]');
    await page.click('dialog.ask [data-answer="stay"]');
    assert.equal(await page.evaluate(() => location.hash), `#/station/${sid(5)}`);
    assert.equal(await page.getByLabel('说明', { exact: true }).inputValue(), '还没保存的说明');
    // Closing or going elsewhere: the browser asks (beforeunload).
    const asked = new Promise((resolve) => page.once('dialog', async (d) => { resolve(d.type()); await d.dismiss(); }));
    page.goto(`${srv.base}/`).catch(() => {});
    assert.equal(await asked, 'beforeunload');
    assert.equal(await page.evaluate(() => location.pathname), '/manage.html');
    // Leaving when she says so.
    await page.click('#tabs a[href="#/reports"]');
    await page.waitForSelector('dialog.ask[open]');
    await page.click('dialog.ask [data-answer="leave"]');
    await page.waitForFunction(() => location.hash === '#/reports');
    await page.waitForSelector('.screen-title');
    // Saved: nothing to ask.
    await openEditor(page, sid(5));
    await page.click('#tabs a[href="#/reports"]');
    await page.waitForFunction(() => location.hash === '#/reports');
    assert.equal(await page.locator('dialog.ask').count(), 0);
    await clean(page, problems);
    await context.close();
  });
}
