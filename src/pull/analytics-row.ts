// One row of StackAI's analytics API turned into one line of a trace (docs/trace-pull.md): tolerant of extra
// and missing fields and of inputs and outputs given as objects or as JSON text. Pure, table-tested.
import type { IdHasher } from './id-hasher.js';

/** A line of trace.jsonl, in the order its fields are written (the format is in docs/trace-pull.md). */
export interface TraceLine {
  timestamp: string;
  inputs: Record<string, unknown>;
  user_id?: string;
  conversation_id?: string;
  run_id?: string;
  state?: string;
  expected?: string;
  latency_s?: number;
  total_tokens?: number;
}

export type SkipReason = 'no date' | 'no inputs';

export interface RowOptions {
  /** Keep the recorded output as `expected`. */
  expected: boolean;
  /** The output key that is "the answer" (a suite's `output`), e.g. out-0. */
  outputKey: string;
  /** The input key a bare-text `inputs` goes under, e.g. in-0. */
  inputKey: string;
  /** Hashes user and conversation ids (--anonymise), or null to keep them. */
  ids: IdHasher | null;
}

/** The rows of a page: the API answers a JSON array; an object wrapping one (`data`, `items`, ...) is read too. */
export function pageRows(body: unknown): unknown[] | null {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') {
    for (const key of ['data', 'items', 'runs', 'results']) {
      const v: unknown = (body as Record<string, unknown>)[key];
      if (Array.isArray(v)) return v;
    }
  }
  return null;
}

/**
 * A run's time as epoch ms, or null. An ISO 8601 text without a zone is UTC (Python writes naive datetimes
 * that way; the local zone of the machine pulling says nothing about them); a number is epoch s or ms.
 */
export function runTimeMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? (v > 1e11 ? v : v * 1000) : null;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const text = v.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return runTimeMs(Number(text));
  const zoned = /^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00Z` : /[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}

/** An object from an object or a JSON text of one; a bare text is `fallbackKey: text`; null when there is nothing. */
function objectOf(v: unknown, fallbackKey: string): Record<string, unknown> | null {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.keys(v).length > 0 ? { ...(v as Record<string, unknown>) } : null;
  if (typeof v !== 'string' || v.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(v);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return Object.keys(parsed).length > 0 ? (parsed as Record<string, unknown>) : null;
  } catch {
    // Not JSON: the text itself is the one input (or output).
  }
  return { [fallbackKey]: v };
}

/** The answer among a run's outputs: the output key's value, else the only output there is. */
function answerOf(v: unknown, outputKey: string): string | undefined {
  const outputs = objectOf(v, outputKey);
  if (outputs === null) return undefined;
  const values = Object.values(outputs);
  const value: unknown = outputKey in outputs ? outputs[outputKey] : values.length === 1 ? values[0] : undefined;
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The trace line of one analytics row (with its time, for sorting), or why it is skipped. */
export function traceLine(row: unknown, opts: RowOptions): { line: TraceLine; ms: number } | { skip: SkipReason } {
  const r: Record<string, unknown> = row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>) : {};
  const ms = runTimeMs(r.date ?? r.created_at ?? r.timestamp);
  if (ms === null) return { skip: 'no date' };
  const inputs = objectOf(r.inputs, opts.inputKey);
  if (inputs === null) return { skip: 'no inputs' };
  const ids = opts.ids;
  let userId = text(r.user_id);
  let conversationId = text(r.conversation_id);
  if (ids !== null) {
    // The ids can travel in the body too (a flow's user_id input): hashed there with the same key.
    if (typeof inputs.user_id === 'string' && inputs.user_id !== '') inputs.user_id = ids.user(inputs.user_id);
    if (typeof inputs.conversation_id === 'string' && inputs.conversation_id !== '') inputs.conversation_id = ids.conversation(inputs.conversation_id);
    if (userId !== undefined) userId = ids.user(userId);
    if (conversationId !== undefined) conversationId = ids.conversation(conversationId);
  }
  const line: TraceLine = { timestamp: new Date(ms).toISOString(), inputs };
  if (userId !== undefined) line.user_id = userId;
  if (conversationId !== undefined) line.conversation_id = conversationId;
  const runId = text(r.run_id);
  if (runId !== undefined) line.run_id = runId;
  const state = text(r.state);
  if (state !== undefined) line.state = state;
  if (opts.expected) {
    const answer = answerOf(r.outputs, opts.outputKey);
    if (answer !== undefined) line.expected = answer;
  }
  const latency = finite(r.latency);
  if (latency !== undefined) line.latency_s = latency;
  const tokens = finite(r.total_tokens);
  if (tokens !== undefined) line.total_tokens = tokens;
  return { line, ms };
}
