// Every message between the runner and its request threads, typed in one place (a discriminated union
// each way). A request thread runs one long-lived piscina task per run and talks over the MessagePort
// passed in that task; everything in one turn of either event loop goes in one message.
import type { ThreadWatchSnapshot } from '../harness/thread-watch.js';
import type { ClockAnchor } from '../clock/clock.js';
import type { RunStatsDelta } from '../metrics/run-stats.js';
import type { ResultExtrasSpec } from '../metrics/result-extras.js';
import type { RecordEnvelope } from '../record/result-record.js';
import type { ClassifiedError, Mode, StreamOptions } from '../stackai/types.js';
import type { GraderSpec, LoadBase, MetadataSpec, VariantSpec } from '../suite/types.js';

/** The suite's per-request limits a request thread applies: total time, retries, connect / first-byte / idle limits (absent: the client's defaults). */
export type RequestLimits = Pick<LoadBase, 'timeoutMs' | 'retries' | 'connectTimeoutMs' | 'firstByteTimeoutMs' | 'idleTimeoutMs' | 'retryPartial'>;

/** Given to each request thread in its lane task; the target (base URL, token) follows in a message. Never logged. */
export interface WorkerConfig extends RequestLimits {
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
  metadata: MetadataSpec;
  /** Only whether there are any matters here: a graded run's records are completed in the grading pool. */
  graders: GraderSpec[];
  /** Sockets per executor's connection pool. */
  connections: number;
  /** The suite's extra headers (target.headers). */
  headers?: Record<string, string>;
  anchor: ClockAnchor;
  /**
   * True: records are completed where they finish (line encoded, statistics recorded in the thread);
   * false: each record goes back whole, to be graded, given feedback or shown before it is completed.
   */
  completeInThread: boolean;
  /** A gap in the event loop longer than this is a stall, ms. */
  stallMs: number;
  /** Prices, server latency path, goodput objectives: the figures set on each record where it completes. */
  extras?: ResultExtrasSpec | null;
}

/** One planned request and what the runner knows about it. */
export interface RequestTask {
  variant: number;
  row: number;
  iteration: number;
  /** The row's repeat in its pass; absent when the suite does not repeat rows. */
  repeat?: number;
  values: Record<string, unknown>;
  /** Shared-clock ms at which the scheduler meant this request to start. */
  scheduledAt: number;
  env: RecordEnvelope;
}

/** A task on the wire: `id` pairs it with its result; `hold` makes the thread start it only when a slot frees. */
export interface WireTask extends RequestTask {
  id: number;
  hold?: {
    /** This thread's share of the closed loop's concurrency. */
    limit: number;
    /** Shared-clock ms at or after which the task is dropped instead of started, or null. */
    notAfter: number | null;
  };
}

/**
 * Counters a request thread keeps in shared memory, so that when it dies the runner knows exactly which
 * of its tasks were started (their requests may have reached the server) and which can be sent elsewhere.
 * Immediate tasks start in the order they arrive; held tasks are taken from the queue in order.
 */
export const STARTED_NOW = 0;
export const TAKEN_HELD = 1;

/** The lane task's argument (the port is in its transferList). */
export interface LaneInit {
  port: import('node:worker_threads').MessagePort;
  config: WorkerConfig;
  /** Int32Array over a SharedArrayBuffer: [STARTED_NOW, TAKEN_HELD]. */
  counters: Int32Array;
  /** Warm the request path before saying ready (decided by the run, harness/warm-up-wanted.ts: a kept thread's environment is its first run's). */
  warmUp: boolean;
  /** Test hook (FLOWBENCH_TEST_EXIT_REQUEST_THREAD): exit the thread after starting this many requests. */
  exitAfter?: number;
  /** A port to the token thread (metrics/token-thread.ts) when records complete here: it counts what the server did not report. */
  tokens?: import('node:worker_threads').MessagePort;
}

/** Main thread -> request thread. */
export type ToWorker =
  /** First, once the thread is ready: where the requests go (the lane config carries no target). */
  | { type: 'target'; baseUrl: string; token: string }
  | { type: 'tasks'; tasks: WireTask[] }
  | { type: 'drop-held' }
  /** The run is over: send the last statistics and the watch, then end the lane task. */
  | { type: 'close' }
  /** The run's clock starts now: the watch forgets start-up. */
  | { type: 'clock-start' };

/**
 * A task's outcome: a number (WRITTEN or more) when the thread completed the record (its line is in the
 * message's text): the request's attempts, each a flow run (the run budget counts them); the record as
 * JSON text when the runner completes it, null for a held task dropped before it started, or why it failed.
 */
export const WRITTEN = 1;
export type WireOutcome = number | string | null | { failed: string };

/** Request thread -> main thread. */
export type FromWorker =
  | { type: 'ready' }
  /** Results batched per turn; `text` holds the results.jsonl lines of the WRITTEN ones, in order; `measured` / `failed`, the batch's measured (not warm-up) results and how many failed, for the
   * live error rate; `alarm`, a failure that stops the run (early-stop.ts). */
  | { type: 'done'; ids: number[]; outcomes: WireOutcome[]; text: string; running: number; measured: number; failed: number; alarm?: ClassifiedError }
  /** Statistics recorded since the last delta (sent every progress tick while there is any). */
  | { type: 'stats'; delta: RunStatsDelta }
  | { type: 'closed'; delta: RunStatsDelta | null; watch: ThreadWatchSnapshot };
