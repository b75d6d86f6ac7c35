// The main thread's result pipeline: tags each record (warm-up, sweep step, send lag, output tokens),
// appends it to results.jsonl, and feeds the measured ones to the per-variant statistics, the sweep's
// per-step statistics, the timeline and the live progress figures.
import { anchorClock, nowMs } from '../metrics/clock.js';
import { newHistogram, recordMs, type Histogram } from '../metrics/histogram.js';
import { outputTokens } from '../metrics/output-tokens.js';
import { Timeline } from '../metrics/timeline.js';
import { VariantStats } from '../metrics/variant-stats.js';
import type { SendInfo } from '../load/open-loop.js';
import type { ResultsSink } from '../report/results-sink.js';
import type { ResultRecord } from '../worker/messages.js';
import type { Phase } from './drive-load.js';

export class RunCollector {
  readonly stats: VariantStats[];
  /** Sweep only: per step, per variant. */
  readonly stepStats: VariantStats[][] = [];
  readonly timeline: Timeline;
  done = 0;
  errors = 0;
  inFlight = 0;
  warmupDone = 0;
  /** After finish(): late records (requests abandoned after the grace period) are dropped. */
  private closed = false;
  private readonly ttft: Histogram = newHistogram();
  private readonly flusher: NodeJS.Timeout;

  constructor(
    private readonly sink: ResultsSink,
    private readonly anchor: ReturnType<typeof anchorClock>,
    variantNames: string[],
    private readonly onResult?: (r: ResultRecord) => void,
  ) {
    this.stats = variantNames.map(() => new VariantStats());
    this.timeline = new Timeline(anchor, variantNames);
    this.flusher = setInterval(() => this.timeline.flush((nowMs() - anchor.monoMs) / 1000), 1000);
    this.flusher.unref();
  }

  /** Live TTFT p50 of the measured requests so far, ms (null before the first). */
  ttftP50(): number | null {
    return this.ttft.totalCount === 0 ? null : Math.round(this.ttft.getValueAtPercentile(50)) / 1000;
  }

  add(record: ResultRecord, variant: number, info: SendInfo, phase: Phase): void {
    if (this.closed) return;
    record.sendLagMs = Math.round(info.lagMs * 1000) / 1000;
    if (info.delayed) record.delayed = true;
    if (record.ok) record.outputTokens = outputTokens(record.metadata, record.output);
    if (phase.warmup) {
      record.warmup = true;
      this.warmupDone++;
      this.sink.write(record);
      this.onResult?.(record);
      return;
    }
    if (phase.step !== null) record.step = phase.step;
    this.done++;
    if (!record.ok) this.errors++;
    this.sink.write(record);
    this.stats[variant]!.add(record);
    if (phase.step !== null) {
      this.stepStats[phase.step] ??= this.stats.map(() => new VariantStats());
      this.stepStats[phase.step]![variant]!.add(record);
    }
    this.timeline.add(record, variant);
    if (record.ok && record.ttftMs !== null) recordMs(this.ttft, record.ttftMs);
    this.onResult?.(record);
  }

  /** Closes every timeline bucket; call once the run is over. */
  finish(): void {
    this.closed = true;
    clearInterval(this.flusher);
    this.timeline.flush((nowMs() - this.anchor.monoMs) / 1000, true);
  }
}
