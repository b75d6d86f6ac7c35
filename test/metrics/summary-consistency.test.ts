// MetricSummary over many random latency sets: its figures are ordered, lie within the histogram's
// precision of a direct computation over the raw values, and merging histograms of any split of a set
// (encoded, as `flowbench merge` adds shards; or as thread deltas) gives exactly the whole set's summary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addEncoded, encodeHistogram, newHistogram, recordMs, summarize, type MetricSummary } from '../../src/metrics/histogram.js';
import { mergeHistogram, takeHistogram } from '../../src/metrics/histogram-delta.js';

// Whole microseconds (what recordMs keeps): sub-ms, typical and very slow values, zeros included.
const micros = fc.oneof(
  fc.integer({ min: 0, max: 2_000 }),
  fc.integer({ min: 20_000, max: 3_000_000 }),
  fc.integer({ min: 0, max: 3_600_000_000 }),
  fc.constant(0),
);
const sets = fc.array(micros, { minLength: 1, maxLength: 400 });
/** A set and where to cut it into parts (some parts may be empty). */
const splitSets = fc.tuple(sets, fc.array(fc.nat(), { maxLength: 5 })).map(([us, cuts]) => {
  const at = cuts.map((c) => c % (us.length + 1)).sort((a, b) => a - b);
  const edges = [0, ...at, us.length];
  return { us, parts: edges.slice(1).map((e, i) => us.slice(edges[i]!, e)) };
});

function histogramOf(us: number[]) {
  const h = newHistogram();
  for (const v of us) recordMs(h, v / 1000);
  return h;
}

/** The figures that must come in this order. */
const ORDER: (keyof MetricSummary)[] = ['min', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max'];
/** 3 significant digits: a bucket is at most 1/1024 of its values wide. */
const REL = 1 / 1000;

describe('MetricSummary', () => {
  it('min ≤ p25 ≤ p50 ≤ p75 ≤ p90 ≤ p95 ≤ p99 ≤ p99.9 ≤ max, and the mean between min and max', () => {
    fc.assert(
      fc.property(sets, (us) => {
        const s = summarize(histogramOf(us))!;
        for (let i = 1; i < ORDER.length; i++) expect(s[ORDER[i]!], `${ORDER[i - 1]} ≤ ${ORDER[i]}`).toBeGreaterThanOrEqual(s[ORDER[i - 1]!]);
        expect(s.mean).toBeGreaterThanOrEqual(s.min);
        expect(s.mean).toBeLessThanOrEqual(s.max);
        expect(s.stdDev).toBeGreaterThanOrEqual(0);
        expect(s.stdDev).toBeLessThanOrEqual((s.max - s.min) / 2 + 0.001);
        expect(s.count).toBe(us.length);
      }),
      { numRuns: 150 },
    );
  });

  it('merging the histograms of a split set gives exactly the summary of the whole set', () => {
    fc.assert(
      fc.property(splitSets, ({ us, parts }) => {
        const whole = summarize(histogramOf(us));
        // As `flowbench merge` adds shard reports' encoded histograms, with each shard summary's exact extremes.
        const shards = parts.map((p) => histogramOf(p)).map((h) => ({ encoded: encodeHistogram(h), summary: summarize(h) }));
        expect(
          addEncoded(
            shards.map((x) => x.encoded),
            shards.map((x) => x.summary),
          ).summary,
        ).toEqual(whole);
        // Without them only the outer bucket edges are known: min and max widen to those.
        const edges = addEncoded(shards.map((x) => x.encoded)).summary!;
        expect(edges.min).toBeLessThanOrEqual(whole!.min);
        expect(edges.max).toBeGreaterThanOrEqual(whole!.max);
        // As the main thread adds the request threads' deltas.
        const main = newHistogram();
        for (const p of parts) mergeHistogram(takeHistogram(histogramOf(p)), main);
        expect(summarize(main)).toEqual(whole);
      }),
      { numRuns: 80 },
    );
  });

  it('min, max, p25, p50, p75, mean and std dev within the histogram precision of a direct computation', () => {
    fc.assert(
      fc.property(sets, (values) => {
        const s = summarize(histogramOf(values))!;
        const sorted = [...values].sort((a, b) => a - b);
        const n = sorted.length;
        // min and max are exact; the percentiles never leave them.
        const lo = sorted[0]!;
        const hi = sorted[n - 1]!;
        const us = (ms: number) => Math.round(ms * 1000);
        expect(us(s.min)).toBe(lo);
        expect(us(s.max)).toBe(hi);
        // Nearest rank (the smallest value with at least p% of the values at or below it), then its bucket's top.
        for (const [p, key] of [
          [25, 'p25'],
          [50, 'p50'],
          [75, 'p75'],
        ] as const) {
          const direct = sorted[Math.max(1, Math.ceil((p / 100) * n)) - 1]!;
          expect(us(s[key]), key).toBeGreaterThanOrEqual(direct);
          expect(us(s[key]), key).toBeLessThanOrEqual(Math.ceil(direct * (1 + REL)));
        }
        const mean = values.reduce((a, b) => a + b, 0) / n;
        const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
        // Each value moves by at most its bucket's width (≤ REL of it) to the bucket's midpoint; the
        // standard deviation then moves by at most the root mean square of those moves (triangle inequality).
        const rms = Math.sqrt(values.reduce((a, v) => a + (v * REL + 1) ** 2, 0) / n);
        expect(Math.abs(s.mean * 1000 - mean)).toBeLessThanOrEqual(hi * REL + 1);
        expect(Math.abs(s.stdDev * 1000 - sd)).toBeLessThanOrEqual(rms + 1);
      }),
      { numRuns: 150 },
    );
  });

  it('equal values: every figure is that value, the spread 0 (bucket edges and midpoints do not show)', () => {
    expect(summarize(histogramOf([1_000_000, 1_000_000]))).toEqual({
      count: 2,
      min: 1000,
      mean: 1000,
      stdDev: 0,
      p25: 1000,
      p50: 1000,
      p75: 1000,
      p90: 1000,
      p95: 1000,
      p99: 1000,
      p999: 1000,
      max: 1000,
    });
  });

  it('a std dev that a direct computation confirms on a known set', () => {
    // 1..1000 ms: population sd = sqrt((n² − 1) / 12) ms.
    const us = Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000);
    const s = summarize(histogramOf(us))!;
    expect(s.stdDev).toBeCloseTo(Math.sqrt((1000 ** 2 - 1) / 12), 0);
    expect(s.p25).toBeGreaterThanOrEqual(250);
    expect(s.p25).toBeLessThanOrEqual(250.25);
    expect(s.p75).toBeGreaterThanOrEqual(750);
    expect(s.p75).toBeLessThanOrEqual(750.75);
  });
});
