// The GenAI-Perf-style plots of report.html, from results.jsonl as it streams past: TTFT against
// input length, latency against output tokens, inter-token gap by token position. Computed here so the
// page only draws; bounded in memory and in page size by sampling results (every k-th per variant).
// Output tokens per second over time is a series of the run's timeline (report.json), not made here.
import { legacyOutputTokens } from '../../metrics/output-tokens.js';
import { interTokenLatencies } from '../../metrics/timings.js';
import type { ResultRecord } from '../../record/result-record.js';

/** Results kept per variant for the scatter and ITL plots; past it, every 2nd, 4th, … result is kept. */
export const PLOT_SAMPLE = 2000;
/** Token positions kept per result for the ITL plot (a longer answer's later gaps are left out). */
export const ITL_POSITIONS = 10_000;
/** At most this many token-position buckets on the ITL plot (wider buckets for long answers). */
const ITL_BUCKETS = 60;

export interface ScatterSeries {
  variant: string;
  /** Points sorted by x, then y. */
  x: number[];
  y: number[];
}

export interface PlotData {
  /** Per variant: successful results seen, results kept for the per-request plots, and the stride. */
  sample: { variant: string; results: number; kept: number; every: number }[];
  /** Input length of the TTFT plot: tokens when every kept result with a TTFT has inputTokens. */
  inputUnit: 'tokens' | 'characters';
  ttftByInput: ScatterSeries[];
  latencyByOutputTokens: ScatterSeries[];
  /** x: first token position of each bucket (2 = the gap between the 1st and 2nd content frame). */
  itl: { width: number; x: number[]; series: { variant: string; p50: (number | null)[]; p95: (number | null)[]; n: number[] }[] } | null;
}

interface Kept {
  inputChars: number;
  inputTokens: number | null;
  ttft: number | null;
  tokens: number;
  latency: number;
  gaps: Float64Array;
}

/** Every `every`-th item in arrival order, with `every` doubling whenever more than `cap` are held. */
export class StrideSample<T> {
  private items: { i: number; v: T }[] = [];
  private seen = 0;
  every = 1;

  constructor(private readonly cap: number) {}

  /** Counts one item; `make` builds it only when it is kept. */
  add(make: () => T): void {
    const i = this.seen++;
    if (i % this.every !== 0) return;
    this.items.push({ i, v: make() });
    if (this.items.length > this.cap) {
      this.every *= 2;
      this.items = this.items.filter((x) => x.i % this.every === 0);
    }
  }

  get count(): number {
    return this.seen;
  }

  values(): T[] {
    return this.items.map((x) => x.v);
  }
}

/** Characters of the flow inputs' values (strings as they are, other values as JSON). */
export function inputChars(inputs: Record<string, unknown> | null | undefined): number {
  let n = 0;
  for (const v of Object.values(inputs ?? {})) n += typeof v === 'string' ? v.length : (JSON.stringify(v) ?? '').length;
  return n;
}

const tenth = (v: number) => Math.round(v * 10) / 10;

/** 1, 2, 5, 10, 20, 50, … : the smallest that fits `positions` into ITL_BUCKETS buckets. */
function niceWidth(positions: number): number {
  for (let d = 1; ; d *= 10) for (const s of [1, 2, 5]) if (positions / (d * s) <= ITL_BUCKETS) return d * s;
}

function scatter(variant: string, pts: [number, number][]): ScatterSeries {
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { variant, x: pts.map((p) => p[0]), y: pts.map((p) => p[1]) };
}

export class PlotBuilder {
  private readonly kept = new Map<string, StrideSample<Kept>>();

  constructor(private readonly variantOrder: string[]) {}

  add(r: ResultRecord): void {
    if (!r.ok || r.warmup) return;
    let s = this.kept.get(r.variant);
    if (!s) this.kept.set(r.variant, (s = new StrideSample<Kept>(PLOT_SAMPLE)));
    const tokens = (r.outputTokens ?? legacyOutputTokens(r)).count;
    const frames = r.timestamps?.contentFrames ?? [];
    s.add(() => {
      // The gaps as metrics/ defines them (timings.ts), held compactly.
      const gaps = Float64Array.from(interTokenLatencies(frames.length > ITL_POSITIONS ? frames.slice(0, ITL_POSITIONS) : frames));
      return { inputChars: inputChars(r.inputs), inputTokens: r.inputTokens?.count ?? null, ttft: r.ttftMs, tokens, latency: r.latencyMs, gaps };
    });
  }

  private names(keys: Iterable<string>): string[] {
    const have = new Set(keys);
    return [...this.variantOrder.filter((v) => have.has(v)), ...[...have].filter((v) => !this.variantOrder.includes(v))];
  }

  build(): PlotData {
    const variants = this.names(this.kept.keys());
    const kept = new Map(variants.map((v) => [v, this.kept.get(v)!.values()]));
    const withTtft = [...kept.values()].flat().filter((k) => k.ttft !== null);
    const inputUnit = withTtft.length && withTtft.every((k) => k.inputTokens !== null) ? 'tokens' : 'characters';
    const ttftByInput = variants.map((v) =>
      scatter(
        v,
        kept
          .get(v)!
          .filter((k) => k.ttft !== null)
          .map((k) => [inputUnit === 'tokens' ? k.inputTokens! : k.inputChars, tenth(k.ttft!)]),
      ),
    );
    const latencyByOutputTokens = variants.map((v) =>
      scatter(
        v,
        kept.get(v)!.map((k) => [k.tokens, tenth(k.latency)]),
      ),
    );
    return {
      sample: variants.map((v) => ({ variant: v, results: this.kept.get(v)!.count, kept: kept.get(v)!.length, every: this.kept.get(v)!.every })),
      inputUnit,
      ttftByInput: ttftByInput.filter((s) => s.x.length),
      latencyByOutputTokens: latencyByOutputTokens.filter((s) => s.x.length),
      itl: this.itl(variants, kept),
    };
  }

  private itl(variants: string[], kept: Map<string, Kept[]>): PlotData['itl'] {
    const longest = Math.max(0, ...[...kept.values()].flat().map((k) => k.gaps.length));
    if (!longest) return null;
    // Gap i (0-based) ends the (i + 2)-th content frame: token positions 2 … longest + 1.
    const width = niceWidth(longest);
    const nb = Math.ceil(longest / width);
    const x = Array.from({ length: nb }, (_, b) => 2 + b * width);
    const series = variants
      .map((variant) => {
        const buckets: number[][] = Array.from({ length: nb }, () => []);
        for (const k of kept.get(variant)!) for (let i = 0; i < k.gaps.length; i++) buckets[Math.floor(i / width)]!.push(k.gaps[i]!);
        for (const b of buckets) b.sort((p, q) => p - q);
        return {
          variant,
          p50: buckets.map((b) => (b.length ? tenth(nearestRank(b, 50)) : null)),
          p95: buckets.map((b) => (b.length ? tenth(nearestRank(b, 95)) : null)),
          n: buckets.map((b) => b.length),
        };
      })
      .filter((s) => s.n.some((n) => n > 0));
    return series.length ? { width, x, series } : null;
  }
}

/** Nearest-rank percentile of sorted values (p in 0…100). */
export function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
