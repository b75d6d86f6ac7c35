// Messages between a run and its checkpoint thread (runner/checkpoint-thread.ts), typed in one place.
import type { CheckpointCover } from '../report/report-model.js';

export interface CheckpointThreadData {
  /** The run folder: run-manifest.json (with this session's start mark) and results.jsonl are there. */
  dir: string;
  /** Time between checkpoints, ms; the first is written at once. */
  everyMs: number;
}

export type ToCheckpointThread = { type: 'stop' };

export type FromCheckpointThread =
  | { type: 'written'; cover: CheckpointCover; writeMs: number }
  /** Checkpoints stop for the rest of the run (the final report is written as usual). */
  | { type: 'failed'; message: string }
  | { type: 'stopped' };
