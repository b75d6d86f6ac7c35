// McNemar's exact test on paired pass/fail outcomes: only the discordant pairs carry information.
import { binomialHalfCdf } from './distributions.js';

/** A paired 2×2 table: a both pass, b baseline passes and candidate fails, c the reverse, d both fail. */
export interface PairedTable {
  a: number;
  b: number;
  c: number;
  d: number;
}

/**
 * Exact conditional McNemar test, two-sided: given b + c discordant pairs, b ~ Binomial(b + c, 1/2)
 * under "no difference"; p = 2 · P(X <= min(b, c)), capped at 1. With no discordant pair p = 1.
 */
export function mcnemarExact(t: PairedTable): number {
  const n = t.b + t.c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(t.b, t.c), n));
}

/** Builds the table from paired booleans (baseline, candidate). */
export function pairedTable(pairs: Iterable<readonly [boolean, boolean]>): PairedTable {
  const t = { a: 0, b: 0, c: 0, d: 0 };
  for (const [base, cand] of pairs) {
    if (base && cand) t.a++;
    else if (base) t.b++;
    else if (cand) t.c++;
    else t.d++;
  }
  return t;
}
