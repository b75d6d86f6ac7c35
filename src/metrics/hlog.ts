// Per-interval HDR histograms and the HdrHistogram interval log (.hlog) they are written to, so that
// existing HdrHistogram tools (HistogramLogAnalyzer, hdr-plot) can read a run. Values are µs.
import * as hdr from 'hdr-histogram-js';
import type { ClockAnchor } from '../clock/clock.js';

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

/** One .hlog text per variant: a header, then one line per (interval, tag), given in the order to write them. */
export class HlogWriter {
  private readonly header: string[] = [];
  private captured = '';
  private readonly writer = new hdr.HistogramLogWriter((s) => {
    this.captured += s;
  });

  constructor(anchor: ClockAnchor, comment: string) {
    this.writer.outputComment(comment);
    this.writer.outputLogFormatVersion();
    this.writer.outputStartTime(anchor.epochMs);
    this.writer.baseTime = anchor.epochMs;
    this.writer.outputLegend();
    this.header.push(this.take());
  }

  /** One interval's line (seconds since the anchor) for `tag` (e.g. latency, ttft); max in ms. Null when empty. */
  line(tag: string, h: IntervalHistogram, startSec: number, endSec: number): string | null {
    if (h.totalCount === 0) return null;
    h.tag = tag;
    this.writer.outputIntervalHistogram(h, startSec, endSec, 1000);
    return this.take();
  }

  text(lines: Iterable<string>): string {
    return this.header.concat([...lines]).join('');
  }

  private take(): string {
    const s = this.captured;
    this.captured = '';
    return s;
  }
}

/** The histogram a line of line() holds (its last field is the compressed counts). */
export function decodeLine(line: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(line.slice(line.lastIndexOf(',') + 1));
}
