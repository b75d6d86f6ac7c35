// Closed loop (k6's constant-vus / shared-iterations): at most `concurrency` requests in flight;
// the next one is scheduled the moment one finishes. Stops at the end of the plan or the duration.
import { nowMs } from '../clock/clock.js';

export interface ClosedLoopOptions {
  concurrency: number;
  /** Stop starting new requests after this many ms (null: run the whole plan). */
  durationMs: number | null;
  /** Stop starting new requests when this says so (e.g. Ctrl-C). */
  stopped?: () => boolean;
  /**
   * Requests handed over ahead of time, beyond `concurrency` (default 0). When > 0, every send is
   * held: the executor starts it the moment one of its `concurrency` slots frees, so the next request
   * never waits for this scheduler to hear that the last one finished (a thread hop per request).
   */
  queued?: number;
}

/** A held send: start when fewer than `concurrency` of this loop's requests run, never at or after `notAfter`. */
export interface Hold {
  concurrency: number;
  /** Shared-clock ms after which a held request must not start (the duration's end), or null. */
  notAfter: number | null;
}

/** Sends resolve when the request has finished; `false` means a held request never started. */
export type ClosedSend<T> = (item: T, scheduledAt: number, hold: Hold | null) => Promise<boolean | void>;

/** Drives `send` over the plan; resolves when every started request has finished. */
export async function runClosedLoop<T>(plan: AsyncIterator<T>, send: ClosedSend<T>, opts: ClosedLoopOptions): Promise<{ started: number }> {
  const start = nowMs();
  const queued = Math.max(0, Math.floor(opts.queued ?? 0));
  const hold: Hold | null = queued > 0 ? { concurrency: opts.concurrency, notAfter: opts.durationMs === null ? null : start + opts.durationMs } : null;
  let started = 0;
  let exhausted = false;
  // The plan is an async iterator: pulls from several lanes must not interleave.
  let pulling: Promise<unknown> = Promise.resolve();
  const next = (): Promise<IteratorResult<T>> => {
    const p = pulling.then(() => plan.next());
    pulling = p.catch(() => undefined);
    return p;
  };
  const lane = async (): Promise<void> => {
    for (;;) {
      if (exhausted || opts.stopped?.()) return;
      if (opts.durationMs !== null && nowMs() - start >= opts.durationMs) return;
      const item = await next();
      if (item.done) {
        exhausted = true;
        return;
      }
      started++;
      if ((await send(item.value, nowMs(), hold)) === false) {
        started--; // held past the end (or the stop): it never ran, and neither will this lane's next
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency + queued }, lane));
  return { started };
}
