// report.json rebuilt from a run folder's results.jsonl and run-manifest.json alone: a run killed
// with SIGKILL (or a lost machine) wrote every finished request's line but no report. The manifest
// keeps the suite as the run used it and its sessions; every figure is counted again from the lines.
import { join } from 'node:path';
import { sweepRates } from '../load/models/sweep.js';
import { anchorAt } from '../clock/clock.js';
import { RunStatsTotal } from '../metrics/run-stats.js';
import type { Report } from '../report/report-model.js';
import { ConfigError } from '../errors/config-error.js';
import { assembleReport, parseThresholds } from './assemble-report.js';
import type { LoadOutcome, StepRun } from './drive-load.js';
import { envelopeOf, RESULTS_FILE, scanResults } from './resume.js';
import { MANIFEST_FILE, readManifest, type RunManifest } from './run-manifest.js';
import type { ResultRecord } from '../record/result-record.js';
import type { Suite, SweepSpec } from '../suite/types.js';
import { SessionTally } from './sessions.js';
import { ConversationStats } from '../metrics/conversation-stats.js';

export interface Rebuilt {
  report: Report;
  results: number;
  /** Bytes of a torn last line that were left out. */
  tornBytes: number;
}

type Steps = { first: number; last: number; started: number; sends: number[] }[];

/**
 * A run's figures counted again from its records, fed in file order: once over the whole file
 * (`flowbench report DIR`), or a part at a time while the run goes on (checkpoints, runner/checkpoint-thread.ts).
 */
export class RunRebuild {
  readonly stats: RunStatsTotal;
  private readonly names: string[];
  private readonly tally: SessionTally;
  private readonly sweep: SweepSpec | null;
  private readonly steps: Steps = [];
  private readonly conversations: ConversationStats | null;
  private maxLag = 0;
  /** The latest end among the records fed (ms on the run's clock), -Infinity before the first. */
  lastEndMs = -Infinity;

  constructor(
    private readonly manifest: RunManifest,
    readonly suite: Suite,
    private readonly dir: string,
  ) {
    const origin = Date.parse(manifest.startedAt);
    this.names = suite.variants.map((v) => v.name);
    this.stats = new RunStatsTotal(anchorAt(origin), this.names);
    this.tally = new SessionTally(manifest.sessions ?? [], origin);
    this.sweep = suite.load.kind === 'sweep' ? suite.load.sweep : null;
    this.conversations = suite.dataset.conversation ? new ConversationStats(this.names) : null;
  }

  /** The run's first start (epoch ms): the zero of the clock its records count on. */
  get originMs(): number {
    return Date.parse(this.manifest.startedAt);
  }

  add(r: ResultRecord): void {
    const variant = this.names.indexOf(r.variant);
    if (variant >= 0) this.conversations?.fromLine(variant, r);
    if (variant < 0 || r.skipped === true) return; // a skipped conversation turn was never sent
    this.stats.add(r, envelopeOf(r, variant));
    this.lastEndMs = Math.max(this.lastEndMs, r.timestamps.end);
    if (r.warmup === true) return;
    this.tally.add(r);
    this.maxLag = Math.max(this.maxLag, r.sendLagMs ?? 0);
    if (this.sweep && typeof r.step === 'number') {
      const st = (this.steps[r.step] ??= { first: Infinity, last: -Infinity, started: 0, sends: [] });
      st.first = Math.min(st.first, r.timestamps.scheduled);
      st.last = Math.max(st.last, r.timestamps.end);
      st.started++;
      st.sends.push(r.attemptLog[0]?.sent ?? r.timestamps.sent);
    }
  }

  /**
   * report.json from the records fed so far. `partial` null: as the manifest shows (a session without
   * its end mark was killed: what it planned and did not finish is not in the file). `readBack` false:
   * without what reads the whole file again (comparisons, repeats), as a checkpoint wants.
   */
  async report(partial: boolean | null = null, readBack = true): Promise<Report> {
    const { suite, manifest } = this;
    const marks = manifest.sessions ?? [];
    const last = marks.at(-1);
    const report = await assembleReport({
      suite,
      dir: this.dir,
      suiteHash: manifest.suiteHash,
      originMs: this.originMs,
      shard: last?.shard ?? null,
      stats: this.stats,
      thresholds: parseThresholds(suite), // the run checked them at load: the same rule reads them back
      watches: [],
      stallMs: suite.load.stallMs,
      sessions: this.tally.sessions(),
      threads: last?.threads ?? 0,
      loadOutcome: this.sweep ? sweepOutcome(this.steps, sweepRates(this.sweep), this.sweep.durationMs, this.maxLag) : null,
      abandoned: 0,
      partial: partial ?? (last === undefined || last.finishedAt === null || last.partial === true),
      interrupted: false,
      fatal: false,
      stoppedBy: null,
      readBack,
    });
    if (this.conversations !== null) report.conversations = this.conversations.summary();
    return report;
  }
}

/** The run folder's manifest with the suite it ran, for a rebuild; a ConfigError saying what is missing. */
export async function openRebuild(dir: string): Promise<RunRebuild> {
  const manifest = await readManifest(dir).catch((err: unknown) => {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(
      `no report.json in ${dir}, and no usable ${MANIFEST_FILE} to rebuild it from`,
      { file: dir },
      'point at the report folder of a flowbench run',
    );
  });
  const suite = manifest.suiteAsRun;
  if (suite === undefined) {
    throw new ConfigError(
      `no report.json in ${dir}, and its ${MANIFEST_FILE} was written by an earlier flowbench that did not keep the suite`,
      { file: join(dir, MANIFEST_FILE) },
      `finish the run with \`flowbench run ${manifest.suiteFile} --resume ${dir}\`: it writes report.json`,
    );
  }
  return new RunRebuild(manifest, suite, dir);
}

export async function rebuildReport(dir: string): Promise<Rebuilt> {
  const rebuild = await openRebuild(dir);
  const scan = await scanResults(join(dir, RESULTS_FILE), (r) => rebuild.add(r));
  rebuild.stats.finish();
  return { report: await rebuild.report(), results: scan.records, tornBytes: scan.tornBytes };
}

/**
 * A sweep's steps as the run would have counted them, from its records: each step starts at its first
 * scheduled send; `sent` is what left within the step's duration. Steps the run never reached are absent.
 */
function sweepOutcome(steps: Steps, rates: number[], stepMs: number, maxSendLagMs: number): LoadOutcome {
  const runs: StepRun[] = [];
  for (let i = 0; i < steps.length && i < rates.length; i++) {
    const st = steps[i] ?? { first: 0, last: 0, started: 0, sends: [] };
    runs.push({ rate: rates[i]!, startAt: st.first, endAt: st.last, started: st.started, sent: st.sends.filter((t) => t < st.first + stepMs).length });
  }
  const started = steps.reduce((a, st) => a + (st?.started ?? 0), 0);
  return { model: 'sweep', started, warmupStarted: 0, delayedSends: 0, maxSendLagMs, steps: runs };
}
