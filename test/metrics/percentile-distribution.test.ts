// flowbench's .hgrm writer (src/metrics/percentile-distribution.ts) against hdr-histogram-js's own
// outputPercentileDistribution, byte for byte, over histograms of every shape a run makes: empty, one
// value, zeros, the clamp at one hour, narrow and wide spreads, heavy tails, and the encode/decode round
// trip the report goes through.
import { describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, newHistogram, percentileDistributionText, recordMs } from '../../src/metrics/histogram.js';
import { decimal, percentileDistribution } from '../../src/metrics/percentile-distribution.js';
import { seeded } from '../../src/random/seeded.js';

function histogramOf(values: number[]) {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  return h;
}

describe('the .hgrm percentile distribution', () => {
  const rand = seeded(7);
  const shapes: Record<string, number[]> = {
    empty: [],
    'one value': [412.5],
    'two values': [1, 3_000],
    'zeros and small': [0, 0, 0.001, 0.002, 0.5],
    'the one-hour clamp': [3_600_000, 5_000_000, 12],
    'narrow (30 around 300 ms)': Array.from({ length: 30 }, () => 300 + rand() * 10),
    'wide (1,000 from 1 ms to 60 s)': Array.from({ length: 1_000 }, () => Math.exp(rand() * Math.log(60_000))),
    'heavy tail (20,000)': Array.from({ length: 20_000 }, () => 50 / (1 - rand() * 0.999)),
    'repeated value': Array.from({ length: 500 }, () => 250),
  };
  it.each(Object.entries(shapes))('%s: the same text as hdr-histogram-js', (_name, values) => {
    const h = histogramOf(values);
    expect(percentileDistribution(h, 5, 1000)).toBe(h.outputPercentileDistribution(5, 1000));
    // As reports read it: from the encoded histogram in report.json.
    const b64 = encodeHistogram(h);
    expect(percentileDistributionText(b64)).toBe(decodeHistogram(b64).outputPercentileDistribution(5, 1000));
    // Other tick counts and units, as HdrHistogram's plotter accepts them.
    expect(percentileDistribution(h, 2, 1)).toBe(h.outputPercentileDistribution(2, 1));
    expect(percentileDistribution(h, 10, 1_000_000)).toBe(h.outputPercentileDistribution(10, 1_000_000));
  });
});

describe('decimal(v, digits): Intl.NumberFormat rounding without Intl', () => {
  it('writes what Intl.NumberFormat writes, over the numbers a histogram prints', () => {
    const rand = seeded(11);
    const values = [0, 0.4125, 0.9997802734375, 1, 9.9995, 99.5, 0.0005, 1e-7, 2.5e-10, 123456.7895, 3_600_000, 1e20, 0.1 + 0.2];
    for (let i = 0; i < 3_000; i++) values.push(rand() * 10 ** Math.floor(rand() * 14 - 7), Math.round(rand() * 1e6) / 1e4 + 0.00005);
    for (const digits of [0, 2, 3, 12]) {
      const intl = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
      for (const v of values) expect(decimal(v, digits), `${v} to ${digits}`).toBe(intl.format(v));
    }
  });
});
