// Counts requests that met HTTP 429 (retried or final) and, when they are many, says so plainly.
import type { ResultRecord } from '../worker/messages.js';

/** From this share of rate-limited requests on, the run output carries the notice. */
export const RATE_LIMIT_NOTICE_SHARE = 0.05;

export class RateLimitWatch {
  requests = 0;
  /** Requests that got at least one 429. */
  limited = 0;
  /** ...of which the last attempt was still a 429 (the request failed). */
  failed = 0;

  add(r: ResultRecord): void {
    if (r.warmup === true) return;
    this.requests++;
    const final429 = r.error?.kind === 'http_429';
    if (final429 || r.retriedOn?.includes('http_429')) this.limited++;
    if (final429) this.failed++;
  }

  /** The notice, or null when rate limiting was rare (under 5 % of requests and none failed for it). */
  notice(): string | null {
    if (this.requests === 0 || this.limited === 0) return null;
    const share = this.limited / this.requests;
    if (share < RATE_LIMIT_NOTICE_SHARE && this.failed === 0) return null;
    const pct = Math.round(share * 100);
    return `${pct} % of requests were rate-limited (HTTP 429: ${this.limited} of ${this.requests}, ${this.failed} still failing after retries); lower concurrency or rate`;
  }
}
