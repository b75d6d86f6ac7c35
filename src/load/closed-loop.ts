// Closed loop (k6's constant-vus / shared-iterations): at most `concurrency` requests in flight;
// the next one is scheduled the moment one finishes. Stops at the end of the plan or the duration.
import { nowMs } from '../metrics/clock.js';

export interface ClosedLoopOptions {
  concurrency: number;
  /** Stop starting new requests after this many ms (null: run the whole plan). */
  durationMs: number | null;
  /** Stop starting new requests when this says so (e.g. Ctrl-C). */
  stopped?: () => boolean;
}

/** Drives `send` over the plan; resolves when every started request has finished. */
export async function runClosedLoop<T>(
  plan: AsyncIterator<T>,
  send: (item: T, scheduledAt: number) => Promise<void>,
  opts: ClosedLoopOptions,
): Promise<{ started: number }> {
  const start = nowMs();
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
      await send(item.value, nowMs());
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  return { started };
}
