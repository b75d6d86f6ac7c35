// report.json from what a run measured: variant summaries, the harness's account, thresholds (the
// implicit max_error_rate among them), comparisons, sessions and verdict. Used at the end of a run
// and by `flowbench report DIR` when a killed run left results.jsonl but no report.
import { join } from 'node:path';
import { compareInRun } from './run-comparisons.js';
import { addRepeatSummaries } from './repeat-report.js';
import { harnessReport } from '../harness/harness-report.js';
import type { ThreadWatchSnapshot } from '../harness/thread-watch.js';
import { flatLoad } from '../load/flat-load.js';
import type { RunStatsTotal } from '../metrics/run-stats.js';
import { evaluateThresholds, parseThreshold, type ParsedThreshold } from '../metrics/thresholds.js';
import { ConfigError } from '../errors/config-error.js';
import type { Report } from '../report/report-model.js';
import { shardLoad, type ShardSpec } from '../shard/partition.js';
import { stopHint } from '../stackai/early-stop.js';
import type { ClassifiedError } from '../stackai/types.js';
import { redactUrl } from '../stackai/url-credentials.js';
import type { Suite } from '../suite/types.js';
import type { LoadOutcome } from './drive-load.js';
import type { RunSession } from './sessions.js';
import { sweepReport, thresholdsPass } from './sweep-report.js';

/** The loader has checked every threshold at its line; a suite built by hand is checked here too. */
export function parseThresholds(suite: Suite): ParsedThreshold[] {
  const metaNames = Object.keys(suite.metadata.fields);
  return Object.entries(suite.thresholds).map(([metric, expr]) => {
    const p = parseThreshold(metric, expr, metaNames);
    if (typeof p === 'string') throw new ConfigError(p, { file: suite.file }, 'fix the thresholds section');
    return p;
  });
}

export interface RunFacts {
  suite: Suite;
  dir: string;
  suiteHash: string;
  /** The run's first start (epoch ms): the zero of its clock, which timeline seconds count from. */
  originMs: number;
  shard: ShardSpec | null;
  stats: RunStatsTotal;
  thresholds: ParsedThreshold[];
  /** Every thread's watch (none when rebuilt from results.jsonl: then the harness was not observed). */
  watches: ThreadWatchSnapshot[];
  stallMs: number;
  /** The run's sessions, in order; one for a run that was never resumed. */
  sessions: RunSession[];
  threads: number;
  loadOutcome: LoadOutcome | null;
  abandoned: number;
  /** Cut short: Ctrl-C, a fatal error, or (rebuilt) a run that never finished. */
  partial: boolean;
  interrupted: boolean;
  fatal: boolean;
  stoppedBy: ClassifiedError | null;
  baselineRun?: string;
  /**
   * false: leave out what reads all of results.jsonl again (comparisons, repeat summaries): a checkpoint's
   * report, whose cost must not grow with the run. Default true.
   */
  readBack?: boolean;
}

export async function assembleReport(f: RunFacts): Promise<Report> {
  const { suite, stats, sessions } = f;
  const activeMs = sessions.reduce((a, s) => a + s.activeMs, 0);
  // One session: each variant's own span is its active time. More: the span covers the pauses too.
  const activeSeconds = sessions.length > 1 ? activeMs / 1000 : undefined;
  const variants = suite.variants.map((v, i) => ({
    name: v.name,
    params: { version: v.version, runDraft: v.runDraft },
    ...stats.stats[i]!.summary(activeSeconds),
  }));
  // Repeats are read back from results.jsonl before the thresholds, which may name pass_at_1 and the like.
  if (f.readBack !== false) await addRepeatSummaries(join(f.dir, 'results.jsonl'), suite.repeat, variants);
  const harness =
    f.watches.length === 0
      ? null
      : harnessReport(
          f.watches,
          variants.map((v) => ({ name: v.name, stalledResults: v.harnessStalls.results, maxStallMs: v.harnessStalls.maxMs, results: v.requests })),
          { stallMs: f.stallMs },
        );
  // A run is held to max_error_rate unless the suite names an error_rate threshold of its own; a graded
  // run's grader errors too (a grader that errs on every row is no pass), unless it names grader_error_rate.
  const implicit = (metric: string) =>
    f.thresholds.some((t) => t.metric === metric) ? [] : [{ metric, op: '<=' as const, limit: suite.maxErrorRate ?? 0.5, implicit: true as const }];
  const judged = [...f.thresholds, ...implicit('error_rate'), ...(suite.graders.length > 0 ? implicit('grader_error_rate') : [])];
  const thresholdResults = evaluateThresholds(
    judged,
    variants.map((v) => ({ name: v.name, summary: v })),
    harness ?? undefined,
  )
    // Nothing graded (every request failed): the error rate already speaks; the implicit grader rule has nothing to say.
    .filter((t) => !(t.implicit && t.metric === 'grader_error_rate' && t.actual === null));
  // Pairs rows by streaming results.jsonl back; a fired regression gate fails the run like a threshold.
  const compared =
    f.readBack === false
      ? { comparisons: [], settings: null }
      : await compareInRun({ suite, dir: f.dir, variants, ...(f.baselineRun !== undefined && { baselineRun: f.baselineRun }) });
  // A sweep has a verdict of its own (steps judged with the implicit error rate too); see thresholdsPass.
  const load = shardLoad(suite.load, f.shard);
  const sweep =
    load.kind === 'sweep' && f.loadOutcome
      ? sweepReport(
          f.loadOutcome.steps,
          stats.stepStats,
          suite.variants.map((v) => v.name),
          judged,
          load.sweep.durationMs,
          load.sweep.minRate,
          load.sweep.by,
        )
      : null;
  const first = sessions[0];
  const last = sessions[sessions.length - 1];
  return {
    schemaVersion: 1,
    suite: suite.name,
    suiteFile: suite.file,
    suiteHash: f.suiteHash,
    shard: f.shard,
    startedAt: first?.startedAt ?? new Date().toISOString(),
    finishedAt: last?.finishedAt ?? new Date().toISOString(),
    durationMs: Math.round(activeMs),
    partial: f.partial,
    stoppedEarly: earlyStop(f.stoppedBy),
    resumed: sessions.length > 1,
    sessions,
    // A key in the URL (?key=, user:pass@) is shown as ***: report.json is shared, and report.html shows it.
    target: { baseUrl: redactUrl(suite.target.baseUrl), orgId: suite.target.orgId, flowId: suite.target.flowId, mode: suite.mode },
    load: {
      // A shard reports its own share of the load; `flowbench merge` adds the shares back up.
      ...flatLoad(load),
      model: load.kind,
      seed: load.seed,
      threads: f.threads,
      started: f.loadOutcome?.started ?? stats.done + f.abandoned,
      warmupRequests: stats.warmupDone,
      delayedSends: variants.reduce((a, v) => a + v.delayedSends, 0),
      maxSendLagMs: f.loadOutcome?.maxSendLagMs ?? Math.max(0, ...variants.map((v) => v.sendLagMs?.max ?? 0)),
      abandoned: f.abandoned,
    },
    timeline: stats.timeline.buckets(withinSessions(sessions, f.originMs)),
    sweep,
    ...(f.loadOutcome?.replay !== undefined && { replay: f.loadOutcome.replay }),
    variants,
    harness,
    thresholds: thresholdResults,
    comparisons: compared.comparisons,
    compare: compared.settings,
    verdict:
      thresholdsPass(sweep, thresholdResults) && compared.comparisons.every((c) => c.verdict === 'pass') && !f.partial && f.stoppedBy === null
        ? 'pass'
        : 'fail',
  };
}

/**
 * The timeline's seconds while some session ran: a run resumed a day later would otherwise carry
 * 86,400 empty seconds between its sessions. One session keeps every second, as before.
 */
function withinSessions(sessions: RunSession[], originMs: number): (t: number) => boolean {
  if (sessions.length < 2) return () => true;
  const spans = sessions.map(
    (s) => [Math.floor((Date.parse(s.startedAt) - originMs) / 1000) - 1, Math.ceil((Date.parse(s.finishedAt) - originMs) / 1000) + 1] as const,
  );
  return (t) => spans.some(([from, to]) => t >= from && t <= to);
}

/** report.json's account of an early stop (null when the run was not stopped). */
function earlyStop(e: ClassifiedError | null): NonNullable<Report['stoppedEarly']> | null {
  return e === null ? null : { kind: e.kind, status: e.status, message: e.message, hint: stopHint(e) };
}
