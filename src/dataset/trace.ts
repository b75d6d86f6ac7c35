// A replay trace (docs/replay.md, the contract of `flowbench trace pull`): a JSONL or CSV file of requests,
// each with a timestamp. This module reads a row's time and scans a whole trace once for its span and
// its mistakes, naming the file and line of each. No clock, no scheduling: load/models/replay.ts does that.
import { ConfigError } from '../errors/config-error.js';
import { readRows } from './read-rows.js';

/** Epoch numbers above this are milliseconds, below it seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
export const EPOCH_MS_ABOVE = 1e11;

/** ISO 8601 with a date and a time; an offset or Z is optional (without one, the time is read as UTC). */
const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** A row's time in epoch ms: ISO 8601 text, or epoch seconds / milliseconds (a number, or digits in a CSV cell). */
export function traceTimeMs(value: unknown): number | null {
  // Seconds are rounded to the microsecond: 1764493200.001 * 1000 is 1764493200000.9998 in floating point.
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? (value > EPOCH_MS_ABOVE ? value : Math.round(value * 1e6) / 1e3) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return traceTimeMs(Number(text));
  if (!ISO.test(text)) return null;
  // No offset: UTC, not the local zone of whichever machine replays it.
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}

export interface TraceSource {
  path: string;
  format: 'csv' | 'jsonl';
  /** The row field holding the timestamp. */
  time: string;
  /** JSONL traces whose requests send the row's `inputs` object as it is: each row must have one. */
  needsInputs: boolean;
}

/** What one pass over a trace found. */
export interface TraceScan {
  rows: number;
  /** Epoch ms of the earliest and the latest row (null: an empty trace). */
  firstMs: number | null;
  lastMs: number | null;
  /** True when every row's time is at or after the one before it (the order `flowbench trace pull` writes). */
  sorted: boolean;
}

/** The row's time, or a ConfigError naming its line and the fix. */
export function rowTimeMs(src: TraceSource, values: Record<string, unknown>, line: number): number {
  const raw = values[src.time];
  const ms = traceTimeMs(raw);
  if (ms !== null) return ms;
  const got = raw === undefined || raw === '' ? `no '${src.time}' field` : `'${src.time}' ${JSON.stringify(raw)}, which is not a time`;
  throw new ConfigError(
    `trace: the row on line ${line} has ${got}`,
    { file: src.path, line },
    `give every row a ${src.time} in ISO 8601 ("2026-11-30T09:00:00.125Z") or epoch seconds / milliseconds` +
      (src.time === 'timestamp' ? ", or name the row's time field with load.replay.time" : ''),
  );
}

/** Reads the whole trace once (streamed): its span and order; the first bad row throws its ConfigError. */
export async function scanTrace(src: TraceSource): Promise<TraceScan> {
  const out: TraceScan = { rows: 0, firstMs: null, lastMs: null, sorted: true };
  let prev = -Infinity;
  for await (const row of readRows({ path: src.path, format: src.format })) {
    const ms = rowTimeMs(src, row.values, row.line);
    if (src.needsInputs) checkInputs(src.path, row.values.inputs, row.line);
    if (ms < prev) out.sorted = false;
    prev = ms;
    out.rows++;
    out.firstMs = out.firstMs === null ? ms : Math.min(out.firstMs, ms);
    out.lastMs = out.lastMs === null ? ms : Math.max(out.lastMs, ms);
  }
  return out;
}

function checkInputs(path: string, inputs: unknown, line: number): void {
  if (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs)) return;
  const got = inputs === undefined ? "no 'inputs' object" : `'inputs' ${JSON.stringify(inputs)}, not an object`;
  throw new ConfigError(
    `trace: the row on line ${line} has ${got}`,
    { file: path, line },
    'give every row the flow inputs as an object, e.g. "inputs": {"in-0": "..."}, or map its fields with load.replay.inputs',
  );
}
