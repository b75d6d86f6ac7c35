// HDR histograms in microseconds (3 significant digits) and their summaries in milliseconds.
import * as hdr from 'hdr-histogram-js';
import { percentileDistribution } from './percentile-distribution.js';

export type Histogram = hdr.Histogram;

/** One hour: anything slower is clamped, and a request that slow has timed out anyway. */
const HIGHEST_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return hdr.build({ numberOfSignificantValueDigits: 3, highestTrackableValue: HIGHEST_US });
}

export function recordMs(h: Histogram, ms: number): void {
  const us = Math.max(0, Math.min(HIGHEST_US, Math.round(ms * 1000)));
  h.recordValue(us);
}

export interface MetricSummary {
  count: number;
  /** The smallest value recorded, exact (to the µs). */
  min: number;
  /** Of the histogram's bucket midpoints, as HdrHistogram computes it, kept within [min, max]. */
  mean: number;
  /** Population standard deviation over the same bucket midpoints, at most (max − min) / 2. */
  stdDev: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  /** The largest value recorded, exact (to the µs). */
  max: number;
}

/** The exact smallest and largest values of a summary, ms: what an encoded histogram cannot keep. */
export interface Extremes {
  min: number;
  max: number;
}

const ms = (us: number) => Math.round(us) / 1000;

/**
 * The extremes the histogram tracks beside its counts, ms: exact while values are recorded into it (or
 * merged as thread deltas, which carry them), only the outer bucket edges once it was encoded.
 */
function trackedExtremes(h: Histogram): Extremes {
  // HDR keeps the smallest non-zero value; a recorded 0 (two frames in one chunk: an ITL of 0 ms) is the minimum then.
  const zero = (h as unknown as { getCountAtValue(v: number): number }).getCountAtValue(0) > 0;
  const minNonZero = h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : Math.min(h.minNonZeroValue, h.maxValue);
  return { min: zero ? 0 : ms(minNonZero), max: ms(h.maxValue) };
}

/**
 * Percentiles in ms, or null when nothing was measured. min and max are the exact extremes; every
 * percentile is its bucket's top (within 0.1% above the true value), clamped into [min, max], so
 * min ≤ p25 ≤ … ≤ p99.9 ≤ max always — unclamped, a p99 in the top bucket came out above the true max.
 * An encoded histogram loses the exact extremes, so `flowbench merge` passes the shards' own (their
 * summaries keep them): the merged summary is then exactly what one run over the same values says.
 */
export function summarize(h: Histogram, extremes: Extremes = trackedExtremes(h)): MetricSummary | null {
  if (h.totalCount === 0) return null;
  const { min, max } = extremes;
  const clamp = (v: number) => Math.min(max, Math.max(min, v));
  const at = (p: number) => clamp(ms(h.getValueAtPercentile(p)));
  // Each of these walks every recorded bucket; `stdDeviation` would compute the mean again first, so the
  // JS histogram's own getStdDeviation(mean) (private in its types) is given the one computed here.
  const mean = h.mean;
  const stdDev = (h as unknown as { getStdDeviation?: (mean: number) => number }).getStdDeviation?.(mean) ?? h.stdDeviation;
  return {
    count: h.totalCount,
    min,
    mean: clamp(ms(mean)),
    // No set of values in [min, max] spreads wider than (max − min) / 2; bucket midpoints can, slightly.
    stdDev: Math.min(ms(stdDev), ms(((max - min) / 2) * 1000)),
    p25: at(25),
    p50: at(50),
    p75: at(75),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max,
  };
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  return hdr.decodeFromCompressedBase64(base64);
}

/** HdrHistogram's `.hgrm` percentile distribution text (what its plotter reads), values in ms. */
export function percentileDistributionText(base64: string): string {
  return percentileDistribution(decodeHistogram(base64), 5, 1000);
}

/** One point of a percentile distribution: `x` = 1/(1-p), the log axis of HdrHistogram's plotter. */
export interface PercentilePoint {
  percentile: number;
  x: number;
  ms: number;
}

/**
 * The percentile curve, `ticksPerHalf` points per halving of the remaining tail (as the .hgrm
 * text), up to the percentile one sample resolves (1 − 1/count), then the maximum.
 */
export function percentileCurve(base64: string, ticksPerHalf = 5): PercentilePoint[] {
  const h = decodeHistogram(base64);
  if (h.totalCount === 0) return [];
  const points: PercentilePoint[] = [];
  const lastX = Math.max(1, h.totalCount);
  for (let i = 0; ; i++) {
    const x = 2 ** (i / ticksPerHalf);
    if (x > lastX) break;
    const p = 1 - 1 / x;
    points.push({ percentile: p * 100, x, ms: ms(h.getValueAtPercentile(p * 100)) });
  }
  points.push({ percentile: 100, x: lastX * 2 ** (1 / ticksPerHalf), ms: ms(h.maxValue) });
  return points;
}

/**
 * Counts of recorded values in `bins` equal-width bins over [fromMs, toMs] (default: the
 * histogram's own min to max); values outside fall in the first or last bin.
 */
export function valueBins(base64: string, bins = 40, range?: { fromMs: number; toMs: number }): { fromMs: number; widthMs: number; counts: number[] } | null {
  const h = decodeHistogram(base64);
  if (h.totalCount === 0) return null;
  const lo = range ? range.fromMs * 1000 : Math.min(h.minNonZeroValue, h.maxValue);
  const hi = range ? range.toMs * 1000 : h.maxValue;
  const width = Math.max(1, (hi - lo) / bins);
  const counts = new Array<number>(bins).fill(0);
  // Each recorded value stands for a bucket of equivalent values (within 0.1%): counted at its top.
  const it = (h as unknown as { recordedValuesIterator: RecordedIterator }).recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    const i = Math.min(bins - 1, Math.max(0, Math.floor((v.valueIteratedTo - lo) / width)));
    counts[i]! += v.countAtValueIteratedTo;
  }
  return { fromMs: lo / 1000, widthMs: width / 1000, counts };
}

interface RecordedIterator {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

/** Every recorded value (ms, at its bucket's reported value) with its count: how compare/ resamples a saved histogram. */
export function histogramValues(base64: string): { value: number; count: number }[] {
  const h = decodeHistogram(base64);
  const out: { value: number; count: number }[] = [];
  if (h.totalCount === 0) return out;
  const it = (h as unknown as { recordedValuesIterator: HistogramValueIterator }).recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    out.push({ value: ms(v.valueIteratedTo), count: v.countAtValueIteratedTo });
  }
  return out;
}

interface HistogramValueIterator {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

/**
 * Adds encoded histograms (e.g. one per shard): counts add exactly; percentiles are read from the sum.
 * `extremes`: each histogram's exact min and max (its summary; null for an empty one), without which
 * min and max are only the outer bucket edges.
 */
export function addEncoded(list: string[], extremes?: (Extremes | null | undefined)[]): { summary: MetricSummary | null; encoded: string } {
  const sum = newHistogram();
  for (const b64 of list) sum.add(decodeHistogram(b64));
  const known = extremes?.filter((e): e is Extremes => e !== null && e !== undefined) ?? [];
  const exact = known.length > 0 ? { min: Math.min(...known.map((e) => e.min)), max: Math.max(...known.map((e) => e.max)) } : undefined;
  return { summary: summarize(sum, exact), encoded: encodeHistogram(sum) };
}
