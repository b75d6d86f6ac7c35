// Waits until a shared-clock time with sub-millisecond accuracy: a timer for the bulk of the wait
// (Node timers fire up to ~1-2 ms late), then setImmediate turns until the time, which keeps I/O flowing.
import { nowMs } from '../clock/clock.js';

/** How early the coarse timer aims, ms: covers its usual lateness. */
const TIMER_MARGIN_MS = 2;

/** Resolves at `atMs` (shared clock) or soon after; at once when it has passed or `stopped()` says so. */
export async function waitUntil(atMs: number, stopped?: () => boolean): Promise<void> {
  let left = atMs - nowMs();
  // Long waits are cut in slices so a stop request is noticed within ~50 ms.
  while (left > TIMER_MARGIN_MS + 1) {
    if (stopped?.()) return;
    await new Promise((r) => setTimeout(r, Math.min(50, Math.floor(left - TIMER_MARGIN_MS))));
    left = atMs - nowMs();
  }
  while (nowMs() < atMs) {
    if (stopped?.()) return;
    await new Promise((r) => setImmediate(r));
  }
}
