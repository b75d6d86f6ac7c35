// One thread watching itself (main, request, grading or token thread): event-loop delay, utilisation, its
// own CPU time and stalls, since start or the last reset(), as a structured-cloneable snapshot.
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { nowMs } from '../clock/clock.js';
import { STALL_PERIOD_MS, startStallDetector, type Stall, type StallTally } from './stall-detector.js';
import { threadCpuReader } from './thread-cpu.js';

/** `tokens`: the thread that counts output tokens a server did not report (metrics/token-thread.ts). */
export type ThreadRole = 'main' | 'request' | 'grading' | 'tokens';

export interface ThreadWatchOptions {
  role: ThreadRole;
  /** A gap in the event loop longer than the timer's period by more than this is a stall (ms; default 20). */
  stallMs?: number;
  /** Called on this thread as each stall is seen (at its end), e.g. to mark the results in flight. */
  onStall?: (s: Stall) => void;
}

export interface ThreadWatchSnapshot {
  role: ThreadRole;
  threadId: number;
  /** Wall time the figures cover (ms). */
  measuredMs: number;
  /** How late the thread's timers fired (ms). */
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
  /** Share of the time the event loop was running code rather than waiting (0..1). */
  utilization: number;
  /** CPU time of this thread alone (ms); null where the platform cannot tell. */
  cpuMs: number | null;
  stalls: StallTally;
}

export interface ThreadWatch {
  snapshot(): ThreadWatchSnapshot;
  /** Starts the figures afresh (when the run's clock starts, so start-up is left out). */
  reset(): void;
  /** Stops watching; snapshot() then keeps returning the figures as they were at stop. */
  stop(): void;
}

export const DEFAULT_STALL_MS = 20;
const RESOLUTION_MS = STALL_PERIOD_MS;

// The histogram records the whole interval between its timer's firings, resolution included (an idle
// loop reads about 10 ms): the delay is what exceeds the resolution.
const delayMs = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
const round3 = (v: number) => Math.round(v * 1000) / 1000;
const roundTally = (t: StallTally): StallTally => ({ count: t.count, totalMs: round3(t.totalMs), maxMs: round3(t.maxMs) });

export function startThreadWatch(opts: ThreadWatchOptions): ThreadWatch {
  const stallMs = opts.stallMs ?? DEFAULT_STALL_MS;
  const stalls = startStallDetector(stallMs, opts.onStall);
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const cpu = threadCpuReader();
  let since = nowMs();
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let cpuBase = cpu();
  let final: ThreadWatchSnapshot | null = null;

  const snapshot = (): ThreadWatchSnapshot => {
    const cpuNow = cpu();
    const empty = delay.count === 0; // an empty histogram reads NaN and nonsense percentiles
    return {
      role: opts.role,
      threadId,
      measuredMs: round3(nowMs() - since),
      eventLoopDelayMs: {
        p50: empty ? 0 : round3(delayMs(delay.percentile(50))),
        p99: empty ? 0 : round3(delayMs(delay.percentile(99))),
        max: empty ? 0 : round3(delayMs(delay.max)),
        mean: empty ? 0 : round3(delayMs(delay.mean)),
      },
      utilization: round3(performance.eventLoopUtilization(elu).utilization),
      cpuMs: cpuNow === null || cpuBase === null ? null : round3(cpuNow - cpuBase),
      stalls: roundTally(stalls.tally()),
    };
  };

  return {
    snapshot: () => final ?? snapshot(),
    reset() {
      if (final) return;
      stalls.reset();
      delay.reset();
      since = nowMs();
      elu = performance.eventLoopUtilization();
      cpuBase = cpu();
    },
    stop() {
      if (final) return;
      final = snapshot();
      stalls.stop();
      delay.disable();
    },
  };
}
