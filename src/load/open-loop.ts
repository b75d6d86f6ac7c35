// Open loop (k6's constant- and ramping-arrival-rate, wrk2): requests start at scheduled times whatever
// the server does. `maxInFlight` caps requests in flight; a send that finds the cap reached waits for a
// slot, is counted as delayed, and still carries its scheduled time, so its wait counts in its latency.
import { nowMs } from '../clock/clock.js';
import type { Hold } from './closed-loop.js';
import { waitUntil } from './precise-wait.js';
import { Slots } from './slots.js';

/** What the scheduler knew when it handed a request over. */
export interface SendInfo {
  /** Shared-clock ms at which the request was meant to start. */
  scheduledAt: number;
  /** Handed over minus scheduled, ms: the scheduler's own lateness (timer, cap). */
  lagMs: number;
  /** True when the send left late: it waited for a free in-flight slot, or left more than LATE_MS after its time. */
  delayed: boolean;
  /** Closed loop with requests queued ahead: start when a slot frees (the executor stamps the scheduled time). */
  hold?: Hold | null;
}

/** Resolves when the request has finished; `false` means a held request never started. */
export type Send<T> = (item: T, info: SendInfo) => Promise<boolean | void>;

/**
 * A send that leaves more than this after its scheduled time is delayed, whatever held it (the in-flight
 * cap, a busy event loop): one definition, so `delayedSends` counts exactly the results marked `delayed`.
 */
export const LATE_MS = 10;

export interface OpenLoopOptions<T = unknown> {
  /**
   * Send times, ms after `startAt`, non-decreasing (see rate-profile.ts); or each item's own time, read
   * once it is pulled (a replayed trace: null stops the schedule).
   */
  offsets: Iterable<number> | ((item: T) => number | null);
  /** Shared-clock ms of offset 0; default: 1 ms after the first row is read (opening a dataset takes a while). */
  startAt?: number;
  maxInFlight: number;
  /** Stop scheduling when this says so (Ctrl-C). */
  stopped?: () => boolean;
  /**
   * Sends handed over before this many ms after `startAt` count in `inWindow`: with the cap reached,
   * sends leave after their time, so a sweep step's achieved send rate is the ones that left within it.
   */
  windowMs?: number;
}

export interface LoadResult {
  started: number;
  delayed: number;
  maxLagMs: number;
}

export interface OpenLoopResult extends LoadResult {
  /** Shared-clock ms of offset 0, or null when the plan was empty. */
  startAt: number | null;
  /** Sends handed over within `windowMs` of `startAt` (every send without a window). */
  inWindow: number;
}

/** Drives `send` at the offsets until they or the plan run out; resolves when every started request has finished. */
export async function runOpenLoop<T>(plan: AsyncIterator<T>, send: Send<T>, opts: OpenLoopOptions<T>): Promise<OpenLoopResult> {
  const slots = new Slots(opts.maxInFlight);
  const running = new Set<Promise<unknown>>();
  const result: OpenLoopResult = { started: 0, delayed: 0, maxLagMs: 0, startAt: null, inWindow: 0 };
  let startAt = opts.startAt;
  const given = opts.offsets;
  const own = typeof given === 'function' ? given : null;
  for (const fixed of typeof given === 'function' ? forever() : given) {
    if (opts.stopped?.()) break;
    // Pull the row before the wait, so reading the dataset is never on the send path.
    const item = await plan.next();
    if (item.done) break;
    const offset = own === null ? fixed : own(item.value);
    if (offset === null) break;
    startAt ??= nowMs() + 1;
    const scheduledAt = startAt + offset;
    await waitUntil(scheduledAt, opts.stopped);
    if (opts.stopped?.()) break;
    const waited = !slots.free;
    await slots.acquire();
    if (opts.stopped?.()) {
      slots.release();
      break;
    }
    const handedAt = nowMs();
    const lagMs = Math.max(0, handedAt - scheduledAt);
    if (lagMs > result.maxLagMs) result.maxLagMs = lagMs;
    const delayed = waited || lagMs > LATE_MS;
    if (delayed) result.delayed++;
    result.started++;
    if (opts.windowMs === undefined || handedAt < startAt + opts.windowMs) result.inWindow++;
    const p: Promise<unknown> = send(item.value, { scheduledAt, lagMs, delayed })
      .catch(() => undefined) // send() records its own failures; a rejection must not stop the schedule
      .finally(() => {
        slots.release();
        running.delete(p);
      });
    running.add(p);
  }
  await Promise.all(running);
  result.startAt = startAt ?? null;
  return result;
}

/** Stands in for the offsets when each item brings its own. */
function* forever(): Generator<number> {
  for (;;) yield 0;
}
