// Metrics of two variants whose rows pair (same dataset row and iteration): McNemar for pass/fail and
// errors, paired t for scores, a row-block bootstrap and Mann-Whitney for timings and metadata. Rows with
// repeats arrive clustered (repeat-clusters.ts): then pass and error rates are paired t on per-row shares.
import type { VariantSummary } from '../metrics/variant-stats.js';
import { bootstrapPairedDiff, type PairedUnit } from './bootstrap.js';
import { mannWhitney } from './mann-whitney.js';
import { mcnemarExact, pairedTable } from './mcnemar.js';
import { splitMetric, statisticOf } from './metric-list.js';
import { metricRow, untestedNote, valuesOnly } from './metric-row.js';
import type { RowOutcome } from './outcomes.js';
import { pairedMeanDiff } from './paired-mean.js';
import { errorShareOf, passShareOf } from './repeat-clusters.js';
import { newcombePaired } from './proportion-ci.js';
import type { MetricComparison, ShiftTest } from './types.js';
import { fromValues, type Statistic } from './weighted-sample.js';

export interface PairedInput {
  base: Map<string, RowOutcome>;
  cand: Map<string, RowOutcome>;
  baseSummary: VariantSummary;
  candSummary: VariantSummary;
  level: number;
  /** Seed key prefix; each family adds its name, so results do not depend on the metric order. */
  seed: string;
  resamples?: number;
}

export interface PairedOutput {
  metrics: MetricComparison[];
  shifts: ShiftTest[];
  resamples: number;
  pairs: number;
  flipped: { key: string; direction: 'pass_to_fail' | 'fail_to_pass' }[];
  /** Pairs whose two sides were sent different inputs (the runs' datasets differ or were reordered). */
  mismatched: number;
  /** The most repeats clustered into one row on either side (0: no repeats; see repeat-clusters.ts). */
  clusteredRepeats: number;
}

type Family = (o: RowOutcome) => number | null;

function familyOf(name: string): Family {
  if (name === 'ttft' || name === 'latency' || name === 'ttfb') return (o) => o[name];
  if (name.startsWith('node:')) {
    const node = name.slice('node:'.length);
    return (o) => o.nodes?.[node] ?? null;
  }
  return (o) => o.meta?.[name] ?? null;
}

export function pairedMetrics(metrics: readonly string[], input: PairedInput): PairedOutput {
  const { base, cand, level } = input;
  const keys = [...new Set([...base.keys(), ...cand.keys()])];
  const pairs = keys.filter((k) => base.has(k) && cand.has(k));
  const both = pairs.map((k) => [base.get(k)!, cand.get(k)!] as const);
  const out: PairedOutput = { metrics: [], shifts: [], resamples: 0, pairs: pairs.length, flipped: [], mismatched: 0, clusteredRepeats: 0 };
  for (const [b, c] of both) out.clusteredRepeats = Math.max(out.clusteredRepeats, b.cluster?.repeats ?? 0, c.cluster?.repeats ?? 0);
  for (const [b, c] of both) if (b.inputs !== undefined && c.inputs !== undefined && b.inputs !== c.inputs) out.mismatched++;

  const graded = both.filter(([b, c]) => b.pass !== null && c.pass !== null);
  pairs.forEach((k, i) => {
    const [b, c] = both[i]!;
    if (b.pass === null || c.pass === null || b.pass === c.pass) return;
    out.flipped.push({ key: k, direction: b.pass ? 'pass_to_fail' : 'fail_to_pass' });
  });

  // One bootstrap per family (all its statistics at once) and one rank test per family.
  const families = new Map<string, Statistic[]>();
  for (const m of metrics) {
    const s = splitMetric(m);
    const stat = s && statisticOf(s.stat);
    if (!s || stat === null || s.family === 'itl') continue;
    if (!families.has(s.family)) families.set(s.family, []);
    families.get(s.family)!.push(stat);
  }
  const boot = new Map<string, { stat: Statistic; result: ReturnType<typeof bootstrapPairedDiff> }[]>();
  for (const [family, stats] of families) {
    const get = familyOf(family);
    const units: PairedUnit[] = [];
    for (const k of keys) {
      const b = base.get(k);
      const c = cand.get(k);
      const u = [b ? get(b) : null, c ? get(c) : null] as const;
      if (u[0] !== null || u[1] !== null) units.push(u);
    }
    const result = bootstrapPairedDiff(units, stats, {
      level,
      seed: `${input.seed}:${family}`,
      ...(input.resamples !== undefined && { resamples: input.resamples }),
    });
    boot.set(
      family,
      stats.map((stat) => ({ stat, result })),
    );
    if (result) out.resamples = Math.max(out.resamples, result[0]!.resamples);
    const mw = mannWhitney(fromValues(units.flatMap((u) => (u[0] === null ? [] : [u[0]]))), fromValues(units.flatMap((u) => (u[1] === null ? [] : [u[1]]))));
    if (mw) out.shifts.push({ metric: family, test: 'mann-whitney', ...mw });
  }

  for (const metric of metrics) {
    if ((metric === 'pass_rate' || metric === 'error_rate') && out.clusteredRepeats > 0) {
      out.metrics.push(clusteredShare(metric, both, level));
      continue;
    }
    if (metric === 'pass_rate' || metric === 'error_rate') {
      const rows = metric === 'pass_rate' ? graded.map(([b, c]) => [b.pass!, c.pass!] as const) : both.map(([b, c]) => [!b.ok, !c.ok] as const);
      if (!rows.length) {
        out.metrics.push(
          metricRow(metric, { baseline: null, candidate: null }, { ci: null, test: null, pValue: null }, { baseline: 0, candidate: 0, pairs: 0 }, 'no pairs'),
        );
        continue;
      }
      const t = pairedTable(rows);
      const n = rows.length;
      const ci = newcombePaired(t, level);
      out.metrics.push(
        metricRow(
          metric,
          { baseline: (t.a + t.b) / n, candidate: (t.a + t.c) / n },
          { ci, test: 'mcnemar-exact', pValue: mcnemarExact(t) },
          { baseline: n, candidate: n, pairs: n },
        ),
      );
      continue;
    }
    if (metric === 'mean_score') {
      const scored = both.filter(([b, c]) => b.score !== null && c.score !== null);
      const r = pairedMeanDiff(
        scored.map(([b]) => b.score!),
        scored.map(([, c]) => c.score!),
        level,
      );
      const n = { baseline: scored.length, candidate: scored.length, pairs: scored.length };
      out.metrics.push(
        r
          ? metricRow(
              metric,
              { baseline: r.meanBaseline, candidate: r.meanCandidate },
              { ci: { low: r.low, high: r.high }, test: 'paired-t', pValue: r.pValue },
              n,
            )
          : metricRow(metric, { baseline: null, candidate: null }, { ci: null, test: null, pValue: null }, n, 'fewer than two scored pairs'),
      );
      continue;
    }
    const s = splitMetric(metric);
    const stat = s && statisticOf(s.stat);
    const found = s && stat !== null ? boot.get(s.family)?.find((x) => x.stat === stat) : undefined;
    if (!s || !found) {
      out.metrics.push(valuesOnly(metric, input.baseSummary, input.candSummary, untestedNote(metric)));
      continue;
    }
    const r = found.result?.find((x) => x.stat === stat);
    const shift = out.shifts.find((x) => x.metric === s.family);
    const n = { baseline: shift?.nBaseline ?? 0, candidate: shift?.nCandidate ?? 0, pairs: pairs.length };
    out.metrics.push(
      r
        ? metricRow(
            metric,
            { baseline: r.baseline, candidate: r.candidate },
            { ci: { low: r.low, high: r.high }, test: 'bootstrap-paired', pValue: r.pValue },
            n,
          )
        : metricRow(metric, { baseline: null, candidate: null }, { ci: null, test: null, pValue: null }, n, 'not measured on both sides'),
    );
  }
  return out;
}

/**
 * pass_rate or error_rate when rows carry repeats: a paired t on the per-row shares (a row's N verdicts
 * are one observation, not N), n = rows. McNemar needs one binary outcome per side and row.
 */
function clusteredShare(metric: 'pass_rate' | 'error_rate', both: (readonly [RowOutcome, RowOutcome])[], level: number): MetricComparison {
  const shares: [number, number][] = [];
  for (const [b, c] of both) {
    const [x, y] = metric === 'pass_rate' ? [passShareOf(b), passShareOf(c)] : [errorShareOf(b), errorShareOf(c)];
    if (x !== null && y !== null) shares.push([x, y]);
  }
  const n = { baseline: shares.length, candidate: shares.length, pairs: shares.length };
  const r = pairedMeanDiff(
    shares.map((x) => x[0]),
    shares.map((x) => x[1]),
    level,
  );
  if (!r) return metricRow(metric, { baseline: null, candidate: null }, { ci: null, test: null, pValue: null }, n, 'fewer than two paired rows');
  return metricRow(
    metric,
    { baseline: r.meanBaseline, candidate: r.meanCandidate },
    { ci: { low: r.low, high: r.high }, test: 'paired-t', pValue: r.pValue },
    n,
  );
}
