// The one place where TTFB, TTFT, ITL and latency are derived from a request's raw timestamps.

/** Raw timestamps of one request, ms on the shared clock (see clock/clock.ts). */
export interface RawTimestamps {
  /** When the scheduler decided the request should start. */
  scheduled: number;
  /** When the final attempt's HTTP request was sent. */
  sent: number;
  /** When the first attempt was sent (the harness's own wait ends here; later waits are backoff). */
  firstSent?: number;
  firstByte: number | null;
  /** Arrival of each frame that carried content (stream modes); empty in run mode. */
  contentFrames: number[];
  end: number;
}

export interface DerivedTimings {
  ttfbMs: number | null;
  ttftMs: number | null;
  latencyMs: number;
  /** Send lag + pool queueing before the first attempt: time the harness, not the flow, spent (backoff excluded). */
  queueMs: number;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Latencies count from the scheduled time (so harness queueing is never hidden, as in wrk2);
 * queueMs says how much of that the harness itself took.
 */
export function deriveTimings(t: RawTimestamps): DerivedTimings {
  const firstContent = t.contentFrames.length > 0 ? t.contentFrames[0]! : null;
  return {
    ttfbMs: t.firstByte === null ? null : round(t.firstByte - t.scheduled),
    ttftMs: firstContent === null ? null : round(firstContent - t.scheduled),
    latencyMs: round(t.end - t.scheduled),
    queueMs: round(Math.max(0, (t.firstSent ?? t.sent) - t.scheduled)),
  };
}

/** Gaps between consecutive content frames, ms (GenAI-Perf's inter-token latency per frame). */
export function interTokenLatencies(contentFrames: number[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < contentFrames.length; i++) gaps.push(contentFrames[i]! - contentFrames[i - 1]!);
  return gaps;
}
