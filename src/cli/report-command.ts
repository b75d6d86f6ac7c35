// `flowbench report DIR`: rebuilds every derived report file (report.html, results.csv, .hgrm, …)
// from the folder's report.json and results.jsonl, e.g. after an upgrade or on another machine.
// A folder without report.json (the run was killed), or with a checkpoint's, gets report.json rebuilt from
// results.jsonl first.
import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';

export async function reportCommand(dirArg: string): Promise<number> {
  // Loaded when the command runs: every other command (and a mistake in the input) starts without it.
  const [{ loadSavedRun }, { rebuildReport }, { DERIVED_WRITERS, writeReportJson }] = await Promise.all([
    import('../compare/saved-run.js'),
    import('../runner/rebuild-report.js'),
    import('../report/write-reports.js'),
  ]);
  const dir = resolve(dirArg);
  // An empty report.json is one an earlier version left when killed while writing it: rebuilt like a missing one.
  const json = join(dir, 'report.json');
  const noReport = !existsSync(json) || statSync(json).size === 0;
  // A checkpoint's report.json (the run was killed after it) covers less than results.jsonl holds: rebuilt too.
  if (existsSync(dir) && (noReport || isCheckpoint(json)) && existsSync(join(dir, 'results.jsonl'))) {
    const { report, results, tornBytes } = await rebuildReport(dir);
    await writeReportJson(dir, report);
    const torn = tornBytes > 0 ? `; a torn last line (${tornBytes} bytes) left out` : '';
    process.stdout.write(
      `rebuilt ${join(dirArg, 'report.json')} from ${results} results in results.jsonl${torn}${report.partial ? ' (the run did not finish: the report is partial)' : ''}\n`,
    );
  }
  const stale = removeStaleTemps(dir);
  if (stale.length > 0) process.stdout.write(`removed ${stale.join(', ')}: a write a killed run left unfinished\n`);
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

/**
 * The temporary files (`report.json.<pid>.tmp`, whole-file.ts) of a process that no longer runs: a run
 * killed (kill -9, OOM) while it wrote a checkpoint leaves one; the real file beside it is whole.
 */
function removeStaleTemps(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const stale = readdirSync(dir).filter((f) => {
    const m = /^[\w.-]+\.(\d+)\.tmp$/.exec(f);
    return m !== null && !running(Number(m[1]));
  });
  for (const f of stale) rmSync(join(dir, f), { force: true });
  return stale;
}

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
};

/** Whether report.json was written by a checkpoint of a run that never wrote its final report. */
function isCheckpoint(json: string): boolean {
  try {
    const r = JSON.parse(readFileSync(json, 'utf8')) as { partialReason?: unknown } | null;
    return r?.partialReason === 'checkpoint';
  } catch {
    return false; // unreadable: loadSavedRun says what is wrong with it
  }
}

export function registerReport(program: Command, exit: (code: number) => void): void {
  program
    .command('report')
    .description(
      'rebuild report.html, results.csv and the other report files of a run folder from its results.jsonl and report.json (report.json too, when a killed run left none)',
    )
    .argument('<dir>', 'a report folder written by `flowbench run`')
    .addHelpText('after', '\nExample:\n  flowbench report reports/demo-20260101-120000')
    .action(async (dir: string) => {
      exit(await reportCommand(dir));
    });
}
