// --threads 0: requests run on the main thread itself, with the same task runner a request thread uses.
// No thread hop, at the price of sharing the scheduler's event loop: right for a closed loop on a small
// machine, where every core is wanted by the load or the server. Every record comes back whole: the
// runner completes it on this thread, and the main thread's own watch marks stalls here.
import type { StackAIClient } from '../stackai/client.js';
import { clientFor, prepareContext } from './execute-request.js';
import type { RequestTask, WireTask, WorkerConfig } from './messages.js';
import type { PoolHold, PoolOutcome, RequestPool } from './pool.js';
import { TaskRunner, type TaskOutcome } from './task-runner.js';

export interface InlinePool extends RequestPool {
  markStall(gapMs: number): void;
}

export function startInlinePool(config: WorkerConfig): InlinePool {
  let client: StackAIClient | null = null;
  const pending = new Map<number, { resolve: (o: PoolOutcome) => void; reject: (e: Error) => void }>();
  let runner: TaskRunner | null = null;
  const reply = (task: WireTask, outcome: TaskOutcome) => {
    const p = pending.get(task.id)!;
    pending.delete(task.id);
    if (outcome === null) p.resolve(null);
    else if ('failed' in outcome) p.reject(new Error(outcome.failed));
    else p.resolve({ record: outcome });
  };
  let nextId = 1;
  return {
    run(task: RequestTask, hold?: PoolHold | null) {
      const id = nextId++;
      const done = new Promise<PoolOutcome>((resolve, reject) => pending.set(id, { resolve, reject }));
      if (runner === null) return Promise.reject(new Error('the pool has no target yet'));
      runner.accept([hold ? { ...task, id, hold: { limit: hold.concurrency, notAfter: hold.notAfter } } : { ...task, id }]);
      return done;
    },
    setTarget(baseUrl, token) {
      const c = { ...config, baseUrl, token };
      client = clientFor(c);
      runner = new TaskRunner(prepareContext(c, client), reply);
    },
    dropHeld: () => runner?.dropHeld(),
    clockStart: () => {},
    markStall: (gapMs) => runner?.markStall(gapMs),
    get running() {
      return runner?.running ?? 0;
    },
    threads: 0,
    close: async () => {
      await client?.close();
      return [];
    },
  };
}
