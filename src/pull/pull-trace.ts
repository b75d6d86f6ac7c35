// `flowbench trace pull`: pages through a flow's run history (the analytics API) into a trace file. Each
// complete page is appended to a spool and then recorded in the state file, so an interrupted pull continues
// from its last complete page and every run is written exactly once; at the end the spool is sorted into --out.
import { existsSync, ftruncateSync, fsyncSync, openSync, closeSync, rmSync, statSync, writeSync } from 'node:fs';
import { ConfigError } from '../errors/config-error.js';
import type { AnalyticsResult } from '../stackai/client.js';
import type { ClassifiedError, ErrorKind } from '../stackai/types.js';
import { withRetries } from '../worker/retry-policy.js';
import { pageRows, traceLine, type SkipReason } from './analytics-row.js';
import { IdHasher } from './id-hasher.js';
import { argDifferences, pullPaths, readState, writeState, type PullArgs, type PullState } from './pull-state.js';
import { writeSortedTrace, type SortedTrace } from './sorted-trace.js';

/** Where pages come from: the StackAI client, or a test's stand-in. */
export type PageSource = (query: Array<[string, string]>) => Promise<AnalyticsResult>;

export interface PullOptions {
  args: PullArgs;
  out: string;
  /** Retries of a page on 429 / 5xx / connection errors / timeouts (a GET: repeating it is harmless). */
  retries: number;
  /** Discard an interrupted pull's state and start over. */
  restart?: boolean;
  /** Replace an --out file that a finished pull (or anything else) left. */
  force?: boolean;
  /** Called after every complete page. */
  onPage?: (p: PullProgress) => void;
  /** The clock that pins end_date when --end-date is absent (tests pass one). */
  now?: () => Date;
}

export interface PullProgress {
  pages: number;
  rowsFetched: number;
  linesKept: number;
  skipped: number;
}

export interface PullSummary {
  out: string;
  /** Pages fetched by this invocation (a resumed pull counts only its own). */
  pages: number;
  /** Page the pull started from: 0, or where an interrupted one stopped. */
  resumedAt: number;
  rowsFetched: number;
  skipped: Record<SkipReason, number>;
  endDateSent: string;
  trace: SortedTrace;
}

/** The server said no, or answered something that is not a page: the pull stops, its state kept for a rerun. */
export class PullError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'PullError';
  }
}

const RETRYABLE = new Set<ErrorKind>(['http_429', 'http_5xx', 'connect', 'reset', 'timeout']);

function failure(page: number, error: ClassifiedError, attempts: number): PullError {
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  if (error.kind === 'http_401' || error.kind === 'http_403')
    return new PullError(
      `page ${page}: the server refused the API key: ${error.message}${tries}; check STACKAI_API_KEY${error.kind === 'http_403' ? ' (a key of this org, with access to the flow)' : ''}`,
      error.status,
    );
  if (error.kind === 'http_404') return new PullError(`page ${page}: ${error.message}: check --org and --flow`, error.status);
  if (error.kind === 'protocol') return new PullError(`page ${page}${error.status === null ? '' : ` (HTTP ${error.status})`}: ${error.message}`, error.status);
  return new PullError(`page ${page}: ${error.message}${tries}`, error.status);
}

function freshState(args: PullArgs, now: Date): PullState {
  return {
    version: 1,
    args,
    endDateSent: args.endDate ?? now.toISOString(),
    nextPage: 0,
    spoolBytes: 0,
    rowsFetched: 0,
    linesKept: 0,
    skipped: { 'no date': 0, 'no inputs': 0 },
    idKey: args.anonymise ? new IdHasher().keyHex : null,
    lastPageRows: null,
    pagesDone: false,
  };
}

/** The state to go on from: a fresh one, or the interrupted pull's (refused when its arguments differ). */
function startingState(opts: PullOptions): PullState {
  const paths = pullPaths(opts.out);
  if (opts.restart) for (const f of [paths.state, paths.spool]) rmSync(f, { force: true });
  const saved = readState(paths.state);
  if (saved !== null) {
    const diff = argDifferences(saved.args, opts.args);
    if (diff.length > 0)
      throw new ConfigError(
        `an interrupted pull into ${opts.out} was started with other arguments: ${diff.join('; ')}`,
        { file: paths.state },
        'run the same command as before to continue it, or add --restart to start this one over',
      );
    const size = existsSync(paths.spool) ? statSync(paths.spool).size : -1;
    if (size < saved.spoolBytes)
      throw new ConfigError(
        `the spool of the interrupted pull is missing or shorter than its state says`,
        { file: paths.spool },
        'add --restart to start the pull over',
      );
    return saved;
  }
  if (existsSync(opts.out) && !opts.force) throw new ConfigError(`${opts.out} already exists`, {}, 'choose another --out, or add --force to replace it');
  const state = freshState(opts.args, (opts.now ?? (() => new Date()))());
  try {
    closeSync(openSync(paths.spool, 'w', 0o600));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      `cannot write beside --out ${opts.out} (${code})`,
      { file: paths.spool },
      'give --out a path in a folder that exists and can be written',
    );
  }
  writeState(paths.state, state);
  return state;
}

function query(state: PullState, page: number): Array<[string, string]> {
  const a = state.args;
  const q: Array<[string, string]> = [
    ['page', String(page)],
    ['page_size', String(a.pageSize)],
  ];
  if (a.startDate !== null) q.push(['start_date', a.startDate]);
  q.push(['end_date', state.endDateSent]);
  if (a.states !== null) q.push(['state', a.states]);
  if (a.userId !== null) q.push(['user_id', a.userId]);
  return q;
}

export async function pullTrace(source: PageSource, opts: PullOptions): Promise<PullSummary> {
  const paths = pullPaths(opts.out);
  const state = startingState(opts);
  const resumedAt = state.nextPage;
  const ids = state.idKey === null ? null : new IdHasher(state.idKey);
  const rowOpts = { expected: state.args.expected, outputKey: state.args.outputKey, inputKey: state.args.inputKey, ids };
  const spool = openSync(paths.spool, 'r+');
  let pages = 0;
  try {
    // A page cut short by a crash (after its lines, before the state said so) is dropped and fetched again.
    ftruncateSync(spool, state.spoolBytes);
    while (!state.pagesDone) {
      const page = state.nextPage;
      const log = await withRetries<AnalyticsResult>(
        { retry: (r, attempt) => !r.ok && attempt <= opts.retries && RETRYABLE.has(r.error.kind), retryAfterMs: (r) => (r.ok ? null : r.retryAfterMs) },
        () => source(query(state, page)),
      );
      const res = log[log.length - 1]!.result;
      if (!res.ok) throw failure(page, res.error, log.length);
      const rows = pageRows(res.value);
      if (rows === null) {
        const start = JSON.stringify(res.value).slice(0, 120);
        throw new PullError(`page ${page} (HTTP ${res.status}) is not a list of runs: ${start}`, res.status);
      }
      const before = state.lastPageRows;
      if (rows.length > 0 && before !== null && before < state.args.pageSize)
        throw new PullError(
          `page ${page - 1} held ${before} runs where ${state.args.pageSize} were asked for, yet page ${page} holds more: the server caps page_size, and runs would be missed; pass --page-size ${before} --restart`,
          res.status,
        );
      let text = '';
      let fetched = 0;
      for (const row of rows) {
        if (state.args.maxRows !== null && state.linesKept >= state.args.maxRows) break;
        fetched++;
        const got = traceLine(row, rowOpts);
        if ('skip' in got) state.skipped[got.skip]++;
        else {
          text += `${JSON.stringify(got.line)}\n`;
          state.linesKept++;
        }
      }
      const bytes = Buffer.from(text, 'utf8');
      writeSync(spool, bytes, 0, bytes.length, state.spoolBytes);
      fsyncSync(spool);
      state.spoolBytes += bytes.length;
      state.rowsFetched += fetched;
      state.nextPage = page + 1;
      state.lastPageRows = rows.length;
      // An empty page ends it, not a short one: a server that caps page_size answers short pages all along.
      state.pagesDone = rows.length === 0 || (state.args.maxRows !== null && state.linesKept >= state.args.maxRows);
      writeState(paths.state, state);
      pages++;
      opts.onPage?.({
        pages: state.nextPage,
        rowsFetched: state.rowsFetched,
        linesKept: state.linesKept,
        skipped: state.skipped['no date'] + state.skipped['no inputs'],
      });
    }
  } finally {
    closeSync(spool);
  }
  const trace = writeSortedTrace(paths.spool, state.spoolBytes, opts.out);
  // The trace is in place: the state (and the anonymising key in it) and the spool go.
  rmSync(paths.state, { force: true });
  rmSync(paths.spool, { force: true });
  return { out: opts.out, pages, resumedAt, rowsFetched: state.rowsFetched, skipped: state.skipped, endDateSent: state.endDateSent, trace };
}
