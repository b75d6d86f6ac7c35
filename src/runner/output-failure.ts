// When the run's output cannot be written (disk full, I/O error, the folder taken away): the run stops as
// after a Ctrl-C (no new sends, in-flight requests get load.grace), writes what it still can, and ends
// with one error naming the file and the errno, what was written, and how to finish (exit 4).
import { join } from 'node:path';
import { OutputError, outputError, shownPath } from '../report/output-error.js';
import type { Report } from '../report/report-model.js';
import { writeDerivedReports, writeReportJson } from '../report/write-reports.js';
import { writeHlogs } from './write-hlogs.js';

/** The run's stop signal: the user's (Ctrl-C, SIGTERM) or the output failing, whichever comes first. */
export function stopSignal(user: AbortSignal | undefined): { signal: AbortSignal; halt: () => void } {
  const own = new AbortController();
  return { signal: user === undefined ? own.signal : AbortSignal.any([user, own.signal]), halt: () => own.abort() };
}

/** An errno failure to write `fallback` (or the file it names) as an OutputError; other errors as they are. */
function asOutput(err: unknown, fallback: string): unknown {
  const e = err as { code?: unknown; path?: unknown } | null;
  // whole-file.ts makes an unwritable place a ConfigError that keeps its code: mid-run, that is the output failing too.
  return typeof e?.code === 'string' ? outputError(typeof e.path === 'string' ? e.path : fallback, err) : err;
}

export interface RunOutputs {
  dir: string;
  report: Report;
  hlogs: { variant: string; text: string }[];
  /** results.jsonl's failure, if it failed: the formats read from it are not written then. */
  results: OutputError | null;
  /** Lines results.jsonl could not take. */
  lost: number;
  suiteFile: string;
}

/**
 * Writes report.json, the other reports and the hlogs, each tried on its own. Returns the failure to report
 * (results.jsonl's, else the first), its notes and fix filled in; null when everything was written.
 */
export async function writeOutputs(o: RunOutputs): Promise<unknown> {
  let first: unknown = o.results;
  const attempt = async (fallback: string, write: () => Promise<unknown>): Promise<boolean> => {
    try {
      await write();
      return true;
    } catch (err) {
      first ??= asOutput(err, join(o.dir, fallback));
      return false;
    }
  };
  const json = await attempt('report.json', () => writeReportJson(o.dir, o.report));
  // An incomplete results.jsonl would make incomplete reports (and /dev/full reads as endless zeros).
  const derived = o.results === null && (await attempt('report.html', () => writeDerivedReports(o.dir, o.report)));
  const hlogs = await attempt('hlog', () => writeHlogs(o.dir, o.hlogs));
  if (!(first instanceof OutputError)) return first;
  const dir = shownPath(o.dir);
  const notWritten = [
    ...(json ? [] : ['report.json']),
    ...(derived ? [] : [o.results === null ? 'some of the other reports' : 'the other reports (results.jsonl is incomplete)']),
    ...(hlogs ? [] : ['the .hlog files']),
  ];
  if (o.results !== null) {
    const lost = `${o.lost} finished result${o.lost === 1 ? '' : 's'} could not be added to results.jsonl`;
    first.notes = [
      `no request was sent after it; ${lost}; ${json ? `report.json was written (${o.report.partial ? 'partial' : 'complete'}); ` : ''}not written: ${notWritten.join(', ')}`,
    ];
    first.hint = `free space on that disk (or fix what failed), then finish the run: flowbench run ${shownPath(o.suiteFile)} --resume ${dir} (it sends what results.jsonl lacks and rebuilds every report)`;
  } else {
    first.notes = [`results.jsonl is complete; not written: ${notWritten.join(', ')}`];
    first.hint = `free space on that disk (or fix what failed), then rebuild the reports: flowbench report ${dir}`;
  }
  return first;
}
