// Repeats and consistency (suite `repeat: N`): per variant, each row's verdicts over its N repeats
// tallied, then pass@1, pass^N, consistency and the rows whose verdict flips between repeats.
// A "row" here is a dataset row in one pass (`iteration`): the cluster whose repeats are compared.
import type { ResultRecord } from '../record/result-record.js';

/** One repeat of a flaky row, as shown side by side. */
export interface FlakyRepeat {
  repeat: number;
  pass: boolean | null;
  /** The output, cut to FLAKY_OUTPUT_CHARS characters (… marks a cut). */
  output: string;
  /** "kind: message" when the request failed. */
  error: string | null;
  /** The reasons of the graders that failed. */
  failed: string[];
}

/** A row whose verdict differs between its repeats. */
export interface FlakyRow {
  row: number;
  iteration: number;
  /** Repeats that passed, of `graded` graded repeats. */
  passes: number;
  graded: number;
  inputs: Record<string, unknown>;
  expected: string | null;
  /** Every repeat of the row, in repeat order. */
  repeats: FlakyRepeat[];
}

/** report.json `variants[].repeats`: present when the suite's `repeat` is above 1. */
export interface RepeatSummary {
  /** Repeats asked per row (the suite's `repeat`). */
  n: number;
  /** Rows (dataset row × pass) with at least one graded repeat. */
  rows: number;
  /** Of them, rows whose N repeats were all graded: pass^N and consistency are over these. */
  completeRows: number;
  /** `passCounts[k]`: complete rows that passed exactly k of their N repeats (k = 0 … N). */
  passCounts: number[];
  /** pass@1: the mean over rows of each row's pass share (passes / graded repeats): one try's chance to pass. */
  passAt1: number | null;
  /** pass^N: the share of complete rows that passed all N repeats. */
  passAllN: number | null;
  /** The share of complete rows whose verdict is the same in every repeat (all pass or all fail). */
  consistency: number | null;
  /** Rows whose verdict differs between repeats (incomplete rows too). */
  flakyCount: number;
  /** The flaky rows (by row, then pass), at most FLAKY_LIMIT, with every repeat's output side by side. */
  flakyRows: FlakyRow[];
}

export const FLAKY_LIMIT = 50;
export const FLAKY_OUTPUT_CHARS = 1000;

interface RowTally {
  row: number;
  iteration: number;
  graded: number;
  passes: number;
}

/** Every graded verdict of one variant, per row; memory is a few numbers a row, never an output. */
export class RepeatTally {
  private readonly rows = new Map<string, RowTally>();

  constructor(readonly n: number) {}

  /** Adds one measured record (warm-ups are the caller's to leave out); an ungraded record counts nowhere. */
  add(r: Pick<ResultRecord, 'row' | 'iteration' | 'pass'>): void {
    if (r.pass === null) return;
    const key = `${r.row}:${r.iteration}`;
    let t = this.rows.get(key);
    if (!t) this.rows.set(key, (t = { row: r.row, iteration: r.iteration, graded: 0, passes: 0 }));
    t.graded++;
    if (r.pass) t.passes++;
  }

  /** The flaky rows' keys ("row:iteration"), in row then pass order, at most `limit`. */
  flakyKeys(limit = FLAKY_LIMIT): string[] {
    return [...this.rows.values()]
      .filter(isFlaky)
      .sort((a, b) => a.row - b.row || a.iteration - b.iteration)
      .slice(0, limit)
      .map((t) => `${t.row}:${t.iteration}`);
  }

  /** The summary; `flakyRows` are the shown rows with their outputs (see runner/repeat-report.ts). */
  summary(flakyRows: FlakyRow[] = []): RepeatSummary {
    // In row order: the sum below then does not depend on the order results.jsonl (or merged shards) had.
    const all = [...this.rows.values()].sort((a, b) => a.row - b.row || a.iteration - b.iteration);
    const complete = all.filter((t) => t.graded >= this.n);
    const passCounts = new Array<number>(this.n + 1).fill(0);
    for (const t of complete) passCounts[Math.min(t.passes, this.n)]!++;
    const share = (k: number, of: number) => (of === 0 ? null : k / of);
    return {
      n: this.n,
      rows: all.length,
      completeRows: complete.length,
      passCounts,
      passAt1: share(
        all.reduce((a, t) => a + t.passes / t.graded, 0),
        all.length,
      ),
      passAllN: share(complete.filter((t) => t.passes === t.graded).length, complete.length),
      consistency: share(complete.filter((t) => !isFlaky(t)).length, complete.length),
      flakyCount: all.filter(isFlaky).length,
      flakyRows,
    };
  }
}

const isFlaky = (t: RowTally): boolean => t.passes > 0 && t.passes < t.graded;

/** One repeat's side of a flaky row. */
export function flakyRepeat(r: ResultRecord): FlakyRepeat {
  return {
    repeat: r.repeat ?? 0,
    pass: r.pass,
    output: r.output.length > FLAKY_OUTPUT_CHARS ? `${r.output.slice(0, FLAKY_OUTPUT_CHARS)}…` : r.output,
    error: r.error ? `${r.error.kind}: ${r.error.message}` : null,
    failed: r.grades.filter((g) => !g.pass).map((g) => `${g.grader}: ${g.reason}`),
  };
}
