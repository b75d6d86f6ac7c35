// Word diffs (jsdiff's diffWords) between the baseline's and a candidate's output for the rows whose
// verdict flipped, for report.html. The flipped rows are found while results.jsonl streams past for
// the rows (only each row's verdicts are held); their outputs are read in a second pass, cut, diffed.
import { diffWords } from 'diff';
import type { Report } from '../report-model.js';
import type { ResultRecord } from '../../record/result-record.js';
import { readResults } from '../read-results.js';

/** Characters of each output that are diffed: the page says so when an output is longer. */
export const DIFF_CHARS = 20_000;
/** Flipped results diffed per report (the first by row, iteration and variant). */
export const DIFF_LIMIT = 100;
/**
 * A diff that takes longer than this (ms) is left out and said so: two unrelated 20,000-character
 * texts take jsdiff seconds each. The whole report's diffs get DIFF_BUDGET_MS at most.
 */
const DIFF_TIMEOUT_MS = 1000;
const DIFF_BUDGET_MS = 5000;

/** -1: only in the baseline's output, 1: only in the candidate's, 0: in both. */
export type DiffPiece = [-1 | 0 | 1, string];

export interface FlipDiff {
  row: number;
  iteration: number;
  variant: string;
  /** True when either output was longer than DIFF_CHARS and only its start was diffed. */
  cut: boolean;
  /** Null when the diff took too long (the outputs differ too much to diff quickly). */
  pieces: DiffPiece[] | null;
}

export interface FlipDiffs {
  baseline: string;
  chars: number;
  limit: number;
  /** Flipped results in the report (a row flips once per candidate variant). */
  flipped: number;
  diffs: FlipDiff[];
}

/** The variant the page marks flips against: the first comparison's baseline, else the first variant. */
export function flipBaseline(report: Report, variants: string[]): string {
  const c = (report.comparisons ?? [])[0] as { baseline?: unknown } | undefined;
  return c && typeof c.baseline === 'string' && variants.includes(c.baseline) ? c.baseline : (variants[0] ?? '');
}

const key = (row: number, iteration: number) => `${row}:${iteration}`;

/** Holds each row's verdict per variant (the last result of a row counts, as in the page's table). */
export class FlipFinder {
  private readonly verdicts = new Map<string, Map<string, boolean | null>>();

  add(r: ResultRecord): void {
    if (r.warmup) return;
    const k = key(r.row, r.iteration ?? 0);
    let m = this.verdicts.get(k);
    if (!m) this.verdicts.set(k, (m = new Map()));
    m.set(r.variant, r.pass ?? null);
  }

  /** Flipped (row, iteration, variant), sorted by row, iteration and the order of `variants`. */
  flipped(baseline: string, variants: string[]): { row: number; iteration: number; variant: string }[] {
    const out: { row: number; iteration: number; variant: string; v: number }[] = [];
    for (const [k, m] of this.verdicts) {
      const base = m.get(baseline);
      if (base === null || base === undefined) continue;
      const [row, iteration] = k.split(':').map(Number) as [number, number];
      for (const [variant, pass] of m) {
        if (variant !== baseline && pass !== null && pass !== base) out.push({ row, iteration, variant, v: variants.indexOf(variant) });
      }
    }
    out.sort((a, b) => a.row - b.row || a.iteration - b.iteration || a.v - b.v);
    return out.map(({ row, iteration, variant }) => ({ row, iteration, variant }));
  }
}

/** The word diff of two outputs as pieces; null when it took longer than timeoutMs. */
export function wordDiff(baseline: string, candidate: string, timeoutMs = DIFF_TIMEOUT_MS): DiffPiece[] | null {
  if (timeoutMs <= 0) return null;
  const changes = diffWords(baseline, candidate, { timeout: timeoutMs });
  if (!changes) return null;
  return changes.map((c) => [c.added ? 1 : c.removed ? -1 : 0, c.value]);
}

/** Second pass over results.jsonl: the outputs of the first DIFF_LIMIT flipped results, diffed. */
export async function flipDiffs(resultsPath: string, finder: FlipFinder, baseline: string, variants: string[]): Promise<FlipDiffs> {
  const flipped = finder.flipped(baseline, variants);
  const shown = flipped.slice(0, DIFF_LIMIT);
  const result: FlipDiffs = { baseline, chars: DIFF_CHARS, limit: DIFF_LIMIT, flipped: flipped.length, diffs: [] };
  if (!shown.length) return result;
  const wanted = new Set<string>();
  for (const f of shown) {
    wanted.add(`${key(f.row, f.iteration)}:${baseline}`);
    wanted.add(`${key(f.row, f.iteration)}:${f.variant}`);
  }
  const outputs = new Map<string, { text: string; cut: boolean }>();
  for await (const r of readResults(resultsPath)) {
    if (r.warmup) continue;
    const k = `${key(r.row, r.iteration ?? 0)}:${r.variant}`;
    if (!wanted.has(k)) continue;
    const out = typeof r.output === 'string' ? r.output : '';
    outputs.set(k, { text: out.slice(0, DIFF_CHARS), cut: out.length > DIFF_CHARS });
  }
  const until = Date.now() + DIFF_BUDGET_MS;
  for (const f of shown) {
    const a = outputs.get(`${key(f.row, f.iteration)}:${baseline}`) ?? { text: '', cut: false };
    const b = outputs.get(`${key(f.row, f.iteration)}:${f.variant}`) ?? { text: '', cut: false };
    result.diffs.push({ ...f, cut: a.cut || b.cut, pieces: wordDiff(a.text, b.text, Math.min(DIFF_TIMEOUT_MS, until - Date.now())) });
  }
  return result;
}
