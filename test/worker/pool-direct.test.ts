// The request thread pool on its own (src/worker/pool.ts), in-process against an in-process simulator:
// threads sized by the concurrency, every task run once and answered, held tasks never more than the
// concurrency in flight, dropHeld() answers the held ones null, a thread that dies costs only what it had
// started (the rest runs on another thread and a new thread takes its place), and close() ends every lane
// with its watch; a pool closed cleanly leaves its threads to the next one of its size. The pool loads
// its lanes as built JavaScript, so it is imported from dist/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorAt } from '../../dist/clock/clock.js';
import type { RunStatsDelta } from '../../dist/metrics/run-stats.js';
import type { ResultRecord } from '../../dist/record/result-record.js';
import type { RequestTask, WorkerConfig } from '../../dist/worker/messages.js';
import { startPool, type PoolOutcome, type PoolSinks } from '../../dist/worker/pool.js';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';

const TOKEN = 'pool-direct-token';
let sim: LocalSimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 11 });
});
afterAll(() => sim.close());

function config(flowId: string, completeInThread = false): WorkerConfig {
  return {
    baseUrl: '',
    orgId: 'acme',
    flowId,
    token: '',
    mode: 'run',
    stream: { sse: false, delta: true, prefix: false },
    output: 'out-0',
    inputs: { 'in-0': '{{q}}' },
    expected: null,
    variants: [{ name: 'published', version: -1, runDraft: false }],
    timeoutMs: 20_000,
    retries: 0,
    // With completeInThread, a record completes in its thread once its output tokens are known: the
    // simulator's run metadata reports them (llm_usage), so no token thread is needed here.
    metadata: { fetch: completeInThread, fields: {}, outputTokens: null, inputTokens: null },
    graders: [],
    anchor: anchorAt(Date.now()),
    connections: 1,
    headers: {},
    completeInThread,
    stallMs: 20,
  };
}

/** Sinks that keep what they are handed. */
function sinks() {
  const got = { lines: '', lineCount: 0, deltas: [] as RunStatsDelta[], lost: 0, measured: 0, failed: 0 };
  const s: PoolSinks = {
    lines: (text, count) => {
      got.lines += text;
      got.lineCount += count;
    },
    stats: (d) => void got.deltas.push(d),
    threadLost: () => void got.lost++,
    alarm: () => {},
    counted: (m, f) => {
      got.measured += m;
      got.failed += f;
    },
  };
  return { got, sinks: s };
}

const task = (row: number): RequestTask => ({
  variant: 0,
  row,
  iteration: 0,
  values: { q: `question number ${row}` },
  scheduledAt: 0,
  env: { variant: 0, step: null, warmup: false, sendLagMs: 0, delayed: false },
});
const recordOf = (o: PoolOutcome): ResultRecord => {
  if (o === null || !('record' in o)) throw new Error(`expected a record back, got ${JSON.stringify(o)}`);
  return o.record;
};

async function started(flowId: string, concurrency: number, threads: number | undefined, completeInThread = false) {
  const s = sinks();
  const pool = await startPool(config(flowId, completeInThread), concurrency, threads, s.sinks);
  pool.setTarget(sim.url, TOKEN);
  pool.clockStart();
  return { pool, ...s };
}

/** Most requests in flight at once, from their send and end times. */
function peakInFlight(records: ResultRecord[]): number {
  const edges = records.flatMap(
    (r) =>
      [
        [r.timestamps!.sent!, 1],
        [r.timestamps!.end!, -1],
      ] as [number, number][],
  );
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (n += d));
  return peak;
}

describe('startPool: one pool of two request threads (fixed-timing: each answer takes ~0.5 s)', () => {
  let p: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    p = await started('fixed-timing', 4, 2);
  });
  afterAll(() => p.pool.close());

  it('every task answered once, with its own record, back whole (nothing written in the threads)', async () => {
    expect(p.pool.threads).toBe(2);
    const records = (await Promise.all(Array.from({ length: 8 }, (_, i) => p.pool.run(task(i))))).map(recordOf);
    expect(records.map((r) => r.row)).toEqual(Array.from({ length: 8 }, (_, i) => i));
    for (const r of records) {
      expect(r.ok).toBe(true);
      expect(r.inputs['in-0']).toBe(`question number ${r.row}`);
    }
    expect(p.pool.running).toBe(0);
    expect(p.got.lineCount).toBe(0);
  });

  it('held tasks (a closed loop): never more than the concurrency in flight across both threads, every one run', async () => {
    const records = (await Promise.all(Array.from({ length: 9 }, (_, i) => p.pool.run(task(i), { concurrency: 3, notAfter: null })))).map(recordOf);
    expect(records.map((r) => r.row)).toEqual(Array.from({ length: 9 }, (_, i) => i));
    expect(peakInFlight(records)).toBe(3);
  });

  it('dropHeld: the held tasks not yet started are answered null; the ones started finish', async () => {
    const held = Array.from({ length: 40 }, (_, i) => p.pool.run(task(i), { concurrency: 2, notAfter: null }));
    await new Promise((r) => setTimeout(r, 100)); // the first two are in flight (each takes ~0.5 s)
    p.pool.dropHeld();
    const outcomes = await Promise.all(held);
    const ran = outcomes.filter((o) => o !== null).map(recordOf);
    expect(ran.length).toBeGreaterThanOrEqual(2);
    expect(ran.length).toBeLessThan(40);
    expect(outcomes.filter((o) => o === null)).toHaveLength(40 - ran.length);
    expect(peakInFlight(ran)).toBeLessThanOrEqual(2);
  });

  it('close(): every lane ends with its watch; closing again gives the same', async () => {
    const watches = await p.pool.close();
    expect(watches.map((w) => w.role)).toEqual(['request', 'request']);
    expect(new Set(watches.map((w) => w.threadId)).size).toBe(2);
    expect(await p.pool.close()).toBe(watches);
  });
});

describe('startPool', () => {
  it('threads are capped by the concurrency; completeInThread: the thread writes each line (the lines sink gets them, counted)', async () => {
    const p = await started('echo-fast', 1, 2, true);
    expect(p.pool.threads).toBe(1);
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => p.pool.run(task(i))));
    expect(outcomes).toEqual(Array.from({ length: 6 }, () => ({ written: true, attempts: 1 })));
    expect(await p.pool.close()).toHaveLength(1);
    const lines = p.got.lines
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ResultRecord);
    expect(p.got.lineCount).toBe(6);
    expect(lines.map((l) => l.row).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(p.got.measured).toBe(6);
    expect(p.got.failed).toBe(0);
    // Their statistics reached the stats sink by the time close() resolved.
    expect(p.got.deltas.length).toBeGreaterThan(0);
  });

  it('a thread that dies mid-run: what it had started rejects, the rest runs on the other thread, a new thread takes its place', async () => {
    process.env.FLOWBENCH_TEST_EXIT_REQUEST_THREAD = '3'; // read once, by startPool: the first thread exits as it starts its 3rd request
    let p: Awaited<ReturnType<typeof started>>;
    try {
      p = await started('echo-fast', 4, 2);
    } finally {
      delete process.env.FLOWBENCH_TEST_EXIT_REQUEST_THREAD;
    }
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => p.pool.run(task(i))));
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    const fulfilled = settled.filter((s): s is PromiseFulfilledResult<PoolOutcome> => s.status === 'fulfilled').map((s) => recordOf(s.value));
    expect(p.got.lost).toBe(1);
    // Only what the dying thread had started (at most its 3) is lost; its unstarted tasks ran elsewhere.
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.length).toBeLessThanOrEqual(3);
    for (const r of rejected) expect(String(r.reason)).toMatch(/request thread died mid-request/);
    expect(fulfilled.length).toBe(20 - rejected.length);
    expect(fulfilled.every((r) => r.ok)).toBe(true);
    // The replacement thread runs requests like the others.
    const after = await Promise.all(Array.from({ length: 8 }, (_, i) => p.pool.run(task(100 + i))));
    expect(after.map(recordOf).every((r) => r.ok)).toBe(true);
    expect(p.pool.threads).toBe(2);
    expect(await p.pool.close()).toHaveLength(2); // the replacement and the other thread; the dead one left none
  });

  it('a pool closed cleanly leaves its threads to the next pool of its size, which begins afresh', async () => {
    const first = await started('echo-fast', 2, 2, true);
    await Promise.all(Array.from({ length: 4 }, (_, i) => first.pool.run(task(i))));
    const ids = (await first.pool.close()).map((w) => w.threadId).sort();
    const since = performance.now();
    const next = await started('echo-fast', 2, 2, true);
    const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => next.pool.run(task(10 + i))));
    expect(outcomes).toEqual(Array.from({ length: 4 }, () => ({ written: true, attempts: 1 })));
    const watches = await next.pool.close();
    expect(watches.map((w) => w.threadId).sort()).toEqual(ids);
    // Its own lines, statistics and watches: nothing of the first pool's run.
    expect(next.got.lineCount).toBe(4);
    expect(next.got.measured).toBe(4);
    for (const w of watches) expect(w.measuredMs).toBeLessThanOrEqual(performance.now() - since + 1);
    // Another size gets threads of its own.
    const other = await started('echo-fast', 1, 1, true);
    await other.pool.run(task(20));
    const [single] = await other.pool.close();
    expect(ids).not.toContain(single!.threadId);
  });

  it('threads 0: the requests run on this thread (no request thread), answered the same way', async () => {
    const p = await started('echo-fast', 2, 0);
    expect(p.pool.threads).toBe(0);
    const records = (await Promise.all([0, 1, 2].map((i) => p.pool.run(task(i))))).map(recordOf);
    expect(records.map((r) => [r.row, r.ok])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
    await p.pool.close();
  });
});
