// Says plainly when many requests met HTTP 429, from the per-variant counts in report.json.

/** From this share of rate-limited requests on, the run output carries the notice. */
export const RATE_LIMIT_NOTICE_SHARE = 0.05;

interface VariantCounts {
  requests: number;
  /** Requests that met at least one 429 (absent in reports written before it was counted). */
  rateLimited?: number;
  errorKinds: Record<string, number>;
}

/** The notice, or null when rate limiting was rare (under 5 % of requests and none failed for it). */
export function rateLimitNotice(variants: readonly VariantCounts[]): string | null {
  const requests = variants.reduce((a, v) => a + v.requests, 0);
  const limited = variants.reduce((a, v) => a + (v.rateLimited ?? 0), 0);
  const failed = variants.reduce((a, v) => a + (v.errorKinds.http_429 ?? 0), 0);
  if (requests === 0 || limited === 0) return null;
  const share = limited / requests;
  if (share < RATE_LIMIT_NOTICE_SHARE && failed === 0) return null;
  return `${Math.round(share * 100)} % of requests were rate-limited (HTTP 429: ${limited} of ${requests}, ${failed} still failing after retries); lower concurrency or rate`;
}
