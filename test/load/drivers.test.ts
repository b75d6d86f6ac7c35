// The drivers that turn schedules into sends, with a fake send (no server): counts, caps, stopping.
// Time is only bounded generously: this machine is shared and noisy.
import { describe, expect, it } from 'vitest';
import { nowMs } from '../../src/clock/clock.js';
import { runOpenLoop } from '../../src/load/open-loop.js';
import { runRampingConcurrency } from '../../src/load/ramping-concurrency.js';
import { Slots } from '../../src/load/slots.js';
import { progressLine } from '../../src/report/progress.js';
import { untilDoneOrGrace } from '../../src/runner/grace.js';

async function* items(n: number) {
  for (let i = 0; i < n; i++) yield i;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('open loop driver', () => {
  it('sends at the offsets, carries the scheduled time, counts delayed sends when the cap is reached', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: { i: number; scheduledAt: number; delayed: boolean }[] = [];
    const r = await runOpenLoop(
      items(100),
      async (i, info) => {
        seen.push({ i, scheduledAt: info.scheduledAt, delayed: info.delayed });
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(30);
        inFlight--;
      },
      { offsets: [0, 2, 4, 6, 8, 10], maxInFlight: 2 },
    );
    expect(r.started).toBe(6);
    expect(peak).toBe(2);
    // Sends 2..5 found both slots taken: delayed, whatever the machine. Sends 0 and 1 are delayed only
    // if a busy machine ran the loop late; either way the count is exactly the sends marked delayed.
    expect(seen.slice(2).every((s) => s.delayed)).toBe(true);
    expect(r.delayed).toBe(seen.filter((s) => s.delayed).length);
    expect(seen.map((s) => s.i)).toEqual([0, 1, 2, 3, 4, 5]);
    const t0 = seen[0]!.scheduledAt;
    expect(seen.map((s) => Math.round(s.scheduledAt - t0))).toEqual([0, 2, 4, 6, 8, 10]);
    expect(r.maxLagMs).toBeGreaterThan(20); // the 3rd send waited ~30 ms for a slot
  });
  it('stops at the end of the plan and when told to', async () => {
    expect((await runOpenLoop(items(3), async () => {}, { offsets: [0, 1, 2, 3, 4], maxInFlight: 10 })).started).toBe(3);
    let n = 0;
    const r = await runOpenLoop(items(1000), async () => void n++, {
      offsets: Array.from({ length: 1000 }, (_, i) => i),
      maxInFlight: 10,
      stopped: () => n >= 5,
    });
    expect(r.started).toBe(5);
  });
  it('counts in its window only the sends the cap let out within it', async () => {
    // One slot, each send holds it 100 ms: offsets 0..40 all fall in a 50 ms window, but only the first leaves in it.
    const r = await runOpenLoop(items(5), async () => void (await sleep(100)), { offsets: [0, 10, 20, 30, 40], maxInFlight: 1, windowMs: 50 });
    expect(r.started).toBe(5);
    expect(r.inWindow).toBe(1);
    expect(r.startAt).not.toBeNull();
    // Uncapped, every send leaves on time and in the window.
    expect((await runOpenLoop(items(5), async () => void (await sleep(100)), { offsets: [0, 1, 2, 3, 4], maxInFlight: 10, windowMs: 1000 })).inWindow).toBe(5);
  });
  it('a rejected send does not stop the schedule', async () => {
    const r = await runOpenLoop(
      items(4),
      async (i) => {
        if (i === 1) throw new Error('boom');
      },
      { offsets: [0, 1, 2, 3], maxInFlight: 4 },
    );
    expect(r.started).toBe(4);
  });
});

describe('ramping concurrency driver', () => {
  it('never exceeds the stage target and ends with the stages', async () => {
    let inFlight = 0;
    let peak = 0;
    const r = await runRampingConcurrency(
      items(100_000),
      async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(5);
        inFlight--;
      },
      { stages: [{ from: 1, to: 3, durationMs: 150 }], startAt: nowMs(), durationMs: null },
    );
    expect(peak).toBeLessThanOrEqual(3);
    expect(r.started).toBeGreaterThan(3);
    expect(r.started).toBeLessThan(100_000);
  });
});

describe('slots', () => {
  it('hands a released slot to the first waiter, and resizes', async () => {
    const s = new Slots(1);
    await s.acquire();
    let got = false;
    const w = s.acquire().then(() => (got = true));
    expect(s.free).toBe(false);
    s.release();
    await w;
    expect(got).toBe(true);
    expect(s.inUse).toBe(1);
    s.resize(3);
    expect(s.free).toBe(true);
  });
});

describe('grace period', () => {
  it('returns the work when it finishes, cuts it short after the grace once aborted', async () => {
    expect(await untilDoneOrGrace(Promise.resolve(7), undefined, 10)).toEqual({ value: 7 });
    const ac = new AbortController();
    ac.abort();
    expect(await untilDoneOrGrace(new Promise(() => {}), ac.signal, 20)).toEqual({ cutShort: true });
    const ac2 = new AbortController();
    const quick = untilDoneOrGrace(
      sleep(5).then(() => 'done'),
      ac2.signal,
      10_000,
    );
    ac2.abort();
    expect(await quick).toEqual({ value: 'done' });
  });
});

describe('progress line', () => {
  const base = { planned: 100, plannedMs: null, done: 25, errors: 2, inFlight: 4, ttftP50Ms: 340.4, warmupDone: 0 };
  it('a bar with percent, elapsed and remaining, req/s, errors, TTFT p50 on a TTY', () => {
    expect(progressLine(base, 10, true)).toBe(
      '[######------------------]  25% | 10s elapsed, 30s left | 25/100 done | 2 errors | 2.5 req/s | TTFT p50 340 ms | 4 in flight',
    );
  });
  it('plain text without a TTY; time-based runs use the planned length', () => {
    expect(progressLine({ ...base, planned: null, plannedMs: 60_000 }, 90, false)).toBe(
      '1m30s elapsed, 0s left | 25 done | 2 errors | 0.3 req/s | TTFT p50 340 ms | 4 in flight',
    );
    expect(progressLine({ ...base, planned: null, plannedMs: null, ttftP50Ms: null }, 5, true)).toBe(
      '5s elapsed | 25 done | 2 errors | 5.0 req/s | TTFT p50 - | 4 in flight',
    );
  });
});
