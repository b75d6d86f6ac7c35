// A suite run once and as 4 shard processes (in parallel, against one simulator) then merged must
// report the same requests, error kinds, grades and per-row results, and histograms that agree.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram, histogramValues } from '../../src/metrics/histogram.js';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { ROOT, readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

import { expectedTimeline } from '../helpers/timeline-oracle.js';

const FLOWS = join(ROOT, 'test/shard/shard.flows.yaml');
let whole: LocalSimulatorHandle;
let shared: LocalSimulatorHandle;
let dir: string;
let suite: string;

beforeAll(async () => {
  // Same seed, separate simulators: the simulator varies repeated questions, so the single run and
  // the shards each get a fresh one; the 4 shards share theirs, as on a real fleet. One pass over the
  // dataset: with two, the order in which parallel shards repeat a question would change its draws.
  [whole, shared] = await Promise.all([startSimulator({ flowsFile: FLOWS, seed: 7 }), startSimulator({ flowsFile: FLOWS, seed: 7 })]);
  dir = tempDir('flowbench-shards-');
  suite = join(dir, 'suite.yaml');
  writeFileSync(
    suite,
    `name: sharded
target: { flow_id: shard-bot, org_id: acme, token: shard-test-token }
dataset:
  path: ${join(ROOT, 'datasets/support.csv')}
  inputs: { in-0: "{{question}}" }
  expected: "{{answer}}"
variants:
  - { name: published, version: -1 }
  - { name: v1, version: 1 }
  - { name: draft, run_draft: true }
load: { concurrency: 12, iterations: 1, retries: 0 }
graders: [{ type: contains, value: "{{expected}}" }]
thresholds: { error_rate: "< 0.5", harness_stall_ms: "< 60000" }
compare: { baseline: published }
`,
  );
});
afterAll(async () => {
  await whole.close();
  await shared.close();
});

const key = (r: any) => `${r.variant}/${r.row}/${r.iteration}`;

describe('shards and merge', () => {
  it('4 shards merged equal one run', async () => {
    const single = await runCli(['run', suite, '--base-url', whole.url, '--out', join(dir, 'single'), '--no-progress']);
    expect(single.stderr).toBe('');
    expect(single.code).toBe(0);
    const shards = await Promise.all(
      [1, 2, 3, 4].map((i) => runCli(['run', suite, '--base-url', shared.url, '--shard', `${i}/4`, '--out', join(dir, `s${i}`), '--no-progress'])),
    );
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    const merged = await runCli(['merge', ...[1, 2, 3, 4].map((i) => join(dir, `s${i}`)), '--out', join(dir, 'merged')]);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('merged 4 shards');

    const a = readJson<any>(join(dir, 'single/report.json'));
    const b = readJson<any>(join(dir, 'merged/report.json'));
    const shardReports = [1, 2, 3, 4].map((i) => readJson<any>(join(dir, `s${i}/report.json`)));
    expect(shardReports.map((r) => r.shard)).toEqual([1, 2, 3, 4].map((index) => ({ index, count: 4 })));
    expect(new Set(shardReports.map((r) => r.suiteHash)).size).toBe(1);
    expect(shardReports.map((r) => r.load.concurrency)).toEqual([3, 3, 3, 3]); // 12 in flight across the fleet
    // Every shard did some work, and together exactly the whole plan.
    for (const r of shardReports) expect(r.variants[0].requests).toBeGreaterThan(0);

    expect(b.variants.map((v: any) => v.name)).toEqual(a.variants.map((v: any) => v.name));
    for (const [va, vb] of a.variants.map((v: any, i: number) => [v, b.variants[i]])) {
      expect(vb.requests).toBe(48);
      expect(vb.requests).toBe(va.requests);
      expect(vb.ok).toBe(va.ok);
      expect(vb.errorKinds).toEqual(va.errorKinds);
      expect(vb.grades).toEqual(va.grades);
      for (const m of ['latency', 'ttft', 'ttfb', 'itl']) {
        // As many values as the single run, and the merged histogram is the shards' histograms added
        // bucket by bucket: exact, whatever the machine's load did to the timings themselves.
        expect(decodeHistogram(vb.histograms[m]).totalCount).toBe(decodeHistogram(va.histograms[m]).totalCount);
        const summed = new Map<number, number>();
        for (const r of shardReports) {
          for (const { value, count } of histogramValues(r.variants.find((v: any) => v.name === vb.name).histograms[m])) {
            summed.set(value, (summed.get(value) ?? 0) + count);
          }
        }
        const mergedBuckets = histogramValues(vb.histograms[m]).map(({ value, count }) => [value, count]);
        expect(mergedBuckets).toEqual([...summed].sort((x, y) => x[0] - y[0]));
        expect(mergedBuckets.length).toBeGreaterThan(m === 'itl' ? 0 : 1);
      }
    }
    const errorsSeen = a.variants.reduce((n: number, v: any) => n + v.errors, 0);
    expect(errorsSeen).toBeGreaterThan(0); // the flows inject faults: error kinds are really compared

    const rowsA = new Map(readJsonl<any>(join(dir, 'single/results.jsonl')).map((r) => [key(r), r]));
    const rowsB = readJsonl<any>(join(dir, 'merged/results.jsonl'));
    expect(rowsB).toHaveLength(rowsA.size);
    expect(new Set(rowsB.map(key)).size).toBe(rowsA.size);
    for (const r of rowsB) {
      const s = rowsA.get(key(r))!;
      expect([r.ok, r.error?.kind ?? null, r.pass, r.output]).toEqual([s.ok, s.error?.kind ?? null, s.pass, s.output]);
    }
    expect(b.thresholds.map((t: any) => [t.variant, t.metric, t.ok])).toEqual(a.thresholds.map((t: any) => [t.variant, t.metric, t.ok]));
    expect(b.comparisons.map((c: any) => c.verdict)).toEqual(a.comparisons.map((c: any) => c.verdict));
    expect(b.timeline.reduce((n: number, t: any) => n + t.sent, 0)).toBe(48 * 3);
    // One timeline, per variant: the run's (threads' deltas), the merge's (shards' results on one clock) and
    // a rebuild's (results.jsonl again) each hold exactly the counts and HDR percentiles of their results.
    const names = a.variants.map((v: any) => v.name);
    const singleTimeline = expectedTimeline(readJsonl<any>(join(dir, 'single/results.jsonl')), names);
    expect(singleTimeline.some((x) => x.latencyP99Ms !== null && x.failed > 0)).toBe(true);
    expect(a.timeline).toEqual(singleTimeline);
    expect(b.timeline).toEqual(expectedTimeline(rowsB, names));
    cpSync(join(dir, 'single'), join(dir, 'rebuilt'), { recursive: true });
    rmSync(join(dir, 'rebuilt/report.json'));
    const rebuilt = await runCli(['report', join(dir, 'rebuilt')]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(readJson<any>(join(dir, 'rebuilt/report.json')).timeline).toEqual(a.timeline);
    expect(b.verdict).toBe(a.verdict);
    // The fleet's harness: every shard's threads, and its thresholds checked on them.
    expect(b.harness.threads).toHaveLength(shardReports.reduce((n, r) => n + r.harness.threads.length, 0));
    const stall = b.thresholds.filter((t: any) => t.metric === 'harness_stall_ms');
    expect(stall).toHaveLength(3);
    for (const t of stall) expect([t.ok, typeof t.actual]).toEqual([true, 'number']);
  });

  it('refuses a missing shard, a duplicate, mixed N and another suite (exit 2)', async () => {
    const s = (i: number) => join(dir, `s${i}`);
    const missing = await runCli(['merge', s(1), s(2), s(4), '--out', join(dir, 'bad1')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing shard 3\/4/);
    const dup = await runCli(['merge', s(1), s(1), s(2), s(3), s(4), '--out', join(dir, 'bad2')]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/shard 1\/4 given twice/);
    const notShard = await runCli(['merge', join(dir, 'single'), '--out', join(dir, 'bad3')]);
    expect(notShard.code).toBe(2);
    expect(notShard.stderr).toMatch(/is not a shard/);
    const half = await runCli(['run', suite, '--base-url', shared.url, '--shard', '1/2', '--out', join(dir, 'h1'), '--no-progress', '--limit', '4']);
    expect(half.code).toBe(0);
    const mixed = await runCli(['merge', join(dir, 'h1'), s(2), s(3), s(4), '--out', join(dir, 'bad4')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/mixed shard counts|different suites/);
    const badFlag = await runCli(['run', suite, '--shard', '5/4']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--shard/);
  });
});
