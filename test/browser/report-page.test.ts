// report.html in real headless Chromium: a demo run's report loads with no console error, every
// chart draws its series, the filters change the row count, and an XSS probe in a flow's output
// shows as text and runs nothing. Screenshots go to test-artifacts/.
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmtMs, fmtNum } from '../../src/report/html/page/dom.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { artifactPath, launchChromium } from './chromium.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  problems: string[];
}

/** Opens a report from disk, with the network blocked, and collects console errors and page errors. */
async function open(file: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : (problems.push(`network: ${route.request().url()}`), route.abort()),
  );
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="rows"]', { timeout: 20_000 });
  return { page, problems };
}

/** Pixels of each chart's canvas close to the given colours (the variants' series). */
async function seriesPixels(page: Page, colors: [number, number, number][]): Promise<{ title: string; counts: number[] }[]> {
  return page.evaluate(
    (cols) =>
      Array.from(document.querySelectorAll('.chart')).map((box) => {
        const canvas = box.querySelector('canvas')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const counts = cols.map(() => 0);
        for (let i = 0; i < data.length; i += 4) {
          cols.forEach(([r, g, b], k) => {
            if (data[i + 3]! > 200 && Math.abs(data[i]! - r) < 30 && Math.abs(data[i + 1]! - g) < 30 && Math.abs(data[i + 2]! - b) < 30) counts[k]!++;
          });
        }
        return { title: box.getAttribute('data-chart') ?? '', counts };
      }),
    colors,
  );
}

/** A uPlot chart's legend (label → value shown) with the cursor at `fraction` of its plot's width. */
async function legendAt(page: Page, chart: string, fraction: number): Promise<Record<string, string>> {
  const box = page.locator(`.chart[data-chart^="${chart}"]`);
  await box.scrollIntoViewIfNeeded();
  const over = (await box.locator('.u-over').boundingBox())!;
  await page.mouse.move(over.x + over.width * fraction, over.y + over.height / 2);
  return Object.fromEntries(
    await box
      .locator('tr.u-series')
      .evaluateAll((rows) => rows.map((r) => [r.querySelector('.u-label')?.textContent ?? '', r.querySelector('.u-value')?.textContent ?? ''])),
  );
}

interface Bucket {
  variant: string;
  t: number;
  widthS: number;
  completed: number;
  inFlight: number;
  outputTokens: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

/** The timeline charts show report.json's buckets: hovering each bucket shows its figures in the legends. */
async function expectTimelineOf(page: Page, timeline: Bucket[]): Promise<void> {
  const ts = [...new Set(timeline.map((b) => b.t))];
  const width = timeline[0]!.widthS;
  const span = ts[ts.length - 1]! + width - ts[0]!;
  for (const t of ts) {
    const at = (t + width * 0.3 - ts[0]!) / span; // the cursor snaps to the nearest bucket start: this one
    const load = await legendAt(page, 'Throughput (req/s) and requests in flight', at);
    const latency = await legendAt(page, 'Latency p50 / p99 over time', at);
    const tokens = await legendAt(page, 'Output tokens per second over time', at);
    expect(load.time).toBe(`${t}s`);
    for (const b of timeline.filter((x) => x.t === t)) {
      expect(Number(load[`${b.variant} req/s`]!.replace(/,/g, '')), `${b.variant} at ${t}s`).toBeCloseTo(b.completed / width, 2);
      expect(Number(load[`${b.variant} in flight`])).toBe(b.inFlight);
      expect([latency[`${b.variant} p50`], latency[`${b.variant} p99`]]).toEqual([fmtMs(b.latencyP50Ms), fmtMs(b.latencyP99Ms)]);
      expect(tokens[b.variant]).toBe(`${fmtNum(Math.round((b.outputTokens / width) * 1000) / 1000)} tokens/s`);
    }
  }
}

const matching = (page: Page) => page.getAttribute('#rows-table', 'data-matching').then(Number);

describe('report.html of a demo run', () => {
  it('loads offline with no console error, draws every chart, and its filters change the row count', async () => {
    // The demo suite as shipped, plus a comparison of the draft against the published version.
    const dir = tempDir();
    cpSync(join(ROOT, 'suites'), join(dir, 'suites'), { recursive: true });
    cpSync(join(ROOT, 'datasets'), join(dir, 'datasets'), { recursive: true });
    appendFileSync(join(dir, 'suites/demo.yaml'), '\ncompare: { baseline: published }\n');
    const r = await runCli(['run', join(dir, 'suites/demo.yaml'), '--limit', '12', '--out', join(dir, 'out'), '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const { page, problems } = await open(join(dir, 'out/report.html'));

    // Both variants in the summary, side by side.
    expect(await page.locator('.card h3').allTextContents()).toEqual([expect.stringContaining('published'), expect.stringContaining('draft')]);
    // The demo prices its runs and sets goodput objectives: each card shows report.json's figures.
    const saved = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as {
      variants: { cost: { perPassUsd: number; judge: { totalUsd: number } | null }; goodput: { good: number } }[];
    };
    const usd = (v: number) => `$${v >= 1 ? v.toFixed(2) : Number(v.toPrecision(3))}`;
    expect(await page.locator('.card .cost-per-pass .value').allTextContents()).toEqual(saved.variants.map((v) => usd(v.cost.perPassUsd)));
    expect(await page.locator('.card .goodput .value').allTextContents()).toEqual(
      saved.variants.map((v) => expect.stringMatching(new RegExp(`^${v.goodput.good} \\(`))),
    );
    expect(await page.locator('.card .gap .value').count()).toBe(2);
    const comparison = (await page.textContent('#comparison')) ?? '';
    expect(comparison).toContain('draft vs published');
    expect(comparison).toMatch(/pass_rate.*ttft_p95_ms/s);

    // Percentiles (latency, TTFT, ITL), histograms (latency, TTFT), timeline (2), per-request plots (4):
    // each draws both variants.
    const charts = await seriesPixels(page, [
      [0x00, 0x72, 0xb2],
      [0xe6, 0x9f, 0x00],
    ]);
    expect(charts.map((c) => c.title)).toHaveLength(11);
    for (const c of charts) {
      // Both variants send and finish about as many requests a second at the same concurrency: their
      // throughput lines may lie on top of each other, so there one colour may hide the other (the
      // legends below check every bucket's figures per variant instead).
      const overlaps = c.title.startsWith('Throughput');
      expect(overlaps ? c.counts.some((n) => n > 20) : c.counts.every((n) => n > 20), `${c.title}: ${c.counts}`).toBe(true);
    }

    const all = await matching(page);
    expect(all).toBe(12);
    expect(await page.locator('#rows-table tbody tr').count()).toBe(12);
    await page.check('#filter-failed');
    const failed = await matching(page);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(all);
    expect(await page.locator('#rows-table tbody tr').count()).toBe(failed);
    await page.uncheck('#filter-failed');
    await page.check('#filter-flipped');
    const flipped = await matching(page);
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(all);
    await page.uncheck('#filter-flipped');
    await page.click('#show-flipped');
    expect(await page.isChecked('#filter-flipped')).toBe(true);
    expect(await matching(page)).toBe(flipped);
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as { comparisons: { flips: { passToFail: number; failToPass: number } }[] };
    const flips = report.comparisons[0]!.flips;
    expect(flips.passToFail + flips.failToPass).toBe(flipped);
    expect(comparison).toContain(`${flips.passToFail} pass → fail, ${flips.failToPass} fail → pass`);
    await page.uncheck('#filter-flipped');
    await page.check('#filter-errors');
    // Rows where some variant's request failed (none, unless this busy machine made one time out).
    const results = readFileSync(join(dir, 'out/results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { row: number; ok: boolean });
    expect(await matching(page)).toBe(new Set(results.filter((x) => !x.ok).map((x) => x.row)).size);
    await page.uncheck('#filter-errors');
    await page.fill('#row-search', 'shipping');
    await page.waitForFunction((n) => Number(document.querySelector('#rows-table')!.getAttribute('data-matching')) !== n, all);
    const found = await matching(page);
    expect(found).toBeGreaterThan(0);
    expect(found).toBeLessThan(all);
    await page.fill('#row-search', '');
    await page.waitForFunction((n) => Number(document.querySelector('#rows-table')!.getAttribute('data-matching')) === n, all);

    const timeline = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')).timeline as Bucket[];
    expect(timeline.some((b) => b.latencyP50Ms !== null && b.outputTokens > 0)).toBe(true);
    await expectTimelineOf(page, timeline);

    await page.screenshot({ path: artifactPath('report-demo.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('report.html and hostile text', () => {
  it('shows an output of <img src=x onerror=alert(1)> as text and runs nothing', async () => {
    const dir = tempDir();
    const probes = ['<img src=x onerror=alert(1)>', '</script><script>window.__pwned = 1; alert(2)</script>', '<svg onload=alert(3)>'];
    writeFileSync(join(dir, 'probe.jsonl'), `${probes.map((q) => JSON.stringify({ question: q, answer: q })).join('\n')}\n`);
    const suite = join(dir, 'suite.yaml');
    writeFileSync(
      suite,
      `name: "xss </script><img src=x onerror=alert(4)>"
target: { flow_id: echo-fast }
dataset:
  path: probe.jsonl
  inputs: { in-0: "{{question}}" }
  expected: "{{answer}}"
mode: stream
graders:
  - { type: contains, value: "{{expected}}" }
`,
    );
    const r = await runCli(['run', suite, '--out', join(dir, 'out'), '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'out/report.html'), 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('window.__pwned');
    const { page, problems } = await open(join(dir, 'out/report.html'));
    const table = (await page.textContent('#rows-table')) ?? '';
    for (const p of probes) expect(table).toContain(p);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#app img, #app svg:not(.u-wrap svg)').count()).toBe(0);
    expect(await page.title()).toContain('</script><img src=x onerror=alert(4)>');
    await page.screenshot({ path: artifactPath('report-xss.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('report.html of a rate sweep with errors', () => {
  it('draws the sweep and marks errors on the timeline', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'q.jsonl'), Array.from({ length: 20 }, (_, i) => JSON.stringify({ q: `question ${i}` })).join('\n'));
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: sweep
target: { flow_id: flaky-bot }
dataset: { path: q.jsonl, inputs: { in-0: "{{q}}" } }
load: { concurrency: 20, retries: 0, sweep: { from: 10, to: 30, steps: 2, duration: 1s } }
`,
    );
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress']);
    expect([0, 1]).toContain(r.code); // the faults may break the default error-rate criterion
    const { page, problems } = await open(join(dir, 'out/report.html'));
    expect(await page.textContent('#sweep')).toMatch(/10 req\/s[\s\S]*30 req\/s/);
    const charts = await seriesPixels(page, [
      [0x00, 0x72, 0xb2],
      [0xd6, 0x27, 0x28],
    ]);
    const byTitle = Object.fromEntries(charts.map((c) => [c.title, c.counts]));
    expect(byTitle['Latency p50 / p99 by offered rate (ms)']![0]).toBeGreaterThan(20);
    expect(byTitle['Achieved throughput by offered rate (req/s)']![0]).toBeGreaterThan(20);
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as { variants: { errors: number }[] };
    const latency = Object.entries(byTitle).find(([t]) => t.startsWith('Latency p50 / p99 over time'))!;
    if (report.variants[0]!.errors > 0) expect(latency[0]).toContain('errors marked');
    expect(latency[1][1]! > 20).toBe(report.variants[0]!.errors > 0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws a trace replay: traced against sent arrivals per second, the part replayed, the send lag', async () => {
    const dir = tempDir();
    const t0 = Date.parse('2026-11-30T09:00:00.000Z');
    // 3 s of trace: 20 a second, and 60 more in the second second.
    const offsets = [...Array.from({ length: 60 }, (_, i) => i * 50), ...Array.from({ length: 60 }, (_, i) => 1100 + i * 5)].sort((a, b) => a - b);
    writeFileSync(join(dir, 'trace.jsonl'), offsets.map((o, i) => JSON.stringify({ timestamp: t0 + o, inputs: { 'in-0': `q${i}` } })).join('\n'));
    writeFileSync(join(dir, 'suite.yaml'), 'name: replay\ntarget: { flow_id: support-bot }\nmode: run\nload: { replay: { path: trace.jsonl }, retries: 0 }\n');
    expect((await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress'])).code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as import('../../src/report/report-model.js').Report;
    const buckets = report.replay!.perSecond;
    expect(buckets.map((b) => b.traced)).toEqual([20, 80, 20]);
    const { page, problems } = await open(join(dir, 'out/report.html'));
    const text = await page.textContent('#replay');
    expect(text).toContain('COMPLETE');
    expect(text).toContain(`${report.replay!.replayed.requests} requests sent of 120 planned at speed 1: the whole trace was sent.`);
    expect(text).toContain('2026-11-30T09:00:00.000Z');
    expect(text).toContain(fmtMs(report.variants[0]!.sendLagMs!.p99));
    const [chart] = (await seriesPixels(page, [[0x1f, 0x77, 0xb4]])).filter((c) => c.title.startsWith('Arrivals per second'));
    expect(chart!.counts[0]).toBeGreaterThan(20);
    for (const [k, b] of buckets.entries()) {
      const legend = await legendAt(page, 'Arrivals per second', 0.02 + (0.96 * k) / (buckets.length - 1)); // the cursor snaps to the nearest second
      expect([legend.traced, legend.sent]).toEqual([String(b.traced), String(b.sent)]);
    }
    await page.screenshot({ path: artifactPath('report-replay.png'), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });
});
