// The library's run entry points: runSuite (a promise of the outcome) and streamRun (results as an async iterator).
import { loadSuite, type LoadSuiteOptions } from '../suite/load-suite.js';
import { runSuite as runLoadedSuite, type RunOptions, type RunOutcome } from '../runner/run-suite.js';
import type { Suite } from '../suite/types.js';
import type { ResultRecord } from '../record/result-record.js';

/** Everything a run takes: where the suite's ${VAR}s come from and flag-like overrides, then the run's own options. */
export interface RunSuiteOptions extends RunOptions, LoadSuiteOptions {
  /** Progress line on stderr; default false for library callers (the CLI turns it on). */
  progress?: boolean;
}

/**
 * Runs a suite (a loaded Suite, or the path of a suite file) and resolves with the report — the same object
 * report.json holds — its folder, and the exit code the CLI would use. Rejects with a ConfigError on bad input.
 */
export async function runSuite(suite: Suite | string, opts: RunSuiteOptions = {}): Promise<RunOutcome> {
  const { env, overrides, progress, ...run } = opts;
  // The load caps apply to each shard's share (suite/load-caps.ts).
  const withShards = run.shard ? { ...overrides, shards: run.shard.count } : overrides;
  const loaded = typeof suite === 'string' ? await loadSuite(suite, { ...(env && { env }), ...(withShards && { overrides: withShards }) }) : suite;
  return runLoadedSuite(loaded, { ...run, progress: progress === true });
}

export type RunEvent =
  /** First: the report folder, and the planned requests and length where the load model knows them (else null). */
  | { type: 'start'; dir: string; plannedRequests: number | null; plannedMs: number | null }
  /** One finished request, as written to results.jsonl; done / errors count every result so far. */
  | { type: 'result'; result: ResultRecord; done: number; errors: number }
  /** Every progressIntervalMs while requests finish: counts so far and the time since the run started. */
  | { type: 'progress'; done: number; errors: number; elapsedMs: number }
  /** The last event: the report, its folder and the exit code. */
  | { type: 'end'; outcome: RunOutcome };

export interface StreamRunOptions extends RunSuiteOptions {
  /** Spacing of 'progress' events in ms (default 1000; 0 = none). */
  progressIntervalMs?: number;
}

/** An async iterable of the run's events; `outcome` settles when the run ends, `abort()` stops scheduling. */
export interface RunStream extends AsyncIterable<RunEvent> {
  readonly outcome: Promise<RunOutcome>;
  abort(): void;
}

/**
 * Starts the run at once and streams its events: `for await (const e of streamRun('suite.yaml')) …`.
 * Start the loop right away: events from before it starts are not kept. Events queue until read; leaving
 * the loop early aborts the run, whose partial report is still written. A failure (e.g. a ConfigError) is
 * thrown from the loop and rejects `outcome`.
 */
export function streamRun(suite: Suite | string, opts: StreamRunOptions = {}): RunStream {
  const { progressIntervalMs = 1000, signal, onResult, onStart, ...rest } = opts;
  const abort = new AbortController();
  if (signal?.aborted) abort.abort();
  else signal?.addEventListener('abort', () => abort.abort(), { once: true });

  const queue: RunEvent[] = [];
  // Events are kept only once a loop reads them: a caller who just awaits `outcome` holds no results in memory.
  let listening = false;
  let wake: (() => void) | null = null;
  let finished = false;
  let failure: { error: unknown } | null = null;
  const push = (e: RunEvent) => {
    if (!listening && e.type !== 'end') return;
    queue.push(e);
    wake?.();
  };

  const started = performance.now();
  let done = 0;
  let errors = 0;
  let lastProgress = started;
  const outcome = runSuite(suite, {
    ...rest,
    signal: abort.signal,
    onStart(info) {
      onStart?.(info);
      push({ type: 'start', dir: info.dir, plannedRequests: info.plannedRequests, plannedMs: info.plannedMs });
    },
    onResult(result) {
      done++;
      if (!result.ok) errors++;
      onResult?.(result);
      push({ type: 'result', result, done, errors });
      const now = performance.now();
      if (progressIntervalMs > 0 && now - lastProgress >= progressIntervalMs) {
        lastProgress = now;
        push({ type: 'progress', done, errors, elapsedMs: Math.round(now - started) });
      }
    },
  });
  outcome
    .then(
      (o) => push({ type: 'end', outcome: o }),
      (error: unknown) => (failure = { error }),
    )
    .finally(() => {
      finished = true;
      wake?.();
    });
  outcome.catch(() => {}); // a caller who only iterates gets the error from the loop, not as an unhandled rejection

  return {
    outcome,
    abort: () => abort.abort(),
    async *[Symbol.asyncIterator]() {
      listening = true;
      let ended = false;
      try {
        for (;;) {
          const next = queue.shift();
          if (next) {
            yield next;
            if (next.type === 'end') {
              ended = true;
              return;
            }
            continue;
          }
          if (finished) {
            ended = true;
            if (failure) throw failure.error;
            return;
          }
          await new Promise<void>((r) => (wake = r));
          wake = null;
        }
      } finally {
        if (!ended) abort.abort(); // the caller left the loop: stop the run, let its partial report be written
      }
    },
  };
}
