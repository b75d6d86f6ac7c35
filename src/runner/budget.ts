// Run budgets (`budget: { max_runs, max_cost_usd }`, --max-runs): a run the plan shows over budget is
// refused before anything is sent (exit 2, with the numbers); one that goes over while it runs is
// stopped like stop_on (no more sends, in-flight requests finish, partial figures, exit 1, reason stated).
import { ConfigError } from '../errors/config-error.js';
import type { ClassifiedError } from '../stackai/types.js';
import type { BudgetSpec, Suite } from '../suite/types.js';
import type { RunPlan } from './run-plan.js';

/** How often the cost so far is checked: far below the threads' one-second statistics. */
const COST_CHECK_MS = 200;

const usd = (v: number) => `$${Number(v.toPrecision(4))}`;

/** The refusal for a run whose plan is over budget, or null. */
export function budgetRefusal(suite: Suite, plan: RunPlan): ConfigError | null {
  const b = suite.budget;
  if (!b) return null;
  if (b.maxRuns !== null && plan.flowRuns !== null && plan.flowRuns > b.maxRuns)
    return new ConfigError(
      `the run plans ${plan.flowRuns} flow runs, over budget.max_runs ${b.maxRuns}; nothing was sent`,
      { file: suite.file },
      'raise budget.max_runs (or --max-runs), or run less: --limit, --requests, --variant, fewer load.iterations',
    );
  if (b.maxCostUsd !== null && plan.costUsd !== null && plan.costUsd > b.maxCostUsd)
    return new ConfigError(
      `the run's estimated flow cost is ${usd(plan.costUsd)} (${plan.costNote}), over budget.max_cost_usd ${usd(b.maxCostUsd)}; nothing was sent`,
      { file: suite.file },
      'raise budget.max_cost_usd, or run less: --limit, --requests, --variant, fewer load.iterations',
    );
  return null;
}

/** The in-run side: counts sends and judges the cost so far; the first limit crossed is the stop's reason. */
export class BudgetGuard {
  private sent = 0;
  private retries = 0;

  constructor(private readonly budget: BudgetSpec | null) {}

  /** A request ended after `attempts` flow runs: its retries count against max_runs (each is billed like the first). */
  ended(attempts: number): void {
    this.retries += Math.max(0, attempts - 1);
  }

  /** Call before each request is sent: an error when its flow run would go over max_runs (it is then not sent). */
  beforeSend(): ClassifiedError | null {
    const max = this.budget?.maxRuns ?? null;
    if (max === null) return null;
    const retries = this.retries;
    if (this.sent + retries >= max)
      return budgetError(`budget.max_runs ${max} reached: ${this.sent + retries} flow runs were sent (${retries} of them retries), no more were started`);
    this.sent++;
    return null;
  }

  /**
   * With max_cost_usd: checks the cost of the variants' results counted so far every COST_CHECK_MS and
   * calls `over` once it reaches the limit. Returns the function that stops watching.
   */
  watchCost(stats: () => readonly { costUsd(): number }[], over: (e: ClassifiedError) => void): () => void {
    if ((this.budget?.maxCostUsd ?? null) === null) return () => {};
    const timer = setInterval(() => {
      const e = this.costCheck(stats().reduce((a, s) => a + s.costUsd(), 0));
      if (e !== null) over(e);
    }, COST_CHECK_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Cost so far (USD, the results counted yet): an error once it reaches max_cost_usd. */
  costCheck(spentUsd: number): ClassifiedError | null {
    const max = this.budget?.maxCostUsd ?? null;
    if (max === null || spentUsd < max) return null;
    return budgetError(`budget.max_cost_usd ${usd(max)} reached: the results counted so far cost ${usd(spentUsd)}; no more flow runs were started`);
  }
}

const budgetError = (message: string): ClassifiedError => ({ kind: 'budget' as ClassifiedError['kind'], status: null, message });
