// Stalls of the calling thread's event loop: a repeating timer compares each firing with the last on
// the shared clock; a gap longer than the period by more than stallMs is time the thread ran nothing.
import { nowMs } from '../clock/clock.js';

/** A stretch in which this thread's event loop ran nothing; times on the shared clock (ms). */
export interface Stall {
  startAt: number;
  endAt: number;
  /** endAt - startAt: an upper bound of the stall (the last firing may have come a little before it began). */
  gapMs: number;
}

export interface StallTally {
  count: number;
  totalMs: number;
  /** 0 when there was none. */
  maxMs: number;
}

export interface StallDetector {
  /** Closes the gap open since the last firing (a stall that ended just now counts), then tallies. */
  tally(): StallTally;
  /** Forgets every stall so far; gaps are measured from now on. */
  reset(): void;
  stop(): void;
}

/**
 * The timer's period: the event-loop delay histogram's resolution (thread-watch.ts), so both timers
 * fall due on the same wake-up of an idle thread (a wake-up costs far more than the callback). A gap
 * overstates its stall by at most one period.
 */
export const STALL_PERIOD_MS = 10;

/** The stall between two firings, or null when the gap is within the period plus stallMs. */
export function gapStall(lastAt: number, now: number, periodMs: number, stallMs: number): Stall | null {
  const gapMs = now - lastAt;
  return gapMs - periodMs > stallMs ? { startAt: lastAt, endAt: now, gapMs } : null;
}

export function startStallDetector(stallMs: number, onStall?: (s: Stall) => void): StallDetector {
  if (!Number.isFinite(stallMs) || stallMs < 0) throw new RangeError(`stallMs must be a non-negative number of ms, got ${stallMs}`);
  const periodMs = STALL_PERIOD_MS;
  let last = nowMs();
  let count = 0;
  let totalMs = 0;
  let maxMs = 0;
  const check = () => {
    const now = nowMs();
    const s = gapStall(last, now, periodMs, stallMs);
    last = now;
    if (!s) return;
    count++;
    totalMs += s.gapMs;
    if (s.gapMs > maxMs) maxMs = s.gapMs;
    onStall?.(s);
  };
  // Unref'd: watching a thread must never be what keeps it alive.
  const timer = setInterval(check, periodMs);
  timer.unref();
  let stopped = false;
  return {
    tally() {
      if (!stopped) check();
      return { count, totalMs, maxMs };
    },
    reset() {
      last = nowMs();
      count = totalMs = maxMs = 0;
    },
    stop() {
      if (stopped) return;
      check();
      stopped = true;
      clearInterval(timer);
    },
  };
}
