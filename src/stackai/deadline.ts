// A total-time deadline for one request: aborts a signal when the time is up and remembers that it did.
import type { EventEmitter } from 'node:events';
import { nowMs } from '../metrics/clock.js';
import { AbortFlag } from './abort-flag.js';

export class Deadline {
  readonly controller = new AbortFlag();
  /** True once the deadline aborted the signal: the only source of aborts, so the failure is a timeout. */
  fired = false;
  private readonly endsBy: number;
  private timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.endsBy = nowMs() + ms;
    this.timer = this.arm(ms);
  }

  get signal(): EventEmitter {
    return this.controller.signal;
  }

  /** Brings the deadline forward to `ms` from now; never pushes it past the original end. */
  shorten(ms: number): void {
    clearTimeout(this.timer);
    this.timer = this.arm(Math.max(0, Math.min(ms, this.endsBy - nowMs())));
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  private arm(ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      this.fired = true;
      this.controller.abort(new DOMException('flowbench total timeout', 'AbortError'));
    }, ms);
  }
}
