// The comparison step of `flowbench run`: every variant against the baseline variant (paired by row
// from this run's results.jsonl), and every variant against a saved run when --baseline names one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VariantReport } from '../report/report-model.js';
import type { Suite } from '../suite/types.js';
import { compareRunSides } from './compare-runs.js';
import { compareVariants, DEFAULT_ALPHA } from './compare-variants.js';
import { parseGates } from './gates.js';
import { readOutcomes } from './outcomes.js';
import { loadSavedRun } from './saved-run.js';
import type { CompareSettings, Comparison } from './types.js';

export interface InRunInput {
  suite: Suite;
  /** The report folder (results.jsonl is complete and closed). */
  dir: string;
  variants: VariantReport[];
  /** A saved run to compare against (`--baseline DIR`). */
  baselineRun?: string;
}

export async function compareInRun(a: InRunInput): Promise<{ comparisons: Comparison[]; settings: CompareSettings | null }> {
  const { suite, variants } = a;
  const alpha = suite.compare?.alpha ?? DEFAULT_ALPHA;
  const gates = parseGates(suite.compare?.failOn ?? {}, Object.keys(suite.metadata.fields));
  const opts = { alpha, gates, metrics: Object.keys(suite.thresholds) };
  const resultsPath = join(a.dir, 'results.jsonl');
  const hasResults = existsSync(resultsPath);
  const baseline = suite.compare?.baseline ?? variants[0]?.name ?? null;
  const comparisons: Comparison[] = [];

  const base = variants.find((v) => v.name === baseline);
  if (base && variants.length > 1) {
    const rows = hasResults ? await readOutcomes(resultsPath) : null;
    const side = (v: VariantReport) => ({ name: v.name, source: null, summary: v, rows: rows ? (rows.get(v.name) ?? new Map()) : null, resultsPath: hasResults ? resultsPath : null });
    for (const v of variants) {
      if (v !== base) comparisons.push(await compareVariants(side(base), side(v), opts));
    }
  }
  if (a.baselineRun !== undefined) {
    const saved = await loadSavedRun(a.baselineRun);
    comparisons.push(
      ...(await compareRunSides(
        { source: saved.source, variants: saved.report.variants, resultsPath: saved.resultsPath },
        { source: null, variants, resultsPath: hasResults ? resultsPath : null },
        opts,
      )),
    );
  }
  const asked = suite.compare !== null || comparisons.length > 0;
  return { comparisons, settings: asked && baseline !== null ? { baseline, alpha, failOn: { ...(suite.compare?.failOn ?? {}) } } : null };
}
