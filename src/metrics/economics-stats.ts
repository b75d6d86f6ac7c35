// Per-variant accumulators of the figures addResultExtras sets: tokens per model, cost, goodput and the
// server's view beside the client's. add() per result, summary() once at the end; take() / merge()
// carry what a thread added to the main thread's total exactly (integer counts, exact sums, value lists).
import type { ResultRecord } from '../record/result-record.js';
import { ExactSum } from './exact-sum.js';
import { BoundedValues, nearestRank } from './bounded-values.js';

export interface ModelTokens {
  /** Results whose llm_usage named this model. */
  runs: number;
  inputTokens: number;
  outputTokens: number;
}

export interface CostSummary {
  /** Results with a known cost, and those with usage of a model without a price (cost unknown: in no sum). */
  results: number;
  unknown: number;
  /** The models that made a cost unknown: give them a price (cost.prices). */
  unpricedModels: string[];
  /** Σ costUsd of the results with a known cost. */
  totalUsd: number;
  meanUsd: number | null;
  p95Usd: number | null;
  /** totalUsd / passing answers (graded: passed; ungraded: succeeded); null with none. Failed answers' cost counts. */
  perPassUsd: number | null;
  /**
   * The judge runs' cost, counted apart (in none of the figures above): results whose judge runs were
   * priced, those with a judge run of unknown cost, and their sum, USD. null without a judge run made.
   */
  judge: { results: number; unknown: number; totalUsd: number } | null;
}

export interface GoodputSummary {
  /** Requests that succeeded, met every objective and (require_pass) passed. */
  good: number;
  /** good / requests. */
  share: number | null;
  /** good / the variant's active span, requests/s (AIPerf's goodput). */
  rps: number | null;
}

export interface ValueSummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  min: number;
}

export interface ServerVsClientSummary {
  /** Results whose metadata gave a server latency. */
  results: number;
  serverLatencyMs: ValueSummary | null;
  /** Client time of the final attempt minus the server's latency, ms (negative when the server counts more). */
  gapMs: ValueSummary | null;
  /** The server says success and the client saw a failure, and the reverse. */
  serverOkClientFailed: number;
  serverFailedClientOk: number;
}

/** What VariantSummary gains from this module (absent in older reports). */
export interface EconomicsSummary {
  /** Per model (llm_usage[].model_id): runs and tokens of every measured result, failed ones included. */
  tokensByModel?: Record<string, ModelTokens>;
  /** null without `cost.prices`. */
  cost?: CostSummary | null;
  /** null without `goodput:`. */
  goodput?: GoodputSummary | null;
  /** null when no result's metadata gave a server latency or a state to compare. */
  serverVsClient?: ServerVsClientSummary | null;
}

export interface EconomicsDelta {
  models: [string, ModelTokens][];
  costed: number;
  unknown: number;
  unpriced: string[];
  costSum: number[];
  costs: number[];
  judgeCosted: number;
  judgeUnknown: number;
  judgeCostSum: number[];
  goodputJudged: number;
  good: number;
  serverLatencies: number[];
  gaps: number[];
  serverOkClientFailed: number;
  serverFailedClientOk: number;
}

type Lists = 'costs' | 'serverLatencies' | 'gaps';

const empty = (): Omit<EconomicsDelta, 'costSum' | 'judgeCostSum' | Lists> => ({
  models: [],
  costed: 0,
  unknown: 0,
  unpriced: [],
  judgeCosted: 0,
  judgeUnknown: 0,
  goodputJudged: 0,
  good: 0,
  serverOkClientFailed: 0,
  serverFailedClientOk: 0,
});

export class EconomicsStats {
  private d = empty();
  private readonly models = new Map<string, ModelTokens>();
  private readonly costSum = new ExactSum();
  private readonly judgeCostSum = new ExactSum();
  /** One number per result: bounded (metrics/bounded-values.ts), a soak run's memory stays flat. */
  private readonly costs = new BoundedValues();
  private readonly serverLatencies = new BoundedValues();
  private readonly gaps = new BoundedValues();

  add(r: ResultRecord): void {
    const d = this.d;
    for (const u of r.usage ?? []) addModel(this.models, u.model, { runs: 1, inputTokens: u.inputTokens, outputTokens: u.outputTokens });
    if (r.costUsd !== undefined) {
      if (r.costUsd === null) {
        d.unknown++;
        for (const m of r.unpricedModels ?? []) if (!d.unpriced.includes(m)) d.unpriced.push(m);
      } else {
        d.costed++;
        this.costs.add(r.costUsd);
        this.costSum.add(r.costUsd);
      }
    }
    if (r.judgeCostUsd !== undefined) {
      if (r.judgeCostUsd === null) d.judgeUnknown++;
      else {
        d.judgeCosted++;
        this.judgeCostSum.add(r.judgeCostUsd);
      }
    }
    if (r.goodput !== undefined) {
      d.goodputJudged++;
      if (r.goodput) d.good++;
    }
    if (r.serverLatencyMs !== undefined) this.serverLatencies.add(r.serverLatencyMs);
    if (r.latencyGapMs !== undefined) this.gaps.add(r.latencyGapMs);
    if (r.serverMismatch === 'server_ok_client_failed') d.serverOkClientFailed++;
    else if (r.serverMismatch === 'server_failed_client_ok') d.serverFailedClientOk++;
  }

  /** Σ known cost added so far, USD (the run budget reads it on the main thread while the run goes on). */
  totalUsd(): number {
    return this.costSum.value();
  }

  take(): EconomicsDelta {
    const out: EconomicsDelta = {
      ...this.d,
      models: [...this.models],
      costSum: this.costSum.take(),
      judgeCostSum: this.judgeCostSum.take(),
      costs: this.costs.take(),
      serverLatencies: this.serverLatencies.take(),
      gaps: this.gaps.take(),
    };
    this.d = empty();
    this.models.clear();
    return out;
  }

  merge(x: EconomicsDelta): void {
    const d = this.d;
    for (const [m, t] of x.models) addModel(this.models, m, t);
    this.costSum.merge(x.costSum);
    d.costed += x.costed;
    d.unknown += x.unknown;
    for (const m of x.unpriced) if (!d.unpriced.includes(m)) d.unpriced.push(m);
    this.costs.addAll(x.costs);
    // Deltas from older threads' shapes carry no judge figures.
    if (x.judgeCostSum) this.judgeCostSum.merge(x.judgeCostSum);
    d.judgeCosted += x.judgeCosted ?? 0;
    d.judgeUnknown += x.judgeUnknown ?? 0;
    d.goodputJudged += x.goodputJudged;
    d.good += x.good;
    this.serverLatencies.addAll(x.serverLatencies);
    this.gaps.addAll(x.gaps);
    d.serverOkClientFailed += x.serverOkClientFailed;
    d.serverFailedClientOk += x.serverFailedClientOk;
  }

  /** `passes`: passed answers (graded run) or successful ones; `requests` and `spanSeconds` as the variant's. */
  summary(requests: number, passes: number, spanSeconds: number): Required<EconomicsSummary> {
    const d = this.d;
    const total = this.costSum.value();
    const costKnown = d.costed + d.unknown > 0;
    return {
      tokensByModel: Object.fromEntries([...this.models].map(([m, t]) => [m, { ...t }])),
      cost: costKnown
        ? {
            results: d.costed,
            unknown: d.unknown,
            unpricedModels: [...d.unpriced].sort(),
            totalUsd: roundUsd(total),
            meanUsd: d.costed ? roundUsd(total / d.costed) : null,
            p95Usd: d.costed ? nearestRank(this.costs.view()?.sorted ?? [0], 95) : null,
            perPassUsd: passes > 0 && d.costed > 0 ? roundUsd(total / passes) : null,
            judge:
              d.judgeCosted + d.judgeUnknown > 0 ? { results: d.judgeCosted, unknown: d.judgeUnknown, totalUsd: roundUsd(this.judgeCostSum.value()) } : null,
          }
        : null,
      goodput:
        d.goodputJudged > 0
          ? {
              good: d.good,
              share: requests > 0 ? d.good / requests : null,
              rps: spanSeconds > 0 ? Math.round((d.good / spanSeconds) * 1000) / 1000 : null,
            }
          : null,
      serverVsClient:
        this.serverLatencies.count + d.serverOkClientFailed + d.serverFailedClientOk > 0
          ? {
              results: this.serverLatencies.count,
              serverLatencyMs: valueSummary(this.serverLatencies),
              gapMs: valueSummary(this.gaps),
              serverOkClientFailed: d.serverOkClientFailed,
              serverFailedClientOk: d.serverFailedClientOk,
            }
          : null,
    };
  }
}

const roundUsd = (v: number) => Math.round(v * 1e9) / 1e9;
const round = (v: number) => Math.round(v * 1000) / 1000;
function valueSummary(values: BoundedValues): ValueSummary | null {
  const v = values.view();
  if (v === null) return null;
  const s = v.sorted;
  return {
    count: v.count,
    mean: round(v.sum / v.count),
    min: v.min,
    p50: nearestRank(s, 50),
    p90: nearestRank(s, 90),
    p95: nearestRank(s, 95),
    p99: nearestRank(s, 99),
    max: v.max,
  };
}

function addModel(into: Map<string, ModelTokens>, model: string, t: ModelTokens): void {
  const m = into.get(model);
  if (m) {
    m.runs += t.runs;
    m.inputTokens += t.inputTokens;
    m.outputTokens += t.outputTokens;
  } else into.set(model, { ...t });
}
