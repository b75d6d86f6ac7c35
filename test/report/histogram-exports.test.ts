// The histogram views the reports use: .hgrm text, the percentile curve and value bins, checked
// against values recorded by hand.
import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, percentileCurve, percentileDistributionText, recordMs, valueBins } from '../../src/metrics/histogram.js';

function histogramOf(values: number[]): string {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  return encodeHistogram(h);
}

const oneToHundred = histogramOf(Array.from({ length: 100 }, (_, i) => i + 1));

describe('.hgrm text', () => {
  it("is HdrHistogram's percentile distribution with values in ms", () => {
    const text = percentileDistributionText(oneToHundred);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
    const rows = lines.filter((l) => /^\s*\d/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows[0]![0]).toBeCloseTo(1, 1); // the minimum, 1 ms
    const half = rows.find((r) => r[1] === 0.5)!;
    expect(half[0]).toBeCloseTo(50, 0);
    expect(rows[rows.length - 1]![0]).toBeCloseTo(100, 0);
    expect(rows[rows.length - 1]![2]).toBe(100);
    expect(text).toMatch(/#\[Mean\s+=\s+50\.5\d*, StdDeviation/);
    expect(text).toMatch(/#\[Max\s+=\s+100\.\d+, Total count\s+=\s+100\]/);
  });
});

describe('percentile curve', () => {
  it("places p at x = 1/(1-p) up to one sample's resolution, then the max", () => {
    const pts = percentileCurve(oneToHundred);
    expect(pts[0]).toMatchObject({ percentile: 0, x: 1 });
    expect(pts[0]!.ms).toBeCloseTo(1, 1);
    for (const p of pts.slice(0, -1)) {
      expect(p.x).toBeCloseTo(1 / (1 - p.percentile / 100), 6);
      // Uniform 1..100 ms: the value at percentile q is about q ms (HDR precision 0.1%).
      expect(Math.abs(p.ms - Math.max(1, Math.ceil(p.percentile)))).toBeLessThanOrEqual(1.1);
    }
    const last = pts[pts.length - 1]!;
    expect(last.percentile).toBe(100);
    expect(last.ms).toBeCloseTo(100, 0);
    expect(pts.slice(0, -1).every((p) => p.x <= 100)).toBe(true);
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.ms).toBeGreaterThanOrEqual(pts[i - 1]!.ms);
  });

  it('is empty for an empty histogram', () => {
    expect(percentileCurve(histogramOf([]))).toEqual([]);
    expect(valueBins(histogramOf([]))).toBeNull();
  });
});

describe('value bins', () => {
  it('counts every value once, in equal bins over the given range', () => {
    const b = valueBins(oneToHundred, 10, { fromMs: 0, toMs: 100 })!;
    expect(b.fromMs).toBe(0);
    expect(b.widthMs).toBe(10);
    expect(b.counts.reduce((a, c) => a + c, 0)).toBe(100);
    // 1..9 in the first bin, 10..19 in the second, …, 100 clamped into the last.
    expect(b.counts[0]).toBe(9);
    expect(b.counts[9]).toBe(11);
  });

  it("defaults to the histogram's own min..max", () => {
    const b = valueBins(histogramOf([200, 200, 400]), 2)!;
    expect(b.fromMs).toBeCloseTo(200, 0);
    expect(b.counts).toEqual([2, 1]);
  });
});
