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
import { MANIFEST_FILE, readManifest } from './run-manifest.js';
import { SessionTally } from './sessions.js';
import { ConversationStats } from '../metrics/conversation-stats.js';

export interface Rebuilt {
  report: Report;
  results: number;
  /** Bytes of a torn last line that were left out. */
  tornBytes: number;
}

export async function rebuildReport(dir: string): Promise<Rebuilt> {
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
  const origin = Date.parse(manifest.startedAt);
  const names = suite.variants.map((v) => v.name);
  const stats = new RunStatsTotal(anchorAt(origin), names);
  const marks = manifest.sessions ?? [];
  const tally = new SessionTally(marks, origin);
  const sweep = suite.load.kind === 'sweep' ? suite.load.sweep : null;
  let maxLag = 0;
  const steps: { first: number; last: number; started: number; sends: number[] }[] = [];
  const conversations = suite.dataset.conversation ? new ConversationStats(names) : null;
  const scan = await scanResults(join(dir, RESULTS_FILE), (r) => {
    const variant = names.indexOf(r.variant);
    if (variant >= 0) conversations?.fromLine(variant, r);
    if (variant < 0 || r.skipped === true) return; // a skipped conversation turn was never sent
    stats.add(r, envelopeOf(r, variant));
    if (r.warmup === true) return;
    tally.add(r);
    maxLag = Math.max(maxLag, r.sendLagMs ?? 0);
    if (sweep && typeof r.step === 'number') {
      const st = (steps[r.step] ??= { first: Infinity, last: -Infinity, started: 0, sends: [] });
      st.first = Math.min(st.first, r.timestamps.scheduled);
      st.last = Math.max(st.last, r.timestamps.end);
      st.started++;
      st.sends.push(r.attemptLog[0]?.sent ?? r.timestamps.sent);
    }
  });
  stats.finish();
  const thresholds = parseThresholds(suite); // the run checked them at load: the same rule reads them back
  const last = marks.at(-1);
  const report = await assembleReport({
    suite,
    dir,
    suiteHash: manifest.suiteHash,
    originMs: origin,
    shard: marks.at(-1)?.shard ?? null,
    stats,
    thresholds,
    watches: [],
    stallMs: suite.load.stallMs,
    sessions: tally.sessions(),
    threads: last?.threads ?? 0,
    loadOutcome: sweep ? sweepOutcome(steps, sweepRates(sweep), sweep.durationMs, maxLag) : null,
    abandoned: 0,
    // A session without its end mark was killed: what it planned and did not finish is not in the file.
    partial: last === undefined || last.finishedAt === null || last.partial === true,
    interrupted: false,
    fatal: false,
    stoppedBy: null,
  });
  if (conversations !== null) report.conversations = conversations.summary();
  return { report, results: scan.records, tornBytes: scan.tornBytes };
}

/**
 * A sweep's steps as the run would have counted them, from its records: each step starts at its first
 * scheduled send; `sent` is what left within the step's duration. Steps the run never reached are absent.
 */
function sweepOutcome(
  steps: { first: number; last: number; started: number; sends: number[] }[],
  rates: number[],
  stepMs: number,
  maxSendLagMs: number,
): LoadOutcome {
  const runs: StepRun[] = [];
  for (let i = 0; i < steps.length && i < rates.length; i++) {
    const st = steps[i] ?? { first: 0, last: 0, started: 0, sends: [] };
    runs.push({ rate: rates[i]!, startAt: st.first, endAt: st.last, started: st.started, sent: st.sends.filter((t) => t < st.first + stepMs).length });
  }
  const started = steps.reduce((a, st) => a + (st?.started ?? 0), 0);
  return { model: 'sweep', started, warmupStarted: 0, delayedSends: 0, maxSendLagMs, steps: runs };
}
