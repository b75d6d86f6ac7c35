import { describe, expect, it } from 'vitest';
import { runClosedLoop } from '../../src/load/closed-loop.js';

async function* items(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

describe('closed loop', () => {
  it('runs every item once with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const { started } = await runClosedLoop(items(50), async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
      seen.push(i);
      inFlight--;
    }, { concurrency: 4, durationMs: null });
    expect(started).toBe(50);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(peak).toBe(4);
  });
  it('stops starting requests when told to', async () => {
    let n = 0;
    const { started } = await runClosedLoop(items(1000), async () => {
      n++;
      await new Promise((r) => setTimeout(r, 1));
    }, { concurrency: 2, durationMs: null, stopped: () => n >= 10 });
    expect(started).toBeGreaterThanOrEqual(10);
    expect(started).toBeLessThanOrEqual(12);
  });
  it('stops starting requests after the duration', async () => {
    const { started } = await runClosedLoop(items(100000), () => new Promise((r) => setTimeout(r, 5)), { concurrency: 2, durationMs: 100 });
    expect(started).toBeGreaterThan(2);
    expect(started).toBeLessThan(100000);
  });
});
