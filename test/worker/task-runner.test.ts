// The task runner each executor uses, against a small counting proxy in front of the simulator: held
// tasks start only as slots free, are dropped unsent once their notAfter has passed or on dropHeld().
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorClock, nowMs } from '../../src/clock/clock.js';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { StackAIClient } from '../../src/stackai/client.js';
import { prepareContext } from '../../src/worker/execute-request.js';
import type { WireTask, WorkerConfig } from '../../src/worker/messages.js';
import { TaskRunner, type TaskOutcome } from '../../src/worker/task-runner.js';

const TOKEN = 'task-runner-token';
let sim: LocalSimulatorHandle;
let proxy: Server;
let proxyUrl = '';
let received = 0;

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 5 });
  const target = new URL(sim.url);
  // Counts the requests that reached the server, then forwards them unchanged.
  proxy = createServer((req, res) => {
    received++;
    const up = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => proxy.close(r));
  await sim.close();
});

function runner(flow: string) {
  const config: WorkerConfig = {
    baseUrl: proxyUrl,
    orgId: 'acme',
    flowId: flow,
    token: TOKEN,
    mode: 'run',
    stream: { sse: true, delta: false, prefix: false },
    output: 'out-0',
    inputs: { 'in-0': '{{q}}' },
    expected: null,
    variants: [{ name: 'published', version: null, runDraft: false }],
    timeoutMs: 10_000,
    retries: 0,
    metadata: { fetch: false, fields: {}, outputTokens: null, inputTokens: null },
    graders: [],
    connections: 4,
    anchor: anchorClock(),
    completeInThread: false,
    stallMs: 1000,
  };
  const client = new StackAIClient({ baseUrl: proxyUrl, token: TOKEN, connections: 4 });
  const replies: { id: number; outcome: TaskOutcome; at: number }[] = [];
  let waiters: (() => void)[] = [];
  const r = new TaskRunner(prepareContext(config, client), (t, outcome) => {
    replies.push({ id: t.id, outcome, at: nowMs() });
    for (const w of waiters) w();
    waiters = [];
  });
  const until = async (n: number) => {
    while (replies.length < n) await new Promise<void>((res) => waiters.push(res));
  };
  return { r, replies, until, close: () => client.close() };
}

const task = (id: number, hold?: WireTask['hold']): WireTask => ({
  id,
  variant: 0,
  row: id,
  iteration: 0,
  values: { q: `question ${id}` },
  scheduledAt: nowMs(),
  env: { variant: 0, step: null, warmup: false, sendLagMs: 0, delayed: false },
  ...(hold && { hold }),
});

describe('TaskRunner', () => {
  it('held tasks run at most `limit` at a time, each scheduled when its slot frees', async () => {
    const { r, replies, until, close } = runner('fixed-timing');
    received = 0;
    r.accept(Array.from({ length: 6 }, (_, i) => task(i + 1, { limit: 2, notAfter: null })));
    expect(r.running).toBe(2);
    await until(6);
    expect(received).toBe(6);
    const records = replies.map((x) => x.outcome as any);
    expect(records.every((x) => x.ok)).toBe(true);
    // When each request was scheduled, fewer than two others were running (a slot had freed for it),
    // and the last four had to wait for one: they were scheduled after the first ones ended.
    for (const r of records) {
      const t = r.timestamps.scheduled;
      const others = records.filter((o) => o !== r && o.timestamps.scheduled <= t && t < o.timestamps.end);
      expect(others.length).toBeLessThan(2);
    }
    const firstEnd = Math.min(...records.map((x) => x.timestamps.end));
    expect(records.filter((x) => x.timestamps.scheduled >= firstEnd)).toHaveLength(4);
    await close();
  });

  it('a held task whose notAfter has passed is answered null without being sent', async () => {
    const { r, replies, until, close } = runner('echo-fast');
    received = 0;
    r.accept([task(1, { limit: 4, notAfter: nowMs() - 1 }), task(2, { limit: 4, notAfter: nowMs() - 1 })]);
    await until(2);
    expect(replies.map((x) => x.outcome)).toEqual([null, null]);
    expect(received).toBe(0);
    await close();
  });

  it('dropHeld() answers the queued tasks null at once; the running ones finish and are sent', async () => {
    const { r, replies, until, close } = runner('fixed-timing');
    received = 0;
    r.accept(Array.from({ length: 8 }, (_, i) => task(i + 1, { limit: 2, notAfter: null })));
    r.dropHeld();
    expect(replies.map((x) => x.outcome)).toEqual([null, null, null, null, null, null]);
    await until(8);
    expect(replies.slice(6).map((x) => (x.outcome as any).ok)).toEqual([true, true]);
    expect(received).toBe(2);
    await close();
  });

  it('tasks that are not held start at once, whatever the limit', async () => {
    const { r, until, close } = runner('fixed-timing');
    received = 0;
    r.accept([task(1, { limit: 1, notAfter: null }), task(2), task(3)]);
    expect(r.running).toBe(3);
    await until(3);
    expect(received).toBe(3);
    await close();
  });
});
