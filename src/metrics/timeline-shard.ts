// The thread side of the timeline, and the rules both sides count by: per second and variant, the counts
// (sent, completed, failed, output tokens) and interval histograms (latency, TTFT, TTFB, ITL, TPOT) of the
// results a thread completed since its last take(), for the main thread's Timeline to merge.
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

export const COUNT_KEYS = ['sent', 'completed', 'failed', 'outputTokens'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

/** A successful result's values per .hlog tag, in ms (the same ones VariantStats / StreamStats summarise). */
function hlogValues(r: ResultRecord, record: (tag: HlogTag, ms: number) => void): void {
  record('latency', r.latencyMs);
  if (r.ttftMs !== null) record('ttft', r.ttftMs);
  if (r.ttfbMs !== null) record('ttfb', r.ttfbMs);
  for (const gap of interTokenLatencies(r.timestamps.contentFrames)) record('itl', gap);
  const tpot = timePerOutputToken(r.latencyMs, r.ttftMs, (r.outputTokens ?? legacyOutputTokens(r)).count);
  if (tpot !== null) record('tpot', tpot);
}

/** Records a successful result's .hlog timings into its variant's histograms for its end second. */
export function recordVariant(v: VariantSecond, r: ResultRecord, alloc: () => IntervalHistogram = newIntervalHistogram): void {
  hlogValues(r, (tag, ms) => recordIntervalMs((v[tag] ??= alloc()), ms));
}

const second = (ms: number) => Math.max(0, Math.floor(ms / 1000));

/** The second whose histograms a successful result goes into: the one it ended in. */
export const endSecond = (r: ResultRecord) => second(r.timestamps.end);

/**
 * The one counting rule: `sent` by scheduled second, `completed` / `failed` by end second, and a
 * success's output tokens spread over its content frames (at its end when it has none, as in run mode).
 * Tokens are whole: frame i of n gets floor((i+1)·T/n) − floor(i·T/n), so the seconds add up to T
 * exactly and integer sums come out the same in any order (threads, merge, rebuild).
 */
export function countResult(r: ResultRecord, count: (t: number, key: CountKey, n: number) => void): void {
  count(second(r.timestamps.scheduled), 'sent', 1);
  count(endSecond(r), r.ok ? 'completed' : 'failed', 1);
  if (!r.ok) return;
  const tokens = Math.round((r.outputTokens ?? legacyOutputTokens(r)).count);
  if (!(tokens > 0)) return;
  const frames = r.timestamps.contentFrames.length ? r.timestamps.contentFrames : [r.timestamps.end];
  const n = frames.length;
  let t = second(frames[0]!);
  let run = 0;
  for (let i = 0; i < n; i++) {
    const s = second(frames[i]!);
    if (s !== t) {
      if (run) count(t, 'outputTokens', run);
      t = s;
      run = 0;
    }
    run += Math.floor(((i + 1) * tokens) / n) - Math.floor((i * tokens) / n);
  }
  if (run) count(t, 'outputTokens', run);
}

/** One second's counts for one variant index. */
export interface SecondCounts extends Record<CountKey, number> {
  t: number;
  variant: number;
}

/** One second's histograms for one variant index with a success ending in it (tags without values left out). */
export interface SecondDelta {
  t: number;
  variant: number;
  histograms: Partial<Record<HlogTag, HistogramDelta>>;
}

/** What a TimelineShard added since its last take(), structured-cloneable. */
export interface TimelineDelta {
  counts: SecondCounts[];
  seconds: SecondDelta[];
}

/** Adds a second's delta into a variant's open histograms, as recordVariant would have. */
export function mergeVariantSecond(v: VariantSecond, d: SecondDelta, alloc: () => IntervalHistogram = newIntervalHistogram): void {
  for (const tag of HLOG_TAGS) {
    const h = d.histograms[tag];
    if (h) mergeHistogram(h, (v[tag] ??= alloc()));
  }
}

export class TimelineShard {
  /** Per second, per variant index. */
  private counts = new Map<number, SecondCounts[]>();
  private seconds = new Map<number, VariantSecond[]>();
  /** Histograms emptied by take(), reused: a second's worth are allocated every second otherwise. */
  private readonly spare: IntervalHistogram[] = [];

  /** A measured result (warm-up excluded by the caller); `variant` is its index. */
  add(r: ResultRecord, variant: number): void {
    countResult(r, (t, key, n) => {
      let at = this.counts.get(t);
      if (!at) this.counts.set(t, (at = []));
      (at[variant] ??= { t, variant, sent: 0, completed: 0, failed: 0, outputTokens: 0 })[key] += n;
    });
    if (!r.ok) return;
    const e = endSecond(r);
    let at = this.seconds.get(e);
    if (!at) this.seconds.set(e, (at = []));
    recordVariant((at[variant] ??= {}), r, () => this.spare.pop() ?? newIntervalHistogram());
  }

  /** Something was added since the last take(). */
  pending(): boolean {
    return this.counts.size > 0;
  }

  /** What was added since the last take; the shard starts again from empty. */
  take(): TimelineDelta {
    const seconds: SecondDelta[] = [];
    for (const [t, at] of this.seconds) {
      at.forEach((v, variant) => {
        const histograms: SecondDelta['histograms'] = {};
        for (const tag of HLOG_TAGS) {
          const h = v[tag];
          if (!h) continue;
          const taken = takeHistogram(h);
          if (taken) histograms[tag] = taken;
          this.spare.push(h);
        }
        seconds.push({ t, variant, histograms });
      });
    }
    // forEach skips the holes of the sparse per-variant arrays.
    const counts: SecondCounts[] = [];
    for (const at of this.counts.values()) at.forEach((c) => counts.push(c));
    this.counts = new Map();
    this.seconds = new Map();
    return { counts, seconds };
  }
}
