// What a grader answers, as a result record keeps it (the graders themselves live in grade/).

/** A call another flow made on a grader's behalf (the judge): measured, kept out of the main statistics. */
import type { ModelUsage } from './usage.js';

export interface JudgeCall {
  flowId: string;
  runId: string | null;
  ok: boolean;
  attempts: number;
  /** From sending the first attempt to the end of the last, ms. */
  latencyMs: number;
  /** The judge's raw answer (cut to 500 characters). */
  output: string;
  /**
   * True: the answer came from the judge cache and no call was made now; runId, attempts and latencyMs
   * are those of the call that was cached (docs/regrade.md).
   */
  cached?: boolean;
  /**
   * Tokens per model the judge run reported in its metadata (llm_usage), fetched only when the suite
   * prices its runs (`cost:`); absent when not fetched or when its metadata could not be read.
   */
  usage?: ModelUsage[];
}

export interface Grade {
  /** The grader's display name: its `name`, else its type, e.g. `contains` or `not-regex`. */
  grader: string;
  pass: boolean;
  /** 0..1 */
  score: number;
  reason: string;
  /** True when the grader could not run (script threw, judge unreachable); counted apart from a failure. */
  error?: boolean;
  /** Set by the judge grader. */
  judge?: JudgeCall;
}
