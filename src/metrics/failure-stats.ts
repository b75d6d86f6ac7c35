// Timings of the requests that did not succeed, apart from the successful ones (GuideLLM's `errored` and
// `incomplete`): a failure's latency says how long a user waited for nothing, and mixed into the
// successful timings a fast 500 would make a slow flow look quick. add() per result, summary() once;
// take() / merge() carry what a thread added to the main thread's total, exactly.
import type { ResultRecord } from '../record/result-record.js';
import { newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';
import { mergeHistograms, takeHistograms, type HistogramDelta } from './histogram-delta.js';

/** The requests of one failure class and their timings (null when none measured it). */
export interface FailedTimings {
  requests: number;
  /** Scheduled to the end of the final attempt, ms (as the successful `latencyMs`). */
  latencyMs: MetricSummary | null;
  /** Scheduled to the first content frame, ms, of those whose final attempt got content. */
  ttftMs: MetricSummary | null;
}

export interface FailureSummary {
  /** Failed requests (ok false) that are not incomplete: refused, broken or failed by the flow. */
  errored: FailedTimings;
  /** Failed requests whose answer was cut short: see `failureClass`. */
  incomplete: FailedTimings;
}

export type FailureClass = 'errored' | 'incomplete';

/** Kinds that end a request whose answer may be under way: a stream or body cut, a timer or a drop. */
const CUT_KINDS = new Set(['timeout', 'reset']);

/**
 * Which failure class a result is in, or null when it succeeded. Incomplete: the stream (or run
 * response) ended before the flow completed (`incomplete_stream`), or the final attempt had received
 * content when it timed out or its connection dropped — the answer began and was cut. Every other
 * failure is errored, so successful + errored + incomplete = requests, as in GuideLLM.
 */
export function failureClass(r: ResultRecord): FailureClass | null {
  if (r.ok) return null;
  const kind = r.error?.kind;
  if (kind === 'incomplete_stream') return 'incomplete';
  if (kind !== undefined && CUT_KINDS.has(kind) && r.timestamps.contentFrames.length > 0) return 'incomplete';
  return 'errored';
}

type FailureHistogram = `${FailureClass}.${'latency' | 'ttft'}`;

export interface FailureStatsDelta {
  requests: Record<FailureClass, number>;
  histograms: Partial<Record<FailureHistogram, HistogramDelta>>;
}

const noRequests = (): Record<FailureClass, number> => ({ errored: 0, incomplete: 0 });

export class FailureStats {
  private readonly h: Record<FailureHistogram, Histogram> = {
    'errored.latency': newHistogram(),
    'errored.ttft': newHistogram(),
    'incomplete.latency': newHistogram(),
    'incomplete.ttft': newHistogram(),
  };
  private requests = noRequests();

  add(r: ResultRecord): void {
    const c = failureClass(r);
    if (c === null) return;
    this.requests[c]++;
    recordMs(this.h[`${c}.latency`], r.latencyMs);
    if (r.ttftMs !== null) recordMs(this.h[`${c}.ttft`], r.ttftMs);
  }

  take(): FailureStatsDelta {
    const d = { requests: this.requests, histograms: takeHistograms(this.h) };
    this.requests = noRequests();
    return d;
  }

  merge(d: FailureStatsDelta): void {
    this.requests.errored += d.requests.errored;
    this.requests.incomplete += d.requests.incomplete;
    mergeHistograms(this.h, d.histograms);
  }

  summary(): FailureSummary {
    const of = (c: FailureClass): FailedTimings => ({
      requests: this.requests[c],
      latencyMs: summarize(this.h[`${c}.latency`]),
      ttftMs: summarize(this.h[`${c}.ttft`]),
    });
    return { errored: of('errored'), incomplete: of('incomplete') };
  }
}
