// Compares two runs variant by variant: `flowbench compare BASE NEW`, `flowbench run --baseline DIR`
// and the library's compareReports. Rows pair when both runs kept results.jsonl; else histograms.
import type { VariantReport } from '../report/report-model.js';
import { closestKey } from '../text/closest-key.js';
import { ConfigError } from '../errors/config-error.js';
import { compareVariants, DEFAULT_ALPHA, type CompareOptions } from './compare-variants.js';
import { parseGate, type Gate } from './gates.js';
import { readOutcomes, type OutcomeTable } from './outcomes.js';
import { loadSavedRun } from './saved-run.js';
import type { Comparison } from './types.js';

export interface RunSide {
  /** null = the run in hand; else the saved run's path. */
  source: string | null;
  variants: VariantReport[];
  resultsPath: string | null;
}

/** Variant pairs: same name; two single-variant runs pair whatever their names (e.g. a saved "published" and a new "draft"). */
export function pairVariants<B extends { name: string }, C extends { name: string }>(
  base: { variants: B[] },
  cand: { variants: C[] },
  only?: readonly string[],
): [B, C][] {
  const names = (vs: { name: string }[]) => vs.map((v) => v.name).join(', ');
  let pairs = cand.variants.flatMap((c) => {
    const b = base.variants.find((v) => v.name === c.name);
    return b ? [[b, c] as [B, C]] : [];
  });
  if (!pairs.length && base.variants.length === 1 && cand.variants.length === 1) pairs = [[base.variants[0]!, cand.variants[0]!]];
  if (only?.length) {
    for (const n of only) {
      if (pairs.some(([, c]) => c.name === n)) continue;
      const paired = pairs.map(([, c]) => c.name);
      const near = closestKey(n, paired);
      throw new ConfigError(
        `--variant ${n}: not a variant of both runs`,
        {},
        `${near === null ? '' : `did you mean ${near}? `}use one of: ${paired.join(', ') || 'none'}`,
      );
    }
    pairs = pairs.filter(([, c]) => only.includes(c.name));
  }
  if (!pairs.length) {
    throw new ConfigError(
      `the runs share no variant: baseline has ${names(base.variants)}; new has ${names(cand.variants)}`,
      {},
      'compare runs of the same suite, or single-variant runs (those pair whatever their names)',
    );
  }
  return pairs;
}

export async function compareRunSides(base: RunSide, cand: RunSide, opts: CompareOptions & { only?: readonly string[] } = {}): Promise<Comparison[]> {
  const pairs = pairVariants(base, cand, opts.only);
  let rows: { base: OutcomeTable; cand: OutcomeTable } | null = null;
  if (base.resultsPath && cand.resultsPath) {
    rows = {
      base: await readOutcomes(base.resultsPath, new Set(pairs.map(([b]) => b.name))),
      cand: await readOutcomes(cand.resultsPath, new Set(pairs.map(([, c]) => c.name))),
    };
  }
  const missing = [base, cand].filter((r) => !r.resultsPath).map((r) => r.source ?? 'this run');
  const out: Comparison[] = [];
  for (const [b, c] of pairs) {
    const n = out.push(
      await compareVariants(
        { name: b.name, source: base.source, summary: b, rows: rows ? (rows.base.get(b.name) ?? new Map()) : null, resultsPath: base.resultsPath },
        { name: c.name, source: cand.source, summary: c, rows: rows ? (rows.cand.get(c.name) ?? new Map()) : null, resultsPath: cand.resultsPath },
        opts,
      ),
    );
    if (missing.length)
      out[n - 1]!.warnings.push(
        `no results.jsonl in ${missing.join(' and ')}: rows could not pair, so the histograms and counts of report.json were compared (less sensitive; no paired tests, no flipped rows)`,
      );
  }
  return out;
}

/** Parses gates for a comparison outside a suite (command line or a saved report), as ConfigErrors. */
export function gatesFrom(failOn: Record<string, string | number>, metadataNames: readonly string[], origin: string): Gate[] {
  return Object.entries(failOn).map(([k, v]) => {
    const g = parseGate(k, v, metadataNames);
    if ('at' in g) throw new ConfigError(`${origin}: ${g.message}`, {}, g.hint);
    return g;
  });
}

export interface CompareReportsOptions {
  /** Gates; default: those recorded in NEW's report.json (its suite's compare.fail_on). */
  failOn?: Record<string, string | number>;
  alpha?: number;
  /** Only these variants of NEW. */
  variants?: string[];
  seed?: number;
  resamples?: number;
}

export interface CompareReportsResult {
  comparisons: Comparison[];
  verdict: 'pass' | 'fail';
  /** 0 no gate fired, 1 a gate fired. */
  exitCode: 0 | 1;
  /** Where the gates came from. */
  gatesFrom: 'options' | 'report' | 'none';
}

/** Compares a run (NEW) against an earlier one (BASE); each argument is a report folder or its report.json. */
export async function compareReports(basePath: string, newPath: string, opts: CompareReportsOptions = {}): Promise<CompareReportsResult> {
  const base = await loadSavedRun(basePath);
  const cand = await loadSavedRun(newPath);
  const recorded = cand.report.compare ?? null;
  const failOn = opts.failOn ?? recorded?.failOn ?? {};
  const alpha = opts.alpha ?? recorded?.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new ConfigError(`alpha must be between 0 and 1, got ${alpha}`, {}, 'the usual significance level is 0.05');
  const metaNames = [...new Set([...base.report.variants, ...cand.report.variants].flatMap((v) => Object.keys(v.metadataMetrics ?? {})))];
  const gates = gatesFrom(failOn, metaNames, opts.failOn ? '--fail-on' : `${newPath} (compare.fail_on)`);
  const comparisons = await compareRunSides(
    { source: base.source, variants: base.report.variants, resultsPath: base.resultsPath },
    { source: cand.source, variants: cand.report.variants, resultsPath: cand.resultsPath },
    {
      alpha,
      gates,
      metrics: [...new Set((cand.report.thresholds ?? []).map((t) => t.metric))],
      ...(opts.seed !== undefined && { seed: opts.seed }),
      ...(opts.resamples !== undefined && { resamples: opts.resamples }),
      ...(opts.variants && { only: opts.variants }),
    },
  );
  const fired = comparisons.some((c) => c.verdict === 'fail');
  return {
    comparisons,
    verdict: fired ? 'fail' : 'pass',
    exitCode: fired ? 1 : 0,
    gatesFrom: opts.failOn ? 'options' : recorded && Object.keys(recorded.failOn).length ? 'report' : 'none',
  };
}
