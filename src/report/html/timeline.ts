// Per-second timeline of a run for the HTML report: throughput, in flight, latency p50/p99 and
// errors per variant. Uses report.timeline when the run recorded one, else derives it from
// results.jsonl timestamps while that file streams past.
import type { ResultRecord } from '../../record/result-record.js';

/** Columns aligned on `t` (seconds since the run started, bucket start). null = nothing measured. */
export interface TimelineSeries {
  variant: string;
  /** Successful requests that ended in the bucket, per second. */
  throughput: number[];
  /** Failed requests that ended in the bucket. */
  errors: number[];
  /** Mean requests in flight over the bucket (scheduled → end). */
  inFlight: number[];
  latencyP50: (number | null)[];
  latencyP99: (number | null)[];
}

export interface Timeline {
  /** Where the numbers come from: the run's own timeline, or results.jsonl timestamps. */
  source: 'report' | 'results';
  bucketMs: number;
  t: number[];
  series: TimelineSeries[];
}

/** At most this many buckets: longer runs get wider buckets so the page stays small. */
const MAX_BUCKETS = 1800;

interface Bucket {
  ok: number;
  errors: number;
  inFlightMs: number;
  latencies: number[];
}

export class TimelineBuilder {
  private readonly perVariant = new Map<string, Map<number, Bucket>>();
  private lastMs = 0;

  constructor(private readonly variantOrder: string[]) {}

  add(r: ResultRecord): void {
    const ts = r.timestamps;
    if (!ts || !Number.isFinite(ts.end) || !Number.isFinite(ts.scheduled)) return;
    let buckets = this.perVariant.get(r.variant);
    if (!buckets) this.perVariant.set(r.variant, (buckets = new Map()));
    const at = (s: number) => {
      let b = buckets!.get(s);
      if (!b) buckets!.set(s, (b = { ok: 0, errors: 0, inFlightMs: 0, latencies: [] }));
      return b;
    };
    const endS = Math.floor(Math.max(0, ts.end) / 1000);
    const b = at(endS);
    if (r.ok) {
      b.ok++;
      b.latencies.push(r.latencyMs);
    } else {
      b.errors++;
    }
    // Time in flight, split over the one-second buckets the request spans.
    const from = Math.max(0, ts.scheduled);
    for (let s = Math.floor(from / 1000); s <= endS; s++) {
      const overlap = Math.min(ts.end, (s + 1) * 1000) - Math.max(from, s * 1000);
      if (overlap > 0) at(s).inFlightMs += overlap;
    }
    this.lastMs = Math.max(this.lastMs, ts.end);
  }

  /** Null when no result had timestamps. */
  build(): Timeline | null {
    if (this.perVariant.size === 0) return null;
    const seconds = Math.floor(this.lastMs / 1000) + 1;
    const width = Math.max(1, Math.ceil(seconds / MAX_BUCKETS));
    const n = Math.ceil(seconds / width);
    const t = Array.from({ length: n }, (_, i) => i * width);
    const names = [...this.variantOrder.filter((v) => this.perVariant.has(v)), ...[...this.perVariant.keys()].filter((v) => !this.variantOrder.includes(v))];
    const series = names.map((variant) => {
      const src = this.perVariant.get(variant)!;
      const s: TimelineSeries = { variant, throughput: [], errors: [], inFlight: [], latencyP50: [], latencyP99: [] };
      for (let i = 0; i < n; i++) {
        let ok = 0, errors = 0, inFlightMs = 0;
        const lat: number[] = [];
        for (let k = i * width; k < (i + 1) * width; k++) {
          const b = src.get(k);
          if (!b) continue;
          ok += b.ok;
          errors += b.errors;
          inFlightMs += b.inFlightMs;
          for (const l of b.latencies) lat.push(l);
        }
        lat.sort((a, b) => a - b);
        s.throughput.push(round(ok / width));
        s.errors.push(errors);
        s.inFlight.push(round(inFlightMs / (width * 1000)));
        s.latencyP50.push(lat.length ? nearestRank(lat, 50) : null);
        s.latencyP99.push(lat.length ? nearestRank(lat, 99) : null);
      }
      return s;
    });
    return { source: 'results', bucketMs: width * 1000, t, series };
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Nearest-rank percentile of sorted values (p in 0…100). */
export function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
