// The stall detector on this thread's real event loop: a synchronous busy loop is one stall of about
// its length, an idle loop has none. Bounds are generous: the machine is shared and may run slow.
import { describe, expect, it } from 'vitest';
import { nowMs } from '../../src/clock/clock.js';
import { gapStall, STALL_PERIOD_MS, startStallDetector, type Stall } from '../../src/harness/stall-detector.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (ms: number) => {
  const end = nowMs() + ms;
  while (nowMs() < end) {
    /* block the event loop */
  }
};

describe('gapStall', () => {
  it.each([
    { last: 0, now: 10, stallMs: 20, stall: false }, // on time
    { last: 0, now: 30, stallMs: 20, stall: false }, // exactly period + stallMs is still not a stall
    { last: 0, now: 30.5, stallMs: 20, stall: true },
    { last: 100, now: 260, stallMs: 20, stall: true },
    { last: 0, now: 14, stallMs: 3, stall: true },
  ])('a gap of $now - $last ms with stallMs $stallMs: stall $stall', ({ last, now, stallMs, stall }) => {
    const s = gapStall(last, now, 10, stallMs);
    expect(s !== null).toBe(stall);
    if (s) expect(s).toEqual({ startAt: last, endAt: now, gapMs: now - last });
  });
});

describe('startStallDetector', () => {
  it('reports a 150 ms busy loop as exactly one stall of about that length', async () => {
    const seen: Stall[] = [];
    // A higher threshold than the default keeps a random hiccup of the shared machine out of the count.
    const d = startStallDetector(50, (s) => seen.push(s));
    try {
      await sleep(50);
      const from = nowMs();
      busy(150);
      const to = nowMs();
      await sleep(60);
      // The busy loop is one stall; a machine this busy may add one of its own (the thread not scheduled).
      const covering = seen.filter((x) => x.startAt <= from && x.endAt >= to);
      expect(covering).toHaveLength(1);
      const s = covering[0]!;
      expect(s.startAt).toBeLessThanOrEqual(from);
      expect(s.endAt).toBeGreaterThanOrEqual(to);
      expect(s.gapMs).toBeCloseTo(s.endAt - s.startAt, 6);
      expect(s.gapMs).toBeGreaterThanOrEqual(150);
      expect(s.gapMs).toBeLessThan(150 + STALL_PERIOD_MS + 250);
      expect(d.tally().count).toBe(seen.length);
      expect(d.tally().maxMs).toBe(Math.max(...seen.map((x) => x.gapMs)));
    } finally {
      d.stop();
    }
  });

  it('reports nothing on an idle loop over 300 ms', async () => {
    const seen: Stall[] = [];
    // A shared machine may leave this process unscheduled for tens of ms (a real stall of the loop, not
    // a false report): the threshold is above such hiccups so only a detector that invents stalls fails.
    const d = startStallDetector(250, (s) => seen.push(s));
    await sleep(300);
    d.stop();
    expect(seen).toEqual([]);
    expect(d.tally()).toEqual({ count: 0, totalMs: 0, maxMs: 0 });
  });

  it('counts a stall that has just ended when tallied before the timer fires again', () => {
    const d = startStallDetector(20);
    try {
      busy(80);
      const t = d.tally(); // same turn of the event loop: the timer has not had a chance to fire
      expect(t.count).toBe(1);
      expect(t.maxMs).toBeGreaterThanOrEqual(80);
    } finally {
      d.stop();
    }
  });

  it('reset() forgets earlier stalls; stop() keeps the tally', async () => {
    // Busy loops well over the threshold, a threshold well over a busy machine's scheduling hiccups.
    const d = startStallDetector(150);
    busy(200);
    d.reset();
    await sleep(30);
    expect(d.tally().count).toBe(0);
    busy(200);
    d.stop();
    expect(d.tally().count).toBe(1);
    busy(200);
    expect(d.tally().count).toBe(1);
  });

  it('rejects a negative threshold', () => {
    expect(() => startStallDetector(-1)).toThrow(/stallMs/);
  });
});
