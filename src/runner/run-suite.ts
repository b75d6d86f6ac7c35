// Runs a loaded suite end to end: simulator (if asked), worker pool, scheduler, sinks, reports.
import { resolve } from 'node:path';
import { readRows } from '../dataset/read-rows.js';
import { anchorAt, nowMs, sinceAnchor, toIso, type ClockAnchor } from '../clock/clock.js';
import { startTokenThread } from '../metrics/token-thread.js';
import { Progress } from '../report/progress.js';
import type { Report } from '../report/report-model.js';
import { ResultsSink } from '../report/results-sink.js';
import { ensureFolder } from '../report/whole-file.js';
import { ConfigError } from '../errors/config-error.js';
import { NO_ROWS_FIX, noRowsMessage } from '../suite/check-dataset.js';
import type { Suite } from '../suite/types.js';
import { GraderLoadError, type GradingPool } from '../grading/grading-pool.js';
import { DEFAULT_STALL_MS, startThreadWatch, type ThreadWatchSnapshot } from '../harness/thread-watch.js';
import type { RecordEnvelope, ResultRecord } from '../record/result-record.js';
import type { InlinePool } from '../worker/inline-pool.js';
import type { RequestTask } from '../worker/messages.js';
import { startPool, type PoolOutcome, type RequestPool } from '../worker/pool.js';
import { stopsTheRun } from '../stackai/early-stop.js';
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
import { markSession, prepareRunDir, replayInto } from './resume.js';
import { freeDir, reportDir } from './report-folder.js';
import { SessionTally, type SessionMark } from './sessions.js';
import { assembleReport, parseThresholds } from './assemble-report.js';
import { stopSignal, writeOutputs } from './output-failure.js';
import { inShard, shardLoad, type ShardSpec } from '../shard/partition.js';
import { resolveTarget } from './target.js';
import { extrasSpecOf } from './extras-spec.js';
import { BudgetGuard, budgetRefusal } from './budget.js';
import { planRun, type RunPlan } from './run-plan.js';
import { ConversationStats } from '../metrics/conversation-stats.js';
import { runConversation, type ConversationDeps, type TurnSend } from './conversation-runner.js';
import { waitForStart, type StartAt, type StartAtRecord } from './start-at.js';
import { startLiveMetrics } from './live-metrics.js';
import { DEFAULT_CHECKPOINT_MS, startCheckpoints } from './checkpoints.js';
import type { CheckpointCover } from '../report/report-model.js';

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
  onStart?: (info: { dir: string; plannedRequests: number | null; plannedMs: number | null; plan: RunPlan; metricsUrl: string | null }) => void;
  /** A saved run (report folder or report.json) to compare every variant against (`--baseline DIR`). */
  baselineRun?: string;
  /** `--shard I/N`: run only this shard's rows, at its share of the load (the suite's numbers are the fleet's). */
  shard?: ShardSpec;
  /** `--resume`: outDir holds an interrupted run of this suite; send only what its results.jsonl lacks. */
  resume?: boolean;
  /** `--force`: replace the run outDir already holds (without it, that is refused). */
  force?: boolean;
  /** `--start-at`: after start-up, wait for this wall-clock moment before the load's clock starts. */
  startAt?: StartAt;
  /** `--no-cache`: false makes every judge call, reading and writing no judge cache (default true). */
  judgeCache?: boolean;
  /** Called with what each checkpoint (report.checkpoint) covers, once its report.json is written. */
  onCheckpoint?: (cover: CheckpointCover) => void;
}

export interface RunOutcome {
  report: Report;
  dir: string;
  /** 0 all thresholds hold, 1 a threshold failed, 130 interrupted. */
  exitCode: number;
}

function resumeRefused(suite: Suite): ConfigError {
  return new ConfigError(
    '--resume does not continue a conversation dataset: a conversation cut short would resume without its earlier turns',
    { file: suite.file },
    'run the suite again from the start (without --resume)',
  );
}

async function countRows(suite: Suite, shard: ShardSpec | null): Promise<number> {
  let n = 0;
  for await (const row of readRows(suite.dataset)) if (inShard(row.index, 0, shard)) n++;
  return n;
}

export async function runSuite(suite: Suite, opts: RunOptions = {}): Promise<RunOutcome> {
  if (opts.resume === true && suite.dataset.conversation) throw resumeRefused(suite);
  const thresholds = parseThresholds(suite);
  const shard = opts.shard ?? null;
  const rows = await countRows(suite, shard);
  // The loader refuses a dataset without rows; a suite changed by hand after loading is refused here.
  if (rows === 0 && shard === null) throw new ConfigError(noRowsMessage(suite.dataset.path), { file: suite.dataset.path }, NO_ROWS_FIX);
  // Progress counts this shard's rows (exact for one pass; later passes hash rows anew).
  const planned = plannedWork({ ...suite, load: shardLoad(suite.load, shard) }, rows);
  // What the run will send and cost: over budget, it is refused here, before the report folder or any request.
  const plan = planRun(suite, rows, planned);
  const refusal = budgetRefusal(suite, plan);
  if (refusal !== null) throw refusal;
  const budget = new BudgetGuard(suite.budget ?? null);
  const startedWall = new Date();
  const dir = opts.outDir ? resolve(opts.outDir) : freeDir(reportDir(suite, startedWall));
  // The live endpoint first: a metrics port in use is exit 2 before any file is written.
  const live = await startLiveMetrics(suite, shard);
  let lingering: Promise<void> | null = null; // set once the run is over; awaited before runSuite returns
  let runDir: Awaited<ReturnType<typeof prepareRunDir>>;
  try {
    await ensureFolder(dir); // a folder that cannot be made is exit 2, naming it
    // Manifest first (a later --resume checks it); on resume, a changed suite or dataset is refused here.
    runDir = await prepareRunDir(dir, suite, opts.resume === true, startedWall, opts.force === true);
  } catch (err) {
    await live?.close();
    throw err;
  }
  opts.onStart?.({ dir, plannedRequests: planned.requests, plannedMs: planned.ms, plan, metricsUrl: live?.url ?? null });

  // Everything started from here is closed on every path (a failed start included), so the process exits.
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };
  // Ctrl-C, or results.jsonl failing to take a line (disk full): no new sends, in-flight ones get the grace.
  const stop = stopSignal(opts.signal);
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
    stopEarly({
      kind: 'stop_on' as ClassifiedError['kind'],
      status: null,
      message: `${liveFailed} of the first ${liveDone} measured requests failed (error rate ${rate}, over stop_on.error_rate ${limit.errorRate})`,
    });
  };
  const conversationStats = new ConversationStats(suite.variants.map((v) => v.name));
  const requestWatches: ThreadWatchSnapshot[] = [];
  const gradingWatches: ThreadWatchSnapshot[] = [];
  let inline: InlinePool | null = null;
  const mainWatch = startThreadWatch({ role: 'main', stallMs, onStall: (st) => inline?.markStall(st.gapMs) });
  closers.push(async () => mainWatch.stop());
  // A failed start closes the endpoint at once; a finished run's endpoint lingers on, awaited before runSuite returns.
  if (live !== null)
    closers.push(async () => {
      if (lingering === null) await live.close();
    });
  let collector: RunCollector;
  let pool: RequestPool | undefined;
  let target: Awaited<ReturnType<typeof resolveTarget>>;
  let anchor: ClockAnchor;
  let sink: ResultsSink;
  let feedback: ReturnType<typeof startFeedback>;
  let grading: GradingPool | null = null;
  let progress: Progress | undefined;
  try {
    // Every session of a run counts from the run's first start: a resumed one continues that clock.
    anchor = anchorAt(runDir.startedAt.getTime());
    const completeOnMain = suite.feedback.post || opts.onResult !== undefined;
    // Without graders, records complete on the request threads (or here): the output tokens their server did
    // not report are counted in a thread of their own, never on a thread that times requests.
    const tokens = suite.graders.length === 0 ? startTokenThread({ stallMs, preload: !suite.metadata.fetch }, suite.metadata) : null;
    if (tokens !== null) closers.push(() => tokens.close().then((w) => gradingWatches.push(...w)));
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
        lines: (t, n) => collector.lines(t, n),
        stats: (d) => collector.stats(d),
        threadLost: () => collector.threadLost(),
        alarm: (e) => stopEarly(e),
        counted: (m, f) => countLive(m, f),
      },
      tokens,
    );
    poolStarting.catch(() => {}); // awaited below; a failure meanwhile must not be an unhandled rejection
    closers.push(() =>
      poolStarting.then(
        (p) => p.close(),
        () => null,
      ),
    ); // idempotent: the finally below closes it first
    target = await resolveTarget(suite);
    closers.push(() => target.close());
    if (suite.graders.length > 0) {
      grading = await startGrading(suite, target, stallMs, !completeOnMain, (d) => collector.stats(d), opts.threads, opts.judgeCache !== false);
      const g = grading;
      closers.push(() => g.close().then((w) => gradingWatches.push(...w)));
    }
    feedback = startFeedback(suite, target, opts.feedback);
    closers.push(() => feedback.close());
    sink = new ResultsSink(resolve(dir, 'results.jsonl'), { onError: stop.halt });
    closers.push(() => sink.close());
    collector = new RunCollector(
      sink,
      anchor,
      suite.variants.map((v) => v.name),
      feedback,
      grading,
      tokens?.client ?? null,
      opts.onResult,
    );
    collector.extras = extrasSpecOf(suite);
    pool = await poolStarting;
    live?.attach({ collector, pool, watch: mainWatch });
    await tokens?.ready;
    pool.setTarget(target.baseUrl, target.token);
    if (pool.threads === 0) inline = pool as InlinePool;
  } catch (err) {
    await closeAll();
    if (err instanceof GraderLoadError)
      throw new ConfigError(err.message, { file: suite.file }, 'fix or remove that grader: its module must load without errors and without exiting');
    throw err;
  }

  // Ctrl-C: requests queued in the threads for a closed loop's next free slot are dropped unsent.
  const dropHeld = () => pool.dropHeld();
  stop.signal.addEventListener('abort', dropHeld, { once: true });
  let fatal: unknown = null;
  let loadOutcome: LoadOutcome | null = null;
  let abandoned = 0;
  let runStart = nowMs();
  let loadEnd = runStart;
  let stopCostWatch = () => {};
  // Earlier sessions' records are counted again (timeline included) and tallied into their sessions.
  const tally = new SessionTally(runDir.earlier, runDir.startedAt.getTime());
  let replayed = 0;
  let startAtRecord: StartAtRecord | undefined;
  let session: SessionMark = { startedAt: toIso(anchor, runStart), clockStartMs: sinceAnchor(anchor, runStart), finishedAt: null, activeMs: null };
  try {
    await runDir.replay((r) => {
      if (replayInto(collector.total, r, suite, opts.onResult)) {
        replayed++;
        tally.add(r);
      }
    });
    progress = new Progress(
      () => ({
        planned: planned.requests,
        plannedMs: planned.ms,
        done: collector.done,
        errors: collector.errors,
        inFlight: pool.running,
        ttftP50Ms: collector.ttftP50(),
        warmupDone: collector.warmupDone,
      }),
      process.stderr,
      opts.progress !== false,
    );
    // --start-at: every thread is warm; the fleet's shards start their clocks at one moment (Ctrl-C ends the wait).
    if (opts.startAt) await waitForStart(opts.startAt, anchor, () => stop.signal.aborted);
    // The run's clock starts now: every thread is up and has answered, so start-up is nobody's latency.
    pool.clockStart();
    // budget.max_cost_usd: the cost of the results counted so far (threads send theirs every second).
    stopCostWatch = budget.watchCost(() => collector.total.stats, stopEarly);
    closers.push(async () => stopCostWatch());
    mainWatch.reset();
    runStart = nowMs();
    session = { ...session, startedAt: toIso(anchor, runStart), clockStartMs: sinceAnchor(anchor, runStart), threads: pool.threads, shard };
    if (opts.startAt)
      session.startAt = startAtRecord = {
        requested: opts.startAt.requested,
        requestedAt: new Date(opts.startAt.atMs).toISOString(),
        clockStartedAt: session.startedAt,
      };
    await markSession(dir, runDir, session);
    // report.checkpoint: report.json (partial) and summary.md rewritten from results.jsonl as the run goes on.
    const checkpoints = startCheckpoints(dir, suite.report.checkpointMs === undefined ? DEFAULT_CHECKPOINT_MS : suite.report.checkpointMs, {
      written: (cover) => opts.onCheckpoint?.(cover),
      failed: (why) => process.stderr.write(`flowbench: checkpoints stopped: ${why}; the final report is written at the end as usual\n`),
    });
    closers.push(() => checkpoints.stop()); // before the final report, which must rename over the last checkpoint
    progress.begin();
    const sendRequest: TurnSend = async (p, info, phase, shape) => {
      const wait = collector.room();
      if (wait !== null) await wait;
      const env: RecordEnvelope = { variant: p.variant, step: phase.step, warmup: phase.warmup, sendLagMs: info.lagMs, delayed: info.delayed };
      const overBudget = budget.beforeSend();
      if (overBudget !== null) {
        // No more scheduling; the runs handed over before this one (held for a free slot) still go: they are in budget.
        stoppedBy ??= overBudget;
        return false; // never sent
      }
      const task: RequestTask = { ...p, scheduledAt: info.scheduledAt, env };
      collector.inFlight++;
      collector.inFlightOf[env.variant]!++;
      let outcome: PoolOutcome;
      try {
        outcome = await pool.run(task, info.hold);
      } catch (err) {
        outcome = { record: harnessFailure(suite, task, err, anchor) };
      }
      collector.inFlight--;
      collector.inFlightOf[env.variant]!--;
      if (outcome === null) return false; // held past the duration or the stop: never sent
      budget.ended('record' in outcome ? outcome.record.attempts : outcome.attempts);
      if ('record' in outcome) {
        okSeen ||= outcome.record.ok;
        if (!phase.warmup) countLive(1, outcome.record.ok ? 0 : 1);
        if (stopsTheRun(outcome.record.error, okSeen)) stopEarly(outcome.record.error!);
        const graded = shape?.(outcome.record);
        collector.record(outcome.record, env, graded?.values ?? p.values, graded?.conversationEnd === true);
      }
      return true;
    };
    const loadStopped = () => stop.signal.aborted || stoppedBy !== null;
    const conversation: ConversationDeps = {
      suite,
      anchor,
      send: sendRequest,
      writeSkipped: (r) => {
        collector.lines(`${JSON.stringify(r)}\n`, 1);
        opts.onResult?.(r);
      },
      stats: conversationStats,
      stopped: loadStopped,
      runTag: runDir.startedAt.getTime().toString(36),
    };
    const driven = driveLoad(
      suite,
      // Chosen once: a suite without conversations sends through sendRequest alone (no layer per request).
      suite.dataset.conversation ? (p, info, phase) => runConversation(conversation, p, info, phase) : sendRequest,
      loadStopped,
      runDir.done,
      shard,
    );
    // Ctrl-C: scheduling stops at once; in-flight requests get load.grace to finish, then are abandoned.
    const waited = await untilDoneOrGrace(driven, stop.signal, suite.load.graceMs);
    if ('value' in waited) loadOutcome = waited.value;
    else abandoned = collector.inFlight;
    loadEnd = nowMs();
    stopCostWatch(); // the last results landing after the load are no reason to stop it
    opts.onLoadDone?.();
  } catch (err) {
    fatal = err; // e.g. a bad dataset row found mid-run: still write what finished
  } finally {
    stop.signal.removeEventListener('abort', dropHeld);
    // Records still being graded land first; the threads' last statistics arrive as the pool closes.
    await untilDoneOrGrace(collector.drain(), stop.signal, suite.load.graceMs).catch((err: unknown) => {
      fatal ??= err;
    });
    await pool
      .close()
      .then((w) => requestWatches.push(...w))
      .catch(() => {});
    // Pending posts finish first; after Ctrl-C they get load.grace, then their records land marked unconfirmed.
    const drained = await untilDoneOrGrace(feedback.drain(), stop.signal, suite.load.graceMs).catch((err: unknown) => {
      fatal ??= err;
      return null;
    });
    if (drained !== null && 'cutShort' in drained) feedback.abandon();
    progress?.end();
    collector.finish();
    live?.finish(); // the final figures are in: the endpoint lingers for one more scrape while the reports are written
    lingering = live?.close() ?? null;
    mainWatch.stop();
    await sink.close().catch((err: unknown) => {
      fatal ??= err;
    });
    await closeAll();
  }
  // A request thread that died took the statistics it had not sent with it: count the file instead.
  const stats = collector.needsRecount && sink.failed === null ? await recountFromResults(resolve(dir, 'results.jsonl'), anchor, suite) : collector.total;
  const sessions = [
    ...tally.sessions(),
    { startedAt: session.startedAt, finishedAt: toIso(anchor, loadEnd), requests: stats.done - replayed, activeMs: Math.round(loadEnd - runStart) },
  ];
  const interrupted = opts.signal?.aborted === true;
  const report = await assembleReport({
    suite,
    dir,
    suiteHash: runDir.suiteHash,
    originMs: runDir.startedAt.getTime(),
    shard,
    stats,
    thresholds,
    watches: [mainWatch.snapshot(), ...requestWatches, ...gradingWatches],
    stallMs,
    sessions,
    threads: pool.threads,
    loadOutcome,
    abandoned,
    partial: interrupted || fatal !== null,
    interrupted,
    fatal: fatal !== null,
    stoppedBy,
    ...(opts.baselineRun !== undefined && { baselineRun: opts.baselineRun }),
  });
  if (startAtRecord) report.startAt = startAtRecord;
  if (suite.dataset.conversation) report.conversations = conversationStats.summary();
  await markSession(dir, runDir, { ...session, finishedAt: sessions.at(-1)!.finishedAt, activeMs: sessions.at(-1)!.activeMs, partial: report.partial }).catch(
    () => {},
  );
  // Each file is tried on its own; a failure to write one is exit 4, naming it (src/runner/output-failure.ts).
  const unwritten = await writeOutputs({ dir, report, hlogs: stats.timeline.hlogTexts(), results: sink.failed, lost: sink.lost, suiteFile: suite.file });
  await lingering;
  if (fatal !== null || unwritten !== null) throw fatal ?? unwritten;
  return { report, dir, exitCode: interrupted ? 130 : report.verdict === 'pass' ? 0 : 1 };
}
