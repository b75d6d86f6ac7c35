// `flowbench run --start-at`: shards launched apart start their load's clock at the one moment asked
// for, the merge states how far apart they started, and a wrong TIME or a Ctrl-C during the wait
// behave (exit 2 naming the option; exit 130 with nothing sent).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { CLI, ROOT, readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

let sim: LocalSimulatorHandle;
let dir: string;
let suite: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7 }); // the bundled demo flows: no faults
  dir = tempDir('flowbench-start-at-');
  suite = join(dir, 'suite.yaml');
  writeFileSync(
    suite,
    `name: start-at
target: { flow_id: support-bot, org_id: demo, token: start-at-token }
dataset:
  path: ${join(ROOT, 'datasets/support.csv')}
  inputs: { in-0: "{{question}}" }
  limit: 6
variants: [{ name: published, version: -1 }]
load: { concurrency: 2, iterations: 1, retries: 0 }
`,
  );
});
afterAll(async () => {
  await sim.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('--start-at', () => {
  it('two shards launched a second apart start their clocks at the same moment; the merge gives the skew', async () => {
    // Far enough ahead that both processes (the second launched 1 s later) are warm by then on a busy machine.
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 8000).toISOString();
    const run = (i: number) =>
      runCli(['run', suite, '--base-url', sim.url, '--shard', `${i}/2`, '--start-at', at, '--threads', '1', '--out', join(dir, `s${i}`), '--no-progress']);
    const first = run(1);
    await sleep(1000);
    const shards = await Promise.all([first, run(2)]);
    for (const s of shards) {
      expect(s.code, s.stderr).toBe(0);
      expect(s.stderr).toContain(`--start-at: the load starts at ${at}`);
    }
    const starts = [1, 2].map((i) => {
      const report = readJson<any>(join(dir, `s${i}/report.json`));
      expect(report.startAt.requested).toBe(at);
      expect(report.startAt.requestedAt).toBe(at);
      const clock = Date.parse(report.startAt.clockStartedAt);
      expect(clock).toBeGreaterThanOrEqual(Date.parse(at));
      // Within ms on a quiet machine; a machine this busy (CI beside other work) has woken it seconds late.
      expect(clock).toBeLessThan(Date.parse(at) + 5000);
      // The manifest keeps the same two moments, and no request was scheduled before the clock started.
      expect(readJson<any>(join(dir, `s${i}/run-manifest.json`)).sessions[0].startAt).toEqual(report.startAt);
      for (const r of readJsonl<any>(join(dir, `s${i}/results.jsonl`))) expect(Date.parse(r.scheduledAt)).toBeGreaterThanOrEqual(Date.parse(at));
      return clock;
    });
    const merged = await runCli(['merge', join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    const report = readJson<any>(join(dir, 'merged/report.json'));
    expect(report.startSkewMs).toBe(Math.max(...starts) - Math.min(...starts));
    expect(merged.stdout).toContain(`merged 2 shards; start skew ${Math.round(report.startSkewMs)} ms; verdict:`);
    expect(report.startAt).toBeUndefined(); // one shard's start is not the fleet's
  }, 60_000);

  it('a moment already past: a warning, and the load starts at once', async () => {
    const r = await runCli([
      'run',
      suite,
      '--base-url',
      sim.url,
      '--start-at',
      '2020-01-01T00:00:00Z',
      '--threads',
      '1',
      '--out',
      join(dir, 'past'),
      '--no-progress',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: --start-at 2020-01-01T00:00:00Z was [\d.]+ s ago: the load starts as soon as the threads are warm/);
    const report = readJson<any>(join(dir, 'past/report.json'));
    expect(report.startAt.requestedAt).toBe('2020-01-01T00:00:00.000Z');
  }, 60_000);

  it.each([
    ['tomorrow', 'is neither an ISO 8601 time nor +DURATION'],
    ['+5x', 'after "+" comes a duration'],
    ['2026-12-02T10:00:00', 'has no time zone'],
    ['2026-13-45T00:00:00Z', 'is not a real date and time'],
    ['+25h', 'more than 24 h'],
  ])('--start-at %s is exit 2, naming the option and the fix, before anything starts', async (value, why) => {
    const out = join(dir, `bad-${value.replace(/\W/g, '_')}`);
    const r = await runCli(['run', suite, '--base-url', sim.url, '--start-at', value, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--start-at "${value}"`);
    expect(r.stderr).toContain(why);
    expect(r.stderr).toContain('fix: give an ISO 8601 time with its zone');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it('Ctrl-C during the wait exits 130 promptly, with nothing sent', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const out = join(dir, 'interrupted');
      const child = spawn(process.execPath, [CLI, 'run', suite, '--base-url', url, '--start-at', '+60s', '--threads', '1', '--out', out, '--no-progress'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CI: 'true' },
      });
      let stderr = '';
      const waiting = new Promise<void>((resolve) =>
        child.stderr.on('data', (d) => {
          stderr += d;
          if (stderr.includes('--start-at: the load starts at')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await waiting;
      await sleep(500); // well inside the wait: the threads are up, the clock not started
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await exited;
      expect(code, stderr).toBe(130);
      expect(Date.now() - sent).toBeLessThan(30_000); // not the 60 s the wait had left (12 s was seen on a machine 4x slower than quiet)
      expect(hits).toBe(0);
      expect(readJsonl(join(out, 'results.jsonl'))).toEqual([]);
      expect(readJson<any>(join(out, 'report.json')).partial).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
