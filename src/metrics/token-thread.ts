// The token thread: counts the output tokens a server did not report, with the o200k tokenizer, for
// records completed on a thread that times requests (a request thread, or the main thread when it
// completes records). Counting is CPU work (bench/tokenizer-cost.mjs) that would delay the timestamps of
// every stream in flight there; handing texts over costs a message per batch. Each user talks to the one
// thread over a MessagePort of its own. A run that closes its thread cleanly leaves it for the process's
// next run, tables loaded (harness/thread-shelf.ts): loading them costs about 0.2 s of CPU.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { WorkerShelf } from '../harness/thread-shelf.js';
import type { ThreadWatchSnapshot } from '../harness/thread-watch.js';
import { countedTokens, estimateTokens, reportedTokens, type RecordTokens, type TokenPaths } from './output-tokens.js';

/** What travels on a user's port: texts to count, and their counts in the same order. */
export type ToTokenThread = { seq: number; texts: string[] };
export type FromTokenThread = { seq: number; counts: number[] };

/** What the thread itself is told, and answers. */
/** `begin`: a kept thread starts the next run (a new thread begins with its workerData). */
export type TokenThreadControl = { type: 'begin'; data: TokenThreadData } | { type: 'port'; port: MessagePort } | { type: 'close' };
export type TokenThreadReport = { type: 'ready' } | { type: 'closed'; watch: ThreadWatchSnapshot };

export interface TokenThreadData {
  stallMs: number;
  /** Load the tokenizer's tables before saying ready (a suite that never fetches usage needs them at once). */
  preload: boolean;
}

/** Answers as they come: a record of a successful answer without reported usage waits for its count. */
interface Answer {
  ok: boolean;
  metadata: unknown;
  output: string;
}

/**
 * One user's side. It never counts on its own thread: it batches texts into one message, sent at the end
 * of the turn (`when: 'turn'`) or when its owner calls flush() (`'manual'`: a request thread sends them
 * with its own batches, since a message costs both threads far more than the texts in it).
 */
export class TokenClient {
  private seq = 0;
  private batch: string[] = [];
  private batchWaiters: ((n: number | null) => void)[] = [];
  private readonly pending = new Map<number, ((n: number | null) => void)[]>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    private readonly paths: TokenPaths,
    private readonly when: 'turn' | 'manual' = 'turn',
  ) {
    port.on('message', (m: FromTokenThread) => {
      const waiters = this.pending.get(m.seq);
      this.pending.delete(m.seq);
      waiters?.forEach((w, i) => w(m.counts[i] ?? null));
      this.checkIdle();
    });
    // The thread ended (it never should): what waits gets null, and the old estimate stands in.
    port.on('close', () => this.fail());
  }

  /**
   * The record's tokens: returned at once when its server reported them; else undefined, and `done` is
   * called once the token thread counted them.
   */
  tokensOf(r: Answer, done: (t: RecordTokens) => void): RecordTokens | undefined {
    const reported = reportedTokens(r, this.paths);
    if (reported !== null) return reported;
    this.count(r.output, (n) => {
      if (n !== null) return done(countedTokens(r, this.paths, () => n));
      const t = countedTokens(r, this.paths, estimateTokens);
      done({ ...t, outputTokens: { count: t.outputTokens!.count, source: 'estimate' } });
    });
    return undefined;
  }

  /** Sends what is waiting; resolves once every count asked for has come back. */
  idle(): Promise<void> {
    this.flush();
    if (this.batch.length === 0 && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.port.close();
  }

  private count(text: string, done: (n: number | null) => void): void {
    if (this.closed) return done(null);
    if (this.batch.length === 0 && this.when === 'turn') setImmediate(() => this.flush());
    this.batch.push(text);
    this.batchWaiters.push(done);
  }

  /** Sends the texts waiting, if any, in one message. */
  flush(): void {
    if (this.batch.length === 0) return;
    const seq = ++this.seq;
    this.pending.set(seq, this.batchWaiters);
    const texts = this.batch;
    this.batch = [];
    this.batchWaiters = [];
    if (this.closed) return this.fail();
    this.port.postMessage({ seq, texts } satisfies ToTokenThread);
  }

  private fail(): void {
    this.closed = true;
    for (const waiters of this.pending.values()) for (const w of waiters) w(null);
    this.pending.clear();
    for (const w of this.batchWaiters.splice(0)) w(null);
    this.batch = [];
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.batch.length === 0 && this.pending.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}

export interface TokenThread {
  /** A new port to the thread, for a request thread: transfer it, and wrap it in a TokenClient there. */
  connect(): MessagePort;
  /** The starting thread's own client. */
  readonly client: TokenClient;
  /** Resolves once the thread is up (with preload, its tables loaded); rejects when it could not start. */
  readonly ready: Promise<void>;
  /** Ends the thread once every count asked here came back; its last watch, as a list (empty if it had ended). */
  close(): Promise<ThreadWatchSnapshot[]>;
}

/** Workers load JavaScript: always the built file, also when this module runs from src/ (tests). */
const THREAD_FILE = new URL('../../dist/metrics/token-worker.js', import.meta.url);
/** Threads whose run closed cleanly, tables loaded, for the process's next run (harness/thread-shelf.ts). */
const threads = new WorkerShelf(THREAD_FILE);
const isClosed = (m: unknown): m is Extract<TokenThreadReport, { type: 'closed' }> => (m as TokenThreadReport).type === 'closed';

export function startTokenThread(data: TokenThreadData, paths: TokenPaths): TokenThread {
  const worker = threads.start(data satisfies TokenThreadData, { type: 'begin', data } satisfies TokenThreadControl);
  let readyResolve!: () => void;
  let readyReject!: (e: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => ((readyResolve = resolve), (readyReject = reject)));
  ready.catch(() => {}); // awaited by the runner; a failure meanwhile must not be an unhandled rejection
  const onMessage = (m: TokenThreadReport) => m.type === 'ready' && readyResolve();
  const onExit = (code: number) => readyReject(new Error(`the token thread exited with code ${code} before it was ready`));
  worker.on('message', onMessage);
  worker.once('error', readyReject);
  worker.once('exit', onExit);
  const connect = (): MessagePort => {
    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ type: 'port', port: port2 } satisfies TokenThreadControl, [port2]);
    return port1;
  };
  const client = new TokenClient(connect(), paths);
  let closing: Promise<ThreadWatchSnapshot[]> | null = null;
  return {
    connect,
    client,
    ready,
    close() {
      closing ??= (async () => {
        await client.idle();
        client.close();
        worker.off('message', onMessage);
        worker.off('error', readyReject);
        worker.off('exit', onExit);
        // A thread that answers is kept for the next run; one that does not (or ended) is ended.
        const closed = await threads.release(worker, { type: 'close' } satisfies TokenThreadControl, isClosed);
        return closed === null ? [] : [closed.watch];
      })();
      return closing;
    },
  };
}
