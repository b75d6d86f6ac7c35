// The abort signal of one request: RequestTimers aborts it, exchange.ts listens and aborts undici's
// dispatch. An AbortController costs ~2 µs to make plus its EventTarget listener bookkeeping on every
// request, a tenth of a zero-latency request's client CPU; this needs none of that.

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

  /** Listens for the abort (each listener runs at most once: abort() fires one time). */
  on(event: string, fn: Listener): this {
    if (event === 'abort') this.listeners.push(fn);
    return this;
  }

  removeListener(event: string, fn: Listener): this {
    if (event === 'abort') {
      const at = this.listeners.indexOf(fn);
      if (at >= 0) this.listeners.splice(at, 1);
    }
    return this;
  }
}
