// Turns results.jsonl into the row table's data for report.html, streaming: each result becomes a
// compact array; repeated short texts (inputs, expected answers, grader reasons, short outputs) are
// written once and referenced by number; every CHUNK_RESULTS results become one gzip member that the
// page inflates with DecompressionStream, so the first rows show before the last are read.
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { ResultRecord } from '../../record/result-record.js';
import { readResults } from '../read-results.js';

/** Longest text kept per field in report.html; the full text stays in results.jsonl. */
export const TEXT_LIMITS = { output: 2000, input: 1000, expected: 1000, error: 500, reason: 300 } as const;

/** Results per gzip chunk: small enough that the page shows the first page of rows quickly. */
export const CHUNK_RESULTS = 20_000;
/** Texts up to this length are interned (written once per report); longer ones inline. */
const INTERN_MAX = 500;
/**
 * Bound on the interned texts held for lookup (characters): past it the lookup table starts afresh and
 * a text seen again is written again. Unique texts (a run's inputs and outputs) gain nothing from
 * interning and would otherwise hold ~100 MB for 200,000 results (bench/memory.mjs).
 */
const INTERN_CHARS = 4_000_000;

/** A text: inline, or the index of a text in the string table built up chunk by chunk. */
export type Ref = string | number;

/**
 * One result in the page: [variant index, row, iteration, ok 0|1, pass 1|0|null, score, ttftMs,
 * latencyMs, error kind, error message, inputs text, expected, output, output length, grades
 * [[grader, pass 0|1, score, reason, error 0|1]], attempts, runId, flow nodes [[node, startMs, durationMs]]
 * or null, repeat (only when the suite repeats rows)]. Positions are read by
 * page/rows-table.ts; S is Ref in the file and string once the page has resolved it.
 */
export type PageRow<S = Ref> = [
  number,
  number,
  number,
  0 | 1,
  0 | 1 | null,
  number | null,
  number | null,
  number,
  S | null,
  S | null,
  S,
  S | null,
  S,
  number,
  [S, 0 | 1, number, S, 0 | 1][],
  number,
  string | null,
  // Optional: rows written by an older flowbench, and test fixtures, end at runId.
  ([string, number, number][] | null)?,
  repeat?: number,
];

/** One chunk as the page reads it: its rows, and the texts it adds to the string table. */
export interface RowsChunk {
  rows: PageRow[];
  strings: string[];
}

export interface RowsData {
  /** Each: gzip of a RowsChunk as JSON, base64. */
  chunks: string[];
  count: number;
  /** Warm-up results: in results.jsonl, in no statistic, not shown in the page. */
  warmups: number;
  /** Results whose output was longer than TEXT_LIMITS.output. */
  truncatedOutputs: number;
  /** Variant names by the index rows use: report.json's, then any others results.jsonl holds. */
  variants: string[];
}

/**
 * One chunk's gzip, fed row by row in pieces of ~32 KB: the chunk's JSON ({"rows":[...],"strings":[...]})
 * is never one string. Held whole, 20,000 rows as text (3-5 MB) outlived enough collections to reach
 * the old generation, and the joined text was a large object that only a full collection frees; ten
 * chunks of that lifted the peak RSS of a 200,000-result report by tens of MB.
 */
class GzipChunk {
  private readonly gz = createGzip();
  private readonly out: Buffer[] = [];
  private readonly ended: Promise<void>;
  private piece = '{"rows":[';
  rows = 0;

  constructor() {
    this.gz.on('data', (b: Buffer) => this.out.push(b));
    this.ended = new Promise<void>((res, rej) => {
      this.gz.once('end', res);
      this.gz.once('error', rej);
    });
  }

  /** Adds one row's JSON; true when a piece is ready for write(). */
  add(rowJson: string): boolean {
    return this.append(rowJson, this.rows++ === 0);
  }

  /** An array element (comma-separated unless `first`); true when the piece is full. */
  private append(json: string, first: boolean): boolean {
    this.piece += first ? json : `,${json}`;
    return this.piece.length >= PIECE_CHARS;
  }

  async write(): Promise<void> {
    const piece = this.piece;
    this.piece = '';
    if (!this.gz.write(piece)) await once(this.gz, 'drain');
  }

  /** Closes the rows, adds the strings the chunk introduces, and returns the gzip. */
  async finish(fresh: readonly string[]): Promise<Buffer> {
    this.piece += '],"strings":[';
    for (let i = 0; i < fresh.length; i++) if (this.append(JSON.stringify(fresh[i]), i === 0)) await this.write();
    this.piece += ']}';
    await this.write();
    this.gz.end();
    await this.ended;
    return Buffer.concat(this.out);
  }
}

const PIECE_CHARS = 32 * 1024;

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);
const tenth = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 10) / 10);

/** The flow inputs as text: one `key: value` line each (non-string values as JSON). */
export function inputsText(inputs: Record<string, unknown> | null | undefined): string {
  if (!inputs || typeof inputs !== 'object') return '';
  return Object.entries(inputs)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

class Interner {
  private index = new Map<string, number>();
  private chars = 0;
  /** The page's string table only grows: numbers stay valid when the lookup table starts afresh. */
  private next = 0;
  fresh: string[] = [];

  ref(s: string): Ref {
    if (s.length > INTERN_MAX) return s;
    const known = this.index.get(s);
    if (known !== undefined) return known;
    if (this.chars + s.length > INTERN_CHARS) {
      this.index = new Map();
      this.chars = 0;
    }
    this.chars += s.length;
    const i = this.next++;
    this.index.set(s, i);
    this.fresh.push(s);
    return i;
  }
}

/**
 * Reads results.jsonl into row chunks. With `onChunk`, each chunk goes there as soon as it is made and
 * none is kept (`chunks` stays empty): report.html is written while the file streams past. Each of
 * `observers` sees every result but warm-ups, in file order (the plots and flips need one pass too).
 */
export async function readPageRows(
  resultsPath: string,
  reportVariants: string[],
  onChunk?: (chunk: string) => Promise<void>,
  observers: readonly { add(r: ResultRecord): void }[] = [],
): Promise<RowsData> {
  const variantNames = [...reportVariants];
  const index = new Map(variantNames.map((n, i) => [n, i]));
  const strings = new Interner();
  const chunks: string[] = [];
  let chunkCount = 0;
  // Rows go into the chunk's gzip as they are read (GzipChunk): none is kept as an object or as text.
  let rows = new GzipChunk();
  const flush = async () => {
    const encoded = (await rows.finish(strings.fresh)).toString('base64'); // a RowsChunk, gzipped
    chunkCount++;
    if (onChunk) await onChunk(encoded);
    else chunks.push(encoded);
    rows = new GzipChunk();
    strings.fresh = [];
  };
  let count = 0;
  let warmups = 0;
  let truncatedOutputs = 0;
  for await (const r of readResults(resultsPath)) {
    if (r.warmup) {
      warmups++;
      continue;
    }
    let v = index.get(r.variant);
    if (v === undefined) {
      v = variantNames.length; // a variant report.json does not list (edited file): still shown
      variantNames.push(r.variant);
      index.set(r.variant, v);
    }
    for (const o of observers) o.add(r);
    const output = typeof r.output === 'string' ? r.output : '';
    if (output.length > TEXT_LIMITS.output) truncatedOutputs++;
    const ref = (s: string) => strings.ref(s);
    const row: PageRow = [
      v,
      r.row,
      r.iteration,
      r.ok ? 1 : 0,
      r.pass === null || r.pass === undefined ? null : r.pass ? 1 : 0,
      r.score ?? null,
      tenth(r.ttftMs),
      tenth(r.latencyMs)!,
      r.error?.kind ? ref(r.error.kind) : null,
      r.error ? ref(cut(String(r.error.message ?? ''), TEXT_LIMITS.error)) : null,
      ref(cut(inputsText(r.inputs), TEXT_LIMITS.input)),
      r.expected === null || r.expected === undefined ? null : ref(cut(String(r.expected), TEXT_LIMITS.expected)),
      ref(cut(output, TEXT_LIMITS.output)),
      output.length,
      (r.grades ?? []).map((g) => [ref(String(g.grader)), g.pass ? 1 : 0, g.score, ref(cut(String(g.reason ?? ''), TEXT_LIMITS.reason)), g.error ? 1 : 0]),
      r.attempts,
      r.runId ?? null,
      r.nodes?.length ? r.nodes.map((n) => [n.node, tenth(n.startMs)!, tenth(n.durationMs)!]) : null,
    ];
    if (typeof r.repeat === 'number') row.push(r.repeat);
    if (rows.add(JSON.stringify(row))) await rows.write();
    count++;
    if (rows.rows >= CHUNK_RESULTS) await flush();
  }
  if (rows.rows || chunkCount === 0) await flush();
  return { chunks, count, warmups, truncatedOutputs, variants: variantNames };
}
