// Accumulates results per variant cheaply (add per result, percentiles once at the end), like vegeta's Metrics.
import type { ResultRecord } from '../worker/messages.js';
import { encodeHistogram, newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';
import { GraderStats, type GraderBreakdown } from './grader-stats.js';
import { StreamStats, type StreamSummary } from './stream-stats.js';
import { interTokenLatencies } from './timings.js';

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

export interface VariantSummary extends StreamSummary, GraderBreakdown {
  requests: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  retries: number;
  /** Requests that met HTTP 429 at least once (retried or final). */
  rateLimited: number;
  latencyMs: MetricSummary | null;
  ttftMs: MetricSummary | null;
  ttfbMs: MetricSummary | null;
  itlMs: MetricSummary | null;
  queueMs: MetricSummary | null;
  /** Completed requests per second over the variant's active span (first start to last end). */
  rps: number | null;
  grades: GradeSummary;
  metadataFetched: number;
  feedbackPosted: number;
  feedbackFailed: number;
  metadataMetrics: Record<string, MetadataMetric>;
  histograms: Record<TimingMetric, string>;
}

export class VariantStats {
  private readonly h: Record<TimingMetric | 'queue', Histogram> = {
    latency: newHistogram(), ttft: newHistogram(), ttfb: newHistogram(), itl: newHistogram(), queue: newHistogram(),
  };
  private requests = 0;
  private ok = 0;
  private retries = 0;
  private rateLimited = 0;
  private readonly errorKinds: Record<string, number> = {};
  private graded = 0;
  private passed = 0;
  private graderErrors = 0;
  private scoreSum = 0;
  private metadataFetched = 0;
  private feedbackPosted = 0;
  private feedbackFailed = 0;
  private firstStart = Infinity;
  private lastEnd = -Infinity;
  /** Numeric metadata fields: values kept per field (one number per request, small). */
  private readonly fieldValues = new Map<string, number[]>();
  /** Service time, send lag, output tokens, TPOT, token throughput. */
  private readonly stream = new StreamStats();
  /** Per-grader tallies and judge calls (kept out of the timing histograms). */
  private readonly graderStats = new GraderStats();

  add(r: ResultRecord): void {
    this.requests++;
    this.stream.add(r);
    this.graderStats.add(r);
    this.retries += r.attempts - 1;
    if (r.error?.kind === 'http_429' || r.retriedOn?.includes('http_429')) this.rateLimited++;
    this.firstStart = Math.min(this.firstStart, r.timestamps.scheduled);
    this.lastEnd = Math.max(this.lastEnd, r.timestamps.end);
    if (r.ok) {
      this.ok++;
      recordMs(this.h.latency, r.latencyMs);
      if (r.ttftMs !== null) recordMs(this.h.ttft, r.ttftMs);
      if (r.ttfbMs !== null) recordMs(this.h.ttfb, r.ttfbMs);
      for (const gap of interTokenLatencies(r.timestamps.contentFrames)) recordMs(this.h.itl, gap);
    } else if (r.error) {
      this.errorKinds[r.error.kind] = (this.errorKinds[r.error.kind] ?? 0) + 1;
    }
    recordMs(this.h.queue, r.queueMs);
    if (r.pass !== null) {
      this.graded++;
      if (r.pass) this.passed++;
      this.scoreSum += r.score ?? 0;
      if (r.grades.some((g) => g.error)) this.graderErrors++;
    }
    if (r.metadata !== null) this.metadataFetched++;
    if (r.feedback && !r.feedback.dryRun) r.feedback.posted ? this.feedbackPosted++ : this.feedbackFailed++;
    for (const [name, v] of Object.entries(r.metadataFields ?? {})) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      let list = this.fieldValues.get(name);
      if (!list) this.fieldValues.set(name, (list = []));
      list.push(v);
    }
  }

  summary(): VariantSummary {
    const span = (this.lastEnd - this.firstStart) / 1000;
    return {
      requests: this.requests,
      ok: this.ok,
      errors: this.requests - this.ok,
      errorKinds: { ...this.errorKinds },
      retries: this.retries,
      rateLimited: this.rateLimited,
      latencyMs: summarize(this.h.latency),
      ttftMs: summarize(this.h.ttft),
      ttfbMs: summarize(this.h.ttfb),
      itlMs: summarize(this.h.itl),
      queueMs: summarize(this.h.queue),
      rps: this.requests > 0 && span > 0 ? Math.round((this.ok / span) * 1000) / 1000 : null,
      ...this.stream.summary(span),
      ...this.graderStats.summary(),
      grades: {
        graded: this.graded,
        passed: this.passed,
        failed: this.graded - this.passed,
        graderErrors: this.graderErrors,
        passRate: this.graded ? this.passed / this.graded : null,
        meanScore: this.graded ? this.scoreSum / this.graded : null,
      },
      metadataFetched: this.metadataFetched,
      feedbackPosted: this.feedbackPosted,
      feedbackFailed: this.feedbackFailed,
      metadataMetrics: Object.fromEntries([...this.fieldValues].map(([k, vs]) => [k, numericSummary(vs)])),
      histograms: {
        latency: encodeHistogram(this.h.latency),
        ttft: encodeHistogram(this.h.ttft),
        ttfb: encodeHistogram(this.h.ttfb),
        itl: encodeHistogram(this.h.itl),
      },
    };
  }
}

function numericSummary(values: number[]): MetadataMetric {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { count: sorted.length, sum, mean: sum / sorted.length, p50: at(50), p95: at(95), max: sorted[sorted.length - 1]! };
}
