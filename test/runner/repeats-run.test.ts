// `repeat: 3` run for real (in-process runSuite, request threads, the simulator on loopback): results.jsonl
// says which repeat each line is, report.json's repeats agree with an oracle computed here from
// results.jsonl, the comparison pairs rows (n = rows, not 3×) and says so, the threshold names
// work, and a rebuilt report, sharding + merge and --resume keep every repeat exactly once (one test: four runs in all).
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, readJsonl, tempDir } from '../helpers/cli.js';
import { writeSuite } from '../compare/helpers.js';
import { compareVariants } from '../../src/compare/compare-variants.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import type { Report } from '../../src/report/report-model.js';

// The built modules: worker threads load dist/ (run `npm run build` first, as `npm test` does).
const { runSuite } = (await import(join(ROOT, 'dist/runner/run-suite.js'))) as typeof import('../../src/runner/run-suite.js');
const { loadSuite } = (await import(join(ROOT, 'dist/suite/load-suite.js'))) as typeof import('../../src/suite/load-suite.js');
const { rebuildReport } = (await import(join(ROOT, 'dist/runner/rebuild-report.js'))) as typeof import('../../src/runner/rebuild-report.js');
const { mergeShards } = (await import(join(ROOT, 'dist/merge/merge-shards.js'))) as typeof import('../../src/merge/merge-shards.js');

const ROWS = 10;
const N = 3;

async function repeatSuite(dir: string): Promise<string> {
  const file = writeSuite(dir, {
    flow: 'qa-bot',
    rows: ROWS,
    variants: '[{ name: published, version: 1 }, { name: draft, version: 2 }]',
    compare: 'compare: { baseline: published }',
    concurrency: 8,
  });
  appendFileSync(file, `repeat: ${N}\nthresholds: { pass_at_1: ">= 0.5", consistency: ">= 0" }\n`);
  return file;
}

/** The oracle: per variant, each row's passes out of its N verdicts, straight from results.jsonl. */
function oracle(results: ResultRecord[], variant: string) {
  const byRow = new Map<number, boolean[]>();
  for (const r of results.filter((x) => x.variant === variant)) byRow.set(r.row, [...(byRow.get(r.row) ?? []), r.pass!]);
  const rows = [...byRow.values()];
  const passes = rows.map((v) => v.filter(Boolean).length);
  return {
    passAt1: passes.reduce((a, p) => a + p / N, 0) / rows.length,
    passAllN: passes.filter((p) => p === N).length / rows.length,
    consistency: passes.filter((p) => p === 0 || p === N).length / rows.length,
    flaky: [...byRow]
      .filter(([, v]) => v.some(Boolean) && !v.every(Boolean))
      .map(([row]) => row)
      .sort((a, b) => a - b),
  };
}

const figures = (r: Report) => r.variants.map((v) => ({ ...v.repeats!, flakyRows: v.repeats!.flakyRows.map((f) => [f.row, f.passes]) }));

describe('repeat: 3 against the simulator', () => {
  it('reports pass@1, pass^3, consistency and flaky rows per variant, and compares with n = rows', async () => {
    const dir = tempDir();
    const { report, exitCode } = await runSuite(await loadSuite(await repeatSuite(dir)), { outDir: join(dir, 'out'), progress: false });
    expect(exitCode).toBe(0);
    const results = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
    expect(results).toHaveLength(ROWS * 2 * N);
    // Every (variant, row) has repeats 0, 1 and 2, once each.
    const seen = new Set(results.map((r) => `${r.variant}/${r.row}/${r.repeat}`));
    expect(seen.size).toBe(ROWS * 2 * N);
    expect(results.every((r) => r.repeat !== undefined && r.repeat >= 0 && r.repeat < N)).toBe(true);

    for (const v of report.variants) {
      const want = oracle(results, v.name);
      const got = v.repeats!;
      expect(got).toMatchObject({
        n: N,
        rows: ROWS,
        completeRows: ROWS,
        flakyCount: want.flaky.length,
        consistency: want.consistency,
        passAllN: want.passAllN,
      });
      expect(got.passAt1).toBeCloseTo(want.passAt1, 12);
      // pass@1 over complete rows is the plain pass rate.
      expect(got.passAt1).toBeCloseTo(v.grades.passRate!, 12);
      expect(got.passCounts.reduce((a, b) => a + b, 0)).toBe(ROWS);
      expect(got.flakyRows.map((f) => f.row)).toEqual(want.flaky);
      for (const f of got.flakyRows) {
        // Each repeat's own output and verdict, side by side.
        expect(f.repeats.map((x) => x.repeat)).toEqual([0, 1, 2]);
        for (const x of f.repeats) {
          const r = results.find((q) => q.variant === v.name && q.row === f.row && q.repeat === x.repeat)!;
          expect([x.pass, x.output]).toEqual([r.pass, r.output]);
        }
      }
    }
    // The simulator draws afresh per repeat: the worse version has rows that pass some repeats only.
    expect(report.variants[1]!.repeats!.flakyCount).toBeGreaterThan(0);

    const c = report.comparisons[0]!;
    expect([c.paired, c.pairs]).toEqual([true, ROWS]);
    expect(c.clustered).toEqual({ repeats: N, rows: ROWS, note: 'repeats clustered per row (n = rows)' });
    const pass = c.metrics.find((m) => m.metric === 'pass_rate')!;
    expect(pass).toMatchObject({ test: 'paired-t', n: { baseline: ROWS, candidate: ROWS, pairs: ROWS } });
    expect(pass.baseline).toBeCloseTo(report.variants[0]!.repeats!.passAt1!, 12);
    expect(c.metrics.find((m) => m.metric === 'latency_p50_ms')!.n.pairs).toBe(ROWS);
    // A threshold's repeat metric is shown with both values; its paired test is pass_rate's.
    expect(c.metrics.find((m) => m.metric === 'pass_at_1')).toMatchObject({ unit: 'ratio', test: null, baseline: report.variants[0]!.repeats!.passAt1 });
    // Without results.jsonl the repeats cannot be clustered, and the comparison says what that costs.
    const side = (v: (typeof report.variants)[number]) => ({ name: v.name, source: null, summary: v, rows: null, resultsPath: null });
    const unpaired = await compareVariants(side(report.variants[0]!), side(report.variants[1]!));
    expect(unpaired.clustered).toBeUndefined();
    expect(unpaired.warnings.join(' ')).toMatch(/repeats cannot be clustered/);

    const th = report.thresholds.filter((t) => t.metric === 'pass_at_1' || t.metric === 'consistency');
    expect(th.map((t) => [t.variant, t.metric, t.actual])).toEqual(
      report.variants.flatMap((v) => [
        [v.name, 'pass_at_1', v.repeats!.passAt1],
        [v.name, 'consistency', v.repeats!.consistency],
      ]),
    );
    const md = readFileSync(join(dir, 'out/summary.md'), 'utf8');
    expect(md).toContain(`### Repeats: every row ${N} times per variant`);
    expect(md).toContain('repeats clustered per row (n = rows)');
    expect(readFileSync(join(dir, 'out/results.csv'), 'utf8').split('\r\n')[0]!.startsWith('variant,row,iteration,repeat,step,')).toBe(true);

    // A killed run's folder (results.jsonl, no report.json): the rebuilt report has the same repeats.
    const killed = join(dir, 'killed');
    cpSync(join(dir, 'out'), killed, { recursive: true });
    rmSync(join(killed, 'report.json'));
    const rebuilt = (await rebuildReport(killed)).report;
    expect(figures(rebuilt)).toEqual(figures(report));
    expect(rebuilt.comparisons[0]!.clustered).toEqual(c.clustered);

    // Two shards merged: a row's repeats all in one shard, so the merged figures are the whole run's.
    const file = await repeatSuite(dir);
    const shards = [1, 2].map((index) => join(dir, `shard${index}`));
    for (const [i, out] of shards.entries()) {
      await runSuite(await loadSuite(file, { overrides: { shards: 2 } }), { outDir: out, progress: false, shard: { index: i + 1, count: 2 } });
    }
    const merged = await mergeShards(shards, join(dir, 'merged'));
    expect(figures(merged.report)).toEqual(figures(report));
    expect(merged.report.comparisons[0]!.clustered).toEqual(c.clustered);

    // --resume of the first run with a third of its lines gone (a killed run): exactly the missing repeats are sent.
    const out = join(dir, 'out');
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trimEnd().split('\n');
    // Keep two thirds: a killed run's file (its report is rebuilt on resume).
    const kept = lines.filter((_, i) => i % 3 !== 1);
    writeFileSync(join(out, 'results.jsonl'), `${kept.join('\n')}\n`);
    const resumed = (await runSuite(await loadSuite(file), { outDir: out, progress: false, resume: true })).report;
    const after = readJsonl<ResultRecord>(join(out, 'results.jsonl'));
    expect(after).toHaveLength(ROWS * 2 * N);
    expect(new Set(after.map((r) => `${r.variant}/${r.row}/${r.repeat}`)).size).toBe(ROWS * 2 * N);
    expect(resumed.variants.map((v) => v.repeats!.completeRows)).toEqual([ROWS, ROWS]);
  });
});
