// report.json rebuilt from a run folder's results.jsonl and run-manifest.json alone: a run killed
// with SIGKILL (or a lost machine) wrote every finished request's line but no report. The manifest
// keeps the suite as the run used it and its sessions; every figure is counted again from the lines.
import { join } from 'node:path';
import { anchorAt } from '../metrics/clock.js';
import { RunStatsTotal } from '../metrics/run-stats.js';
import { parseThreshold } from '../metrics/thresholds.js';
import type { Report } from '../report/report-model.js';
import { ConfigError } from '../suite/config-error.js';
import { assembleReport } from './assemble-report.js';
import { envelopeOf, RESULTS_FILE, scanResults } from './resume.js';
import { MANIFEST_FILE, readManifest } from './run-manifest.js';
import { SessionTally } from './sessions.js';

export interface Rebuilt {
  report: Report;
  results: number;
  /** Bytes of a torn last line that were left out. */
  tornBytes: number;
}

export async function rebuildReport(dir: string): Promise<Rebuilt> {
  const manifest = await readManifest(dir).catch((err: unknown) => {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(`no report.json in ${dir}, and no usable ${MANIFEST_FILE} to rebuild it from`, { file: dir }, 'point at the report folder of a flowbench run');
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
  const scan = await scanResults(join(dir, RESULTS_FILE), (r) => {
    const variant = names.indexOf(r.variant);
    if (variant < 0) return;
    stats.add(r, envelopeOf(r, variant));
    if (r.warmup !== true) tally.add(r);
  });
  stats.finish();
  const thresholds = Object.entries(suite.thresholds).flatMap(([metric, expr]) => {
    const p = parseThreshold(metric, expr, Object.keys(suite.metadata.fields));
    return typeof p === 'string' ? [] : [p]; // the run checked them at load
  });
  const last = marks.at(-1);
  const report = await assembleReport({
    suite, dir, suiteHash: manifest.suiteHash, originMs: origin, shard: marks.at(-1)?.shard ?? null, stats, thresholds,
    watches: [], stallMs: suite.load.stallMs, sessions: tally.sessions(), threads: last?.threads ?? 0,
    loadOutcome: null, abandoned: 0,
    // A session without its end mark was killed: what it planned and did not finish is not in the file.
    partial: last === undefined || last.finishedAt === null || last.partial === true,
    interrupted: false, fatal: false, stoppedBy: null,
  });
  return { report, results: scan.records, tornBytes: scan.tornBytes };
}
