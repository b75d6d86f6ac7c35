// Per-variant accumulators beside the core timings: service time, send lag, output tokens, TPOT and
// token throughput (GenAI-Perf's streaming metrics). add() per result, summary() once at the end;
// take() / merge() carry what a thread added to the main thread's total.
import type { ResultRecord } from '../record/result-record.js';
import { newHistogram, recordMs, summarize, type Histogram, type MetricSummary } from './histogram.js';
import { mergeHistograms, takeHistograms, type HistogramDelta } from './histogram-delta.js';
import { legacyOutputTokens, type TokenSource } from './output-tokens.js';
import { resultMetrics } from './result-metrics.js';

export interface StreamSummary {
  /** End minus the final attempt's actual send, ms: what the flow took, without any harness wait. */
  serviceMs: MetricSummary | null;
  /** Scheduler lateness (handed to the pool minus scheduled), ms. */
  sendLagMs: MetricSummary | null;
  /** Sends that waited for a free in-flight slot (open loop with a cap). */
  delayedSends: number;
  /** Output tokens per successful request (HDR summary over integer counts; "Ms" fields hold tokens). */
  outputTokens: MetricSummary | null;
  /** Where the token counts came from: how many the server reported, how many the o200k tokenizer counted. */
  outputTokensSource: TokenSources;
  /** (latency − TTFT) / (output tokens − 1), ms. */
  tpotMs: MetricSummary | null;
  /** Output tokens / latency per successful request, tokens/s. */
  tokensPerSecond: MetricSummary | null;
  /** All output tokens / the variant's active span, tokens/s. */
  outputTokensPerSecond: number | null;
}

/** `estimate` (characters / 4) appears only when results written by an older flowbench were read. */
export interface TokenSources {
  metadata: number;
  tokenizer: number;
  estimate?: number;
}

type StreamHistogram = 'service' | 'lag' | 'tokens' | 'tpot' | 'tps';

/** Everything added since the last take(): histograms (left out when empty) and counters. */
export interface StreamStatsDelta {
  histograms: Partial<Record<StreamHistogram, HistogramDelta>>;
  delayed: number;
  /** Token counts are integers: their plain sum is exact in any order. */
  tokenSum: number;
  source: TokenSources;
}

export class StreamStats {
  private readonly h: Record<StreamHistogram, Histogram> = {
    service: newHistogram(),
    lag: newHistogram(),
    tokens: newHistogram(),
    tpot: newHistogram(),
    tps: newHistogram(),
  };
  private delayed = 0;
  private tokenSum = 0;
  private source: TokenSources = { metadata: 0, tokenizer: 0 };

  add(r: ResultRecord): void {
    if (r.sendLagMs !== undefined) recordMs(this.h.lag, r.sendLagMs);
    if (r.delayed) this.delayed++;
    if (!r.ok) return;
    const t = r.outputTokens ?? legacyOutputTokens(r);
    // The per-result figures results.csv lists, from one definition.
    const m = resultMetrics(r, t.count);
    recordMs(this.h.service, m.serviceMs);
    countSource(this.source, t.source, 1);
    this.tokenSum += t.count;
    // Counts and rates go through recordMs too: it stores value × 1000 and summarize divides back, so
    // their summaries come out in their own unit (tokens, tokens/s), at 3 significant digits.
    recordMs(this.h.tokens, t.count);
    if (m.tpotMs !== null) recordMs(this.h.tpot, m.tpotMs);
    if (m.tokensPerSecond !== null) recordMs(this.h.tps, m.tokensPerSecond);
  }

  /** What was added since the last take; this instance starts again from empty. */
  take(): StreamStatsDelta {
    const d = { histograms: takeHistograms(this.h), delayed: this.delayed, tokenSum: this.tokenSum, source: this.source };
    this.delayed = 0;
    this.tokenSum = 0;
    this.source = { metadata: 0, tokenizer: 0 };
    return d;
  }

  merge(d: StreamStatsDelta): void {
    mergeHistograms(this.h, d.histograms);
    this.delayed += d.delayed;
    this.tokenSum += d.tokenSum;
    for (const k of ['metadata', 'tokenizer', 'estimate'] as const) countSource(this.source, k, d.source[k] ?? 0);
  }

  /** Sends so far that waited for a free in-flight slot. */
  delayedSends(): number {
    return this.delayed;
  }

  summary(spanSeconds: number): StreamSummary {
    return {
      serviceMs: summarize(this.h.service),
      sendLagMs: summarize(this.h.lag),
      delayedSends: this.delayed,
      outputTokens: summarize(this.h.tokens),
      outputTokensSource: { ...this.source },
      tpotMs: summarize(this.h.tpot),
      tokensPerSecond: summarize(this.h.tps),
      outputTokensPerSecond: spanSeconds > 0 && this.tokenSum > 0 ? Math.round((this.tokenSum / spanSeconds) * 1000) / 1000 : null,
    };
  }
}

function countSource(s: TokenSources, source: TokenSource, n: number): void {
  if (n > 0) s[source] = (s[source] ?? 0) + n;
}
