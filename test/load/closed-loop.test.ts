import { describe, expect, it } from 'vitest';
import { runClosedLoop } from '../../src/load/closed-loop.js';
import { nowMs } from '../../src/clock/clock.js';

async function* items(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

describe('closed loop', () => {
  it('runs every item once with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const { started } = await runClosedLoop(
      items(50),
      async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 1 + (i % 3)));
        seen.push(i);
        inFlight--;
      },
      { concurrency: 4, durationMs: null },
    );
    expect(started).toBe(50);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(peak).toBe(4);
  });
  it('stops starting requests when told to', async () => {
    let n = 0;
    const { started } = await runClosedLoop(
      items(1000),
      async () => {
        n++;
        await new Promise((r) => setTimeout(r, 1));
      },
      { concurrency: 2, durationMs: null, stopped: () => n >= 10 },
    );
    expect(started).toBeGreaterThanOrEqual(10);
    expect(started).toBeLessThanOrEqual(12);
  });
  it('stops starting requests after the duration', async () => {
    const { started } = await runClosedLoop(items(100000), () => new Promise((r) => setTimeout(r, 5)), { concurrency: 2, durationMs: 100 });
    expect(started).toBeGreaterThan(2);
    expect(started).toBeLessThan(100000);
  });
});

/** A stand-in executor for held sends: `slots` run at once, queued sends start as slots free, past notAfter they are dropped. */
function heldExecutor(clock: { now: () => number }) {
  let running = 0;
  let peak = 0;
  const queue: (() => void)[] = [];
  const pump = () => {
    while (running < (queueLimit ?? 0) && queue.length) queue.shift()!();
  };
  let queueLimit: number | null = null;
  const send = (item: number, _at: number, hold: { concurrency: number; notAfter: number | null } | null, ran: number[]) =>
    new Promise<boolean>((resolve) => {
      expect(hold).not.toBeNull();
      queueLimit = hold!.concurrency;
      queue.push(() => {
        if (hold!.notAfter !== null && clock.now() >= hold!.notAfter) return resolve(false);
        running++;
        peak = Math.max(peak, running);
        setTimeout(
          () => {
            ran.push(item);
            running--;
            resolve(true);
            pump();
          },
          1 + (item % 3),
        );
      });
      pump();
    });
  return { send, peak: () => peak };
}

describe('closed loop with requests queued ahead (held sends)', () => {
  it('hands over concurrency + queued at once, every item runs once, never more than concurrency run', async () => {
    const ex = heldExecutor({ now: () => 0 });
    const ran: number[] = [];
    let handedOver = 0;
    let peakHanded = 0;
    const { started } = await runClosedLoop(
      items(60),
      async (i, at, hold) => {
        handedOver++;
        peakHanded = Math.max(peakHanded, handedOver);
        const r = await ex.send(i, at, hold, ran);
        handedOver--;
        return r;
      },
      { concurrency: 4, durationMs: null, queued: 4 },
    );
    expect(started).toBe(60);
    expect(ran.sort((a, b) => a - b)).toEqual([...Array(60).keys()]);
    expect(ex.peak()).toBe(4);
    expect(peakHanded).toBe(8);
  });
  it('a held send that finds the duration over is dropped: not counted as started, its lane ends', async () => {
    const start = Date.now();
    const ex = heldExecutor({ now: nowMs });
    const ran: number[] = [];
    const { started } = await runClosedLoop(items(100000), (i, at, hold) => ex.send(i, at, hold, ran), { concurrency: 2, durationMs: 60, queued: 6 });
    expect(Date.now() - start).toBeLessThan(5000);
    expect(started).toBe(ran.length); // dropped sends are not counted
    expect(started).toBeGreaterThan(2);
  });
  it('without queued, sends are not held', async () => {
    const holds: unknown[] = [];
    await runClosedLoop(items(3), async (_i, _at, hold) => void holds.push(hold), { concurrency: 2, durationMs: null });
    expect(holds).toEqual([null, null, null]);
  });
});
