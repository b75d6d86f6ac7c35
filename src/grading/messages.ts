// What the runner and the grading threads exchange: a piscina task per batch of records (graded, and
// their output tokens counted), and the shared memory through which the pool sees a grader that holds its thread.
import type { ResultExtrasSpec } from '../metrics/result-extras.js';
import type { ThreadWatchSnapshot } from '../harness/thread-watch.js';
import type { GradeOutcome } from '../grade/types.js';
import type { RecordTokens, TokenPaths } from '../metrics/output-tokens.js';
import type { RunStatsDelta } from '../metrics/run-stats.js';
import type { RecordEnvelope } from '../record/result-record.js';
import type { StreamOptions } from '../stackai/types.js';
import type { GraderSpec } from '../suite/types.js';
import type { JudgeCacheSettings } from './judge-cache-settings.js';

/** Every grading thread's workerData. Holds the token (for judge calls): never logged. */
export interface GradingConfig {
  graders: GraderSpec[];
  /** The suite's folder: script graders' and schema files' paths are relative to it. */
  suiteDir: string;
  passScore: number | null;
  variantCount: number;
  /** True: records are completed here (line encoded, statistics recorded); false: graded records go back whole. */
  complete: boolean;
  /** Where the server reports usage; an answer without it is counted by the tokenizer here. */
  tokens: TokenPaths;
  stallMs: number;
  /** Prices, server latency path, goodput objectives: the figures set on each record completed here. */
  extras?: ResultExtrasSpec | null;
  judge: {
    baseUrl: string;
    token: string;
    orgId: string;
    stream: StreamOptions;
    timeoutMs: number;
    retries: number;
    connections: number;
    headers: Record<string, string>;
    /** Fetch each judge run's metadata for its tokens per model (the suite prices runs: `cost:`). */
    fetchUsage: boolean;
  };
  /** Where judge answers are cached (src/grading/judge-cache.ts); null: every judge call is made. */
  judgeCache: JudgeCacheSettings | null;
  /** Int32Array over a SharedArrayBuffer: each thread adds one once its graders are loaded. */
  booted: Int32Array;
}

export interface GradeJob {
  /** The record as JSON text (as it came from its request thread). */
  record: string;
  env: RecordEnvelope;
  /** The dataset row's columns: grader values are templates over them. */
  values: Record<string, unknown>;
  /** The last turn of a conversation that succeeded throughout: conversation-scoped graders run on it. */
  conversationEnd?: boolean;
}

/** A grade decided by the pool for (job, grader): the grader hung or ended its thread last time. */
export type ForcedGrade = [job: number, grader: number, outcome: GradeOutcome];

/**
 * Float64Array over a SharedArrayBuffer, one per task: the thread's heartbeat, the grader call whose
 * synchronous part it is inside (CALL_*, job -1 when none), and its calls started but not settled
 * (OPEN_*: how many, which when there is one, and when the last of their time limits ends: Infinity when
 * one has none), so the pool can tell a grader that never returns from a slow batch
 * (src/grading/watchdog.ts). THREAD: the thread's id, several tasks sharing a thread. OS_TID: its id in
 * the OS (0 when unknown), through which the pool reads the CPU time a call has had (src/grading/call-cpu.ts).
 */
export const BEAT_AT = 0;
export const CALL_JOB = 1;
export const CALL_GRADER = 2;
export const CALL_SINCE = 3;
export const THREAD = 4;
export const OPEN_COUNT = 5;
export const OPEN_JOB = 6;
export const OPEN_GRADER = 7;
export const OPEN_DEADLINE = 8;
export const OS_TID = 9;
export const WATCH_SLOTS = 10;

export interface GradeTask {
  jobs: GradeJob[];
  forced: ForcedGrade[];
  /** Run each row's graders one after another (a row graded again after its thread was held, no call to blame). */
  oneAtATime: boolean;
  watch: Float64Array;
  /**
   * The batch's own port to the run's token thread (metrics/token-thread.ts), which counts the output tokens
   * servers did not report: one tokenizer per run, not one per grading thread. Without one (a caller that
   * starts no token thread), the grading thread loads the tokenizer itself.
   */
  tokens?: import('node:worker_threads').MessagePort;
}

export interface GradeTaskResult {
  /** complete: the results.jsonl lines of the batch; else empty. */
  text: string;
  /** !complete: every graded record as JSON text, in job order. */
  records: string[];
  /** !complete: each record's tokens (counted when the server reported none), in job order. */
  tokens: RecordTokens[];
  delta: RunStatsDelta | null;
  watch: ThreadWatchSnapshot;
}
