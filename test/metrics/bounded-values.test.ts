// BoundedValues: exact below its cap (as the arrays it replaced), bounded above it, with count, sum,
// min and max still exact and percentiles from a uniform sample.
import { describe, expect, it } from 'vitest';
import { BoundedValues, nearestRank } from '../../src/metrics/bounded-values.js';

describe('BoundedValues', () => {
  it('below the cap: every value, the summary of the sorted array', () => {
    const b = new BoundedValues(100);
    const values = [5, -2.5, 7, 7, 0.125, 3];
    b.addAll(values);
    const sorted = [...values].sort((x, y) => x - y);
    expect(b.view()).toEqual({ count: 6, sum: sorted.reduce((a, v) => a + v, 0), min: -2.5, max: 7, sorted });
    expect(nearestRank(sorted, 50)).toBe(3);
    expect(b.take()).toEqual(values); // a thread's delta: every value, in order
    expect(b.view()).toBeNull();
  });

  it('past the cap: at most cap values kept; count, sum, min, max exact; percentiles near the exact ones; the same sample each time', () => {
    const n = 50_000;
    const cap = 2_000;
    const fill = () => {
      const b = new BoundedValues(cap);
      // A permutation of 1..n (a stride coprime with n), so the order is not sorted.
      for (let i = 0; i < n; i++) b.add(((i * 7919) % n) + 1);
      return b.view()!;
    };
    const v = fill();
    expect(v.count).toBe(n);
    expect(v.sum).toBe((n * (n + 1)) / 2);
    expect([v.min, v.max]).toEqual([1, n]);
    expect(v.sorted).toHaveLength(cap);
    // A sample of 2,000: p50 and p95 within about 4 standard errors of their rank (1.1 % and 0.5 % of n each).
    expect(Math.abs(nearestRank(v.sorted, 50) - n * 0.5)).toBeLessThan(n * 0.045);
    expect(Math.abs(nearestRank(v.sorted, 95) - n * 0.95)).toBeLessThan(n * 0.02);
    expect(fill().sorted).toEqual(v.sorted);
  });
});
