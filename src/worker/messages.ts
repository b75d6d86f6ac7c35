// Every message between the runner and its worker threads, typed in one place.
import type { ClockAnchor } from '../metrics/clock.js';
import type { Grade } from '../grade/types.js';
import type { ClassifiedError, ErrorKind, Mode, StreamOptions } from '../stackai/types.js';
import type { FeedbackSpec, GraderSpec, MetadataSpec, VariantSpec } from '../suite/types.js';

/** Given once to each worker thread (its workerData). Holds the token: never logged. */
export interface WorkerConfig {
  baseUrl: string;
  orgId: string;
  flowId: string;
  token: string;
  mode: Mode;
  stream: StreamOptions;
  output: string;
  inputs: Record<string, unknown>;
  expected: string | null;
  variants: VariantSpec[];
  timeoutMs: number;
  retries: number;
  /** Connect / first-byte / idle limits, ms (absent: the client's defaults); retry streams that broke after content. */
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  retryPartial?: boolean;
  metadata: MetadataSpec;
  feedback: FeedbackSpec;
  graders: GraderSpec[];
  /** The suite's folder: script graders' and schema files' paths are relative to it. */
  suiteDir: string;
  /** Row passes on weighted score >= passScore (and its required graders); null = every grader must pass. */
  passScore: number | null;
  /** Sockets per worker's connection pool. */
  connections: number;
  anchor: ClockAnchor;
  suiteName: string;
}

/** One planned request. */
export interface RequestTask {
  variant: number;
  row: number;
  iteration: number;
  values: Record<string, unknown>;
  /** Shared-clock ms at which the scheduler meant this request to start. */
  scheduledAt: number;
}

/** A task on the wire: `id` pairs it with its result; `hold` makes the worker start it only when a slot frees. */
export interface WireTask extends RequestTask {
  id: number;
  hold?: {
    /** This worker's share of the closed loop's concurrency. */
    limit: number;
    /** Shared-clock ms at or after which the task is dropped instead of started, or null. */
    notAfter: number | null;
  };
}

/**
 * Main thread -> worker. Tasks are batched: everything handed over in one turn of the event loop goes
 * in one message (posting is the costly part of a thread hop, not the bytes).
 */
export type ToWorker = { type: 'tasks'; tasks: WireTask[] } | { type: 'drop-held' };

/**
 * A task's outcome: its record (as JSON text from a worker thread, see record-text.ts; the object
 * itself on the main thread), null for a held task dropped before it started, or why it failed.
 */
export type WireOutcome = ResultRecord | string | null | { failed: string };

/** Worker -> main thread: results batched per turn of the worker's event loop, and the requests it has running. */
export type FromWorker = { type: 'ready' } | { type: 'done'; ids: number[]; outcomes: WireOutcome[]; running: number };

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
  /** Set by the runner: output tokens, from metadata usage or estimated from the text. */
  outputTokens?: { count: number; source: 'metadata' | 'estimate' };
  /** Raw timestamps, ms since the run's start on the shared clock. */
  timestamps: {
    scheduled: number;
    sent: number;
    firstByte: number | null;
    contentFrames: number[];
    end: number;
  };
}
