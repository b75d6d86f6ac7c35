// A run's start: the token thread, the request threads, the target (the embedded simulator, say), the
// grading threads, the feedback poster, results.jsonl and the collector that joins them, in the order
// that lets the slow ones start side by side. Each goes on `closers` as it starts, so a start that fails
// half-way leaves nothing running once the caller closes them (run-suite.ts does, in reverse, on every path).
import { resolve } from 'node:path';
import type { ClockAnchor } from '../clock/clock.js';
import { ConfigError } from '../errors/config-error.js';
import { GraderLoadError, type GradingPool } from '../grading/grading-pool.js';
import type { ThreadWatchSnapshot } from '../harness/thread-watch.js';
import { startTokenThread } from '../metrics/token-thread.js';
import type { ResultRecord } from '../record/result-record.js';
import { ResultsSink } from '../report/results-sink.js';
import type { ClassifiedError } from '../stackai/types.js';
import type { Suite } from '../suite/types.js';
import { startPool, type RequestPool } from '../worker/pool.js';
import { RunCollector } from './collect.js';
import { extrasSpecOf } from './extras-spec.js';
import { startFeedback, type FeedbackOptions } from './feedback-poster.js';
import { resilienceConfig } from './resilience.js';
import { startGrading } from './start-grading.js';
import { resolveTarget } from './target.js';

export interface RunPartsDeps {
  suite: Suite;
  dir: string;
  anchor: ClockAnchor;
  stallMs: number;
  opts: { threads?: number; judgeCache?: boolean; feedback?: FeedbackOptions; onResult?: (r: ResultRecord) => void };
  /** What the caller closes, in reverse, on every path. */
  closers: (() => Promise<unknown>)[];
  /** Where the token and grading threads' last watches go as they close. */
  gradingWatches: ThreadWatchSnapshot[];
  /** A request failed in a way that stops the run (a wrong key, say). */
  alarm(e: ClassifiedError): void;
  /** Measured results just finished, and how many of them failed. */
  counted(measured: number, failed: number): void;
  /** results.jsonl could not take a line (disk full): no new sends. */
  halt(): void;
  /** The pool and the collector exist (before the token thread is ready and the target is set). */
  started(collector: RunCollector, pool: RequestPool): void;
}

export interface RunParts {
  collector: RunCollector;
  pool: RequestPool;
  sink: ResultsSink;
  feedback: ReturnType<typeof startFeedback>;
}

/** Starts every part; a grader module that cannot load is the suite's fault (a ConfigError: exit 2). */
export async function startRunParts(deps: RunPartsDeps): Promise<RunParts> {
  try {
    return await startParts(deps);
  } catch (err) {
    if (err instanceof GraderLoadError)
      throw new ConfigError(err.message, { file: deps.suite.file }, 'fix or remove that grader: its module must load without errors and without exiting');
    throw err;
  }
}

async function startParts(deps: RunPartsDeps): Promise<RunParts> {
  const { suite, anchor, stallMs, opts, closers } = deps;
  const completeOnMain = suite.feedback.post || opts.onResult !== undefined;
  // The output tokens servers did not report are counted in a thread of their own, never on a thread that
  // times requests, for the request threads, this thread and the grading threads alike.
  const tokens = startTokenThread({ stallMs, preload: !suite.metadata.fetch }, suite.metadata);
  closers.push(() => tokens.close().then((w) => deps.gradingWatches.push(...w)));
  let collector: RunCollector | undefined;
  // The request threads start and warm up while the target (the embedded simulator, say) starts: they
  // learn where to send once both are ready. A failure on either side closes the other.
  const poolStarting = startPool(
    {
      baseUrl: '',
      orgId: suite.target.orgId,
      flowId: suite.target.flowId,
      token: '',
      mode: suite.mode,
      stream: suite.stream,
      output: suite.output,
      inputs: suite.dataset.inputs,
      expected: suite.dataset.expected,
      variants: suite.variants,
      timeoutMs: suite.load.timeoutMs,
      retries: suite.load.retries,
      ...resilienceConfig(suite.load),
      metadata: suite.metadata,
      graders: suite.graders,
      anchor,
      connections: 1,
      headers: suite.target.headers ?? {},
      // A conversation's next turn needs its last turn's record: every record comes back whole.
      completeInThread: suite.graders.length === 0 && !completeOnMain && !suite.dataset.conversation,
      stallMs,
      extras: extrasSpecOf(suite),
    },
    suite.load.concurrency,
    opts.threads,
    {
      // Nothing reaches these before the run's first request, long after the collector exists.
      lines: (t, n) => collector!.lines(t, n),
      stats: (d) => collector!.stats(d),
      threadLost: () => collector!.threadLost(),
      alarm: (e) => deps.alarm(e),
      counted: (m, f) => deps.counted(m, f),
    },
    tokens,
  );
  poolStarting.catch(() => {}); // awaited below; a failure meanwhile must not be an unhandled rejection
  closers.push(() =>
    poolStarting.then(
      (p) => p.close(),
      () => null,
    ),
  ); // idempotent: the run closes it first
  const target = await resolveTarget(suite);
  closers.push(() => target.close());
  let grading: GradingPool | null = null;
  if (suite.graders.length > 0) {
    const g = await startGrading(suite, target, stallMs, !completeOnMain, (d) => collector!.stats(d), opts.threads, opts.judgeCache !== false, tokens);
    closers.push(() => g.close().then((w) => deps.gradingWatches.push(...w)));
    grading = g;
  }
  const feedback = startFeedback(suite, target, opts.feedback);
  closers.push(() => feedback.close());
  const sink = new ResultsSink(resolve(deps.dir, 'results.jsonl'), { onError: () => deps.halt() });
  closers.push(() => sink.close());
  collector = new RunCollector(
    sink,
    anchor,
    suite.variants.map((v) => v.name),
    feedback,
    grading,
    grading === null ? tokens.client : null,
    opts.onResult,
  );
  collector.extras = extrasSpecOf(suite);
  const pool = await poolStarting;
  deps.started(collector, pool);
  await tokens.ready;
  pool.setTarget(target.baseUrl, target.token);
  return { collector, pool, sink, feedback };
}
