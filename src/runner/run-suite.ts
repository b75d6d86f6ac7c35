// Runs a loaded suite end to end: simulator (if asked), worker pool, scheduler, sinks, reports.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readRows } from '../dataset/read-rows.js';
import { loadModel } from '../load/model.js';
import { anchorClock, nowMs, toIso } from '../metrics/clock.js';
import { evaluateThresholds, parseThreshold, type ParsedThreshold } from '../metrics/thresholds.js';
import { Progress } from '../report/progress.js';
import type { Report } from '../report/report-model.js';
import { ResultsSink } from '../report/results-sink.js';
import { writeReports } from '../report/write-reports.js';
import { compareInRun } from '../compare/run-comparisons.js';
import { ConfigError } from '../suite/config-error.js';
import type { Suite } from '../suite/types.js';
import { GraderLoadError, type GradingPool } from '../grading/grading-pool.js';
import { harnessReport } from '../harness/harness-report.js';
import { DEFAULT_STALL_MS, startThreadWatch, type ThreadWatchSnapshot } from '../harness/thread-watch.js';
import type { RecordEnvelope, ResultRecord } from '../record/result-record.js';
import type { InlinePool } from '../worker/inline-pool.js';
import type { RequestTask } from '../worker/messages.js';
import { startPool, type PoolOutcome, type RequestPool } from '../worker/pool.js';
import { stopHint, stopsTheRun } from '../stackai/early-stop.js';
import type { ClassifiedError } from '../stackai/types.js';
import { harnessFailure } from './harness-failure.js';
import { recountFromResults } from './recount.js';
import { startGrading } from './start-grading.js';
import { startFeedback, type FeedbackOptions } from './feedback-poster.js';
import { RunCollector } from './collect.js';
import { driveLoad, type LoadOutcome } from './drive-load.js';
import { untilDoneOrGrace } from './grace.js';
import { plannedWork } from './planned.js';
import { resilienceConfig } from './resilience.js';
import { heldRun, prepareRunDir, replayInto } from './resume.js';
import { sweepReport } from './sweep-report.js';
import { writeHlogs } from './write-hlogs.js';
import { inShard, shardLoad, type ShardSpec } from '../shard/partition.js';
import { resolveTarget } from './target.js';

export interface RunOptions {
  /** Report folder; default: the suite's report.dir template. */
  outDir?: string;
  /** Worker threads (default: one per core but one, capped by concurrency); 0 runs requests on this thread. */
  threads?: number;
  /** Stop scheduling when aborted (Ctrl-C); the partial report is still written. */
  signal?: AbortSignal;
  /** Progress output (default: on, to stderr). */
  progress?: boolean;
  /** Feedback posting: dryRun prints instead of posting. */
  feedback?: FeedbackOptions;
  /** Called with every result as it lands. */
  onResult?: (r: ResultRecord) => void;
  /** Called once the load has finished (every started request answered or abandoned), before the reports are written. */
  onLoadDone?: () => void;
  /** Called once the report folder exists, before the first request: where it is and the planned work. */
  onStart?: (info: { dir: string; plannedRequests: number | null; plannedMs: number | null }) => void;
  /** A saved run (report folder or report.json) to compare every variant against (`--baseline DIR`). */
  baselineRun?: string;
  /** `--shard I/N`: run only this shard's rows, at its share of the load (the suite's numbers are the fleet's). */
  shard?: ShardSpec;
  /** `--resume`: outDir holds an interrupted run of this suite; send only what its results.jsonl lacks. */
  resume?: boolean;
  /** `--force`: replace the run outDir already holds (without it, that is refused). */
  force?: boolean;
}

export interface RunOutcome {
  report: Report;
  dir: string;
  /** 0 all thresholds hold, 1 a threshold failed, 130 interrupted. */
  exitCode: number;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export function reportDir(suite: Suite, started: Date): string {
  return resolve(suite.report.dir.replace(/\{\{\s*name\s*\}\}/g, suite.name).replace(/\{\{\s*timestamp\s*\}\}/g, stamp(started)));
}

/** The default report folder, or the same name with -2, -3, … when a run in the same second holds it. */
function freeDir(dir: string): string {
  for (let n = 2, d = dir; ; d = `${dir}-${n++}`) if (heldRun(d) === null) return d;
}

/** The loader has checked every threshold at its line; a suite built by hand is checked here too. */
function parseThresholds(suite: Suite): ParsedThreshold[] {
  const metaNames = Object.keys(suite.metadata.fields);
  return Object.entries(suite.thresholds).map(([metric, expr]) => {
    const p = parseThreshold(metric, expr, metaNames);
    if (typeof p === 'string') throw new ConfigError(p, { file: suite.file }, 'fix the thresholds section');
    return p;
  });
}

async function countRows(suite: Suite, shard: ShardSpec | null): Promise<number> {
  let n = 0;
  for await (const row of readRows(suite.dataset)) if (inShard(row.index, 0, shard)) n++;
  return n;
}

export async function runSuite(suite: Suite, opts: RunOptions = {}): Promise<RunOutcome> {
  const thresholds = parseThresholds(suite);
  const shard = opts.shard ?? null;
  // Progress counts this shard's rows (exact for one pass; later passes hash rows anew).
  const planned = plannedWork({ ...suite, load: shardLoad(suite.load, shard) }, await countRows(suite, shard));
  const startedWall = new Date();
  const dir = opts.outDir ? resolve(opts.outDir) : freeDir(reportDir(suite, startedWall));
  await mkdir(dir, { recursive: true });
  // Manifest first (a later --resume checks it); on resume, a changed suite or dataset is refused here.
  const runDir = await prepareRunDir(dir, suite, opts.resume === true, startedWall, opts.force === true);
  opts.onStart?.({ dir, plannedRequests: planned.requests, plannedMs: planned.ms });

  // Everything started from here is closed on every path (a failed start included), so the process exits.
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };
  const stallMs = suite.load.stallMs > 0 ? suite.load.stallMs : DEFAULT_STALL_MS;
  // A failure that means every further request would fail alike (a wrong key): stop sending.
  let stoppedBy: ClassifiedError | null = null;
  let okSeen = false;
  const stopEarly = (e: ClassifiedError) => {
    if (stoppedBy !== null) return;
    stoppedBy = e;
    pool?.dropHeld();
  };
  // stop_on: the live error rate over the measured requests so far, judged after `after` of them.
  let liveDone = 0;
  let liveFailed = 0;
  const countLive = (measured: number, failed: number) => {
    liveDone += measured;
    liveFailed += failed;
    const limit = suite.stopOn;
    if (limit === null || stoppedBy !== null || liveDone < limit.after || liveFailed / liveDone <= limit.errorRate) return;
    const rate = Math.round((liveFailed / liveDone) * 1000) / 1000;
    stopEarly({ kind: 'stop_on' as ClassifiedError['kind'], status: null, message: `${liveFailed} of the first ${liveDone} measured requests failed (error rate ${rate}, over stop_on.error_rate ${limit.errorRate})` });
  };
  const requestWatches: ThreadWatchSnapshot[] = [];
  const gradingWatches: ThreadWatchSnapshot[] = [];
  let inline: InlinePool | null = null;
  const mainWatch = startThreadWatch({ role: 'main', stallMs, onStall: (st) => inline?.markStall(st.gapMs) });
  closers.push(async () => mainWatch.stop());
  let collector: RunCollector;
  let pool: RequestPool | undefined;
  let target: Awaited<ReturnType<typeof resolveTarget>>;
  let anchor: ReturnType<typeof anchorClock>;
  let sink: ResultsSink;
  let feedback: ReturnType<typeof startFeedback>;
  let grading: GradingPool | null = null;
  let progress: Progress;
  try {
    anchor = anchorClock();
    const completeOnMain = suite.feedback.post || opts.onResult !== undefined;
    // The request threads start and warm up while the target (the embedded simulator, say) starts: they
    // learn where to send once both are ready. A failure on either side closes the other.
    const poolStarting = startPool(
      {
        baseUrl: '', orgId: suite.target.orgId, flowId: suite.target.flowId, token: '', mode: suite.mode,
        stream: suite.stream, output: suite.output, inputs: suite.dataset.inputs, expected: suite.dataset.expected,
        variants: suite.variants, timeoutMs: suite.load.timeoutMs, retries: suite.load.retries,
        ...resilienceConfig(suite.load),
        metadata: suite.metadata, graders: suite.graders, anchor, connections: 1, headers: suite.target.headers ?? {},
        completeInThread: suite.graders.length === 0 && !completeOnMain, stallMs,
      },
      suite.load.concurrency,
      opts.threads,
      { lines: (t, n) => collector.lines(t, n), stats: (d) => collector.stats(d), threadLost: () => collector.threadLost(), alarm: (e) => stopEarly(e), counted: (m, f) => countLive(m, f) },
    );
    poolStarting.catch(() => {}); // awaited below; a failure meanwhile must not be an unhandled rejection
    closers.push(() => poolStarting.then((p) => p.close(), () => null)); // idempotent: the finally below closes it first
    target = await resolveTarget(suite);
    closers.push(() => target.close());
    if (suite.graders.length > 0) {
      grading = await startGrading(suite, target, stallMs, !completeOnMain, (d) => collector.stats(d), opts.threads);
      const g = grading;
      closers.push(() => g.close().then((w) => gradingWatches.push(...w)));
    }
    feedback = startFeedback(suite, target, opts.feedback);
    closers.push(() => feedback.close());
    sink = new ResultsSink(resolve(dir, 'results.jsonl'));
    closers.push(() => sink.close());
    collector = new RunCollector(sink, anchor, suite.variants.map((v) => v.name), feedback, grading, opts.onResult);
    pool = await poolStarting;
    pool.setTarget(target.baseUrl, target.token);
    if (pool.threads === 0) inline = pool as InlinePool;
  } catch (err) {
    await closeAll();
    if (err instanceof GraderLoadError) throw new ConfigError(err.message, { file: suite.file }, 'fix or remove that grader: its module must load without errors and without exiting');
    throw err;
  }

  // Ctrl-C: requests queued in the threads for a closed loop's next free slot are dropped unsent.
  const dropHeld = () => pool.dropHeld();
  opts.signal?.addEventListener('abort', dropHeld, { once: true });
  let fatal: unknown = null;
  let loadOutcome: LoadOutcome | null = null;
  let abandoned = 0;
  let runStart = nowMs();
  try {
    await runDir.replay((r) => replayInto(collector.total, r, suite, opts.onResult));
    progress = new Progress(
      () => ({ planned: planned.requests, plannedMs: planned.ms, done: collector.done, errors: collector.errors, inFlight: pool.running, ttftP50Ms: collector.ttftP50(), warmupDone: collector.warmupDone }),
      process.stderr,
      opts.progress !== false,
    );
    // The run's clock starts now: every thread is up and has answered, so start-up is nobody's latency.
    pool.clockStart();
    mainWatch.reset();
    runStart = nowMs();
    progress.begin();
    const driven = driveLoad(
      suite,
      async (p, info, phase) => {
        const wait = collector.room();
        if (wait !== null) await wait;
        const env: RecordEnvelope = { variant: p.variant, step: phase.step, warmup: phase.warmup, sendLagMs: info.lagMs, delayed: info.delayed };
        const task: RequestTask = { ...p, scheduledAt: info.scheduledAt, env };
        collector.inFlight++;
        let outcome: PoolOutcome;
        try {
          outcome = await pool.run(task, info.hold);
        } catch (err) {
          outcome = { record: harnessFailure(suite, task, err, anchor) };
        }
        collector.inFlight--;
        if (outcome === null) return false; // held past the duration or the stop: never sent
        if ('record' in outcome) {
          okSeen ||= outcome.record.ok;
          if (!phase.warmup) countLive(1, outcome.record.ok ? 0 : 1);
          if (stopsTheRun(outcome.record.error, okSeen)) stopEarly(outcome.record.error!);
          collector.record(outcome.record, env, p.values);
        }
        return true;
      },
      () => opts.signal?.aborted === true || stoppedBy !== null,
      runDir.done,
      shard,
    );
    // Ctrl-C: scheduling stops at once; in-flight requests get load.grace to finish, then are abandoned.
    const waited = await untilDoneOrGrace(driven, opts.signal, suite.load.graceMs);
    if ('value' in waited) loadOutcome = waited.value;
    else abandoned = collector.inFlight;
    opts.onLoadDone?.();
  } catch (err) {
    fatal = err; // e.g. a bad dataset row found mid-run: still write what finished
  } finally {
    opts.signal?.removeEventListener('abort', dropHeld);
    // Records still being graded land first; the threads' last statistics arrive as the pool closes.
    await untilDoneOrGrace(collector.drain(), opts.signal, suite.load.graceMs).catch((err: unknown) => {
      fatal ??= err;
    });
    await pool.close().then((w) => requestWatches.push(...w)).catch(() => {});
    // Pending posts finish first; after Ctrl-C they get load.grace, then their records land marked unconfirmed.
    const drained = await untilDoneOrGrace(feedback.drain(), opts.signal, suite.load.graceMs).catch((err: unknown) => {
      fatal ??= err;
      return null;
    });
    if (drained !== null && 'cutShort' in drained) feedback.abandon();
    progress!?.end();
    collector.finish();
    mainWatch.stop();
    await sink.close().catch((err: unknown) => {
      fatal ??= err;
    });
    await closeAll();
  }
  // A request thread that died took the statistics it had not sent with it: count the file instead.
  const stats = collector.needsRecount ? await recountFromResults(resolve(dir, 'results.jsonl'), anchor, suite) : collector.total;

  const variants = suite.variants.map((v, i) => ({
    name: v.name,
    params: { version: v.version, runDraft: v.runDraft },
    ...stats.stats[i]!.summary(),
  }));
  const harness = harnessReport(
    [mainWatch.snapshot(), ...requestWatches, ...gradingWatches],
    variants.map((v) => ({ name: v.name, stalledResults: v.harnessStalls.results, maxStallMs: v.harnessStalls.maxMs, results: v.requests })),
    { stallMs },
  );
  // A run is held to max_error_rate unless the suite names an error_rate threshold of its own.
  const judged = thresholds.some((t) => t.metric === 'error_rate')
    ? thresholds
    : [...thresholds, { metric: 'error_rate', op: '<=' as const, limit: suite.maxErrorRate ?? 0.5, implicit: true as const }];
  const thresholdResults = evaluateThresholds(judged, variants.map((v) => ({ name: v.name, summary: v })), harness);
  const interrupted = opts.signal?.aborted === true;
  // Pairs rows by streaming results.jsonl back; a fired regression gate fails the run like a threshold.
  const compared = await compareInRun({ suite, dir, variants, ...(opts.baselineRun !== undefined && { baselineRun: opts.baselineRun }) });
  const report: Report = {
    schemaVersion: 1,
    suite: suite.name,
    suiteFile: suite.file,
    suiteHash: runDir.suiteHash,
    shard,
    startedAt: startedWall.toISOString(),
    finishedAt: toIso(anchor, nowMs()),
    durationMs: Math.round(nowMs() - runStart),
    partial: interrupted || fatal !== null,
    stoppedEarly: earlyStop(stoppedBy),
    target: { baseUrl: suite.target.baseUrl, orgId: suite.target.orgId, flowId: suite.target.flowId, mode: suite.mode },
    load: {
      // A shard reports its own share of the load; `flowbench merge` adds the shares back up.
      ...((l) => ({ model: loadModel(l), concurrency: l.concurrency, iterations: l.iterations, rate: l.rate, arrival: l.arrival,
        requests: l.requests, durationMs: l.durationMs, stages: l.stages, sweep: l.sweep }))(shardLoad(suite.load, shard)),
      threads: pool.threads, started: loadOutcome?.started ?? stats.done + abandoned, warmupRequests: stats.warmupDone,
      delayedSends: variants.reduce((a, v) => a + v.delayedSends, 0), maxSendLagMs: loadOutcome?.maxSendLagMs ?? Math.max(0, ...variants.map((v) => v.sendLagMs?.max ?? 0)),
      abandoned,
    },
    timeline: stats.timeline.buckets(),
    sweep: suite.load.sweep && loadOutcome
      ? sweepReport(loadOutcome.steps, stats.stepStats, suite.variants.map((v) => v.name), thresholds, suite.load.sweep.durationMs)
      : null,
    variants,
    harness,
    thresholds: thresholdResults,
    comparisons: compared.comparisons,
    compare: compared.settings,
    verdict: thresholdResults.every((t) => t.ok) && compared.comparisons.every((c) => c.verdict === 'pass') && fatal === null && !interrupted && stoppedBy === null ? 'pass' : 'fail',
  };
  await writeReports(dir, report);
  await writeHlogs(dir, stats.timeline.hlogTexts());
  if (fatal !== null) throw fatal;
  return { report, dir, exitCode: interrupted ? 130 : report.verdict === 'pass' ? 0 : 1 };
}

/** report.json's account of an early stop (null when the run was not stopped). */
function earlyStop(e: ClassifiedError | null): Report['stoppedEarly'] {
  return e === null ? null : { kind: e.kind, status: e.status, message: e.message, hint: stopHint(e) };
}
