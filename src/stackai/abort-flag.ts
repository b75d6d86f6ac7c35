// The abort signal of one request (RequestTimers aborts it; exchange.ts listens). It keeps undici's
// signal contract ("signal must be an EventEmitter or EventTarget": once / removeListener, aborted /
// reason) so it can also be handed to undici's own `signal` option; an AbortController costs ~2 µs to
// make plus its EventTarget listener bookkeeping on every request, a tenth of a zero-latency request's
// client CPU.
import type { EventEmitter } from 'node:events';

type Listener = () => void;

export class AbortFlag {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Listener[] = [];

  /** Aborts once: later calls keep the first reason. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const fn of listeners) fn();
  }

  on(event: string, fn: Listener): this {
    if (event === 'abort') this.listeners.push(fn);
    return this;
  }

  once(event: string, fn: Listener): this {
    return this.on(event, fn); // each listener runs at most once anyway: abort() fires one time
  }

  removeListener(event: string, fn: Listener): this {
    if (event === 'abort') {
      const at = this.listeners.indexOf(fn);
      if (at >= 0) this.listeners.splice(at, 1);
    }
    return this;
  }

  off(event: string, fn: Listener): this {
    return this.removeListener(event, fn);
  }

  /** Typed for undici's `signal` option, which accepts any EventEmitter-shaped object. */
  get signal(): EventEmitter {
    return this as unknown as EventEmitter;
  }
}
