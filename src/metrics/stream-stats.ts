// Per-variant accumulators beside the core timings: service time, send lag, output tokens, TPOT and
// token throughput (GenAI-Perf's streaming metrics). add() per result, summary() once at the end.
import type { ResultRecord } from '../worker/messages.js';
import { newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';
import { outputTokens, timePerOutputToken } from './output-tokens.js';

export interface StreamSummary {
  /** End minus the final attempt's actual send, ms: what the flow took, without any harness wait. */
  serviceMs: MetricSummary | null;
  /** Scheduler lateness (handed to the pool minus scheduled), ms. */
  sendLagMs: MetricSummary | null;
  /** Sends that waited for a free in-flight slot (open loop with a cap). */
  delayedSends: number;
  /** Output tokens per successful request (HDR summary over integer counts; "Ms" fields hold tokens). */
  outputTokens: MetricSummary | null;
  /** Where the token counts came from: how many from run metadata, how many estimated from text. */
  outputTokensSource: { metadata: number; estimate: number };
  /** (latency − TTFT) / (output tokens − 1), ms. */
  tpotMs: MetricSummary | null;
  /** Output tokens / latency per successful request, tokens/s. */
  tokensPerSecond: MetricSummary | null;
  /** All output tokens / the variant's active span, tokens/s. */
  outputTokensPerSecond: number | null;
}

export class StreamStats {
  private readonly service: Histogram = newHistogram();
  private readonly lag: Histogram = newHistogram();
  private readonly tokens: Histogram = newHistogram();
  private readonly tpot: Histogram = newHistogram();
  private readonly tps: Histogram = newHistogram();
  private delayed = 0;
  private tokenSum = 0;
  private readonly source = { metadata: 0, estimate: 0 };

  add(r: ResultRecord): void {
    if (r.sendLagMs !== undefined) recordMs(this.lag, r.sendLagMs);
    if (r.delayed) this.delayed++;
    if (!r.ok) return;
    recordMs(this.service, r.timestamps.end - r.timestamps.sent);
    const t = r.outputTokens ?? outputTokens(r.metadata, r.output);
    this.source[t.source]++;
    this.tokenSum += t.count;
    // Counts and rates go through recordMs too: it stores value × 1000 and summarize divides back, so
    // their summaries come out in their own unit (tokens, tokens/s), at 3 significant digits.
    recordMs(this.tokens, t.count);
    const tpot = timePerOutputToken(r.latencyMs, r.ttftMs, t.count);
    if (tpot !== null) recordMs(this.tpot, tpot);
    if (r.latencyMs > 0) recordMs(this.tps, t.count / (r.latencyMs / 1000));
  }

  summary(spanSeconds: number): StreamSummary {
    return {
      serviceMs: summarize(this.service),
      sendLagMs: summarize(this.lag),
      delayedSends: this.delayed,
      outputTokens: summarize(this.tokens),
      outputTokensSource: { ...this.source },
      tpotMs: summarize(this.tpot),
      tokensPerSecond: summarize(this.tps),
      outputTokensPerSecond: spanSeconds > 0 && this.tokenSum > 0 ? Math.round((this.tokenSum / spanSeconds) * 1000) / 1000 : null,
    };
  }
}
