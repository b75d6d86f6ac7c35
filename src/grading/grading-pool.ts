// The grading threads, hosted by piscina apart from the request threads, so that no grader (nor the
// tokenizer: the run's token thread counts, over a port handed with each batch) ever runs on a thread
// that timestamps frames. A piscina task per batch of records. Every
// grader call has a time limit (src/grade/time-limit.ts): one that overruns it without returning is
// stopped by aborting its task (piscina terminates that thread and starts another); one that ends its
// thread is caught the same way. Either way the grader that did it is known from shared memory, gets a
// grader error, and the batch is graded again without it: every record is graded, none lost.
import { Piscina } from 'piscina';
import { prepareGraderInfo } from '../grade/registry.js';
import type { ThreadWatchSnapshot } from '../harness/thread-watch.js';
import type { GradeOutcome } from '../grade/types.js';
import { nowMs } from '../clock/clock.js';
import type { RecordTokens } from '../metrics/output-tokens.js';
import type { TokenThread } from '../metrics/token-thread.js';
import type { RunStatsDelta } from '../metrics/run-stats.js';
import {
  BEAT_AT,
  CALL_GRADER,
  CALL_JOB,
  THREAD,
  WATCH_SLOTS,
  type ForcedGrade,
  type GradeJob,
  type GradeTask,
  type GradeTaskResult,
  type GradingConfig,
} from './messages.js';
import { CallCpu } from './call-cpu.js';
import { CallSightings, overrunning, type Limits } from './watchdog.js';

export interface GradingPool {
  /** Grades a batch; resolves with its lines (complete) or its graded records and their tokens (not complete), in order. */
  grade(jobs: GradeJob[]): Promise<{ text: string; records: string[]; tokens: RecordTokens[] }>;
  readonly threads: number;
  /** Waits for nothing: call after every grade() settled. Returns each thread's last watch. */
  close(): Promise<ThreadWatchSnapshot[]>;
}

/** A grader module failed to load in a grading thread: the suite's fault (exit 2). */
export class GraderLoadError extends Error {}
/** A grading thread failed to start for another reason: the harness's fault (exit 3). */
export class GradingStartError extends Error {}

const WATCHDOG_EVERY_MS = 25;
const BOOT_LIMIT_MS = 60_000;
/** Batches lost through no call of their own (another task's thread was stopped) are sent again as they were, up to this often each. */
const INNOCENT_RETRIES = 64;

interface Active {
  watch: Float64Array;
  abort: AbortController;
  stopped: { job: number; grader: number; reason: string } | null;
  /** Its thread was stopped for another task's call: it was waiting, not at fault. */
  bystander: boolean;
}

export async function startGradingPool(
  base: Omit<GradingConfig, 'booted'>,
  threads: number,
  sinks: { stats(delta: RunStatsDelta): void },
  tokens: TokenThread | null = null,
): Promise<GradingPool> {
  /** Per grader, what the watchdog holds each call to. */
  const info = prepareGraderInfo(base.graders);
  const limits: Limits = { sync: info.map((g) => g.timeoutMs), wait: info.map((g) => g.waitMs) };
  const booted = new Int32Array(new SharedArrayBuffer(4));
  const config: GradingConfig = { ...base, booted };
  const scripts = base.graders.filter((g) => g.type === 'script' || g.type === 'not-script').map((g) => String(g.path));
  const piscina = new Piscina({
    filename: new URL('./grading-worker.js', import.meta.url).href,
    workerData: config,
    minThreads: threads,
    maxThreads: threads,
    // Several batches per thread: a judge call waits on the network, not on the CPU.
    concurrentTasksPerWorker: 4,
    idleTimeout: 60_000,
    atomics: 'disabled',
    resourceLimits: { maxYoungGenerationSizeMb: 16 },
  });
  let bootError: Error | null = null;
  piscina.on('error', (err: unknown) => (bootError ??= err instanceof Error ? err : new Error(String(err))));
  const watches = new Map<number, ThreadWatchSnapshot>();

  // Boot: every thread loads its graders (script modules included) before the first request is sent.
  const bootStart = nowMs();
  let exited: number | null = null;
  for (const w of piscina.threads) w.once('exit', (code: number) => (exited ??= code));
  while (Atomics.load(booted, 0) < threads && bootError === null && exited === null && nowMs() - bootStart < BOOT_LIMIT_MS) {
    await new Promise((r) => setTimeout(r, 10));
  }
  if (Atomics.load(booted, 0) < threads) {
    await piscina.destroy().catch(() => {});
    throw bootFailure(bootError, exited, scripts);
  }

  const active = new Set<Active>();
  const callCpu = new CallCpu();
  const sightings = new CallSightings();
  const watchdog = setInterval(() => {
    const watched = [...active].filter((a) => a.stopped === null && !a.bystander);
    const shared = watched.map((a) => a.watch);
    const stops = overrunning(shared, limits, nowMs(), callCpu.sample(shared), sightings.steady(shared));
    if (stops.length === 0) return;
    for (const s of stops) watched[s.task]!.stopped = { job: s.job, grader: s.grader, reason: s.reason };
    // The other tasks on a stopped thread end with it: graded again as they were, not split up.
    const stoppedThreads = new Set(stops.map((s) => watched[s.task]!.watch[THREAD]));
    for (const a of watched) if (a.stopped === null && a.watch[BEAT_AT] !== 0 && stoppedThreads.has(a.watch[THREAD])) a.bystander = true;
    for (const s of stops) watched[s.task]!.abort.abort();
  }, WATCHDOG_EVERY_MS);
  watchdog.unref();

  // Once closing, nothing is run again: piscina would start a new thread for it, and the process would not end.
  let closed = false;
  const runTask = async (jobs: GradeJob[], forced: ForcedGrade[], oneAtATime = false): Promise<GradeTaskResult> => {
    if (closed) throw new Error('the grading threads were closed before this batch was graded');
    const a: Active = { watch: new Float64Array(new SharedArrayBuffer(8 * WATCH_SLOTS)), abort: new AbortController(), stopped: null, bystander: false };
    a.watch[CALL_JOB] = -1;
    active.add(a);
    try {
      // Each batch gets a port of its own: piscina decides which thread runs it.
      const port = tokens?.connect();
      const task: GradeTask = { jobs, forced, oneAtATime, watch: a.watch, ...(port && { tokens: port }) };
      return (await piscina.run(task, { signal: a.abort.signal, ...(port && { transferList: [port] }) })) as GradeTaskResult;
    } catch (err) {
      if (closed) throw err;
      // Who was it? The watchdog knows when it stopped the task; after a crash, the shared call slot does.
      const job = a.watch[CALL_JOB]!;
      const culprit =
        a.stopped ??
        (job >= 0 ? { job, grader: a.watch[CALL_GRADER]!, reason: `its grading thread ended while it ran (${(err as Error)?.message ?? String(err)})` } : null);
      // Never started (queued on a thread that was stopped or died), or a bystander: no call of its own to blame.
      const innocent = culprit === null && (a.bystander || a.watch[BEAT_AT] === 0);
      throw new BatchLost(culprit, (err as Error)?.message ?? String(err), innocent);
    } finally {
      active.delete(a);
    }
  };

  const failed = (reason: string): GradeOutcome => ({ pass: false, score: 0, reason, error: true });

  /**
   * Grades a batch, again without the grader that stopped it, until every record is graded. When none
   * could be named, its rows are graded again one after another, then a row's graders one at a time,
   * so that the one holding the thread ends up alone in flight and is named.
   */
  const gradeAll = async (
    jobs: GradeJob[],
    forced: ForcedGrade[],
    budget: { left: number; innocent: number },
    oneAtATime = false,
  ): Promise<GradeTaskResult[]> => {
    try {
      return [await runTask(jobs, forced, oneAtATime)];
    } catch (err) {
      if (!(err instanceof BatchLost)) throw err;
      if (err.innocent && --budget.innocent >= 0) return gradeAll(jobs, forced, budget, oneAtATime);
      if (--budget.left < 0) {
        // A thread that keeps ending for no grader we can name: every grader of the batch is an error.
        const all: ForcedGrade[] = jobs.flatMap((_, j) => info.map((__, g): ForcedGrade => [j, g, failed(`grading failed repeatedly: ${err.message}`)]));
        return [await runTask(jobs, all)];
      }
      const c = err.culprit;
      if (c !== null && c.job >= 0) return gradeAll(jobs, [...forced, [c.job, c.grader, failed(c.reason)]], budget, oneAtATime);
      if (jobs.length > 1) {
        const parts: GradeTaskResult[] = [];
        for (const [j, job] of jobs.entries())
          parts.push(
            ...(await gradeAll(
              [job],
              forced.filter((f) => f[0] === j).map(([, g, o]): ForcedGrade => [0, g, o]),
              budget,
            )),
          );
        return parts;
      }
      if (!oneAtATime && info.length > 1) return gradeAll(jobs, forced, budget, true);
      const why = c?.reason ?? `its grading thread ended while grading this row (${err.message})`;
      return gradeAll(
        jobs,
        info.map((_, g): ForcedGrade => [0, g, failed(why)]),
        budget,
      );
    }
  };

  return {
    threads,
    async grade(jobs) {
      const results = await gradeAll(jobs, [], { left: 2 * jobs.length + 3, innocent: INNOCENT_RETRIES });
      let text = '';
      const records: string[] = [];
      const tokens: RecordTokens[] = [];
      for (const r of results) {
        text += r.text;
        records.push(...r.records);
        tokens.push(...r.tokens);
        if (r.delta !== null) sinks.stats(r.delta);
        watches.set(r.watch.threadId, r.watch);
      }
      return { text, records, tokens };
    },
    async close() {
      closed = true;
      clearInterval(watchdog);
      await piscina.destroy().catch(() => {});
      return [...watches.values()];
    },
  };
}

class BatchLost extends Error {
  constructor(
    readonly culprit: { job: number; grader: number; reason: string } | null,
    message: string,
    readonly innocent = false,
  ) {
    super(message);
  }
}

/**
 * Why the grading threads did not start. Script graders are the only code of the user's that a grading
 * thread loads, so a thread that fails or exits while loading them is the suite's fault (exit 2).
 */
function bootFailure(err: Error | null, exitCode: number | null, scripts: string[]): Error {
  if (err !== null) {
    const why = err.message.split('\n')[0]!;
    return /could not be loaded/.test(why) ? new GraderLoadError(why) : new GradingStartError(`a grading thread failed to start: ${why}`);
  }
  const why =
    exitCode !== null
      ? `a grading thread exited with code ${exitCode} while loading the graders`
      : `the grading threads did not start within ${BOOT_LIMIT_MS / 1000} s`;
  if (scripts.length > 0) return new GraderLoadError(`${why} (${scripts.join(', ')}): does a grader module exit or hang when it is imported?`);
  return new GradingStartError(`a grading thread failed to start: ${why}`);
}
