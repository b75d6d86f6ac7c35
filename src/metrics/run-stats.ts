// A run's statistics, recorded where each result completes: a RunStatsShard in each thread that
// completes records, shipping deltas (take) that the main thread's RunStatsTotal merges, with the same
// totals, per-variant and per-step summaries and timeline as if it had added every record itself.
import { nowMs, type ClockAnchor } from '../clock/clock.js';
import { newHistogram } from './histogram.js';
import { Timeline } from './timeline.js';
import { TimelineShard, type TimelineDelta } from './timeline-shard.js';
import { VariantStats, type VariantStatsDelta } from './variant-stats.js';
import type { RecordEnvelope, ResultRecord } from '../record/result-record.js';

/** What a RunStatsShard added since its last take(), structured-cloneable. */
export interface RunStatsDelta {
  /** Measured results, failed ones among them, and warm-up results. */
  done: number;
  errors: number;
  warmupDone: number;
  /** Per variant index; null where nothing was added. */
  stats: (VariantStatsDelta | null)[];
  /** Sweep steps with something added, each per variant index. */
  steps: { step: number; stats: (VariantStatsDelta | null)[] }[];
  timeline: TimelineDelta | null;
}

const takeAll = (stats: VariantStats[]) => stats.map((s) => (s.pending() ? s.take() : null));

/** What both sides count a completed record into. */
interface Counts {
  done: number;
  errors: number;
  warmupDone: number;
  readonly stats: VariantStats[];
  step(i: number): VariantStats[];
  readonly timeline: { add(r: ResultRecord, variant: number): void };
}

/** The one rule for counting a completed record: warm-up results count only as such. */
function countRecord(c: Counts, record: ResultRecord, env: RecordEnvelope): void {
  if (env.warmup) {
    c.warmupDone++;
    return;
  }
  c.done++;
  if (!record.ok) c.errors++;
  c.stats[env.variant]!.add(record);
  if (env.step !== null) c.step(env.step)[env.variant]!.add(record);
  c.timeline.add(record, env.variant);
}

/** Lives in a thread that completes records; never shared between threads. */
export class RunStatsShard implements Counts {
  readonly stats: VariantStats[];
  private readonly steps = new Map<number, VariantStats[]>();
  readonly timeline = new TimelineShard();
  done = 0;
  errors = 0;
  warmupDone = 0;

  constructor(private readonly variantCount: number) {
    this.stats = Array.from({ length: variantCount }, () => new VariantStats());
  }

  /** A completed record (completeRecord applied) and the envelope it travelled with. */
  add(record: ResultRecord, env: RecordEnvelope): void {
    countRecord(this, record, env);
  }

  step(i: number): VariantStats[] {
    let step = this.steps.get(i);
    if (!step) this.steps.set(i, (step = Array.from({ length: this.variantCount }, () => new VariantStats())));
    return step;
  }

  /** What was added since the last take, or null when nothing was; the shard starts again from empty. */
  take(): RunStatsDelta | null {
    if (this.done === 0 && this.warmupDone === 0) return null;
    const d: RunStatsDelta = {
      done: this.done,
      errors: this.errors,
      warmupDone: this.warmupDone,
      stats: takeAll(this.stats),
      steps: [...this.steps].filter(([, s]) => s.some((v) => v.pending())).map(([step, s]) => ({ step, stats: takeAll(s) })),
      timeline: this.timeline.pending() ? this.timeline.take() : null,
    };
    this.done = this.errors = this.warmupDone = 0;
    return d;
  }
}

/**
 * The main thread's statistics of a run: records added directly (main-thread executor, --resume
 * replay) and shards' deltas merged give the same figures. After finish(), both are ignored: late
 * results (requests abandoned after the grace period) must not reopen a closed timeline.
 */
export class RunStatsTotal implements Counts {
  readonly stats: VariantStats[];
  /** Sweep only: per step, per variant. */
  readonly stepStats: VariantStats[][] = [];
  readonly timeline: Timeline;
  done = 0;
  errors = 0;
  warmupDone = 0;
  private closed = false;
  /** Scratch for ttftP50: the variants' TTFT added up (their ok, measured results, as live progress wants). */
  private readonly ttft = newHistogram();
  private readonly flusher: NodeJS.Timeout;

  constructor(
    private readonly anchor: ClockAnchor,
    variantNames: string[],
  ) {
    this.stats = variantNames.map(() => new VariantStats());
    this.timeline = new Timeline(anchor, variantNames);
    this.flusher = setInterval(() => this.timeline.flush((nowMs() - anchor.monoMs) / 1000), 1000);
    this.flusher.unref();
  }

  /** Live TTFT p50 of the measured requests so far, ms (null before the first). */
  ttftP50(): number | null {
    // Summed when asked (once a progress tick) rather than recorded a second time per result.
    this.ttft.reset();
    for (const s of this.stats) s.addTimingTo('ttft', this.ttft);
    return this.ttft.totalCount === 0 ? null : Math.round(this.ttft.getValueAtPercentile(50)) / 1000;
  }

  /** A completed record (completeRecord applied) and its envelope. */
  add(record: ResultRecord, env: RecordEnvelope): void {
    if (!this.closed) countRecord(this, record, env);
  }

  merge(d: RunStatsDelta): void {
    if (this.closed) return;
    this.done += d.done;
    this.errors += d.errors;
    this.warmupDone += d.warmupDone;
    d.stats.forEach((v, i) => v && this.stats[i]!.merge(v));
    for (const s of d.steps) {
      const step = this.step(s.step);
      s.stats.forEach((v, i) => v && step[i]!.merge(v));
    }
    if (d.timeline) this.timeline.merge(d.timeline);
  }

  /** Closes every timeline bucket; call once the run is over and the threads' last deltas are merged. */
  finish(): void {
    this.closed = true;
    clearInterval(this.flusher);
    this.timeline.flush((nowMs() - this.anchor.monoMs) / 1000, true);
  }

  step(i: number): VariantStats[] {
    return (this.stepStats[i] ??= this.stats.map(() => new VariantStats()));
  }
}
