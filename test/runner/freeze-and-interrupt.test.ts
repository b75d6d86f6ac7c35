// Coordinated omission and Ctrl-C, end to end. A tiny node:http StackAI-compatible server answers run
// requests in 20 ms but freezes for 1.5 s once: a 20 req/s open loop capped at 2 in flight must show the
// freeze in its latency p90 (latency counts from the scheduled time) and account for every request.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

let server: Server;
let url: string;
let firstRequestAt = 0;
let freezeFromMs = Infinity;
let served = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = createServer(async (req, res) => {
    for await (const _ of req) void _;
    const now = Date.now();
    if (firstRequestAt === 0) firstRequestAt = now;
    const freezeStart = firstRequestAt + freezeFromMs;
    const freezeEnd = freezeStart + 1500;
    // Frozen: nothing is answered until the freeze ends (as a stalled process would behave).
    if (now >= freezeStart && now < freezeEnd) await sleep(freezeEnd - now);
    await sleep(20);
    served++;
    const runId = `r${served}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        outputs: { 'out-0': 'fine thanks' },
        citations: null,
        run_id: runId,
        metadata: null,
        progress_data: null,
        state: 'COMPLETED',
        pause: null,
        error: null,
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function suite(load: string): { file: string; out: string } {
  const dir = tempDir('flowbench-freeze-');
  writeFileSync(join(dir, 'rows.csv'), 'q\nhello\nhow are you\n');
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: freeze
target: { base_url: ${url}, org_id: o, flow_id: f, token: test-token }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: run
${load}
`,
  );
  return { file: join(dir, 'suite.yaml'), out: join(dir, 'out') };
}

describe('coordinated omission', () => {
  it('a 1.5 s freeze at 20 req/s capped at 2 in flight shows in p90 (>= 600 ms), and every request is accounted for', async () => {
    firstRequestAt = 0;
    freezeFromMs = 1000;
    const { file, out } = suite('load: { rate: 20, duration: 4s, concurrency: 2, retries: 0 }');
    const r = await runCli(['run', file, '--out', out, '--no-progress']);
    expect(r.code).toBe(0);
    const report = readJson<any>(join(out, 'report.json'));
    const results = readJsonl<any>(join(out, 'results.jsonl'));
    const v = report.variants[0];
    expect(report.load.started).toBe(80);
    expect(results).toHaveLength(80);
    expect(v.requests).toBe(80);
    expect(v.ok + v.errors).toBe(80);
    expect(v.latencyMs.p90).toBeGreaterThanOrEqual(600);
    expect(v.latencyMs.max).toBeGreaterThanOrEqual(1400);
    // The cap held sends back: they are counted, and service time (from the actual send) stays far below latency.
    expect(report.load.delayedSends).toBeGreaterThan(0);
    expect(report.load.maxSendLagMs).toBeGreaterThan(500);
    expect(v.serviceMs.p90).toBeLessThan(v.latencyMs.p90);
  });
});

describe('Ctrl-C', () => {
  it('stops scheduling, lets in-flight requests finish within the grace period, writes a partial report, exits 130', async () => {
    firstRequestAt = 0;
    freezeFromMs = Infinity;
    served = 0;
    const { file, out } = suite('load: { rate: 20, duration: 60s, grace: 2s }');
    const child = spawn(process.execPath, [CLI, 'run', file, '--out', out, '--no-progress'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    // SIGINT once requests are flowing.
    while (served < 10) await sleep(50);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(killer);
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    const report = readJson<any>(join(out, 'report.json'));
    const results = readJsonl<any>(join(out, 'results.jsonl'));
    expect(report.partial).toBe(true);
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(results.length).toBeLessThan(200); // stopped long before 60 s
    expect(report.variants[0].requests + report.load.abandoned).toBe(report.load.started);
  });

  it('requests still running when the grace period ends are abandoned and counted, not waited for', async () => {
    // A freeze that outlasts the grace period: everything sent after the first ~0.5 s hangs for 1.5 s.
    firstRequestAt = 0;
    freezeFromMs = 500;
    served = 0;
    const { file, out } = suite('load: { rate: 20, duration: 60s, grace: 300ms, retries: 0 }');
    const child = spawn(process.execPath, [CLI, 'run', file, '--out', out, '--no-progress'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    while (served < 5) await sleep(20);
    await sleep(700); // inside the freeze: several requests are in flight
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(killer);
    expect(code).toBe(130);
    const report = readJson<any>(join(out, 'report.json'));
    expect(report.partial).toBe(true);
    expect(report.load.abandoned).toBeGreaterThan(0); // cut short: the freeze outlasted the grace period
    expect(report.variants[0].requests + report.load.abandoned).toBe(report.load.started);
    expect(readJsonl<any>(join(out, 'results.jsonl'))).toHaveLength(report.variants[0].requests);
  });
});
