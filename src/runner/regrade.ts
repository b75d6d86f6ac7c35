// `flowbench regrade DIR`: the outputs a run saved in results.jsonl graded again, with no flow call,
// into a new folder: the same grading pool as a run (judge answers from the judge cache when they are
// there), then report.json and every report rebuilt from the new lines as `flowbench report` does.
// The suite is the one the run recorded, or one given with --suite that changes only how outputs are judged.
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { readRows } from '../dataset/read-rows.js';
import { ConfigError } from '../errors/config-error.js';
import { GraderLoadError, type GradingPool } from '../grading/grading-pool.js';
import type { GradeJob } from '../grading/messages.js';
import { DEFAULT_STALL_MS } from '../harness/thread-watch.js';
import type { ResultRecord } from '../record/result-record.js';
import type { RegradeOf, Report } from '../report/report-model.js';
import { ensureFolder } from '../report/whole-file.js';
import type { Suite } from '../suite/types.js';
import { startFeedback, type FeedbackOptions, type FeedbackPoster } from './feedback-poster.js';
import { writeOutputs } from './output-failure.js';
import { rebuildReport } from './rebuild-report.js';
import { refusalMessage, regradeRefusals } from './regrade-check.js';
import { freeDir } from './report-folder.js';
import { envelopeOf, heldRun, RESULTS_FILE } from './resume.js';
import { extrasSpecOf } from './extras-spec.js';
import { addResultExtras } from '../metrics/result-extras.js';
import { buildManifest, MANIFEST_FILE, readManifest, writeManifest, type RunManifest } from './run-manifest.js';
import { startGrading } from './start-grading.js';
import { startTokenThread } from '../metrics/token-thread.js';
import { resolveTarget, type ResolvedTarget } from './target.js';
import { hlogNames } from './write-hlogs.js';

export interface RegradeOptions {
  /** --suite, loaded: changes only graders, pass_score, thresholds, max_error_rate, compare, feedback (else refused). */
  suite?: Suite;
  /** The recorded suite's token and header values (never recorded): the suite file reloaded, when it still loads. */
  secrets?: { token: string; headers: Record<string, string> };
  /** The new folder; default DIR-regrade (then -2, -3, … when taken). */
  outDir?: string;
  force?: boolean;
  /** --post-feedback: post the new grades as feedback, as the suite's feedback settings say (default: not re-posted). */
  postFeedback?: boolean;
  feedback?: FeedbackOptions;
  /** false: --no-cache, every judge call made. */
  judgeCache?: boolean;
}

export interface RegradeOutcome {
  report: Report;
  dir: string;
  /** Lines graded again (successful requests), and lines kept as they were (failed requests). */
  regraded: number;
  kept: number;
  /** The line number of a torn last line of the run's results.jsonl (a kill mid-write), left out; null when none. */
  tornLine: number | null;
  /** 0 every threshold and gate holds, 1 one fails. */
  exitCode: number;
}

const BATCH = 25;
const BATCHES_IN_FLIGHT = 4;

export async function regradeRun(sourceArg: string, opts: RegradeOptions = {}): Promise<RegradeOutcome> {
  const source = resolve(sourceArg);
  if (!existsSync(join(source, RESULTS_FILE)))
    throw new ConfigError(`no ${RESULTS_FILE} in ${sourceArg}`, { file: source }, 'point flowbench regrade at the report folder of a flowbench run');
  const manifest = await readManifest(source).catch((err: unknown) => {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(
      `cannot regrade ${sourceArg}: ${err.message.replace(/^--resume \S+: /, '')}`,
      { file: join(source, MANIFEST_FILE) },
      'point flowbench regrade at the report folder of a flowbench run (it holds results.jsonl and run-manifest.json)',
    );
  });
  const recorded = manifest.suiteAsRun;
  if (recorded === undefined)
    throw new ConfigError(
      `cannot regrade ${sourceArg}: its ${MANIFEST_FILE} was written by an earlier flowbench that did not keep the suite`,
      { file: join(source, MANIFEST_FILE) },
      'run the suite again with `flowbench run`',
    );
  let suite: Suite;
  if (opts.suite !== undefined) {
    const refused = regradeRefusals(recorded, opts.suite);
    if (refused.length > 0) {
      const { message, hint } = refusalMessage(sourceArg, refused);
      throw new ConfigError(message, { file: opts.suite.file }, hint);
    }
    suite = opts.suite;
  } else {
    const secrets = opts.secrets ?? { token: '', headers: {} };
    suite = { ...recorded, target: { ...recorded.target, token: secrets.token, headers: secrets.headers } };
  }
  const dir = opts.outDir !== undefined ? resolve(opts.outDir) : freeDir(`${source}-regrade`);
  if (dir === source) throw new ConfigError('--out is the folder being regraded', { file: dir }, 'a regrade writes a new folder: choose another --out');
  const held = heldRun(dir);
  if (held !== null && opts.force !== true)
    throw new ConfigError(`${dir} already holds a run (${held})`, { file: dir }, 'choose another --out, or replace it with --force');

  // The graders read the rows' columns: the dataset must still be the bytes the run read.
  const fresh = await buildManifest(suite, new Date(manifest.startedAt));
  if (fresh.dataset.sha256 !== manifest.dataset.sha256)
    throw new ConfigError(
      `cannot regrade ${sourceArg}: the dataset ${fresh.dataset.path} changed since the run (sha256 ${manifest.dataset.sha256.slice(0, 12)}… → ${fresh.dataset.sha256.slice(0, 12)}…)`,
      { file: fresh.dataset.path },
      'restore the dataset the run read, or send the new rows with `flowbench run`',
    );
  await ensureFolder(dir);
  const regradeOf: RegradeOf = { dir: source, suiteHash: manifest.suiteHash, regradedAt: new Date().toISOString() };
  const kept: RunManifest = { ...fresh, startedAt: manifest.startedAt, ...(manifest.sessions && { sessions: manifest.sessions }), regradeOf };
  await rm(join(dir, RESULTS_FILE), { force: true });
  await writeManifest(dir, kept);

  const counts = await gradeLines(source, dir, suite, opts);
  const { report } = await rebuildReport(dir);
  report.regradeOf = regradeOf;
  await copyHlogs(source, dir, suite);
  const unwritten = await writeOutputs({ dir, report, hlogs: [], results: null, lost: 0, suiteFile: suite.file });
  if (unwritten !== null) throw unwritten;
  return { report, dir, ...counts, exitCode: report.verdict === 'pass' ? 0 : 1 };
}

/** Grades every line of the source's results.jsonl through the grading pool and writes them, in order, to dir's. */
async function gradeLines(
  source: string,
  dir: string,
  suite: Suite,
  opts: RegradeOptions,
): Promise<{ regraded: number; kept: number; tornLine: number | null }> {
  const values = new Map<number, Record<string, unknown>>();
  for await (const row of readRows(suite.dataset)) values.set(row.index, row.values);
  const names = suite.variants.map((v) => v.name);
  const hasJudge = suite.graders.some((g) => g.type === 'judge' || g.type === 'not-judge');
  const posting = opts.postFeedback === true && suite.feedback.post;
  const closers: (() => Promise<unknown>)[] = [];
  const out = await open(join(dir, RESULTS_FILE), 'a');
  closers.push(() => out.close());
  let regraded = 0;
  let keptLines = 0;
  let tornLine: number | null = null;
  try {
    // Nothing is sent to the flow under test; the target is reached only for judge calls and feedback.
    let target: ResolvedTarget = { baseUrl: '', token: '', close: async () => {} };
    if (hasJudge || posting) {
      target = await resolveTarget(suite);
      closers.push(() => target.close());
    }
    let pool: GradingPool | null = null;
    if (suite.graders.length > 0) {
      const stallMs = suite.load.stallMs > 0 ? suite.load.stallMs : DEFAULT_STALL_MS;
      // One tokenizer for the grading threads, as in a run: the output tokens servers did not report.
      const tokens = startTokenThread({ stallMs, preload: false }, suite.metadata);
      closers.push(() => tokens.close());
      await tokens.ready;
      const p = await startGrading(suite, target, stallMs, true, () => {}, 0, opts.judgeCache !== false, tokens).catch((err: unknown) => {
        // A grader module that does not load is the suite's fault, as in a run (exit 2).
        if (err instanceof GraderLoadError)
          throw new ConfigError(err.message, { file: suite.file }, 'fix or remove that grader: its module must load without errors and without exiting');
        throw err;
      });
      pool = p;
      closers.push(() => p.close());
    }
    const poster = posting ? startFeedback(suite, target, opts.feedback) : null;
    if (poster !== null) closers.push(() => poster.close());

    const grade = async (lines: string[]): Promise<string> => {
      const jobs: GradeJob[] = [];
      // The run's cost and goodput figures are set again where each record completes, from this suite's definitions.
      const records = lines.map((l) => withoutExtras(JSON.parse(l) as ResultRecord));
      for (const r of records) {
        if (r.ok) regraded++;
        else keptLines++;
        jobs.push({ record: JSON.stringify(r), env: envelopeOf(r, names.indexOf(r.variant)), values: values.get(r.row) ?? {} });
      }
      const text = pool !== null ? (await pool.grade(jobs)).text : ungraded(records, suite);
      return poster === null ? text : repost(poster, text);
    };
    const inFlight: Promise<string>[] = [];
    let batch: string[] = [];
    for await (const line of readLines(join(source, RESULTS_FILE), (n) => (tornLine = n))) {
      batch.push(line);
      if (batch.length < BATCH) continue;
      inFlight.push(grade(batch));
      batch = [];
      if (inFlight.length >= BATCHES_IN_FLIGHT) await out.appendFile(await inFlight.shift()!);
    }
    if (batch.length > 0) inFlight.push(grade(batch));
    for (const p of inFlight) await out.appendFile(await p);
    await poster?.drain();
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
  return { regraded, kept: keptLines, tornLine };
}

/** A record without the figures addResultExtras sets (usage is read again from its metadata). */
function withoutExtras(r: ResultRecord): ResultRecord {
  const { usage: _u, costUsd: _c, unpricedModels: _m, judgeCostUsd: _j, serverLatencyMs: _s, latencyGapMs: _g, serverMismatch: _x, goodput: _p, ...rest } = r;
  return rest;
}

/** A suite without graders: every grade of the run is dropped, as a run without graders records none; cost and goodput as the suite defines them. */
function ungraded(records: ResultRecord[], suite: Suite): string {
  const extras = extrasSpecOf(suite);
  return records.map((r) => `${JSON.stringify(addResultExtras({ ...r, grades: [], pass: null, score: null }, extras))}\n`).join('');
}

/** Posts each graded line's feedback (as the suite says) and returns the lines with the new outcomes, in order. */
async function repost(poster: FeedbackPoster, text: string): Promise<string> {
  const lines = text.split('\n').filter((l) => l !== '');
  const posted = await Promise.all(lines.map((l) => new Promise<ResultRecord>((done) => poster.handle(JSON.parse(l) as ResultRecord, done))));
  return posted.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/**
 * The whole lines of results.jsonl, streamed. A damaged line is a ConfigError naming it, unless it is
 * the last one (torn by a kill mid-write: left out, as `flowbench report` does).
 */
async function* readLines(path: string, onTorn: (line: number) => void): AsyncIterable<string> {
  let lineNo = 0;
  let damaged: number | null = null;
  for await (const raw of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    lineNo++;
    const line = raw.trim();
    if (line === '') continue;
    if (damaged !== null)
      throw new ConfigError(`line ${damaged} is not a result record`, { file: path, line: damaged }, 'mend or delete that line, then regrade again');
    try {
      const r = JSON.parse(line) as ResultRecord;
      if (typeof r.variant !== 'string' || typeof r.row !== 'number') throw new Error('not a result');
    } catch {
      damaged = lineNo;
      continue;
    }
    yield line;
  }
  if (damaged !== null) onTorn(damaged);
}

/** The run's HdrHistogram logs: timings are not regraded, so they are the run's own. */
async function copyHlogs(source: string, dir: string, suite: Suite): Promise<void> {
  for (const name of hlogNames(suite.variants.map((v) => v.name))) {
    if (existsSync(join(source, name))) await copyFile(join(source, name), join(dir, name));
  }
}
