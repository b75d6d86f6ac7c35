// --threads 0: requests run on the main thread itself, with the same task runner a worker thread uses.
// No thread hop and no copy of each result, at the price of sharing the scheduler's event loop: right
// for a closed loop on a small machine, where every core is wanted by the load or the server.
import { clientFor, prepareContext } from './execute-request.js';
import type { RequestTask, ResultRecord, WorkerConfig } from './messages.js';
import type { PoolHold, RequestPool } from './pool.js';
import { settle, TaskRunner, wireTask, type Pending } from './task-runner.js';

export function startInlinePool(config: WorkerConfig): RequestPool {
  const client = clientFor(config);
  const pending = new Map<number, Pending>();
  const runner = new TaskRunner(prepareContext(config, client), (id, outcome) => settle(pending, id, outcome));
  let nextId = 1;
  return {
    run(task: RequestTask, hold?: PoolHold | null) {
      const id = nextId++;
      const done = new Promise<ResultRecord | null>((resolve, reject) => pending.set(id, { resolve, reject }));
      runner.accept([wireTask(task, id, hold, hold?.concurrency ?? 0)]);
      return done;
    },
    dropHeld: () => runner.dropHeld(),
    get running() {
      return runner.running;
    },
    threads: 0,
    close: () => client.close(),
  };
}
