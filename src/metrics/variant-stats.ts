// Accumulates results per variant cheaply (add per result, percentiles once at the end), like vegeta's
// Metrics; take() / merge() carry what a thread added to the main thread's total, exactly.
import type { RepeatSummary } from './repeat-stats.js';
import type { ResultRecord } from '../record/result-record.js';
import { EconomicsStats, type EconomicsDelta, type EconomicsSummary } from './economics-stats.js';
import { ExactSum } from './exact-sum.js';
import { FailureStats, type FailureStatsDelta, type FailureSummary } from './failure-stats.js';
import { encodeHistogram, newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';
import { mergeHistograms, takeHistograms, type HistogramDelta } from './histogram-delta.js';
import { GraderStats, type GraderBreakdown, type GraderStatsDelta, type GraderTallyView } from './grader-stats.js';
import { StreamStats, type StreamStatsDelta, type StreamSummary } from './stream-stats.js';
import { interTokenLatencies } from './timings.js';
import { NodeStats, type NodeStatsDelta, type NodeSummary } from './node-stats.js';
import { LiveBuckets, type LiveBucketsDelta } from './live-buckets.js';
import { BoundedValues, nearestRank } from './bounded-values.js';

export const TIMING_METRICS = ['latency', 'ttft', 'ttfb', 'itl'] as const;
export type TimingMetric = (typeof TIMING_METRICS)[number];

export interface GradeSummary {
  graded: number;
  passed: number;
  failed: number;
  graderErrors: number;
  passRate: number | null;
  meanScore: number | null;
}

export interface MetadataMetric {
  count: number;
  sum: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export interface VariantSummary extends StreamSummary, GraderBreakdown, FailureSummary, EconomicsSummary {
  requests: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  retries: number;
  /** Requests that met HTTP 429 at least once (retried or final). */
  rateLimited: number;
  /** latencyMs … itlMs: successful requests only (failed ones: `errored`, `incomplete`). */
  latencyMs: MetricSummary | null;
  ttftMs: MetricSummary | null;
  ttfbMs: MetricSummary | null;
  itlMs: MetricSummary | null;
  queueMs: MetricSummary | null;
  /** Completed requests per second over the variant's active span (first start to last end; a resumed run: its sessions' active spans). */
  rps: number | null;
  grades: GradeSummary;
  metadataFetched: number;
  feedbackPosted: number;
  feedbackFailed: number;
  metadataMetrics: Record<string, MetadataMetric>;
  histograms: Record<TimingMetric, string>;
  /** Results during which the request thread's event loop stalled (`harnessStallMs` > 0), and the longest stall. */
  harnessStalls: { results: number; maxMs: number | null };
  /** Suite `repeat` above 1: pass@1, pass^N, consistency and flaky rows (metrics/repeat-stats.ts); absent otherwise. */
  repeats?: RepeatSummary;
  /** Stream modes: time per flow node over the successful requests, in flow order (absent when no stream carried progress_data). */
  nodes?: NodeSummary[];
}

/** Plain counters of VariantStats: merged by adding them key by key. */
export interface Counts {
  requests: number;
  ok: number;
  retries: number;
  rateLimited: number;
  graded: number;
  passed: number;
  graderErrors: number;
  metadataFetched: number;
  feedbackPosted: number;
  feedbackFailed: number;
  harnessStalls: number;
}

const COUNT_KEYS: (keyof Counts)[] = [
  'requests',
  'ok',
  'retries',
  'rateLimited',
  'graded',
  'passed',
  'graderErrors',
  'metadataFetched',
  'feedbackPosted',
  'feedbackFailed',
  'harnessStalls',
];

const noCounts = (): Counts => Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as Counts;

type VariantHistogram = TimingMetric | 'queue';

/**
 * Everything a VariantStats added since its last take(), as a structured-cloneable value: merge() on
 * another instance gives the summary it would have had from adding those results itself.
 */
export interface VariantStatsDelta {
  counts: Counts;
  errorKinds: Record<string, number>;
  /** ExactSum partials of the graded results' scores. */
  scoreSum: number[];
  /** Shared-clock ms; Infinity / -Infinity when nothing was added. */
  firstStart: number;
  lastEnd: number;
  /** The longest harness stall, ms; null when none. */
  harnessStallMaxMs: number | null;
  /** Numeric metadata field values, per field in first-seen order. */
  fieldValues: [string, number[]][];
  /** Left out when empty. */
  histograms: Partial<Record<VariantHistogram, HistogramDelta>>;
  stream: StreamStatsDelta;
  failures: FailureStatsDelta;
  graders: GraderStatsDelta;
  economics: EconomicsDelta;
  nodes: NodeStatsDelta;
  live: LiveBucketsDelta;
}

/** What the live endpoint reads of a variant on each scrape (views, not copies: read, never change). */
export interface LiveVariantView {
  counts: Readonly<Counts>;
  errorKinds: Readonly<Record<string, number>>;
  delayedSends: number;
  graders: GraderTallyView[];
  buckets: LiveBuckets;
}

export class VariantStats {
  private readonly h: Record<VariantHistogram, Histogram> = {
    latency: newHistogram(),
    ttft: newHistogram(),
    ttfb: newHistogram(),
    itl: newHistogram(),
    queue: newHistogram(),
  };
  private c: Counts = noCounts();
  private errorKinds: Record<string, number> = {};
  /** Exact, so that a total merged from threads in any order has the very mean of one that added all. */
  private readonly scoreSum = new ExactSum();
  private firstStart = Infinity;
  private lastEnd = -Infinity;
  private harnessStallMaxMs: number | null = null;
  /** Numeric metadata fields: values per field, bounded (metrics/bounded-values.ts). */
  private readonly fieldValues = new Map<string, BoundedValues>();
  /** Service time, send lag, output tokens, TPOT, token throughput. */
  private readonly stream = new StreamStats();
  /** Latency and TTFT of errored and incomplete requests. */
  private readonly failures = new FailureStats();
  /** Per-grader tallies and judge calls (kept out of the timing histograms). */
  private readonly graderStats = new GraderStats();
  /** Tokens per model, cost, goodput, server vs client (metrics/result-extras.ts sets the record's fields). */
  private readonly economics = new EconomicsStats();
  /** Time per flow node (progress_data). */
  private readonly nodeStats = new NodeStats();
  /** Exact Prometheus bucket counts for the live endpoint. */
  private readonly live = new LiveBuckets();

  add(r: ResultRecord): void {
    const c = this.c;
    c.requests++;
    this.stream.add(r);
    this.nodeStats.add(r);
    this.failures.add(r);
    this.graderStats.add(r);
    this.economics.add(r);
    this.live.add(r);
    c.retries += r.attempts - 1;
    if (r.error?.kind === 'http_429' || r.retriedOn?.includes('http_429')) c.rateLimited++;
    this.firstStart = Math.min(this.firstStart, r.timestamps.scheduled);
    this.lastEnd = Math.max(this.lastEnd, r.timestamps.end);
    if (r.ok) {
      c.ok++;
      recordMs(this.h.latency, r.latencyMs);
      if (r.ttftMs !== null) recordMs(this.h.ttft, r.ttftMs);
      if (r.ttfbMs !== null) recordMs(this.h.ttfb, r.ttfbMs);
      for (const gap of interTokenLatencies(r.timestamps.contentFrames)) recordMs(this.h.itl, gap);
    } else if (r.error) {
      this.errorKinds[r.error.kind] = (this.errorKinds[r.error.kind] ?? 0) + 1;
    }
    recordMs(this.h.queue, r.queueMs);
    if (r.pass !== null) {
      c.graded++;
      if (r.pass) c.passed++;
      this.scoreSum.add(r.score ?? 0);
      if (r.grades.some((g) => g.error)) c.graderErrors++;
    }
    if (r.metadata !== null) c.metadataFetched++;
    if (r.feedback && !r.feedback.dryRun) r.feedback.posted ? c.feedbackPosted++ : c.feedbackFailed++;
    if (r.harnessStallMs !== undefined && r.harnessStallMs > 0) {
      c.harnessStalls++;
      this.harnessStallMaxMs = Math.max(this.harnessStallMaxMs ?? 0, r.harnessStallMs);
    }
    for (const [name, v] of Object.entries(r.metadataFields ?? {})) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      let list = this.fieldValues.get(name);
      if (!list) this.fieldValues.set(name, (list = new BoundedValues()));
      list.add(v);
    }
  }

  /** Adds this variant's histogram of a timing into `into` (live progress reads the run's TTFT so). */
  addTimingTo(metric: TimingMetric, into: Histogram): void {
    into.add(this.h[metric]);
  }

  /** Σ known cost of the results added so far, USD. */
  costUsd(): number {
    return this.economics.totalUsd();
  }

  /** Something was added since the last take(). */
  pending(): boolean {
    return this.c.requests > 0;
  }

  /** What was added since the last take; this instance starts again from empty. */
  take(): VariantStatsDelta {
    const d: VariantStatsDelta = {
      counts: this.c,
      errorKinds: this.errorKinds,
      scoreSum: this.scoreSum.take(),
      firstStart: this.firstStart,
      lastEnd: this.lastEnd,
      harnessStallMaxMs: this.harnessStallMaxMs,
      fieldValues: [...this.fieldValues].map(([name, list]) => [name, list.take()]),
      histograms: takeHistograms(this.h),
      stream: this.stream.take(),
      failures: this.failures.take(),
      graders: this.graderStats.take(),
      economics: this.economics.take(),
      nodes: this.nodeStats.take(),
      live: this.live.take(),
    };
    this.c = noCounts();
    this.errorKinds = {};
    this.firstStart = Infinity;
    this.lastEnd = -Infinity;
    this.harnessStallMaxMs = null;
    this.fieldValues.clear();
    return d;
  }

  merge(d: VariantStatsDelta): void {
    for (const k of COUNT_KEYS) this.c[k] += d.counts[k];
    for (const [kind, n] of Object.entries(d.errorKinds)) this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + n;
    this.scoreSum.merge(d.scoreSum);
    this.firstStart = Math.min(this.firstStart, d.firstStart);
    this.lastEnd = Math.max(this.lastEnd, d.lastEnd);
    if (d.harnessStallMaxMs !== null) this.harnessStallMaxMs = Math.max(this.harnessStallMaxMs ?? 0, d.harnessStallMaxMs);
    for (const [name, values] of d.fieldValues) {
      let list = this.fieldValues.get(name);
      if (!list) this.fieldValues.set(name, (list = new BoundedValues()));
      list.addAll(values);
    }
    mergeHistograms(this.h, d.histograms);
    this.stream.merge(d.stream);
    this.failures.merge(d.failures);
    this.graderStats.merge(d.graders);
    if (d.economics) this.economics.merge(d.economics);
    this.nodeStats.merge(d.nodes);
    this.live.merge(d.live);
  }

  /** The figures so far, for the live endpoint: cheap to read on every scrape (no percentile, no encoding). */
  liveView(): LiveVariantView {
    return { counts: this.c, errorKinds: this.errorKinds, delayedSends: this.stream.delayedSends(), graders: this.graderStats.tallyView(), buckets: this.live };
  }

  /**
   * `activeSeconds`: the time the load ran, when the variant's own span (first start to last end) is
   * not it: a resumed run's span also covers the pauses between its sessions.
   */
  summary(activeSeconds?: number): VariantSummary {
    const c = this.c;
    const span = activeSeconds ?? (this.lastEnd - this.firstStart) / 1000;
    const nodes = this.nodeStats.summary();
    return {
      requests: c.requests,
      ok: c.ok,
      errors: c.requests - c.ok,
      errorKinds: { ...this.errorKinds },
      retries: c.retries,
      rateLimited: c.rateLimited,
      latencyMs: summarize(this.h.latency),
      ttftMs: summarize(this.h.ttft),
      ttfbMs: summarize(this.h.ttfb),
      itlMs: summarize(this.h.itl),
      queueMs: summarize(this.h.queue),
      rps: c.requests > 0 && span > 0 ? Math.round((c.ok / span) * 1000) / 1000 : null,
      ...this.stream.summary(span),
      ...this.failures.summary(),
      ...this.graderStats.summary(),
      ...this.economics.summary(c.requests, c.graded > 0 ? c.passed : c.ok, span),
      grades: {
        graded: c.graded,
        passed: c.passed,
        failed: c.graded - c.passed,
        graderErrors: c.graderErrors,
        passRate: c.graded ? c.passed / c.graded : null,
        meanScore: c.graded ? this.scoreSum.value() / c.graded : null,
      },
      metadataFetched: c.metadataFetched,
      feedbackPosted: c.feedbackPosted,
      feedbackFailed: c.feedbackFailed,
      metadataMetrics: Object.fromEntries([...this.fieldValues].filter(([, vs]) => vs.count > 0).map(([k, vs]) => [k, numericSummary(vs)])),
      histograms: {
        latency: encodeHistogram(this.h.latency),
        ttft: encodeHistogram(this.h.ttft),
        ttfb: encodeHistogram(this.h.ttfb),
        itl: encodeHistogram(this.h.itl),
      },
      harnessStalls: { results: c.harnessStalls, maxMs: this.harnessStallMaxMs },
      ...(nodes.length > 0 && { nodes }),
    };
  }
}

function numericSummary(values: BoundedValues): MetadataMetric {
  const v = values.view()!; // a field is listed once it has a value
  return { count: v.count, sum: v.sum, mean: v.sum / v.count, p50: nearestRank(v.sorted, 50), p95: nearestRank(v.sorted, 95), max: v.max };
}
