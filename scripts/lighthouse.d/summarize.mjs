// For scripts/lighthouse: reads Lighthouse JSON reports (arguments, one per round) and prints each
// round's performance score, FCP, LCP, TBT, CLS, Speed Index and total byte weight, then their medians
// (each figure's own median across rounds).
import { readFileSync } from 'node:fs';

const figures = [
  ['score', (r) => r.categories.performance.score * 100, (x) => x.toFixed(0)],
  ['FCP', (r) => r.audits['first-contentful-paint'].numericValue, (x) => `${(x / 1000).toFixed(2)} s`],
  ['LCP', (r) => r.audits['largest-contentful-paint'].numericValue, (x) => `${(x / 1000).toFixed(2)} s`],
  ['TBT', (r) => r.audits['total-blocking-time'].numericValue, (x) => `${x.toFixed(0)} ms`],
  ['CLS', (r) => r.audits['cumulative-layout-shift'].numericValue, (x) => x.toFixed(3)],
  ['Speed Index', (r) => r.audits['speed-index'].numericValue, (x) => `${(x / 1000).toFixed(2)} s`],
  ['total bytes', (r) => r.audits['total-byte-weight'].numericValue, (x) => `${Math.round(x).toLocaleString('en')} B`],
];
const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const get = (fn, r) => { try { const v = fn(r); return typeof v === 'number' ? v : NaN; } catch { return NaN; } };
const show = (fmt, x) => (Number.isFinite(x) ? fmt(x) : '—');

const reports = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
const rows = [['', ...figures.map(([name]) => name)]];
reports.forEach((r, i) => rows.push([`round ${i + 1}`, ...figures.map(([, fn, fmt]) => show(fmt, get(fn, r)))]));
rows.push([`median of ${reports.length}`, ...figures.map(([, fn, fmt]) => show(fmt, median(reports.map((r) => get(fn, r)))))]);
const w = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
for (const [i, row] of rows.entries()) {
  console.log(`| ${row.map((c, j) => (j ? c.padStart(w[j]) : c.padEnd(w[j]))).join(' | ')} |`);
  if (i === 0) console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
}
const problems = reports.flatMap((r, i) => [
  ...(r.runtimeError ? [`round ${i + 1}: ${r.runtimeError.code} ${r.runtimeError.message}`] : []),
  ...(r.runWarnings || []).map((w) => `round ${i + 1}: warning: ${w}`),
]);
for (const p of problems) console.log(p);
const r0 = reports[0];
if (r0) {
  console.log(`Lighthouse ${r0.lighthouseVersion}; ${r0.environment?.hostUserAgent}; form factor ${r0.configSettings.formFactor}, ` +
    `throttling ${r0.configSettings.throttlingMethod} (rtt ${r0.configSettings.throttling.rttMs} ms, ` +
    `${r0.configSettings.throttling.throughputKbps} kbit/s, CPU ×${r0.configSettings.throttling.cpuSlowdownMultiplier}); ` +
    `benchmark index ${r0.environment?.benchmarkIndex}`);
}
if (reports.some((r) => r.runtimeError || !Number.isFinite(get(figures[0][1], r)))) process.exit(1);
