// The time limits of one request: total, first byte (response headers) and idle (no frame or keep-alive
// line for too long). One abort signal for all; remembers which limit fired so the error can say so.
import { nowMs } from '../clock/clock.js';
import { AbortFlag } from './abort-flag.js';

export type TimeoutReason = 'total' | 'first_byte' | 'idle';

export interface TimeoutLimits {
  totalMs: number;
  /** From send until the response headers; null: only the total applies. */
  firstByteMs?: number | null;
  /** From the headers, and again after every frame or keep-alive line; null: only the total applies. */
  idleMs?: number | null;
}

export class RequestTimers {
  readonly controller = new AbortFlag();
  /** Which limit aborted the signal: the only source of aborts, so the failure is a timeout of that kind. */
  fired: TimeoutReason | null = null;
  readonly limits: TimeoutLimits;
  private readonly endsBy: number;
  private total: NodeJS.Timeout;
  private firstByte: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private idleOn = false;
  /** Shared-clock ms of the last frame, line or chunk: the idle timer checks it when it fires. */
  private lastActivity = 0;

  constructor(limits: TimeoutLimits) {
    this.limits = limits;
    this.endsBy = nowMs() + limits.totalMs;
    this.total = this.arm('total', limits.totalMs);
    // A limit at or past the total would never fire first: leave it to the total.
    if (isSet(limits.firstByteMs) && limits.firstByteMs < limits.totalMs) this.firstByte = this.arm('first_byte', limits.firstByteMs);
  }

  /** The response headers arrived: the first-byte limit is met; the idle clock starts. */
  headers(): void {
    clearTimeout(this.firstByte);
    this.idleOn = isSet(this.limits.idleMs) && this.limits.idleMs < this.limits.totalMs;
    this.activity();
  }

  /**
   * A frame or keep-alive line arrived: the idle clock restarts. Only the time is noted: re-arming a
   * timer for every frame cost about a microsecond each; the one idle timer, when it fires, waits on
   * for whatever is left since the last activity.
   */
  activity(): void {
    if (!this.idleOn || this.fired !== null) return;
    this.lastActivity = nowMs();
    this.idle ??= this.armIdle(this.limits.idleMs!);
  }

  /** Brings the total forward to `ms` from now (never past its original end); the idle limit stops. */
  shorten(ms: number): void {
    this.idleOn = false;
    clearTimeout(this.idle);
    this.idle = undefined;
    clearTimeout(this.total);
    this.total = this.arm('total', Math.max(0, Math.min(ms, this.endsBy - nowMs())));
  }

  clear(): void {
    this.idleOn = false;
    clearTimeout(this.total);
    clearTimeout(this.firstByte);
    clearTimeout(this.idle);
    this.idle = undefined;
  }

  /** The error message for the limit that fired. */
  describe(phase: 'request' | 'body'): string {
    switch (this.fired) {
      case 'first_byte':
        return `no response headers within ${this.limits.firstByteMs} ms (first_byte_timeout)`;
      case 'idle':
        return `nothing received for ${this.limits.idleMs} ms while reading the body (idle_timeout)`;
      default:
        return `no complete answer within ${this.limits.totalMs} ms (timeout; ${phase === 'request' ? 'waiting for the response' : 'reading the body'})`;
    }
  }

  private arm(reason: TimeoutReason, ms: number): NodeJS.Timeout {
    return setTimeout(() => this.fire(reason), ms);
  }

  private armIdle(ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      this.idle = undefined;
      if (!this.idleOn) return;
      const left = this.lastActivity + this.limits.idleMs! - nowMs();
      if (left > 0) this.idle = this.armIdle(left);
      else this.fire('idle');
    }, ms);
  }

  private fire(reason: TimeoutReason): void {
    if (this.fired !== null) return;
    this.fired = reason;
    this.controller.abort(new DOMException(`flowbench ${reason} timeout`, 'AbortError'));
  }
}

function isSet(v: number | null | undefined): v is number {
  return v !== null && v !== undefined && Number.isFinite(v) && v > 0;
}
