// Writes every report file for a finished (or interrupted) run. Each format is one module;
// this is the one place that lists them, so `flowbench report DIR` can rebuild them all.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from './report-model.js';

/** Writes report.json and every other report format into dir. results.jsonl is already there. */
export async function writeReports(dir: string, report: Report): Promise<void> {
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
}
