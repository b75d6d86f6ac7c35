// What a grader sees and what it answers: every grader is a function of these (pure, except script and judge).
import type { Grade, JudgeCall } from '../record/grade.js';

export interface GradeContext {
  /** The flow's answer (the suite's `output` key). */
  output: string;
  /** The row's expected answer, or null when the suite sets none. */
  expected: string | null;
  /** The dataset row's columns and index, for templated grader values. */
  row: number;
  values: Record<string, unknown>;
  /** The variant that produced the output. */
  variant?: string;
  /** The request's timings in ms from its scheduled time; null where not measured (TTFT in run mode). */
  ttftMs?: number | null;
  latencyMs?: number | null;
  /** The run's metadata when the suite fetches it, else null. */
  metadata?: unknown;
  /** The last turn of a conversation whose turns all succeeded: graders with `scope: conversation` run (values hold {{transcript}}). */
  conversationEnd?: boolean;
}

export type { Grade, JudgeCall } from '../record/grade.js';

export type GradeOutcome = Omit<Grade, 'grader'>;

/**
 * Runs `f` as part of the current grader call, watched for overrunning its time limit. The part of a call
 * before its first await is watched anyway; an async grader wraps the synchronous work it does after
 * an await (the judge reading its score with a user's regex) so that a runaway there is named too.
 */
export type Watched = <T>(f: () => T) => T;

/** A prepared grader: spec checked and templates compiled once, then called per result. A grader that loads code says when it has (`ready`). */
export type PreparedGrader = ((ctx: GradeContext, watched: Watched) => GradeOutcome | Promise<GradeOutcome>) & { ready?: Promise<void> };

/** What a judge call needs from the worker: its StackAI client, retries and timeout applied. */
export interface JudgeRequest {
  flowId: string;
  version: number | null;
  inputs: Record<string, unknown>;
  /** Output key of the judge's answer. */
  output: string;
}
export type JudgeCaller = (req: JudgeRequest) => Promise<JudgeCall & { error: string | null }>;

/** Where a grader is checked: file paths in a spec are relative to the suite's folder. */
export interface CheckEnv {
  dir: string;
}

/** What a grader is prepared with in the worker. */
export interface PrepareEnv extends CheckEnv {
  /** Null outside a worker (unit tests, validate): the judge then reports a grader error. */
  judge: JudgeCaller | null;
}

export type SpecProblem = { key?: string; message: string; hint?: string } | null;

/** One grader family: checks its spec at load time and prepares a handler. */
export interface GraderFamily {
  /** Keys the spec may hold besides `type` and the common keys (weight, required, name). */
  keys: readonly string[];
  /** Keys the spec must hold. */
  required: readonly string[];
  /** A problem with the spec (for the loader to report at its line), or null. */
  check(spec: Record<string, unknown>, env: CheckEnv): SpecProblem;
  prepare(spec: Record<string, unknown>, env: PrepareEnv): PreparedGrader;
}
