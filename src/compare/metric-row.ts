// Builds one MetricComparison row: units, rounding, and rows that only carry the two values.
import { metricValue } from '../metrics/thresholds.js';
import type { VariantSummary } from '../metrics/variant-stats.js';
import { splitMetric } from './metric-list.js';
import type { MetricComparison, TestName } from './types.js';

export function unitOf(metric: string): MetricComparison['unit'] {
  if (metric === 'pass_rate' || metric === 'error_rate' || REPEAT_METRICS.has(metric)) return 'ratio';
  if (metric === 'mean_score') return 'score';
  if (metric === 'rps') return 'req/s';
  if (metric === 'cost_mean' || metric === 'cost_p95') return 'USD';
  return splitMetric(metric)?.timing ? 'ms' : '';
}

/** Timings keep µs resolution (as the histograms); other numbers are kept as computed. */
const round = (v: number, unit: MetricComparison['unit']) => (unit === 'ms' ? Math.round(v * 1000) / 1000 : v);

export function metricRow(
  metric: string,
  values: { baseline: number | null; candidate: number | null },
  evidence: { ci: { low: number; high: number } | null; test: TestName; pValue: number | null },
  n: MetricComparison['n'],
  note?: string,
): MetricComparison {
  const unit = unitOf(metric);
  const b = values.baseline === null || !Number.isFinite(values.baseline) ? null : values.baseline;
  const c = values.candidate === null || !Number.isFinite(values.candidate) ? null : values.candidate;
  const diff = b === null || c === null ? null : c - b;
  const row: MetricComparison = {
    metric,
    unit,
    baseline: b === null ? null : round(b, unit),
    candidate: c === null ? null : round(c, unit),
    diff: diff === null ? null : round(diff, unit),
    relDiff: diff === null || !b ? null : diff / Math.abs(b),
    ci: evidence.ci && Number.isFinite(evidence.ci.low) ? { low: round(evidence.ci.low, unit), high: round(evidence.ci.high, unit) } : null,
    test: evidence.test,
    pValue: evidence.pValue,
    n,
  };
  if (note) row.note = note;
  return row;
}

/** A metric reported with its two values only (rps, min/max, sums, inter-token latency, …). */
export function valuesOnly(metric: string, base: VariantSummary, cand: VariantSummary, note: string): MetricComparison {
  return metricRow(
    metric,
    { baseline: metricValue(base, metric), candidate: metricValue(cand, metric) },
    { ci: null, test: null, pValue: null },
    { baseline: base.requests, candidate: cand.requests, pairs: null },
    note,
  );
}

/** The repeats' shares (suite `repeat`): one figure per variant, tested through the clustered pass_rate. */
const REPEAT_METRICS = new Set(['pass_at_1', 'pass_all', 'consistency']);

/** Why a metric has no interval, by kind. */
export const NOTE = {
  repeats: "a share of a variant's rows over their repeats: values only (pass_rate above is the paired test)",
  single: 'one number per run: no interval',
  extreme: 'an extreme value: no interval',
  itl: 'gaps within one request are not independent: no interval',
  noRows: 'needs per-row data (results.jsonl) on both sides',
} as const;

export function untestedNote(metric: string): string {
  if (REPEAT_METRICS.has(metric)) return NOTE.repeats;
  if (metric === 'rps') return NOTE.single;
  if (metric.startsWith('itl_')) return NOTE.itl;
  if (/_(min|max)(_ms)?$/.test(metric)) return NOTE.extreme;
  if (/_sum$/.test(metric)) return NOTE.single;
  return NOTE.noRows;
}
