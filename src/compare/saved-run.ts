// Reads a saved run for comparison: a report folder or its report.json, plus results.jsonl when it is there.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Report } from '../report/report-model.js';
import { ConfigError } from '../errors/config-error.js';

export interface SavedRun {
  /** The path as the user gave it (shown in reports). */
  source: string;
  report: Report;
  /** results.jsonl beside report.json, or null (then only the histograms and counts can be compared). */
  resultsPath: string | null;
}

const HINT = 'name a flowbench report folder (it holds report.json and results.jsonl) or its report.json';

export async function loadSavedRun(path: string): Promise<SavedRun> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new ConfigError(`${path}: no such file or folder`, {}, HINT);
  const file = statSync(abs).isDirectory() ? join(abs, 'report.json') : abs;
  if (!existsSync(file)) throw new ConfigError(`${path}: no report.json in this folder`, {}, HINT);
  let report: Report;
  try {
    report = JSON.parse(await readFile(file, 'utf8')) as Report;
  } catch (err) {
    throw new ConfigError(`${file}: not JSON: ${(err as Error).message}`, { file }, HINT);
  }
  if (report?.schemaVersion !== 1 || !Array.isArray(report.variants)) {
    throw new ConfigError(`${file}: not a flowbench report (schemaVersion 1 with variants)`, { file }, HINT);
  }
  const results = join(dirname(file), 'results.jsonl');
  return { source: path, report, resultsPath: existsSync(results) ? results : null };
}
