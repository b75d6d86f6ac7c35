// Comparisons of simulator flows with a known difference, run for real (worker threads, loopback HTTP).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir, warmRunsInThisFile } from '../helpers/cli.js';
import { writeSuite } from './helpers.js';

warmRunsInThisFile(); // its assertions are timings

// The built modules: worker threads load dist/ (run `npm run build` first, as `npm test` does).
const { runSuite } = (await import(join(ROOT, 'dist/runner/run-suite.js'))) as typeof import('../../src/runner/run-suite.js');
const { loadSuite } = (await import(join(ROOT, 'dist/suite/load-suite.js'))) as typeof import('../../src/suite/load-suite.js');

describe('in-run comparison against simulator flows of known difference', () => {
  it('a draft with a 10-point lower pass rate on 200 rows is flagged (McNemar p < 0.05) and its gate fails the run', async () => {
    const dir = tempDir();
    const file = writeSuite(dir, {
      flow: 'qa-bot',
      rows: 200,
      variants: '[{ name: published, version: 1 }, { name: draft, version: 2 }]',
      compare: 'compare: { baseline: published, fail_on: { pass_rate_drop: 0.05 } }',
      concurrency: 32,
    });
    const { report, exitCode } = await runSuite(await loadSuite(file), { outDir: join(dir, 'out'), progress: false });
    expect(report.comparisons).toHaveLength(1);
    const c = report.comparisons[0]!;
    expect([c.variant, c.baseline, c.paired, c.pairs]).toEqual(['draft', 'published', true, 200]);
    const pass = c.metrics.find((m) => m.metric === 'pass_rate')!;
    expect(pass.test).toBe('mcnemar-exact');
    // The simulator's draws are stratified over the CSV: exactly 180 vs 160 right answers.
    expect([pass.baseline, pass.candidate]).toEqual([0.9, 0.8]);
    expect(pass.pValue!).toBeLessThan(0.05);
    expect(pass.ci!.high).toBeLessThan(0);
    // Every flipped row went pass -> fail (common random numbers), and they are listed with both outputs.
    expect(c.flips!.failToPass).toBe(0);
    expect(c.flips!.passToFail).toBe(Math.round((pass.baseline! - pass.candidate!) * 200));
    const flip = c.flips!.rows[0]!;
    expect(flip.baseline.output).toContain(String(flip.expected));
    expect(flip.candidate.output).not.toContain(String(flip.expected));
    expect(flip.candidate.failed[0]).toMatch(/contains/);
    const gate = c.gates[0]!;
    expect(gate).toMatchObject({ gate: 'pass_rate_drop', status: 'fired', fired: true });
    expect(gate.reason).toMatch(/McNemar exact p < 0\.0001, CI −1\d\.\d pp … −\d\.\d pp\): worse than the 5\.0 pp allowed, and significant at alpha 0\.05/);
    expect(report.verdict).toBe('fail');
    expect(exitCode).toBe(1);
    expect(report.compare).toEqual({ baseline: 'published', alpha: 0.05, failOn: { pass_rate_drop: 0.05 } });
    // The Markdown summary (summary.md, the GitHub job page) carries the comparison too.
    const md = readFileSync(join(dir, 'out/summary.md'), 'utf8');
    expect(md).toMatch(/## Comparison[\s\S]*❌ draft vs published[\s\S]*`pass_rate_drop: 0.05` — pass_rate fell by 10\.0 pp/);
    expect(md).toMatch(/\| pass_rate \| 90\.0% \| 80\.0% \| −10\.0 pp \|/);
    expect(md).toMatch(/Flipped rows: \*\*20\*\* pass → fail/);
    // junit.xml: the fired gate is a failing testcase of its own suite.
    const junit = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit).toMatch(
      /<testsuite name="cmp.gates" tests="1" failures="1"[\s\S]*name="draft vs published: pass_rate_drop 0.05"[\s\S]*<failure type="gate" message="pass_rate fell by 10.0 pp/,
    );
  });

  it('two versions of equal quality are not flagged: no gate fires, the verdict passes', async () => {
    const dir = tempDir();
    const file = writeSuite(dir, {
      flow: 'qa-bot',
      rows: 60,
      variants: '[{ name: a, version: 1 }, { name: b, version: 3 }]',
      compare: 'compare: { fail_on: { pass_rate_drop: 0.02, latency_p95_increase: 50% } }',
      concurrency: 32,
    });
    const { report, exitCode } = await runSuite(await loadSuite(file), { outDir: join(dir, 'out'), progress: false });
    const c = report.comparisons[0]!;
    expect(c.baseline).toBe('a');
    expect(c.metrics.find((m) => m.metric === 'pass_rate')!.diff).toBe(0);
    expect(c.gates.map((g) => g.fired)).toEqual([false, false]);
    expect(exitCode).toBe(0);
  });

  it('a 100 ms TTFT increase is found with an interval that contains 100 ms', async () => {
    const dir = tempDir();
    const file = writeSuite(dir, {
      flow: 'slow-bot',
      rows: 40,
      variants: '[{ name: v1, version: 1 }, { name: v2, version: 2 }]',
      compare: 'compare: { fail_on: { ttft_p50_increase: 50ms } }',
      // Seed 16: the simulator's planned TTFTs for these 40 rows have medians 100.0 ms apart (means 99.9),
      // so what is checked is the measurement and its interval, not the luck of one sample. A modest
      // concurrency keeps this noisy 2-core machine's scheduling delays out of the timings.
      seed: 16,
      concurrency: 8,
    });
    const { report } = await runSuite(await loadSuite(file), { outDir: join(dir, 'out'), progress: false });
    const c = report.comparisons[0]!;
    const p50 = c.metrics.find((m) => m.metric === 'ttft_p50_ms')!;
    expect(p50.test).toBe('bootstrap-paired');
    expect(p50.ci!.low).toBeLessThanOrEqual(100);
    expect(p50.ci!.high).toBeGreaterThanOrEqual(100);
    expect(p50.diff!).toBeGreaterThan(60);
    expect(p50.diff!).toBeLessThan(140);
    expect(c.shifts.find((s) => s.metric === 'ttft')!.pValue).toBeLessThan(0.001);
    expect(c.gates[0]).toMatchObject({ gate: 'ttft_p50_increase', metric: 'ttft_p50_ms', fired: true });
  });
});
