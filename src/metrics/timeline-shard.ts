// The thread side of the timeline: per-second counts and per-variant interval histograms (latency, TTFT, TTFB, ITL, TPOT)
// of the results a thread completed since its last take(), for the main thread's Timeline to merge.
// Closing seconds, percentiles and .hlog writing stay with the Timeline.
import { mergeHistogram, takeHistogram, type HistogramDelta } from './histogram-delta.js';
import { newIntervalHistogram, recordIntervalMs, type IntervalHistogram } from './hlog.js';
import { legacyOutputTokens, timePerOutputToken } from './output-tokens.js';
import { interTokenLatencies } from './timings.js';
import type { ResultRecord } from '../record/result-record.js';

/** The timings each variant's .hlog holds, one tag each: ITL has one value per gap, TPOT one per request. */
export const HLOG_TAGS = ['latency', 'ttft', 'ttfb', 'itl', 'tpot'] as const;
export type HlogTag = (typeof HLOG_TAGS)[number];

/** One variant's histograms for one second; a tag's is created by its first value (memory stays bounded). */
export type VariantSecond = Partial<Record<HlogTag, IntervalHistogram>>;

interface Pair {
  latency: IntervalHistogram;
  ttft: IntervalHistogram;
}

/** One second's interval histograms: overall latency / TTFT (timeline percentiles), and per variant index (its .hlog). */
export interface SecondHistograms extends Pair {
  perVariant: Map<number, VariantSecond>;
}

export function newSecond(): SecondHistograms {
  return { latency: newIntervalHistogram(), ttft: newIntervalHistogram(), perVariant: new Map() };
}

/** A successful result's values per .hlog tag, in ms (the same ones VariantStats / StreamStats summarise). */
function hlogValues(r: ResultRecord, record: (tag: HlogTag, ms: number) => void): void {
  record('latency', r.latencyMs);
  if (r.ttftMs !== null) record('ttft', r.ttftMs);
  if (r.ttfbMs !== null) record('ttfb', r.ttfbMs);
  for (const gap of interTokenLatencies(r.timestamps.contentFrames)) record('itl', gap);
  const tpot = timePerOutputToken(r.latencyMs, r.ttftMs, (r.outputTokens ?? legacyOutputTokens(r)).count);
  if (tpot !== null) record('tpot', tpot);
}

function recordVariant(v: VariantSecond, r: ResultRecord, alloc: () => IntervalHistogram): void {
  hlogValues(r, (tag, ms) => recordIntervalMs((v[tag] ??= alloc()), ms));
}

/** Records a successful result's latency and TTFT overall, and every .hlog timing for its variant. */
export function recordSecond(b: SecondHistograms, variant: number, r: ResultRecord): void {
  let v = b.perVariant.get(variant);
  if (!v) b.perVariant.set(variant, (v = {}));
  recordIntervalMs(b.latency, r.latencyMs);
  if (r.ttftMs !== null) recordIntervalMs(b.ttft, r.ttftMs);
  recordVariant(v, r, newIntervalHistogram);
}

/**
 * One second's histograms, per variant index with a success ending in it. The overall ones are not
 * shipped: they are exactly the sum of the variants' latency / TTFT (every success belongs to one variant).
 */
export interface SecondDelta {
  /** Seconds since the run's clock anchor. */
  t: number;
  /** [variant index, its histograms per tag (left out when empty)]. */
  perVariant: [number, Partial<Record<HlogTag, HistogramDelta>>][];
}

/** What a TimelineShard added since its last take(), structured-cloneable. */
export interface TimelineDelta {
  /** Per second touched: results scheduled in it (sent) and ended in it (completed, failed). */
  counts: { t: number; sent: number; completed: number; failed: number }[];
  /** Per second in which a success ended: its interval histograms. */
  seconds: SecondDelta[];
}

/** Adds a second's delta into open histograms, overall and per variant, as recordSecond would have. */
export function mergeSecond(b: SecondHistograms, d: SecondDelta): void {
  for (const [i, x] of d.perVariant) {
    let v = b.perVariant.get(i);
    if (!v) b.perVariant.set(i, (v = {}));
    for (const tag of HLOG_TAGS) {
      const h = x[tag];
      if (!h) continue;
      const into = (v[tag] ??= newIntervalHistogram());
      if (tag === 'latency') mergeHistogram(h, into, b.latency);
      else if (tag === 'ttft') mergeHistogram(h, into, b.ttft);
      else mergeHistogram(h, into);
    }
  }
}

/** Scheduled and end seconds of a result, as the Timeline buckets it. */
export function secondsOf(r: ResultRecord): { s: number; e: number } {
  return { s: Math.max(0, Math.floor(r.timestamps.scheduled / 1000)), e: Math.max(0, Math.floor(r.timestamps.end / 1000)) };
}

type Counts = TimelineDelta['counts'][number];

export class TimelineShard {
  private counts = new Map<number, Counts>();
  /** Per end second, per variant index. */
  private seconds = new Map<number, Map<number, VariantSecond>>();
  /** Histograms emptied by take(), reused: a second's worth are allocated every second otherwise. */
  private readonly spare: IntervalHistogram[] = [];

  /** A measured result (warm-up excluded by the caller); `variant` is its index. */
  add(r: ResultRecord, variant: number): void {
    const { s, e } = secondsOf(r);
    this.count(s).sent++;
    if (!r.ok) {
      this.count(e).failed++;
      return;
    }
    this.count(e).completed++;
    let second = this.seconds.get(e);
    if (!second) this.seconds.set(e, (second = new Map()));
    let v = second.get(variant);
    if (!v) second.set(variant, (v = {}));
    recordVariant(v, r, () => this.histogram());
  }

  /** Something was added since the last take(). */
  pending(): boolean {
    return this.counts.size > 0;
  }

  /** What was added since the last take; the shard starts again from empty. */
  take(): TimelineDelta {
    const seconds: SecondDelta[] = [];
    for (const [t, second] of this.seconds) {
      const perVariant: SecondDelta['perVariant'] = [];
      for (const [i, v] of second) {
        const x: SecondDelta['perVariant'][number][1] = {};
        for (const tag of HLOG_TAGS) {
          const h = v[tag];
          if (!h) continue;
          const taken = takeHistogram(h);
          if (taken) x[tag] = taken;
          this.spare.push(h);
        }
        perVariant.push([i, x]);
      }
      seconds.push({ t, perVariant });
    }
    const d = { counts: [...this.counts.values()], seconds };
    this.counts = new Map();
    this.seconds = new Map();
    return d;
  }

  private histogram(): IntervalHistogram {
    return this.spare.pop() ?? newIntervalHistogram();
  }

  private count(t: number): Counts {
    let c = this.counts.get(t);
    if (!c) this.counts.set(t, (c = { t, sent: 0, completed: 0, failed: 0 }));
    return c;
  }
}
