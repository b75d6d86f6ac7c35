// The comparison step of `flowbench run`: every variant against the baseline variant (paired by row
// from this run's results.jsonl), and every variant against a saved run when --baseline names one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VariantReport } from '../report/report-model.js';
import type { Suite } from '../suite/types.js';
import { compareRunSides, gatesFrom } from '../compare/compare-runs.js';
import { compareVariants, DEFAULT_ALPHA, type CompareOptions } from '../compare/compare-variants.js';
import { parseGates } from '../compare/gates.js';
import { readOutcomes } from '../compare/outcomes.js';
import { loadSavedRun } from '../compare/saved-run.js';
import type { CompareSettings, Comparison } from '../compare/types.js';

export interface InRunInput {
  suite: Suite;
  /** The report folder (results.jsonl is complete and closed). */
  dir: string;
  variants: VariantReport[];
  /** A saved run to compare against (`--baseline DIR`). */
  baselineRun?: string;
}

/** Every variant against the baseline variant, rows paired from the folder's results.jsonl. */
async function againstBaselineVariant(dir: string, variants: VariantReport[], baseline: string | null, opts: CompareOptions): Promise<Comparison[]> {
  const base = variants.find((v) => v.name === baseline);
  if (!base || variants.length < 2) return [];
  const resultsPath = join(dir, 'results.jsonl');
  const hasResults = existsSync(resultsPath);
  const rows = hasResults ? await readOutcomes(resultsPath) : null;
  const side = (v: VariantReport) => ({
    name: v.name,
    source: null,
    summary: v,
    rows: rows ? (rows.get(v.name) ?? new Map()) : null,
    resultsPath: hasResults ? resultsPath : null,
  });
  const out: Comparison[] = [];
  for (const v of variants) if (v !== base) out.push(await compareVariants(side(base), side(v), opts));
  return out;
}

export async function compareInRun(a: InRunInput): Promise<{ comparisons: Comparison[]; settings: CompareSettings | null }> {
  const { suite, variants } = a;
  const alpha = suite.compare?.alpha ?? DEFAULT_ALPHA;
  const gates = parseGates(suite.compare?.failOn ?? {}, Object.keys(suite.metadata.fields));
  const opts = { alpha, gates, metrics: Object.keys(suite.thresholds) };
  const baseline = suite.compare?.baseline ?? variants[0]?.name ?? null;
  const comparisons = await againstBaselineVariant(a.dir, variants, baseline, opts);
  if (a.baselineRun !== undefined) {
    const saved = await loadSavedRun(a.baselineRun);
    const resultsPath = join(a.dir, 'results.jsonl');
    comparisons.push(
      ...(await compareRunSides(
        { source: saved.source, variants: saved.report.variants, resultsPath: saved.resultsPath },
        { source: null, variants, resultsPath: existsSync(resultsPath) ? resultsPath : null },
        opts,
      )),
    );
  }
  const asked = suite.compare !== null || comparisons.length > 0;
  return { comparisons, settings: asked && baseline !== null ? { baseline, alpha, failOn: { ...(suite.compare?.failOn ?? {}) } } : null };
}

/**
 * The in-run comparison redone on a saved report folder (e.g. merged shards), with the settings the
 * run recorded: every variant against the baseline variant, rows paired from the folder's results.jsonl.
 */
export async function compareSaved(a: {
  dir: string;
  variants: VariantReport[];
  settings: CompareSettings | null;
  metrics?: readonly string[];
}): Promise<{ comparisons: Comparison[]; settings: CompareSettings | null }> {
  const alpha = a.settings?.alpha ?? DEFAULT_ALPHA;
  const metaNames = [...new Set(a.variants.flatMap((v) => Object.keys(v.metadataMetrics ?? {})))];
  const gates = gatesFrom(a.settings?.failOn ?? {}, metaNames, 'compare.fail_on');
  const baseline = a.settings?.baseline ?? a.variants[0]?.name ?? null;
  const comparisons = await againstBaselineVariant(a.dir, a.variants, baseline, { alpha, gates, metrics: a.metrics ?? [] });
  return { comparisons, settings: a.settings ?? (comparisons.length && baseline !== null ? { baseline, alpha, failOn: {} } : null) };
}
