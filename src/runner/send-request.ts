// One request of the run, from the load model's send to its record: waits while the graders are far
// behind, checks the budget, hands the request to the pool and accounts for what comes back (a record
// completed in its thread is already written; one that came back whole goes to the collector).
import type { ClockAnchor } from '../clock/clock.js';
import type { RecordEnvelope } from '../record/result-record.js';
import type { Suite } from '../suite/types.js';
import type { RequestTask } from '../worker/messages.js';
import type { PoolOutcome, RequestPool } from '../worker/pool.js';
import type { BudgetGuard } from './budget.js';
import type { RunCollector } from './collect.js';
import type { TurnSend } from './conversation-runner.js';
import { harnessFailure } from './harness-failure.js';
import type { RunStopper } from './run-stopper.js';

export interface SendDeps {
  suite: Suite;
  anchor: ClockAnchor;
  collector: RunCollector;
  pool: RequestPool;
  budget: BudgetGuard;
  stopper: RunStopper;
}

/** Resolves true once the request ran, false when it was never sent (over budget, or held past the stop). */
export function requestSender({ suite, anchor, collector, pool, budget, stopper }: SendDeps): TurnSend {
  return async (p, info, phase, shape) => {
    const wait = collector.room();
    if (wait !== null) await wait;
    const env: RecordEnvelope = { variant: p.variant, step: phase.step, warmup: phase.warmup, sendLagMs: info.lagMs, delayed: info.delayed };
    const overBudget = budget.beforeSend();
    if (overBudget !== null) {
      // No more scheduling; the runs handed over before this one (held for a free slot) still go: they are in budget.
      stopper.stoppedBy ??= overBudget;
      return false;
    }
    const task: RequestTask = { ...p, scheduledAt: info.scheduledAt, env };
    collector.inFlight++;
    collector.inFlightOf[env.variant]!++;
    let outcome: PoolOutcome;
    try {
      outcome = await pool.run(task, info.hold);
    } catch (err) {
      outcome = { record: harnessFailure(suite, task, err, anchor) };
    }
    collector.inFlight--;
    collector.inFlightOf[env.variant]!--;
    if (outcome === null) return false; // held past the duration or the stop: never sent
    budget.ended('record' in outcome ? outcome.record.attempts : outcome.attempts);
    if ('record' in outcome) {
      stopper.sawRecord(outcome.record, !phase.warmup);
      const graded = shape?.(outcome.record);
      collector.record(outcome.record, env, graded?.values ?? p.values, graded?.conversationEnd === true);
    }
    return true;
  };
}
