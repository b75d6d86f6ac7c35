// A sample as sorted distinct values with counts: built from raw values (results.jsonl) or from an
// HDR histogram's buckets (report.json), so every statistic below works on either.

export interface WeightedSample {
  /** Distinct values, ascending. */
  values: Float64Array;
  /** How many observations have each value. */
  counts: Float64Array;
  /** Sum of counts. */
  total: number;
}

export function fromValues(raw: ArrayLike<number>): WeightedSample {
  const sorted = Float64Array.from(raw).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (values.length && values[values.length - 1] === v) counts[counts.length - 1]!++;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), total: sorted.length };
}

/** From (value, count) pairs in any order; equal values merge, zero counts are dropped. */
export function fromCounts(pairs: Iterable<{ value: number; count: number }>): WeightedSample {
  const merged = new Map<number, number>();
  for (const { value, count } of pairs) if (count > 0) merged.set(value, (merged.get(value) ?? 0) + count);
  const keys = [...merged.keys()].sort((a, b) => a - b);
  const counts = Float64Array.from(keys.map((k) => merged.get(k)!));
  return { values: Float64Array.from(keys), counts, total: counts.reduce((a, b) => a + b, 0) };
}

/** A statistic of a sample: the mean, or a percentile (0–100) by nearest rank. */
export type Statistic = 'mean' | number;

/**
 * Evaluates statistics on counts over `values` (counts may be a resample's, not the sample's own).
 * Percentiles are nearest-rank: the smallest value with at least ceil(p/100 · total) observations at
 * or below it, the definition HDR histograms and the metadata summaries use. NaN when total is 0.
 */
export function statistics(values: Float64Array, counts: ArrayLike<number>, stats: readonly Statistic[]): number[] {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    total += counts[i]!;
    sum += counts[i]! * values[i]!;
  }
  if (total === 0) return stats.map(() => NaN);
  const order = stats.map((s, i) => ({ s, i })).filter((x) => x.s !== 'mean') as { s: number; i: number }[];
  order.sort((x, y) => x.s - y.s);
  const out = new Array<number>(stats.length);
  stats.forEach((s, i) => {
    if (s === 'mean') out[i] = sum / total;
  });
  let cum = 0;
  let j = 0;
  for (let k = 0; k < values.length && j < order.length; k++) {
    cum += counts[k]!;
    while (j < order.length && cum >= Math.max(1, Math.ceil((order[j]!.s / 100) * total - 1e-9))) {
      out[order[j]!.i] = values[k]!;
      j++;
    }
  }
  for (; j < order.length; j++) out[order[j]!.i] = values[values.length - 1]!;
  return out;
}
