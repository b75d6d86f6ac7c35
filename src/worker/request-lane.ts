// A request thread's piscina task: one per thread for the length of a run. It prepares one client,
// takes batches of tasks over the MessagePort it was handed, runs them (TaskRunner), completes each
// record where it finished when the run allows (line encoded once, statistics recorded here), and
// answers in batches: per turn of the event loop for requests started at once (the open loop's
// in-flight cap waits on them), every few ms for held ones while enough are queued here (closed loop:
// the next request is already waiting, so nothing waits on the trip). It only times: no grading and no
// token counting here.
import { startThreadWatch } from '../harness/thread-watch.js';
import { RunStatsShard } from '../metrics/run-stats.js';
import { reportedTokens, type RecordTokens } from '../metrics/output-tokens.js';
import { TokenClient } from '../metrics/token-thread.js';
import { completeRecord } from '../record/complete-record.js';
import { addResultExtras } from '../metrics/result-extras.js';
import { clientFor, prepareContext } from './execute-request.js';
import { WRITTEN, type FromWorker, type LaneInit, type ToWorker, type WireOutcome, type WireTask } from './messages.js';
import type { ResultRecord } from '../record/result-record.js';
import { stopsTheRun } from '../stackai/early-stop.js';
import type { ClassifiedError } from '../stackai/types.js';
import { TaskRunner } from './task-runner.js';

const HELD_FLUSH_MS = 2;
const HELD_FLUSH_COUNT = 128;
const STATS_EVERY_MS = 1000;

/** Resolves once closed and its client too; the 'closed' message carries the thread's last watch. */
export default async function requestLane(init: LaneInit): Promise<void> {
  // Warm before ready: the run's clock starts only when every thread has run its request path once.
  // The target is not needed for that: it comes in a message (it may still be starting meanwhile).
  // The warm-up's local simulator (with yaml and csv-parse) loads only for it: a cold lane never needs it.
  if (init.warmUp) await import('./warm-lane.js').then((m) => m.warmRequestPath(init.config)).catch(() => {});
  const { port } = init;
  // One listener from the start: messages that come before the lane is set up wait in the inbox.
  const inbox: ToWorker[] = [];
  let handle: ((msg: ToWorker) => void) | null = null;
  let wake: (() => void) | null = null;
  port.on('message', (msg: ToWorker) => {
    if (handle !== null) handle(msg);
    else {
      inbox.push(msg);
      wake?.();
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
  await new Promise<void>((resolve) => (inbox.length > 0 ? resolve() : (wake = resolve)));
  const target = inbox.shift()!;
  if (target.type !== 'target') return port.close(); // closed before the run began
  const config = { ...init.config, baseUrl: target.baseUrl, token: target.token };
  const client = clientFor(config);
  const stats = new RunStatsShard(config.variants.length);
  const post = (msg: FromWorker) => port.postMessage(msg);
  // Texts to count go with the lane's own batches (below): per turn, or every few ms for held results.
  const tokenClient = init.tokens ? new TokenClient(init.tokens, config.metadata, 'manual') : null;

  const ids: number[] = [];
  const outcomes: WireOutcome[] = [];
  let text = '';
  let alarm: ClassifiedError | undefined;
  let measured = 0;
  let failed = 0;
  let okSeen = false;
  let immediate: NodeJS.Immediate | null = null;
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    if (immediate !== null) clearImmediate(immediate);
    if (timer !== null) clearTimeout(timer);
    immediate = timer = null;
    tokenClient?.flush();
    if (ids.length === 0) return;
    post({ type: 'done', ids: ids.splice(0), outcomes: outcomes.splice(0), text, running: runner.running, measured, failed, ...(alarm && { alarm }) });
    text = '';
    alarm = undefined;
    measured = failed = 0;
  }

  // Held results wait for company unless the local queue runs low: each one answered lets the
  // scheduler hand over the next request, and the queue must not run dry waiting for that.
  function afterOutcome(held: boolean): void {
    if (!held || runner.runningLow) immediate ??= setImmediate(flush);
    else if (ids.length >= HELD_FLUSH_COUNT) flush();
    else timer ??= setTimeout(flush, HELD_FLUSH_MS);
  }

  function answer(id: number, outcome: WireOutcome, held: boolean): void {
    ids.push(id);
    outcomes.push(outcome);
    afterOutcome(held);
  }

  function completeHere(task: WireTask, record: ResultRecord, tokens: RecordTokens, held: boolean): void {
    if (!task.env.warmup) {
      measured++;
      if (!record.ok) failed++;
    }
    text += `${JSON.stringify(addResultExtras(completeRecord(record, task.env, tokens), config.extras))}\n`;
    stats.add(record, task.env);
    answer(task.id, Math.max(WRITTEN, record.attempts), held);
  }

  const runner: TaskRunner = new TaskRunner(
    prepareContext(config, client),
    (task, outcome, held) => {
      if (outcome === null || 'failed' in outcome) return answer(task.id, outcome, held);
      okSeen ||= outcome.ok;
      if (alarm === undefined && stopsTheRun(outcome.error, okSeen)) alarm = outcome.error!;
      // Records that go back whole are counted by the runner as they arrive.
      if (!config.completeInThread) return answer(task.id, JSON.stringify(outcome), held);
      // Output tokens the server did not report are counted by the token thread: the tokenizer's CPU time
      // here would delay the timestamps of every stream in flight. The record completes when they are back.
      if (tokenClient === null) {
        const tokens = reportedTokens(outcome, config.metadata);
        return tokens === null ? answer(task.id, JSON.stringify(outcome), held) : completeHere(task, outcome, tokens, held);
      }
      const tokens = tokenClient.tokensOf(outcome, (t) => completeHere(task, outcome, t, held));
      if (tokens !== undefined) completeHere(task, outcome, tokens, held);
      else afterOutcome(held); // its text goes with the next batch
    },
    init.counters,
    init.exitAfter === undefined
      ? undefined
      : (n) => {
          if (n >= init.exitAfter!) process.exit(70); // test hook: a request thread that dies mid-run
        },
  );

  const watch = startThreadWatch({ role: 'request', stallMs: config.stallMs, onStall: (s) => runner.markStall(s.gapMs) });
  const ticker = setInterval(() => {
    const delta = stats.take();
    if (delta !== null) post({ type: 'stats', delta });
  }, STATS_EVERY_MS);
  ticker.unref();

  return new Promise<void>((resolve) => {
    handle = (msg: ToWorker) => {
      switch (msg.type) {
        case 'tasks':
          runner.accept(msg.tasks);
          break;
        case 'drop-held':
          runner.dropHeld();
          flush();
          break;
        case 'clock-start':
          watch.reset();
          break;
        case 'target':
          break;
        case 'close':
          // Records waiting for their token counts complete first: they are part of the last batch.
          void (tokenClient?.idle() ?? Promise.resolve()).then(() => {
            flush();
            clearInterval(ticker);
            post({ type: 'closed', delta: stats.take(), watch: watch.snapshot() });
            watch.stop();
            tokenClient?.close();
            port.close();
            void client.close().finally(() => resolve());
          });
          break;
      }
    };
    for (const msg of inbox.splice(0)) handle(msg);
  });
}
