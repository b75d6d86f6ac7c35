// One result's own derived figures (beside the ttfb/ttft/latency/queue timings.ts derives at record
// time): what results.csv lists per line and the per-variant summaries add up, from one definition.
import type { ResultRecord } from '../record/result-record.js';
import { timePerOutputToken } from './output-tokens.js';
import { interTokenLatencies } from './timings.js';

export interface ResultMetrics {
  /** End minus the final attempt's send, ms: the flow's time without any harness wait or backoff. */
  serviceMs: number;
  /** (latency − TTFT) / (output tokens − 1), ms; null without TTFT, token count or with under 2 tokens. */
  tpotMs: number | null;
  /** Output tokens / latency, tokens/s; null without a token count. */
  tokensPerSecond: number | null;
  /** Mean and largest gap between consecutive content frames, ms; null with fewer than 2 frames. */
  itlMeanMs: number | null;
  itlMaxMs: number | null;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** `outputTokens`: the count to use (a successful record's, or an older record's estimate), or null. */
export function resultMetrics(r: ResultRecord, outputTokens: number | null = r.outputTokens?.count ?? null): ResultMetrics {
  const t = r.timestamps;
  const gaps = interTokenLatencies(t.contentFrames);
  const tpot = outputTokens === null ? null : timePerOutputToken(r.latencyMs, r.ttftMs, outputTokens);
  return {
    serviceMs: round(t.end - t.sent),
    tpotMs: tpot === null ? null : round(tpot),
    tokensPerSecond: outputTokens === null || r.latencyMs <= 0 ? null : round(outputTokens / (r.latencyMs / 1000)),
    // The mean gap is the frames' span over the gaps: the sum of gaps telescopes.
    itlMeanMs: gaps.length === 0 ? null : round((t.contentFrames.at(-1)! - t.contentFrames[0]!) / gaps.length),
    itlMaxMs: gaps.length === 0 ? null : round(gaps.reduce((a, b) => Math.max(a, b))),
  };
}
