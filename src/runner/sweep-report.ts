// Per-step figures of a sweep and its sustainable rate: each step's variants summarised and checked
// against the suite's thresholds (or, without thresholds, an error rate under 1 %).
import { sustainableRate } from '../load/model.js';
import type { MetricSummary } from '../metrics/histogram.js';
import { evaluateThresholds, isHarnessMetric, type ParsedThreshold, type ThresholdResult } from '../metrics/thresholds.js';
import type { VariantStats } from '../metrics/variant-stats.js';
import type { StepRun } from './drive-load.js';

export interface SweepStepVariant {
  name: string;
  requests: number;
  ok: number;
  errors: number;
  errorRate: number | null;
  /** Successful requests per second over the step (achieved throughput). */
  rps: number | null;
  ttftMs: MetricSummary | null;
  latencyMs: MetricSummary | null;
}

export interface SweepStep {
  /** Target rate, requests/s. */
  rate: number;
  /** Requests started per second of the step (the achieved send rate). */
  sentRps: number;
  durationMs: number;
  variants: SweepStepVariant[];
  thresholds: ThresholdResult[];
  thresholdsOk: boolean;
}

export interface SweepReport {
  steps: SweepStep[];
  /** Highest step rate that met every threshold (requests/s), or null. */
  sustainableRate: number | null;
  /** What "met" meant: the suite's thresholds, or the default error-rate rule. */
  criterion: string;
}

const DEFAULT_RULE: ParsedThreshold = { metric: 'error_rate', op: '<', limit: 0.01 };

export function sweepReport(runs: StepRun[], stepStats: VariantStats[][], names: string[], thresholds: ParsedThreshold[], stepDurationMs: number): SweepReport {
  // The harness's own figures belong to the whole run, not to a step: its thresholds are checked once, on the run.
  const own = thresholds.filter((t) => !isHarnessMetric(t.metric));
  const rules = own.length > 0 ? own : [DEFAULT_RULE];
  const steps = runs.map((run, i): SweepStep => {
    const summaries = (stepStats[i] ?? []).map((s, k) => ({ name: names[k]!, summary: s.summary() }));
    const results = evaluateThresholds(rules, summaries);
    return {
      rate: run.rate,
      sentRps: Math.round((run.started / (stepDurationMs / 1000)) * 1000) / 1000,
      durationMs: stepDurationMs,
      variants: summaries.map(({ name, summary: v }) => ({
        name, requests: v.requests, ok: v.ok, errors: v.errors,
        errorRate: v.requests ? v.errors / v.requests : null,
        rps: v.rps, ttftMs: v.ttftMs, latencyMs: v.latencyMs,
      })),
      thresholds: results,
      thresholdsOk: results.every((t) => t.ok),
    };
  });
  return {
    steps,
    sustainableRate: sustainableRate(steps),
    criterion: thresholds.length > 0 ? 'the suite\'s thresholds' : 'error_rate < 1% (the suite has no thresholds)',
  };
}
