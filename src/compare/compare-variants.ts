// One comparison: a candidate variant against a baseline variant — metrics with intervals and tests,
// rank tests, flipped rows and regression gates. Pairs rows when both sides have them.
import type { VariantSummary } from '../metrics/variant-stats.js';
import { collectFlips, FLIP_LIMIT } from './flips.js';
import { evaluateGate, type Gate } from './gates.js';
import { metricList, type SideFacts } from './metric-list.js';
import type { RowOutcome } from './outcomes.js';
import { pairedMetrics } from './paired-metrics.js';
import { CLUSTER_NOTE } from './repeat-clusters.js';
import { summaryMetrics } from './summary-metrics.js';
import type { Comparison } from './types.js';

export const DEFAULT_ALPHA = 0.05;
/** The bootstrap's seed unless one is given: comparisons of the same data always print the same intervals. */
export const DEFAULT_SEED = 42;

export interface VariantSide {
  name: string;
  /** null = this run; else the saved run's folder or report.json. */
  source: string | null;
  summary: VariantSummary;
  /** Per-row outcomes, or null when only report.json is available. */
  rows: Map<string, RowOutcome> | null;
  /** results.jsonl holding this variant's records (for the flipped rows' outputs). */
  resultsPath: string | null;
}

export interface CompareOptions {
  alpha?: number;
  gates?: readonly Gate[];
  /** Metrics to include besides the default set (threshold names). */
  metrics?: readonly string[];
  seed?: number;
  resamples?: number;
  flipLimit?: number;
}

function facts(s: VariantSummary): SideFacts {
  const timings = new Set<string>();
  if (s.ttftMs) timings.add('ttft');
  if (s.latencyMs) timings.add('latency');
  return {
    graded: s.grades.graded > 0,
    timings,
    metadata: Object.keys(s.metadataMetrics ?? {}),
    costed: (s.cost?.results ?? 0) > 0,
    nodes: (s.nodes ?? []).map((n) => n.node),
  };
}

export async function compareVariants(base: VariantSide, cand: VariantSide, opts: CompareOptions = {}): Promise<Comparison> {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const level = 1 - alpha;
  const seed = opts.seed ?? DEFAULT_SEED;
  const gates = opts.gates ?? [];
  const metrics = metricList([facts(base.summary), facts(cand.summary)], [...(opts.metrics ?? []), ...gates.map((g) => g.metric)]);
  const seedKey = `${seed}:${base.name}:${cand.name}`;
  const common = {
    baseSummary: base.summary,
    candSummary: cand.summary,
    level,
    seed: seedKey,
    ...(opts.resamples !== undefined && { resamples: opts.resamples }),
  };
  const paired = base.rows !== null && cand.rows !== null;
  const result = paired
    ? pairedMetrics(metrics, { ...common, base: base.rows!, cand: cand.rows! })
    : { ...summaryMetrics(metrics, common), pairs: 0, flipped: null, mismatched: 0, clusteredRepeats: 0 };
  const warnings: string[] = [];
  if (result.mismatched > 0) {
    warnings.push(
      `${result.mismatched} of ${result.pairs} paired rows were sent different inputs: the runs did not use the same dataset rows in the same order, so pairing by row compares different questions`,
    );
  }
  if (paired && result.pairs === 0) warnings.push('no row was answered by both sides: nothing could pair');
  if (!paired && (base.summary.repeats || cand.summary.repeats)) {
    warnings.push(
      "the rows were repeated, but without results.jsonl on both sides a row's repeats cannot be clustered: the counts treat every repeat as an independent row, so the intervals are too narrow",
    );
  }

  let flips: Comparison['flips'] = null;
  if (result.flipped && base.resultsPath && cand.resultsPath && base.summary.grades.graded + cand.summary.grades.graded > 0) {
    flips = await collectFlips(
      result.flipped,
      { path: base.resultsPath, variant: base.name },
      { path: cand.resultsPath, variant: cand.name },
      opts.flipLimit ?? FLIP_LIMIT,
    );
  }
  const gateResults = gates.map((g) =>
    evaluateGate(
      g,
      result.metrics.find((m) => m.metric === g.metric),
      alpha,
    ),
  );
  return {
    variant: cand.name,
    baseline: base.name,
    baselineRun: base.source,
    candidateRun: cand.source,
    paired,
    pairs: result.pairs,
    alpha,
    confidence: level,
    bootstrap: { resamples: result.resamples, seed },
    metrics: result.metrics,
    shifts: result.shifts,
    flips,
    gates: gateResults,
    ...(result.clusteredRepeats > 1 && { clustered: { repeats: result.clusteredRepeats, rows: result.pairs, note: CLUSTER_NOTE } }),
    warnings,
    verdict: gateResults.some((g) => g.fired) ? 'fail' : 'pass',
  };
}
