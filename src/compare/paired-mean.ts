// Paired difference of means (e.g. per-row grader scores): the paired t interval and test.
import { tQuantileTwoSided, tTwoSidedP } from './distributions.js';

export interface PairedMeanResult {
  n: number;
  meanBaseline: number;
  meanCandidate: number;
  /** Mean of candidate − baseline over the pairs. */
  diff: number;
  low: number;
  high: number;
  pValue: number;
}

/** Paired t on candidate − baseline. Needs two pairs; identical pairs give a zero-width interval and p = 1. */
export function pairedMeanDiff(baseline: ArrayLike<number>, candidate: ArrayLike<number>, level = 0.95): PairedMeanResult | null {
  const n = baseline.length;
  if (n !== candidate.length) throw new RangeError('pairedMeanDiff: both sides need the same number of pairs');
  if (n < 2) return null;
  let sb = 0;
  let sc = 0;
  for (let i = 0; i < n; i++) {
    sb += baseline[i]!;
    sc += candidate[i]!;
  }
  const diff = (sc - sb) / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (candidate[i]! - baseline[i]! - diff) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  if (se === 0) return { n, meanBaseline: sb / n, meanCandidate: sc / n, diff, low: diff, high: diff, pValue: diff === 0 ? 1 : 0 };
  const half = tQuantileTwoSided(level, n - 1) * se;
  return { n, meanBaseline: sb / n, meanCandidate: sc / n, diff, low: diff - half, high: diff + half, pValue: tTwoSidedP(diff / se, n - 1) };
}
