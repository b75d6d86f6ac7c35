// End to end, one test per load model: the built CLI runs a suite against the in-process simulator and
// the report and results.jsonl are checked against what the schedule must have done. Scheduled times
// come from the pure schedule, so they are checked exactly; measured times only with generous bounds.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'load-models-token';
let sim: LocalSimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 42 });
});
afterAll(() => sim.close());

async function run(load: string, extra = '', args: string[] = []) {
  const dir = tempDir('flowbench-load-');
  writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: 7 }, (_, i) => `question number ${i}`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: load-models
target: { base_url: ${sim.url}, org_id: acme, flow_id: ${extra.includes('fixed') ? 'fixed-timing' : 'echo-fast'}, token: "${TOKEN}" }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: stream
${load}
`,
  );
  const r = await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress', ...args], { timeoutMs: 60_000 });
  return { r, report: readJson<any>(join(dir, 'out/report.json')), results: readJsonl<any>(join(dir, 'out/results.jsonl')), dir };
}

const scheduled = (results: any[]) => results.map((x) => x.timestamps.scheduled as number).sort((a, b) => a - b);
const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]!);

describe('load models against the simulator', () => {
  it('open loop, constant: 20 req/s for 1.5 s sends 30 requests exactly 50 ms apart, rows cycled', async () => {
    const { r, report, results, dir } = await run('load: { rate: 20, duration: 1.5s }');
    expect(r.code).toBe(0);
    // The HdrHistogram interval log: one latency and one TTFT interval per second with completions.
    const hlog = readFileSync(join(dir, 'out/published.hlog'), 'utf8');
    expect(hlog).toMatch(/^#\[Histogram log format version 1\.3\]$/m);
    expect(hlog.match(/^Tag=latency,/gm)!.length).toBe(report.timeline.filter((b: any) => b.completed > 0).length);
    expect(report.load).toMatchObject({ model: 'open-loop', rate: 20, started: 30, warmupRequests: 0, abandoned: 0 });
    expect(r.stdout).toMatch(/load: open-loop, 20 req\/s constant, cap 1000 in flight; 30 requests started/);
    expect(r.stdout).toMatch(/service time \(from the actual send\) p50\/p99 [\d.]+ \/ [\d.]+ ms; harness: send lag p99/);
    expect(results).toHaveLength(30);
    for (const g of gaps(scheduled(results))) expect(g).toBeCloseTo(50, 1);
    expect(new Set(results.map((x) => x.iteration)).size).toBeGreaterThan(1); // 7 rows, 30 sends
    const v = report.variants[0];
    expect(v.ok).toBe(30);
    // Latency counts from the scheduled time, service time from the actual send: never more than latency.
    expect(v.serviceMs.max).toBeLessThanOrEqual(v.latencyMs.max + 0.01);
    expect(v.sendLagMs.count).toBe(30);
    expect(v.outputTokensSource).toEqual({ metadata: 0, tokenizer: 30 });
    expect(report.timeline.reduce((a: number, b: any) => a + b.sent, 0)).toBe(30);
    expect(report.timeline.reduce((a: number, b: any) => a + b.completed, 0)).toBe(30);
  });

  it('open loop, poisson with a request count: 25 requests, irregular gaps, the same schedule for the same seed', async () => {
    const a = await run('load: { rate: 40, arrival: poisson, requests: 25, seed: 9 }');
    const b = await run('load: { rate: 40, arrival: poisson, requests: 25, seed: 9 }');
    expect(a.r.code).toBe(0);
    expect(a.results).toHaveLength(25);
    const ga = gaps(scheduled(a.results));
    expect(Math.max(...ga) - Math.min(...ga)).toBeGreaterThan(10);
    gaps(scheduled(b.results)).forEach((g, i) => expect(g).toBeCloseTo(ga[i]!, 1));
  });

  it('ramping arrival rate: 5 -> 25 req/s over 1 s then 25 req/s for 0.6 s sends the area under the curve (15 + 15)', async () => {
    const { r, report, results } = await run('load:\n  stages:\n    - { rate: 5, to: 25, duration: 1s }\n    - { rate: 25, duration: 600ms }');
    expect(r.code).toBe(0);
    expect(report.load.model).toBe('ramping-rate');
    expect(results).toHaveLength(30);
    const g = gaps(scheduled(results));
    expect(g[0]).toBeGreaterThan(g[12]!); // the ramp speeds up
    expect(g.at(-1)).toBeCloseTo(40, 1); // the hold stage is 25/s
  });

  it('ramping concurrency: 1 -> 4 in flight, never more than 4 at once and more than 1 at some point', async () => {
    // A ramp then a hold at 4 for 1 s: requests of ~0.5 s overlap in the hold however late the ramp's
    // slots open (one ramp of 2 s ended with no two requests in flight at once on a busy CI machine).
    const { r, report, results } = await run(
      'load:\n  stages:\n    - { concurrency: 1, to: 4, duration: 1s }\n    - { concurrency: 4, duration: 1s }',
      'fixed',
    );
    expect(r.code).toBe(0);
    expect(report.load.model).toBe('ramping-concurrency');
    const events = results
      .flatMap(
        (x) =>
          [
            [x.timestamps.sent, 1],
            [x.timestamps.end, -1],
          ] as [number, number][],
      )
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let peak = 0;
    for (const [, d] of events) peak = Math.max(peak, (now += d));
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
    expect(results.length).toBeGreaterThan(3);
  });

  it('sweep: three rates, per-step throughput and percentiles, the sustainable rate against the thresholds', async () => {
    const { r, report } = await run(
      'load: { sweep: { from: 5, to: 15, steps: 3, duration: 1s } }\nthresholds: { error_rate: "< 0.01", latency_p99_ms: "< 5000" }',
    );
    expect(r.code).toBe(0);
    expect(report.load.model).toBe('sweep');
    const steps = report.sweep.steps;
    expect(steps.map((s: any) => s.rate)).toEqual([5, 10, 15]);
    expect(steps.map((s: any) => s.variants[0].requests)).toEqual([5, 10, 15]);
    expect(steps.map((s: any) => s.sentRps)).toEqual([5, 10, 15]);
    for (const s of steps) {
      expect(s.variants[0].ttftMs.p50).toBeGreaterThanOrEqual(0);
      expect(s.variants[0].latencyMs.p99).toBeGreaterThan(0);
      expect(s.variants[0].errorRate).toBe(0);
      expect(s.thresholdsOk).toBe(true);
    }
    expect(report.sweep.sustainableRate).toBe(15);
    // Uncapped, every send leaves within its step; completions per second never exceed the target.
    for (const s of steps) expect(s.completedRps).toBeLessThanOrEqual(s.rate);
    expect(r.stdout).toMatch(/step 10 req\/s: sent 10\/s, completed [\d.]+ ok\/s; published [\d.]+ ok\/s/);
    expect(r.stdout).toMatch(/sustainable rate: 15 req\/s \(the suite's thresholds\); sweep passes/);
    expect(report.variants[0].requests).toBe(30);
  });

  it('sweep: a step that breaks a threshold is not sustainable', async () => {
    // fixed-timing answers in ~600 ms: a latency p50 below 1 ms fails at every rate.
    const { r, report } = await run('load: { sweep: { from: 2, to: 4, steps: 2, duration: 1s } }\nthresholds: { latency_p50_ms: "< 1" }', 'fixed');
    expect(r.code).toBe(1);
    expect(report.sweep.steps.every((s: any) => !s.thresholdsOk)).toBe(true);
    expect(report.sweep.sustainableRate).toBeNull();
    expect(r.stdout).toContain("run failed: no sweep step met the suite's thresholds and max_error_rate 0.5");
  });

  it('closed loop with warm-up: warm-up requests are in results.jsonl marked, and in no statistic', async () => {
    const { r, report, results } = await run('load: { concurrency: 2, iterations: 2, warmup: 5 }');
    expect(r.code).toBe(0);
    expect(results.filter((x) => x.warmup === true)).toHaveLength(5);
    expect(results.filter((x) => x.warmup !== true)).toHaveLength(14);
    expect(report.variants[0].requests).toBe(14);
    expect(report.load).toMatchObject({ model: 'closed-loop', warmupRequests: 5, started: 14 });
    // Warm-up comes first: every measured request was scheduled after the last warm-up one ended.
    const lastWarm = Math.max(...results.filter((x) => x.warmup).map((x) => x.timestamps.end));
    expect(Math.min(...results.filter((x) => !x.warmup).map((x) => x.timestamps.scheduled))).toBeGreaterThanOrEqual(lastWarm);
  });

  it('flags: --rate, --duration and --concurrency turn a closed-loop suite into a capped open loop', async () => {
    const { r, report, results } = await run('load: { concurrency: 3 }', '', ['--rate', '10', '--duration', '1s', '--concurrency', '2']);
    expect(r.code).toBe(0);
    expect(report.load).toMatchObject({ model: 'open-loop', rate: 10, concurrency: 2, durationMs: 1000 });
    expect(results).toHaveLength(10);
  });

  it('flags: --duration on a closed loop cycles the rows until the time is up', async () => {
    const { r, report } = await run('load: { concurrency: 2 }', '', ['--duration', '1s']);
    expect(r.code).toBe(0);
    expect(report.load.iterations).toBeNull();
    expect(report.variants[0].requests).toBeGreaterThan(7);
  });
});
