// Seeded percentile-bootstrap intervals for the difference (candidate − baseline) of a statistic
// (mean, p50, p95, …): paired by row when rows pair, else from two independent samples.
import { seeded, type Random } from '../random/seeded.js';
import { fromValues, statistics, type Statistic, type WeightedSample } from './weighted-sample.js';

export interface BootstrapOptions {
  /** Confidence level of the interval, e.g. 0.95. */
  level: number;
  /** The seed key: the same key and data give the same interval. */
  seed: string;
  /** Resamples (default 2000; fewer on very large samples so one comparison stays well under a second). */
  resamples?: number;
}

export interface BootstrapDiff {
  stat: Statistic;
  baseline: number;
  candidate: number;
  diff: number;
  low: number;
  high: number;
  /** Two-sided bootstrap p: twice the smaller share of resampled differences on either side of 0. */
  pValue: number;
  resamples: number;
}

/** A row: the baseline's and the candidate's value (null where that side has none, e.g. it failed). */
export type PairedUnit = readonly [number | null, number | null];

const DEFAULT_RESAMPLES = 2000;
/** Draws per comparison we allow (~0.2 s): larger samples get fewer resamples, never fewer than 200. */
const DRAW_BUDGET = 20_000_000;

function resampleCount(drawsPerResample: number, asked: number | undefined): number {
  if (asked !== undefined) return asked;
  return Math.max(200, Math.min(DEFAULT_RESAMPLES, Math.floor(DRAW_BUDGET / Math.max(1, drawsPerResample))));
}

/** Distinct sorted values of one side and, per unit, the index of its value (-1 = none). */
function indexSide(units: readonly PairedUnit[], side: 0 | 1): { sample: WeightedSample; index: Int32Array } {
  const present = units.map((u) => u[side]).filter((v): v is number => v !== null);
  const sample = fromValues(present);
  const at = new Map<number, number>();
  sample.values.forEach((v, i) => at.set(v, i));
  const index = Int32Array.from(units, (u) => (u[side] === null ? -1 : at.get(u[side]!)!));
  return { sample, index };
}

function summarise(stats: readonly Statistic[], point: { b: number[]; c: number[] }, diffs: number[][], level: number): BootstrapDiff[] {
  return stats.map((stat, s) => {
    const d = diffs[s]!.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
    const B = d.length;
    const q = (p: number) => {
      const pos = p * (B - 1);
      const lo = Math.floor(pos);
      return d[lo]! + (d[Math.min(B - 1, lo + 1)]! - d[lo]!) * (pos - lo);
    };
    let le = 0;
    let ge = 0;
    for (const x of d) {
      if (x <= 0) le++;
      if (x >= 0) ge++;
    }
    const alpha = 1 - level;
    return {
      stat,
      baseline: point.b[s]!,
      candidate: point.c[s]!,
      diff: point.c[s]! - point.b[s]!,
      low: B ? q(alpha / 2) : NaN,
      high: B ? q(1 - alpha / 2) : NaN,
      pValue: B ? Math.min(1, (2 * (Math.min(le, ge) + 1)) / (B + 1)) : NaN,
      resamples: B,
    };
  });
}

/**
 * Block bootstrap over rows: each resample draws rows with replacement and keeps both sides of a
 * row together, so what pairing removes (row difficulty, load at that moment) stays removed.
 */
export function bootstrapPairedDiff(units: readonly PairedUnit[], stats: readonly Statistic[], opts: BootstrapOptions): BootstrapDiff[] | null {
  const base = indexSide(units, 0);
  const cand = indexSide(units, 1);
  if (base.sample.total === 0 || cand.sample.total === 0) return null;
  const point = { b: statistics(base.sample.values, base.sample.counts, stats), c: statistics(cand.sample.values, cand.sample.counts, stats) };
  const U = units.length;
  const B = resampleCount(U, opts.resamples);
  const rand = seeded(opts.seed);
  const cb = new Float64Array(base.sample.values.length);
  const cc = new Float64Array(cand.sample.values.length);
  const diffs = stats.map(() => new Array<number>(B));
  for (let r = 0; r < B; r++) {
    cb.fill(0);
    cc.fill(0);
    for (let j = 0; j < U; j++) {
      const u = Math.floor(rand() * U);
      const ib = base.index[u]!;
      const ic = cand.index[u]!;
      if (ib >= 0) cb[ib]!++;
      if (ic >= 0) cc[ic]!++;
    }
    const sb = statistics(base.sample.values, cb, stats);
    const sc = statistics(cand.sample.values, cc, stats);
    for (let s = 0; s < stats.length; s++) diffs[s]![r] = sc[s]! - sb[s]!;
  }
  return summarise(stats, point, diffs, opts.level);
}

/** Draws `total` observations from a weighted sample into `into` (counts per distinct value). */
function drawInto(sample: WeightedSample, cumulative: Float64Array, into: Float64Array, rand: Random): void {
  into.fill(0);
  const n = sample.values.length;
  for (let j = 0; j < sample.total; j++) {
    const x = rand() * sample.total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    into[lo]!++;
  }
}

/** Independent bootstrap of two samples (e.g. histograms from report.json, where rows cannot pair). */
export function bootstrapIndependentDiff(
  base: WeightedSample,
  cand: WeightedSample,
  stats: readonly Statistic[],
  opts: BootstrapOptions,
): BootstrapDiff[] | null {
  if (base.total === 0 || cand.total === 0) return null;
  const point = { b: statistics(base.values, base.counts, stats), c: statistics(cand.values, cand.counts, stats) };
  const B = resampleCount(base.total + cand.total, opts.resamples);
  const rand = seeded(opts.seed);
  const cum = (s: WeightedSample) => {
    const c = new Float64Array(s.counts.length);
    let acc = 0;
    s.counts.forEach((k, i) => (c[i] = acc += k));
    return c;
  };
  const cumB = cum(base);
  const cumC = cum(cand);
  const cb = new Float64Array(base.values.length);
  const cc = new Float64Array(cand.values.length);
  const diffs = stats.map(() => new Array<number>(B));
  for (let r = 0; r < B; r++) {
    drawInto(base, cumB, cb, rand);
    drawInto(cand, cumC, cc, rand);
    const sb = statistics(base.values, cb, stats);
    const sc = statistics(cand.values, cc, stats);
    for (let s = 0; s < stats.length; s++) diffs[s]![r] = sc[s]! - sb[s]!;
  }
  return summarise(stats, point, diffs, opts.level);
}
