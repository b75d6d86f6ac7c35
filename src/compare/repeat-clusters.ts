// A row's repeats (suite `repeat: N`) as one unit of a paired comparison: the N outcomes of a variant's
// row become one outcome whose pass and error shares, mean score and median timings the paired tests
// use, so n counts rows, not N times as many requests that are not independent.
import type { RowOutcome } from './outcomes.js';

export const CLUSTER_NOTE = 'repeats clustered per row (n = rows)';

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);

/**
 * One outcome for a row's repeats. `pass` is the majority verdict (null on a tie or when nothing was
 * graded): it decides flips only; pass_rate is tested on `cluster.passShare`.
 */
export function clusterOutcomes(list: readonly RowOutcome[]): RowOutcome {
  const graded = present(list.map((o) => o.pass));
  const passes = graded.filter(Boolean).length;
  const passShare = graded.length ? passes / graded.length : null;
  const scores = present(list.map((o) => o.score));
  let meta: Record<string, number> | null = null;
  for (const name of new Set(list.flatMap((o) => Object.keys(o.meta ?? {})))) {
    const m = median(present(list.map((o) => o.meta?.[name] ?? null)));
    if (m !== null) (meta ??= {})[name] = m;
  }
  const out: RowOutcome = {
    ok: list.every((o) => o.ok),
    pass: passShare === null || passShare === 0.5 ? null : passShare > 0.5,
    score: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    // Failed repeats have no timings, as in the histograms: the median of the successful ones.
    ttft: median(present(list.map((o) => o.ttft))),
    latency: median(present(list.map((o) => o.latency))),
    ttfb: median(present(list.map((o) => o.ttfb))),
    meta,
    cluster: { repeats: list.length, passShare, errorShare: list.filter((o) => !o.ok).length / list.length },
  };
  if (list[0]?.inputs !== undefined) out.inputs = list[0].inputs;
  return out;
}

/** A row's pass share (a single result: 1 or 0), or null when nothing was graded. */
export const passShareOf = (o: RowOutcome): number | null => (o.cluster ? o.cluster.passShare : o.pass === null ? null : o.pass ? 1 : 0);

/** A row's share of failed requests (a single result: 1 or 0). */
export const errorShareOf = (o: RowOutcome): number => (o.cluster ? o.cluster.errorShare : o.ok ? 0 : 1);
