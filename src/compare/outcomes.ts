// The per-row data a comparison needs, streamed from results.jsonl: verdict, score and timings per
// (variant, row, iteration) — never the outputs (flips.ts fetches those for the few rows that flipped).
import { fnv1a32 } from '../random/fnv1a.js';
import { fileLines } from '../text/file-lines.js';
import type { ResultRecord } from '../record/result-record.js';
import { clusterOutcomes } from './repeat-clusters.js';

export interface RowOutcome {
  ok: boolean;
  pass: boolean | null;
  score: number | null;
  /** Timings of successful requests only (ms); a failed request has none, as in the histograms. */
  ttft: number | null;
  latency: number | null;
  ttfb: number | null;
  /** Numeric metadata fields. */
  meta: Record<string, number> | null;
  /** Time per flow node of a successful stream, ms (a node met twice: its stays added); absent without progress_data. */
  nodes?: Record<string, number>;
  /** A hash of the row's inputs: rows that pair across runs must have been asked the same thing. */
  inputs?: number;
  /** Suite `repeat` > 1: this outcome stands for the row's repeats (compare/repeat-clusters.ts). */
  cluster?: { repeats: number; passShare: number | null; errorShare: number };
}

/** FNV-1a of the inputs' JSON: enough to notice two runs whose datasets differ or were reordered. */
const hashInputs = (inputs: unknown): number => fnv1a32(JSON.stringify(inputs ?? null));

/** Row and iteration: what pairs two variants' results. */
export const rowKey = (row: number, iteration: number) => `${row}:${iteration}`;

/** Variant name -> row key -> outcome. */
export type OutcomeTable = Map<string, Map<string, RowOutcome>>;

export function outcomeOf(r: ResultRecord): RowOutcome {
  let meta: Record<string, number> | null = null;
  for (const [k, v] of Object.entries(r.metadataFields ?? {})) {
    if (typeof v === 'number' && Number.isFinite(v)) (meta ??= {})[k] = v;
  }
  // A result's cost pairs by row like a metadata field (family `cost`: cost_mean, cost_p95).
  if (typeof r.costUsd === 'number') (meta ??= {}).cost = r.costUsd;
  return {
    ok: r.ok,
    pass: r.pass,
    score: r.score,
    ttft: r.ok ? r.ttftMs : null,
    latency: r.ok ? r.latencyMs : null,
    ttfb: r.ok ? r.ttfbMs : null,
    meta,
    ...(r.ok && r.nodes !== undefined && r.nodes.length > 0 && { nodes: nodeTimes(r.nodes) }),
    inputs: hashInputs(r.inputs),
  };
}

function nodeTimes(nodes: NonNullable<ResultRecord['nodes']>): Record<string, number> {
  // A Map first: a node named "__proto__" must stay an ordinary key.
  const sum = new Map<string, number>();
  for (const n of nodes) sum.set(n.node, (sum.get(n.node) ?? 0) + n.durationMs);
  return Object.fromEntries(sum);
}

/**
 * Streams results.jsonl (one line at a time) and calls `each` per record. A torn last line (a killed
 * run) is skipped; a bad line elsewhere throws with its line number.
 */
export async function forEachResult(path: string, each: (r: ResultRecord) => void): Promise<void> {
  let n = 0;
  let bad: { line: number; message: string } | null = null;
  for await (const line of fileLines(path)) {
    n++;
    if (bad) throw new Error(`${path}:${bad.line}: results line is not JSON: ${bad.message}`);
    if (line.trim() === '') continue;
    let rec: ResultRecord;
    try {
      rec = JSON.parse(line) as ResultRecord;
    } catch (err) {
      bad = { line: n, message: (err as Error).message };
      continue;
    }
    if (typeof rec?.variant !== 'string' || typeof rec.row !== 'number') throw new Error(`${path}:${n}: not a flowbench result record`);
    each(rec);
  }
}

/**
 * The outcome table of a results.jsonl; `only` keeps just these variants. A repeated (variant, row,
 * iteration) keeps the last, except the repeats of a suite's `repeat`: those become one clustered outcome.
 */
export async function readOutcomes(path: string, only?: ReadonlySet<string>): Promise<OutcomeTable> {
  const table: OutcomeTable = new Map();
  const repeats = new Map<string, Map<string, Map<number, RowOutcome>>>();
  await forEachResult(path, (r) => {
    // Warm-up requests are in results.jsonl but in no statistic.
    if (only && !only.has(r.variant)) return;
    if ((r as { warmup?: boolean }).warmup === true) return;
    // A conversation's skipped turn never reached the flow: no outcome to pair, as it is in no variant statistic.
    if (r.skipped === true) return;
    let rows = table.get(r.variant);
    if (!rows) table.set(r.variant, (rows = new Map()));
    const key = rowKey(r.row, r.iteration ?? 0);
    if (typeof r.repeat !== 'number') {
      rows.set(key, outcomeOf(r));
      return;
    }
    let byKey = repeats.get(r.variant);
    if (!byKey) repeats.set(r.variant, (byKey = new Map()));
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = new Map()));
    list.set(r.repeat, outcomeOf(r)); // a doubled line of one repeat keeps the last
  });
  for (const [variant, byKey] of repeats) {
    const rows = table.get(variant)!;
    for (const [key, list] of byKey) rows.set(key, clusterOutcomes([...list.values()]));
  }
  return table;
}
