// Schedules as pure functions: table-driven, no timers.
import { describe, expect, it } from 'vitest';
import { sustainableRate, sweepRates } from '../../src/load/models/sweep.js';
import { modelOf, type LoadSpec } from '../../src/load/registry.js';
import { concurrencyAt } from '../../src/load/ramping-concurrency.js';
import { arrivalOffsets, offsetForArrivals, profileLengthMs, type RateStage } from '../../src/load/rate-profile.js';
import type { LoadBase } from '../../src/suite/types.js';

const constant = (rate: number, durationMs: number): RateStage => ({ rate, to: rate, durationMs });
const ramp = (rate: number, to: number, durationMs: number): RateStage => ({ rate, to, durationMs });
const offsets = (stages: RateStage[], maxRequests: number | null = null, arrival: 'constant' | 'poisson' = 'constant', seed = 1) => [
  ...arrivalOffsets({ stages, arrival, maxRequests, seed }),
];

describe('constant arrivals', () => {
  it.each([
    { rate: 10, durationMs: 1000, count: 10, gap: 100 },
    { rate: 200, durationMs: 10_000, count: 2000, gap: 5 },
    { rate: 0.5, durationMs: 10_000, count: 5, gap: 2000 },
    { rate: 3, durationMs: 1000, count: 3, gap: 1000 / 3 },
  ])('$rate/s for $durationMs ms: $count sends, $gap ms apart, the first at 0', ({ rate, durationMs, count, gap }) => {
    const o = offsets([constant(rate, durationMs)]);
    expect(o).toHaveLength(count);
    o.forEach((t, i) => expect(t).toBeCloseTo(i * gap, 6));
  });
  it('an open-ended rate stops at the request count', () => {
    const o = offsets([constant(50, Infinity)], 7);
    expect(o).toEqual([0, 20, 40, 60, 80, 100, 120].map((x) => expect.closeTo(x, 6)));
  });
  it('a request count shorter than the duration wins; a longer one does not', () => {
    expect(offsets([constant(10, 1000)], 4)).toHaveLength(4);
    expect(offsets([constant(10, 1000)], 40)).toHaveLength(10);
  });
});

describe('ramping arrival rate', () => {
  it('a linear ramp 0 -> 20/s over 10 s sends 100 (the area) at times where 0.5·2t² reaches k', () => {
    // rate(t) = 2t, Λ(t) = t²: the k-th send is at sqrt(k) seconds.
    const o = offsets([ramp(0, 20, 10_000)]);
    expect(o).toHaveLength(100);
    for (const k of [0, 1, 4, 25, 99]) expect(o[k]).toBeCloseTo(Math.sqrt(k) * 1000, 6);
  });
  it('gaps shrink as the rate rises and grow as it falls', () => {
    const up = offsets([ramp(1, 20, 10_000)]);
    const gapsUp = up.slice(1).map((t, i) => t - up[i]!);
    expect(gapsUp.every((g, i) => i === 0 || g <= gapsUp[i - 1]! + 1e-9)).toBe(true);
    const down = offsets([ramp(20, 1, 10_000)]);
    const gapsDown = down.slice(1).map((t, i) => t - down[i]!);
    expect(gapsDown.every((g, i) => i === 0 || g >= gapsDown[i - 1]! - 1e-9)).toBe(true);
    expect(up).toHaveLength(105);
    expect(down).toHaveLength(105);
  });
  it("stages follow each other: ramp then hold (the issue's example, scaled)", () => {
    const stages = [ramp(1, 20, 6000), constant(20, 12_000)];
    const o = offsets(stages);
    expect(o).toHaveLength(Math.round(((1 + 20) / 2) * 6 + 20 * 12)); // 63 + 240
    const hold = o.filter((t) => t >= 6000);
    expect(hold).toHaveLength(240);
    hold.slice(1).forEach((t, i) => expect(t - hold[i]!).toBeCloseTo(50, 6));
    expect(profileLengthMs(stages)).toBe(18_000);
  });
  it('a zero-rate stage is a pause', () => {
    const o = offsets([constant(10, 1000), constant(0, 5000), constant(10, 1000)]);
    expect(o).toHaveLength(20);
    expect(o.filter((t) => t > 1000 && t < 6000)).toEqual([]);
  });
  it.each([
    [[constant(10, 1000)], 0, 0],
    [[constant(10, 1000)], 5, 500],
    [[constant(10, 1000)], 10, null],
    [[constant(10, 1000), constant(20, 1000)], 10, 1000],
    [[constant(10, 1000), constant(20, 1000)], 20, 1500],
  ] as const)('offsetForArrivals(%j, %d) = %s', (stages, n, want) => {
    const got = offsetForArrivals(stages as unknown as RateStage[], n);
    if (want === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(want, 6);
  });
});

describe('poisson arrivals', () => {
  it('repeat exactly for a seed and differ across seeds', () => {
    const a = offsets([constant(100, 2000)], null, 'poisson', 7);
    expect(offsets([constant(100, 2000)], null, 'poisson', 7)).toEqual(a);
    expect(offsets([constant(100, 2000)], null, 'poisson', 8)).not.toEqual(a);
  });
  it('have the mean rate and exponential gaps (coefficient of variation ≈ 1)', () => {
    const o = offsets([constant(100, 200_000)], null, 'poisson', 3);
    expect(o.length / 200).toBeGreaterThan(97);
    expect(o.length / 200).toBeLessThan(103);
    const gaps = o.slice(1).map((t, i) => t - o[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(10, 0);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });
  it('follow a ramp: a 0 -> 40/s ramp over 100 s expects 500 arrivals in its first half and 1500 in its second', () => {
    for (const seed of [1, 2, 3, 11]) {
      const o = offsets([ramp(0, 40, 100_000)], null, 'poisson', seed);
      const first = o.filter((t) => t < 50_000).length;
      // Poisson counts: within 4 standard deviations (sqrt of the mean) of the expected area.
      expect(Math.abs(first - 500)).toBeLessThan(4 * Math.sqrt(500));
      expect(Math.abs(o.length - first - 1500)).toBeLessThan(4 * Math.sqrt(1500));
    }
  });
});

describe('ramping concurrency', () => {
  const stages = [
    { from: 1, to: 20, durationMs: 60_000 },
    { from: 20, to: 20, durationMs: 120_000 },
    { from: 20, to: 0, durationMs: 10_000 },
  ];
  it.each([
    [0, 1],
    [30_000, 11],
    [59_999, 20],
    [60_000, 20],
    [179_999, 20],
    [185_000, 10],
    [189_999, 0],
    [190_000, null],
  ])('at %d ms: %s in flight', (t, want) => {
    expect(concurrencyAt(stages, t)).toBe(want);
  });
});

describe('load models from the suite', () => {
  const base: LoadBase = {
    concurrency: 4,
    iterations: 1,
    durationMs: null,
    arrival: 'constant',
    requests: null,
    warmup: null,
    graceMs: 5000,
    stallMs: 20,
    seed: 1,
    timeoutMs: 60_000,
    retries: 2,
  };
  const warmupLevel = (spec: LoadSpec) => modelOf(spec).warmupLevel(spec);
  it('sweep rates are evenly spaced, ends included', () => {
    expect(sweepRates({ from: 10, to: 50, steps: 5 })).toEqual([10, 20, 30, 40, 50]);
    expect(sweepRates({ from: 1, to: 2, steps: 4 })).toEqual([1, 1.333, 1.667, 2]);
  });
  it.each([
    [
      [
        { rate: 10, thresholdsOk: true },
        { rate: 20, thresholdsOk: true },
        { rate: 30, thresholdsOk: false },
      ],
      20,
    ],
    [
      [
        { rate: 10, thresholdsOk: false },
        { rate: 20, thresholdsOk: false },
      ],
      null,
    ],
    [
      [
        { rate: 10, thresholdsOk: true },
        { rate: 20, thresholdsOk: false },
        { rate: 30, thresholdsOk: true },
      ],
      30,
    ],
  ])('sustainable rate of %j is %s', (steps, want) => {
    expect(sustainableRate(steps)).toBe(want);
  });
  it("warm-up runs at the model's first level", () => {
    expect(warmupLevel({ ...base, kind: 'open-loop', rate: 7 })).toEqual({ rate: 7 });
    expect(warmupLevel({ ...base, kind: 'closed-loop', concurrency: 3 })).toEqual({ concurrency: 3 });
    expect(warmupLevel({ ...base, kind: 'sweep', sweep: { from: 2, to: 9, steps: 2, durationMs: 1, minRate: null } })).toEqual({ rate: 2 });
    // A ramp that starts at zero warms up at its end level; never at zero.
    expect(warmupLevel({ ...base, kind: 'ramping-rate', stages: [{ from: 0, to: 6, durationMs: 1 }] })).toEqual({ rate: 6 });
    expect(warmupLevel({ ...base, kind: 'ramping-concurrency', stages: [{ from: 0, to: 0, durationMs: 1 }] })).toEqual({ concurrency: 1 });
  });
});
