// Writes every report file for a finished (or interrupted) run. Each format is one module;
// this is the one place that lists them, so `flowbench report DIR` can rebuild them all.
import { join } from 'node:path';
import { writeHgrm } from './hgrm.js';
import { writeHtmlReport } from './html/write-html.js';
import { writeJunit } from './junit.js';
import { writeMarkdownSummary } from './markdown-summary.js';
import type { Report } from './report-model.js';
import { writeResultsCsv } from './results-csv.js';
import { writeFileWhole } from './whole-file.js';

/** One report format: reads report.json's content and results.jsonl in dir, writes its file(s). */
export interface ReportWriter {
  /** What it writes, for messages (e.g. "report.html"). */
  name: string;
  write(dir: string, report: Report): Promise<unknown>;
}

/** Every format derived from report.json + results.jsonl; `flowbench report` reruns exactly these. */
export const DERIVED_WRITERS: ReportWriter[] = [
  { name: 'report.html', write: writeHtmlReport },
  { name: 'results.csv', write: (dir) => writeResultsCsv(dir) },
  { name: 'hgrm/*.hgrm', write: writeHgrm },
  { name: 'junit.xml', write: writeJunit },
  { name: 'summary.md', write: writeMarkdownSummary },
];

/**
 * Writes the derived formats; results.jsonl and report.json must already be in dir. One that fails (a full
 * disk) does not keep the others from being tried: the first failure is thrown once all were.
 */
export async function writeDerivedReports(dir: string, report: Report): Promise<void> {
  let failure: { err: unknown } | null = null;
  for (const w of DERIVED_WRITERS) {
    await w.write(dir, report).catch((err: unknown) => void (failure ??= { err }));
  }
  if (failure !== null) throw (failure as { err: unknown }).err;
}

/** report.json, written whole (a kill mid-write leaves the old one): `report` and `compare` read it. */
export async function writeReportJson(dir: string, report: Report): Promise<void> {
  await writeFileWhole(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
}

/** Writes report.json and every other report format into dir. results.jsonl is already there. */
export async function writeReports(dir: string, report: Report): Promise<void> {
  await writeReportJson(dir, report);
  await writeDerivedReports(dir, report);
}
