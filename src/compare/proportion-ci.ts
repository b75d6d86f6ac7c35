// Confidence intervals for proportions and their differences: Wilson score intervals and Newcombe's
// hybrid score intervals (method 10) for independent and for paired proportions.
import { normalQuantile, normalTwoSidedP } from './distributions.js';
import type { PairedTable } from './mcnemar.js';

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for k successes out of n at the given confidence level. */
export function wilson(k: number, n: number, level = 0.95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  return { low: Math.max(0, (centre - half) / denom), high: Math.min(1, (centre + half) / denom) };
}

/**
 * Newcombe (1998, Stat Med 17:873) method 10: CI for p2 − p1 of two independent proportions
 * k1/n1 (baseline) and k2/n2 (candidate), from the two Wilson intervals.
 */
export function newcombeIndependent(k1: number, n1: number, k2: number, n2: number, level = 0.95): Interval {
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const w1 = wilson(k1, n1, level);
  const w2 = wilson(k2, n2, level);
  const d = p2 - p1;
  return {
    low: d - Math.sqrt((p2 - w2.low) ** 2 + (w1.high - p1) ** 2),
    high: d + Math.sqrt((w2.high - p2) ** 2 + (p1 - w1.low) ** 2),
  };
}

/**
 * Newcombe (1998, Stat Med 17:2635) method 10: CI for the paired difference p2 − p1, where
 * p1 = (a + b)/n is the baseline's rate and p2 = (a + c)/n the candidate's; the Wilson intervals of
 * both margins are combined with the correlation φ of the pairs.
 */
export function newcombePaired(t: PairedTable, level = 0.95): Interval {
  const n = t.a + t.b + t.c + t.d;
  if (n === 0) return { low: -1, high: 1 };
  const k1 = t.a + t.b;
  const k2 = t.a + t.c;
  const p1 = k1 / n;
  const p2 = k2 / n;
  const w1 = wilson(k1, n, level);
  const w2 = wilson(k2, n, level);
  const denom = Math.sqrt((t.a + t.b) * (t.c + t.d) * (t.a + t.c) * (t.b + t.d));
  // Newcombe's φ̂: a positive ad − bc is shrunk by n/2 (never below 0), as in his method 10.
  const cross = t.a * t.d - t.b * t.c;
  const phi = denom === 0 ? 0 : (cross > n / 2 ? cross - n / 2 : Math.min(cross, 0)) / denom;
  // Newcombe's formulas are for θ = p1 − p2; the candidate-minus-baseline interval is its mirror.
  const theta = p1 - p2;
  const dl = (p1 - w1.low) ** 2 - 2 * phi * (p1 - w1.low) * (w2.high - p2) + (w2.high - p2) ** 2;
  const du = (w1.high - p1) ** 2 - 2 * phi * (w1.high - p1) * (p2 - w2.low) + (p2 - w2.low) ** 2;
  const low = theta - Math.sqrt(Math.max(0, dl));
  const high = theta + Math.sqrt(Math.max(0, du));
  return { low: Math.max(-1, -high), high: Math.min(1, -low) };
}

/** Two-sided p of the pooled two-proportion z test (independent samples). */
export function twoProportionP(k1: number, n1: number, k2: number, n2: number): number {
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  return normalTwoSidedP((k2 / n2 - k1 / n1) / se);
}
