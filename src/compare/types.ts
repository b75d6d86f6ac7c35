// The shape of a comparison in report.json (`comparisons[]`): one candidate variant against a baseline.
import type { MannWhitneyResult } from './mann-whitney.js';

/** How a difference was tested. */
export type TestName = 'mcnemar-exact' | 'two-proportion-z' | 'paired-t' | 'bootstrap-paired' | 'bootstrap' | null;

export interface MetricComparison {
  /** The threshold-style metric name, e.g. pass_rate, ttft_p95_ms, tokens_mean. */
  metric: string;
  unit: 'ratio' | 'score' | 'ms' | 'req/s' | 'USD' | '';
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline, in the metric's unit (a ratio difference is in [−1, 1]). */
  diff: number | null;
  /** diff / |baseline|, null when the baseline is 0 or missing. */
  relDiff: number | null;
  /** Confidence interval of diff at `Comparison.confidence`; null when it cannot be estimated. */
  ci: { low: number; high: number } | null;
  test: TestName;
  /** Two-sided p of "no difference"; null when untested. */
  pValue: number | null;
  /** Observations behind each side, and pairs when the test paired rows. */
  n: { baseline: number; candidate: number; pairs: number | null };
  /** Why there is no interval or test, when there is none. */
  note?: string;
}

/** A rank test of a whole distribution (timings, numeric metadata). */
/** A Mann-Whitney U test on one metric (u: the candidate's U; n1·n2/2 means no shift). */
export interface ShiftTest extends MannWhitneyResult {
  metric: string;
  test: 'mann-whitney';
}

export interface FlipSide {
  output: string;
  score: number | null;
  error: string | null;
  /** The reasons of the graders that failed. */
  failed: string[];
}

export interface FlippedRow {
  row: number;
  iteration: number;
  direction: 'pass_to_fail' | 'fail_to_pass';
  inputs: Record<string, unknown>;
  expected: string | null;
  baseline: FlipSide;
  candidate: FlipSide;
}

export interface Flips {
  passToFail: number;
  failToPass: number;
  /** The flipped rows (pass → fail first), at most `Flips.limit`; outputs cut to 2,000 characters. */
  rows: FlippedRow[];
  limit: number;
}

export interface GateResult {
  /** As written in fail_on, e.g. ttft_p95_increase. */
  gate: string;
  metric: string;
  direction: 'increase' | 'decrease';
  /** The limit as written, e.g. "10%", "50ms", 0.02. */
  limit: string;
  /** The limit in the metric's unit, or as a fraction of the baseline when relative. */
  limitValue: number;
  relative: boolean;
  /** The change in the bad direction (positive = worse), in the metric's unit; relChange as a fraction. */
  change: number | null;
  relChange: number | null;
  pValue: number | null;
  ci: { low: number; high: number } | null;
  /** fired = worse by more than the limit AND significant at alpha. */
  status: 'fired' | 'within-limit' | 'not-significant' | 'no-data';
  fired: boolean;
  /** One sentence for people: what changed, by how much, with what evidence. */
  reason: string;
}

export interface Comparison {
  /** The candidate variant. */
  variant: string;
  /** The baseline variant. */
  baseline: string;
  /** Where the baseline came from: null = this run; else the saved run (folder or report.json). */
  baselineRun: string | null;
  /** Where the candidate came from: null = this run (or the NEW side of `flowbench compare`). */
  candidateRun: string | null;
  /** True when rows were paired (results.jsonl on both sides); false = histogram/summary fallback. */
  paired: boolean;
  pairs: number;
  alpha: number;
  /** Confidence level of every interval: 1 − alpha. */
  confidence: number;
  bootstrap: { resamples: number; seed: number };
  metrics: MetricComparison[];
  shifts: ShiftTest[];
  /** Rows whose verdict flipped; null when rows do not pair or nothing is graded. */
  flips: Flips | null;
  gates: GateResult[];
  /**
   * Present when rows carry repeats (suite `repeat`): each row's repeats were one unit of every paired test
   * and interval (pass and error rates: per-row shares; timings: per-row medians), so n is rows.
   */
  clustered?: { repeats: number; rows: number; note: string };
  /** What makes this comparison less trustworthy, said plainly (e.g. paired rows with different inputs). */
  warnings: string[];
  /** fail when a gate fired. */
  verdict: 'pass' | 'fail';
}

/** What the suite (or the command line) asked to compare; kept in report.json so `flowbench compare` can reuse the gates. */
export interface CompareSettings {
  baseline: string;
  alpha: number;
  failOn: Record<string, string | number>;
}
