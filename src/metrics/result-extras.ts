// The per-result figures that need the suite's own definitions (prices, the server's latency path,
// goodput objectives): set on a record where it completes, so results.jsonl carries them and the
// per-variant statistics add them up from one definition.
import type { ResultRecord } from '../record/result-record.js';
import { costOf, modelUsage, type PriceTable } from './cost.js';
import { isGood, type GoodputSpec } from './goodput.js';
import { mismatchOf, serverLatencyMs, serverSaysOk, type ServerLatencySpec } from './server-view.js';

/** Structured-cloneable: it travels to the request and grading threads with their config. */
export interface ResultExtrasSpec {
  /** null: no prices, so no cost (tokens per model are still kept). */
  prices: PriceTable | null;
  /** null: metadata is not fetched, so there is no server view. */
  serverLatency: ServerLatencySpec | null;
  goodput: GoodputSpec | null;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
/** Cost keeps 9 decimals: a nano-dollar is below any price list's resolution. */
const roundUsd = (v: number) => Math.round(v * 1e9) / 1e9;

/** Sets the record's usage, cost, server view and goodput fields in place (each only when it applies). */
export function addResultExtras(r: ResultRecord, spec: ResultExtrasSpec | null | undefined): ResultRecord {
  if (!spec) return r;
  const usage = modelUsage(r.metadata);
  if (usage !== null && usage.length > 0) {
    r.usage = usage;
    if (spec.prices !== null) {
      const c = costOf(usage, spec.prices);
      r.costUsd = c.costUsd === null ? null : roundUsd(c.costUsd);
      if (c.unpriced.length > 0) r.unpricedModels = c.unpriced;
    }
  }
  if (spec.serverLatency !== null && r.metadata !== null) {
    const server = serverLatencyMs(r.metadata, spec.serverLatency);
    if (server !== null) {
      r.serverLatencyMs = round(server);
      // The client's time of the very run the server timed: the final attempt, from its send to its end.
      r.latencyGapMs = round(r.timestamps.end - r.timestamps.sent - server);
    }
    const mismatch = mismatchOf(r.ok, serverSaysOk(r.metadata));
    if (mismatch !== null) r.serverMismatch = mismatch;
  }
  if (spec.goodput !== null) r.goodput = isGood(r, spec.goodput);
  if (spec.prices !== null) {
    const judged = judgeCost(r, spec.prices);
    if (judged !== undefined) r.judgeCostUsd = judged;
  }
  return r;
}

/** Σ of the judge runs made for this result (cache hits cost nothing); undefined with none, null when one is unknown. */
function judgeCost(r: ResultRecord, prices: PriceTable): number | null | undefined {
  let sum: number | null | undefined;
  for (const g of r.grades ?? []) {
    if (!g.judge || g.judge.cached === true || g.judge.runId === null) continue;
    const c = g.judge.usage === undefined ? null : costOf(g.judge.usage, prices).costUsd;
    sum = c === null || sum === null ? null : (sum ?? 0) + c;
  }
  return typeof sum === 'number' ? roundUsd(sum) : sum;
}
