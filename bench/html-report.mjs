#!/usr/bin/env node
// Benchmark: report.html for a large run. Writes a synthetic report folder (ROWS dataset rows ×
// VARIANTS variants, demo-like texts unique per row, seeded), builds report.html with the real writer (dist/),
// then opens it from disk in headless Chromium and times the first view.
//   npm run build && node bench/html-report.mjs [rows=100000] [variants=2]
// Needs /usr/bin/chromium (Debian's package). Prints the figures BENCHMARKS.md quotes.
import { createWriteStream, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { VariantStats } from '../dist/metrics/variant-stats.js';
import { writeHtmlReport } from '../dist/report/html/write-html.js';

const ROWS = Number(process.argv[2] ?? 100_000);
const VARIANTS = Number(process.argv[3] ?? 2);
const RUNS = 3;

// Seeded so every run measures the same file.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

const qa = readFileSync(new URL('../datasets/support.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => /^([^,]*),"?(.*?)"?,[^,]*$/.exec(l))
  .filter(Boolean)
  .map((m) => ({ q: m[1], a: m[2] }));
const wrong = "Thanks for reaching out! I've forwarded your question to our support team, who will reply by email within 48 hours.";

const dir = mkdtempSync(join(tmpdir(), 'flowbench-bench-html-'));
const names = Array.from({ length: VARIANTS }, (_, i) => (i === 0 ? 'published' : i === 1 ? 'draft' : `v${i}`));
const stats = names.map(() => new VariantStats());
const out = createWriteStream(join(dir, 'results.jsonl'));
let t0 = Date.now();
const concurrency = 32;
for (let row = 0; row < ROWS; row++) {
  // Every row's texts unique (as in a real 100,000-row dataset), so nothing repeats but grader names.
  const base = qa[row % qa.length];
  const q = `${base.q} (order ${100000 + row})`;
  const a = `${base.a} Order ${100000 + row}.`;
  for (let v = 0; v < VARIANTS; v++) {
    // Arrivals as a closed loop of 32 at ~1.2 s per request: ~27 requests/s per variant.
    const scheduled = (row * VARIANTS + v) * (1200 / concurrency) + rand() * 50;
    const ttft = (v === 0 ? 600 : 350) * (0.85 + rand() * 0.3);
    const latency = ttft + 400 + rand() * 400;
    const failed = rand() < 0.005;
    const correct = rand() < (v === 0 ? 0.9 : 0.7);
    // One output in 200 is long (a verbose answer), to exercise the 2,000-character cut.
    const long = rand() < 0.005 ? ` ${'Here is more detail about our policies. '.repeat(80)}` : '';
    const output = failed ? 'Sure! Partial' : `Sure! ${correct ? a : `${wrong} (ref ${row}-${v})`} Anything else I can help with?${long}`;
    const frames = Array.from({ length: 20 }, (_, i) => scheduled + ttft + (i * (latency - ttft)) / 20);
    const rec = {
      variant: names[v],
      row,
      iteration: 0,
      attempts: 1,
      runId: `run-${row}-${v}`,
      ok: !failed,
      error: failed ? { kind: 'timeout', message: 'no complete answer within 30000 ms', status: null } : null,
      scheduledAt: new Date(1_780_000_000_000 + scheduled).toISOString(),
      startedAt: new Date(1_780_000_000_000 + scheduled + 1).toISOString(),
      ttfbMs: 15,
      ttftMs: Math.round(ttft * 1000) / 1000,
      latencyMs: Math.round(latency * 1000) / 1000,
      queueMs: 0.5,
      inputs: { 'in-0': q, user_id: `flowbench-${row}` },
      expected: a,
      output,
      grades: failed
        ? []
        : [
            {
              grader: 'icontains',
              pass: correct,
              score: correct ? 1 : 0,
              reason: correct ? `output contains "${a.slice(0, 60)}"` : `output lacks "${a.slice(0, 60)}…"`,
            },
            { grader: 'not-regex', pass: true, score: 1, reason: "not: output does not match /I'm not sure|contact (our )?support/i" },
          ],
      pass: failed ? false : correct,
      score: failed ? 0 : correct ? 1 : 0.5,
      metadata: null,
      feedback: null,
      timestamps: { scheduled, sent: scheduled + 0.5, firstByte: scheduled + 15, contentFrames: frames, end: scheduled + latency },
    };
    stats[v].add(rec);
    if (!out.write(`${JSON.stringify(rec)}\n`)) await once(out, 'drain');
  }
}
out.end();
await once(out, 'finish');
const variants = names.map((name, i) => ({ name, params: { version: i === 0 ? -1 : null, runDraft: i === 1 }, ...stats[i].summary() }));
const report = {
  schemaVersion: 1,
  suite: 'bench-html',
  suiteFile: 'bench/html-report.mjs',
  startedAt: new Date(1_780_000_000_000).toISOString(),
  finishedAt: new Date(1_780_000_000_000 + (ROWS * 1200 * VARIANTS) / concurrency).toISOString(),
  durationMs: Math.round((ROWS * 1200 * VARIANTS) / concurrency),
  partial: false,
  target: { baseUrl: 'simulator', orgId: 'bench', flowId: 'support-bot', mode: 'stream' },
  load: { model: 'closed-loop', concurrency, iterations: 1, rate: null, durationMs: null, threads: 2 },
  timeline: [],
  variants,
  thresholds: [],
  comparisons: [],
  verdict: 'pass',
};
writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
const resultsMb = statSync(join(dir, 'results.jsonl')).size / 1e6;
console.log(
  `results.jsonl: ${ROWS * VARIANTS} results (${ROWS} rows × ${VARIANTS} variants), ${resultsMb.toFixed(1)} MB, generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);

t0 = Date.now();
await writeHtmlReport(dir, report);
const file = join(dir, 'report.html');
const mb = statSync(file).size / 1e6;
console.log(`report.html: ${mb.toFixed(1)} MB, written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const browser = await chromium.launch({
  executablePath: process.env.FLOWBENCH_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const runs = [];
for (let i = 0; i < RUNS; i++) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-ready="rows"]', { timeout: 120_000 });
  // Times since navigation start, from the page's own marks and Chromium's paint timing.
  const marks = await page.evaluate(() => {
    const at = (name) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? NaN);
    return { fcp: at('first-contentful-paint'), charts: at('flowbench:charts'), table: at('flowbench:table'), rows: at('flowbench:rows') };
  });
  // Interactions on the full row set: time until the matching count changes.
  const count = () => page.getAttribute('#rows-table', 'data-matching');
  const changed = (before) =>
    page.waitForFunction((b) => document.querySelector('#rows-table').getAttribute('data-matching') !== b, before, { timeout: 30_000 });
  const all = await count();
  let t = Date.now();
  await page.check('#filter-failed');
  await changed(all);
  const filter = Date.now() - t;
  await page.uncheck('#filter-failed');
  await page.waitForFunction((b) => document.querySelector('#rows-table').getAttribute('data-matching') === b, all);
  t = Date.now();
  await page.fill('#row-search', 'refund');
  await changed(all);
  const search = Date.now() - t - 150; // minus the page's 150 ms typing pause
  const matching = await page.getAttribute('#rows-table', 'data-matching');
  runs.push({ ...marks, filter, search, matching, errors });
  await page.close();
}
await browser.close();
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
for (const [i, r] of runs.entries()) {
  console.log(
    `run ${i + 1}: first paint ${r.fcp} ms, summary + charts drawn ${r.charts} ms, first page of rows ${r.table} ms, all rows loaded ${r.rows} ms; ` +
      `failed-only filter ${r.filter} ms, search ${r.search} ms (${r.matching} rows match); page errors: ${r.errors.length}`,
  );
}
console.log(
  `median over ${RUNS} loads: first view (summary, charts, first page of rows) ${median('table')} ms; every row loaded and filterable ${median('rows')} ms`,
);
console.log(`file: ${file}`);
