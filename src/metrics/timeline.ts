// The run's one timeline, per variant: requests sent, completed, failed and in flight, output tokens, and
// latency / TTFT p50 and p99 of the successes that ended in each bucket, from per-second HDR histograms;
// each variant's intervals (latency, TTFT, TTFB, ITL, TPOT) also go to its .hlog. Results come one by one
// (add: the main thread, a rebuild, a merge) or as threads' deltas (merge, from a TimelineShard): the same
// figures either way, in any order. report.json stores buckets(); every reporter reads it from there.
import type { ClockAnchor } from '../clock/clock.js';
import { decodeLine, HlogWriter, intervalPercentileMs, newIntervalHistogram, type IntervalHistogram } from './hlog.js';
import {
  COUNT_KEYS,
  countResult,
  endSecond,
  HLOG_TAGS,
  mergeVariantSecond,
  recordVariant,
  type CountKey,
  type HlogTag,
  type TimelineDelta,
  type VariantSecond,
} from './timeline-shard.js';
import type { ResultRecord } from '../record/result-record.js';

export interface TimelineBucket {
  variant: string;
  /** Seconds since the run's clock anchor: the bucket covers [t, t + widthS). */
  t: number;
  /** 1; wider for runs over 1,800 seconds, so that a variant has at most 1,800 buckets. */
  widthS: number;
  /** Requests whose scheduled start fell in the bucket. */
  sent: number;
  /** Successful requests that ended in the bucket. */
  completed: number;
  /** Failed requests that ended in the bucket. */
  failed: number;
  /** Requests scheduled but not yet ended at the end of the bucket. */
  inFlight: number;
  /** Output tokens of successful requests, each answer's spread over its content frames in whole tokens. */
  outputTokens: number;
  /** Percentiles of the successful requests that ended in the bucket (its HDR histograms); null: none did. */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  ttftP50Ms: number | null;
  ttftP99Ms: number | null;
}

/** At most this many buckets per variant: longer runs get wider buckets, so report.json and report.html stay small. */
export const MAX_BUCKETS = 1800;

/**
 * A second is closed (its histograms encoded into .hlog lines, their memory freed) once it is this old
 * and got nothing in the last flush interval. A result for a closed second (one graded slowly) reopens
 * it, so every figure still counts every result.
 */
const CLOSE_AFTER_S = 3;
/** Spare histograms kept: a few seconds' worth for a few variants. */
const SPARE_MAX = 64;

type Percentiles = Pick<TimelineBucket, 'latencyP50Ms' | 'latencyP99Ms' | 'ttftP50Ms' | 'ttftP99Ms'>;

/** A closed second of one variant: its .hlog lines per tag, and the percentiles read before encoding. */
interface Closed extends Percentiles {
  lines: Partial<Record<HlogTag, string>>;
}

interface Open {
  perVariant: VariantSecond[];
  touched: boolean;
}

const percentilesOf = (latency: IntervalHistogram | undefined, ttft: IntervalHistogram | undefined): Percentiles => ({
  latencyP50Ms: latency ? intervalPercentileMs(latency, 50) : null,
  latencyP99Ms: latency ? intervalPercentileMs(latency, 99) : null,
  ttftP50Ms: ttft ? intervalPercentileMs(ttft, 50) : null,
  ttftP99Ms: ttft ? intervalPercentileMs(ttft, 99) : null,
});

export class Timeline {
  /** Per variant index, per count, per second. */
  private readonly counts: Record<CountKey, number[]>[];
  private readonly open = new Map<number, Open>();
  /** Per variant index: second → closed. */
  private readonly closed: Map<number, Closed>[];
  private readonly hlogs: HlogWriter[];
  /** Histograms of closed seconds, emptied for the next ones: allocating ~100 KB each per second costs main-thread time. */
  private readonly spare: IntervalHistogram[] = [];
  /** Wide buckets' latency and TTFT, added up from their seconds (one pair reused: each is ~100 KB). */
  private scratch: { latency: IntervalHistogram; ttft: IntervalHistogram } | undefined;

  constructor(
    anchor: ClockAnchor,
    private readonly variantNames: string[],
  ) {
    this.counts = variantNames.map(() => ({ sent: [], completed: [], failed: [], outputTokens: [] }));
    this.closed = variantNames.map(() => new Map());
    this.hlogs = variantNames.map((n) => new HlogWriter(anchor, `flowbench interval log: variant ${n}; values in microseconds, tags ${HLOG_TAGS.join(', ')}`));
  }

  /** A measured result (warm-up excluded by the caller); `variant` is its index. */
  add(r: ResultRecord, variant: number): void {
    const c = this.counts[variant]!;
    countResult(r, (t, key, n) => {
      c[key][t] = (c[key][t] ?? 0) + n;
    });
    if (r.ok) recordVariant(this.variantSecond(endSecond(r), variant), r, this.alloc);
  }

  /** A thread's delta: as if its results had been added here one by one. */
  merge(d: TimelineDelta): void {
    for (const x of d.counts) {
      const c = this.counts[x.variant]!;
      // Zero counts are not written: the arrays stay exactly as direct adds would leave them.
      for (const key of COUNT_KEYS) if (x[key]) c[key][x.t] = (c[key][x.t] ?? 0) + x[key];
    }
    for (const sd of d.seconds) mergeVariantSecond(this.variantSecond(sd.t, sd.variant), sd, this.alloc);
  }

  private readonly alloc = (): IntervalHistogram => this.spare.pop() ?? newIntervalHistogram();

  /**
   * The open histograms of a variant's second, reopening it when it was closed: counts (so percentiles)
   * come back exact; only the .hlog line's max becomes its bucket's edge (within 0.1%).
   */
  private variantSecond(t: number, variant: number): VariantSecond {
    let b = this.open.get(t);
    if (!b) this.open.set(t, (b = { perVariant: [], touched: false }));
    b.touched = true;
    let v = b.perVariant[variant];
    if (v) return v;
    v = b.perVariant[variant] = {};
    const closed = this.closed[variant]!.get(t);
    if (closed) {
      for (const tag of HLOG_TAGS) {
        const line = closed.lines[tag];
        if (line) (v[tag] = this.alloc()).add(decodeLine(line));
      }
      this.closed[variant]!.delete(t);
    }
    return v;
  }

  /** Closes seconds older than a few before `nowSec` (seconds since the anchor) that got nothing lately; all when final. */
  flush(nowSec: number, final = false): void {
    for (const [t, b] of this.open) {
      if (!final && (t > nowSec - CLOSE_AFTER_S || b.touched)) {
        b.touched = false;
        continue;
      }
      b.perVariant.forEach((v, i) => {
        const percentiles = percentilesOf(v.latency, v.ttft); // before the histograms are emptied
        const lines: Closed['lines'] = {};
        for (const tag of HLOG_TAGS) {
          const h = v[tag];
          if (!h) continue;
          const line = this.hlogs[i]!.line(tag, h, t, t + 1);
          if (line) lines[tag] = line;
          h.reset();
          if (this.spare.length < SPARE_MAX) this.spare.push(h);
        }
        this.closed[i]!.set(t, { ...percentiles, lines });
      });
      this.open.delete(t);
    }
  }

  /**
   * Every variant's buckets from the run's first scheduled second to its last end, in time order and
   * variant order; `keep` leaves seconds out (a resumed run's pauses) before buckets are widened.
   * Percentiles of a second still open are read from its live histograms.
   */
  buckets(keep: (t: number) => boolean = () => true): TimelineBucket[] {
    const len = Math.max(0, ...this.counts.flatMap((c) => COUNT_KEYS.map((k) => c[k].length)));
    const firsts = this.counts.map((c) => c.sent.findIndex((x) => x !== undefined)).filter((i) => i >= 0);
    if (!firsts.length) return [];
    const kept: number[] = [];
    for (let t = Math.min(...firsts); t < len; t++) if (keep(t)) kept.push(t);
    const width = Math.max(1, Math.ceil(kept.length / MAX_BUCKETS));
    // Groups of kept seconds by bucket start.
    const groups = new Map<number, number[]>();
    for (const t of kept) {
      const g = Math.floor(t / width) * width;
      const list = groups.get(g);
      if (list) list.push(t);
      else groups.set(g, [t]);
    }
    const out: TimelineBucket[] = [];
    const inFlight = this.variantNames.map(() => 0);
    const counted = this.variantNames.map(() => 0); // seconds already summed into inFlight
    for (const [g, seconds] of groups) {
      this.variantNames.forEach((variant, i) => {
        const c = this.counts[i]!;
        const last = seconds[seconds.length - 1]!;
        for (; counted[i]! <= last; counted[i]!++) {
          const s = counted[i]!;
          inFlight[i]! += (c.sent[s] ?? 0) - (c.completed[s] ?? 0) - (c.failed[s] ?? 0);
        }
        const sum = (key: CountKey) => seconds.reduce((a, s) => a + (c[key][s] ?? 0), 0);
        out.push({
          variant,
          t: g,
          widthS: width,
          sent: sum('sent'),
          completed: sum('completed'),
          failed: sum('failed'),
          inFlight: inFlight[i]!,
          outputTokens: sum('outputTokens'),
          ...this.percentiles(i, seconds, width),
        });
      });
    }
    return out;
  }

  /** A variant's percentiles over the given seconds: cached when one closed second, else from its histograms added up. */
  private percentiles(variant: number, seconds: number[], width: number): Percentiles {
    if (width === 1) {
      const t = seconds[0]!;
      const closed = this.closed[variant]!.get(t);
      if (closed) return { latencyP50Ms: closed.latencyP50Ms, latencyP99Ms: closed.latencyP99Ms, ttftP50Ms: closed.ttftP50Ms, ttftP99Ms: closed.ttftP99Ms };
      const v = this.open.get(t)?.perVariant[variant];
      return percentilesOf(v?.latency, v?.ttft);
    }
    const sum = (this.scratch ??= { latency: newIntervalHistogram(), ttft: newIntervalHistogram() });
    for (const tag of ['latency', 'ttft'] as const) {
      sum[tag].reset();
      for (const t of seconds) {
        const open = this.open.get(t)?.perVariant[variant]?.[tag];
        const line = this.closed[variant]!.get(t)?.lines[tag];
        const h = open ?? (line ? decodeLine(line) : undefined);
        if (h) sum[tag].add(h);
      }
    }
    return percentilesOf(sum.latency, sum.ttft);
  }

  /** `.hlog` text per variant name: the closed seconds in time order, tags in HLOG_TAGS order. */
  hlogTexts(): { variant: string; text: string }[] {
    return this.variantNames.map((variant, i) => {
      const seconds = [...this.closed[i]!].sort((a, b) => a[0] - b[0]);
      const lines = seconds.flatMap(([, c]) => HLOG_TAGS.flatMap((tag) => (c.lines[tag] ? [c.lines[tag]] : [])));
      return { variant, text: this.hlogs[i]!.text(lines) };
    });
  }
}
