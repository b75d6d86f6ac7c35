// `flowbench trace pull`: a trace of real traffic from a flow's run history (src/pull/), for load.replay.
// Flags, the target (base URL and token as `flowbench run` takes them), progress on stderr, exit codes.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../errors/config-error.js';
import type { PullArgs } from '../pull/pull-state.js';
import type { PullProgress, PullSummary } from '../pull/pull-trace.js';
import { targetName } from '../report/target-name.js';
import { parseDuration, DURATION_FORMS } from '../text/duration.js';

export interface TracePullFlags {
  org?: string;
  flow: string;
  baseUrl?: string;
  startDate?: string;
  endDate?: string;
  state?: string;
  userId?: string;
  pageSize: number;
  out: string;
  anonymise?: boolean;
  expected?: boolean;
  output: string;
  inputKey: string;
  maxRows?: number;
  retries: number;
  timeout: string;
  restart?: boolean;
  force?: boolean;
  progress: boolean;
}

const STATES = ['PENDING', 'PAUSED', 'RESUMED', 'COMPLETED', 'FAILED', 'CANCELLED'];
/** The simulator accepts any non-empty token (as for `flowbench run`, src/runner/target.ts). */
const SIMULATOR_TOKEN = 'flowbench-simulator';
/** Not a TTY: a progress line every this many pages. */
const LOG_EVERY_PAGES = 10;

function int(name: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

/** A date or date-time flag as the ISO text sent: a date alone is its midnight UTC, a time without a zone is UTC. */
export function dateFlag(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const text = value.trim();
  const zoned = /^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00Z` : /[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const ms = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(zoned) : Number.NaN;
  if (Number.isNaN(ms))
    throw new ConfigError(
      `${name} ${JSON.stringify(value)} is not a date`,
      {},
      `write an ISO 8601 date or time, e.g. ${name} 2025-11-03 or ${name} 2025-11-03T09:30:00Z`,
    );
  return new Date(ms).toISOString();
}

function statesFlag(value: string | undefined): string | null {
  if (value === undefined) return null;
  const states = value.split(',').map((s) => s.trim().toUpperCase());
  const bad = states.filter((s) => !STATES.includes(s));
  if (bad.length > 0 || states.length === 0)
    throw new ConfigError(`--state ${value}: unknown state ${bad.join(', ')}`, {}, `use one or more of ${STATES.join(', ')}, comma-separated`);
  return states.join(',');
}

/** What `run` would send to: flag, then $STACKAI_BASE_URL, then the embedded simulator; the token from $STACKAI_API_KEY. */
async function target(flags: TracePullFlags, env: NodeJS.ProcessEnv) {
  const baseUrl = flags.baseUrl ?? (env.STACKAI_BASE_URL || 'simulator');
  const token = env.STACKAI_API_KEY ?? '';
  const orgId = flags.org ?? env.STACKAI_ORG_ID ?? (baseUrl === 'simulator' ? 'demo' : undefined);
  if (orgId === undefined || orgId === '') throw new ConfigError('no org id', {}, 'pass --org ORG (or set STACKAI_ORG_ID)');
  if (baseUrl === 'simulator') {
    const { startSimulatorThread } = await import('../simulator/start.js');
    const sim = await startSimulatorThread({ token: token || SIMULATOR_TOKEN });
    return { baseUrl: sim.url, shown: 'simulator', orgId, token: token || SIMULATOR_TOKEN, close: () => sim.close() };
  }
  const { MIN_TOKEN_CHARS } = await import('../suite/checks.js');
  if (token === '') throw new ConfigError(`no API token for ${targetName(baseUrl)}`, {}, 'set STACKAI_API_KEY in the environment (or pass --env-file .env)');
  if (token.length < MIN_TOKEN_CHARS)
    throw new ConfigError(`STACKAI_API_KEY is shorter than ${MIN_TOKEN_CHARS} characters: not a StackAI API key`, {}, 'set the full StackAI API key');
  const { redactUrl } = await import('../stackai/url-credentials.js');
  return { baseUrl, shown: redactUrl(baseUrl), orgId, token, close: async () => {} };
}

/** The progress line: rewritten in place on a TTY, else a plain line every LOG_EVERY_PAGES pages. */
export function progressWriter(enabled: boolean, err: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>): { page(p: PullProgress): void; end(): void } {
  const tty = err.isTTY === true;
  let shown = false;
  const text = (p: PullProgress): string => `trace pull: page ${p.pages}, ${p.rowsFetched} runs read, ${p.linesKept} kept, ${p.skipped} skipped`;
  return {
    page(p) {
      if (!enabled) return;
      if (tty) {
        err.write(`\r\x1b[2K${text(p)}`);
        shown = true;
      } else if (p.pages % LOG_EVERY_PAGES === 0) err.write(`${text(p)}\n`);
    },
    end() {
      if (shown) err.write('\r\x1b[2K');
      shown = false;
    },
  };
}

function summaryLine(s: PullSummary): string {
  const t = s.trace;
  const span = t.firstMs === null || t.lastMs === null ? '' : `, ${new Date(t.firstMs).toISOString()} to ${new Date(t.lastMs).toISOString()}`;
  const skipped = s.skipped['no date'] + s.skipped['no inputs'];
  const notes: string[] = [];
  if (skipped > 0) notes.push(`${skipped} runs skipped (${s.skipped['no date']} without a date, ${s.skipped['no inputs']} without inputs)`);
  if (t.duplicates > 0) notes.push(`${t.duplicates} runs listed twice written once (the history changed while paging)`);
  if (s.resumedAt > 0) notes.push(`resumed at page ${s.resumedAt}`);
  return `wrote ${s.out}: ${t.written} requests${span}, from ${s.rowsFetched} runs read${notes.length ? `; ${notes.join('; ')}` : ''}\n`;
}

export async function tracePullCommand(flags: TracePullFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const timeoutMs = parseDuration(flags.timeout);
  if (timeoutMs === null || timeoutMs <= 0) throw new ConfigError(`--timeout ${flags.timeout} is not a duration`, {}, `write ${DURATION_FORMS}`);
  const startDate = dateFlag('--start-date', flags.startDate);
  const endDate = dateFlag('--end-date', flags.endDate);
  const states = statesFlag(flags.state);
  const [{ StackAIClient }, { pullTrace, PullError }, { plainHttpTokenWarning }, { Redactor }] = await Promise.all([
    import('../stackai/client.js'),
    import('../pull/pull-trace.js'),
    import('../stackai/plain-http.js'),
    import('../stackai/redaction.js'),
  ]);
  const t = await target(flags, env);
  const redactor = new Redactor([t.token]);
  const args: PullArgs = {
    baseUrl: t.shown,
    orgId: t.orgId,
    flowId: flags.flow,
    startDate,
    endDate,
    states,
    userId: flags.userId ?? null,
    pageSize: flags.pageSize,
    maxRows: flags.maxRows ?? null,
    anonymise: flags.anonymise === true,
    expected: flags.expected === true,
    outputKey: flags.output,
    inputKey: flags.inputKey,
  };
  const client = new StackAIClient({ baseUrl: t.baseUrl, token: t.token, connections: 1 });
  const progress = progressWriter(flags.progress, process.stderr);
  // Every page is on disk before the state says so: leaving at any moment loses at most the page in flight.
  const leave = (sig: NodeJS.Signals): void => {
    progress.end();
    process.stderr.write(
      `flowbench: ${sig === 'SIGINT' ? 'interrupted' : 'terminated'}: the pages pulled so far are kept; run the same command again to continue\n`,
    );
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', leave);
  process.once('SIGTERM', leave);
  try {
    const warning = plainHttpTokenWarning(t.baseUrl, t.token);
    if (warning !== null) process.stderr.write(`flowbench: warning: ${warning}\n`);
    process.stderr.write(
      `trace pull from ${t.shown === 'simulator' ? targetName('simulator') : targetName(t.shown)}: org ${t.orgId}, flow ${flags.flow}${args.anonymise ? ', ids anonymised' : ''}${args.expected ? ', outputs kept as expected' : ''}\n`,
    );
    if (t.shown === 'simulator' && env.STACKAI_API_KEY)
      process.stderr.write(
        "flowbench: note: STACKAI_API_KEY is set, but this trace comes from the embedded simulator's generated history, not your flow: pass --base-url https://api.stack-ai.com (or set STACKAI_BASE_URL)\n",
      );
    if (args.anonymise && args.expected)
      process.stderr.write('flowbench: note: --expected keeps the recorded outputs word for word: --anonymise hashes the ids only\n');
    const summary = await pullTrace((q) => client.getAnalyticsPage(t.orgId, flags.flow, q, timeoutMs), {
      args,
      out: flags.out,
      retries: flags.retries,
      ...(flags.restart === true && { restart: true }),
      ...(flags.force === true && { force: true }),
      onPage: (p) => progress.page(p),
    });
    progress.end();
    process.stdout.write(summaryLine(summary));
    return 0;
  } catch (err) {
    progress.end();
    if (!(err instanceof PullError)) throw err;
    process.stderr.write(`flowbench: error: ${redactor.text(err.message)}\n  the pages pulled so far are kept: run the same command again to continue\n`);
    return 1;
  } finally {
    process.off('SIGINT', leave);
    process.off('SIGTERM', leave);
    await client.close();
    await t.close();
  }
}

export function registerTrace(program: Command, exit: (code: number) => void): void {
  const trace = program
    .command('trace')
    .description("traces of real traffic from a flow's run history, for load.replay (`trace pull`)")
    .addHelpText('after', "\nExample:\n  flowbench trace pull --flow support-bot --out trace.jsonl   # from the embedded simulator's generated history");
  trace
    .command('pull')
    .description("write a trace (JSONL, in time order) from a flow's run history: StackAI's analytics API")
    .requiredOption('--flow <id>', 'the flow id')
    .option('--org <id>', 'the org id (default: $STACKAI_ORG_ID)')
    .option('--base-url <url>', 'https://api.stack-ai.com, or "simulator" (default: $STACKAI_BASE_URL, else the embedded simulator)')
    .option('--start-date <date>', 'only runs from this date or time on (ISO 8601; a date alone is its midnight UTC)')
    .option('--end-date <date>', 'only runs up to this date or time (default: when the pull started)')
    .option('--state <states>', 'only runs in these states, comma-separated: COMPLETED,FAILED,...')
    .option('--user-id <id>', "only this user's runs")
    .option('--page-size <n>', 'runs per page', int('--page-size', 1), 100)
    .option('--out <file>', 'the trace file', 'trace.jsonl')
    .option('--anonymise', 'hash user and conversation ids with a key made for this pull; outputs are dropped (unless --expected)')
    .option('--expected', "keep each run's recorded output as `expected` (a baseline for graders)")
    .option('--output <key>', 'the output key that is the answer, for --expected', 'out-0')
    .option('--input-key <key>', 'the input key for inputs logged as plain text', 'in-0')
    .option('--max-rows <n>', 'stop after this many requests', int('--max-rows', 1))
    .option('--retries <n>', 'retries of a page on 429 / 5xx / connection errors, honouring Retry-After', int('--retries', 0), 3)
    .option('--timeout <d>', 'time allowed per page', '60s')
    .option('--restart', 'discard an interrupted pull into --out and start over')
    .option('--force', 'replace an existing --out file')
    .option('--no-progress', 'no progress line')
    .addHelpText(
      'after',
      '\nThe API key comes from $STACKAI_API_KEY (or --env-file .env) and is never printed. An interrupted pull\ncontinues where it stopped when run again with the same flags. Docs: docs/trace-pull.md.\n\nExample:\n  flowbench --env-file .env trace pull --base-url https://api.stack-ai.com --flow 6650a1f0c1e2d3b4a5f6e7d8 \\\n    --start-date 2025-11-03T08:00:00Z --end-date 2025-11-03T12:00:00Z --anonymise --out monday.jsonl',
    )
    .action(async (flags: TracePullFlags) => {
      exit(await tracePullCommand(flags));
    });
}
