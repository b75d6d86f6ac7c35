// What a histogram gained since it was last taken, as a structured-cloneable value, and its exact merge
// into another histogram: counts, percentiles, min and max come out as if every value had been recorded
// there. A delta is the histogram's non-empty buckets by index, not its compressed encoding: a request
// thread takes its deltas while it times frames, and encoding (a deflate per histogram) held its event
// loop for milliseconds at a time (BENCHMARKS.md, "The piscina engine"). Every histogram on both sides
// is built alike (metrics/histogram.ts, metrics/hlog.ts: 3 digits, 1 µs .. 1 hour), so indexes agree.
import type { Histogram } from './histogram.js';

export interface HistogramDelta {
  /** The non-empty buckets as pairs: [index, count, index, count, …]. */
  buckets: number[];
  /** The sum of the counts. */
  total: number;
  /** The raw smallest non-zero and largest values recorded, µs (a bucket's index gives only its edges). */
  minUs: number;
  maxUs: number;
}

/** The parts of hdr-histogram-js's JS histograms (all of ours) that a bucket-level merge needs. */
interface Buckets {
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  addToCountAtIndex(index: number, count: number): void;
  setTotalCount(total: number): void;
  minNonZeroValue: number;
  maxValue: number;
}

const inside = (h: Histogram) => h as unknown as Buckets;

/** The histogram's contents (undefined when empty); the histogram is reset. */
export function takeHistogram(h: Histogram): HistogramDelta | undefined {
  if (h.totalCount === 0) return undefined;
  const b = inside(h);
  const buckets: number[] = [];
  const last = b.countsArrayIndex(h.maxValue);
  for (let i = 0; i <= last; i++) {
    const c = b.getCountAtIndex(i);
    if (c !== 0) buckets.push(i, c);
  }
  const d = { buckets, total: h.totalCount, minUs: h.minNonZeroValue, maxUs: h.maxValue };
  h.reset();
  return d;
}

/** Adds the delta into each histogram given. */
export function mergeHistogram(d: HistogramDelta | undefined, ...into: Histogram[]): void {
  if (d === undefined) return;
  for (const h of into) {
    const b = inside(h);
    const min = Math.min(h.minNonZeroValue, d.minUs);
    const max = Math.max(h.maxValue, d.maxUs);
    for (let k = 0; k < d.buckets.length; k += 2) b.addToCountAtIndex(d.buckets[k]!, d.buckets[k + 1]!);
    b.setTotalCount(h.totalCount + d.total);
    b.minNonZeroValue = min;
    b.maxValue = max;
  }
}

/** takeHistogram over a record of histograms; empty ones are left out. */
export function takeHistograms<K extends string>(hs: Record<K, Histogram>): Partial<Record<K, HistogramDelta>> {
  const out: Partial<Record<K, HistogramDelta>> = {};
  for (const k of Object.keys(hs) as K[]) {
    const d = takeHistogram(hs[k]);
    if (d !== undefined) out[k] = d;
  }
  return out;
}

export function mergeHistograms<K extends string>(hs: Record<K, Histogram>, ds: Partial<Record<K, HistogramDelta>>): void {
  for (const k of Object.keys(ds) as K[]) mergeHistogram(ds[k], hs[k]);
}
