// Tokens per model and what they cost: the usage a run's metadata reports (StackAI's llm_usage[]) priced
// with the suite's table. A model with usage but no price makes the result's cost unknown, never guessed.
import type { ModelUsage } from '../record/usage.js';

export type { ModelUsage } from '../record/usage.js';

/** USD per million tokens, as providers publish them. */
export interface ModelPrice {
  inputPerMtok: number;
  outputPerMtok: number;
}

/** Model id (as llm_usage names it) → its prices. */
export type PriceTable = Record<string, ModelPrice>;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * `llm_usage[]` summed per model (a flow may call one model several times), in first-seen order; null when
 * the metadata has no llm_usage list. An entry without a model id is counted under "unknown".
 */
export function modelUsage(metadata: unknown): ModelUsage[] | null {
  if (metadata === null || typeof metadata !== 'object') return null;
  const list = (metadata as { llm_usage?: unknown }).llm_usage;
  if (!Array.isArray(list)) return null;
  const byModel = new Map<string, ModelUsage>();
  for (const u of list) {
    if (u === null || typeof u !== 'object') continue;
    const e = u as Record<string, unknown>;
    const model = typeof e.model_id === 'string' && e.model_id !== '' ? e.model_id : typeof e.model === 'string' && e.model !== '' ? e.model : 'unknown';
    let m = byModel.get(model);
    if (!m) byModel.set(model, (m = { model, inputTokens: 0, outputTokens: 0 }));
    if (isCount(e.input_tokens)) m.inputTokens += e.input_tokens;
    if (isCount(e.output_tokens)) m.outputTokens += e.output_tokens;
  }
  return [...byModel.values()];
}

export interface UsageCost {
  /** Sum over the models, USD; null when any model with tokens has no price. */
  costUsd: number | null;
  /** Models with tokens and no price (what makes the cost unknown). */
  unpriced: string[];
}

/** cost = Σ over models (input tokens × input_per_mtok + output tokens × output_per_mtok) / 1,000,000. */
export function costOf(usage: readonly ModelUsage[], prices: PriceTable): UsageCost {
  let sum = 0;
  const unpriced: string[] = [];
  for (const u of usage) {
    if (u.inputTokens === 0 && u.outputTokens === 0) continue;
    const p = Object.hasOwn(prices, u.model) ? prices[u.model] : undefined;
    if (!p) {
      unpriced.push(u.model);
      continue;
    }
    sum += (u.inputTokens * p.inputPerMtok + u.outputTokens * p.outputPerMtok) / 1e6;
  }
  return { costUsd: unpriced.length > 0 ? null : sum, unpriced };
}
