// One line of results.jsonl (DESIGN §3) and what travels with a request so its record can be completed
// wherever it finishes: the shape every stage after the request thread reads.
import type { Grade } from './grade.js';
import type { TokenCount } from './tokens.js';
import type { ModelUsage, ServerMismatch } from './usage.js';
import type { NodeTiming } from './node-timing.js';
import type { ClassifiedError, ErrorKind, ProgressMark } from '../stackai/types.js';

export interface FeedbackOutcome {
  /** False when the post failed after its retries, or in a dry run (nothing sent). */
  posted: boolean;
  /** --dry-run: the text was printed, not posted. */
  dryRun?: boolean;
  /** Attempts made (retries on 429 / 5xx / connection errors, like flow calls). */
  attempts?: number;
  text: string;
  error: ClassifiedError | null;
}

/** One line of results.jsonl (DESIGN §3), produced by a worker for every planned request. */
export interface ResultRecord {
  variant: string;
  row: number;
  iteration: number;
  /** Which repeat of the row this is in its pass (0-based); present only when the suite's `repeat` is above 1. */
  repeat?: number;
  attempts: number;
  /** The error kind of each attempt that was retried, in order (absent when the first attempt was final). */
  retriedOn?: ErrorKind[];
  runId: string | null;
  ok: boolean;
  error: ClassifiedError | null;
  scheduledAt: string;
  startedAt: string;
  ttfbMs: number | null;
  ttftMs: number | null;
  latencyMs: number;
  /** Time the harness held the request before sending it (pool queueing, backoff excluded). */
  queueMs: number;
  inputs: Record<string, unknown>;
  expected: string | null;
  output: string;
  grades: Grade[];
  pass: boolean | null;
  score: number | null;
  metadata: unknown;
  metadataFields?: Record<string, unknown>;
  /** Why the metadata could not be fetched (the request itself still counts as it ended). */
  metadataError?: ClassifiedError;
  feedback: FeedbackOutcome | null;
  /** Set by the runner (main thread): a warm-up request, kept here but excluded from statistics. */
  warmup?: boolean;
  /** Set by the runner: sweep step index. */
  step?: number;
  /** Set by the runner: scheduler lateness, ms (handed to the pool minus scheduled). */
  sendLagMs?: number;
  /** Set by the runner: the send waited for a free in-flight slot (open loop). */
  delayed?: boolean;
  /** Set by the runner for a conversation dataset: the conversation's id and this turn's 1-based number. */
  conversation?: string;
  turn?: number;
  /** A conversation's turn never sent because an earlier turn failed (error kind `skipped`; in no statistic but the conversations'). */
  skipped?: boolean;
  /** Set where the record completes (successful requests): output tokens the server reported, else counted by the o200k tokenizer. */
  outputTokens?: TokenCount;
  /** Set where the record completes: input tokens, when the server reported them. */
  inputTokens?: TokenCount;
  /** Set where the record completes, from the metadata's llm_usage[]: tokens per model (metrics/cost.ts). */
  usage?: ModelUsage[];
  /** With `cost.prices`: Σ per model (input × input_per_mtok + output × output_per_mtok) / 1e6, USD; null when a model with tokens has no price. */
  costUsd?: number | null;
  /** The models with tokens and no price (what made costUsd null). */
  unpricedModels?: string[];
  /**
   * With `cost.prices` and a judge grader: what this result's judge runs cost, USD, apart from costUsd.
   * Answers from the judge cache cost nothing again. null when a judge run's usage could not be read or
   * a model it used has no price.
   */
  judgeCostUsd?: number | null;
  /** The server's own latency of the run (metadata.server_latency, default StackAI's `latency` in s), ms. */
  serverLatencyMs?: number;
  /** The final attempt's client time (end − send) minus serverLatencyMs: network, edge and queueing outside the flow, ms. */
  latencyGapMs?: number;
  /** The server's metadata and the client disagree on whether the run succeeded. */
  serverMismatch?: ServerMismatch;
  /** With `goodput:`: the request succeeded, met every latency objective and (require_pass) passed its graders. */
  goodput?: boolean;
  /** Every attempt's own timings, in order (the last is the one `timestamps` and `error` describe). */
  attemptLog: AttemptTiming[];
  /**
   * Set when the request thread's event loop stalled while this request was in flight: the longest
   * stall, ms. Its timings may be inflated by up to this much by the harness itself.
   */
  harnessStallMs?: number;
  /** Stream modes: the time spent in each flow node, in the order the stream named them (absent without progress_data). */
  nodes?: NodeTiming[];
  /** Stream modes: the node that was current_node when the first content frame arrived. */
  firstContentNode?: string;
  /** Raw timestamps, ms since the run's start on the shared clock. */
  timestamps: {
    scheduled: number;
    sent: number;
    firstByte: number | null;
    contentFrames: number[];
    end: number;
    /** Stream modes: each change of progress_data (node, started and completed counts), when it arrived. */
    progress?: ProgressMark[];
  };
}

/**
 * One attempt of a request, ms since the run's start on the shared clock. A retry's backoff is the
 * user's wait (it stays in latency and TTFT) but never the harness's queueing (`queueMs`).
 */
export interface AttemptTiming {
  sent: number;
  firstByte: number | null;
  end: number;
  /** The attempt's failure kind and HTTP status, or null when it succeeded. */
  error: ErrorKind | null;
  status: number | null;
  /** The wait after this attempt before the next one was sent, ms (absent on the final attempt). */
  backoffMs?: number;
}

/**
 * What the runner knows about a request that the request itself does not: it travels with the task
 * (typed, not by a field-order contract) and is applied where the record is completed.
 */
export interface RecordEnvelope {
  /** The variant's index in the suite. */
  variant: number;
  /** Sweep step index, or null outside a sweep. */
  step: number | null;
  /** A warm-up request: kept in results.jsonl, excluded from statistics. */
  warmup: boolean;
  /** Scheduler lateness, ms (handed over minus scheduled). */
  sendLagMs: number;
  /** The send waited for a free in-flight slot (open loop). */
  delayed: boolean;
}
