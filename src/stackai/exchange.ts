// One HTTP exchange through undici's dispatch API: each body chunk goes to the caller's reader as the
// parser produces it. pool.request() puts a Readable stream, its async iterator and a promise per chunk
// in between: ~2-3 µs more CPU a request (measured on a bare loop, run and stream mode), and a frame's
// arrival is timestamped one or more event-loop turns after undici had it.
import type { Dispatcher } from 'undici';
import type { AbortFlag } from './abort-flag.js';

export interface ExchangeReader {
  /**
   * The request is about to be written to its socket (undici calls this just before the write): after
   * any wait for a free connection, and after undici's one event-loop turn before reusing an idle
   * keep-alive socket. Not called when the request never gets a connection.
   */
  onSend?(): void;
  /** The final response head (1xx informational heads are skipped); raw is undici's name, value, ... list. */
  onHead(status: number, raw: readonly (Buffer | string)[]): void;
  /** One body chunk; false stops reading: the request is aborted and its connection dropped, not reused. */
  onChunk(chunk: Buffer): boolean;
}

export interface ExchangeOptions {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: string | null;
  headersTimeout: number;
  bodyTimeout: number;
}

/** How the exchange ended without an error: the whole response was read, or the reader stopped it. */
export type ExchangeEnd = 'complete' | 'stopped';

/** The reason a reader's stop aborts undici with: told apart from every real failure by identity. */
const STOPPED = new Error('flowbench stopped reading the body');

/**
 * Sends one request on `pool`. Resolves when the response has ended or the reader stopped it; rejects
 * with undici's error (a socket error, a refused connection, ...) or, once `signal` is aborted, with its
 * reason. As with undici's own `signal` option, an abort before the request has a connection takes
 * effect when it gets one.
 */
export function exchange(pool: Dispatcher, opts: ExchangeOptions, signal: AbortFlag, reader: ExchangeReader): Promise<ExchangeEnd> {
  return new Promise((resolve, reject) => {
    let abort: ((err: Error) => void) | null = null;
    const onAbort = (): void => abort?.(signal.reason as Error);
    signal.on('abort', onAbort);
    const settled = (): void => {
      signal.removeListener('abort', onAbort);
      abort = null;
    };
    pool.dispatch(opts, {
      onConnect(undiciAbort: (err: Error) => void) {
        if (signal.aborted) return undiciAbort(signal.reason as Error);
        abort = undiciAbort;
        reader.onSend?.();
      },
      onHeaders(status: number, raw: (Buffer | string)[]) {
        if (status >= 200) reader.onHead(status, raw);
        return true;
      },
      onData(chunk: Buffer) {
        if (reader.onChunk(chunk)) return true;
        abort?.(STOPPED);
        return false;
      },
      onComplete() {
        settled();
        resolve('complete');
      },
      onError(err: Error) {
        settled();
        if (err === STOPPED) resolve('stopped');
        else reject(err);
      },
    } as Dispatcher.DispatchHandler);
  });
}

/** The value of header `name` (lower case) in undici's raw list, or undefined. */
export function rawHeader(raw: readonly (Buffer | string)[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && key.toString().toLowerCase() === name) return raw[i + 1]!.toString();
  }
  return undefined;
}
