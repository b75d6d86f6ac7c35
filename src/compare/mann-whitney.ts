// Mann-Whitney U test of two independent samples: exact for small untied samples, otherwise the
// normal approximation with tie and continuity corrections.
import { normalTwoSidedP } from './distributions.js';
import type { WeightedSample } from './weighted-sample.js';

export interface MannWhitneyResult {
  /** U of the candidate: pairs where the candidate's value is larger, ties counting one half. */
  u: number;
  /** Standardised U (continuity-corrected); 0 when exact or when every value is tied. */
  z: number;
  pValue: number;
  exact: boolean;
  nBaseline: number;
  nCandidate: number;
}

/** Exact distribution is used when there are no ties and both samples are at most this size. */
const EXACT_MAX = 25;

/** Counts of arrangements with each U for sizes (m, n): f(i,j,u) = f(i−1,j,u−j) + f(i,j−1,u). */
function exactDistribution(m: number, n: number): Float64Array {
  // f[j] holds the polynomial for (i, j) as i advances; one row of polynomials at a time.
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const poly = new Float64Array(i * j + 1);
      const a = prev[j]!; // (i-1, j), shifted by j
      for (let u = 0; u < a.length; u++) poly[u + j]! += a[u]!;
      const b = cur[j - 1]!; // (i, j-1)
      for (let u = 0; u < b.length; u++) poly[u]! += b[u]!;
      cur.push(poly);
    }
    prev = cur;
  }
  return prev[n]!;
}

export function mannWhitney(baseline: WeightedSample, candidate: WeightedSample): MannWhitneyResult | null {
  const n1 = baseline.total;
  const n2 = candidate.total;
  if (n1 === 0 || n2 === 0) return null;
  // Merge the two sorted distinct-value lists; each tie group gets the mean of its ranks.
  let i = 0;
  let j = 0;
  let rank = 0;
  let rankSumCand = 0;
  let tieTerm = 0;
  let ties = false;
  while (i < baseline.values.length || j < candidate.values.length) {
    const vb = i < baseline.values.length ? baseline.values[i]! : Infinity;
    const vc = j < candidate.values.length ? candidate.values[j]! : Infinity;
    const v = Math.min(vb, vc);
    const kb = vb === v ? baseline.counts[i++]! : 0;
    const kc = vc === v ? candidate.counts[j++]! : 0;
    const t = kb + kc;
    const mid = rank + (t + 1) / 2;
    rankSumCand += kc * mid;
    rank += t;
    if (t > 1) {
      ties = true;
      tieTerm += t * t * t - t;
    }
  }
  const u = rankSumCand - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  if (!ties && n1 <= EXACT_MAX && n2 <= EXACT_MAX) {
    const dist = exactDistribution(n2, n1);
    const total = dist.reduce((a, b) => a + b, 0);
    let le = 0;
    let ge = 0;
    dist.forEach((c, k) => {
      if (k <= u) le += c;
      if (k >= u) ge += c;
    });
    return { u, z: 0, pValue: Math.min(1, (2 * Math.min(le, ge)) / total), exact: true, nBaseline: n1, nCandidate: n2 };
  }
  const N = n1 + n2;
  const variance = ((n1 * n2) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return { u, z: 0, pValue: 1, exact: false, nBaseline: n1, nCandidate: n2 };
  const dev = Math.abs(u - mean);
  const z = (Math.sign(u - mean) * Math.max(0, dev - 0.5)) / Math.sqrt(variance);
  return { u, z, pValue: normalTwoSidedP(z), exact: false, nBaseline: n1, nCandidate: n2 };
}
