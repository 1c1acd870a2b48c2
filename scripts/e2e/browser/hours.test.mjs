// Opening hours on the management page in the operator's words, in headless Chromium against the real
// server at 360 px and 1280 px: the saved hours, the live preview and the history in words (OSM syntax
// only in the "advanced" view), the weekly grid first, a winter text with its months, and a text that
// is not understood shown with what was read and examples to copy, never as a week of "?".
// With YIZHAN_SCREENSHOTS=DIR, saves the editor with a good, a seasonal and a not-understood text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, root } from './server.mjs';

const ids = ['E2E-H-01', 'E2E-H-02', 'E2E-H-03'];
const extraCSV = 'id,name,kind,lon,lat,address,opening_hours,amenities,status,phone\n' +
  ids.map((id, i) => `${id},时间测试驿站${i + 1},caring_station,${(123.50 + i / 1000).toFixed(4)},41.8000,沈阳市和平区时间路${i + 1}号,Mo-Fr 09:00-17:00; PH off,hot_water,open,024-22220000`).join('\n') + '\n';

if (process.env.YIZHAN_SCREENSHOTS) mkdirSync(process.env.YIZHAN_SCREENSHOTS, { recursive: true });

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

function account(stationIds) {
  const name = `e2ehours${++accounts}`;
  const password = `pass phrase for ${name}`;
  execFileSync(srv.bin, ['user', 'add', name, '--role', 'operator', '--db', srv.db, '--stations', stationIds.join(',')],
    { cwd: root, input: password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  return { name, password };
}

const screens = {
  phone: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 } },
};

async function open(kind, op, id, lang = 'zh-CN') {
  const context = await browser.newContext({ ...screens[kind], locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await context.addInitScript((l) => localStorage.setItem('yizhan.lang', l), lang);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${srv.base}/manage.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.fill('form.login input[name="username"]', op.name);
  await page.fill('form.login input[type="password"]', op.password);
  await page.click('form.login button[type="submit"]');
  await page.waitForSelector('#tabs:not([hidden])');
  await page.click(`#my-stations li[data-id="${id}"] a`);
  await page.waitForSelector('#hours-preview[data-status="parsed"]');
  return { context, page, problems };
}

/** Visible OSM syntax: weekday codes, PH, off, HH:MM-HH:MM, month ranges. */
const OSM = /\b(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b|\boff\b|\d\d:\d\d-\d\d:\d\d|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-/;

async function noOSM(page, where) {
  // innerText leaves out what is not rendered, such as the closed advanced view.
  const text = await page.evaluate(() => document.querySelector('.screen.editor').innerText);
  assert.doesNotMatch(text, OSM, `OSM syntax shown ${where}`);
}

async function shot(page, name) {
  const dir = process.env.YIZHAN_SCREENSHOTS;
  if (!dir) return;
  await page.locator('.hours-editor').scrollIntoViewIfNeeded();
  await page.locator('#hours-text').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${dir}/${name}.png` });
}

const typeHours = async (page, text, status) => {
  await page.fill('#hours-text', text);
  await page.waitForFunction(([t, s]) => document.querySelector('#hours-osm')?.textContent !== '' &&
    document.querySelector('#hours-preview')?.dataset.status === s &&
    !document.querySelector('#hours-preview')?.hasAttribute('aria-busy') && document.querySelector('#hours-text').value === t, [text, status]);
};

for (const [kind, id] of [['phone', 'E2E-H-01'], ['desktop', 'E2E-H-02']]) {
  test(`hours in words on the ${kind}: saved, previewed, seasonal, not understood, history`, async () => {
    const op = account([id]);
    const { context, page, problems } = await open(kind, op, id);
    const width = screens[kind].viewport.width;

    // The saved hours in words; OSM syntax only behind "advanced"; the grid before the text box.
    assert.match(await page.textContent('#hours-saved'), /周一至周五 9:00–17:00.*法定节假日休息/);
    assert.match(await page.textContent('#hours-words'), /周一至周五 9:00–17:00，法定节假日休息/);
    await noOSM(page, 'with the saved hours');
    assert.ok(!(await page.isVisible('#hours-osm')), 'the advanced view starts closed');
    await page.click('#hours-advanced > summary');
    assert.equal(await page.textContent('#hours-osm'), 'Mo-Fr 09:00-17:00; PH off');
    await page.click('#hours-advanced > summary');
    if (process.env.YIZHAN_SCREENSHOTS) {
      await page.locator('#h-hours').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.querySelector('#h-hours').scrollIntoView());
      await page.screenshot({ path: `${process.env.YIZHAN_SCREENSHOTS}/hours-top-${width}.png` });
    }
    assert.ok(await page.evaluate(() => {
      const grid = document.querySelector('.hours-editor .grid-box');
      return Boolean(grid.compareDocumentPosition(document.querySelector('#hours-text')) & Node.DOCUMENT_POSITION_FOLLOWING);
    }), 'the grid comes first');

    // A good text: its words.
    await typeHours(page, '周一至周五 9:00-17:00，节假日休息', 'parsed');
    assert.match(await page.textContent('#hours-preview'), /已识别：\s*周一至周五 9:00–17:00，法定节假日休息/);
    await noOSM(page, 'in the preview');
    await shot(page, `hours-good-${width}`);

    // Winter, as people say it: the months are shown, and the grid has the season to change them in.
    await typeHours(page, '冬天早上八点半开门，下午四点半关门，节假日休息', 'partial');
    const words = await page.textContent('#hours-words');
    assert.match(words, /11月至次年3月/);
    assert.match(words, /8:30–16:30/);
    assert.match(await page.textContent('#hours-preview .assumed'), /“冬天”按11月至次年3月算/);
    assert.match(await page.textContent('#hours-preview'), /其余月份没有写时间，算作休息/);
    await page.waitForSelector('#s0-from');
    assert.equal(await page.inputValue('#s0-from'), '11');
    assert.equal(await page.inputValue('#s0-to'), '3');
    await noOSM(page, 'for the winter text');
    await shot(page, `hours-winter-${width}`);

    // Not understood: what was read, what was not, examples; no week of "?".
    await typeHours(page, '周一至周五 9:00-17:00，每月最后一个周五下午闭馆', 'unparsed');
    assert.equal(await page.textContent('#hours-preview .read strong'), '周一至周五 9:00-17:00');
    assert.equal(await page.textContent('#hours-preview .unread mark'), '每月最后一个周五下午闭馆');
    assert.equal(await page.locator('#hours-preview .example').count(), 3);
    assert.equal(await page.locator('#hours-preview .week').count(), 0, 'no week drawn');
    assert.doesNotMatch(await page.textContent('#hours-preview'), /\?|？/);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling');
    const small = await page.$$eval('.hours-editor button, .hours-editor summary, .hours-editor textarea', (els) => els.filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.height < 48 || r.width < 48);
    }).map((e) => e.id || e.textContent.slice(0, 20)));
    assert.deepEqual(small, [], 'touch targets under 48 px');
    await shot(page, `hours-unparsed-${width}`);
    await page.locator('#hours-preview .example').first().click();
    await page.waitForSelector('#hours-preview[data-status="parsed"]');
    assert.equal(await page.inputValue('#hours-text'), '周一至周五 9:00-17:00，节假日休息');

    // Saved: the history says before → after in words.
    await typeHours(page, '周一至周六 早上8点到晚上6点', 'parsed');
    const res = page.waitForResponse((r) => r.url().endsWith(`/api/v1/stations/${id}`) && r.request().method() === 'PATCH');
    await page.click('#save');
    assert.equal((await res).status(), 200);
    await page.waitForSelector('#history li[data-version="2"]');
    const entry = await page.textContent('#history li[data-version="2"]');
    assert.match(entry, /周一至周五 9:00–17:00.*法定节假日休息.*周一至周六 8:00–18:00/);
    assert.doesNotMatch(entry, OSM);
    await page.waitForFunction(() => /周一至周六 8:00–18:00/.test(document.querySelector('#hours-saved').textContent));
    assert.equal(await page.inputValue('#hours-text'), '', 'the saved text is shown in words, not left in the box');
    await noOSM(page, 'after saving');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('hours in words in English when the page is English', async () => {
  const op = account(['E2E-H-03']);
  const { context, page, problems } = await open('desktop', op, 'E2E-H-03', 'en');
  assert.match(await page.textContent('#hours-saved'), /Mon–Fri 9:00–17:00.*closed on public holidays/i);
  await typeHours(page, '冬天早上八点半开门，下午四点半关门，节假日休息', 'partial');
  assert.match(await page.textContent('#hours-words'), /Nov–Mar/);
  assert.match(await page.textContent('#hours-preview .assumed'), /“冬天” is taken as Nov–Mar/);
  await noOSM(page, 'in English');
  assert.deepEqual(problems, []);
  await context.close();
});
