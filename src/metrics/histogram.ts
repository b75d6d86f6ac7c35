// HDR histograms in microseconds (3 significant digits) and their summaries in milliseconds.
// The only module that touches hdr-histogram-js.
import * as hdr from 'hdr-histogram-js';

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
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

const ms = (us: number) => Math.round(us) / 1000;

/** Percentiles in ms, or null when nothing was measured. */
export function summarize(h: Histogram): MetricSummary | null {
  if (h.totalCount === 0) return null;
  return {
    count: h.totalCount,
    min: ms(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : Math.min(h.minNonZeroValue, h.maxValue)),
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  return hdr.decodeFromCompressedBase64(base64);
}
