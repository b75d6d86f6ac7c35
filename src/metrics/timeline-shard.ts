// The thread side of the timeline: per-second counts and latency / TTFT interval histograms of the
// results a thread completed since its last take(), for the main thread's Timeline to merge. Closing
// seconds, percentiles and .hlog writing stay with the Timeline.
import { mergeHistogram, takeHistogram, type HistogramDelta } from './histogram-delta.js';
import { newIntervalHistogram, recordIntervalMs, type IntervalHistogram } from './hlog.js';
import type { ResultRecord } from '../record/result-record.js';

/** One second's interval histograms: overall, and per variant index (for its .hlog). */
export interface SecondHistograms {
  latency: IntervalHistogram;
  ttft: IntervalHistogram;
  perVariant: Map<number, { latency: IntervalHistogram; ttft: IntervalHistogram }>;
}

export function newSecond(): SecondHistograms {
  return { latency: newIntervalHistogram(), ttft: newIntervalHistogram(), perVariant: new Map() };
}

/** Records a successful result's latency and TTFT, overall and for its variant. */
export function recordSecond(b: SecondHistograms, variant: number, r: ResultRecord): void {
  let v = b.perVariant.get(variant);
  if (!v) b.perVariant.set(variant, (v = { latency: newIntervalHistogram(), ttft: newIntervalHistogram() }));
  recordIntervalMs(b.latency, r.latencyMs);
  recordIntervalMs(v.latency, r.latencyMs);
  if (r.ttftMs !== null) {
    recordIntervalMs(b.ttft, r.ttftMs);
    recordIntervalMs(v.ttft, r.ttftMs);
  }
}

export interface SecondDelta {
  /** Seconds since the run's clock anchor. */
  t: number;
  /** Left out when empty. */
  latency?: HistogramDelta;
  ttft?: HistogramDelta;
  /** [variant index, its histograms], for each variant with a success ending in this second. */
  perVariant: [number, { latency?: HistogramDelta; ttft?: HistogramDelta }][];
}

/** What a TimelineShard added since its last take(), structured-cloneable. */
export interface TimelineDelta {
  /** Per second touched: results scheduled in it (sent) and ended in it (completed, failed). */
  counts: { t: number; sent: number; completed: number; failed: number }[];
  /** Per second in which a success ended: its interval histograms. */
  seconds: SecondDelta[];
}

const histograms = (latency: IntervalHistogram, ttft: IntervalHistogram) => {
  const out: { latency?: HistogramDelta; ttft?: HistogramDelta } = {};
  const l = takeHistogram(latency);
  const t = takeHistogram(ttft);
  if (l) out.latency = l;
  if (t) out.ttft = t;
  return out;
};

export function takeSecond(t: number, b: SecondHistograms): SecondDelta {
  return { t, ...histograms(b.latency, b.ttft), perVariant: [...b.perVariant].map(([i, v]) => [i, histograms(v.latency, v.ttft)]) };
}

/** Adds a second's delta into open histograms, creating each variant's as recordSecond would have. */
export function mergeSecond(b: SecondHistograms, d: SecondDelta): void {
  mergeHistogram(b.latency, d.latency);
  mergeHistogram(b.ttft, d.ttft);
  for (const [i, x] of d.perVariant) {
    let v = b.perVariant.get(i);
    if (!v) b.perVariant.set(i, (v = { latency: newIntervalHistogram(), ttft: newIntervalHistogram() }));
    mergeHistogram(v.latency, x.latency);
    mergeHistogram(v.ttft, x.ttft);
  }
}

/** Scheduled and end seconds of a result, as the Timeline buckets it. */
export function secondsOf(r: ResultRecord): { s: number; e: number } {
  return { s: Math.max(0, Math.floor(r.timestamps.scheduled / 1000)), e: Math.max(0, Math.floor(r.timestamps.end / 1000)) };
}

export class TimelineShard {
  private counts = new Map<number, { t: number; sent: number; completed: number; failed: number }>();
  private seconds = new Map<number, SecondHistograms>();

  /** A measured result (warm-up excluded by the caller); `variant` is its index. */
  add(r: ResultRecord, variant: number): void {
    const { s, e } = secondsOf(r);
    this.count(s).sent++;
    if (r.ok) this.count(e).completed++;
    else this.count(e).failed++;
    if (!r.ok) return;
    let b = this.seconds.get(e);
    if (!b) this.seconds.set(e, (b = newSecond()));
    recordSecond(b, variant, r);
  }

  /** Something was added since the last take(). */
  pending(): boolean {
    return this.counts.size > 0;
  }

  /** What was added since the last take; the shard starts again from empty. */
  take(): TimelineDelta {
    const d = { counts: [...this.counts.values()], seconds: [...this.seconds].map(([t, b]) => takeSecond(t, b)) };
    this.counts = new Map();
    this.seconds = new Map();
    return d;
  }

  private count(t: number): { t: number; sent: number; completed: number; failed: number } {
    let c = this.counts.get(t);
    if (!c) this.counts.set(t, (c = { t, sent: 0, completed: 0, failed: 0 }));
    return c;
  }
}
