// A throwaway thread that imports a suite's script graders as a grading thread would, for check-scripts.ts:
// a module that throws, hangs or exits while it is imported does so here, not in the loader's thread.
import { parentPort, workerData } from 'node:worker_threads';
import { script } from '../grade/script-grader.js';
import type { GraderSpec } from './types.js';

export interface ProbeData {
  dir: string;
  graders: { index: number; spec: GraderSpec }[];
}

/** 'loading' goes out before each import, so a thread that dies or hangs names the grader it was in. */
export type ProbeMessage = { index: number; state: 'loading' | 'ok' } | { index: number; state: 'failed'; message: string };

const data = workerData as ProbeData;
const send = (m: ProbeMessage) => parentPort!.postMessage(m);
for (const { index, spec } of data.graders) {
  send({ index, state: 'loading' });
  try {
    // The grading thread's own loader: same path resolution, same export lookup, same messages.
    await script.prepare(spec, { dir: data.dir, judge: null }).ready;
    send({ index, state: 'ok' });
  } catch (err) {
    send({ index, state: 'failed', message: (err as Error)?.message ?? String(err) });
  }
}
