// Per-node timing end to end, in process: the simulator's exact node times (jitter 0) reach results.jsonl,
// report.json's `nodes`, the thresholds and gates on a node, the comparison, the text reports and the
// HTML waterfall (in headless Chromium, with a screenshot in test-artifacts/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare-runs.js';
import type { RunOutcome } from '../../src/runner/run-suite.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { renderComparisons } from '../../src/report/compare-table.js';
import { renderTable } from '../../src/report/table.js';
import { ROOT, runCli, tempDir, warmRunsInThisFile } from '../helpers/cli.js';
import { artifactPath, launchChromium, openReport } from '../browser/chromium.js';

warmRunsInThisFile(); // its assertions are timings

const SUITE = fileURLToPath(new URL('./nodes.yaml', import.meta.url));
/** The node times of nodes.flows.yaml. */
const RETRIEVAL = { published: 80, draft: 400 } as const;

// The built library: its request threads load the built worker (vitest's src modules cannot run in one).
type Lib = typeof import('../../src/index.js');
const { runSuite } = (await import(join(ROOT, 'dist/index.js'))) as Lib;

let run: RunOutcome;
let records: ResultRecord[];
beforeAll(async () => {
  process.env.FLOWBENCH_TEST_NO_WARMUP = '1'; // counts and exact simulator times: a cold start only delays
  run = await runSuite(SUITE, { outDir: join(tempDir(), 'out'), threads: 1 });
  records = readFileSync(join(run.dir, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ResultRecord);
}, 60_000);
afterAll(() => {
  delete process.env.FLOWBENCH_TEST_NO_WARMUP; // test files share a process (isolate: false)
});

const variant = (name: string) => run.report.variants.find((v) => v.name === name)!;

describe('per-node timing of a run', () => {
  it('keeps each stream’s transitions and its time per node in results.jsonl', () => {
    expect(records).toHaveLength(12);
    for (const r of records) {
      expect(r.ok).toBe(true);
      expect(r.nodes!.map((n) => n.node)).toEqual(['Input', 'Retrieval', 'LLM', 'Output']);
      expect(r.firstContentNode).toBe('Output');
      // Five changes of progress_data (four nodes, then Output completed), however many frames came.
      expect(r.timestamps.progress).toHaveLength(5);
      const retrieval = r.nodes![1]!;
      const llm = r.nodes![2]!;
      // The simulator never sends a frame early: LLM starts no sooner than Input + Retrieval.
      expect(llm.startMs).toBeGreaterThanOrEqual(20 + RETRIEVAL[r.variant as 'draft'] - 1);
      expect(retrieval.startMs + retrieval.durationMs).toBeCloseTo(llm.startMs, 2);
    }
  });

  it('summarises each node per variant in flow order, with where the time to first token goes', () => {
    for (const name of ['published', 'draft'] as const) {
      const nodes = variant(name).nodes!;
      expect(nodes.map((n) => n.node)).toEqual(['Input', 'Retrieval', 'LLM', 'Output']);
      expect(nodes.every((n) => n.requests === 6)).toBe(true);
      const retrieval = nodes[1]!;
      // A late frame can shift time from one node to the one before it; the medians still land near the file's times.
      expect(retrieval.durationMs.p50).toBeGreaterThan(RETRIEVAL[name] - 40);
      expect(retrieval.durationMs.p50).toBeLessThan(RETRIEVAL[name] + 150);
      expect(nodes[2]!.startMs.p50).toBeGreaterThanOrEqual(20 + RETRIEVAL[name] - 1);
      // Every node before Output lies wholly before the first token; Output's share is nothing.
      expect(retrieval.beforeFirstTokenMs.p50).toBe(retrieval.durationMs.p50);
      expect(nodes[3]!.beforeFirstTokenMs.max).toBe(0);
      expect(nodes[3]!.firstContent).toBe(6);
      expect(nodes[0]!.firstContent).toBe(0);
    }
  });

  it('holds a threshold on a node per variant, and names the nodes seen when a threshold names another', () => {
    const th = (metric: string, v: string) => run.report.thresholds.find((t) => t.metric === metric && t.variant === v)!;
    expect(th('node_p95_ms.Retrieval', 'published')).toMatchObject({ ok: true });
    expect(th('node_p95_ms.Retrieval', 'draft')).toMatchObject({ ok: false });
    expect(th('node_p95_ms.Retrieval', 'draft').actual).toBeGreaterThan(250);
    const missing = th('node_p95_ms.Reranker', 'draft');
    expect(missing).toMatchObject({ ok: false, actual: null });
    expect(missing.note).toBe('node "Reranker" was never current in a successful stream of this variant (nodes seen: Input, Retrieval, LLM, Output)');
    expect(run.exitCode).toBe(1);
  });

  it('compares each node with paired statistics and fires the gate on the node that slowed', () => {
    const c = run.report.comparisons![0]!;
    const m = c.metrics.find((x) => x.metric === 'node_p50_ms.Retrieval')!;
    expect(m.test).toBe('bootstrap-paired');
    expect(m.n.pairs).toBe(6);
    expect(m.diff!).toBeGreaterThan(320 - 100);
    expect(m.pValue!).toBeLessThan(0.05);
    const gate = (key: string) => c.gates.find((g) => g.gate === key)!;
    expect(gate('node_p50_increase.Retrieval')).toMatchObject({ status: 'fired', fired: true, metric: 'node_p50_ms.Retrieval' });
    expect(gate('node_p50_increase.Input')).toMatchObject({ status: 'within-limit', fired: false });
    expect(c.verdict).toBe('fail');
  });

  it('compares the nodes of saved runs too (flowbench compare), paired from their results.jsonl', async () => {
    const r = await compareReports(run.dir, run.dir, { failOn: { 'node_p50_increase.Retrieval': '50ms' } });
    expect(r.comparisons.map((c) => c.variant)).toEqual(['published', 'draft']);
    for (const c of r.comparisons) {
      const m = c.metrics.find((x) => x.metric === 'node_p50_ms.Retrieval')!;
      expect(m).toMatchObject({ test: 'bootstrap-paired', diff: 0, n: { pairs: 6 } });
      expect(c.gates[0]).toMatchObject({ gate: 'node_p50_increase.Retrieval', status: 'within-limit' });
    }
  });

  it('prints where the time to first token goes per variant, and the node that moved', () => {
    const table = renderTable(run.report);
    expect(table).toContain('time to first token by node, median / p95 ms:');
    expect(table).toMatch(/ {2}draft +Input [\d.]+ \/ [\d.]+ · Retrieval \d+ \/ \d+ · LLM [\d.]+ \/ [\d.]+ → first token from Output/);
    expect(table).toContain('node_p95_ms.Reranker (draft): node "Reranker" was never current');
    const cmp = renderComparisons(run.report.comparisons!);
    expect(cmp).toMatch(/draft vs published, node medians: Retrieval \+\d+ ms \(p [=<] [\d.]+\)/);
    const md = readFileSync(join(run.dir, 'summary.md'), 'utf8');
    expect(md).toMatch(/^- \*\*draft\*\*: Input [\d.]+ \/ [\d.]+ · Retrieval \d+ \/ \d+ · LLM [\d.]+ \/ [\d.]+ → first token from Output$/m);
    expect(md).toMatch(/^draft vs published, node medians: Retrieval \+\d+ ms/m);
  });
});

describe('report.html: the flow-node waterfall', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    // The page's script is the built browser modules' source text: vitest's transformed copies would not
    // run in a browser, so the built CLI writes report.html again from this run's files.
    const r = await runCli(['report', run.dir]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('draws a waterfall per variant on one scale, the TTFT table, and a waterfall per row', async () => {
    const { page, problems } = await openReport(browser, join(run.dir, 'report.html'));
    const bar = (v: string, node: string) => page.locator(`#nodes .waterfall[data-variant="${v}"] .wf-bar[data-node="${node}"]`);
    const width = async (v: string, node: string) => (await bar(v, node).boundingBox())!.width;
    const left = async (v: string, node: string) => (await bar(v, node).boundingBox())!.x;
    for (const v of ['published', 'draft']) {
      expect(await page.locator(`#nodes .waterfall[data-variant="${v}"] .wf-bar`).evaluateAll((bs) => bs.map((b) => b.getAttribute('data-node')))).toEqual([
        'Input',
        'Retrieval',
        'LLM',
        'Output',
      ]);
    }
    // One scale: the draft's Retrieval bar is wider, and its LLM starts further right.
    expect(await width('draft', 'Retrieval')).toBeGreaterThan((await width('published', 'Retrieval')) * 2);
    expect(await left('draft', 'LLM')).toBeGreaterThan((await left('published', 'LLM')) + 50);
    expect(await page.locator('#nodes .waterfall[data-variant="draft"] .wf-ttft').count()).toBe(1);
    const ttftRows = await page.locator('#ttft-by-node tbody tr td:first-child').allTextContents();
    expect(ttftRows).toEqual(['Input', 'Retrieval', 'LLM', 'Output']);
    expect(await page.locator('nav a[href="#nodes"]').count()).toBe(1);
    // Each row's result has its own waterfall; open the first and see its bars.
    const rowWf = page.locator('#rows details.row-waterfall');
    expect(await rowWf.count()).toBe(12);
    await rowWf.first().locator('summary').click();
    expect(await rowWf.first().locator('.wf-bar').count()).toBe(4);
    expect(await rowWf.first().locator('summary').textContent()).toMatch(
      /^nodes: Input [\d.]+ ms · Retrieval \d+(\.\d)? ms · LLM [\d.]+ ms · Output [\d.]+ ms$/,
    );
    await page.locator('#nodes').screenshot({ path: artifactPath('report-nodes-waterfall.png') });
    await rowWf.first().screenshot({ path: artifactPath('report-row-waterfall.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
