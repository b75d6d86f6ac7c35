// The run second by second: requests started, completed, failed and in flight per 1-s bucket, with
// p50 / p99 latency and TTFT of the requests that completed in it; each variant's intervals (latency,
// TTFT, TTFB, ITL, TPOT) also go to its .hlog. Percentile histograms exist only for the last few seconds; older buckets keep numbers.
// Results come one by one (add) or as threads' deltas (merge, from a TimelineShard): the same either way.
import type { ClockAnchor } from './clock.js';
import { HlogWriter, intervalPercentileMs } from './hlog.js';
import { HLOG_TAGS, mergeSecond, newSecond, recordSecond, secondsOf, type SecondHistograms, type TimelineDelta } from './timeline-shard.js';
import type { ResultRecord } from '../record/result-record.js';

export interface TimelineBucket {
  /** Seconds since the run's clock anchor: the bucket covers [t, t + 1). */
  t: number;
  /** Requests whose scheduled start fell in the bucket. */
  sent: number;
  completed: number;
  failed: number;
  /** Requests started but not finished at the end of the bucket. */
  inFlight: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  ttftP50Ms: number | null;
  ttftP99Ms: number | null;
}

/**
 * A bucket is closed once results for it can no longer arrive: one completed on the main thread lands
 * within ms of its end, one completed in a thread at that thread's next progress tick (about 1 s).
 */
const CLOSE_AFTER_S = 3;

export class Timeline {
  private readonly sent: number[] = [];
  private readonly completed: number[] = [];
  private readonly failed: number[] = [];
  private readonly percentiles: (Pick<TimelineBucket, 'latencyP50Ms' | 'latencyP99Ms' | 'ttftP50Ms' | 'ttftP99Ms'> | undefined)[] = [];
  private readonly open = new Map<number, SecondHistograms>();
  private readonly hlogs: HlogWriter[];

  constructor(anchor: ClockAnchor, private readonly variantNames: string[]) {
    this.hlogs = variantNames.map((n) => new HlogWriter(anchor, `flowbench interval log: variant ${n}; values in microseconds, tags ${HLOG_TAGS.join(', ')}`));
  }

  /** A measured result (warm-up excluded by the caller); `variant` is its index. */
  add(r: ResultRecord, variant: number): void {
    const { s, e } = secondsOf(r);
    this.sent[s] = (this.sent[s] ?? 0) + 1;
    if (r.ok) this.completed[e] = (this.completed[e] ?? 0) + 1;
    else this.failed[e] = (this.failed[e] ?? 0) + 1;
    if (!r.ok || this.percentiles[e] !== undefined) return; // a closed bucket keeps its counts only
    recordSecond(this.openBucket(e), variant, r);
  }

  /** A thread's delta: as if its results had been added here one by one, now. */
  merge(d: TimelineDelta): void {
    // Zero counts are not written: the arrays stay exactly as direct adds would leave them.
    for (const c of d.counts) {
      if (c.sent) this.sent[c.t] = (this.sent[c.t] ?? 0) + c.sent;
      if (c.completed) this.completed[c.t] = (this.completed[c.t] ?? 0) + c.completed;
      if (c.failed) this.failed[c.t] = (this.failed[c.t] ?? 0) + c.failed;
    }
    for (const sd of d.seconds) {
      if (this.percentiles[sd.t] === undefined) mergeSecond(this.openBucket(sd.t), sd);
    }
  }

  private openBucket(t: number): SecondHistograms {
    let b = this.open.get(t);
    if (!b) this.open.set(t, (b = newSecond()));
    return b;
  }

  /** Closes buckets older than a few seconds before `nowSec` (seconds since the anchor); all when final. */
  flush(nowSec: number, final = false): void {
    for (const [t, b] of [...this.open].sort((x, y) => x[0] - y[0])) {
      if (!final && t > nowSec - CLOSE_AFTER_S) continue;
      this.percentiles[t] = {
        latencyP50Ms: intervalPercentileMs(b.latency, 50),
        latencyP99Ms: intervalPercentileMs(b.latency, 99),
        ttftP50Ms: intervalPercentileMs(b.ttft, 50),
        ttftP99Ms: intervalPercentileMs(b.ttft, 99),
      };
      for (const [i, v] of b.perVariant) {
        for (const tag of HLOG_TAGS) {
          const h = v[tag];
          if (h) this.hlogs[i]!.interval(tag, h, t, t + 1);
        }
      }
      this.open.delete(t);
    }
  }

  /** Every second from the first request's start to the last one's end. */
  buckets(): TimelineBucket[] {
    const len = Math.max(this.sent.length, this.completed.length, this.failed.length);
    const first = this.sent.findIndex((x) => x !== undefined);
    const out: TimelineBucket[] = [];
    let inFlight = 0;
    for (let t = 0; t < len; t++) {
      const sent = this.sent[t] ?? 0;
      const completed = this.completed[t] ?? 0;
      const failed = this.failed[t] ?? 0;
      inFlight += sent - completed - failed;
      if (first === -1 || t < first) continue;
      const p = this.percentiles[t];
      out.push({
        t, sent, completed, failed, inFlight,
        latencyP50Ms: p?.latencyP50Ms ?? null, latencyP99Ms: p?.latencyP99Ms ?? null,
        ttftP50Ms: p?.ttftP50Ms ?? null, ttftP99Ms: p?.ttftP99Ms ?? null,
      });
    }
    return out;
  }

  /** `.hlog` text per variant name. */
  hlogTexts(): { variant: string; text: string }[] {
    return this.variantNames.map((variant, i) => ({ variant, text: this.hlogs[i]!.text() }));
  }
}
