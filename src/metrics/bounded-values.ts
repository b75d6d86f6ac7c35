// Numbers kept for a summary where no histogram fits (metadata fields, costs in USD, server latencies and
// client − server gaps, which can be negative): count, sum, mean, min and max always exact; percentiles
// by nearest rank over every value until KEPT_VALUES of them, then over a uniform sample of that many
// (reservoir sampling, seeded). One number per request grew without end over a run of hours; this keeps
// at most KEPT_VALUES numbers per list, and below that the summary is exactly what it always was.
import { seeded, type Random } from '../random/seeded.js';

/** Values kept per list: 160 kB of doubles; a p95 from a sample this big is within ~0.2 % of rank of the exact one. */
export const KEPT_VALUES = 20_000;

export class BoundedValues {
  private kept: number[] = [];
  private seen = 0;
  private lo = Infinity;
  private hi = -Infinity;
  /** Past KEPT_VALUES only (below it the sum is taken from the values, as before). */
  private total = 0;
  private random: Random | null = null;

  constructor(private readonly cap = KEPT_VALUES) {}

  get count(): number {
    return this.seen;
  }

  add(v: number): void {
    this.seen++;
    this.total += v;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    if (this.kept.length < this.cap) {
      this.kept.push(v);
      return;
    }
    // Algorithm R: the n-th value replaces a kept one with probability cap / n, so every value seen is
    // equally likely to be in the sample. Seeded: the same values in the same order keep the same sample.
    this.random ??= seeded('bounded-values');
    const j = Math.floor(this.random() * this.seen);
    if (j < this.cap) this.kept[j] = v;
  }

  addAll(values: readonly number[]): void {
    for (const v of values) this.add(v);
  }

  /**
   * The values to ship to another thread (a thread's shard holds a second's worth, far below the cap:
   * then they are every value), and starts again from empty.
   */
  take(): number[] {
    const out = this.kept;
    this.kept = [];
    this.seen = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
    this.total = 0;
    return out;
  }

  /** Count, sum, min, max (exact) and the kept values sorted, for percentiles; null when empty. */
  view(): { count: number; sum: number; min: number; max: number; sorted: number[] } | null {
    if (this.seen === 0) return null;
    const sorted = [...this.kept].sort((a, b) => a - b);
    const exact = this.seen === sorted.length;
    return { count: this.seen, sum: exact ? sorted.reduce((a, b) => a + b, 0) : this.total, min: this.lo, max: this.hi, sorted };
  }
}

/** The smallest kept value with at least p% of them at or below it (the histograms' definition). */
export const nearestRank = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
