// Where a run's reports go when --out does not say: the suite's report.dir template expanded (suite/report-dir.ts),
// refused when it leads out of the working folder and the suite's folder, and made free of a held run.
import { resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { expandReportDir, REPORT_DIR_FIX, reportDirProblem } from '../suite/report-dir.js';
import type { Suite } from '../suite/types.js';
import { heldRun } from './resume.js';

/** The report folder of a run started at `started`; a template leading out of both folders is a ConfigError. */
export function reportDir(suite: Suite, started: Date, cwd = process.cwd()): string {
  const problem = reportDirProblem(suite.report.dir, suite.name, suite.dir, cwd);
  if (problem !== null) throw new ConfigError(problem, { file: suite.file }, REPORT_DIR_FIX);
  return resolve(cwd, expandReportDir(suite.report.dir, suite.name, started));
}

/** The default report folder, or the same name with -2, -3, … when a run in the same second holds it. */
export function freeDir(dir: string): string {
  for (let n = 2, d = dir; ; d = `${dir}-${n++}`) if (heldRun(d) === null) return d;
}
