// The rows whose verdict flipped between baseline and candidate, with both outputs side by side:
// a second pass over results.jsonl that keeps only the records of the flipped rows.
import { forEachResult, rowKey } from './outcomes.js';
import type { FlippedRow, Flips, FlipSide } from './types.js';
import type { ResultRecord } from '../record/result-record.js';

export const FLIP_LIMIT = 100;
const OUTPUT_CHARS = 2000;

export interface FlipSource {
  /** results.jsonl holding this side. */
  path: string;
  variant: string;
}

function side(r: ResultRecord | undefined): FlipSide {
  if (!r) return { output: '', score: null, error: 'result not found', failed: [] };
  return {
    output: r.output.length > OUTPUT_CHARS ? `${r.output.slice(0, OUTPUT_CHARS)}…` : r.output,
    score: r.score,
    error: r.error ? `${r.error.kind}: ${r.error.message}` : null,
    failed: r.grades.filter((g) => !g.pass).map((g) => `${g.grader}: ${g.reason}`),
  };
}

export async function collectFlips(
  flipped: readonly { key: string; direction: 'pass_to_fail' | 'fail_to_pass' }[],
  base: FlipSource,
  cand: FlipSource,
  limit = FLIP_LIMIT,
): Promise<Flips> {
  const passToFail = flipped.filter((f) => f.direction === 'pass_to_fail').length;
  const order = (k: string) => k.split(':').map(Number) as [number, number];
  const shown = [...flipped]
    .sort((x, y) =>
      x.direction === y.direction ? order(x.key)[0] - order(y.key)[0] || order(x.key)[1] - order(y.key)[1] : x.direction === 'pass_to_fail' ? -1 : 1,
    )
    .slice(0, limit);
  const want = new Set(shown.map((f) => f.key));
  const found = { base: new Map<string, ResultRecord>(), cand: new Map<string, ResultRecord>() };
  if (want.size) {
    // One pass per file: an in-run comparison reads its one results.jsonl once for both sides.
    const sources = base.path === cand.path ? [[base, cand]] : [[base], [cand]];
    for (const group of sources) {
      await forEachResult(group[0]!.path, (r) => {
        const k = rowKey(r.row, r.iteration ?? 0);
        if (!want.has(k) || (r as { warmup?: boolean }).warmup === true) return;
        if (r.variant === base.variant && group.includes(base)) found.base.set(k, r);
        if (r.variant === cand.variant && group.includes(cand)) found.cand.set(k, r);
      });
    }
  }
  const rows: FlippedRow[] = shown.map((f) => {
    const [row, iteration] = order(f.key);
    const b = found.base.get(f.key);
    const c = found.cand.get(f.key);
    return {
      row,
      iteration,
      direction: f.direction,
      inputs: (c ?? b)?.inputs ?? {},
      expected: (c ?? b)?.expected ?? null,
      baseline: side(b),
      candidate: side(c),
    };
  });
  return { passToFail, failToPass: flipped.length - passToFail, rows, limit };
}
