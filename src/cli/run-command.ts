// `flowbench run`: load the suite, run it, print the table, map the outcome to an exit code.
import { relative, resolve } from 'node:path';

/** A path relative to the current folder when it is inside it, else absolute. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
import { isHarnessMetric } from '../metrics/thresholds.js';
import { parseShard } from '../shard/partition.js';
import { plainHttpTokenWarning } from '../stackai/plain-http.js';
import { urlCredentialWarning } from '../stackai/url-credentials.js';
import { ConfigError } from '../errors/config-error.js';
import { simulatorWithKeyWarning, targetLine } from './target-line.js';
import { trapSignals } from './interrupt.js';
import { parseStartAt, START_AT_FIX } from '../runner/start-at.js';
import { loadSuite } from '../suite/load-suite.js';
import type { Mode } from '../stackai/types.js';
import type { SuiteOverrides } from '../suite/types.js';

export interface RunFlags {
  baseUrl?: string;
  concurrency?: number;
  rate?: number;
  arrival?: string;
  requests?: number;
  duration?: string;
  limit?: number;
  repeat?: number;
  variant?: string[];
  mode?: string;
  out?: string;
  threads?: number;
  /** --shard I/N */
  shard?: string;
  /** --resume DIR: finish the interrupted run in DIR. */
  resume?: string;
  /** --force: replace the run the report folder already holds. */
  force?: boolean;
  /** --baseline: a saved run to compare against. */
  baseline?: string;
  progress?: boolean;
  /** false with --no-feedback. */
  feedback?: boolean;
  dryRun?: boolean;
  /** --start-at TIME: start the load's clock at this moment (ISO 8601, or +30s from now). */
  startAt?: string;
  /** false with --no-cache: every judge call is made, no judge cache read or written. */
  cache?: boolean;
  /** --max-runs N: budget.max_runs. */
  maxRuns?: number;
  /** --metrics-port N: metrics.port. */
  metricsPort?: number;
  /** --checkpoint D: report.checkpoint. */
  checkpoint?: string;
}

/** Past the asked-for moment by more than this, the shards did not start together: say so. */
const LATE_START_WARN_MS = 1000;

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const overrides: SuiteOverrides = {
    ...(flags.baseUrl !== undefined && { baseUrl: flags.baseUrl }),
    ...(flags.concurrency !== undefined && { concurrency: flags.concurrency }),
    ...(flags.rate !== undefined && { rate: flags.rate }),
    ...(flags.arrival !== undefined && { arrival: flags.arrival }),
    ...(flags.requests !== undefined && { requests: flags.requests }),
    ...(flags.duration !== undefined && { duration: flags.duration }),
    ...(flags.limit !== undefined && { limit: flags.limit }),
    ...(flags.repeat !== undefined && { repeat: flags.repeat }),
    ...(flags.variant !== undefined && { variants: flags.variant }),
    ...(flags.mode !== undefined && { mode: flags.mode as Mode }),
    ...(flags.maxRuns !== undefined && { maxRuns: flags.maxRuns }),
    ...(flags.metricsPort !== undefined && { metricsPort: flags.metricsPort }),
    ...(flags.checkpoint !== undefined && { checkpoint: flags.checkpoint }),
    // --resume DIR names the report folder as --out does (report.dir is then neither used nor checked).
    ...((flags.out ?? flags.resume) !== undefined && { out: (flags.out ?? flags.resume)! }),
  };
  // Parsed before the suite is loaded: the load caps apply to each shard's share.
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  if (typeof shard === 'string') throw new ConfigError(shard, {}, 'e.g. --shard 1/4 ... --shard 4/4, one process per shard');
  if (shard !== null) overrides.shards = shard.count;
  const startAt = flags.startAt === undefined ? undefined : parseStartAt(flags.startAt, Date.now());
  if (typeof startAt === 'string') throw new ConfigError(startAt, {}, START_AT_FIX);
  const suite = await loadSuite(file, { overrides });
  // A wrong --baseline (no report, no variant in common) fails before the run, not after it.
  if (flags.baseline !== undefined) {
    const [{ pairVariants }, { loadSavedRun }] = await Promise.all([import('../compare/compare-runs.js'), import('../compare/saved-run.js')]);
    pairVariants((await loadSavedRun(flags.baseline)).report, suite);
  }
  if (flags.feedback === false) suite.feedback.post = false;
  if (flags.dryRun === true && !suite.feedback.post) process.stdout.write('feedback (dry run): nothing would be posted: feedback.post is false\n');

  const outDir = resumeDir(flags);
  const insecure = plainHttpTokenWarning(suite.target.baseUrl, suite.target.token);
  if (insecure) process.stderr.write(`flowbench: warning: ${insecure}\n`);
  const inUrl = urlCredentialWarning(suite.target.baseUrl);
  if (inUrl) process.stderr.write(`flowbench: warning: ${inUrl}\n`);
  const simulated = simulatorWithKeyWarning(suite);
  if (simulated) process.stderr.write(`flowbench: warning: ${simulated}\n`);

  if (startAt?.pastByMs !== undefined) {
    process.stderr.write(
      `flowbench: warning: --start-at ${startAt.requested} was ${Math.round(startAt.pastByMs / 100) / 10} s ago: the load starts as soon as the threads are warm\n`,
    );
  }
  // The engine (threads, histograms, report writers, tables: ~170 ms of CPU to load) only once the suite is
  // valid: a mistake in the input exits 2 without loading it.
  const [{ runSuite }, { planLine }, { renderTable }, { loadSummaryLines }, { firedGateLines, renderComparisons }, { rateLimitNotice }, { appendStepSummary }] =
    await Promise.all([
      import('../runner/run-suite.js'),
      import('../runner/run-plan.js'),
      import('../report/table.js'),
      import('../report/load-summary.js'),
      import('../report/compare-table.js'),
      import('../report/rate-limit-notice.js'),
      import('../report/markdown-summary.js'),
    ]);
  // First SIGINT / SIGTERM: stop scheduling, in-flight requests get load.grace; second: leave at once.
  const interrupt = trapSignals(suite.load.graceMs);
  const lingerMs = suite.metrics?.lingerMs ?? 0;
  try {
    const { report, dir, exitCode } = await runSuite(suite, {
      ...(outDir !== undefined && { outDir }),
      ...(flags.resume !== undefined && { resume: true }),
      ...(flags.force === true && { force: true }),
      ...(shard !== null && { shard }),
      ...(flags.threads !== undefined && { threads: flags.threads }),
      progress: flags.progress !== false,
      ...(flags.baseline !== undefined && { baselineRun: flags.baseline }),
      ...(flags.dryRun === true && { feedback: { dryRun: true } }),
      ...(startAt !== undefined && { startAt }),
      ...(flags.cache === false && { judgeCache: false }),
      signal: interrupt.signal,
      // The endpoint outlives the load by up to metrics.linger: say so, or the wait would look like a hang.
      ...(lingerMs > 0 && {
        onLoadDone: () => process.stderr.write(`flowbench: metrics: the endpoint stays up for one more scrape, at most ${Math.round(lingerMs / 100) / 10} s\n`),
      }),
      onStart: (info) => {
        process.stdout.write(`${targetLine(suite, { requests: info.plannedRequests, dir: shown(info.dir) })}\n${planLine(info.plan)}\n`);
        if (info.metricsUrl !== null) process.stdout.write(`metrics: ${info.metricsUrl} (Prometheus text format, until the run ends)\n`);
        if (startAt !== undefined && startAt.pastByMs === undefined) {
          process.stderr.write(
            `flowbench: --start-at: the load starts at ${new Date(startAt.atMs).toISOString()} (in ${Math.round((startAt.atMs - Date.now()) / 100) / 10} s), once the threads are warm\n`,
          );
        }
      },
    });
    const late = report.startAt && startAt?.pastByMs === undefined ? Date.parse(report.startAt.clockStartedAt) - startAt!.atMs : 0;
    if (late > LATE_START_WARN_MS && !report.partial) {
      process.stderr.write(
        `flowbench: warning: --start-at: start-up took longer than the lead time: the load started ${Math.round(late / 100) / 10} s after ${report.startAt!.requestedAt} (give the shards more time)\n`,
      );
    }
    process.stdout.write(`${renderTable(report, { color: process.stdout.isTTY === true })}\n`);
    process.stdout.write(`${loadSummaryLines(report).join('\n')}\n`);
    const failed = report.thresholds.filter((t) => !t.ok);
    // A sweep's top step is meant to break the whole-run thresholds: shown, but not as the run failing.
    const sweep = report.sweep;
    if (sweep?.verdict && !sweep.verdict.ok) process.stdout.write(`run failed: ${sweep.verdict.reason}\n`);
    for (const t of failed) {
      if (sweep?.verdict && !isHarnessMetric(t.metric)) {
        process.stdout.write(
          `whole-run threshold broken (the sweep is judged per step): ${t.variant} ${t.metric} ${t.op} ${t.limit} (actual ${t.actual === null ? 'not measured' : Number(t.actual.toPrecision(4))})\n`,
        );
      } else if (t.implicit && t.metric === 'grader_error_rate') {
        const v = report.variants.find((x) => x.name === t.variant);
        process.stdout.write(
          `run failed: ${t.variant}: ${v?.grades.graderErrors ?? 0} of ${v?.grades.graded ?? 0} graded rows had a grader that could not run: ` +
            `grader error rate ${t.actual === null ? 'not measured' : Number(t.actual.toPrecision(3))} is over max_error_rate ${t.limit} (see each row's grades in results.jsonl; set max_error_rate or a grader_error_rate threshold to change the limit)\n`,
        );
      } else if (t.implicit) {
        const v = report.variants.find((x) => x.name === t.variant);
        const kinds = Object.entries(v?.errorKinds ?? {})
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} × ${n}`)
          .join(', ');
        process.stdout.write(
          `run failed: ${t.variant}: ${v?.errors ?? 0} of ${v?.requests ?? 0} requests failed (${kinds || 'no requests'}): ` +
            `error rate ${t.actual === null ? 'not measured' : Number(t.actual.toPrecision(3))} is over max_error_rate ${t.limit} (set max_error_rate or an error_rate threshold to change the limit)\n`,
        );
      } else
        process.stdout.write(
          `threshold failed: ${t.variant} ${t.metric} ${t.op} ${t.limit} (actual ${t.actual === null ? 'not measured' : Number(t.actual.toPrecision(4))})\n`,
        );
    }
    if (report.stoppedEarly) {
      const s = report.stoppedEarly;
      process.stdout.write(
        `run stopped early: ${s.kind}${s.status === null ? '' : ` (HTTP ${s.status})`}: ${s.message}; no more requests were sent. ${s.hint}\n`,
      );
    }
    if (report.comparisons.length) process.stdout.write(`\n${renderComparisons(report.comparisons, { color: process.stdout.isTTY === true })}\n`);
    for (const line of firedGateLines(report.comparisons)) process.stdout.write(`${line}\n`);
    const limited = rateLimitNotice(report.variants);
    if (limited) process.stdout.write(`rate limits: ${limited}\n`);
    process.stdout.write(
      `verdict: ${report.verdict}${report.partial ? ' (partial run)' : ''}; report: ${shown(dir)}/report.json, open ${shown(dir)}/report.html\n`,
    );
    await appendStepSummary(report); // GitHub Actions job page, when $GITHUB_STEP_SUMMARY is set
    return interrupt.exitCode(exitCode);
  } finally {
    interrupt.dispose();
  }
}

/** --resume DIR is the report folder; an --out naming another folder is a contradiction. */
function resumeDir(flags: RunFlags): string | undefined {
  if (flags.resume === undefined) return flags.out;
  if (flags.out !== undefined && resolve(flags.out) !== resolve(flags.resume)) {
    throw new ConfigError(
      `--resume ${flags.resume} and --out ${flags.out} name different folders`,
      {},
      'leave out --out: a resumed run writes into the folder it resumes',
    );
  }
  return flags.resume;
}
