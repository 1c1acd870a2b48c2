// The public-holiday calendar on the admin page (/manage.html) in headless Chromium against the real
// server: from 1 October, while next year's arrangement is missing, an admin sees the banner
// "YYYY年节假日安排尚未导入" on every screen, pastes the State Council's notice, sees its days by
// festival in words (a notice for another year is flagged), saves, and the banner goes; meta then
// covers next year. The server runs on the real date: when the test runs before 1 October, the banner
// must be absent and the same paste, preview and save are done on the 节假日 screen.
//
// With YIZHAN_SCREENSHOTS=DIR, the banner and the preview are saved at 1280×800 and 360×640.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, root } from './server.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer();
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

/**
 * A text in the notice's form for year (not a real notice: none is published for the year the server
 * expects when this test was written). No weekdays and no 上班 days, so that it holds for any year.
 */
function standIn(year) {
  return `国务院办公厅关于${year}年部分节假日安排的通知\n\n各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n` +
    `经国务院批准，现将${year}年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。\n` +
    '一、元旦：1月1日放假，共1天。\n二、春节：2月10日至17日放假调休，\n共8天。\n三、清明节：4月5日放假，共1天。\n' +
    '四、劳动节：5月1日至5日放假调休，共5天。\n五、端午节：6月10日放假，共1天。\n六、中秋节：9月20日放假，共1天。\n' +
    '七、国庆节：10月1日至7日放假调休，共7天。\n节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。\n国务院办公厅\n';
}

async function admin(viewport) {
  const name = `e2eholidays${viewport.width}`;
  const password = `pass phrase for ${name}`;
  execFileSync(srv.bin, ['user', 'add', name, '--role', 'admin', '--db', srv.db], { cwd: root, input: password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ||= []).push(`${e.violatedDirective} ${e.blockedURI}`); });
  });
  await page.goto(`${srv.base}/manage.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByLabel('用户名').fill(name);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForSelector('#tabs:not([hidden])');
  return { context, page, problems };
}

async function shot(page, name) {
  const dir = process.env.YIZHAN_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: false });
}

const coverage = async () => (await (await fetch(`${srv.base}/api/v1/meta`)).json()).holidays.coverage;

test('the banner and the preview on a desktop screen (1280×800)', async () => {
  // Runs first: nothing is saved here, so the banner (when expected) is still there for the next test.
  const { context, page } = await admin({ width: 1280, height: 800 });
  const c = await coverage();
  if (c.next_year_expected && !c.next_year_covered) {
    await page.waitForSelector('#holiday-banner');
    await shot(page, 'banner-1280');
  }
  await page.goto(`${srv.base}/manage.html#/holidays`);
  await page.waitForSelector('#holiday-text');
  await page.fill('#holiday-text', readFileSync(new URL('../../../server/hours/testdata/notices/2026.txt', import.meta.url), 'utf8'));
  await page.click('#holiday-parse');
  await page.waitForSelector('#holiday-preview-table');
  await page.locator('#holiday-preview h3').scrollIntoViewIfNeeded();
  await shot(page, 'preview-1280');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 1280));
  await context.close();
});

test('the banner while next year is missing: paste, preview in words, save, and it goes', async () => {
  const before = await coverage();
  const year = before.next_year;
  const { context, page, problems } = await admin({ width: 360, height: 640 });
  if (!before.next_year_expected || before.next_year_covered) {
    // Before 1 October (or next year already there): no banner; the 节假日 screen does the same work.
    await page.waitForTimeout(300); // the banner is drawn after meta arrives; give it the chance to be wrong
    assert.equal(await page.isVisible('#holiday-banner'), false, 'a banner with nothing missing');
    await page.goto(`${srv.base}/manage.html#/holidays`);
    await page.waitForSelector('#holiday-text');
  } else {
    await page.waitForSelector('#holiday-banner');
    assert.equal(await page.textContent('#holiday-banner h2'), `${year}年节假日安排尚未导入`);
    assert.match(await page.textContent('#holiday-banner'), /www\.gov\.cn/);
    await shot(page, 'banner-360');
    await page.click('#holiday-open');
    await page.waitForSelector('#holiday-text:visible');
  }
  // An empty box, then last year's notice: read, but flagged as the wrong year.
  await page.click('#holiday-parse');
  await page.waitForSelector('#holiday-message[data-kind="error"]');
  assert.equal(await page.textContent('#holiday-message'), '请先把通知全文粘贴到框里。');
  await page.fill('#holiday-text', 'Notice on the holidays of next year: New Year\'s Day, 1 January.');
  await page.click('#holiday-parse');
  await page.waitForFunction(() => /无法识别这段文字，没有保存任何内容。/.test(document.querySelector('#holiday-message')?.textContent || ''));
  const last = readFileSync(new URL('../../../server/hours/testdata/notices/2026.txt', import.meta.url), 'utf8');
  await page.fill('#holiday-text', last);
  await page.click('#holiday-parse');
  await page.waitForSelector('#holiday-preview-table');
  if (year !== 2026) {
    assert.equal(await page.textContent('#holiday-other-year'), `注意：这是2026年的通知，不是要导入的${year}年。请确认粘贴的是最新的通知。`);
  }
  const rows = await page.$$eval('#holiday-preview-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows[1], ['春节', '2月15日（星期日） 至 2月23日（星期一）', '共9天', '2月14日（星期六）、2月28日（星期六）']);
  assert.deepEqual(rows[2], ['清明节', '4月4日（星期六） 至 4月6日（星期一）', '共3天', '无']);
  assert.deepEqual(rows.map((r) => r[0]), ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'], 'in the order of their days off');
  assert.deepEqual(rows[6], ['国庆节', '10月1日（星期四） 至 10月7日（星期三）', '共7天', '9月20日（星期日）、10月10日（星期六）']);

  // Next year's (a stand-in in the notice's form): previewed, saved, and the banner goes.
  await page.fill('#holiday-text', standIn(year));
  await page.click('#holiday-parse');
  await page.waitForFunction((y) => document.querySelector('#holiday-preview h3')?.textContent === `${y}年节假日安排（预览，尚未保存）`, year);
  assert.equal(await page.isVisible('#holiday-other-year'), false);
  const springRow = await page.$$eval('#holiday-preview-table tbody tr', (trs) => [...trs[1].children].map((c) => c.textContent));
  assert.equal(springRow[0], '春节');
  assert.match(springRow[1], /^2月10日（星期.） 至 2月17日（星期.）$/);
  await shot(page, 'preview-360');
  assert.doesNotMatch(await page.innerText('#holiday-preview'), /null|undefined/, 'a missing value written out');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'wider than 360 px');
  await page.click('#holiday-save');
  await page.waitForSelector('#holiday-save-message[data-kind="ok"]');
  assert.equal(await page.textContent('#holiday-save-message'), `已保存。从现在起，开放时间中的“法定节假日”按${year}年的安排计算。`);
  const after = await coverage();
  assert.equal(after.next_year_covered, true);
  assert.ok(after.covered.includes(year));
  // The next screen has no banner; the 节假日 screen lists the year as imported by this admin.
  await page.goto(`${srv.base}/manage.html#/holidays`);
  await page.waitForSelector('#holiday-years table');
  assert.equal(await page.isVisible('#holiday-banner'), false, 'the banner is still there');
  assert.match(await page.textContent('#holiday-years'), new RegExp(`${year}\\s*e2eholidays360 导入于`));
  await shot(page, 'years-360');
  assert.doesNotMatch(await page.innerText('#view'), /null|undefined/, 'a missing value written out');
  // Usable with gloves: nothing wider than the screen, every control at least 48 px high and wide.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'wider than 360 px');
  const small = await page.$$eval('#view button, #view textarea, #view summary', (els) => els.filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.height < 48 || r.width < 48);
  }).map((e) => `${e.tagName} ${e.id} ${e.textContent.slice(0, 10)}`));
  assert.deepEqual(small, [], 'touch targets under 48 px');
  assert.deepEqual(await page.evaluate(() => window.__csp || []), [], 'Content-Security-Policy violations');
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), [], 'errors in the page');
  await context.close();
});
