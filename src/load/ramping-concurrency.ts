// Ramping concurrency (k6's ramping-vus, Artillery-style stages for in-flight requests): the number of
// requests kept in flight follows the stages linearly; when it drops, running requests finish first.
import { nowMs } from '../clock/clock.js';
import type { LoadResult, Send } from './open-loop.js';
import { Slots } from './slots.js';

export interface ConcurrencyStage {
  from: number;
  to: number;
  durationMs: number;
}

/** In-flight target at `tMs` after the start (rounded to a whole request), or null once the stages are over. */
export function concurrencyAt(stages: readonly ConcurrencyStage[], tMs: number): number | null {
  let start = 0;
  for (const s of stages) {
    if (tMs < start + s.durationMs) {
      const frac = s.durationMs > 0 ? (tMs - start) / s.durationMs : 1;
      return Math.round(s.from + (s.to - s.from) * frac);
    }
    start += s.durationMs;
  }
  return null;
}

/** How often the target is re-read: fine enough for ramps measured in seconds. */
const TICK_MS = 20;

export interface RampingConcurrencyOptions {
  stages: ConcurrencyStage[];
  startAt: number;
  /** Stop early after this many ms (a duration cap), or null. */
  durationMs: number | null;
  stopped?: () => boolean;
}

/** Resolves when the stages are over (or the plan, or stopped) and every started request has finished. */
export async function runRampingConcurrency<T>(plan: AsyncIterator<T>, send: Send<T>, opts: RampingConcurrencyOptions): Promise<LoadResult> {
  const slots = new Slots(Math.max(0, concurrencyAt(opts.stages, 0) ?? 0));
  const running = new Set<Promise<unknown>>();
  const result: LoadResult = { started: 0, delayed: 0, maxLagMs: 0 };
  let over = false;
  const target = (): number | null => {
    const t = nowMs() - opts.startAt;
    if (opts.durationMs !== null && t >= opts.durationMs) return null;
    return concurrencyAt(opts.stages, t);
  };
  const ticker = setInterval(() => {
    const c = target();
    if (c === null || opts.stopped?.()) {
      over = true;
      slots.resize(Number.MAX_SAFE_INTEGER); // wake a waiting acquire so the loop can see it is over
    } else {
      slots.resize(c);
    }
  }, TICK_MS);
  try {
    for (;;) {
      await slots.acquire();
      if (over || opts.stopped?.() || target() === null) {
        slots.release();
        break;
      }
      const item = await plan.next();
      if (item.done) {
        slots.release();
        break;
      }
      result.started++;
      const p: Promise<unknown> = send(item.value, { scheduledAt: nowMs(), lagMs: 0, delayed: false })
        .catch(() => undefined)
        .finally(() => {
          slots.release();
          running.delete(p);
        });
      running.add(p);
    }
  } finally {
    clearInterval(ticker);
  }
  await Promise.all(running);
  return result;
}
