// A run's checkpoints (report.checkpoint): after the first interval a checkpoint thread starts and
// rewrites report.json (partial) and summary.md every interval from results.jsonl (runner/checkpoint-thread.ts).
// Started late so a run shorter than one interval pays nothing; stopped before the final report is written.
import { Worker } from 'node:worker_threads';
import type { CheckpointCover } from '../report/report-model.js';
import type { CheckpointThreadData, FromCheckpointThread, ToCheckpointThread } from './checkpoint-messages.js';

/** The default interval when a suite built in code leaves report.checkpointMs out. */
export const DEFAULT_CHECKPOINT_MS = 60_000;

// Beside the built JavaScript, from src/ (tests) and dist/ alike.
const THREAD_FILE = new URL('../../dist/runner/checkpoint-thread.js', import.meta.url);

/** A stop that waits longer than this for a checkpoint being written gives up on it (its temporary file stays). */
const STOP_WAIT_MS = 30_000;

export interface Checkpoints {
  /** Ends the checkpoints; resolves once none is being written (then the final report may be written). */
  stop(): Promise<void>;
}

export interface CheckpointEvents {
  /** Each checkpoint written, with how long its files took to write, ms. */
  written?: (cover: CheckpointCover, writeMs: number) => void;
  /** Checkpoints stopped for the rest of the run; the final report is still written at the end. */
  failed?: (message: string) => void;
}

/** Starts the checkpoints of the run in `dir` (null `everyMs`: none). Call once the session's start mark is in the manifest. */
export function startCheckpoints(dir: string, everyMs: number | null, events: CheckpointEvents = {}): Checkpoints {
  if (everyMs === null) return { stop: async () => {} };
  let worker: Worker | null = null;
  let stopped: Promise<void> | null = null;
  let exited = false;
  const starter = setTimeout(() => {
    worker = new Worker(THREAD_FILE, { workerData: { dir, everyMs } satisfies CheckpointThreadData });
    worker.unref(); // never what keeps the process alive
    worker.on('message', (msg: FromCheckpointThread) => {
      if (msg.type === 'written') events.written?.(msg.cover, msg.writeMs);
      else if (msg.type === 'failed') events.failed?.(msg.message);
    });
    worker.on('error', (err) => events.failed?.(err.message));
    worker.once('exit', () => void (exited = true));
  }, everyMs);
  starter.unref();
  return {
    stop() {
      clearTimeout(starter);
      const w = worker;
      if (w === null || exited) return Promise.resolve();
      stopped ??= new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(giveUp);
          resolve();
        };
        const giveUp = setTimeout(() => void w.terminate().then(done, done), STOP_WAIT_MS);
        w.once('exit', done);
        w.on('message', (msg: FromCheckpointThread) => {
          if (msg.type === 'stopped') void w.terminate().then(done, done);
        });
        w.postMessage({ type: 'stop' } satisfies ToCheckpointThread);
      });
      return stopped;
    },
  };
}
