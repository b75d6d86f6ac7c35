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
