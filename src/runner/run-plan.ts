// What a run will cost before it sends anything (`flowbench plan`, the first lines of every run, the
// budget check): flow runs per variant, metadata GETs, judge runs, feedback posts, the expected length,
// and with prices and expected tokens (the suite's, or a saved run's per request) an estimated cost.
import type { PlannedWork } from '../load/models/model-def.js';
import { costOf, type PriceTable } from '../metrics/cost.js';
import type { Report } from '../report/report-model.js';
import type { Suite } from '../suite/types.js';
import { formatUsd } from '../text/usd.js';

export interface RunPlan {
  /** Measured flow runs per variant (null: the load decides, e.g. a duration). */
  variants: { name: string; flowRuns: number | null; costUsd: number | null }[];
  /** Every flow run the suite starts, warm-up included; retries come on top (at most × (1 + load.retries)). */
  flowRuns: number | null;
  warmupRuns: number | null;
  retries: number;
  /** One GET per flow run when metadata is fetched. */
  metadataGets: number | null;
  /** At most: one per judge grader per successful measured run. */
  judgeRuns: number | null;
  /** With `cost:`, each judge run is followed by a metadata GET for its tokens (its cost is counted apart). */
  judgeUsageGets: boolean;
  /** One per measured run with feedback.when always; with pass or fail, at most that (feedbackAtMost). */
  feedbackPosts: number | null;
  feedbackAtMost: boolean;
  /** The load's planned length, ms, where the model knows it. */
  expectedMs: number | null;
  /** Flow cost, USD: expected tokens × prices per run, summed; null when it cannot be estimated (see costNote). */
  costUsd: number | null;
  /** Where the estimate's tokens came from, or why there is none. */
  costNote: string;
}

/** Tokens a flow run is expected to use, per model: the suite's cost.expected_tokens or a saved run's means. */
type RunTokens = Record<string, { input: number; output: number }>;

/** Per variant, from a saved report: each model's tokens over the variant's requests (failed ones cost too). */
function savedTokens(report: Report, variant: string): RunTokens | null {
  const v = report.variants.find((x) => x.name === variant);
  if (!v?.tokensByModel || v.requests === 0) return null;
  return Object.fromEntries(Object.entries(v.tokensByModel).map(([m, t]) => [m, { input: t.inputTokens / v.requests, output: t.outputTokens / v.requests }]));
}

function perRunCost(tokens: RunTokens, prices: PriceTable): { costUsd: number | null; unpriced: string[] } {
  return costOf(
    Object.entries(tokens).map(([model, t]) => ({ model, inputTokens: t.input, outputTokens: t.output })),
    prices,
  );
}

export function planRun(suite: Suite, rows: number, work: PlannedWork, saved?: { report: Report; source: string }): RunPlan {
  const load = suite.load;
  const n = suite.variants.length;
  const perVariant = load.iterations !== null && load.requests === null ? rows * load.iterations : work.requests === null ? null : Math.ceil(work.requests / n);
  const warmupRuns = load.warmup === null ? 0 : 'requests' in load.warmup ? load.warmup.requests : null;
  const measured = work.requests;
  const flowRuns = measured === null || warmupRuns === null ? null : measured + warmupRuns;
  const judges = suite.graders.filter((g) => g.type === 'judge' || g.type === 'not-judge').length;
  const posts = suite.feedback.post ? measured : 0;

  const prices = suite.cost?.prices ?? null;
  let costNote: string;
  const variants: RunPlan['variants'] = suite.variants.map((v) => ({ name: v.name, flowRuns: perVariant, costUsd: null }));
  if (prices === null) costNote = 'no cost estimate: the suite has no cost.prices';
  else {
    const unpriced = new Set<string>();
    let missing = false;
    for (const v of variants) {
      const tokens = saved ? savedTokens(saved.report, v.name) : Object.keys(suite.cost!.expectedTokens).length > 0 ? suite.cost!.expectedTokens : null;
      if (tokens === null) {
        missing = true;
        continue;
      }
      const c = perRunCost(tokens, prices);
      for (const m of c.unpriced) unpriced.add(m);
      // Warm-up runs are spread over the variants like the measured ones.
      const runs = perVariant === null || warmupRuns === null ? null : perVariant + warmupRuns / n;
      v.costUsd = c.costUsd === null || runs === null ? null : c.costUsd * runs;
    }
    costNote =
      unpriced.size > 0
        ? `no cost estimate: no price for ${[...unpriced].join(', ')} (add to cost.prices)`
        : missing
          ? saved
            ? `no cost estimate: ${saved.source} has no token counts for every variant`
            : 'no cost estimate: set cost.expected_tokens (or pass --from a saved run)'
          : variants.some((v) => v.costUsd === null)
            ? 'no cost estimate: the number of runs is not known before the run (a duration)'
            : saved
              ? `estimated from ${saved.source}'s tokens per request`
              : 'estimated from cost.expected_tokens';
  }
  const costs = variants.map((v) => v.costUsd);
  return {
    variants,
    flowRuns,
    warmupRuns,
    retries: load.retries,
    metadataGets: suite.metadata.fetch ? flowRuns : 0,
    judgeRuns: measured === null ? null : measured * judges,
    judgeUsageGets: judges > 0 && suite.cost != null,
    feedbackPosts: posts,
    feedbackAtMost: suite.feedback.post && suite.feedback.when !== 'always',
    expectedMs: work.ms,
    costUsd: costs.every((c) => c !== null) && costs.length > 0 ? (costs as number[]).reduce((a, b) => a + b, 0) : null,
    costNote,
  };
}

const count = (v: number | null, what: string) => (v === null ? `? ${what} (the load decides)` : `${v} ${what}`);
const usd = formatUsd;

/** The plan in one line, as every run states it first. */
export function planLine(p: RunPlan): string {
  const per = p.variants.every((v) => v.flowRuns !== null) ? ` (${p.variants.map((v) => `${v.name} ${v.flowRuns}`).join(', ')})` : '';
  const warm = p.warmupRuns ? `, ${p.warmupRuns} of them warm-up` : '';
  const parts = [
    `${count(p.flowRuns, 'flow runs')}${per}${warm}`,
    `${count(p.metadataGets, 'metadata GETs')}`,
    `${p.judgeRuns === null ? '? judge runs' : `≤ ${p.judgeRuns} judge runs`}${p.judgeUsageGets ? ' (each with a metadata GET for its tokens)' : ''}`,
    p.feedbackAtMost && p.feedbackPosts !== null ? `≤ ${p.feedbackPosts} feedback posts` : count(p.feedbackPosts, 'feedback posts'),
  ];
  const length = p.expectedMs === null ? '' : `; about ${Math.round(p.expectedMs / 100) / 10} s of load`;
  const cost = p.costUsd === null ? p.costNote : `estimated flow cost ${usd(p.costUsd)} (${p.costNote.replace(/^estimated from /, 'from ')})`;
  return `plan: ${parts.join(', ')}${p.retries > 0 ? `; retries on top (up to ${p.retries} per request)` : ''}${length}; ${cost}`;
}
