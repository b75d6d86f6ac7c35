// Runs a loaded suite end to end: simulator (if asked), worker pool, scheduler, sinks, reports.
import { resolve } from 'node:path';
import { readRows } from '../dataset/read-rows.js';
import { anchorAt, nowMs, sinceAnchor, toIso, type ClockAnchor } from '../clock/clock.js';
import { Progress } from '../report/progress.js';
import type { Report } from '../report/report-model.js';
import { ensureFolder } from '../report/whole-file.js';
import { ConfigError } from '../errors/config-error.js';
import { NO_ROWS_FIX, noRowsMessage } from '../suite/check-dataset.js';
import type { Suite } from '../suite/types.js';
import { DEFAULT_STALL_MS, startThreadWatch, type ThreadWatchSnapshot } from '../harness/thread-watch.js';
import type { ResultRecord } from '../record/result-record.js';
import type { InlinePool } from '../worker/inline-pool.js';
import { RunStopper } from './run-stopper.js';
import { requestSender } from './send-request.js';
import { recountFromResults } from './recount.js';
import type { FeedbackOptions } from './feedback-poster.js';
import { startRunParts, type RunParts } from './start-run-parts.js';
import { driveLoad, type LoadOutcome } from './drive-load.js';
import { untilDoneOrGrace } from './grace.js';
import { plannedWork } from './planned.js';
import { markSession, prepareRunDir, replayInto } from './resume.js';
import { freeDir, reportDir } from './report-folder.js';
import { SessionTally, type SessionMark } from './sessions.js';
import { assembleReport, parseThresholds } from './assemble-report.js';
import { stopSignal, writeOutputs } from './output-failure.js';
import { inShard, shardLoad, type ShardSpec } from '../shard/partition.js';
import { BudgetGuard, budgetRefusal } from './budget.js';
import { planRun, type RunPlan } from './run-plan.js';
import { ConversationStats } from '../metrics/conversation-stats.js';
import { runConversation, type ConversationDeps } from './conversation-runner.js';
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
  // A wrong key, stop_on's error rate or the budget: no new sends.
  const stopper = new RunStopper(suite.stopOn);
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
  // Every session of a run counts from the run's first start: a resumed one continues that clock.
  const anchor: ClockAnchor = anchorAt(runDir.startedAt.getTime());
  let progress: Progress | undefined;
  let parts: RunParts;
  try {
    parts = await startRunParts({
      suite,
      dir,
      anchor,
      stallMs,
      opts,
      closers,
      gradingWatches,
      alarm: (e) => stopper.stop(e),
      counted: (m, f) => stopper.counted(m, f),
      halt: stop.halt,
      started: (collector, pool) => {
        stopper.onStop = () => pool.dropHeld();
        live?.attach({ collector, pool, watch: mainWatch });
      },
    });
  } catch (err) {
    await closeAll();
    throw err;
  }
  const { collector, pool, sink, feedback } = parts;
  if (pool.threads === 0) inline = pool as InlinePool;

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
    stopCostWatch = budget.watchCost(
      () => collector.total.stats,
      (e) => stopper.stop(e),
    );
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
    const sendRequest = requestSender({ suite, anchor, collector, pool, budget, stopper });
    const loadStopped = () => stop.signal.aborted || stopper.stoppedBy !== null;
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
    stoppedBy: stopper.stoppedBy,
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
