// What makes a pull resumable: a small state file beside --out (rewritten by an atomic rename after every
// complete page) and the spool of lines pulled so far, whose length the state vouches for.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/config-error.js';
import { writeFileWholeSync } from '../report/whole-file.js';
import type { SkipReason } from './analytics-row.js';

/** The arguments that decide what a pull fetches and writes: a resume must be given the same. */
export interface PullArgs {
  /** As shown (credentials in it redacted): the token is never part of it. */
  baseUrl: string;
  orgId: string;
  flowId: string;
  startDate: string | null;
  endDate: string | null;
  states: string | null;
  userId: string | null;
  pageSize: number;
  maxRows: number | null;
  anonymise: boolean;
  expected: boolean;
  outputKey: string;
  inputKey: string;
}

export interface PullState {
  version: 1;
  args: PullArgs;
  /** The end_date sent: --end-date, or the time the pull first started (new runs then cannot shift the pages). */
  endDateSent: string;
  /** The next page to fetch (pages are numbered from 0). */
  nextPage: number;
  /** Bytes of the spool that hold complete pages; anything after is a page cut short, dropped on resume. */
  spoolBytes: number;
  rowsFetched: number;
  linesKept: number;
  skipped: Record<SkipReason, number>;
  /** --anonymise: the pull's HMAC key, hex (the file is removed when the pull ends, and the key with it). */
  idKey: string | null;
  /** Runs on the last page fetched (a short page followed by a full one means the server caps page_size). */
  lastPageRows: number | null;
  /** Every page is in the spool: only the sorted trace remains to be written. */
  pagesDone: boolean;
}

export interface PullPaths {
  state: string;
  spool: string;
}

export function pullPaths(out: string): PullPaths {
  return { state: `${out}.pull-state.json`, spool: `${out}.pull-spool.jsonl` };
}

export function writeState(path: string, state: PullState): void {
  // Owner-only: it holds the key the anonymised ids are hashed with.
  writeFileWholeSync(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

/** The state of an interrupted pull, or null when there is none. */
export function readState(path: string): PullState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  if (!isState(value)) {
    throw new ConfigError(
      'the state file of an interrupted pull is not readable',
      { file: path },
      'pass --restart to start the pull over (or delete the file)',
    );
  }
  return value;
}

function isState(v: unknown): v is PullState {
  if (v === null || typeof v !== 'object') return false;
  const s = v as Partial<PullState>;
  return (
    s.version === 1 && typeof s.args === 'object' && typeof s.nextPage === 'number' && typeof s.spoolBytes === 'number' && typeof s.endDateSent === 'string'
  );
}

/** The arguments that differ, as "--flag: was → now". */
export function argDifferences(was: PullArgs, now: PullArgs): string[] {
  const flag: Record<keyof PullArgs, string> = {
    baseUrl: '--base-url',
    orgId: '--org',
    flowId: '--flow',
    startDate: '--start-date',
    endDate: '--end-date',
    states: '--state',
    userId: '--user-id',
    pageSize: '--page-size',
    maxRows: '--max-rows',
    anonymise: '--anonymise',
    expected: '--expected',
    outputKey: '--output',
    inputKey: '--input-key',
  };
  const out: string[] = [];
  for (const key of Object.keys(flag) as Array<keyof PullArgs>) {
    if (was[key] !== now[key]) out.push(`${flag[key]}: ${JSON.stringify(was[key])} then, ${JSON.stringify(now[key])} now`);
  }
  return out;
}
