// The request threads, hosted by piscina: each thread runs one long-lived lane task for the length of
// a run and talks over the MessagePort passed in it, tasks and results batched per turn in both
// directions (a task per request would cost a message, a promise and a round trip through this thread
// between one closed-loop request and the next). piscina starts the threads, applies their resource
// limits, replaces a dead one and destroys them; a run that closed cleanly leaves them for the next
// (request-threads.ts). A thread that dies mid-run costs only its requests in
// flight (harness errors); its unsent ones go to the other threads, and a new lane takes its place.
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { ThreadWatchSnapshot } from '../harness/thread-watch.js';
import type { RunStatsDelta } from '../metrics/run-stats.js';
import type { TokenThread } from '../metrics/token-thread.js';
import type { ResultRecord } from '../record/result-record.js';
import type { ClassifiedError } from '../stackai/types.js';
import { STARTED_NOW, TAKEN_HELD, type FromWorker, type LaneInit, type RequestTask, type ToWorker, type WireTask, type WorkerConfig } from './messages.js';
import { startInlinePool } from './inline-pool.js';
import { releaseRequestThreads, takeRequestThreads } from './request-threads.js';
import { holdYoungGenerationCap } from './young-generation.js';
import { warmUpWanted } from '../harness/warm-up-wanted.js';

/** Start when one of `concurrency` slots (across all threads) frees, not at or after `notAfter`. */
export interface PoolHold {
  concurrency: number;
  notAfter: number | null;
}

/** What became of a request: completed in its thread (its line is written), back whole, or dropped unsent (null). */
export type PoolOutcome = { written: true; attempts: number } | { record: ResultRecord } | null;

/** What the pool hands the runner as it comes: lines to append, statistics to merge. */
export interface PoolSinks {
  /** `count` lines (the WRITTEN outcomes of one batch), already encoded. */
  lines(text: string, count: number): void;
  stats(delta: RunStatsDelta): void;
  /**
   * A thread died mid-run: the statistics it had not yet sent died with it (its lines are written).
   * The runner then counts the run again from results.jsonl, which holds every line.
   */
  threadLost(): void;
  /** A request failed in a way that stops the run (a wrong key, say: see stackai/early-stop.ts). */
  alarm(error: ClassifiedError): void;
  /** Measured results just finished, and how many of them failed (the live error rate). */
  counted(measured: number, failed: number): void;
}

export interface RequestPool {
  /** Runs one request: now, or held until a slot frees (closed loop). Rejects only when its thread died with it in flight. */
  run(task: RequestTask, hold?: PoolHold | null): Promise<PoolOutcome>;
  /** Drops every held task not yet started (their runs resolve null): Ctrl-C. */
  dropHeld(): void;
  /** Where the requests go: call once, before the first run() (the threads start, and warm, without it). */
  setTarget(baseUrl: string, token: string): void;
  /** The run's clock starts: every thread's watch forgets start-up. */
  clockStart(): void;
  /** Requests running in the threads, as they last reported. */
  readonly running: number;
  readonly threads: number;
  /** Ends every lane (their last statistics reach the sinks first) and the threads; the watches of the lanes that ended well. */
  close(): Promise<ThreadWatchSnapshot[]>;
}

/** A request thread failed to start: the harness's fault (exit 3), not the suite's. */
export class ThreadStartError extends Error {}

interface Pending {
  resolve: (o: PoolOutcome) => void;
  reject: (err: Error) => void;
  task: WireTask;
  hold: PoolHold | null;
  /** Position among this lane's immediate or held tasks, matched against the thread's shared counters. */
  seq: number;
}

class Lane {
  readonly pending = new Map<number, Pending>();
  outbox: WireTask[] = [];
  flushQueued = false;
  running = 0;
  alive = true;
  sentNow = 0;
  sentHeld = 0;
  readonly counters = new Int32Array(new SharedArrayBuffer(8));
  port!: import('node:worker_threads').MessagePort;
  ready!: Promise<void>;
  /** Resolves once its task settled: true when it returned (its thread is free for another run). */
  taskEnded!: Promise<boolean>;
  onClosed: ((w: ThreadWatchSnapshot | null) => void) | null = null;
  constructor(readonly index: number) {}
}

/** Restarts allowed per thread slot over a run: a thread that keeps dying is a bug to report, not to loop on. */
const RESTARTS_PER_SLOT = 2;

/**
 * Threads default to one per core but one (the main thread writes and schedules), capped by the
 * concurrency; each thread holds its share of the sockets. `threads: 0` runs requests on this thread.
 */
export async function startPool(
  config: WorkerConfig,
  concurrency: number,
  threads: number | undefined,
  sinks: PoolSinks,
  tokens: TokenThread | null = null,
): Promise<RequestPool> {
  if (threads === 0) return startInlinePool({ ...config, connections: concurrency });
  const n = Math.max(1, Math.min(threads ?? availableParallelism() - 1, concurrency));
  const workerConfig: WorkerConfig = { ...config, connections: Math.ceil(concurrency / n) };
  const piscina = takeRequestThreads(n);
  const exitAfter = Number(process.env.FLOWBENCH_TEST_EXIT_REQUEST_THREAD ?? '') || undefined;
  const warmUp = warmUpWanted();
  const lanes: Lane[] = [];
  const restarts = new Array<number>(n).fill(0);
  let closing = false;
  let nextId = 1;
  let closedOnce: Promise<ThreadWatchSnapshot[]> | null = null;
  let target: { baseUrl: string; token: string } | null = null;
  const sendTarget = (lane: Lane) => {
    if (target !== null) lane.port.postMessage({ type: 'target', ...target } satisfies ToWorker);
  };

  const share = (c: number, i: number) => Math.floor(c / n) + (i < c % n ? 1 : 0);

  const open = (index: number, hook?: number): Lane => {
    const lane = new Lane(index);
    const { port1, port2 } = new MessageChannel();
    lane.port = port1;
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    lane.ready = new Promise<void>((res, rej) => ((readyResolve = res), (readyReject = rej)));
    lane.ready.catch(() => {});
    port1.on('message', (msg: FromWorker) => {
      switch (msg.type) {
        case 'ready':
          holdYoungGenerationCap(); // a thread's start put V8's flags back
          readyResolve();
          break;
        case 'done':
          lane.running = msg.running;
          if (msg.text !== '')
            sinks.lines(
              msg.text,
              msg.outcomes.reduce<number>((n, o) => n + (typeof o === 'number' ? 1 : 0), 0),
            );
          if (msg.alarm !== undefined) sinks.alarm(msg.alarm);
          if (msg.measured > 0) sinks.counted(msg.measured, msg.failed);
          for (let i = 0; i < msg.ids.length; i++) settle(lane, msg.ids[i]!, msg.outcomes[i]!);
          break;
        case 'stats':
          sinks.stats(msg.delta);
          break;
        case 'closed':
          if (msg.delta !== null) sinks.stats(msg.delta);
          lane.onClosed?.(msg.watch);
          break;
      }
    });
    // A lane that completes records counts the tokens its server did not report through the token thread.
    const tokenPort = config.completeInThread && tokens !== null ? tokens.connect() : null;
    const init: LaneInit = {
      port: port2,
      config: workerConfig,
      counters: lane.counters,
      warmUp,
      ...(hook !== undefined && { exitAfter: hook }),
      ...(tokenPort && { tokens: tokenPort }),
    };
    sendTarget(lane); // a lane opened mid-run (replacing a dead one) learns the target at once
    // The lane is closed once its port is: every message it sent before (its last lines and statistics
    // come with 'closed') has arrived by then. Its task's result may come first, on another channel.
    port1.on('close', () => lane.onClosed?.(null));
    lane.taskEnded = piscina.run(init, { transferList: tokenPort ? [port2, tokenPort] : [port2] }).then(
      () => true,
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        readyReject(e);
        lost(lane, e);
        return false;
      },
    );
    lanes[index] = lane;
    return lane;
  };

  const settle = (lane: Lane, id: number, outcome: FromWorkerOutcome): void => {
    const p = lane.pending.get(id);
    if (p === undefined) return;
    lane.pending.delete(id);
    if (typeof outcome === 'number') p.resolve({ written: true, attempts: outcome });
    else if (outcome === null) p.resolve(null);
    else if (typeof outcome === 'string') p.resolve({ record: JSON.parse(outcome) as ResultRecord });
    else p.reject(new Error(outcome.failed));
  };

  /** A lane's thread died: account for every task it held, and put a new lane in its place. */
  const lost = (lane: Lane, err: Error): void => {
    if (!lane.alive) return;
    lane.alive = false;
    lane.port.close();
    sinks.threadLost();
    lane.onClosed?.(null);
    if (closing) {
      for (const p of lane.pending.values()) p.reject(new Error(`request thread ended: ${err.message}`));
      lane.pending.clear();
      return;
    }
    const startedNow = Atomics.load(lane.counters, STARTED_NOW);
    const takenHeld = Atomics.load(lane.counters, TAKEN_HELD);
    const unsent: Pending[] = [];
    for (const p of lane.pending.values()) {
      const started = p.task.hold === undefined ? p.seq < startedNow : p.seq < takenHeld;
      if (started) p.reject(new Error(`its request thread died mid-request (${err.message.split('\n')[0]})`));
      else unsent.push(p);
    }
    lane.pending.clear();
    lane.outbox = [];
    lane.running = 0;
    if (restarts[lane.index]! < RESTARTS_PER_SLOT) {
      restarts[lane.index]!++;
      open(lane.index);
    }
    // Re-dispatched without the dead lane's hold: dispatch gives each task its new lane's share.
    for (const p of unsent) {
      const { hold: _deadLanes, ...task } = p.task;
      dispatch(task, p.hold, p);
    }
  };

  const flush = (lane: Lane) => {
    lane.flushQueued = false;
    if (!lane.alive || lane.outbox.length === 0) return;
    const tasks = lane.outbox;
    lane.outbox = [];
    lane.port.postMessage({ type: 'tasks', tasks } satisfies ToWorker);
  };

  const pick = (hold: PoolHold | null): Lane | null => {
    let best: Lane | null = null;
    let bestLoad = Infinity;
    for (const lane of lanes) {
      if (!lane.alive) continue;
      const cap = hold ? share(hold.concurrency, lane.index) : 1;
      if (cap === 0) continue;
      const load = lane.pending.size / cap;
      if (load < bestLoad) [best, bestLoad] = [lane, load];
    }
    return best;
  };

  /** Hands a task to the least loaded live lane (also a task re-sent from a dead lane, with its promise). */
  const dispatch = (wire: WireTask, hold: PoolHold | null, cb: Pick<Pending, 'resolve' | 'reject'>): void => {
    const lane = pick(hold);
    if (lane === null) {
      cb.reject(new Error('no request thread is left to run it'));
      return;
    }
    const task: WireTask = hold ? { ...wire, hold: { limit: share(hold.concurrency, lane.index), notAfter: hold.notAfter } } : wire;
    const seq = hold ? lane.sentHeld++ : lane.sentNow++;
    lane.pending.set(task.id, { resolve: cb.resolve, reject: cb.reject, task, hold, seq });
    lane.outbox.push(task);
    if (!lane.flushQueued) {
      lane.flushQueued = true;
      setImmediate(flush, lane); // everything handed over in this turn goes in one message
    }
  };

  // Boot every thread before the run's clock starts: a thread that cannot start fails the run at once.
  for (let i = 0; i < n; i++) open(i, i === 0 ? exitAfter : undefined);
  try {
    await Promise.all(lanes.map((l) => l.ready));
  } catch (err) {
    closing = true;
    await releaseRequestThreads(piscina, n, false);
    throw new ThreadStartError(`a request thread failed to start: ${(err as Error).message.split('\n')[0]}`);
  }

  return {
    run(task, hold) {
      const wire: WireTask = { ...task, id: nextId++ };
      return new Promise<PoolOutcome>((resolve, reject) => dispatch(wire, hold ?? null, { resolve, reject }));
    },
    dropHeld() {
      for (const lane of lanes) {
        if (!lane.alive) continue;
        flush(lane); // held tasks still in the outbox must reach the thread first
        lane.port.postMessage({ type: 'drop-held' } satisfies ToWorker);
      }
    },
    setTarget(baseUrl, token) {
      target = { baseUrl, token };
      for (const lane of lanes) if (lane.alive) sendTarget(lane);
    },
    clockStart() {
      for (const lane of lanes) if (lane.alive) lane.port.postMessage({ type: 'clock-start' } satisfies ToWorker);
    },
    get running() {
      return lanes.reduce((a, l) => a + (l.alive ? l.running : 0), 0);
    },
    threads: n,
    close() {
      return (closedOnce ??= closeLanes());
    },
  };

  async function closeLanes(): Promise<ThreadWatchSnapshot[]> {
    {
      const watches = await Promise.all(
        lanes.map((lane) => {
          if (!lane.alive) return Promise.resolve(null);
          const closed = new Promise<ThreadWatchSnapshot | null>((resolve) => (lane.onClosed = resolve));
          flush(lane);
          lane.port.postMessage({ type: 'close' } satisfies ToWorker);
          // A lane that does not answer within a few seconds is ended by destroy() below.
          return Promise.race([closed, later(5000)]);
        }),
      );
      closing = true;
      // Every lane answered and its task returned: the threads are free, kept for the process's next run.
      const answered = watches.every((w) => w !== null) && lanes.every((l) => l.alive);
      const ended = answered && (await Promise.race([Promise.all(lanes.map((l) => l.taskEnded)), later(5000)]));
      await releaseRequestThreads(piscina, n, Array.isArray(ended) && ended.every(Boolean));
      return watches.filter((w): w is ThreadWatchSnapshot => w !== null);
    }
  }
}

type FromWorkerOutcome = Extract<FromWorker, { type: 'done' }>['outcomes'][number];

/** Resolves null after `ms`, without keeping the process alive. */
function later(ms: number): Promise<null> {
  return new Promise((resolve) => {
    const t: NodeJS.Timeout = setTimeout(() => resolve(null), ms);
    t.unref();
  });
}
