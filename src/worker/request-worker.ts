// Worker thread entry: one client and one set of prepared graders per thread, many requests in flight.
// Tasks arrive in batches; results go back batched: per turn of the event loop for requests started at
// once (open loop: the main thread's in-flight cap waits on them), and every few ms for held ones while
// enough are queued here (closed loop: the next request is already waiting, so nothing waits on the trip).
import { parentPort, workerData } from 'node:worker_threads';
import { clientFor, prepareContext } from './execute-request.js';
import type { FromWorker, ToWorker, WireOutcome, WorkerConfig } from './messages.js';
import { outcomeForWire } from './record-text.js';
import { TaskRunner } from './task-runner.js';

const HELD_FLUSH_MS = 2;
const HELD_FLUSH_COUNT = 128;

const config = workerData as WorkerConfig;
const port = parentPort!;
const ctx = prepareContext(config, clientFor(config));

const outIds: number[] = [];
const outcomes: WireOutcome[] = [];
let immediate: NodeJS.Immediate | null = null;
let timer: NodeJS.Timeout | null = null;

function flush(): void {
  if (immediate !== null) clearImmediate(immediate);
  if (timer !== null) clearTimeout(timer);
  immediate = timer = null;
  if (outIds.length === 0) return;
  const msg: FromWorker = { type: 'done', ids: outIds.splice(0), outcomes: outcomes.splice(0), running: runner.running };
  port.postMessage(msg);
}

const runner = new TaskRunner(ctx, (id, outcome, held) => {
  outIds.push(id);
  outcomes.push(outcomeForWire(outcome));
  // Held results wait for company unless the local queue runs low: each one answered lets the
  // scheduler hand over the next request, and the queue must not run dry waiting for that.
  if (!held || runner.runningLow) immediate ??= setImmediate(flush);
  else if (outIds.length >= HELD_FLUSH_COUNT) flush();
  else timer ??= setTimeout(flush, HELD_FLUSH_MS);
});

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'drop-held') runner.dropHeld();
  else runner.accept(msg.tasks);
});

port.postMessage({ type: 'ready' } satisfies FromWorker);
