// Per-interval HDR histograms and the HdrHistogram interval log (.hlog) they are written to, so that
// existing HdrHistogram tools (HistogramLogAnalyzer, hdr-plot) can read a run. Values are µs.
import * as hdr from 'hdr-histogram-js';
import type { ClockAnchor } from './clock.js';

export type IntervalHistogram = hdr.Histogram;

/**
 * Plain 32-bit counts: packed storage would save memory (~90 KB each), but its recordValue cost several
 * µs of main-thread CPU per request in the overhead benchmark; only the last few seconds' are alive.
 */
export function newIntervalHistogram(): IntervalHistogram {
  return hdr.build({ numberOfSignificantValueDigits: 3, highestTrackableValue: 3_600_000_000 });
}

export function recordIntervalMs(h: IntervalHistogram, ms: number): void {
  h.recordValue(Math.max(0, Math.min(3_600_000_000, Math.round(ms * 1000))));
}

/** ms at a percentile of an interval histogram, or null when it is empty. */
export function intervalPercentileMs(h: IntervalHistogram, p: number): number | null {
  return h.totalCount === 0 ? null : Math.round(h.getValueAtPercentile(p)) / 1000;
}

/** One .hlog text per variant: a header, then one line per (interval, tag). */
export class HlogWriter {
  private readonly lines: string[] = [];
  private readonly writer = new hdr.HistogramLogWriter((s) => this.lines.push(s));

  constructor(anchor: ClockAnchor, comment: string) {
    this.writer.outputComment(comment);
    this.writer.outputLogFormatVersion();
    this.writer.outputStartTime(anchor.epochMs);
    this.writer.baseTime = anchor.epochMs;
    this.writer.outputLegend();
  }

  /** Logs one interval (seconds since the anchor) for `tag` (e.g. latency, ttft); max in ms. */
  interval(tag: string, h: IntervalHistogram, startSec: number, endSec: number): void {
    if (h.totalCount === 0) return;
    h.tag = tag;
    this.writer.outputIntervalHistogram(h, startSec, endSec, 1000);
  }

  text(): string {
    return this.lines.join('');
  }
}
