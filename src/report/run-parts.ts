// The parts of report.json that the runner fills in: its sessions, its --start-at moment and a sweep's steps.
// Types only, kept beside report-model.ts so that report/ never imports runner/.
import type { GoodputSummary } from '../metrics/economics-stats.js';
import type { MetricSummary } from '../metrics/histogram.js';
import type { ThresholdResult } from '../metrics/thresholds.js';

/** A session as report.json gives it. */
export interface RunSession {
  startedAt: string;
  /** Null-free: a killed session ends at its last result's end. */
  finishedAt: string;
  /** Measured requests that finished in it (warm-ups left out). */
  requests: number;
  /** From its load clock's start to its load's end, ms. */
  activeMs: number;
}

/** What report.json and run-manifest.json keep: the asked-for moment and the one the load's clock started. */
export interface StartAtRecord {
  requested: string;
  requestedAt: string;
  clockStartedAt: string;
}

export interface SweepStepVariant {
  name: string;
  requests: number;
  ok: number;
  errors: number;
  errorRate: number | null;
  /** Successful requests per second over the step (see SweepStep.completedRps). */
  rps: number | null;
  ttftMs: MetricSummary | null;
  latencyMs: MetricSummary | null;
  /** With `goodput:`: the step's good requests, their share and rate (absent in older reports). */
  goodput?: GoodputSummary | null;
}

export interface SweepStep {
  /** Target rate, requests/s. */
  rate: number;
  /** Achieved send rate: requests that left within the step's duration, per second of it. */
  sentRps: number;
  /** Completion rate: successful requests per second, over the step's duration or up to its last response when that came later. */
  completedRps: number;
  durationMs: number;
  variants: SweepStepVariant[];
  thresholds: ThresholdResult[];
  thresholdsOk: boolean;
  /** With `goodput:`: good requests of every variant per second over the step (as completedRps). */
  goodputRps?: number | null;
}

export interface SweepVerdict {
  ok: boolean;
  reason: string;
}

export interface SweepReport {
  steps: SweepStep[];
  /** Highest step rate that met every threshold (requests/s), or null. */
  sustainableRate: number | null;
  /** What "met" meant: the suite's thresholds, or the default error-rate rule. */
  criterion: string;
  /** `sweep.min_rate`, requests/s (a shard's share of it), or null. */
  minRate: number | null;
  /** The sweep's own verdict (sweepVerdict): the run's thresholds over all steps are not it. */
  verdict: SweepVerdict;
}
