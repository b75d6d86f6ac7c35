// When to retry a failed attempt and how long to wait: exponential backoff with full jitter,
// honouring the server's Retry-After (seconds or HTTP date, parsed by stackai/errors.ts). Pure, so it is table-tested.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorKind, InvokeOutcome } from '../stackai/types.js';

/** Failures before any content: the server or the network said no, and nothing was shown yet. */
const RETRYABLE = new Set<ErrorKind>(['http_429', 'http_5xx', 'connect', 'reset']);
/** With retry_partial, a stream that broke after content began is re-run too (not a flow that answered an error). */
const RETRYABLE_PARTIAL = new Set<ErrorKind>(['reset', 'incomplete_stream', 'timeout', 'http_5xx']);

export interface RetryOptions {
  /** Also retry a stream that failed after content began. */
  retryPartial?: boolean;
}

/** attempt is 1-based (the attempt that just failed). A half-streamed answer is only re-run with retryPartial. */
export function shouldRetry(outcome: InvokeOutcome, attempt: number, maxRetries: number, opts: RetryOptions = {}): boolean {
  if (outcome.ok || !outcome.error || attempt > maxRetries) return false;
  if (outcome.contentFrameAt.length === 0) return RETRYABLE.has(outcome.error.kind);
  return opts.retryPartial === true && RETRYABLE_PARTIAL.has(outcome.error.kind);
}

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 10_000;
/** A Retry-After longer than this is cut to it: a run waits, but not for ever. */
export const RETRY_AFTER_CAP_MS = 60_000;

/** attempt is 1-based (the attempt that just failed); random in [0,1). */
export function backoffMs(attempt: number, retryAfterMs: number | null | undefined, random: number): number {
  if (retryAfterMs !== null && retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, RETRY_AFTER_CAP_MS);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.floor(random * ceiling);
}

/** One attempt of withRetries: what it returned, and the backoff waited after it (absent on the last). */
export interface Attempt<T> {
  result: T;
  backoffMs?: number;
}

export interface RetryLoopPolicy<T> {
  /** Whether to try again after `attempt` (1-based) returned `result`. */
  retry(result: T, attempt: number): boolean;
  /** The server's Retry-After for this result, ms (absent: plain backoff). */
  retryAfterMs?(result: T): number | null | undefined;
}

/**
 * The one retry loop (flow requests, judge calls, feedback posts): calls `attempt(n)` until the policy
 * says stop, waiting backoffMs() between attempts. Returns every attempt, the last one final.
 */
export async function withRetries<T>(
  policy: RetryLoopPolicy<T>,
  attempt: (n: number) => Promise<T>,
  random: () => number = Math.random,
): Promise<Attempt<T>[]> {
  const log: Attempt<T>[] = [];
  for (;;) {
    const entry: Attempt<T> = { result: await attempt(log.length + 1) };
    log.push(entry);
    if (!policy.retry(entry.result, log.length)) return log;
    entry.backoffMs = backoffMs(log.length, policy.retryAfterMs?.(entry.result), random());
    await sleep(entry.backoffMs);
  }
}
