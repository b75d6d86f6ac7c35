// `flowbench report DIR`: rebuilds every derived report file (report.html, results.csv, .hgrm, …)
// from the folder's report.json and results.jsonl, e.g. after an upgrade or on another machine.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { loadSavedRun } from '../compare/saved-run.js';
import { DERIVED_WRITERS } from '../report/write-reports.js';
import { ConfigError } from '../suite/config-error.js';

export async function reportCommand(dirArg: string): Promise<number> {
  const dir = resolve(dirArg);
  const { report, resultsPath } = await loadSavedRun(dir);
  if (resultsPath === null) {
    throw new ConfigError(`no results.jsonl in ${dir}`, { file: dir }, 'the reports are rebuilt from results.jsonl and report.json: both must be there');
  }
  for (const w of DERIVED_WRITERS) {
    await w.write(dir, report);
    process.stdout.write(`wrote ${join(dirArg, w.name)}\n`);
  }
  return 0;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('rebuild report.html, results.csv and the other report files of a run folder from its results.jsonl and report.json')
    .argument('<dir>', 'a report folder written by `flowbench run`')
    .addHelpText('after', '\nExample:\n  flowbench report reports/demo-20260101-120000')
    .action(async (dir: string) => {
      process.exitCode = await reportCommand(dir);
    });
}
