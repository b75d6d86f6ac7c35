// Metrics of two variants whose rows cannot pair (a saved report.json without results.jsonl): counts give
// independent-proportion intervals, the HDR histograms give an independent bootstrap and Mann-Whitney.
import { histogramValues } from '../metrics/histogram.js';
import type { TimingMetric, VariantSummary } from '../metrics/variant-stats.js';
import { bootstrapIndependentDiff } from './bootstrap.js';
import { mannWhitney } from './mann-whitney.js';
import { splitMetric, statisticOf } from './metric-list.js';
import { metricRow, NOTE, untestedNote, valuesOnly } from './metric-row.js';
import { newcombeIndependent, twoProportionP } from './proportion-ci.js';
import type { MetricComparison, ShiftTest } from './types.js';
import { fromCounts, type Statistic, type WeightedSample } from './weighted-sample.js';

export interface SummaryInput {
  baseSummary: VariantSummary;
  candSummary: VariantSummary;
  level: number;
  seed: string;
  resamples?: number;
}

const HIST_FAMILIES = ['latency', 'ttft', 'ttfb'] as const;

function sample(s: VariantSummary, family: TimingMetric): WeightedSample | null {
  const b64 = s.histograms?.[family];
  if (!b64) return null;
  const x = fromCounts(histogramValues(b64));
  return x.total ? x : null;
}

function proportion(metric: string, kb: number, nb: number, kc: number, nc: number, level: number): MetricComparison {
  const n = { baseline: nb, candidate: nc, pairs: null };
  if (!nb || !nc)
    return metricRow(
      metric,
      { baseline: nb ? kb / nb : null, candidate: nc ? kc / nc : null },
      { ci: null, test: null, pValue: null },
      n,
      'not measured on both sides',
    );
  return metricRow(
    metric,
    { baseline: kb / nb, candidate: kc / nc },
    { ci: newcombeIndependent(kb, nb, kc, nc, level), test: 'two-proportion-z', pValue: twoProportionP(kb, nb, kc, nc) },
    n,
  );
}

export function summaryMetrics(metrics: readonly string[], input: SummaryInput): { metrics: MetricComparison[]; shifts: ShiftTest[]; resamples: number } {
  const { baseSummary: b, candSummary: c, level } = input;
  const out = { metrics: [] as MetricComparison[], shifts: [] as ShiftTest[], resamples: 0 };
  const boot = new Map<string, ReturnType<typeof bootstrapIndependentDiff>>();
  const stats = new Map<string, Statistic[]>();
  for (const m of metrics) {
    const s = splitMetric(m);
    const stat = s && statisticOf(s.stat);
    if (!s?.timing || stat === null || !(HIST_FAMILIES as readonly string[]).includes(s.family)) continue;
    if (!stats.has(s.family)) stats.set(s.family, []);
    stats.get(s.family)!.push(stat);
  }
  for (const [family, list] of stats) {
    const sb = sample(b, family as TimingMetric);
    const sc = sample(c, family as TimingMetric);
    if (!sb || !sc) continue;
    const r = bootstrapIndependentDiff(sb, sc, list, {
      level,
      seed: `${input.seed}:${family}`,
      ...(input.resamples !== undefined && { resamples: input.resamples }),
    });
    boot.set(family, r);
    if (r) out.resamples = Math.max(out.resamples, r[0]!.resamples);
    const mw = mannWhitney(sb, sc);
    if (mw) out.shifts.push({ metric: family, test: 'mann-whitney', ...mw });
  }
  for (const metric of metrics) {
    if (metric === 'pass_rate') {
      out.metrics.push(proportion(metric, b.grades.passed, b.grades.graded, c.grades.passed, c.grades.graded, level));
      continue;
    }
    if (metric === 'error_rate') {
      out.metrics.push(proportion(metric, b.errors, b.requests, c.errors, c.requests, level));
      continue;
    }
    const s = splitMetric(metric);
    const stat = s && statisticOf(s.stat);
    const r = s && stat !== null ? boot.get(s.family)?.find((x) => x.stat === stat) : undefined;
    if (!s || !r) {
      const note = metric === 'mean_score' || (s && !s.timing) ? NOTE.noRows : untestedNote(metric);
      out.metrics.push(
        valuesOnly(metric, b, c, s?.timing && stat !== null && s.family !== 'itl' && !s.family.startsWith('node:') ? 'not measured on both sides' : note),
      );
      continue;
    }
    const shift = out.shifts.find((x) => x.metric === s.family);
    out.metrics.push(
      metricRow(
        metric,
        { baseline: r.baseline, candidate: r.candidate },
        { ci: { low: r.low, high: r.high }, test: 'bootstrap', pValue: r.pValue },
        { baseline: shift?.nBaseline ?? 0, candidate: shift?.nCandidate ?? 0, pairs: null },
      ),
    );
  }
  return out;
}
