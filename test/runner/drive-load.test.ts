// driveLoad in-process, one test per load model: a suite loaded from YAML, a fake send that answers after
// a fixed delay, and exact counts of the requests each phase (warm-up, measured, sweep step) was sent.
import { describe, expect, it } from 'vitest';
import { driveLoad } from '../../src/runner/drive-load.js';
import { plannedWork } from '../../src/runner/planned.js';
import { fakeSend, ROWS, suiteWith, type Sent } from '../helpers/drive-load.js';

const measured = (sent: Sent[]) => sent.filter((s) => !s.phase.warmup);

describe('driveLoad, per model', () => {
  it('closed loop: iterations passes over the rows, never more than concurrency in flight', async () => {
    const suite = await suiteWith('{ concurrency: 2, iterations: 2 }');
    const f = fakeSend(5);
    const out = await driveLoad(suite, f.send, () => false);
    expect(out).toMatchObject({ model: 'closed-loop', started: 6, warmupStarted: 0, steps: [] });
    expect(f.sent.map((s) => [s.row, s.iteration])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    expect(f.sent.every((s) => s.phase.warmup === false && s.phase.step === null)).toBe(true);
    expect(f.peak()).toBeLessThanOrEqual(2);
    expect(plannedWork(suite, ROWS).requests).toBe(6);
  });

  it('closed loop with a warm-up: the warm-up requests first, in their own phase and count', async () => {
    const suite = await suiteWith('{ concurrency: 2, iterations: 1, warmup: 2 }');
    const f = fakeSend(5);
    const out = await driveLoad(suite, f.send, () => false);
    expect(out).toMatchObject({ started: 3, warmupStarted: 2 });
    expect(f.sent.map((s) => s.phase.warmup)).toEqual([true, true, false, false, false]);
  });

  it('open loop: exactly `requests` sends at the rate, rows cycled', async () => {
    const suite = await suiteWith('{ rate: 200, requests: 7 }');
    const f = fakeSend(5);
    const out = await driveLoad(suite, f.send, () => false);
    expect(out).toMatchObject({ model: 'open-loop', started: 7 });
    expect(f.sent.map((s) => s.row)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(plannedWork(suite, ROWS)).toEqual({ requests: 7, ms: 35 });
  });

  it('ramping rate: the area under the stages (100 req/s for 50 ms, then 200 req/s for 50 ms: 5 + 10)', async () => {
    const suite = await suiteWith('{ stages: [{ rate: 100, duration: 50ms }, { rate: 200, duration: 50ms }] }');
    const f = fakeSend(5);
    const out = await driveLoad(suite, f.send, () => false);
    expect(out).toMatchObject({ model: 'ramping-rate', started: 15 });
    expect(measured(f.sent)).toHaveLength(15);
    expect(plannedWork(suite, ROWS)).toEqual({ requests: 15, ms: 100 });
  });

  it('ramping concurrency: the plan sent in full while the stages last, in flight never above their peak', async () => {
    const suite = await suiteWith('{ iterations: 2, stages: [{ concurrency: 1, to: 3, duration: 30s }] }');
    const f = fakeSend(20);
    const out = await driveLoad(suite, f.send, () => false);
    expect(out).toMatchObject({ model: 'ramping-concurrency', started: 6 });
    expect(f.peak()).toBeLessThanOrEqual(3);
    expect(suite.load.concurrency).toBe(3); // the threads are sized for the peak
  });

  it('sweep: each step at its rate for its duration, its requests marked with the step', async () => {
    const suite = await suiteWith('{ sweep: { from: 100, to: 200, steps: 2, duration: 50ms } }');
    const f = fakeSend(5);
    const out = await driveLoad(suite, f.send, () => false);
    expect(out.model).toBe('sweep');
    expect(out.steps.map((s) => [s.rate, s.started])).toEqual([
      [100, 5],
      [200, 10],
    ]);
    expect(f.sent.map((s) => s.phase.step)).toEqual([...Array<number>(5).fill(0), ...Array<number>(10).fill(1)]);
    expect(out.started).toBe(15);
    // One plan across the steps: rows keep cycling from where the last step left them.
    expect(f.sent.map((s) => s.row).slice(4, 7)).toEqual([1, 2, 0]);
  });

  it('a shard runs its part of the load: its rows only, at its share of the request count', async () => {
    const suite = await suiteWith('{ rate: 500, requests: 9 }');
    const [a, b] = [fakeSend(1), fakeSend(1)];
    const one = await driveLoad(suite, a.send, () => false, undefined, { index: 1, count: 2 });
    const two = await driveLoad(suite, b.send, () => false, undefined, { index: 2, count: 2 });
    expect(one.started + two.started).toBe(9); // 5 + 4: the remainder goes to the first shard
    expect(one.started).toBe(5);
    const rows = (s: Sent[]) => new Set(s.map((x) => `${x.row}:${x.iteration}`));
    for (const k of rows(a.sent)) expect(rows(b.sent).has(k)).toBe(false);
  });

  it('--rate turns a sweep into an open loop and --concurrency a concurrency ramp into a closed loop', async () => {
    const open = await suiteWith('{ sweep: { from: 1, to: 2, duration: 1s } }', { rate: 300, requests: 4 });
    expect((await driveLoad(open, fakeSend(1).send, () => false)).started).toBe(4);
    const closed = await suiteWith('{ iterations: 1, stages: [{ concurrency: 1, to: 3, duration: 1s }] }', { concurrency: 2 });
    const f = fakeSend(5);
    expect(await driveLoad(closed, f.send, () => false)).toMatchObject({ model: 'closed-loop', started: 3 });
  });
});
