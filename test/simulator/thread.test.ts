// The simulator in a worker thread (loaded from the built dist/), the CLI entry, and fault injection.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { runSimulatorCli, startSimulator, startSimulatorThread, type SimulatorHandle } from '../../src/simulator/start.js';
import { TOKEN, post, readFrames } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Builds with tsc when dist/simulator is missing or older than src/simulator (`npm test` builds first anyway). */
function ensureBuilt(): void {
  const newest = (d: string, ext: string): number =>
    Math.max(
      0,
      ...readdirSync(d)
        .filter((f) => f.endsWith(ext))
        .map((f) => statSync(`${d}/${f}`).mtimeMs),
    );
  const dist = `${root}dist/simulator`;
  if (existsSync(`${dist}/sim-thread.js`) && newest(dist, '.js') >= newest(`${root}src/simulator`, '.ts')) return;
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`], { stdio: 'pipe', timeout: 120_000 });
  } catch {
    // Type errors elsewhere in the project still emit (no noEmitOnError); the file check below decides.
  }
  if (!existsSync(`${dist}/sim-thread.js`)) throw new Error('tsc did not emit dist/simulator/sim-thread.js');
}

const handles: SimulatorHandle[] = [];
beforeAll(() => ensureBuilt(), 130_000);
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
});

describe('startSimulatorThread', () => {
  it('serves from a worker thread until closed', async () => {
    const h = await startSimulatorThread({ token: TOKEN, seed: 42 });
    handles.push(h);
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await post(`${h.url}/inference/v0/stream/demo/echo-fast`, { 'in-0': 'from a thread' });
    const frames = await readFrames(res, 0);
    expect(frames.map((f) => f.frame.outputs['out-0'] ?? '').join('')).toBe('from a thread');
    const runId = frames[0]!.frame.run_id;
    await post(`${h.url}/inference/v0/feedback/demo/echo-fast`, { run_id: runId, feedback: 'good' });
    const kept = (await (await fetch(`${h.url}/_sim/runs/${runId}`)).json()) as { feedback: string[] };
    expect(kept.feedback).toEqual(['good']);
    await h.close();
    await expect(fetch(`${h.url}/_sim/runs/${runId}`)).rejects.toThrow();
  });

  it('a closed thread serves the next start afresh, and a second close of the old handle leaves it be', async () => {
    const first = await startSimulatorThread({ token: TOKEN, seed: 42 });
    const frames = await readFrames(await post(`${first.url}/inference/v0/stream/demo/echo-fast`, { 'in-0': 'first' }), 0);
    const runId = frames[0]!.frame.run_id;
    await first.close();
    const next = await startSimulatorThread({ token: TOKEN, seed: 42, faults: { http_500_rate: 1 } });
    handles.push(next);
    await first.close(); // once only: it must not stop the server `next` is serving from
    expect((await fetch(`${next.url}/_sim/runs/${runId}`)).status).toBe(404); // its own run store
    const res = await post(`${next.url}/inference/v0/stream/demo/echo-fast`, { 'in-0': 'next' });
    expect(res.status).toBe(500); // its own faults
    await res.body?.cancel();
  });

  it('rejects with a ConfigError for a bad flows file', async () => {
    const err = await startSimulatorThread({ flowsFile: `${root}no-such-flows.yaml` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toContain('no-such-flows.yaml');
  });
});

describe('runSimulatorCli', () => {
  it('prints where it listens, never the token', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const h = await runSimulatorCli({ token: 'very-secret-token' });
      handles.push(h);
      const line = String(write.mock.calls[0]?.[0]);
      expect(line).toMatch(/^flowbench simulator listening on http:\/\/127\.0\.0\.1:\d+ \(flows: .*demo\.flows\.yaml: support-bot/);
      expect(line).not.toContain('very-secret-token');
    } finally {
      write.mockRestore();
    }
  });

  it('says so when the port is taken', async () => {
    const a = await startSimulator({});
    handles.push(a);
    await expect(startSimulator({ port: a.port })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('faults (flaky-bot)', () => {
  it('answers 429 with Retry-After, 500, FAILED runs and dropped streams at the configured rates', async () => {
    const h = await startSimulator({ token: TOKEN, seed: 42 });
    handles.push(h);
    const seen: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        let kind: string;
        try {
          const res = await post(`${h.url}/inference/v0/stream/demo/flaky-bot`, { 'in-0': `question number ${i} here` });
          if (res.status !== 200) {
            kind = String(res.status);
            if (res.status === 429) expect(res.headers.get('retry-after')).toBe('0');
            await res.text();
          } else {
            const frames = await readFrames(res, 0);
            const last = frames[frames.length - 1]!.frame;
            kind = last.state === 'COMPLETED' ? 'ok' : last.state === 'FAILED' && last.error ? 'failed' : 'eof';
          }
        } catch {
          kind = 'dropped';
        }
        seen[kind] = (seen[kind] ?? 0) + 1;
      }),
    );
    expect(seen.ok).toBeGreaterThan(140);
    for (const k of ['429', '500', 'failed', 'dropped']) expect(seen[k] ?? 0, `${k} in ${JSON.stringify(seen)}`).toBeGreaterThan(0);
  });
});
