// The piscina pool of request workers: the only module that touches piscina.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RequestTask, ResultRecord, WorkerConfig, WorkerTask } from './messages.js';

export interface RequestPool {
  run(task: RequestTask): Promise<ResultRecord>;
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * Threads default to one per core, capped by the concurrency; each thread holds
 * ceil(concurrency / threads) requests in flight on its own keep-alive connection pool.
 */
export async function startPool(config: Omit<WorkerConfig, 'connections'>, concurrency: number, threads?: number): Promise<RequestPool> {
  // One per core: on the 2-core machine (bench/overhead.mjs, quiet) two workers gave ~20 % more
  // requests/s than one, for ~10-30 % more CPU per request and one more V8 heap of RSS; under heavy
  // contention one did better. --threads picks.
  const n = Math.max(1, Math.min(threads ?? availableParallelism(), concurrency));
  const perThread = Math.ceil(concurrency / n);
  // The worker must be the built JavaScript (piscina loads JS): resolve it next to this file in dist/.
  const filename = new URL('./request-worker.js', import.meta.url);
  const pool = new Piscina<WorkerTask, ResultRecord | null>({
    filename: filename.href,
    minThreads: n,
    maxThreads: n,
    concurrentTasksPerWorker: perThread,
    maxQueue: 'auto',
    // 'sync' (piscina's default) parks an idle worker in Atomics.wait, which stalls its event loop and so
    // every in-flight request's I/O on that thread until the next task arrives: measured, it costs
    // throughput and timing accuracy. Plain message passing keeps each worker's loop free.
    atomics: 'disabled',
    // A worker's garbage is short-lived (one small record per request): a young generation of 8 MB
    // instead of V8's default (up to 48 MB per thread) keeps the run's RSS down at little CPU cost.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
    idleTimeout: 60_000,
    workerData: { ...config, connections: perThread } satisfies WorkerConfig,
  });
  // Boot every thread before the run's clock starts (a thread takes ~30 ms to load): one warm-up
  // task per thread; piscina hands concurrent tasks to the least busy thread, so each gets one.
  await Promise.all(Array.from({ length: n }, () => pool.run({ warmup: true })));
  return {
    run: (task) => pool.run(task) as Promise<ResultRecord>,
    threads: n,
    close: () => pool.destroy(),
  };
}
