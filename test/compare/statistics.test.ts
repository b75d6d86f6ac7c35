// The statistics against textbook values: McNemar, Mann-Whitney, Wilson/Newcombe, t and normal tables.
import { describe, expect, it } from 'vitest';
import { bootstrapIndependentDiff, bootstrapPairedDiff } from '../../src/compare/bootstrap.js';
import { binomialHalfCdf, normalCdf, normalQuantile, tQuantileTwoSided, tTwoSidedP } from '../../src/compare/distributions.js';
import { mannWhitney } from '../../src/compare/mann-whitney.js';
import { mcnemarExact, pairedTable } from '../../src/compare/mcnemar.js';
import { pairedMeanDiff } from '../../src/compare/paired-mean.js';
import { newcombeIndependent, newcombePaired, twoProportionP, wilson } from '../../src/compare/proportion-ci.js';
import { fromCounts, fromValues, statistics } from '../../src/compare/weighted-sample.js';

describe('distributions', () => {
  it('match the normal and t tables', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    // t tables: t(0.975; 9) = 2.262157, t(0.975; 1) = 12.7062, t(0.995; 30) = 2.749996
    expect(tQuantileTwoSided(0.95, 9)).toBeCloseTo(2.262157, 5);
    expect(tQuantileTwoSided(0.95, 1)).toBeCloseTo(12.7062, 3);
    expect(tQuantileTwoSided(0.99, 30)).toBeCloseTo(2.749996, 5);
    expect(tTwoSidedP(2.262157, 9)).toBeCloseTo(0.05, 6);
    expect(binomialHalfCdf(1, 8)).toBeCloseTo(9 / 256, 12);
    expect(binomialHalfCdf(500, 1000)).toBeCloseTo(0.5126125, 6);
  });
});

describe('McNemar exact test', () => {
  it('Bentur et al. (2009), Fagerland et al. (2013): b = 1, c = 7 gives exact p = 0.070', () => {
    const t = { a: 1, b: 1, c: 7, d: 12 };
    expect(mcnemarExact(t)).toBeCloseTo(0.0703, 4);
    expect(mcnemarExact({ a: 0, b: 7, c: 1, d: 0 })).toBeCloseTo(0.0703, 4);
  });
  it('no discordant pair is no evidence; all discordant one way on 20 pairs is strong evidence', () => {
    expect(mcnemarExact({ a: 40, b: 0, c: 0, d: 10 })).toBe(1);
    expect(mcnemarExact({ a: 160, b: 20, c: 0, d: 20 })).toBeCloseTo(2 / 2 ** 20, 12);
  });
  it('counts the table from paired outcomes', () => {
    expect(
      pairedTable([
        [true, true],
        [true, false],
        [false, true],
        [false, false],
        [true, false],
      ]),
    ).toEqual({ a: 1, b: 2, c: 1, d: 1 });
  });
});

describe('Mann-Whitney U', () => {
  // Hollander & Wolfe (1973), p. 69 (the example of R's wilcox.test): permeability constants.
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];
  it('exact for small untied samples: U = 35, one-sided p = 0.1272 (two-sided 0.2544)', () => {
    const r = mannWhitney(fromValues(y), fromValues(x))!;
    expect(r.u).toBe(35);
    expect(r.exact).toBe(true);
    expect(r.pValue).toBeCloseTo(0.2544, 4);
    // Symmetric: swapping the sides gives U' = n1·n2 − U and the same p.
    const s = mannWhitney(fromValues(x), fromValues(y))!;
    expect(s.u).toBe(15);
    expect(s.pValue).toBeCloseTo(r.pValue, 12);
  });
  it('normal approximation with continuity and tie correction on tied data', () => {
    // 30 vs 30 with heavy ties: U and the tie-corrected variance by hand.
    const a = [...Array(10).fill(1), ...Array(10).fill(2), ...Array(10).fill(3)];
    const b = [...Array(5).fill(1), ...Array(10).fill(2), ...Array(15).fill(3)];
    const r = mannWhitney(fromValues(a), fromValues(b))!;
    // Ranks: value 1 -> tie group of 15 (ranks 1..15, mean 8), value 2 -> 20 (16..35, mean 25.5), value 3 -> 25 (36..60, mean 48).
    const rankSumB = 5 * 8 + 10 * 25.5 + 15 * 48;
    expect(r.u).toBe(rankSumB - (30 * 31) / 2);
    const tie = 15 ** 3 - 15 + 20 ** 3 - 20 + 25 ** 3 - 25;
    const variance = ((30 * 30) / 12) * (61 - tie / (60 * 59));
    const z = (r.u - 450 - 0.5) / Math.sqrt(variance);
    expect(r.exact).toBe(false);
    expect(r.z).toBeCloseTo(z, 10);
    expect(r.pValue).toBeCloseTo(2 * (1 - normalCdf(z)), 6);
  });
  it('histogram-style weighted samples give the same U as the raw values', () => {
    const raw = mannWhitney(fromValues([5, 5, 6, 7, 7, 7]), fromValues([6, 6, 8, 9]))!;
    const weighted = mannWhitney(
      fromCounts([
        { value: 7, count: 3 },
        { value: 5, count: 2 },
        { value: 6, count: 1 },
      ]),
      fromCounts([
        { value: 6, count: 2 },
        { value: 9, count: 1 },
        { value: 8, count: 1 },
      ]),
    )!;
    expect(weighted).toEqual(raw);
  });
});

describe('proportion intervals', () => {
  it('Wilson: 81/263 -> 0.2553 to 0.3662 (Newcombe 1998)', () => {
    const w = wilson(81, 263);
    expect(w.low).toBeCloseTo(0.2553, 4);
    expect(w.high).toBeCloseTo(0.3662, 4);
  });
  it('Newcombe method 10, independent: 56/70 vs 48/80 -> 0.0524 to 0.3339', () => {
    const i = newcombeIndependent(48, 80, 56, 70);
    expect(i.low).toBeCloseTo(0.0524, 4);
    expect(i.high).toBeCloseTo(0.3339, 4);
    expect(twoProportionP(48, 80, 56, 70)).toBeLessThan(0.01);
  });
  it('Newcombe paired: contains the observed difference, narrows with positive correlation, stays in [-1, 1]', () => {
    const t = { a: 150, b: 25, c: 5, d: 20 };
    const i = newcombePaired(t);
    const diff = (t.c - t.b) / 200;
    expect(i.low).toBeLessThan(diff);
    expect(i.high).toBeGreaterThan(diff);
    expect(i.high).toBeLessThan(0);
    const unpaired = newcombeIndependent(175, 200, 155, 200);
    expect(i.high - i.low).toBeLessThan(unpaired.high - unpaired.low);
    const extreme = newcombePaired({ a: 0, b: 10, c: 0, d: 0 });
    expect(extreme.low).toBeGreaterThanOrEqual(-1);
    expect(extreme.high).toBeLessThan(0);
  });
});

describe('paired mean difference', () => {
  it('Student (1908) sleep data: mean difference 1.58 h, 95 % CI 0.700 to 2.460, p = 0.00283', () => {
    const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const r = pairedMeanDiff(drug1, drug2)!;
    expect(r.diff).toBeCloseTo(1.58, 10);
    expect(r.low).toBeCloseTo(0.7001, 3);
    expect(r.high).toBeCloseTo(2.4599, 3);
    expect(r.pValue).toBeCloseTo(0.002833, 5);
  });
});

describe('bootstrap', () => {
  it('nearest-rank percentiles on counts, the definition the metadata summaries use', () => {
    const s = fromValues([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(statistics(s.values, s.counts, [50, 95, 'mean', 100])).toEqual([5, 10, 5.5, 10]);
  });
  it('is reproducible for a seed and finds a 100-unit shift', () => {
    const units = Array.from({ length: 60 }, (_, i) => [300 + ((i * 37) % 50), 400 + ((i * 53) % 50)] as const);
    const a = bootstrapPairedDiff(units, [50, 95], { level: 0.95, seed: 'x' })!;
    const b = bootstrapPairedDiff(units, [50, 95], { level: 0.95, seed: 'x' })!;
    expect(a).toEqual(b);
    expect(a[0]!.low).toBeLessThanOrEqual(100);
    expect(a[0]!.high).toBeGreaterThanOrEqual(100);
    expect(a[0]!.low).toBeGreaterThan(50);
    expect(a[0]!.pValue).toBeLessThan(0.01);
    const ind = bootstrapIndependentDiff(fromValues(units.map((u) => u[0])), fromValues(units.map((u) => u[1])), ['mean'], { level: 0.95, seed: 'y' })!;
    expect(ind[0]!.low).toBeGreaterThan(80);
    expect(ind[0]!.high).toBeLessThan(120);
  });
});
