// Hand-made thread snapshots and harness reports for the harness tests: every field a reader uses.
import { harnessReport, type HarnessReport, type HarnessVariant } from '../../src/harness/harness-report.js';
import type { ThreadWatchSnapshot } from '../../src/harness/thread-watch.js';

type Over = Partial<Omit<ThreadWatchSnapshot, 'eventLoopDelayMs' | 'stalls'>> & {
  eventLoopDelayMs?: Partial<ThreadWatchSnapshot['eventLoopDelayMs']>;
  stalls?: Partial<ThreadWatchSnapshot['stalls']>;
};

export function snap(over: Over = {}): ThreadWatchSnapshot {
  const { eventLoopDelayMs, stalls, ...rest } = over;
  return {
    role: 'request',
    threadId: 1,
    measuredMs: 10_000,
    utilization: 0.3,
    cpuMs: 2500,
    ...rest,
    eventLoopDelayMs: { p50: 0.2, p99: 1.5, max: 4, mean: 0.3, ...eventLoopDelayMs },
    stalls: { count: 0, totalMs: 0, maxMs: 0, ...stalls },
  };
}

export const variant = (name: string, results: number, stalledResults = 0, maxStallMs: number | null = null): HarnessVariant => ({
  name,
  results,
  stalledResults,
  maxStallMs,
});

/** A run whose second request thread stalled three times and ran hot: every warning there is. */
export function troubledHarness(): HarnessReport {
  return harnessReport(
    [
      snap({ role: 'grading', threadId: 3, utilization: 0.5 }),
      snap({
        role: 'request',
        threadId: 2,
        utilization: 0.96,
        eventLoopDelayMs: { p50: 3, p99: 14.24, max: 312 },
        stalls: { count: 3, totalMs: 400, maxMs: 312.4 },
      }),
      snap({ role: 'request', threadId: 1 }),
      snap({ role: 'main', threadId: 0, utilization: 0.2, cpuMs: null }),
    ],
    [variant('published', 100, 9, 312.4), variant('draft', 100, 5, 120)],
    { stallMs: 20 },
  );
}
