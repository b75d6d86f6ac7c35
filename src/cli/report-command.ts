// `flowbench report DIR`: rebuilds every derived report file (report.html, results.csv, .hgrm, …)
// from the folder's report.json and results.jsonl, e.g. after an upgrade or on another machine.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import type { Report } from '../report/report-model.js';
import { DERIVED_WRITERS } from '../report/write-reports.js';
import { ConfigError } from '../suite/config-error.js';

function readReport(dir: string): Report {
  const file = join(dir, 'report.json');
  if (!existsSync(file)) throw new ConfigError(`no report.json in ${dir}`, { file: dir }, 'point at a folder written by `flowbench run` (it holds report.json and results.jsonl)');
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`report.json is not valid JSON: ${(err as Error).message}`, { file }, 'rerun the suite, or restore the file');
  }
  const r = report as Partial<Report>;
  if (typeof report !== 'object' || report === null || r.schemaVersion !== 1 || !Array.isArray(r.variants)) {
    throw new ConfigError('report.json is not a flowbench report (schemaVersion 1 with variants)', { file }, 'point at a folder written by `flowbench run`');
  }
  return report as Report;
}

export async function reportCommand(dirArg: string): Promise<number> {
  const dir = resolve(dirArg);
  const report = readReport(dir);
  if (!existsSync(join(dir, 'results.jsonl'))) {
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
