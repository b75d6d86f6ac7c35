// When to retry a failed attempt and how long to wait: exponential backoff with full jitter,
// honouring the server's Retry-After. Pure, so it is table-tested.
import type { InvokeOutcome } from '../stackai/types.js';

const RETRYABLE = new Set(['http_429', 'http_5xx', 'connect', 'reset']);

/** Only failures before any content are retried: a half-streamed answer is not re-run silently. */
export function shouldRetry(outcome: InvokeOutcome, attempt: number, maxRetries: number): boolean {
  if (outcome.ok || !outcome.error || attempt > maxRetries) return false;
  if (!RETRYABLE.has(outcome.error.kind)) return false;
  return outcome.contentFrameAt.length === 0;
}

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 10_000;

/** attempt is 1-based (the attempt that just failed); random in [0,1). */
export function backoffMs(attempt: number, retryAfterMs: number | null | undefined, random: number): number {
  if (retryAfterMs !== null && retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, 60_000);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.floor(random * ceiling);
}
