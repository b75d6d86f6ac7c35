// One timer for every stream's next frame. With 1,000 streams a setTimeout per frame per stream costs a
// Timeout object and, since the waits are fractional ms, a timer list of its own each time; here the
// waiting streams sit in one binary heap ordered by due time and a single setTimeout is armed for the
// earliest. When it fires, every stream that is due is served in due order in the same turn.
import { nowMs } from '../clock/clock.js';

/** Node timers can fire up to ~1 ms early against the shared clock: a frame is due within this of its time. */
export const EARLY_MS = 0.05;

/** A waiter: `fire()` is called once, when the shared clock reaches `dueAt` (ms). */
export interface Due {
  dueAt: number;
  /** Its index in the heap, -1 when not scheduled (owned by the clock). */
  slot: number;
  fire(): void;
}

export class FrameClock {
  private readonly heap: Due[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The due time the armed timer was set for (Infinity: none armed). */
  private armedFor = Infinity;

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `d` (once: rescheduling a waiter that is still scheduled moves it). */
  schedule(d: Due): void {
    if (d.slot >= 0) this.cancel(d);
    d.slot = this.heap.length;
    this.heap.push(d);
    this.up(d.slot);
    if (d.dueAt < this.armedFor) this.arm(d.dueAt);
  }

  cancel(d: Due): void {
    const i = d.slot;
    if (i < 0) return;
    d.slot = -1;
    const last = this.heap.pop()!;
    if (last !== d) {
      this.heap[i] = last;
      last.slot = i;
      this.down(i);
      this.up(i);
    }
    if (this.heap.length === 0 && this.timer !== undefined) {
      // Nothing left to wait for: an armed timer would only hold the event loop open.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.armedFor = Infinity;
    }
    // Otherwise an early timer is harmless: tick() re-arms for whatever is left.
  }

  private arm(dueAt: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedFor = dueAt;
    this.timer = setTimeout(this.tick, Math.max(1, dueAt - nowMs()));
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    let now = nowMs();
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (top.dueAt - now > EARLY_MS) {
        now = nowMs(); // serving the due ones took time: look again before sleeping
        if (top.dueAt - now > EARLY_MS) break;
      }
      this.cancel(top);
      top.fire();
    }
    if (this.heap.length > 0) this.arm(this.heap[0]!.dueAt);
  };

  private up(i: number): void {
    const h = this.heap;
    const d = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.dueAt <= d.dueAt) break;
      h[i] = h[p]!;
      h[i]!.slot = i;
      i = p;
    }
    h[i] = d;
    d.slot = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const d = h[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && h[c + 1]!.dueAt < h[c]!.dueAt) c++;
      if (h[c]!.dueAt >= d.dueAt) break;
      h[i] = h[c]!;
      h[i]!.slot = i;
      i = c;
    }
    h[i] = d;
    d.slot = i;
  }
}

/** The simulator's one clock (per thread: each simulator thread or process has its own module instance). */
export const frameClock = new FrameClock();
