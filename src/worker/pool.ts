// The request worker threads: the only module that starts them. Long-lived threads, one message port
// each, tasks and results batched per event-loop turn in both directions. (A task pool such as piscina
// costs a message, a promise and its bookkeeping per request each way, and a round trip through this
// thread between one closed-loop request and the next: measured in bench/overhead.mjs, that capped
// flowbench at a third of autocannon's requests/s. See BENCHMARKS.md.)
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { startInlinePool } from './inline-pool.js';
import type { FromWorker, RequestTask, ResultRecord, ToWorker, WireTask, WorkerConfig } from './messages.js';
import { settle, wireTask, type Pending } from './task-runner.js';
import { holdYoungGenerationCap } from './young-generation.js';

/** Start when one of `concurrency` slots (across all threads) frees, not at or after `notAfter`. */
export interface PoolHold {
  concurrency: number;
  notAfter: number | null;
}

export interface RequestPool {
  /** Runs one request: now, or held until a slot frees (closed loop). Null: a held task dropped unstarted. */
  run(task: RequestTask, hold?: PoolHold | null): Promise<ResultRecord | null>;
  /** Drops every held task not yet started (their runs resolve null): Ctrl-C. */
  dropHeld(): void;
  /** Requests running in the threads, as they last reported. */
  readonly running: number;
  readonly threads: number;
  close(): Promise<void>;
}

class Lane {
  worker!: Worker;
  running = 0;
  /** Tasks handed to this thread and not yet answered. */
  readonly pending = new Map<number, Pending>();
  outbox: WireTask[] = [];
  flushQueued = false;
}

/**
 * Threads default to one per core, capped by the concurrency; each thread holds its share of the
 * requests in flight on its own keep-alive connection pool. `threads: 0` runs them on this thread.
 */
export async function startPool(config: Omit<WorkerConfig, 'connections'>, concurrency: number, threads?: number): Promise<RequestPool> {
  if (threads === 0) return startInlinePool({ ...config, connections: concurrency });
  // Default: a thread per core but one, which the main thread (scheduler, results, statistics) needs
  // for itself; on 2 cores two workers cost ~40 % more CPU per request than one (bench/overhead.mjs).
  const n = Math.max(1, Math.min(threads ?? availableParallelism() - 1, concurrency));
  const workerConfig: WorkerConfig = { ...config, connections: Math.ceil(concurrency / n) };
  // The worker must be the built JavaScript: resolve it next to this file in dist/.
  const filename = new URL('./request-worker.js', import.meta.url);
  const lanes = Array.from({ length: n }, () => new Lane());
  let closing = false;
  let nextId = 1;

  const spawn = (lane: Lane): Promise<void> => new Promise((ready, failed) => {
    const worker = new Worker(filename, {
      workerData: workerConfig,
      // A worker's garbage is short-lived (one small record per request): a young generation of 8 MB
      // instead of V8's default (up to 48 MB per thread) keeps the run's RSS down at little CPU cost.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    lane.worker = worker;
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        holdYoungGenerationCap(); // a thread's start put V8's flags back
        return ready();
      }
      lane.running = msg.running;
      for (let i = 0; i < msg.ids.length; i++) settle(lane.pending, msg.ids[i]!, msg.outcomes[i]!);
    });
    const lost = (err: Error) => {
      failed(err);
      if (closing || lane.worker !== worker) return;
      // Every request on the lost thread fails as a harness error; a fresh thread takes its place.
      for (const p of lane.pending.values()) p.reject(err);
      lane.pending.clear();
      lane.running = 0;
      spawn(lane).catch(() => {});
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`worker thread exited with code ${code}`)));
  });
  // Boot every thread before the run's clock starts (a thread takes ~30 ms to load).
  await Promise.all(lanes.map(spawn));

  const post = (lane: Lane, msg: ToWorker) => lane.worker.postMessage(msg);
  const flush = (lane: Lane) => {
    lane.flushQueued = false;
    const tasks = lane.outbox;
    lane.outbox = [];
    post(lane, { type: 'tasks', tasks });
  };
  /** Thread i's share of a closed loop's concurrency. */
  const share = (c: number, i: number) => Math.floor(c / n) + (i < c % n ? 1 : 0);
  const pick = (hold: PoolHold | null | undefined): number => {
    let best = 0;
    let bestLoad = Infinity;
    for (let i = 0; i < n; i++) {
      const cap = hold ? share(hold.concurrency, i) : 1;
      if (cap === 0) continue;
      const load = lanes[i]!.pending.size / cap;
      if (load < bestLoad) [best, bestLoad] = [i, load];
    }
    return best;
  };

  return {
    run(task, hold) {
      const i = pick(hold);
      const lane = lanes[i]!;
      const id = nextId++;
      lane.outbox.push(wireTask(task, id, hold, hold ? share(hold.concurrency, i) : 0));
      if (!lane.flushQueued) {
        lane.flushQueued = true;
        setImmediate(flush, lane); // everything handed over in this turn goes in one message
      }
      return new Promise((resolve, reject) => lane.pending.set(id, { resolve, reject }));
    },
    dropHeld() {
      for (const lane of lanes) {
        if (lane.outbox.length) flush(lane); // held tasks still in the outbox must reach the thread first
        post(lane, { type: 'drop-held' });
      }
    },
    get running() {
      return lanes.reduce((a, l) => a + l.running, 0);
    },
    threads: n,
    async close() {
      closing = true;
      await Promise.all(lanes.map((l) => l.worker.terminate()));
    },
  };
}
