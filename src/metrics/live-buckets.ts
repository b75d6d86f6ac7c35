// Prometheus-style bucket counts of a variant's timings, kept beside the HDR histograms so that the live
// endpoint (metrics/prometheus.ts) exposes exact `le` counts: an HDR bucket straddles a bound by up to 0.1%.
// Added per result where it completes, carried to the main thread in the variant's delta and added there.
import type { ResultRecord } from '../record/result-record.js';

/**
 * Upper bounds in ms, chosen for LLM flows (docs/live-metrics.md lists them in seconds): TTFT from a fast
 * cache hit (50 ms) to a slow retrieval chain (a minute); latency up to five minutes of long generation;
 * ITL around a token every 10–50 ms; queue time and send lag, the harness's own wait, from 0.1 ms up.
 */
export const LIVE_BOUNDS_MS = {
  ttft: [50, 100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 20000, 30000, 60000],
  latency: [100, 250, 500, 1000, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 60000, 120000, 300000],
  itl: [1, 2.5, 5, 10, 20, 30, 50, 75, 100, 200, 500, 1000],
  queue: [0.1, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 5000],
  sendLag: [0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000],
} as const satisfies Record<string, readonly number[]>;

export type LiveTiming = keyof typeof LIVE_BOUNDS_MS;
export const LIVE_TIMINGS = Object.keys(LIVE_BOUNDS_MS) as LiveTiming[];

/** One timing's buckets: counts[i] are values ≤ bounds[i] and above the bound before (not cumulative); the last is above every bound. */
export interface BucketCounts {
  counts: number[];
  count: number;
  /** Σ of the values, ms. */
  sumMs: number;
}

/** Structured-cloneable; a timing without values since the last take is left out. */
export type LiveBucketsDelta = Partial<Record<LiveTiming, BucketCounts>>;

const empty = (t: LiveTiming): BucketCounts => ({ counts: new Array<number>(LIVE_BOUNDS_MS[t].length + 1).fill(0), count: 0, sumMs: 0 });

function put(b: BucketCounts, bounds: readonly number[], ms: number): void {
  let i = 0;
  while (i < bounds.length && ms > bounds[i]!) i++; // ≤ 16 bounds: a scan beats a search
  b.counts[i]!++;
  b.count++;
  b.sumMs += ms;
}

export class LiveBuckets {
  private b = LiveBuckets.fresh();

  private static fresh(): Record<LiveTiming, BucketCounts> {
    return { ttft: empty('ttft'), latency: empty('latency'), itl: empty('itl'), queue: empty('queue'), sendLag: empty('sendLag') };
  }

  /** The same selection as VariantStats' histograms: latency, TTFT and ITL of successful results; queue time and send lag of all. */
  add(r: ResultRecord): void {
    const b = this.b;
    if (r.ok) {
      put(b.latency, LIVE_BOUNDS_MS.latency, r.latencyMs);
      if (r.ttftMs !== null) put(b.ttft, LIVE_BOUNDS_MS.ttft, r.ttftMs);
      // The gaps interTokenLatencies (metrics/timings.ts) defines, without its array: this runs per record.
      const frames = r.timestamps.contentFrames;
      for (let i = 1; i < frames.length; i++) put(b.itl, LIVE_BOUNDS_MS.itl, frames[i]! - frames[i - 1]!);
    }
    put(b.queue, LIVE_BOUNDS_MS.queue, r.queueMs);
    if (r.sendLagMs !== undefined) put(b.sendLag, LIVE_BOUNDS_MS.sendLag, r.sendLagMs);
  }

  /** What was added since the last take; this instance starts again from empty. */
  take(): LiveBucketsDelta {
    const d: LiveBucketsDelta = {};
    for (const t of LIVE_TIMINGS) if (this.b[t].count > 0) d[t] = this.b[t];
    this.b = LiveBuckets.fresh();
    return d;
  }

  merge(d: LiveBucketsDelta): void {
    for (const t of LIVE_TIMINGS) {
      const x = d[t];
      if (x === undefined) continue;
      const into = this.b[t];
      x.counts.forEach((n, i) => (into.counts[i]! += n));
      into.count += x.count;
      into.sumMs += x.sumMs;
    }
  }

  /** The counts so far, read by the live endpoint on each scrape (not a copy: read, never change). */
  view(t: LiveTiming): Readonly<BucketCounts> {
    return this.b[t];
  }
}
