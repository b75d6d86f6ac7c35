// What a grader sees and what it answers: every grader is a pure function of these.

export interface GradeContext {
  /** The flow's answer (the suite's `output` key). */
  output: string;
  /** The row's expected answer, or null when the suite sets none. */
  expected: string | null;
  /** The dataset row's columns and index, for templated grader values. */
  row: number;
  values: Record<string, unknown>;
}

export interface Grade {
  /** The grader's display name, e.g. `contains` or `not-regex`. */
  grader: string;
  pass: boolean;
  /** 0..1 */
  score: number;
  reason: string;
  /** True when the grader could not run (bad spec at run time); counted apart from a failure. */
  error?: boolean;
}

/** A prepared grader: spec checked and templates compiled once, then called per result. */
export type PreparedGrader = (ctx: GradeContext) => Omit<Grade, 'grader'>;

/** One grader family: checks its spec at load time and prepares a handler. */
export interface GraderFamily {
  /** Keys the spec may hold besides `type` (and the common `weight`). */
  keys: readonly string[];
  /** Keys the spec must hold. */
  required: readonly string[];
  /** A problem with the spec (for the loader to report at its line), or null. */
  check(spec: Record<string, unknown>): { key?: string; message: string; hint?: string } | null;
  prepare(spec: Record<string, unknown>): PreparedGrader;
}
