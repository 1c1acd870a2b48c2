// What a rider waits for, in headless Chromium (Debian's chromium, driven by playwright-core) against the
// real server with the seed: run it with scripts/bench-pwa (ROUNDS=5 for five rounds, default 3).
//
// Each round measures, in fresh browser contexts (a 360×640 phone at 2× with touch, located in Shenyang,
// zh-CN, Asia/Shanghai):
//  - first visit: from the navigation's start to the frame in which the nearest station's name is on
//    screen (the first `#nearest li[data-id] .name` present, non-empty and visible), timed inside the
//    page (performance.now() counts from performance.timeOrigin, the navigation's start) by a
//    waitForFunction polling on requestAnimationFrame, so the driver's own overhead is not counted;
//  - the same first visit until the app says its offline data is stored — body[data-offline="ready"],
//    or for an app that sets no data-offline, body[data-ready="true"] with the service worker
//    controlling the page — and the network has been idle for 1 s: the bytes the server sent (page,
//    service worker and web workers alike), the main thread's long tasks, and when each signal came;
//  - later visit: in the same context (service worker and stored data in place), the first page closed
//    and a new one opened, timed the same way;
//  - first visit on Fast 3G: a fresh context with CDP network emulation (150 ms latency, 1.6 Mbit/s down,
//    750 kbit/s up) on the page and no CPU throttling.
// Bytes are counted on the server's side of a TCP proxy (byte-proxy.mjs) that the first and later
// visits go through: every byte the server wrote, headers and bodies as sent (compressed where the
// server compresses), whichever part of the browser asked. The Fast 3G visit goes straight to the server.
import { fork, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, root } from '../browser/server.mjs';

const rounds = Number(process.env.ROUNDS || 3);
const shenyang = { latitude: 41.8057, longitude: 123.4315, accuracy: 25 };
const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const fast3G = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 750_000 / 8 };
const VISIT_TIMEOUT = Number(process.env.VISIT_TIMEOUT_MS || 120_000);

// --- the byte-counting proxy, in its own process ---
function startProxy(target) {
  const child = fork(fileURLToPath(new URL('./byte-proxy.mjs', import.meta.url)), [target], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting = [];
  child.on('message', (m) => { const w = waiting.shift(); if (w) w(m); });
  const ask = (msg) => new Promise((resolve) => { waiting.push(resolve); if (msg) child.send(msg); });
  return ask(null).then(({ port }) => ({
    base: `http://127.0.0.1:${port}`,
    reset: () => ask({ cmd: 'reset' }),
    stats: () => ask({ cmd: 'stats' }),
    stop: () => child.kill(),
  }));
}

// --- in the page ---
/** Installed before any of the page's scripts: long tasks and the moments of the app's signals. */
function instrument() {
  const b = (window.__bench = { longTasks: [], offlineAt: null, offlineValues: [], readyAt: null, controlledAt: null });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch { b.longTasks = null; }
  const check = () => {
    const body = document.body;
    if (!body) return;
    const off = body.dataset.offline;
    if (off !== undefined && b.offlineValues.at(-1) !== off) b.offlineValues.push(off);
    if (b.offlineAt === null && off === 'ready') b.offlineAt = performance.now();
    if (b.readyAt === null && body.dataset.ready === 'true') b.readyAt = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-offline', 'data-ready'] });
  document.addEventListener('DOMContentLoaded', check);
  if (navigator.serviceWorker) {
    if (navigator.serviceWorker.controller) b.controlledAt = 0;
    navigator.serviceWorker.addEventListener('controllerchange', () => { if (b.controlledAt === null) b.controlledAt = performance.now(); });
  }
}

/** The nearest station's name is on screen: its performance.now(), else false. */
function nearestNameShown() {
  const name = document.querySelector('#nearest li[data-id] .name');
  if (!name || !name.textContent.trim()) return false;
  if (!name.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  const r = name.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  return performance.now();
}

/**
 * The offline data is stored: body[data-offline="ready"] (the app says so); an app that has set no
 * data-offline at all is taken at its older word, body[data-ready="true"] (its dataset is stored by
 * then) with the service worker controlling the page (the shell is cached). Answers which signal.
 */
function offlineStored() {
  const body = document.body;
  if (!body) return false;
  if ('offline' in body.dataset) return body.dataset.offline === 'ready' ? 'data-offline="ready"' : false;
  return body.dataset.ready === 'true' && navigator.serviceWorker?.controller ? 'data-ready="true" + service worker in control' : false;
}

// --- in Node ---
async function newPhone(browser) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    geolocation: shenyang, permissions: ['geolocation'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  await context.addInitScript(instrument);
  return context;
}

function watch(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('crash', () => problems.push('the page crashed'));
  return problems;
}

/** Navigates page to url and answers the milliseconds from the navigation's start to the nearest name. */
async function timeToNearest(page, url) {
  await page.goto(url, { waitUntil: 'commit', timeout: VISIT_TIMEOUT });
  const handle = await page.waitForFunction(nearestNameShown, null, { polling: 'raf', timeout: VISIT_TIMEOUT });
  return handle.jsonValue();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until the offline data is stored and the proxy has seen no byte for 1 s, both at once. */
async function untilStoredAndIdle(page, proxy) {
  const deadline = Date.now() + VISIT_TIMEOUT;
  for (;;) {
    if (Date.now() > deadline) {
      const seen = await page.evaluate(() => ({
        offline: document.body?.dataset.offline, ready: document.body?.dataset.ready,
        controlled: !!navigator.serviceWorker?.controller, values: window.__bench?.offlineValues,
      }));
      const { idleMs, total } = await proxy.stats();
      throw new Error(`offline data not stored, or the network not idle for 1 s, within ${VISIT_TIMEOUT} ms ` +
        `(data-offline ${seen.values?.length ? seen.values.join(' → ') : 'never set'}; data-ready ${seen.ready ?? 'unset'}; ` +
        `service worker in control: ${seen.controlled}; network idle for ${idleMs} ms; ${total.toLocaleString('en')} B so far)`);
    }
    const signal = await page.evaluate(offlineStored);
    const { idleMs } = await proxy.stats();
    if (signal && idleMs >= 1000) return signal;
    await sleep(signal ? Math.max(50, 1000 - idleMs) : 100);
  }
}

async function round(browser, proxy, srv, n) {
  const out = { n, errors: [], problems: [] };
  const step = async (name, fn) => {
    try { await fn(); } catch (e) { out.errors.push(`${name}: ${e.message.split('\n')[0]}`); }
  };

  // First visit, through the proxy, then the later visit in the same context.
  const context = await newPhone(browser);
  try {
    await proxy.reset();
    const page = await context.newPage();
    const problems1 = watch(page);
    await step('first visit', async () => { out.first = await timeToNearest(page, proxy.base + '/'); });
    if (out.first !== undefined) {
      await step('first visit: offline data stored', async () => {
        out.signal = await untilStoredAndIdle(page, proxy);
        const s = await proxy.stats();
        out.bytes = s.total;
        out.resources = s.resources;
        const b = await page.evaluate(() => window.__bench);
        out.offlineAt = b.offlineAt;
        out.offlineValues = b.offlineValues;
        out.readyAt = b.readyAt;
        out.controlledAt = b.controlledAt;
        out.longTasks = b.longTasks;
        out.storedSeenAt = await page.evaluate(() => performance.now());
      });
    }
    out.problems = problems1.map((p) => `first visit: ${p}`);
    await page.close();
    if (out.signal) {
      await proxy.reset();
      const page2 = await context.newPage();
      const problems2 = watch(page2);
      await step('later visit', async () => {
        out.later = await timeToNearest(page2, proxy.base + '/');
        // Its bytes: until the network is idle for 1 s after the name is shown.
        for (let s = await proxy.stats(); s.idleMs < 1000; s = await proxy.stats()) await sleep(1000 - s.idleMs);
        out.laterBytes = (await proxy.stats()).total;
      });
      out.problems.push(...problems2.map((p) => `later visit: ${p}`));
      await page2.close();
    }
  } finally {
    await context.close();
  }

  // First visit on Fast 3G, straight to the server.
  const slow = await newPhone(browser);
  try {
    const page = await slow.newPage();
    const problems3 = watch(page);
    const cdp = await slow.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', fast3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await step('first visit on Fast 3G', async () => { out.fast3G = await timeToNearest(page, srv.base + '/'); });
    out.problems.push(...problems3.map((p) => `Fast 3G: ${p}`));
  } finally {
    await slow.close();
  }
  return out;
}

// --- output ---
const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return undefined;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const ms = (x) => (typeof x === 'number' ? `${Math.round(x).toLocaleString('en')} ms` : '—');
const bytes = (x) => (typeof x === 'number' ? `${x.toLocaleString('en')} B (${(x / 1024 / 1024).toFixed(2)} MiB)` : '—');
const count = (x) => (typeof x === 'number' ? String(Math.round(x)) : '—');
const ltCount = (r) => r.longTasks?.length;
const ltTotal = (r) => r.longTasks?.reduce((a, [, d]) => a + d, 0);
const ltBefore = (r) => (r.longTasks && r.first !== undefined ? r.longTasks.filter(([s]) => s < r.first).reduce((a, [, d]) => a + d, 0) : undefined);

function table(results) {
  const rows = [
    ['first visit: nearest name on screen', (r) => r.first, ms],
    ['later visit: nearest name on screen', (r) => r.later, ms],
    ['first visit on Fast 3G: nearest name on screen', (r) => r.fast3G, ms],
    ['first visit: bytes the server sent, until stored + 1 s idle', (r) => r.bytes, bytes],
    ['later visit: bytes the server sent, until 1 s idle', (r) => r.laterBytes, bytes],
    ['first visit: body[data-offline="ready"] at', (r) => r.offlineAt ?? undefined, ms],
    ['first visit: body[data-ready="true"] at', (r) => r.readyAt ?? undefined, ms],
    ['first visit: service worker in control at', (r) => r.controlledAt ?? undefined, ms],
    ['first visit: long tasks, count', ltCount, count],
    ['first visit: long tasks, total', ltTotal, ms],
    ['first visit: long tasks before the name was shown, total', ltBefore, ms],
  ];
  const lines = [[`figure`, `median of ${results.length}`, 'rounds']];
  for (const [name, get, fmt] of rows) {
    const vals = results.map(get);
    lines.push([name, fmt(median(vals)), vals.map((v) => (typeof v === 'number' ? fmt(v).replace(/ \(.*\)/, '') : '—')).join(' · ')]);
  }
  const w = [0, 1, 2].map((i) => Math.max(...lines.map((l) => l[i].length)));
  for (const [i, l] of lines.entries()) {
    console.log(`| ${l.map((c, j) => c.padEnd(w[j])).join(' | ')} |`);
    if (i === 0) console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  }
}

function describeRound(r) {
  console.log(`round ${r.n}: first visit ${ms(r.first)}; later visit ${ms(r.later)}; Fast 3G first visit ${ms(r.fast3G)}`);
  if (r.bytes !== undefined) {
    console.log(`  first visit until stored (${r.signal}) and 1 s idle: ${bytes(r.bytes)} in ${r.resources.reduce((a, x) => a + x.count, 0)} requests; ` +
      `later visit: ${bytes(r.laterBytes)}`);
    const offline = !r.offlineValues?.length ? 'data-offline never set'
      : `data-offline ${r.offlineValues.join(' → ')}${r.offlineAt === null ? ', never "ready"' : `, "ready" at ${ms(r.offlineAt)}`}`;
    console.log(`  signals: ${offline}; data-ready="true" at ${ms(r.readyAt ?? undefined)}; ` +
      `service worker in control at ${ms(r.controlledAt ?? undefined)}; stored + idle seen at ${ms(r.storedSeenAt)}`);
    console.log(r.longTasks === null ? '  long tasks: not observable in this browser'
      : `  long tasks: ${ltCount(r)}, ${ms(ltTotal(r))} in all (longest ${ms(Math.max(0, ...r.longTasks.map(([, d]) => d)))}); ${ms(ltBefore(r))} of it before the name was shown`);
  }
  for (const p of r.problems) console.log(`  note: ${p}`);
  for (const e of r.errors) console.log(`  FAILED ${e}`);
}

// --- main ---
const git = (...args) => { try { return execFileSync('git', ['--no-optional-locks', ...args], { cwd: root, encoding: 'utf8' }).trim(); } catch { return '?'; } };
let srv, browser, proxy;
let failed = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, async () => {
    console.error(`bench-pwa: ${sig}, stopping`);
    await browser?.close().catch(() => {});
    proxy?.stop();
    await srv?.stop().catch(() => {});
    process.exit(130);
  });
}
try {
  srv = await startServer();
  proxy = await startProxy(new URL(srv.base).host);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: flags });
  const ready = await (await fetch(`${srv.base}/readyz`)).json();
  const dirty = git('status', '--porcelain', '--', 'pwa').split('\n').filter(Boolean).length;
  console.log('== environment');
  console.log(`chromium ${browser.version()} (headless, playwright-core ${(await import('playwright-core/package.json', { with: { type: 'json' } })).default.version}); ` +
    `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ` with ${dirty} uncommitted change(s) under pwa/ (the server embeds the working tree)` : ''}; ` +
    `${ready.station_count} stations; ${rounds} round(s); node ${process.version}; ${(await import('node:os')).cpus().length} cores`);
  console.log('phone: 360×640 at 2×, touch, geolocation granted at 41.8057,123.4315, zh-CN, Asia/Shanghai; a fresh context per first visit');
  console.log(`Fast 3G: CDP Network.emulateNetworkConditions on the page (150 ms latency, 200,000 B/s down, 93,750 B/s up; ` +
    'requests of the service worker are not throttled), CPU throttling off (rate 1)');
  console.log('bytes: counted on the server side of a TCP proxy in front of the server (headers + bodies as sent, every request of page, service worker and workers)');

  const results = [];
  for (let n = 1; n <= rounds; n++) {
    const r = await round(browser, proxy, srv, n);
    results.push(r);
    if (r.errors.length) failed = true;
    describeRound(r);
  }
  console.log(`== medians of ${rounds} round(s)`);
  table(results);
  const last = results.findLast((r) => r.resources);
  if (last) {
    console.log(`== round ${last.n}'s first visit: the largest 10 of ${last.resources.length} resources (bytes as sent, × requests)`);
    for (const x of last.resources.sort((a, b) => b.bytes - a.bytes).slice(0, 10)) {
      console.log(`${x.bytes.toLocaleString('en').padStart(12)} B  ${x.count > 1 ? `×${x.count}` : '  '}  ${x.method} ${x.path}`);
    }
  }
} catch (e) {
  failed = true;
  console.error(`bench-pwa: ${e.stack || e.message}`);
} finally {
  await browser?.close().catch(() => {});
  proxy?.stop();
  await srv?.stop().catch(() => {});
}
if (failed) {
  console.error('bench-pwa: at least one measurement failed (see FAILED above)');
  process.exit(1);
}
