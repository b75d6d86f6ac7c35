// Every grader call runs under a time limit, its `timeout`: an asynchronous wait is raced against it in the
// registry, and a synchronous call that never returns (a regex that backtracks without end, a script's loop)
// is stopped from outside by the grading pool, which terminates its thread (src/grading/). Either way that
// grade is a grader error and the run goes on.
import { parseDuration } from '../text/duration.js';
import type { SpecProblem } from './types.js';

/**
 * Defaults, ms. A script does what its author wrote (file reads, a model of its own): 10 s. Every other
 * grader is a pure function of the answer that takes micro- to milliseconds, so one that holds its thread
 * for a second is broken for that answer (catastrophic backtracking, say) and is stopped without making
 * the run wait long for each such row. The grading thread runs at the lowest CPU priority, so on Linux
 * the limit is held in the thread's CPU time, wall time past a backstop (src/grading/watchdog.ts): a grader
 * that is slow by design (similarity over very long answers) can be given more.
 */
export const SCRIPT_TIMEOUT_MS = 10_000;
export const GRADER_TIMEOUT_MS = 1_000;

const base = (type: string): string => (type.startsWith('not-') ? type.slice(4) : type);

/** A `timeout` value in ms: a number is ms (like the other per-call limits of graders), a string a duration. Null when invalid. */
export function parseTimeout(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : null;
  const ms = typeof v === 'string' ? parseDuration(v) : null;
  return ms !== null && ms > 0 ? ms : null;
}

export function checkTimeout(spec: Record<string, unknown>): SpecProblem {
  if (spec.timeout === undefined || parseTimeout(spec.timeout) !== null) return null;
  return {
    key: 'timeout',
    message: '`timeout` must be ms > 0 or a duration like "5s"',
    hint: `the longest one call of this grader may take (default ${GRADER_TIMEOUT_MS / 1000} s; scripts ${SCRIPT_TIMEOUT_MS / 1000} s)`,
  };
}

/**
 * The limits one call of this grader is held to, ms. `ms`: its synchronous work, its own `timeout` else
 * the default for its type. `wait`: the whole call, waits included, or null. A script's whole call is held
 * to its timeout. Without a `timeout` of its own, a judge's wait for its flow is bounded by load.timeout
 * and load.retries instead, and `length` in tokens waits once for the tokenizer's tables to load.
 */
export function graderLimits(spec: { type: string; timeout?: unknown }): { ms: number; wait: number | null } {
  const own = spec.timeout === undefined ? null : parseTimeout(spec.timeout);
  const script = base(spec.type) === 'script';
  const ms = own ?? (script ? SCRIPT_TIMEOUT_MS : GRADER_TIMEOUT_MS);
  return { ms, wait: own !== null || script ? ms : null };
}
