// The request threads' piscina pool: started for a run, and kept for the process's next run asking for
// as many threads when this one closed every lane cleanly (harness/thread-shelf.ts). A kept thread has
// its modules (undici among them) loaded; everything a run sets up in it (client, watch, statistics) is
// its lane task's own and ends with the task.
import { Piscina } from 'piscina';
import { ThreadShelf } from '../harness/thread-shelf.js';

const shelf = new ThreadShelf<Piscina>(2, (p) => p.destroy().catch(() => {}));

/** `n` request threads: a kept pool of that size, or a new one. */
export function takeRequestThreads(n: number): Piscina {
  const kept = shelf.take(String(n));
  if (kept !== undefined) return kept;
  const piscina = new Piscina({
    // The lane must be the built JavaScript: resolve it next to this file in dist/.
    filename: new URL('./request-lane.js', import.meta.url).href,
    minThreads: n,
    maxThreads: n,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    // Piscina's Atomics wait would block the thread's event loop between tasks: our lane owns it.
    atomics: 'disabled',
    // A thread's garbage is short-lived (one small record per request): a young generation of 8 MB
    // instead of V8's default (up to 48 MB per thread) keeps the run's RSS down at little CPU cost.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  // Errors surface through each lane task's promise; an 'error' event without a task must not crash the run.
  piscina.on('error', () => {});
  return piscina;
}

/** The run is done with its threads: kept when every lane ended cleanly (its task returned), else destroyed. */
export async function releaseRequestThreads(piscina: Piscina, n: number, clean: boolean): Promise<void> {
  if (clean && piscina.threads.length === n) shelf.keep(piscina, String(n));
  else await piscina.destroy().catch(() => {});
}
