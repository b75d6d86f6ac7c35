// Errored and incomplete requests' timings, apart from the successful ones, end to end: a run against the
// embedded simulator with flow errors, 500s, mid-answer disconnects and early EOFs; counts and summaries
// checked against results.jsonl; the same figures from shards merged and from a report rebuilt.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newHistogram, recordMs, summarize } from '../../src/metrics/histogram.js';
import { readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

interface Line {
  ok: boolean;
  warmup?: boolean;
  error: { kind: string } | null;
  latencyMs: number;
  ttftMs: number | null;
  timestamps: { contentFrames: number[] };
}

// The kinds these faults end in (docs/faults.md), by the class docs/report.md puts them in.
const ERRORED = new Set(['http_5xx', 'flow_error']);
const INCOMPLETE = new Set(['reset', 'incomplete_stream']);
const ROWS = 48;

let dir: string;
let suite: string;

beforeAll(() => {
  dir = tempDir('flowbench-failures-');
  writeFileSync(
    join(dir, 'mixed.flows.yaml'),
    `seed: 42
flows:
  mixed:
    answers: echo
    defaults: { quality: 1, progress_ms: 10, ttft_ms: 15, tokens_per_s: 2000, words_per_frame: 1, jitter: 0 }
    versions: { 1: { http_500_rate: 0.1, error_rate: 0.15, disconnect_rate: 0.15, eof_rate: 0.15 } }
`,
  );
  writeFileSync(join(dir, 'rows.csv'), `question\n${Array.from({ length: ROWS }, (_, i) => `question number ${i} about refunds and returns`).join('\n')}\n`);
  suite = join(dir, 'suite.yaml');
  writeFileSync(
    suite,
    `name: failures
target:
  flow_id: mixed
  simulator: { flows: ${JSON.stringify(join(dir, 'mixed.flows.yaml'))}, seed: 42 }
dataset:
  path: rows.csv
  inputs: { in-0: "{{question}}" }
load: { concurrency: 4, retries: 0, timeout: 20s }
`,
  );
});

const measured = (out: string) => readJsonl<Line>(join(out, 'results.jsonl')).filter((l) => !l.warmup);

/** The summary of these values as one histogram holds them (the test's own tally of the lines). */
function summaryOf(values: number[]) {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  return summarize(h);
}

function expectClasses(lines: Line[], v: any) {
  const failed = lines.filter((l) => !l.ok);
  for (const l of failed) expect(ERRORED.has(l.error!.kind) || INCOMPLETE.has(l.error!.kind), l.error!.kind).toBe(true);
  // A disconnect comes after half the answer: a `reset` here always had content (what makes it incomplete).
  for (const l of failed.filter((x) => x.error!.kind === 'reset')) expect(l.timestamps.contentFrames.length).toBeGreaterThan(0);
  const errored = failed.filter((l) => ERRORED.has(l.error!.kind));
  const incomplete = failed.filter((l) => INCOMPLETE.has(l.error!.kind));
  expect(errored.length).toBeGreaterThan(0);
  expect(incomplete.length).toBeGreaterThan(0);
  expect(v.requests).toBe(lines.length);
  expect(v.ok + v.errored.requests + v.incomplete.requests).toBe(v.requests);
  for (const [got, want] of [
    [v.errored, errored],
    [v.incomplete, incomplete],
  ] as const) {
    expect(got.requests).toBe(want.length);
    expect(got.latencyMs).toEqual(summaryOf(want.map((l) => l.latencyMs)));
    const ttfts = want.map((l) => l.ttftMs).filter((t): t is number => t !== null);
    expect(got.ttftMs).toEqual(ttfts.length ? summaryOf(ttfts) : null);
    // Within the histogram's 3 digits of the raw extremes, never inside them.
    const raw = want.map((l) => l.latencyMs);
    expect(got.latencyMs.min).toBeLessThanOrEqual(Math.min(...raw));
    expect(got.latencyMs.min).toBeGreaterThanOrEqual(Math.min(...raw) * 0.999 - 0.001);
    expect(got.latencyMs.max).toBeGreaterThanOrEqual(Math.max(...raw));
    expect(got.latencyMs.max).toBeLessThanOrEqual(Math.max(...raw) * 1.001 + 0.001);
  }
  // The main timings stay successful-only.
  const ok = lines.filter((l) => l.ok);
  expect(v.latencyMs.count).toBe(ok.length);
  expect(v.latencyMs).toEqual(summaryOf(ok.map((l) => l.latencyMs)));
}

describe('errored and incomplete timings', () => {
  it('a run: counted exactly from results.jsonl; a rebuilt report says the same', async () => {
    const out = join(dir, 'single');
    const r = await runCli(['run', suite, '--out', out, '--no-progress', '--threads', '1']);
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    const report = readJson<any>(join(out, 'report.json'));
    expectClasses(measured(out), report.variants[0]);

    // `flowbench report` without report.json counts everything again from the lines.
    const copy = join(dir, 'rebuilt');
    cpSync(out, copy, { recursive: true });
    rmSync(join(copy, 'report.json'));
    const rebuilt = await runCli(['report', copy]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    const again = readJson<any>(join(copy, 'report.json')).variants[0];
    expect(again.errored).toEqual(report.variants[0].errored);
    expect(again.incomplete).toEqual(report.variants[0].incomplete);
  });

  it('2 shards merged: the same classes and counts as one run (faults are drawn per input)', async () => {
    const shards = await Promise.all(
      [1, 2].map((i) => runCli(['run', suite, '--shard', `${i}/2`, '--out', join(dir, `s${i}`), '--no-progress', '--threads', '1'])),
    );
    for (const s of shards) expect(s.code, s.stderr).toBeLessThanOrEqual(1);
    const merged = await runCli(['merge', join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged')]);
    expect(merged.code, merged.stderr).toBeLessThanOrEqual(1);
    const v = readJson<any>(join(dir, 'merged/report.json')).variants[0];
    const lines = measured(join(dir, 'merged'));
    expect(lines).toHaveLength(ROWS);
    expectClasses(lines, v);
    const shardVariants = [1, 2].map((i) => readJson<any>(join(dir, `s${i}/report.json`)).variants[0]);
    for (const c of ['errored', 'incomplete']) expect(v[c].requests).toBe(shardVariants[0][c].requests + shardVariants[1][c].requests);
  });
});
