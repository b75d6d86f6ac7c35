// The page's timeline: report.json's `timeline` (computed once, during the run: metrics/timeline.ts)
// laid out as columns per variant for uPlot. Nothing is recomputed here; counts become rates by
// dividing by the bucket's width.
import type { TimelineBucket } from '../../metrics/timeline.js';
import type { Report } from '../report-model.js';

/** Columns aligned on `t` (seconds since the run started, bucket start). null = nothing measured. */
export interface TimelineSeries {
  variant: string;
  /** Successful requests that ended in the bucket, per second. */
  throughput: number[];
  /** Failed requests that ended in the bucket. */
  errors: number[];
  /** Requests in flight at the bucket's end (scheduled → end). */
  inFlight: number[];
  latencyP50: (number | null)[];
  latencyP99: (number | null)[];
  /** Output tokens per second over the bucket. */
  outputTokensPerS: number[];
}

export interface Timeline {
  bucketMs: number;
  t: number[];
  series: TimelineSeries[];
}

/** Reports of flowbench before per-variant timelines have buckets for all variants together, without these. */
type Bucket = Omit<TimelineBucket, 'variant' | 'widthS' | 'outputTokens'> & Partial<Pick<TimelineBucket, 'variant' | 'widthS' | 'outputTokens'>>;

const rate = (n: number, widthS: number) => Math.round((n / widthS) * 1000) / 1000;

/** Null when the report has no buckets. */
export function pageTimeline(report: Pick<Report, 'timeline'>): Timeline | null {
  const buckets: Bucket[] = report.timeline ?? [];
  if (!buckets.length) return null;
  const widthS = buckets[0]!.widthS ?? 1;
  const t = [...new Set(buckets.map((b) => b.t))].sort((a, b) => a - b);
  const at = new Map(t.map((x, i) => [x, i]));
  const series = new Map<string, TimelineSeries>();
  for (const b of buckets) {
    const name = b.variant ?? 'all variants';
    let s = series.get(name);
    if (!s) {
      const zeros = () => t.map(() => 0);
      series.set(
        name,
        (s = {
          variant: name,
          throughput: zeros(),
          errors: zeros(),
          inFlight: zeros(),
          latencyP50: t.map(() => null),
          latencyP99: t.map(() => null),
          outputTokensPerS: zeros(),
        }),
      );
    }
    const i = at.get(b.t)!;
    s.throughput[i] = rate(b.completed, widthS);
    s.errors[i] = b.failed;
    s.inFlight[i] = b.inFlight;
    s.latencyP50[i] = b.latencyP50Ms;
    s.latencyP99[i] = b.latencyP99Ms;
    s.outputTokensPerS[i] = rate(b.outputTokens ?? 0, widthS);
  }
  return { bucketMs: widthS * 1000, t, series: [...series.values()] };
}
