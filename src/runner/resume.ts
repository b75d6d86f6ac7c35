// Starting a run folder, or resuming one: a new run writes its manifest first and starts an empty
// results.jsonl; `--resume DIR` checks the manifest, drops a torn last line, and says which planned
// requests are already done so that only the rest is sent. Reports are rebuilt from every line.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import type { Suite } from '../suite/types.js';
import type { RecordEnvelope, ResultRecord } from '../record/result-record.js';
import { buildManifest, manifestMismatch, readManifest, writeManifest, type RunManifest } from './run-manifest.js';
import type { SessionMark } from './sessions.js';

export const RESULTS_FILE = 'results.jsonl';

/** The identity of one planned request. */
export const resultKey = (variant: string, row: number, iteration: number, repeat = 0): string => `${variant}\u0000${row}\u0000${iteration}\u0000${repeat}`;

export interface RunDir {
  /** Keys of measured requests already in results.jsonl (empty for a new run). */
  done: Set<string>;
  /** True when resuming. */
  resumed: boolean;
  /** When the run first started (the manifest's time when resuming): the zero of the run's one clock. */
  startedAt: Date;
  /** The manifest as written; `startSession` / `endSession` add this session's mark to it. */
  manifest: RunManifest;
  /** The sessions before this one (empty for a new run). */
  earlier: SessionMark[];
  /** The manifest's suite + dataset hash (also written to report.json). */
  suiteHash: string;
  /** Bytes of a torn last line that were dropped (0 if none). */
  droppedBytes: number;
  /** Feeds every earlier record (each key once, warm-ups included) to `onRecord`, in file order. */
  replay(onRecord: (r: ResultRecord) => void): Promise<number>;
}

/**
 * Prepares `dir` for a run. New run: writes the manifest before any request, empties results.jsonl.
 * Resume: refuses (ConfigError) a folder without a manifest, or a changed suite or dataset, with the reason.
 */
export async function prepareRunDir(dir: string, suite: Suite, resume: boolean, now = new Date(), force = false): Promise<RunDir> {
  const manifest = await buildManifest(suite, now);
  const results = join(dir, RESULTS_FILE);
  if (!resume) {
    // A finished (or interrupted) run is never silently replaced: --resume continues it, --force replaces it.
    const held = heldRun(dir);
    if (held !== null && !force) {
      throw new ConfigError(`${dir} already holds a run (${held})`, {}, 'choose another --out, finish that run with --resume DIR, or replace it with --force');
    }
    await rm(results, { force: true });
    await writeManifest(dir, manifest);
    return { done: new Set(), resumed: false, startedAt: now, manifest, earlier: [], suiteHash: manifest.suiteHash, droppedBytes: 0, replay: async () => 0 };
  }
  const before = await readManifest(dir);
  const why = manifestMismatch(before, manifest);
  if (why !== null) {
    throw new ConfigError(
      `cannot resume ${dir}: ${why}`,
      { file: suite.file },
      'resume with the same suite, dataset and flags, or start a new run (without --resume)',
    );
  }
  const done = new Set<string>();
  const scan = await scanResults(results, (r) => {
    if (r.warmup !== true) done.add(resultKey(r.variant, r.row, r.iteration, r.repeat));
  });
  // A torn last line (the process was killed mid-write) is cut off, so new lines start on a line of their own.
  if (scan.tornBytes > 0) await truncate(results, scan.wholeBytes);
  return {
    done,
    resumed: true,
    startedAt: new Date(before.startedAt),
    manifest: before,
    earlier: before.sessions ?? [],
    suiteHash: manifest.suiteHash,
    droppedBytes: scan.tornBytes,
    replay: async (onRecord) => {
      const seen = new Set<string>();
      const s = await scanResults(results, (r) => {
        const key = `${r.warmup === true ? 'w' : 'm'}\u0000${resultKey(r.variant, r.row, r.iteration, r.repeat)}`;
        if (seen.has(key)) return; // a request is counted once, even if a line were ever doubled
        seen.add(key);
        onRecord(r);
      });
      return s.records;
    },
  };
}

/** What in `dir` shows that a run was written there, or null when nothing does. */
export function heldRun(dir: string): string | null {
  const results = join(dir, RESULTS_FILE);
  if (existsSync(results) && statSync(results).size > 0) return `${RESULTS_FILE}, ${statSync(results).size} bytes`;
  if (existsSync(join(dir, 'report.json'))) return 'report.json';
  return null;
}

/** Drops planned requests whose key is already done (none when `done` is absent or empty). */
export function skipDone<T extends { variant: number; row: number; iteration: number; repeat?: number }>(
  plan: AsyncIterable<T>,
  done: Set<string> | undefined,
  variantNames: readonly string[],
): AsyncIterable<T> {
  if (!done?.size) return plan; // a fresh run: no pass-through layer (each costs a promise per request)
  return (async function* () {
    for await (const p of plan) if (!done.has(resultKey(variantNames[p.variant]!, p.row, p.iteration, p.repeat))) yield p;
  })();
}

/** Records this session's mark in the manifest: at its clock's start (finishedAt null), and again at its end. */
export async function markSession(dir: string, runDir: RunDir, mark: SessionMark): Promise<void> {
  runDir.manifest = { ...runDir.manifest, sessions: [...runDir.earlier, mark] };
  await writeManifest(dir, runDir.manifest);
}

/** The envelope a saved record was completed with, read back from its own fields. */
export function envelopeOf(r: ResultRecord, variant: number): RecordEnvelope {
  return { variant, step: r.step ?? null, warmup: r.warmup === true, sendLagMs: r.sendLagMs ?? 0, delayed: r.delayed === true };
}

/**
 * Counts an earlier session's record as if it had just finished (it is already in results.jsonl: not
 * written again), timeline and sweep steps included. Returns whether it was a measured request.
 */
export function replayInto(
  c: { add(r: ResultRecord, env: RecordEnvelope): void },
  r: ResultRecord,
  suite: Suite,
  onResult?: (r: ResultRecord) => void,
): boolean {
  const variant = suite.variants.findIndex((v) => v.name === r.variant);
  if (variant < 0) return false; // the manifest check makes this impossible; never count a stranger
  c.add(r, envelopeOf(r, variant));
  onResult?.(r);
  return r.warmup !== true;
}

/** A part of results.jsonl to scan: from byte `start` (a line's first byte) to byte `end` (exclusive). */
export interface ScanRange {
  start: number;
  end: number;
  /** Lines before `start`, so that a damaged line is named by its line number in the file. */
  linesBefore: number;
}

/**
 * Reads results.jsonl line by line (streamed, never whole), or the part `range` names (a checkpoint
 * reads what was added since the last one). A last line without its newline is torn: ignored (a
 * checkpoint reads it next time, whole). A damaged line before it is a ConfigError naming its line number.
 */
export async function scanResults(
  path: string,
  onRecord: (r: ResultRecord) => void,
  range?: ScanRange,
): Promise<{ records: number; lines: number; wholeBytes: number; tornBytes: number }> {
  let records = 0;
  let wholeBytes = 0;
  let lineNo = range?.linesBefore ?? 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (line: Buffer): void => {
    lineNo++;
    const text = line.toString('utf8').trim();
    if (text === '') return;
    let r: ResultRecord;
    try {
      r = JSON.parse(text) as ResultRecord;
      if (typeof r.variant !== 'string' || typeof r.row !== 'number' || typeof r.iteration !== 'number') throw new Error('not a result');
    } catch {
      throw new ConfigError(
        `line ${lineNo} is not a result record`,
        { file: path, line: lineNo },
        'delete that line (its request will run again on resume), or start a new run',
      );
    }
    records++;
    onRecord(r);
  };
  try {
    if (range !== undefined && range.end <= range.start) return { records: 0, lines: 0, wholeBytes: 0, tornBytes: 0 };
    const stream = range === undefined ? createReadStream(path) : createReadStream(path, { start: range.start, end: range.end - 1 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        const part = chunk.subarray(start, nl);
        const line = pending.length ? Buffer.concat([...pending, part]) : part;
        wholeBytes += line.length + 1;
        pending = [];
        pendingBytes = 0;
        take(line);
        start = nl + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: 0, lines: 0, wholeBytes: 0, tornBytes: 0 };
    throw err;
  }
  return { records, lines: lineNo - (range?.linesBefore ?? 0), wholeBytes, tornBytes: pendingBytes };
}
