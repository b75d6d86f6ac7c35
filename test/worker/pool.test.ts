// The request executors end to end (built CLI, in-process simulator): worker threads with closed-loop
// requests queued ahead, and --threads 0 (requests on the main thread). What must hold whatever the
// thread count: every row exactly once, never more than `concurrency` in flight, nothing started after
// the duration, Ctrl-C drops what is queued and accounts for everything that ran.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { CLI, readJson, readJsonl, ROOT, runCli, tempDir, warmRunsInThisFile } from '../helpers/cli.js';

warmRunsInThisFile(); // its assertions are timings

const TOKEN = 'pool-test-token';
let sim: LocalSimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 3 });
});
afterAll(() => sim.close());

function suite(load: string, flow = 'echo-fast', rows = 25) {
  const dir = tempDir('flowbench-pool-');
  writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: rows }, (_, i) => `question number ${i}`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: pool
target: { base_url: ${sim.url}, org_id: acme, flow_id: ${flow}, token: "${TOKEN}" }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
load: ${load}
`,
  );
  return { file: join(dir, 'suite.yaml'), out: join(dir, 'out') };
}

/** Most requests in flight at once, from their send and end times. */
function peakInFlight(results: any[]): number {
  const edges = results.flatMap(
    (r) =>
      [
        [r.timestamps.sent, 1],
        [r.timestamps.end, -1],
      ] as [number, number][],
  );
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // an end before a send at the same instant
  let n = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (n += d));
  return peak;
}

describe('request executors', () => {
  for (const threads of [0, 1, 2]) {
    it(`--threads ${threads}: 3 passes over 25 rows at 4 in flight, every row once per pass, never more than 4 in flight`, async () => {
      const { file, out } = suite('{ concurrency: 4, iterations: 3 }');
      const r = await runCli(['run', file, '--out', out, '--no-progress', '--threads', String(threads)]);
      expect(r.code, r.stderr).toBe(0);
      const report = readJson<any>(join(out, 'report.json'));
      const results = readJsonl<any>(join(out, 'results.jsonl'));
      expect(report.load.threads).toBe(threads);
      expect(report.load.started).toBe(75);
      expect(results.map((x) => `${x.row}/${x.iteration}`).sort()).toEqual(Array.from({ length: 75 }, (_, i) => `${i % 25}/${Math.floor(i / 25)}`).sort());
      expect(results.every((x) => x.ok)).toBe(true);
      expect(peakInFlight(results)).toBe(4);
      // Closed loop: a request is scheduled when a slot frees for it, so the harness held it for ~0 ms.
      // A busy machine delays a few hand-offs (a thread not scheduled for a while), never most of them.
      const queued = results.map((x) => x.queueMs as number).sort((a, b) => a - b);
      expect(queued[Math.floor(queued.length / 2)]).toBeLessThan(50);
      expect(queued[queued.length - 1]).toBeLessThan(2000);
    });
  }

  it('closed loop with a duration: nothing is scheduled after it ends, and every started request is in results.jsonl', async () => {
    const { file, out } = suite('{ concurrency: 6, duration: 800ms }');
    const r = await runCli(['run', file, '--out', out, '--no-progress', '--threads', '2']);
    expect(r.code, r.stderr).toBe(0);
    const report = readJson<any>(join(out, 'report.json'));
    const results = readJsonl<any>(join(out, 'results.jsonl'));
    expect(results.length).toBe(report.load.started);
    // More than one wave: slots were reused until the duration ended (how many depends on the machine).
    expect(results.length).toBeGreaterThan(6);
    const scheduled = results.map((x) => x.timestamps.scheduled as number);
    expect(Math.max(...scheduled) - Math.min(...scheduled)).toBeLessThan(800);
    expect(peakInFlight(results)).toBeLessThanOrEqual(6);
  });

  it('Ctrl-C in a closed loop: requests queued in the threads are dropped unsent; everything that ran is accounted for', async () => {
    const { file, out } = suite('{ concurrency: 3, iterations: 50, grace: 5s }', 'fixed-timing', 10);
    const child = spawn(process.execPath, [CLI, 'run', file, '--out', out, '--no-progress', '--threads', '2'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    // Interrupt once a few requests have finished (fixed-timing takes ~0.5 s each), however long start-up took.
    const resultsFile = join(out, 'results.jsonl');
    const deadline = Date.now() + 25_000;
    while (Date.now() < deadline && !(existsSync(resultsFile) && readFileSync(resultsFile, 'utf8').split('\n').length > 3)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(killer);
    expect(code).toBe(130);
    const report = readJson<any>(join(out, 'report.json'));
    const results = readJsonl<any>(join(out, 'results.jsonl'));
    expect(report.partial).toBe(true);
    expect(report.load.abandoned).toBe(0); // in-flight requests finished within the grace period
    expect(results.length).toBe(report.load.started);
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(results.length).toBeLessThan(500);
    expect(results.every((x) => x.ok)).toBe(true);
    expect(new Set(results.map((x) => `${x.row}/${x.iteration}`)).size).toBe(results.length);
  });
});
