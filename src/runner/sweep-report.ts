// Per-step figures of a sweep, its sustainable rate and its verdict: each step's variants summarised and
// checked against the suite's thresholds (or, without thresholds, an error rate under 1 %).
import { peakGoodputRate, sustainableRate } from '../load/models/sweep.js';
import { evaluateThresholds, isHarnessMetric, type ParsedThreshold, type ThresholdResult } from '../metrics/thresholds.js';
import type { VariantStats } from '../metrics/variant-stats.js';
import type { SweepReport, SweepStep, SweepVerdict } from '../report/run-parts.js';
import type { StepRun } from './drive-load.js';

export type { SweepReport, SweepStep, SweepStepVariant, SweepVerdict } from '../report/run-parts.js';

const DEFAULT_RULE: ParsedThreshold = { metric: 'error_rate', op: '<', limit: 0.01 };
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * `thresholds` may hold the implicit max_error_rate rule: each step is held to it beside the suite's own
 * (so fast errors are never a sustainable rate), unless the suite has none of its own.
 */
export function sweepReport(
  runs: StepRun[],
  stepStats: VariantStats[][],
  names: string[],
  thresholds: ParsedThreshold[],
  stepDurationMs: number,
  minRate: number | null = null,
  by: 'thresholds' | 'goodput' = 'thresholds',
): SweepReport {
  // The harness's own figures belong to the whole run, not to a step: its thresholds are checked once, on the run.
  const own = thresholds.filter((t) => !isHarnessMetric(t.metric));
  const named = own.filter((t) => !t.implicit);
  const rules = named.length > 0 ? own : [DEFAULT_RULE];
  const implicit = rules.find((t) => t.implicit);
  const steps = runs.map((run, i): SweepStep => {
    const summaries = (stepStats[i] ?? []).map((s, k) => ({ name: names[k]!, summary: s.summary() }));
    const results = evaluateThresholds(rules, summaries);
    // A step that the cap stretched past its duration completed its requests over the longer span.
    const seconds = Math.max(stepDurationMs, run.endAt - run.startAt) / 1000;
    const okPerSecond = (ok: number) => round3(ok / seconds);
    return {
      rate: run.rate,
      sentRps: round3(run.sent / (stepDurationMs / 1000)),
      completedRps: okPerSecond(summaries.reduce((a, s) => a + s.summary.ok, 0)),
      durationMs: stepDurationMs,
      variants: summaries.map(({ name, summary: v }) => ({
        name,
        requests: v.requests,
        ok: v.ok,
        errors: v.errors,
        errorRate: v.requests ? v.errors / v.requests : null,
        rps: v.requests ? okPerSecond(v.ok) : null,
        ttftMs: v.ttftMs,
        latencyMs: v.latencyMs,
        // Over the step, as rps: a variant's own span is not the step's.
        ...(v.goodput && { goodput: { ...v.goodput, rps: okPerSecond(v.goodput.good) } }),
      })),
      ...(summaries.some((s) => s.summary.goodput) && { goodputRps: okPerSecond(summaries.reduce((a, s) => a + (s.summary.goodput?.good ?? 0), 0)) }),
      thresholds: results,
      // A step none of whose requests landed met nothing (every() of nothing would say it did).
      thresholdsOk: results.length > 0 && results.every((t) => t.ok),
    };
  });
  const criterion =
    named.length === 0
      ? 'error_rate < 1% (the suite has no thresholds)'
      : implicit
        ? `the suite's thresholds and max_error_rate ${implicit.limit}`
        : "the suite's thresholds";
  const found =
    by === 'goodput'
      ? { sustainableRate: peakGoodputRate(steps), criterion: 'the highest goodput (sweep.by: goodput)' }
      : { sustainableRate: sustainableRate(steps), criterion };
  const min = minRate ?? null; // a suite built by hand (library use) may leave minRate out
  return { steps, ...found, minRate: min, verdict: sweepVerdict(found, min) };
}

/**
 * A sweep does its job when it finds a sustainable rate (at least `minRate` when set): its top step is
 * expected to break the thresholds, so that is no failure; no step meeting them is.
 */
export function sweepVerdict(sweep: Pick<SweepReport, 'sustainableRate' | 'criterion'>, minRate: number | null): SweepVerdict {
  const found = sweep.sustainableRate;
  if (found === null) return { ok: false, reason: `no sweep step met ${sweep.criterion}` };
  if (minRate !== null && found < minRate) return { ok: false, reason: `sustainable rate ${found} req/s is below sweep.min_rate ${minRate} req/s` };
  return { ok: true, reason: `sustainable rate ${found} req/s${minRate === null ? '' : ` (sweep.min_rate ${minRate} req/s)`}` };
}

/**
 * Whether the thresholds let the run pass. A sweep is judged by its own verdict: the whole-run results
 * (top step included) are reported but do not fail it, except the harness's own, which are the run's.
 */
export function thresholdsPass(sweep: SweepReport | null, results: readonly ThresholdResult[]): boolean {
  if (sweep === null) return results.every((t) => t.ok);
  return sweep.verdict.ok && results.every((t) => t.ok || !isHarnessMetric(t.metric));
}
