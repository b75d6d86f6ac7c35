// Threads a run ended cleanly, kept for the next run in the same process (a library user's loop of runs,
// the test suite's hundreds of runs): starting a thread and loading its modules costs more CPU than a
// small suite's requests (the tokenizer's tables alone take about 0.2 s; BENCHMARKS.md). A kept thread
// starts every run afresh (its watch, ports and clients are the run's own). Kept threads are unref'd, so
// they never keep the process alive; the shelf holds only a few of each kind, and ends one left unused
// for IDLE_MS, so a long-lived process does not hold their memory for nothing.
import { Worker } from 'node:worker_threads';

/** A kept thread not taken again within this long is ended. */
export const IDLE_MS = 30_000;

interface Kept<T> {
  thread: T;
  timer: NodeJS.Timeout;
}

export class ThreadShelf<T> {
  private readonly kept = new Map<string, Kept<T>[]>();

  /** `end` ends a thread the shelf has no room for, or one left unused too long. */
  constructor(
    private readonly perKey: number,
    private readonly end: (t: T) => unknown,
    private readonly idleMs = IDLE_MS,
  ) {}

  /** A kept thread for `key`, taken off the shelf; undefined when there is none. */
  take(key = ''): T | undefined {
    const k = this.kept.get(key)?.pop();
    if (k === undefined) return undefined;
    clearTimeout(k.timer);
    return k.thread;
  }

  /** Keeps `t` for the next run asking for `key`, or ends it when there are enough kept already. */
  keep(t: T, key = ''): void {
    const list = this.kept.get(key) ?? [];
    this.kept.set(key, list);
    if (list.length >= this.perKey) return void this.end(t);
    const timer = setTimeout(() => {
      this.forget(t);
      void this.end(t);
    }, this.idleMs);
    timer.unref();
    list.push({ thread: t, timer });
  }

  /** Takes `t` off the shelf (it ended on its own while kept). */
  forget(t: T): void {
    for (const list of this.kept.values()) {
      const i = list.findIndex((k) => k.thread === t);
      if (i === -1) continue;
      clearTimeout(list[i]!.timer);
      list.splice(i, 1);
    }
  }
}

/** How long a thread has to answer a run's close before it is ended rather than kept. */
const CLOSE_MS = 5000;

/**
 * Worker threads of one file on a shelf: start() hands out a kept thread (sent the run's start message) or
 * a new one, release() keeps one that answered the run's close in time and ends any other.
 */
export class WorkerShelf {
  private readonly shelf = new ThreadShelf<Worker>(2, (w) => w.terminate());
  private readonly ended = new WeakSet<Worker>();

  constructor(private readonly file: URL) {}

  /** A kept thread, sent `again` (the run's start message), or a new one started with `workerData`. */
  start(workerData: unknown, again: unknown): Worker {
    const kept = this.shelf.take();
    if (kept !== undefined) {
      kept.postMessage(again);
      return kept;
    }
    const worker = new Worker(this.file, { workerData });
    worker.unref(); // never what keeps the process alive
    worker.on('error', () => {}); // its exit (below, and its users' own listeners) says it ended
    worker.once('exit', () => {
      this.ended.add(worker);
      this.shelf.forget(worker);
    });
    return worker;
  }

  /** Sends `close`; the thread's answer (the first message `isAnswer` accepts) within CLOSE_MS keeps it, else it is ended. */
  async release<M>(worker: Worker, close: unknown, isAnswer: (m: unknown) => m is M): Promise<M | null> {
    const answer = this.ended.has(worker) ? null : await answerWithin(worker, close, isAnswer);
    if (answer !== null) this.shelf.keep(worker);
    else await worker.terminate();
    return answer;
  }
}

function answerWithin<M>(worker: Worker, message: unknown, isAnswer: (m: unknown) => m is M): Promise<M | null> {
  return new Promise((resolve) => {
    const finish = (m: M | null) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(m);
    };
    const onMessage = (m: unknown) => {
      if (isAnswer(m)) finish(m);
    };
    const onExit = () => finish(null);
    const timer = setTimeout(() => finish(null), CLOSE_MS);
    timer.unref();
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.postMessage(message);
  });
}
