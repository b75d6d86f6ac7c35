// What a histogram gained since it was last taken, as a structured-cloneable value, and its exact merge
// into another histogram: counts, percentiles, min and max come out as if every value had been recorded there.
import { decodeHistogram, encodeHistogram, type Histogram } from './histogram.js';

export interface HistogramDelta {
  /** HDR compressed base64 (encodeHistogram). */
  hdr: string;
  /**
   * The raw smallest non-zero and largest values recorded, µs. The encoding keeps counts per bucket
   * only, so a decoded histogram's min and max are its buckets' edges, not the values recorded.
   */
  minUs: number;
  maxUs: number;
}

/** The histogram's contents (undefined when empty); the histogram is reset. */
export function takeHistogram(h: Histogram): HistogramDelta | undefined {
  if (h.totalCount === 0) return undefined;
  const d = { hdr: encodeHistogram(h), minUs: h.minNonZeroValue, maxUs: h.maxValue };
  h.reset();
  return d;
}

/** Tracking values hdr-histogram-js declares readonly; its JS histograms keep them as plain fields. */
type Tracked = { minNonZeroValue: number; maxValue: number };

/** Adds the delta into each histogram given (decoded once: decoding costs more than adding). */
export function mergeHistogram(d: HistogramDelta | undefined, ...into: Histogram[]): void {
  if (d === undefined) return;
  const decoded = decodeHistogram(d.hdr);
  for (const h of into) {
    const min = Math.min(h.minNonZeroValue, d.minUs);
    const max = Math.max(h.maxValue, d.maxUs);
    h.add(decoded);
    // add() takes the decoded buckets' edges as min and max: put back the values actually recorded.
    (h as unknown as Tracked).minNonZeroValue = min;
    (h as unknown as Tracked).maxValue = max;
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
