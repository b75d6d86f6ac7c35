// report.json's `harness` section, pure: the threads' snapshots, how many results each variant had in
// flight during a stall, run-level figures for thresholds, and a plain sentence for each worry.
import { DEFAULT_STALL_MS, type ThreadRole, type ThreadWatchSnapshot } from './thread-watch.js';

export interface HarnessVariant {
  name: string;
  /** Results that were in flight during a stall of their request thread. */
  stalledResults: number;
  /** The longest stall any of them overlapped (ms); null when none did. */
  maxStallMs: number | null;
  results: number;
}

export interface HarnessReport {
  /** The configured stall threshold (ms). */
  stallMs: number;
  /** Main first, then request, grading and token threads, each by thread id. */
  threads: ThreadWatchSnapshot[];
  /** Over the threads that time requests; null figures when there were none. */
  requestThreads: {
    /** The largest event-loop delay p99 of any of them (p99s do not merge; the worst one bounds them). */
    delayP99Ms: number | null;
    delayMaxMs: number | null;
    /** The longest stall (0 when none). */
    maxStallMs: number | null;
    stalls: number;
  };
  stalledResults: number;
  variants: HarnessVariant[];
  warnings: string[];
}

/** Above this request-thread delay p99 (ms), timings carry the harness's own lateness. */
export const DELAY_P99_LIMIT_MS = 10;
/** Above this event-loop utilisation a thread has no slack left: the client may be the bottleneck. */
export const BUSY_UTILIZATION = 0.9;

const ORDER: Record<ThreadRole, number> = { main: 0, request: 1, grading: 2, tokens: 3 };

const fmtMs = (v: number) => `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10} ms`;
const fmtPct = (v: number) => `${Math.round(v * 100)}%`;
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);
const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : null);

/**
 * The threads that time requests: the request threads, or the main thread when the run had none
 * (`--threads 0` runs requests on the main thread).
 */
function timingThreads(threads: ThreadWatchSnapshot[]): ThreadWatchSnapshot[] {
  const request = threads.filter((t) => t.role === 'request');
  return request.length ? request : threads.filter((t) => t.role === 'main');
}

function busyWarnings(threads: ThreadWatchSnapshot[]): string[] {
  const out: string[] = [];
  const main = threads.filter((t) => t.role === 'main' && t.utilization > BUSY_UTILIZATION);
  for (const t of main)
    out.push(`the main thread was busy ${fmtPct(t.utilization)} of the time (over ${fmtPct(BUSY_UTILIZATION)}): the client may be the bottleneck`);
  const request = threads.filter((t) => t.role === 'request');
  const busy = request.filter((t) => t.utilization > BUSY_UTILIZATION);
  if (busy.length === 1) {
    const who = request.length === 1 ? 'the request thread' : `1 of ${request.length} request threads`;
    out.push(`${who} was busy ${fmtPct(busy[0]!.utilization)} of the time (over ${fmtPct(BUSY_UTILIZATION)}): the client may be the bottleneck`);
  } else if (busy.length > 1) {
    const worst = Math.max(...busy.map((t) => t.utilization));
    out.push(
      `${busy.length} of ${request.length} request threads were busy over ${fmtPct(BUSY_UTILIZATION)} of the time (busiest ${fmtPct(worst)}): the client may be the bottleneck`,
    );
  }
  return out;
}

export function harnessReport(
  threads: ThreadWatchSnapshot[],
  variants: HarnessVariant[],
  opts: { stallMs: number } = { stallMs: DEFAULT_STALL_MS },
): HarnessReport {
  const sorted = [...threads].sort((a, b) => ORDER[a.role] - ORDER[b.role] || a.threadId - b.threadId);
  const timing = timingThreads(sorted);
  const requestThreads = {
    delayP99Ms: maxOf(timing.map((t) => t.eventLoopDelayMs.p99)),
    delayMaxMs: maxOf(timing.map((t) => t.eventLoopDelayMs.max)),
    maxStallMs: maxOf(timing.map((t) => t.stalls.maxMs)),
    stalls: timing.reduce((n, t) => n + t.stalls.count, 0),
  };
  const stalledResults = variants.reduce((n, v) => n + v.stalledResults, 0);
  const results = variants.reduce((n, v) => n + v.results, 0);
  const onMain = timing[0]?.role === 'main';
  const warnings: string[] = [];
  if (requestThreads.stalls > 0) {
    const longest = requestThreads.maxStallMs ?? 0;
    // A result is inflated by no more than the longest stall it overlapped, when the variants say.
    const overlapped = maxOf(variants.flatMap((v) => (v.maxStallMs === null ? [] : [v.maxStallMs]))) ?? longest;
    const where = onMain ? 'on the main thread, which timed the requests' : 'on its request threads';
    warnings.push(
      `the harness stalled ${times(requestThreads.stalls)} ${where} (longest ${fmtMs(longest)}): ${
        stalledResults
          ? `${stalledResults} of ${results} results were in flight during a stall and may be inflated by up to ${fmtMs(overlapped)}`
          : `none of the ${results} results was in flight during one`
      }`,
    );
  }
  if (requestThreads.delayP99Ms !== null && requestThreads.delayP99Ms > DELAY_P99_LIMIT_MS) {
    warnings.push(
      `${onMain ? "the main thread's" : "the request threads'"} event-loop delay p99 was ${fmtMs(requestThreads.delayP99Ms)} (over ${fmtMs(DELAY_P99_LIMIT_MS)}; max ${fmtMs(requestThreads.delayMaxMs ?? 0)}): ` +
        `timings may be inflated by up to ${fmtMs(requestThreads.delayMaxMs ?? requestThreads.delayP99Ms)}`,
    );
  }
  warnings.push(...busyWarnings(sorted));
  return { stallMs: opts.stallMs, threads: sorted, requestThreads, stalledResults, variants, warnings };
}

export type HarnessMetric = 'harness_stall_ms' | 'harness_delay_p99_ms';

/** A run-level figure for thresholds; null when the run was not watched (an older report, or no threads). */
export function harnessMetric(h: HarnessReport | null | undefined, metric: HarnessMetric): number | null {
  if (!h) return null;
  return metric === 'harness_stall_ms' ? h.requestThreads.maxStallMs : h.requestThreads.delayP99Ms;
}
